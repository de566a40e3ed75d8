from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "firstline.testing"
    label = "testing"
    verbose_name = "Mass testing"
