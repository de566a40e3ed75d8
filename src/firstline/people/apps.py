from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "firstline.people"
    label = "people"
    verbose_name = "People"
