from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "firstline.distribution"
    label = "distribution"
    verbose_name = "Distribution"
