"""Settings of the Celery workers and relays that the tests start in subprocesses
(processes.py): the test
settings, on the test run's database (DATABASE_URL, given by the test) and media folder
(PEACECENTRE_TEST_MEDIA_ROOT), with a Redis visibility timeout of a few seconds so that the
message of a worker killed mid-task is handed to the next worker quickly (in production it
must exceed the longest task: see reports/tasks.py)."""

import os
from pathlib import Path

from peacecentre.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["PEACECENTRE_TEST_MEDIA_ROOT"])
# kombu sweeps for such messages every unacked_restore_interval x unacked_restore_throttle
# seconds (10 x 10 by default): every second here.
# The watchdog's test sets it long (PEACECENTRE_TEST_VISIBILITY_TIMEOUT), as in production, so
# that the report comes back through the watchdog and not through Redis.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("PEACECENTRE_TEST_VISIBILITY_TIMEOUT", "5")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
