"""Template context: the signed-in user's roles, for navigation, and how long a session lasts
without activity, for the warning before it ends (static/js/session-timeout.js)."""

from django.conf import settings

from .choices import Role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_administrator": False, "is_chair": False, "is_reviewer": False}
    return {
        "is_administrator": user.has_role(Role.ADMINISTRATOR),
        "is_chair": user.has_role(Role.CHAIR),
        "is_reviewer": user.has_role(Role.REVIEWER),
    }


def session_timeout(request):
    """``session_seconds``: the idle time after which the signed-in user is signed out
    (SESSION_COOKIE_AGE; every request restarts it), so the page can warn before it happens."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_seconds": settings.SESSION_COOKIE_AGE}
