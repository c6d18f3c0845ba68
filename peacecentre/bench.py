"""The benchmarks behind `make bench`: each measures one speed target of the issues on the
scale register (`seed_scale`), prints its figure beside the target, and can write them all to
docs/benchmarks.md.

Page figures are median server time: the whole Django request (middleware, view, queries,
template) through the test client in-process, with no network, after warm-up requests. Every
benchmark that writes runs inside a transaction that is rolled back, so runs repeat.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from peacecentre.models import User


@dataclass
class Figure:
    name: str
    seconds: float
    target: float | None  # seconds; None for a reference figure
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "reference"
        return "met" if self.seconds <= self.target else "MISSED"


@dataclass
class Benchmark:
    name: str
    run: Callable[[], list[Figure]]


BENCHMARKS: list[Benchmark] = []


def benchmark(name: str):
    def register(run: Callable[[], list[Figure]]):
        BENCHMARKS.append(Benchmark(name, run))
        return run

    return register


class Rollback(Exception):
    """Raised to leave a benchmark's transaction without keeping what it wrote."""


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def in_rollback(action: Callable[[], object]) -> float:
    """Time `action` inside a transaction that is then rolled back."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            elapsed = timed(action)
            raise Rollback
    except Rollback:
        pass
    return elapsed


def median_server_time(client: Client, url: str, *, runs: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timed(lambda: client.get(url)) for _ in range(runs))


def signed_in(username: str) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=username))
    return client


@benchmark("trivial signed-in page")
def trivial_page() -> list[Figure]:
    client = signed_in("registrar")
    url = reverse("password_change")
    return [
        Figure(
            "trivial signed-in page (password change form)", median_server_time(client, url), None
        )
    ]


def run(selected: list[str] | None = None) -> list[Figure]:
    figures: list[Figure] = []
    for bench in BENCHMARKS:
        if selected and not any(word in bench.name for word in selected):
            continue
        figures += bench.run()
    return figures


def table(figures: list[Figure]) -> str:
    lines = [
        "| benchmark | measured | target | verdict | detail |",
        "|---|---:|---:|---|---|",
    ]
    for figure in figures:
        target = f"{figure.target * 1000:,.0f} ms" if figure.target is not None else ""
        lines.append(
            f"| {figure.name} | {figure.seconds * 1000:,.1f} ms | {target} | {figure.verdict} "
            f"| {figure.detail} |"
        )
    return "\n".join(lines)


def environment() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        (version,) = cursor.fetchone()
    from personnel.models import Person

    return (
        f"{dt.date.today():%Y-%m-%d}, Python {platform.python_version()}, "
        f"{connection.vendor} ({version.split(',')[0]}), {Person.objects.count():,} people, "
        f"{platform.machine()} with {os.cpu_count()} cores"
    )
