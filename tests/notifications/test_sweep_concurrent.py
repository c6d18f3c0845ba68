"""Two sweeps at once on PostgreSQL, each on its own connection: the reminders are recorded
once, and each sweep reports the rows it inserted itself, so their reports add up to what
the table holds (counting the table before and after would count the other's rows too)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from notifications.models import Reminder
from notifications.services import sweep_lapsing
from tests import services
from tests.conftest import require
from tests.notifications.support import ON
from tests.notifications.test_sweep_lapsing import _population

pytestmark = pytest.mark.django_db(transaction=True)

WAITING_INSERTS = """
    SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE c.relname = %s AND NOT l.granted
"""


def test_two_sweeps_at_once_each_report_what_they_inserted():
    require(*services.postgresql())
    _population(40)
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def sweep(name: str) -> None:
        try:
            results[name] = sweep_lapsing(on=ON)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=sweep, args=(name,)) for name in ("first", "second")]
    # Hold both sweeps at their INSERT until both have read everything (a lock that lets
    # SELECT through and stops INSERT), then let them insert the same rows at once.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Reminder._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cursor.execute(WAITING_INSERTS, [Reminder._meta.db_table])
            if cursor.fetchone()[0] == 2:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the two sweeps did not both reach their insert")
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    recorded = Reminder.objects.count()
    assert recorded > 100
    assert results["first"] + results["second"] == recorded, results
    # Run again: nothing new, and neither says otherwise.
    assert sweep_lapsing(on=ON) == 0
