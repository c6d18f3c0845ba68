from django.db import migrations


class Migration(migrations.Migration):
    """The nightly readiness snapshot's schedule (being written, issue 5)."""

    dependencies = [("personnel", "0006_requirement_profiles")]

    operations = []
