"""Writes on the course catalogue: a course and its assessment components, saved together.

Every rule the forms check is checked here again, so a course saved from anywhere (a form, a
script, a task) obeys the same rules. Errors are raised as one ValidationError whose keys are
the course's field names, "components" for the components as a whole, and each component's
`ref` (the caller's name for that row, e.g. its form prefix) for errors of one component.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.formatting import number_plain
from courses.models import AssessmentComponent, AssessmentResult, CertificationType, Course
from courses.selectors.catalogue import course_version
from personnel.models import Category

TOTAL_WEIGHT = Decimal("100")


@dataclass(frozen=True)
class CourseData:
    """A course's own values, as a form or a script supplies them."""

    code: str
    title: str
    kind: str
    duration_days: int
    default_capacity: int = 30
    pass_mark: Decimal = Decimal("60")
    min_attendance_percent: Decimal = Decimal("80")
    description: str = ""
    admitted_categories: Sequence[str] = ()
    prerequisites: Sequence[CertificationType] = ()
    certification_type: CertificationType | None = None
    validity_months: int | None = None
    un_recognised: bool = False
    recognised_on: dt.date | None = None
    recognition_valid_until: dt.date | None = None
    is_active: bool = True


@dataclass(frozen=True)
class ComponentData:
    """One assessment component to keep. `pk` names an existing component of the course (None
    for a new one); `ref` is the key its errors are raised under (the form's prefix)."""

    name: str
    weight: Decimal
    min_score: Decimal = Decimal("0")
    max_score: Decimal = Decimal("100")
    pass_score: Decimal | None = None
    must_pass: bool = False
    pk: int | None = None
    ref: str = field(default=NON_FIELD_ERRORS)


COURSE_FIELDS = tuple(
    name for name in CourseData.__dataclass_fields__ if name not in {"prerequisites"}
)
COMPONENT_FIELDS = ("name", "weight", "min_score", "max_score", "pass_score", "must_pass")


def weights_check(weights: Iterable[Decimal]) -> None:
    """Raise ValidationError unless there is at least one weight and they add up to exactly 100.
    The course form's component formset calls this too, so the two never disagree."""
    weights = list(weights)
    if not weights:
        raise ValidationError(
            _("A course needs at least one assessment component."), code="no_components"
        )
    total = sum(weights, Decimal("0"))
    if total != TOTAL_WEIGHT:
        raise ValidationError(
            _("The component weights add up to %(total)s; they must add up to exactly 100.")
            % {"total": number_plain(total)},
            code="weights_total",
        )


@transaction.atomic
def course_create(*, data: CourseData, components: Sequence[ComponentData], by: User) -> Course:
    """Create a course with its assessment components, all or nothing.

    Raises ValidationError (keys as in the module docstring) when a rule is broken: the code
    is taken, a percentage is outside 0-100, a granted certification has no validity, the UN
    recognition ends before it starts, no component is given, two components share a name,
    a component's scores are inconsistent, or the weights do not add up to exactly 100.
    """
    _check(data=data, components=components, course=None)
    course = Course()
    _assign(course, data)
    _save_course(course)
    course.prerequisites.set(data.prerequisites)
    _save_components(course=course, components=components)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    data: CourseData,
    components: Sequence[ComponentData],
    version: str,
    by: User,
) -> Course:
    """Replace a course's values and its components with `data` and `components`: existing
    components named by `pk` are updated, new ones created, the others removed.

    `version` is `course_version(course)` as the editor saw it; if the course or any of its
    components changed since, nothing is saved and ValidationError (code "stale") says so.
    Also refused, besides the rules of `course_create`: removing a component that has
    recorded scores, and a score range that would leave recorded scores outside it (the
    database refuses that too; its refusal is turned into the same message).
    """
    course = Course.objects.select_for_update().get(pk=course.pk)  # one editor at a time
    course_version_check(course=course, version=version)
    _check(data=data, components=components, course=course)
    _assign(course, data)
    _save_course(course)
    course.prerequisites.set(data.prerequisites)
    _save_components(course=course, components=components)
    return course


