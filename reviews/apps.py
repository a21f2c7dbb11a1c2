from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Committee review"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules predicates)

        # Copies a copied call's criteria and committee (grants.services.call_copy).
        from .services import call_copy  # noqa: F401
