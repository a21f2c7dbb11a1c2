from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Committee review"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules predicates)

        # Receivers of grants' signals: a copied call's criteria and committee
        # (grants.services.call_copy.call_copied); a letter's conflicts carried to the full
        # proposal started from it (grants.services.proposals.proposal_started_from_letter).
        from .services import call_copy, letters  # noqa: F401
