"""Page URLs of mass testing (included by web/urls.py inside the "web" namespace)."""

from django.urls import path

from firstline.web.views import lab

urlpatterns = [
    path("testing/rounds/<int:pk>/boxes/", lab.boxes, name="testing_boxes"),
    path("testing/boxes/<int:pk>/", lab.box, name="testing_box"),
    path("lab/", lab.lab_home, name="lab"),
    path("lab/boxes/<int:pk>/", lab.lab_box, name="lab_box"),
    path("lab/results/upload/", lab.upload, name="lab_upload"),
    path("lab/uploads/<int:pk>/", lab.upload_report, name="lab_upload_report"),
    path("antigen/", lab.antigen_report, name="antigen_report"),
    path("households/<int:pk>/antigen/", lab.antigen_household, name="antigen_household"),
    path("antigen/area/<int:pk>/", lab.antigen_list, name="antigen_list"),
    path("followups/", lab.followups, name="followups"),
    path("followups/<int:pk>/close/", lab.followup_close, name="followup_close"),
    path("notices/", lab.notices, name="notices"),
    path("notices/read/", lab.notices_read, name="notices_read"),
]
