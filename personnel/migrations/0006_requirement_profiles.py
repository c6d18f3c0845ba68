from django.db import migrations


class Migration(migrations.Migration):
    """The five requirement profiles of DOMAIN.md (being written, issue 5)."""

    dependencies = [("personnel", "0005_readiness_snapshot")]

    operations = []
