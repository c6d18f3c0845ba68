"""Production settings refuse to start without their secrets and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "peacecentre.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
    "ALLOWED_HOSTS": "peacecentre.example.kz",
    # Only named: `check` does not connect to it.
    "REDIS_URL": "redis://127.0.0.1:6379/2",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a server never has it.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "REDIS_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_leaves_out_the_developer_tooling():
    """Demo data, scale data and the benchmarks are installed by the development and test
    settings only: in production their commands do not exist."""
    result = manage("help", "--commands", env=GOOD)
    assert result.returncode == 0, result.stderr
    commands = set(result.stdout.split())
    assert {"backup", "restore", "outbox_relay", "migrate"} <= commands
    assert not {"seed_demo", "seed_scale", "bench"} & commands
    development = manage(
        "help", "--commands", env={"DJANGO_SETTINGS_MODULE": "peacecentre.settings.dev"}
    )
    assert {"seed_demo", "seed_scale", "bench"} <= set(development.stdout.split())


def test_production_passes_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings need SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    env = {k: v for k, v in GOOD.items() if k != "REDIS_URL"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings need REDIS_URL (or CACHE_URL)" in result.stderr


def test_production_caches_in_redis_from_cache_url_or_redis_url():
    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        " print(c['BACKEND'], c['LOCATION'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={**GOOD, "CACHE_URL": "redis://cache.internal:6379/3"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/3",
    ]


def test_development_passes_check_with_the_file_cache():
    """The default settings (manage.py's) need no server: the throttle counts in files under
    var/cache, and django-ratelimit's objection to a cache that is not atomic is silenced
    there only."""
    result = manage("check", env={"DJANGO_SETTINGS_MODULE": "peacecentre.settings.dev"})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"DJANGO_SETTINGS_MODULE": "peacecentre.settings.dev"},
    )
    assert result.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache"


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("short", "too short"),
        ("abcd" * 20, "only four different characters"),
        ("django-insecure-" + "q7$w!e9r(t2y*u4i&o6p)a1s^d3f%g5h", "startproject's insecure prefix"),
        ("", "empty"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, why):
    """Django's own test of a strong key (check --deploy's security.W009) stops the start."""
    result = manage("check", env={**GOOD, "SECRET_KEY": key})
    assert result.returncode != 0, why
    assert "ImproperlyConfigured" in result.stderr, why
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr, why
    # The message says how to make a good one.
    assert "get_random_secret_key()" in result.stderr, why


def test_production_accepts_a_generated_secret_key():
    from django.core.management.utils import get_random_secret_key

    result = manage("check", env={**GOOD, "SECRET_KEY": get_random_secret_key()})
    assert result.returncode == 0, result.stderr


def test_local_defaults_are_sqlite_filesystem_broker_mail_files_and_almaty(settings):
    from peacecentre.settings import base

    if "TIME_ZONE" not in os.environ:
        assert base.TIME_ZONE == "Asia/Almaty"
    if "EMAIL_URL" not in os.environ:
        assert base.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
        assert str(base.EMAIL_FILE_PATH).endswith("mail")
    assert settings.CELERY_RESULT_BACKEND == "django-db"
    assert settings.CELERY_BEAT_SCHEDULER.startswith("django_celery_beat")
    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if "CELERY_BROKER_URL" not in os.environ:
        assert settings.CELERY_BROKER_URL == "filesystem://"
