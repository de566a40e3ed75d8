from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "firstline.accounts"
    label = "accounts"
    verbose_name = "Accounts"
