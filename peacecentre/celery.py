"""The Celery app, wired once: settings under the CELERY_ namespace, tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init, worker_process_init

from common.outbox.broker import ensure_filesystem_broker_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peacecentre.settings.dev")

app = Celery("peacecentre")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _prepare_broker(**_kwargs) -> None:
    ensure_filesystem_broker_folders()


@worker_process_init.connect
def _leave_worker_process_group(**_kwargs) -> None:
    """Each pool process leads a process group of its own. A supervisor that stops the worker
    by signalling its whole group (honcho and foreman on Ctrl-C) then reaches the main process
    alone, which lets running tasks finish and closes the pool (warm shutdown); otherwise the
    pool processes die under it mid-task, logged as errors. billiard still stops them (it
    signals a leader's group), and they die with the main process (celery sets the
    parent-death signal)."""
    os.setpgrp()
