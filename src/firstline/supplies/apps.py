from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "firstline.supplies"
    label = "supplies"
    verbose_name = "Supplies"