def course_version_check(*, course: Course, version: str) -> None:
    """Raise ValidationError (code "stale") unless `version` is the course's fingerprint now
    (courses.selectors.catalogue.course_version): someone else saved it meanwhile."""
    if course_version(course) != version:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _(
                        "Someone else changed course %(code)s after you opened it, so your "
                        "changes were not saved. Open the course again to see the current "
                        "values, then make your changes once more."
                    )
                    % {"code": course.code},
                    code="stale",
                )
            }
        )


def _save_course(course: Course) -> None:
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as error:  # another registrar took the code a moment ago
        if not Course.objects.filter(code=course.code).exclude(pk=course.pk).exists():
            raise
        raise ValidationError(
            {"code": _("The code %(code)s was just taken; choose another.") % {"code": course.code}}
        ) from error


def _assign(course: Course, data: CourseData) -> None:
    for name in COURSE_FIELDS:
        setattr(course, name, getattr(data, name))
    course.code = data.code.strip()
    course.title = data.title.strip()
    course.admitted_categories = list(data.admitted_categories)


def _check(*, data: CourseData, components: Sequence[ComponentData], course: Course | None):
    errors: dict[str, list[ValidationError]] = {}

    def refuse(key: str, message: str, code: str) -> None:
        errors.setdefault(key, []).append(ValidationError(message, code=code))

    code = data.code.strip()
    if not code:
        refuse("code", _("A course needs a code."), "required")
    elif Course.objects.filter(code=code).exclude(pk=getattr(course, "pk", None)).exists():
        refuse(
            "code",
            _("The code %(code)s is already used by another course.") % {"code": code},
            "unique",
        )
    if not data.title.strip():
        refuse("title", _("A course needs a title."), "required")
    if data.kind not in Course.Kind.values:
        refuse("kind", _("Choose the kind of course."), "invalid")
    if data.duration_days < 1:
        refuse("duration_days", _("A course lasts at least one day."), "min_value")
    if data.default_capacity < 1:
        refuse("default_capacity", _("A course has at least one seat."), "min_value")
    for name, label in (
        ("pass_mark", _("The pass mark")),
        ("min_attendance_percent", _("The minimum attendance")),
    ):
        value = getattr(data, name)
        if not Decimal("0") <= value <= Decimal("100"):
            refuse(
                name,
                _("%(what)s is a percentage from 0 to 100, not %(value)s.")
                % {"what": label, "value": number_plain(value)},
                "range",
            )
    unknown = sorted(set(data.admitted_categories) - set(Category.values))
    if unknown:
        refuse(
            "admitted_categories",
            _("Unknown personnel categories: %(names)s.") % {"names": ", ".join(unknown)},
            "invalid",
        )
    if data.certification_type is not None and not data.validity_months:
        refuse(
            "validity_months",
            _("A course that grants %(type)s needs the certificate's validity in months.")
            % {"type": data.certification_type.code},
            "required",
        )
    if data.certification_type is None and data.validity_months:
        refuse(
            "validity_months",
            _(
                "A validity applies only to a granted certification: choose the certification "
                "or clear the validity."
            ),
            "invalid",
        )
    if data.un_recognised and data.recognised_on is None:
        refuse("recognised_on", _("Say when the UN recognised the course."), "required")
    if not data.un_recognised and (data.recognised_on or data.recognition_valid_until):
        refuse(
            "un_recognised",
            _(
                "Recognition dates are given but UN-recognised is not ticked: tick it or clear "
                "the dates."
            ),
            "invalid",
        )
    if (
        data.recognised_on
        and data.recognition_valid_until
        and data.recognition_valid_until < data.recognised_on
    ):
        refuse(
            "recognition_valid_until",
            _("The recognition cannot end (%(end)s) before it was given (%(start)s).")
            % {"end": data.recognition_valid_until, "start": data.recognised_on},
            "order",
        )
    _check_components(components, refuse)
    if course is not None:
        _check_removals(course, components, refuse)
    if errors:
        raise ValidationError(errors)


