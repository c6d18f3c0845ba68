"""Reminders of departures and returns due and not recorded (issue 14): two reminder kinds,
and beat runs their sweep at 05:50 in Almaty, after the other sweeps and before the 06:00
digests (editable or disabled under Periodic tasks in the admin)."""

from django.db import migrations, models

KINDS = [
    ("certification_lapsing", "certification lapsing"),
    ("medical_lapsing", "medical clearance lapsing"),
    ("passport_lapsing", "passport lapsing"),
    ("language_lapsing", "language proficiency lapsing"),
    ("driving_lapsing", "driving licence lapsing"),
    ("weapons_lapsing", "weapons qualification lapsing"),
    ("cohort_starting", "cohort starting"),
    ("results_missing", "results missing"),
    ("recognition_lapsing", "UN recognition lapsing"),
    ("departure_due", "departure not recorded"),
    ("return_due", "return not recorded"),
]
NAME = "Reminders: departures and returns due"
SCHEDULES = [(NAME,)]  # the names this migration schedules (tests read them)


def create(apps, schema_editor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="50",
        hour="5",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Almaty",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "notifications.sweep_deployments_due",
            "crontab": crontab,
            "description": (
                "Tours whose departure or return is due and not recorded: the commander."
            ),
            "expire_seconds": 2 * 60 * 60,
        },
    )


def remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_reminder_schedules"),
        ("readiness", "0003_deployment_lifecycle"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="reminder", name="reminder_kind_known"),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=24, verbose_name="kind"),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [kind for kind, _label in KINDS])),
                name="reminder_kind_known",
            ),
        ),
        migrations.RunPython(create, remove),
    ]
