from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from devtools import bench

HEADER = """# Benchmarks

Measured by `make bench`: PostgreSQL, the scale register of `manage.py seed_scale`, settings
with DEBUG off. Page figures are the median server time of 30 requests after 3 warm-up
requests (the whole Django request in-process, no network); the trivial signed-in page is the
reference, so page figures read as a ratio to it. Writes run in a transaction that is rolled
back, so every run measures the same work.

"""


class Command(BaseCommand):
    help = "Run the benchmarks and print each figure beside its target."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", nargs="*", help="run benchmarks whose name has these words")
        parser.add_argument("--write", type=Path, help="write the figures to this Markdown file")
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="run on SQLite (targets are for PostgreSQL)"
        )

    def handle(self, *args, only, write, allow_sqlite, **options) -> None:
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError("The targets are for PostgreSQL: set DATABASE_URL (see Makefile).")
        figures = bench.run(only)
        environment = bench.environment()
        self.stdout.write(environment)
        self.stdout.write(bench.table(figures))
        if write:
            write.parent.mkdir(parents=True, exist_ok=True)
            write.write_text(f"{HEADER}Run: {environment}.\n\n{bench.table(figures)}\n")
            self.stdout.write(f"Written to {write}")
        missed = [f.name for f in figures if f.verdict == "MISSED"]
        if missed:
            raise CommandError(f"Targets missed: {', '.join(missed)}")
