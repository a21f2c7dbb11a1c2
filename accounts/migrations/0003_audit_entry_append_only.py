"""On PostgreSQL, the database itself refuses to change or delete audit entries.

The one change allowed is the deletion collector's ``actor = NULL`` when a user is deleted
(``on_delete=SET_NULL``; the entry keeps ``actor_username``). TRUNCATE is left to operators
(``manage.py flush`` and backup restores use it). Other databases rely on the model's guards.
"""

from django.db import migrations

FORWARD = [
    """
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of accounts_auditentry refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only()
""",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry",
    "DROP FUNCTION IF EXISTS accounts_auditentry_append_only()",
]


def _on_postgresql(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                # No parameters: the "%" in the message is not a placeholder.
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_entry"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False),
    ]
