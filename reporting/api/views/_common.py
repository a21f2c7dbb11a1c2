"""What the reporting API views share: the caller's awards, and the errors a list may answer."""

from django.db.models import QuerySet

from reporting import selectors

LIST_ERRORS = (400, 401, 403, 404)


def visible_award_ids(user) -> QuerySet:
    """Ids of the awards the user may see, as a subquery (no query of its own)."""
    return selectors.awards_visible_to(user).values("pk")
