"""The task outbox: one row per Celery task that a write queued.

A row is written in the same transaction as the change that needs the task, so a committed
change always has its task recorded, and a rolled-back one never does. It is published
right after the commit when the broker answers, else by the relay (manage.py outbox_relay),
which retries with backoff until the broker takes it; `sent_at` is set only then.

Why not django-celery-outbox (the maintained library for this): its relay refuses to start on
a database without SELECT ... FOR UPDATE SKIP LOCKED, i.e. on SQLite, which `make run` and the
local test suite use, and it pulls in structlog, sentry-sdk and datadog. This is one table and
a loop.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_task_id() -> str:
    return str(uuid.uuid4())


class OutboxTask(models.Model):
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    # Sent with the message: a row published twice (the relay stopped between the broker's
    # answer and its commit) is the same Celery task twice, which every task of ours tolerates.
    task_id = models.CharField(_("task id"), max_length=64, unique=True, default=new_task_id)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The relay's question, every second: the pending rows that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending_due",
            ),
            models.Index(fields=["sent_at"], name="outbox_sent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(task_name=""), name="outbox_task_named"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None
