from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "firstline.imports"
    label = "imports"
    verbose_name = "Imports and exports"
