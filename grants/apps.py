from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = "Funding calls and proposals"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules predicates)

        # Links an invited team member's new account (accounts.services.invitation_accepted).
        from .services import team_budget  # noqa: F401
