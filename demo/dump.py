"""A canonical dump of what a database holds, to compare two seedings of the demo:
``python -m demo.dump <sqlite path>`` prints sorted JSON without ids, with every row's foreign
keys written as the natural key of the row they point to and every date and time as days
relative to today (in the program's zone), so two runs on the same day print the same text.

Secrets and randomness are left out: password hashes (whether one is usable is kept), tokens,
file paths, sizes and checksums (the name, kind and pages of an attachment are kept).
"""

import json
import os
import sys
from datetime import date, datetime
from decimal import Decimal

SKIPPED_MODELS = {
    "admin.logentry",
    "auth.permission",
    "contenttypes.contenttype",
    "sessions.session",
}
# A rendered PDF's bytes (so its size and checksum) vary from one run to the next with the
# same code; its name, kind and pages do not.
SKIPPED_FIELDS = {
    *("id", "password", "token", "sha256", "size", "file", "ip_address", "user_agent"),
    *("document", "document_size"),  # a letter of intent's PDF (the name is kept)
}

# The natural key of a row, by model: what a person would call it.
NATURAL_KEYS = {
    "accounts.user": lambda o: o.username,
    "auth.group": lambda o: o.name,
    "contenttypes.contenttype": lambda o: f"{o.app_label}.{o.model}",
    "grants.program": lambda o: o.name,
    "grants.fundingcall": lambda o: o.title,
    "grants.proposal": lambda o: f"{o.call.title} / {o.pi.username}",
    "grants.award": lambda o: f"award of {natural_key(o.proposal)}",
    "grants.decision": lambda o: f"decision on {natural_key(o.proposal)}",
    "grants.letterofintent": lambda o: f"letter to {o.call.title} / {o.applicant.username}",
    "reviews.committee": lambda o: o.name,
    "reviews.criterion": lambda o: f"{o.call.title} / {o.name}",
    "reviews.assignment": lambda o: f"{natural_key(o.proposal)} / {o.reviewer.username}",
    "reviews.review": lambda o: f"review of {natural_key(o.assignment)}",
    "reviews.letterrating": lambda o: f"{natural_key(o.letter)} / {o.member.username}",
    "reviews.panelentry": lambda o: f"panel of {natural_key(o.proposal)}",
    "reporting.progressreport": lambda o: f"{o.kind} report of {natural_key(o.award)}",
}


def _label(model) -> str:
    return model._meta.label_lower


def natural_key(obj):
    """The natural key of ``obj``; a row without one is written out in full."""
    key = NATURAL_KEYS.get(_label(type(obj)))
    return key(obj) if key else row(obj)


class Clock:
    """Dates and times as ``today+N`` / ``today-N`` in the program's zone."""

    def __init__(self):
        from django.utils import timezone

        self.timezone = timezone
        self.today = timezone.localdate()

    def __call__(self, value):
        if isinstance(value, datetime):
            value = self.timezone.localtime(value).date()
        return f"today{(value - self.today).days:+d}"


def _value(field, value, clock):
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return clock(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def row(obj, clock=None) -> dict:
    """One row as a dict: concrete fields and many-to-many, ids replaced by natural keys."""
    from django.contrib.contenttypes.models import ContentType

    clock = clock or Clock()
    out = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key and field.auto_created:
            continue
        name = field.name
        if name in SKIPPED_FIELDS or field.name.endswith("_ptr"):
            continue
        if field.is_relation:
            target = getattr(obj, name)
            out[name] = None if target is None else natural_key(target)
            continue
        out[name] = _value(field, getattr(obj, field.attname), clock)
    for field in obj._meta.many_to_many:
        out[field.name] = sorted(str(natural_key(t)) for t in getattr(obj, field.name).all())
    if "password" in {f.name for f in obj._meta.concrete_fields}:
        out["usable_password"] = obj.has_usable_password()
    # Generic references (state changes, audit entries) name their object, not its id.
    if "object_id" in out:
        model = None
        if "content_type" in out:
            model = ContentType.objects.get_for_id(obj.content_type_id).model_class()
        elif out.get("object_type"):
            app_label, _, model_name = out["object_type"].partition(".")
            model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
        if model is not None and out["object_id"] not in ("", None):
            target = model._default_manager.filter(pk=out["object_id"]).first()
            out["object_id"] = None if target is None else natural_key(target)
    return out


def snapshot() -> dict:
    """Every table of the database, rows sorted; tables keyed by model label."""
    from django.apps import apps

    clock = Clock()
    tables = {}
    for model in apps.get_models():
        label = _label(model)
        if label in SKIPPED_MODELS or model._meta.proxy:
            continue
        rows = [row(obj, clock) for obj in model._default_manager.all()]
        rows = [json.loads(text) for text in sorted(_text(r) for r in rows)]
        if rows:
            tables[label] = rows
    return tables


def _text(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m demo.dump <sqlite path>", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(argv[0])}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(snapshot(), sort_keys=True, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
