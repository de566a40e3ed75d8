"""Page URLs of distribution (views in web/views/distribution.py), included by web/urls.py inside the "web"
namespace."""

from django.urls import path

from firstline.web.views import distribution as views

urlpatterns: list = [
    path("distributions/", views.distribution_list, name="distribution_list"),
    path("distributions/new/", views.distribution_new, name="distribution_new"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution_detail"),
    path(
        "distributions/<int:pk>/batches/<int:number>/issue/",
        views.distribution_issue,
        name="distribution_issue",
    ),
    path(
        "distributions/<int:pk>/buildings/<int:building_id>/handover/",
        views.distribution_handover,
        name="distribution_handover",
    ),
    path("distributions/<int:pk>/return/", views.distribution_return, name="distribution_return"),
    path("distributions/<int:pk>/export/", views.distribution_export, name="distribution_export"),
    path(
        "distributions/<int:pk>/buildings/<int:building_id>/",
        views.distribution_doors,
        name="distribution_doors",
    ),
    path(
        "distributions/<int:pk>/buildings/<int:building_id>/door/",
        views.distribution_door,
        name="distribution_door",
    ),
    path(
        "distributions/<int:pk>/stairwells/<int:allocation_id>/confirm/",
        views.distribution_confirm,
        name="distribution_confirm",
    ),
]
