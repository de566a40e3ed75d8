from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "firstline.registration"
    label = "registration"
    verbose_name = "Self-registration and personal codes"
