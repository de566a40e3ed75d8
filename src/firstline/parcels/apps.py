from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "firstline.parcels"
    label = "parcels"
    verbose_name = "Parcels"
