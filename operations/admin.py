"""Admin for what the workers record: Celery's task results, read-only (django-celery-results
comes before this app in INSTALLED_APPS, so its admins are registered by now)."""

from django_celery_results.models import GroupResult, TaskResult

from common.service_owned import read_only_library_admin

for _model in (TaskResult, GroupResult):
    read_only_library_admin(_model)
