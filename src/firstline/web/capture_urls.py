"""Page URLs of mass testing (included by web/urls.py inside the "web" namespace)."""

from django.urls import path

from firstline.web.views import capture

urlpatterns = [
    path("rounds/<int:pk>/desk/", capture.desk, name="testing_desk"),
    path("rounds/<int:pk>/door/", capture.door_buildings, name="testing_door_buildings"),
    path("rounds/<int:pk>/door/<int:building_pk>/", capture.door, name="testing_door"),
    path("rounds/<int:pk>/find/", capture.find_person, name="testing_find"),
    path("rounds/<int:pk>/tube/", capture.tube_state, name="testing_tube"),
    path("sw.js", capture.service_worker, name="testing_sw"),
]
