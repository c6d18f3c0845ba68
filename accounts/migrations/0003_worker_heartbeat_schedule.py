"""Beat sends a heartbeat to the workers every 5 minutes; the administrators' home shows when
a worker last answered. Editable (or disabled) under Periodic tasks in the admin."""

from django.db import migrations

NAME = "Worker heartbeat"


def create(apps, schema_editor) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "peacecentre.health_ping",
            "interval": every_5_minutes,
            "description": "Proves a worker is alive and reaches the database.",
            "expire_seconds": 240,  # a heartbeat nobody ran within its period is worthless
        },
    )


def remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("peacecentre", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
