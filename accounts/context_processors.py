"""Template context: the signed-in user's roles, for navigation."""

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
