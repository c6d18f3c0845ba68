"""Create the four role groups with their permissions (accounts/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor) -> None:
    from accounts.roles import sync_role_groups

    sync_role_groups(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("peacecentre", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("personnel", "0001_initial"),
        ("courses", "0003_score_range_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("django_celery_results", "0014_alter_taskresult_status"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
