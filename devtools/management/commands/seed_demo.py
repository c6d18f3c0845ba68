"""`manage.py seed_demo`: fill the database with the centre's demo data (devtools.demo)."""

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from devtools.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from personnel.models import Person


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked: argparse cannot format a lazy string
        return _(
            "Fill the database with deterministic demo data (safe to run again) and print the "
            "demo logins."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Seed only when the register holds no people (used by make run)."),
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help=_("The demo's today as YYYY-MM-DD (default: the real date)."),
        )

    def handle(self, *args, if_empty: bool, today: dt.date | None, **options) -> None:
        if if_empty and Person.objects.exists():
            self.stdout.write(_("The register already holds people: nothing seeded."))
        else:
            started = time.monotonic()
            result = seed_demo(today=today)
            if not result.register_seeded:
                self.stdout.write(_("The demo register is already there: left as it is."))
            for name, count in result.created.items():
                self.stdout.write(f"  {name}: {count}")
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo data ready in %(seconds).1f s.")
                    % {"seconds": time.monotonic() - started}
                )
            )
        self.print_logins()

    def print_logins(self) -> None:
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u.username for u in DEMO_USERS])
            .values_list("username", flat=True)
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Demo users (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
            )
        )
        for user in DEMO_USERS:
            name = f"{user.first_name} {user.last_name}".strip()
            about = f"{name}: {user.about}" if name else user.about
            missing = "" if user.username in existing else _("  (not in this database)")
            self.stdout.write(f"  {user.username:<12} {user.role.label:<14} {about}{missing}")
