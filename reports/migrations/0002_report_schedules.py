"""Beat removes report files older than REPORT_RETENTION_DAYS every day at 03:30 in Almaty
(after the nightly snapshots at 02:00), and sends each commander their weekly readiness digest
on Mondays at 06:00, before the working week starts. Editable (or disabled) under Periodic
tasks in the admin; the task names are reports/tasks.py's and never change."""

from django.db import migrations

CLEANUP = "Remove old report files"
DIGEST = "Weekly commander readiness digest"


def create(apps, schema_editor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Almaty",
    )
    monday, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Almaty",
    )
    PeriodicTask.objects.get_or_create(
        name=CLEANUP,
        defaults={
            "task": "reports.remove_old_reports",
            "crontab": daily,
            "description": "Removes the files of reports built more than REPORT_RETENTION_DAYS "
            "(30) days ago; their pages then say so.",
            "expire_seconds": 12 * 60 * 60,  # a day's cleanup not run by 15:30 waits for the next
        },
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST,
        defaults={
            "task": "reports.send_weekly_commander_digests",
            "crontab": monday,
            "description": "Each commander's readiness summary of their units, with the "
            "readiness matrix XLSX attached. Sent once per commander per week.",
            "expire_seconds": 24 * 60 * 60,  # not run by Tuesday 06:00: skip this week's
        },
    )


def remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[CLEANUP, DIGEST]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
