"""Certifications lapsing in the next 90 days (XLSX): in the requester's scope, optionally
narrowed to a unit (with the units under it), a course and a certification type, every
certification neither revoked nor superseded whose last valid day falls from today to today
+ 90 days (both included), soonest first, with the person, service number, unit, course,
type, number, last valid day and days left.

Who: registrars and administrators, everything; a commander, their units and those under
them (a report naming a unit within them, or the one they asked for their whole scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Certification, CertificationType, Course
from courses.selectors.certifications import certifications_visible
from personnel.models import Unit
from reports.builders.parameters import (
    in_language,
    object_param,
    requester_parameters,
    scope_user,
    unit_in_scope,
    unit_report_covers,
)
from reports.builders.tables import XLSX_CONTENT_TYPE, xlsx_bytes
from reports.models import ReportFormat, ReportKindCode

from .base import BuiltReport, Progress, ReportKind, register

if TYPE_CHECKING:
    from accounts.models import User

WITHIN_DAYS = 90
SCOPE_PARAMETERS = (
    (gettext_lazy("Unit"), Unit, "unit"),
    (gettext_lazy("Course"), Course, "course"),
    (gettext_lazy("Certification type"), CertificationType, "certification_type"),
)


def certifications_lapsing(
    *,
    user: User,
    today: dt.date,
    days: int = WITHIN_DAYS,
    unit: Unit | None = None,
    course: Course | None = None,
    certification_type: CertificationType | None = None,
) -> QuerySet[Certification]:
    """The certifications `user` may see (courses.selectors.certifications), neither revoked
    nor superseded, whose `valid_until` is from `today` to `today + days` (both included),
    narrowed to `unit` with the units under it, `course` and `certification_type`; soonest
    first, with person, rank, unit, course and type joined: one query."""
    certifications = (
        certifications_visible(user=user)
        .unrevoked()
        .filter(
            superseded_by__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=days),
        )
        .select_related("person__rank", "person__unit", "course", "certification_type")
    )
    if unit is not None:
        certifications = certifications.filter(person__unit__path__startswith=unit.path)
    if course is not None:
        certifications = certifications.filter(course=course)
    if certification_type is not None:
        certifications = certifications.filter(certification_type=certification_type)
    return certifications.order_by("valid_until", "person__search_text", "number")


def header() -> list[str]:
    return [
        _("Person"),
        _("Service number"),
        _("Unit"),
        _("Course"),
        _("Certification type"),
        _("Number"),
        _("Valid until"),
        _("Days left"),
    ]


def row(certification: Certification, *, today: dt.date) -> list[Any]:
    person = certification.person
    course = certification.course
    return [
        person.rank_and_name,
        person.service_number,
        person.unit.code if person.unit else "",
        f"{course.code} {course.title}" if course else "",
        f"{certification.certification_type.code} {certification.certification_type.name}",
        certification.number,
        certification.valid_until,
        (certification.valid_until - today).days,
    ]


@register
class CertificationsLapsingReport(ReportKind):
    code = ReportKindCode.CERTIFICATIONS_LAPSING
    formats = (ReportFormat.XLSX,)

    def clean(self, user: User, data: Mapping[str, Any]) -> dict[str, Any]:
        unit = unit_in_scope(user, data)
        course = object_param(
            data, "course", queryset=Course.objects.all(), label=_("Course"), required=False
        )
        certification_type = object_param(
            data,
            "certification_type",
            queryset=CertificationType.objects.all(),
            label=_("Certification type"),
            required=False,
        )
        parameters = {
            "unit": unit.pk if unit else None,
            "course": course.pk if course else None,
            "certification_type": certification_type.pk if certification_type else None,
            **requester_parameters(user),
        }
        if not self.covers(user, parameters):
            raise PermissionDenied
        return parameters

    def covers(self, user: User, parameters: Mapping[str, Any]) -> bool:
        return unit_report_covers(user, parameters)

    def title(self, parameters: Mapping[str, Any]) -> str:
        parts = [
            found
            for model, key, field in (
                (Unit, "unit", "code"),
                (Course, "course", "code"),
                (CertificationType, "certification_type", "code"),
            )
            if parameters.get(key) is not None
            for found in model.objects.filter(pk=parameters[key]).values_list(field, flat=True)
        ]
        title = _("Certifications lapsing within %(days)s days") % {"days": WITHIN_DAYS}
        return f"{title}: {', '.join(parts)}" if parts else title

    def describe(self, parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
        described = []
        for label, model, key in SCOPE_PARAMETERS:
            if parameters.get(key) is not None:
                names = model.objects.filter(pk=parameters[key])
                described += [(str(label), str(found)) for found in names]
        if parameters.get("unit") is None:
            described.insert(0, (_("Unit"), _("all the requester's units")))
        return described

    def source_url(self, parameters: Mapping[str, Any]) -> str:
        return reverse("courses:certification_list") + "?validity=lapsing"

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        today = timezone.localdate()

        def get(model, key):
            return model.objects.get(pk=parameters[key]) if parameters.get(key) else None

        with in_language(parameters):
            certifications = certifications_lapsing(
                user=scope_user(parameters),
                today=today,
                unit=get(Unit, "unit"),
                course=get(Course, "course"),
                certification_type=get(CertificationType, "certification_type"),
            )
            found = list(certifications)
            rows = []
            for index, certification in enumerate(found, start=1):
                rows.append(row(certification, today=today))
                if index % 500 == 0:
                    progress(index, len(found))
            content = xlsx_bytes(_("Lapsing"), header(), rows)
        progress(1, 1)
        return BuiltReport(
            filename=get_valid_filename(f"certifications-lapsing-{today.isoformat()}.xlsx"),
            content=content,
            content_type=XLSX_CONTENT_TYPE,
        )
