from django.apps import AppConfig


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = "Sign-on"