def _check_components(components: Sequence[ComponentData], refuse) -> None:
    seen: dict[str, str] = {}
    for component in components:
        name = component.name.strip()
        where = {"name": name or _("(no name)")}
        if not name:
            refuse(component.ref, _("Every component needs a name."), "required")
        elif name.casefold() in seen:
            refuse(
                component.ref,
                _("Two components are called “%(name)s”; give each its own name.") % where,
                "unique",
            )
        seen.setdefault(name.casefold(), component.ref)
        if not Decimal("0") < component.weight <= TOTAL_WEIGHT:
            refuse(
                component.ref,
                _("“%(name)s”: a weight is more than 0 and at most 100.") % where,
                "weight",
            )
        if component.max_score <= component.min_score:
            refuse(
                component.ref,
                _("“%(name)s”: the highest score must be above the lowest.") % where,
                "score_range",
            )
        if component.pass_score is not None and not (
            component.min_score <= component.pass_score <= component.max_score
        ):
            refuse(
                component.ref,
                _(
                    "“%(name)s”: the pass score %(pass)s is outside the score range "
                    "%(min)s to %(max)s."
                )
                % {
                    **where,
                    "pass": number_plain(component.pass_score),
                    "min": number_plain(component.min_score),
                    "max": number_plain(component.max_score),
                },
                "pass_score",
            )
        if component.must_pass and component.pass_score is None:
            refuse(
                component.ref,
                _("“%(name)s” must be passed, so it needs a pass score.") % where,
                "pass_score",
            )
    try:
        weights_check(component.weight for component in components)
    except ValidationError as error:
        refuse("components", error.messages[0], error.code or "weights")


def _check_removals(course: Course, components: Sequence[ComponentData], refuse) -> None:
    kept = {component.pk for component in components if component.pk}
    unknown = kept - set(course.components.values_list("pk", flat=True))
    if unknown:
        refuse(
            "components",
            _("A component being edited no longer belongs to course %(code)s.")
            % {"code": course.code},
            "unknown",
        )
    removed_with_scores = (
        course.components.exclude(pk__in=kept)
        .annotate(scores=Count("results"))
        .filter(scores__gt=0)
        .order_by("order", "pk")
    )
    for component in removed_with_scores:
        refuse(
            "components",
            ngettext(
                "“%(name)s” has %(count)s recorded score and cannot be removed; keep it or "
                "delete the score first.",
                "“%(name)s” has %(count)s recorded scores and cannot be removed; keep it or "
                "delete those scores first.",
                component.scores,
            )
            % {"name": component.name, "count": component.scores},
            "has_scores",
        )


def _save_components(*, course: Course, components: Sequence[ComponentData]) -> None:
    existing = {component.pk: component for component in course.components.all()}
    kept = {component.pk for component in components if component.pk}
    course.components.exclude(pk__in=kept).delete()
    # Two components may swap names; park the renamed ones first so that the unique name
    # constraint never sees two rows with one name in between.
    renamed = [existing[c.pk] for c in components if c.pk and existing[c.pk].name != c.name.strip()]
    for component in renamed:
        component.name = f"~{component.pk}"
    AssessmentComponent.objects.bulk_update(renamed, ["name"])
    for order, data in enumerate(components, start=1):
        component = existing[data.pk] if data.pk else AssessmentComponent(course=course)
        for name in COMPONENT_FIELDS:
            setattr(component, name, getattr(data, name))
        component.name = data.name.strip()
        component.order = order
        try:
            with transaction.atomic():  # a savepoint: PostgreSQL can go on after a refusal
                component.save()
        except IntegrityError as error:
            if not _is_violation(error, "component_range_covers_scores"):
                raise
            raise ValidationError({data.ref: _scores_outside_message(component)}) from error


def _is_violation(error: IntegrityError, constraint: str) -> bool:
    """Whether the database refused the write because of `constraint` (a trigger's name)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint or constraint in str(error)


def _scores_outside_message(component: AssessmentComponent) -> ValidationError:
    recorded = AssessmentResult.objects.filter(component_id=component.pk).aggregate(
        lowest=Min("score"),
        highest=Max("score"),
        outside=Count(
            "pk", filter=Q(score__lt=component.min_score) | Q(score__gt=component.max_score)
        ),
    )
    return ValidationError(
        _(
            "“%(name)s”: the scores already recorded run from %(lowest)s to %(highest)s, so the "
            "range %(min)s to %(max)s would leave %(outside)s of them outside it. Keep a range "
            "that covers them, or correct those scores first."
        )
        % {
            "name": component.name,
            "lowest": number_plain(recorded["lowest"]),
            "highest": number_plain(recorded["highest"]),
            "min": number_plain(Decimal(component.min_score)),
            "max": number_plain(Decimal(component.max_score)),
            "outside": recorded["outside"],
        },
        code="scores_outside_range",
    )
