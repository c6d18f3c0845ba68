from django.db import migrations


class Migration(migrations.Migration):
    """Deployment rules: no overlapping tours; the override permission (being written, issue 5)."""

    dependencies = [("personnel", "0007_readiness_snapshot_schedule")]

    operations = []
