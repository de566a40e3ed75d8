from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "firstline.demo"
    label = "demo"
    verbose_name = "Demo community"
