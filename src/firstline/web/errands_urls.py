"""Page URLs of errands (views in web/views/errands.py), included by web/urls.py inside the "web"
namespace."""

from django.urls import path

from firstline.web.views import errands

urlpatterns = [
    path("errands/", errands.queue, name="errands_queue"),
    path("errands/new/", errands.new, name="errands_new"),
    path("errands/mine/", errands.mine, name="errands_mine"),
    path("errands/groups/", errands.groups, name="errands_groups"),
    path("errands/export/", errands.export_log, name="errands_export"),
    path("errands/<int:pk>/", errands.detail, name="errands_request"),
    path("errands/offers/<int:pk>/", errands.offer, name="errands_offer"),
    path("errands/poster/<int:pk>/", errands.poster, name="errands_poster"),
    # Public: the help page behind a building's poster, and the household's one-time confirmation.
    path("help/mine/", errands.resident, name="errands_resident"),
    path("help/confirm/<str:token>/", errands.confirm, name="errands_confirm"),
    path("help/<str:token>/", errands.public_help, name="errands_public"),
]
