"""Beat runs the reminder sweeps every morning in Almaty (05:30 lapsing records, 05:35 cohorts
starting, 05:40 results missing, 05:45 UN recognition) and mails the day's digests at 06:00,
after all of them, so each recipient gets one mail a day. Editable (or disabled) under
Periodic tasks in the admin; the task names are notifications/tasks.py's and never
change."""

from django.db import migrations

SCHEDULES = [
    # name, task, minute, hour, description, expires after (seconds)
    (
        "Reminders: lapsing records",
        "notifications.sweep_lapsing",
        "30",
        "5",
        "Certifications and qualification records lapsing in 90, 30, 7 days and today.",
        2 * 60 * 60,
    ),
    (
        "Reminders: cohorts starting",
        "notifications.sweep_cohorts_starting",
        "35",
        "5",
        "Cohorts starting in 7 days and tomorrow: trainees and instructors.",
        2 * 60 * 60,
    ),
    (
        "Reminders: results missing",
        "notifications.sweep_results_missing",
        "40",
        "5",
        "Ended cohorts with scores or attendance missing: instructors, then registrars.",
        2 * 60 * 60,
    ),
    (
        "Reminders: UN recognition lapsing",
        "notifications.sweep_recognition_lapsing",
        "45",
        "5",
        "Courses whose UN recognition lapses within six months: registrars.",
        2 * 60 * 60,
    ),
    (
        "Reminders: daily digests",
        "notifications.send_digests",
        "0",
        "6",
        "One mail per recipient with everything the morning's sweeps recorded.",
        # A day's digests not sent by the evening wait for tomorrow's run (they are kept).
        12 * 60 * 60,
    ),
]


def create(apps, schema_editor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, description, expires in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Almaty",
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "description": description,
                "expire_seconds": expires,
            },
        )


def remove(apps, schema_editor) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
