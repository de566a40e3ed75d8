"""Page URLs. Each feature keeps its own views module."""

from django.contrib.auth import views as auth_views
from django.urls import path

from firstline.web.views import areas, home, team

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("team/", team.team, name="team"),
    path("team/grants/<int:pk>/withdraw/", team.grant_revoke, name="grant_revoke"),
    path("me/", team.profile, name="profile"),
    path("me/tokens/<int:pk>/revoke/", team.token_revoke, name="token_revoke"),
    path("areas/<int:pk>/", areas.area_detail, name="area"),
    path("search/", areas.area_detail, name="search"),
]
