"""Deployment rules: no overlapping tours of one person; the readiness override permission.

Two tours of the same person that are not cancelled may not share a day (both ends count).
PostgreSQL holds it as an exclusion constraint (btree_gist: `person_id =` beside the date
ranges' `&&`); SQLite has no exclusion constraints, so BEFORE INSERT/UPDATE triggers refuse it.
Both name `deployment_no_overlap` in their error, which personnel/services/deployments.py
turns into the same message as its own check.

SQLite drops a table's triggers when a later migration rebuilds the table (Django's
_remake_table): such a migration must create them again (tests/personnel/
test_deployments_constraints.py fails until it does).

The override permission was called override_deployability; its row is renamed, so whoever
held it keeps it.
"""

from django.db import migrations

CONSTRAINT = "deployment_no_overlap"

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE personnel_deployment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (person_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
    WHERE (status <> 'cancelled')""",
]

POSTGRESQL_REVERSE = [
    f"ALTER TABLE personnel_deployment DROP CONSTRAINT IF EXISTS {CONSTRAINT}",
]

_SQLITE_OVERLAP = f"""
    WHEN NEW.status <> 'cancelled' AND EXISTS (
        SELECT 1 FROM personnel_deployment d
         WHERE d.person_id = NEW.person_id
           AND d.id IS NOT NEW.id
           AND d.status <> 'cancelled'
           AND d.starts_on <= NEW.ends_on
           AND d.ends_on >= NEW.starts_on)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {CONSTRAINT}'); END
"""

SQLITE_FORWARD = [
    f"CREATE TRIGGER {CONSTRAINT}_insert BEFORE INSERT ON personnel_deployment" + _SQLITE_OVERLAP,
    f"CREATE TRIGGER {CONSTRAINT}_update"
    " BEFORE UPDATE OF person_id, starts_on, ends_on, status ON personnel_deployment"
    + _SQLITE_OVERLAP,
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {CONSTRAINT}_insert",
    f"DROP TRIGGER IF EXISTS {CONSTRAINT}_update",
]

OLD_CODENAME, NEW_CODENAME = "override_deployability", "override_deployment_readiness"
NEW_NAME = "Can plan a deployment for someone not ready, with a reason"
OLD_NAME = "Can deploy a person who is not ready, with a reason"


def _run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    else:
        raise NotImplementedError(f"No deployment overlap rule for {vendor}")


def reverse(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRESQL_REVERSE if vendor == "postgresql" else SQLITE_REVERSE)


def _rename_permission(apps, schema_editor, *, old: str, new: str, name: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="personnel", content_type__model="deployment"
    )
    if permissions.filter(codename=new).exists():
        permissions.filter(codename=old).delete()
    else:
        permissions.filter(codename=old).update(codename=new, name=name)


def rename_permission(apps, schema_editor) -> None:
    _rename_permission(apps, schema_editor, old=OLD_CODENAME, new=NEW_CODENAME, name=NEW_NAME)


def unrename_permission(apps, schema_editor) -> None:
    _rename_permission(apps, schema_editor, old=NEW_CODENAME, new=OLD_CODENAME, name=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [("personnel", "0007_readiness_snapshot_schedule")]

    operations = [
        migrations.AlterModelOptions(
            name="deployment",
            options={
                "ordering": ["-starts_on"],
                "permissions": [(NEW_CODENAME, NEW_NAME)],
                "verbose_name": "deployment",
                "verbose_name_plural": "deployments",
            },
        ),
        migrations.RunPython(forward, reverse),
        migrations.RunPython(rename_permission, unrename_permission),
    ]
