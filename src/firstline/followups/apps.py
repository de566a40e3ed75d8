from django.apps import AppConfig


class FollowUpsConfig(AppConfig):
    name = "firstline.followups"
    label = "followups"
    verbose_name = "Antigen self-tests and follow-ups"
