"""Page URLs of mass testing (included by web/urls.py inside the "web" namespace)."""

from django.urls import path

from firstline.web.views import testing

urlpatterns = [
    path("", testing.round_list, name="testing_rounds"),
    path("rounds/<int:pk>/", testing.round_detail, name="testing_round"),
    path("rounds/<int:pk>/status/", testing.round_status, name="testing_round_status"),
    path("rounds/<int:pk>/pooling/", testing.pooling, name="testing_pooling"),
    path("rounds/<int:pk>/points/", testing.points, name="testing_points"),
    path("points/<int:pk>/", testing.point_edit, name="testing_point_edit"),
    path("rounds/<int:pk>/coverage/<int:area_pk>/", testing.coverage, name="testing_coverage"),
    path("rounds/<int:pk>/missing/<int:area_pk>/", testing.missing, name="testing_missing"),
    path("rounds/<int:pk>/exemptions/", testing.exemption_set, name="testing_exempt"),
    path("exemptions/<int:pk>/remove/", testing.exemption_remove, name="testing_exempt_remove"),
    path("rounds/<int:pk>/calldowns/<int:point_pk>/", testing.calldowns, name="testing_calldowns"),
    path("rounds/<int:pk>/positives/", testing.positives, name="testing_positives"),
    path("tubes/<int:pk>/seal/", testing.seal, name="testing_seal"),
    path("rounds/<int:pk>/export/<int:area_pk>/", testing.export, name="testing_export"),
    path("rounds/<int:pk>/tubes/", testing.tubes, name="testing_tubes"),
]
