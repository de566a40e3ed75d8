"""URL roots: the JSON API under /api/v1/, the pages everywhere else."""

from django.urls import include, path, re_path

from firstline.api import root

urlpatterns = [
    path("api/v1/", root.api.urls),
    # What the API does not know is answered by the API (JSON), whatever the method.
    re_path(r"^api/", root.not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("firstline.web.urls")),
]
