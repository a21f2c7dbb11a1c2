"""The people finder's folded name (accounts.models.fold_for_search), filled for existing
people."""

from django.db import migrations, models


def fill_search_names(apps, schema_editor):
    from accounts.models import fold_for_search

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "first_name", "last_name", "username").iterator():
        User.objects.filter(pk=user.pk).update(
            search_name=fold_for_search(f"{user.first_name} {user.last_name} {user.username}")
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_audit_support_changed")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
