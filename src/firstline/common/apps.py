from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "firstline.common"
    label = "common"
    verbose_name = "Common"
