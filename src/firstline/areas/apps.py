from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "firstline.areas"
    label = "areas"
    verbose_name = "Areas"
