"""Who may do what to people's records (rules predicates, shared by the web UI and API)."""

import rules

from .choices import Role


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


@rules.predicate
def is_chair(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.CHAIR))


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.REVIEWER))


@rules.predicate
def is_self(user, other) -> bool:
    return bool(other is not None and user.is_authenticated and user.pk == other.pk)


def can(user, perm: str, obj=None) -> bool:
    """Evaluate our rules only. Django's ``user.has_perm`` says yes to every superuser, which
    would let one edit a frozen proposal; business rules must not have that shortcut."""
    return bool(user and user.is_authenticated and user.is_active) and rules.has_perm(
        perm, user, obj
    )


# Demographics: the person and administrators only; never reviewers or chairs.
rules.add_perm("accounts.view_demographics_of", is_self | is_administrator)
rules.add_perm("accounts.change_demographics_of", is_self)
rules.add_perm("accounts.administer", is_administrator)
# The audit trail (search and CSV download): administrators only.
rules.add_perm("accounts.view_audit", is_administrator)
