"""The demo data for the browser tests, seeded once per test process and day, then copied back.

Most browser tests start with `call_command("seed_demo")` on a database that the previous
browser test's flush left empty but for what post_migrate writes again (content types,
permissions, the role groups). devtools.demo is deterministic for a given day and such a
start (its docstring), so the rows it writes there are the same every time but for their
primary keys and the moment they were written; seeding them takes seconds. The first such
seed in a test process is done for real and every table is copied (the whole database, the
post_migrate rows included, so that every foreign key still points at its row); later ones
put that copy back in one transaction, sequences moved past it. A seed on any other start (a
test that wrote rows of its own first, the first test after the migrations' own rows) runs
for real.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# What the flush after a transactional test leaves (post_migrate writes these again).
AFTER_FLUSH = {"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"}


@dataclass
class Snapshot:
    start: tuple[tuple[str, int], ...]  # rows per table before the seed
    tables: dict[str, object]  # table name -> its rows after the seed (COPY data or tuples)
    result: object  # what seed_demo answered


_snapshots: dict[tuple, Snapshot] = {}


def _tables() -> list[str]:
    """The tables a flush empties, in a fixed order."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _row_counts(tables: list[str]) -> tuple[tuple[str, int], ...]:
    qn = connection.ops.quote_name
    query = " UNION ALL ".join(f"SELECT {i}, COUNT(*) FROM {qn(t)}" for i, t in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(query)
        counts = dict(cursor.fetchall())
    return tuple((table, counts[i]) for i, table in enumerate(tables) if counts[i])


def _copy_out(tables: list[str]) -> dict[str, object]:
    qn = connection.ops.quote_name
    copied: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    copied[table] = data
            else:
                cursor.execute(f"SELECT * FROM {qn(table)}")
                rows = cursor.fetchall()
                if rows:
                    copied[table] = rows
    return copied


def _copy_in(tables: list[str], copied: dict[str, object]) -> None:
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django makes them deferrable, initially deferred).
        for table in tables:
            cursor.execute(f"DELETE FROM {qn(table)}")
        for table, data in copied.items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                    copy.write(data)
            else:
                marks = ", ".join(["%s"] * len(data[0]))
                cursor.executemany(f"INSERT INTO {qn(table)} VALUES ({marks})", data)
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    ContentType.objects.clear_cache()  # the content types' ids are the copy's now


def seeding_once(seed_demo: Callable) -> Callable:
    """seed_demo, put back from this process's copy when it starts where the copy started."""

    def seed(*, today: dt.date | None = None, **options):
        tables = _tables()
        start = _row_counts(tables)
        if {table for table, _count in start} - AFTER_FLUSH:
            return seed_demo(today=today, **options)  # not the empty start
        key = (today or timezone.localdate(), tuple(sorted(options.items())), start)
        if (snapshot := _snapshots.get(key)) is not None:
            _copy_in(tables, snapshot.tables)
            return snapshot.result
        result = seed_demo(today=today, **options)
        _snapshots[key] = Snapshot(start=start, tables=_copy_out(tables), result=result)
        return result

    return seed
