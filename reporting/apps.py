from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Outcomes and reporting"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules predicates)
