"""Two registrars confirming imports that claim the same certificate number at the same moment:
one is written, the other is refused whole with nothing written.

Each registrar is a thread with its own database connection; a barrier starts them together.
PostgreSQL only (SQLite serialises every write transaction anyway).
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from courses.models import Certification
from courses.services.certification_imports import (
    certification_import_apply,
    certification_import_preview,
)
from imports.models import ImportFile
from tests import factories, services
from tests.conftest import require
from tests.courses.certification_import_support import cert_row, certs_csv, upload

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


@pytest.mark.parametrize(
    "second_person",  # whose certifications the second file holds
    ["KZ-200003", "KZ-200002"],
    ids=["other-person-unique-number-decides", "same-person-lock-decides"],
)
def test_two_imports_racing_for_one_number_write_one(registrar, catalogue, second_person, race):
    require(*services.postgresql())
    other = factories.UserFactory(username="reg2", roles=[Role.REGISTRAR])
    for round_ in range(ROUNDS):
        number = f"UNSOC-2019-R{round_}"
        first = upload(
            certs_csv([cert_row(number=number, issued_on=f"2019-01-{round_ + 1:02d}")]), registrar
        )
        second = upload(
            certs_csv(
                [
                    cert_row(
                        service_number=second_person,
                        number=f"X-{round_}",
                        issued_on=f"2018-01-{round_ + 1:02d}",
                    ),
                    cert_row(
                        service_number=second_person,
                        number=number,
                        issued_on=f"2017-01-{round_ + 1:02d}",
                    ),
                ]
            ),
            other,
        )
        digests = [certification_import_preview(import_file=f).digest for f in (first, second)]

        results = race(
            *(
                lambda f=f, by=by, digest=digest: certification_import_apply(
                    import_file=f, by=by, expected_digest=digest
                )
                for f, by, digest in zip((first, second), (registrar, other), digests, strict=True)
            )
        )

        refused = [r for r in results if isinstance(r, ValidationError)]
        written = [r for r in results if isinstance(r, dict)]
        assert (len(refused), len(written)) == (1, 1), results
        assert refused[0].code == "stale"
        assert "Nothing was written" in refused[0].messages[0]
        winner = ImportFile.objects.get(applied_at__isnull=False, pk__in=[first.pk, second.pk])
        loser = first if winner.pk == second.pk else second
        assert not ImportFile.objects.get(pk=loser.pk).is_applied
        assert Certification.objects.filter(number=number).count() == 1
        # All or nothing: the loser's other row was not written either.
        if loser == second:
            assert not Certification.objects.filter(number=f"X-{round_}").exists()
        else:
            assert Certification.objects.filter(number=f"X-{round_}").exists()
