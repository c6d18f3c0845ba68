"""`seed_scale` builds a realistic large register; `bench` measures and reports figures."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import Certification
from personnel.models import MedicalClearance, Person, Unit

pytestmark = pytest.mark.django_db


def scale_people():
    return Person.objects.filter(service_number__startswith="SC-")


def test_seed_scale_builds_battalions_with_150_person_companies():
    call_command("seed_scale", "--persons", "1100", stdout=io.StringIO())
    assert scale_people().count() == 1100
    company = Unit.objects.get(code="BN-01-3")
    assert Person.objects.filter(unit__path__startswith=company.path).count() == 150
    assert Unit.objects.filter(code__startswith="BN-02").exists()  # the 1,001st person's
    share = MedicalClearance.objects.filter(person__in=scale_people()).count() / 1100
    assert 0.9 <= share <= 1.0
    assert Certification.objects.filter(person__in=scale_people()).exists()
    women = scale_people().filter(gender="F").count() / 1100
    assert 0.05 <= women <= 0.15


def test_seed_scale_grows_deterministically_and_never_duplicates():
    call_command("seed_scale", "--persons", "40", stdout=io.StringIO())
    first = list(
        scale_people().order_by("service_number").values_list("service_number", "last_name")
    )
    call_command("seed_scale", "--persons", "60", stdout=io.StringIO())
    call_command("seed_scale", "--persons", "60", stdout=io.StringIO())
    grown = list(
        scale_people().order_by("service_number").values_list("service_number", "last_name")
    )
    assert len(grown) == 60
    assert grown[:40] == first
    assert all(person.search_text for person in scale_people())


def test_bench_runs_on_postgresql_and_refuses_other_databases_unless_asked():
    from django.db import connection

    call_command("seed_demo", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        out = io.StringIO()
        call_command("bench", "--only", "trivial", stdout=out)
        assert "reference" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("bench", "--only", "trivial", stdout=io.StringIO())


def test_bench_reports_figures_and_writes_markdown(tmp_path):
    from django.core.management import call_command as run

    run("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    target = tmp_path / "benchmarks.md"
    run("bench", "--only", "trivial", "--allow-sqlite", "--write", str(target), stdout=out)
    assert "trivial signed-in page" in out.getvalue()
    text = target.read_text()
    assert text.startswith("# Benchmarks")
    assert "| trivial signed-in page (password change form) |" in text
