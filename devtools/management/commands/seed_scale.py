import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from devtools.scale import seed_scale


class Command(BaseCommand):
    help = "Grow a large, realistic register for the benchmarks (deterministic; never shrinks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=10_000, help="people in the register")

    def handle(self, *args, persons: int, **options) -> None:
        started = time.perf_counter()
        result = seed_scale(persons=persons)
        self.stdout.write(
            _(
                "Scale register: %(before)s people before, %(added)s added, %(units)s unit slots, "
                "in %(seconds).1f s."
            )
            % {
                "before": f"{result.people_before:,}",
                "added": f"{result.people_added:,}",
                "units": f"{result.units:,}",
                "seconds": time.perf_counter() - started,
            }
        )
