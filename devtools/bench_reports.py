"""The benchmark of the readiness report: the readiness matrix XLSX of the whole register
(10,000 people from `manage.py seed_scale`) built as the worker builds it, target 20 s.

Shaped like devtools/bench.py's benchmarks (it returns what a Figure needs); wired there as
`@benchmark("readiness report")`. The request row, its progress writes and its file are made
inside a transaction that is rolled back, and the file is deleted, so runs repeat.
"""

from __future__ import annotations

import time

from django.db import transaction

TARGET_SECONDS = 20.0


class _Rollback(Exception):
    pass


def bench_readiness_xlsx(
    *, username: str = "registrar", profile_code: str = "contingent-member"
) -> dict:
    """Request and build the readiness matrix XLSX of the whole register for `username` (a
    registrar: everyone) through the real service and builder. Returns name, seconds, target,
    detail (people, rows, file size, progress writes)."""
    from accounts.models import User
    from personnel.models import Person
    from readiness.models import RequirementProfile
    from reports.kinds import kind_for
    from reports.models import ReportRequest
    from reports.services import report_build, report_progress_writer

    user = User.objects.get(username=username)
    profile = RequirementProfile.objects.get(code=profile_code)
    people = Person.objects.filter(is_active=True).count()
    result: dict = {}
    try:
        with transaction.atomic():
            kind = kind_for(ReportRequest.Kind.READINESS_MATRIX)
            parameters = kind.clean(user, {"profile": str(profile.pk)})
            request = ReportRequest.objects.create(
                kind=kind.code,
                format=ReportRequest.Format.XLSX,
                parameters=parameters,
                title=kind.title(parameters),
                requested_by=user,
            )
            writes = {"count": 0}

            def counting_writer(request_id: int):
                write = report_progress_writer(request_id)

                def progress(done: int, total: int) -> None:
                    writes["count"] += 1
                    write(done, total)

                return progress

            started = time.perf_counter()
            built = report_build(request_id=request.pk, progress=counting_writer)
            seconds = time.perf_counter() - started
            assert built.status == ReportRequest.Status.DONE, built.error
            result = {
                "name": f"readiness matrix XLSX report, {people:,} people",
                "seconds": seconds,
                "target": TARGET_SECONDS,
                "detail": f"{profile.name}; {built.size / 1024 / 1024:.1f} MB; "
                f"{writes['count']:,} progress calls",
            }
            built.file.storage.delete(built.file.name)
            raise _Rollback
    except _Rollback:
        pass
    return result
