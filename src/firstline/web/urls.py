"""Page URLs. Each feature keeps its own views module."""

from django.contrib.auth import views as auth_views
from django.urls import path

from firstline.web.views import areas, home

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("areas/<int:pk>/", areas.area_detail, name="area"),
    path("search/", areas.area_detail, name="search"),
]
