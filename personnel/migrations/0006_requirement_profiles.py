from django.db import migrations


def seed_profiles(apps, schema_editor):
    # The shared data and function (also used by the demo): creates what is absent only.
    from readiness.requirement_profiles import requirement_profiles_seed

    requirement_profiles_seed(apps=apps, label="personnel")


class Migration(migrations.Migration):
    """The five requirement profiles of docs/domain.md and the certification types they require;
    created when their codes are absent, never overwriting an administrator's edits."""

    dependencies = [
        ("personnel", "0005_readiness_snapshot"),
        ("courses", "0001_initial"),  # CertificationType
    ]

    # Reversing keeps the rows: they may have been edited and deployments refer to them.
    operations = [migrations.RunPython(seed_profiles, migrations.RunPython.noop)]
