"""The default reporting profile: HRSA.md's mapping from the 2024 OMB categories to the APR's
two-question format. Values are written out here (not imported) so later code changes cannot
change what this migration did."""

from django.db import migrations

DEFAULT_PROFILE = {
    "period": "2000-2001",  # the first period: it applies until a later profile is added
    "name": "Default: 2024 OMB SPD 15 -> APR two-question format",
    "race_map": {
        "aian": "aian",
        "asian": "asian",
        "black": "black",
        "mena": "white",
        "nhpi": "nhpi",
        "white": "white",
    },
    "hispanic_codes": ["hispanic"],
    "sex_columns": ["Female", "Male", "Another sex or gender"],
    "sex_map": {
        "female": "Female",
        "male": "Male",
        "intersex": "Another sex or gender",
        "self_described": "Another sex or gender",
    },
    "urm_codes": ["aian", "black", "hispanic", "nhpi"],
    "notes": "Middle Eastern or North African maps to White, as under the 1997 standard. "
    "URM: American Indian or Alaska Native, Black or African American, Hispanic or Latino, "
    "Native Hawaiian or Other Pacific Islander (42 U.S.C. 295p).",
}


def create_default(apps, schema_editor):
    ReportingProfile = apps.get_model("reporting", "ReportingProfile")
    period = DEFAULT_PROFILE["period"]
    defaults = {k: v for k, v in DEFAULT_PROFILE.items() if k != "period"}
    ReportingProfile.objects.get_or_create(period=period, defaults=defaults)


def remove_default(apps, schema_editor):
    ReportingProfile = apps.get_model("reporting", "ReportingProfile")
    ReportingProfile.objects.filter(period=DEFAULT_PROFILE["period"]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
