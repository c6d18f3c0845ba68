"""CI runs the suite on PostgreSQL and Redis; a run that silently fell back to SQLite or the
filesystem broker would prove less than it claims."""

import pytest

from tests import services
from tests.conftest import IN_CI, require


@pytest.mark.django_db
def test_suite_runs_on_postgresql_in_ci():
    require(*services.postgresql())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


@pytest.mark.skipif(not IN_CI, reason="only CI promises Redis")
def test_ci_broker_is_redis():
    from django.conf import settings

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert services.broker() == (True, "")
