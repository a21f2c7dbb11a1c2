from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Registers the rules predicates, the audit trail's receivers (sign-ins, passwords,
        # roles), and two-factor's (what a new session owes).
        from . import permissions, signals, two_factor  # noqa: F401
