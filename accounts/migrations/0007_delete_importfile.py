"""The import file's model now lives in the imports app (imports/migrations/0001_initial.py),
on the same table: here it leaves this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("peacecentre", "0006_user_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ImportFile")]),
    ]
