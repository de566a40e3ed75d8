from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    name = "firstline.errands"
    label = "errands"
    verbose_name = "Errands"
