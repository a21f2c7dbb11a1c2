"""Audit entries for what Django itself does to accounts: sign-ins, sign-outs, failed sign-ins,
password changes and group (role) membership; and API tokens following the account (revoked
by a password change or deactivation). Connected in ``AccountsConfig.ready``.

Passwords are never recorded: a failed sign-in keeps only the username that was tried.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .audit import audit_record, current_request
from .choices import AuditAction
from .models import User
from .services import api_token_revoke

USERNAME_LENGTH = User._meta.get_field("username").max_length


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.SIGN_IN, actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(action=AuditAction.SIGN_OUT, actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """Recorded at once (the sign-in views run in autocommit, not in a transaction that the
    failure could roll back). Only the username tried is kept — never the credentials."""
    tried = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    tried = tried[:USERNAME_LENGTH]
    known = None
    if tried:
        known = (
            User.objects.filter(**{User.USERNAME_FIELD: tried}).values_list("pk", flat=True).first()
        )
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        actor=None,
        request=request,
        object_type="accounts.user",
        object_id="" if known is None else str(known),
        object_repr=tried,
        note="" if known is not None else "No account has this username.",
    )


def _changed_by(user: User):
    """Who is changing ``user`` in the current request: the signed-in person; signed out (a
    password reset), the account's owner; outside a request (a shell), nobody."""
    request = current_request()
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        actor = user if request is not None else None
    return actor


def _new_password(user: User) -> bool:
    # AbstractBaseUser.set_password keeps the raw password in ``_password`` until the save
    # completes (for the validators' password_changed hook): that marks a change. A hash
    # upgrade at sign-in clears it first, so it is not one.
    return getattr(user, "_password", None) is not None


@receiver(post_save, sender=User, dispatch_uid="audit_password_changed")
def _password_changed(sender, instance, created, **kwargs):
    # Only the fact is recorded.
    if created or not _new_password(instance):
        return
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=_changed_by(instance), obj=instance)


@receiver(post_save, sender=User, dispatch_uid="api_tokens_follow_the_account")
def _revoke_api_token(sender, instance, created, update_fields=None, raw=False, **kwargs):
    """Tokens follow the account: a new password (the password-change page, a reset, the
    admin's form, ``set_password`` anywhere), a password made unusable (the admin's "disable
    password-based sign-in") and deactivation delete the account's API token. A signal, so
    every path that saves the user is covered, Django's own forms included."""
    if created or raw:
        return
    fields = set(update_fields) if update_fields is not None else None
    if _new_password(instance):
        reason = "The password was changed."
    elif not instance.has_usable_password() and (fields is None or "password" in fields):
        reason = "Password sign-in was turned off."
    elif not instance.is_active and (fields is None or "is_active" in fields):
        reason = "The account was deactivated."
    else:
        return
    api_token_revoke(user=instance, actor=_changed_by(instance), reason=reason)


def _roles_of(user_ids) -> dict[int, list[str]]:
    roles: dict[int, list[str]] = {pk: [] for pk in user_ids}
    for user_id, name in User.groups.through.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "group__name"
    ):
        roles[user_id].append(name)
    return {pk: sorted(names) for pk, names in roles.items()}


def _affected_users(instance, reverse: bool, pk_set) -> list[int]:
    if not reverse:
        return [instance.pk]
    if pk_set is None:  # group.user_set.clear()
        return list(instance.user_set.values_list("pk", flat=True))
    return sorted(pk_set)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_role_changed")
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """One entry per user whose groups really changed, with the role names before and after
    (from ``user.groups.add/remove/set/clear`` and the reverse ``group.user_set`` calls)."""
    if action in ("pre_add", "pre_remove", "pre_clear"):
        users = _affected_users(instance, reverse, pk_set)
        instance._audit_roles_before = _roles_of(users)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    before = getattr(instance, "_audit_roles_before", None) or {}
    instance.__dict__.pop("_audit_roles_before", None)
    after = _roles_of(list(before))
    changed = [pk for pk in before if before[pk] != after[pk]]
    users = {u.pk: u for u in User.objects.filter(pk__in=changed)} if reverse else {}
    for pk in changed:
        user = instance if not reverse else users[pk]
        audit_record(
            action=AuditAction.ROLE_CHANGED,
            obj=user,
            before={"roles": before[pk]},
            after={"roles": after[pk]},
        )
