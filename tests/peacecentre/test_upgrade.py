"""An existing database upgrades in place: every row written at an earlier schema survives.

The test takes the database back to the schema recorded in TODAY, writes a row into every
table of that schema through the historical models, migrates to the current head and looks
for each row again, by table name and primary key, with the same value in every column that
still exists. A migration that drops or renames a table, or loses rows while moving a model
between apps, fails it. A table renamed on purpose is declared in RENAMED_TABLES.

TODAY is the latest migration of every app when the guard was written; it only moves forward
when the schema those rows are written at should move too.
"""

import datetime
import decimal
import itertools
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

TODAY = {
    "admin": "0003_logentry_add_action_flag_choices",
    "auth": "0012_alter_user_first_name_max_length",
    "axes": "0010_accessattemptexpiration",
    "contenttypes": "0002_remove_content_type_name",
    "courses": "0005_gradebook",
    "django_celery_beat": "0019_alter_periodictasks_options",
    "django_celery_results": "0014_alter_taskresult_status",
    "notifications": "0002_reminder_schedules",
    "outbox": "0001_task_outbox",
    "peacecentre": "0006_user_history",
    "personnel": "0012_rank_military_equivalent",
    "reports": "0003_report_heartbeat",
    "sessions": "0001_initial",
}

# A table that a later migration renames on purpose: {name at TODAY: name at head}.
RENAMED_TABLES: dict[str, str] = {}

# Models a later migration moves to another app on purpose, their tables kept: {(app label at
# TODAY, model): app label at head}. Their content types follow them, and nothing else changes.
MOVED_MODELS: dict[tuple[str, str], str] = {
    ("peacecentre", "importfile"): "imports",
    **{
        ("personnel", model): "readiness"
        for model in (
            "mission",
            "contingent",
            "deployment",
            "historicaldeployment",
            "requirementprofile",
            "historicalrequirementprofile",
            "historicalrequirementprofile_allowed_ranks",
            "historicalrequirementprofile_required_certifications",
            "unitreadinessassessment",
            "assessmentarearesult",
            "gendertarget",
            "readinesssnapshot",
        )
    },
}

_MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _concrete_models(apps) -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _in_dependency_order(all_models: list[type[models.Model]]) -> list[type[models.Model]]:
    """Each model after the models its required foreign keys point to."""
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()

    def place(model, path=()):
        if model in placed:
            return
        assert model not in path, f"required foreign keys run in a circle: {path}"
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and not field.null and target is not model:
                place(target, (*path, model))
        placed.add(model)
        ordered.append(model)

    for model in all_models:
        place(model)
    return ordered


def _value(field: models.Field, serial: int, made: dict):
    """A valid value for one field: the CHECK constraints of the schema hold with every number
    at 1, every date on one day, every text non-blank and in lower case, every null left null."""
    if field.is_relation:
        return None if field.null else made.get(field.related_model)
    if field.primary_key or field.unique:
        pass  # a unique value below, never a constant default that a row may already hold
    elif field.has_default():
        return field.get_default()
    elif field.null:
        return None
    if field.choices:
        return field.choices[0][0]
    kind = type(field).__name__
    if kind == "CountryField":
        return "KZ"
    if kind == "TimeZoneField":
        return "UTC"
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return serial if (field.primary_key or field.unique) else 1
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.DateTimeField):
        return _MOMENT
    if isinstance(field, models.DateField):
        return _MOMENT.date()
    if isinstance(field, models.TimeField):
        return _MOMENT.time()
    if isinstance(field, models.DurationField):
        return datetime.timedelta(hours=1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.GenericIPAddressField):
        return "192.0.2.1"
    if isinstance(field, models.EmailField):
        return f"row{serial}@example.org"
    if isinstance(field, models.URLField):
        return f"https://example.org/{serial}"
    if isinstance(field, models.JSONField):
        return {"row": serial}
    if isinstance(field, models.BinaryField):
        return b"row"
    if isinstance(field, models.FileField):
        return f"upgrade/row{serial}.txt"
    if isinstance(field, (models.CharField, models.TextField)):
        text = f"row{serial}"
        return text[-field.max_length :] if field.max_length else text
    raise AssertionError(f"no test value for {field.model._meta.label}.{field.name} ({kind})")


def _fill_every_table(apps) -> None:
    """One new row in every table of the historical schema, foreign keys pointing at the rows
    made before them."""
    serials: Iterator[int] = itertools.count(9_001)
    made: dict[type[models.Model], models.Model] = {}
    for model in _in_dependency_order(_concrete_models(apps)):
        values = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.AutoField):
                continue
            value = _value(field, next(serials), made)
            if value is None and not field.null:
                raise AssertionError(f"{model._meta.label}.{field.name} has no row to point to")
            values[field.name] = value
        made[model] = model._base_manager.create(**values)


def _rows_by_table(tables: dict[str, str]) -> dict[str, dict[object, dict[str, object]]]:
    """Every row of each table (name -> primary key column), by primary key, as the database
    returns it."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table, pk_column in tables.items():
            # The names come from the migrations, quoted: no user input reaches this SQL.
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [column[0] for column in cursor.description]
            found[table] = {
                row[columns.index(pk_column)]: dict(zip(columns, row, strict=True))
                for row in cursor.fetchall()
            }
    return found


def _migrate(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> None:
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_every_row_written_at_todays_schema_survives_the_upgrade_to_head():
    executor = MigrationExecutor(connection)
    head = list(executor.loader.graph.leaf_nodes())
    unknown = set(TODAY.items()) - set(executor.loader.graph.nodes)
    assert not unknown, f"TODAY names migrations that no longer exist: {sorted(unknown)}"
    try:
        _migrate(executor, list(TODAY.items()))
        apps = executor.loader.project_state(list(TODAY.items())).apps
        _fill_every_table(apps)
        tables = {m._meta.db_table: m._meta.pk.column for m in _concrete_models(apps)}
        before = _rows_by_table(tables)
        assert all(before.values()), [table for table, rows in before.items() if not rows]
    finally:
        # The next tests run at head, whatever happened here.
        _migrate(executor, head)

    existing = set(connection.introspection.table_names())
    lost_tables = [table for table in tables if RENAMED_TABLES.get(table, table) not in existing]
    assert not lost_tables, f"tables dropped or renamed by the upgrade: {lost_tables}"

    after = _rows_by_table({RENAMED_TABLES.get(t, t): column for t, column in tables.items()})
    lost_rows, changed, followed = [], [], []
    for table, rows in before.items():
        rows_now = after[RENAMED_TABLES.get(table, table)]
        for pk, row in rows.items():
            if pk not in rows_now:
                lost_rows.append((table, pk))
                continue
            row_now = rows_now[pk]
            if table == "django_content_type":
                moved_to = MOVED_MODELS.get((row["app_label"], row["model"]))
                if moved_to:
                    followed.append((row["model"], row_now["app_label"] == moved_to))
                    row = {**row, "app_label": moved_to}
            changed.extend(
                (table, pk, column, value, row_now[column])
                for column, value in row.items()
                if column in row_now and row_now[column] != value
            )
    assert not lost_rows, f"rows lost by the upgrade (table, primary key): {lost_rows}"
    assert not changed, f"values changed by the upgrade (table, key, column, was, is): {changed}"
    # The moved models' content types were there before the upgrade and followed their models.
    assert {model for _label, model in MOVED_MODELS} <= {model for model, _ok in followed}
    assert all(ok for _model, ok in followed), followed
    assert sum(map(len, before.values())) >= len(tables)
