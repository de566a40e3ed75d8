"""Page URLs of parcels (views in web/views/parcels.py), included by web/urls.py inside the "web"
namespace."""

from django.urls import path

from firstline.web.views import parcels

urlpatterns: list = [
    path("parcels/", parcels.parcels_desk, name="parcels_desk"),
    path("parcels/doors/<int:pk>/", parcels.parcels_doors, name="parcels_doors"),
    path("parcels/disinfect/", parcels.parcels_disinfect, name="parcels_disinfect"),
    path("parcels/board/", parcels.parcels_board, name="parcels_board"),
    path("parcels/queue/", parcels.parcels_queue, name="parcels_queue"),
    path("parcels/<int:pk>/deliver/", parcels.parcels_deliver, name="parcels_deliver"),
    path("parcels/<int:pk>/return/", parcels.parcels_return, name="parcels_return"),
    path("parcels/<int:pk>/photo/<str:kind>/", parcels.parcels_photo, name="parcels_photo"),
    path("parcels/split/", parcels.parcels_split, name="parcels_split"),
    path("parcels/split/print/", parcels.parcels_split_print, name="parcels_split_print"),
    path("parcels/export/", parcels.parcels_export_day, name="parcels_export"),
]
