"""URL roots: the JSON API under /api/v1/, the pages everywhere else."""

from django.urls import include, path

from firstline.api.root import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("firstline.web.urls")),
]
