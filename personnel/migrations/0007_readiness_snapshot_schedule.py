"""Beat takes the readiness snapshots every night at 02:00 in Almaty (after the day's work,
before anyone opens the unit readiness page). Editable (or disabled) under Periodic tasks in
the admin; the task name is personnel/tasks.py's and never changes."""

from django.db import migrations

NAME = "Readiness snapshot"


def create(apps, schema_editor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Almaty",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "personnel.take_readiness_snapshots",
            "crontab": nightly,
            "description": "Each unit's share of ready people per requirement profile, for the "
            "trend on the unit readiness page.",
            "expire_seconds": 6 * 60 * 60,  # a night's snapshot not taken by 08:00 is skipped
        },
    )


def remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0006_requirement_profiles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
