"""The relay: hands pending outbox rows to the broker until it takes them, and runs the
watchdogs that apps register (common/outbox/watchdogs.py; the reports app re-queues stalled
reports). Its own process (honcho's `relay`, systemd's peacecentre-relay), not a beat
task: it must work while the broker is down. Several relays may run (SKIP LOCKED keeps them
apart on PostgreSQL); one is enough."""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from common.outbox.services import outbox_prune, outbox_publish_due
from common.outbox.watchdogs import run_watchdogs

logger = logging.getLogger("common.outbox.relay")

POLL_SECONDS = 1.0
WATCHDOG_SECONDS = 30.0  # how often the watchdogs run


class Command(BaseCommand):
    help = "Publish the task outbox to the broker and run the watchdogs, until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="One round (publish, watchdog), then exit."
        )

    def handle(self, *args, once: bool = False, **options):
        poll = float(getattr(settings, "OUTBOX_POLL_SECONDS", POLL_SECONDS))
        watchdog_every = float(getattr(settings, "REPORT_WATCHDOG_SECONDS", WATCHDOG_SECONDS))
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        logger.info("Outbox relay started (poll %s s, watchdog every %s s)", poll, watchdog_every)
        next_watchdog = 0.0
        while not stopping:
            busy = False
            try:
                if not once:  # (a one-off round runs inside the caller's connection)
                    close_old_connections()
                outcome = outbox_publish_due()
                if outcome.sent:
                    logger.info("Published %s queued task(s)", outcome.sent)
                busy = outcome.sent > 0 and not outcome.failed
                if time.monotonic() >= next_watchdog:
                    run_watchdogs()
                    outbox_prune()
                    next_watchdog = time.monotonic() + watchdog_every
            except Exception:
                # The database went away: keep going, the next round reconnects.
                logger.exception("Outbox relay round failed")
                connection.close()
            if once:
                break
            if not busy:
                time.sleep(poll)
        logger.info("Outbox relay stopped")
