"""Admin for what the workers record: Celery's task results, read-only (django-celery-results
comes before this app in INSTALLED_APPS, so its admins are registered by now)."""

from django_celery_results.models import GroupResult, TaskResult

from common.service_owned import (
    ADMIN_EDITS,
    WRITTEN_ELSEWHERE,
    declare_service_owned,
    read_only_library_admin,
)

for _model in (TaskResult, GroupResult):
    read_only_library_admin(_model)


declare_service_owned(
    {
        # The scheduler: the admin is its page.
        "django_celery_beat.periodictask": ADMIN_EDITS,
        "django_celery_beat.clockedschedule": ADMIN_EDITS,
        "django_celery_beat.crontabschedule": ADMIN_EDITS,
        "django_celery_beat.solarschedule": ADMIN_EDITS,
        "django_celery_beat.intervalschedule": ADMIN_EDITS,
        # Written by the Celery worker.
        "django_celery_results.taskresult": WRITTEN_ELSEWHERE,
        "django_celery_results.groupresult": WRITTEN_ELSEWHERE,
    }
)
