from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each person's home page. It sits above every app it summarises (accounts, grants,
    reviews, reporting), so that none of them — nor config — has to import upwards."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "Home pages"
