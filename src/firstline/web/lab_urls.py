"""Page URLs of mass testing (included by web/urls.py inside the "web" namespace): transport boxes,
the lab, antigen self-tests, follow-ups and the notices inbox."""

from django.urls import path

from firstline.web.views import antigen, lab, notices, transport

urlpatterns = [
    path("testing/rounds/<int:pk>/boxes/", transport.boxes, name="testing_boxes"),
    path("testing/boxes/<int:pk>/", transport.box, name="testing_box"),
    path("lab/", lab.lab_home, name="lab"),
    path("lab/boxes/<int:pk>/", lab.lab_box, name="lab_box"),
    path("lab/results/upload/", lab.upload, name="lab_upload"),
    path("lab/uploads/<int:pk>/", lab.upload_report, name="lab_upload_report"),
    path("antigen/", antigen.antigen_report, name="antigen_report"),
    path("households/<int:pk>/antigen/", antigen.antigen_household, name="antigen_household"),
    path("antigen/area/<int:pk>/", antigen.antigen_list, name="antigen_list"),
    path("followups/", antigen.followups, name="followups"),
    path("followups/<int:pk>/close/", antigen.followup_close, name="followup_close"),
    path("notices/", notices.notices, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
]
