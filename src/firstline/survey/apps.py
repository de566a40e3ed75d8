from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "firstline.survey"
    label = "survey"
    verbose_name = "Survey visits"
