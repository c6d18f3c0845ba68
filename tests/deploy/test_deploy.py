"""deploy/ and docs/operations.md stay in step with the code: every environment variable the
settings read is documented, every scheduled task is listed with its time, nginx's upload cap
matches the application's, and the process layout has exactly one beat."""

import os
import re
import runpy
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django_celery_beat.models import PeriodicTask

from common.spreadsheets import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
NGINX = (DEPLOY / "nginx" / "peacecentre.conf").read_text()
UNITS = DEPLOY / "systemd"


def settings_variables() -> set[str]:
    """Every variable peacecentre/settings/*.py reads: env.str("X"), env("X"), Env().str("X")."""
    names = set()
    for path in (ROOT / "peacecentre" / "settings").glob("*.py"):
        names |= set(
            re.findall(r'[eE]nv(?:\(\))?(?:\.[a-z_]+)?\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text())
        )
    return names


def test_the_settings_variables_are_found():
    # The extraction itself: a regex that found nothing would let the next test pass.
    assert {"DATABASE_URL", "SECRET_KEY", "PEACECENTRE_VAR_DIR", "CSRF_TRUSTED_ORIGINS"} <= (
        settings_variables()
    )


def test_operations_doc_names_every_environment_variable():
    gunicorn = set(
        re.findall(r'environ\.get\("([A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text())
    )
    missing = sorted(
        name
        for name in settings_variables() | gunicorn | {"DJANGO_SETTINGS_MODULE"}
        if f"`{name}`" not in OPERATIONS
    )
    assert not missing, f"docs/operations.md does not document: {', '.join(missing)}"


@pytest.mark.django_db
def test_operations_doc_lists_every_scheduled_task_with_its_time():
    tasks = list(PeriodicTask.objects.select_related("crontab", "interval"))
    assert len(tasks) >= 9  # the data migrations ran
    for task in tasks:
        line = next(
            (line for line in OPERATIONS.splitlines() if line.startswith(f"| {task.name} |")), None
        )
        assert line, f"docs/operations.md has no row for the scheduled task {task.name!r}"
        assert f"`{task.task}`" in line
        if task.crontab:
            assert f"{int(task.crontab.hour):02d}:{int(task.crontab.minute):02d}" in line
            if task.crontab.day_of_week == "1":
                assert "Mondays" in line
        else:
            assert f"every {task.interval.every} {task.interval.period}" in line


def test_nginx_upload_cap_lets_the_application_refuse_an_oversized_file():
    [size] = re.findall(r"client_max_body_size (\d+)m;", NGINX)
    cap = int(size) * 1024 * 1024
    # Above the limit (a file just over it reaches Django's message), by at most a megabyte.
    assert MAX_UPLOAD_BYTES < cap <= MAX_UPLOAD_BYTES + 1024 * 1024


def test_nginx_passes_the_headers_the_settings_read():
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX  # SECURE_PROXY_SSL_HEADER
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    assert "proxy_set_header Host $host;" in NGINX
    production = (ROOT / "peacecentre" / "settings" / "production.py").read_text()
    assert '("HTTP_X_FORWARDED_PROTO", "https")' in production
    assert "location /static" not in NGINX  # WhiteNoise serves them, with Django's headers
    assert "/media" not in NGINX  # uploaded files are never served directly


def test_exactly_one_beat_in_each_layout():
    procfile = (DEPLOY / "Procfile.production").read_text().splitlines()
    processes = [line.split(":", 1)[0] for line in procfile if line and not line.startswith("#")]
    assert sorted(processes) == ["beat", "relay", "web", "worker"]
    assert sum("celery -A peacecentre beat" in line for line in procfile) == 1
    beat_units = [
        unit.name
        for unit in UNITS.glob("*.service")
        if re.search(r"^ExecStart=.* beat\b", unit.read_text(), re.MULTILINE)
    ]
    assert beat_units == ["peacecentre-beat.service"]
    assert (UNITS / "peacecentre-worker@.service").is_file()  # workers are instances: @1, @2...


def test_the_outbox_relay_runs_in_every_layout():
    """Without the relay, a task the broker refused would wait for ever: it is in the
    development Procfile, the production one and a systemd unit, and the command exists."""
    command = "python manage.py outbox_relay"
    for procfile in (ROOT / "Procfile", DEPLOY / "Procfile.production"):
        assert f"relay: {command}" in procfile.read_text().splitlines(), procfile
    unit = (UNITS / "peacecentre-relay.service").read_text()
    assert "ExecStart=/srv/peacecentre/app/.venv/bin/python manage.py outbox_relay" in unit
    assert (ROOT / "common" / "outbox" / "management" / "commands" / "outbox_relay.py").is_file()
    assert "peacecentre-relay" in OPERATIONS


def test_stopping_a_worker_signals_its_main_process_only():
    """Celery's warm shutdown lets running tasks finish; systemd's default, TERM to every
    process of the unit, would kill the pool processes under them."""
    worker = (UNITS / "peacecentre-worker@.service").read_text()
    assert "\nKillSignal=SIGTERM\n" in worker
    assert "\nKillMode=mixed\n" in worker


def test_units_use_the_environment_file_and_existing_commands():
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/peacecentre/peacecentre.env" in text, unit.name
        assert "Restart=on-failure" in text or "Type=oneshot" in text, unit.name
    backup = (UNITS / "peacecentre-backup.service").read_text()
    assert "manage.py backup" in backup
    assert (ROOT / "operations" / "management" / "commands" / "backup.py").is_file()
    assert "Unit=" not in (UNITS / "peacecentre-backup.timer").read_text()  # same name: implied


def test_gunicorn_config_binds_the_loopback_and_logs_to_stdout(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8000"
    assert "server 127.0.0.1:8000" in NGINX
    assert config["workers"] >= 3
    assert config["accesslog"] == "-"
    assert config["forwarded_allow_ips"] == "127.0.0.1"


def test_every_unit_creates_files_for_the_service_user_only():
    """Uploads, report files and backups are personal data: each process's umask keeps what
    it creates from the group and everyone else, and the operations guide says so."""
    units = sorted(UNITS.glob("*.service"))
    assert len(units) == 5  # web, worker, beat, relay, backup
    for unit in units:
        lines = unit.read_text().splitlines()
        assert "UMask=0077" in lines, unit.name
        assert "User=peacecentre" in lines, unit.name
    assert "UMask=0077" in OPERATIONS
    assert "### File permissions" in OPERATIONS


def test_media_files_are_saved_for_their_owner_only(settings, tmp_path):
    """Django chmods a saved file to FILE_UPLOAD_PERMISSIONS whatever the umask (0644 unless
    told): the settings make it 0600, its new folders 0700."""
    settings.MEDIA_ROOT = tmp_path
    previous = os.umask(0o002)
    try:
        name = FileSystemStorage().save("imports/2026/roster.csv", ContentFile(b"a,b\n"))
    finally:
        os.umask(previous)
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "imports" / "2026").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "imports").stat().st_mode & 0o777 == 0o700
