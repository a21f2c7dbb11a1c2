"""What every reporting service shares: the permission check and form-like errors."""

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from accounts.permissions import can


def require(actor: User, perm: str, obj=None) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied(perm)


class FieldErrors:
    """Collects field errors and raises them together, like a form."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        messages = self.by_field.setdefault(field_name, [])
        if message not in messages:
            messages.append(message)

    def merge(self, exc: ValidationError) -> None:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                self.add(field_name, message)

    def __contains__(self, field_name: str) -> bool:
        return field_name in self.by_field

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
