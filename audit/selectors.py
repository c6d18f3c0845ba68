"""The audit trail as one list: every recorded change of the audited models, newest first.

Each model keeps its own history table (django-simple-history). A page is read in a fixed
number of queries whatever its length: one UNION over the history tables for the page's
rows (and one to count them), then per audited model present on the page one query for its
rows with their previous versions, one per many-to-many field, and one per model named in
the rows (people, cohorts, users, ...) for the words shown. Differences are those of
simple-history's `diff_against` (tracked, editable fields; many-to-many sets), computed on
rows already read instead of one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history import utils as history_utils

from accounts.models import User
from accounts.roles import Role
from courses.models import AssessmentComponent, AssessmentResult, Certification, Enrolment
from personnel.models import Unit
from personnel.models.choices import Category
from readiness.models import Contingent, Deployment, RequirementProfile

PAGE_SIZE = 50

# What `__str__` of a model named in the rows reads beyond its own row.
LABEL_SELECT_RELATED: dict[type[models.Model], tuple[str, ...]] = {
    Enrolment: ("person", "cohort"),
    AssessmentComponent: ("course",),
    Contingent: ("mission",),
}

# Values stored as lists of choices (a JSON field), shown by their labels.
LIST_CHOICES: dict[tuple[type[models.Model], str], type[models.TextChoices]] = {
    (RequirementProfile, "categories"): Category,
}


class Action(models.TextChoices):
    CREATED = "+", _("created")
    CHANGED = "~", _("changed")
    DELETED = "-", _("deleted")


@dataclass(frozen=True)
class AuditedKind:
    """One audited model: how its rows are named and where they lead."""

    code: str
    label: Any
    model: type[models.Model]
    # Foreign keys of the history row that name the object (resolved with the page's words).
    naming_fields: tuple[str, ...]
    # The object's name from its history row and the resolved foreign keys.
    name: Callable[[Any, Callable[[str], Any]], str]
    # The object's page, from its history row; None when it has none.
    url: Callable[[Any], str | None]
    # Tracked fields not worth showing (kept by the code, not by people).
    hidden: frozenset[str] = frozenset()
    # The page is the object's own (gone with it), not its owner's (a trainee, a person).
    own_page: bool = True


def _score_name(row, related) -> str:
    enrolment, component = related("enrolment"), related("component")
    person = enrolment.person if enrolment else _("deleted enrolment")
    cohort = enrolment.cohort if enrolment else ""
    return f"{person} · {cohort} · {component.name if component else row.component_id}"


KINDS: dict[str, AuditedKind] = {
    kind.code: kind
    for kind in (
        AuditedKind(
            code="score",
            label=_("score"),
            model=AssessmentResult,
            naming_fields=("enrolment", "component"),
            name=_score_name,
            url=lambda row: reverse("courses:enrolment_results", args=[row.enrolment_id]),
            hidden=frozenset({"recorded_by", "recorded_at", "enrolment", "component"}),
            own_page=False,
        ),
        AuditedKind(
            code="certification",
            label=_("certification"),
            model=Certification,
            naming_fields=("person",),
            name=lambda row, related: f"{row.number} · {related('person')}",
            url=lambda row: reverse("courses:certification_detail", args=[row.id]),
            hidden=frozenset({"created_at"}),
        ),
        AuditedKind(
            code="enrolment",
            label=_("enrolment"),
            model=Enrolment,
            naming_fields=("person", "cohort"),
            name=lambda row, related: f"{related('person')} · {related('cohort')}",
            url=lambda row: reverse("courses:enrolment_results", args=[row.id]),
            hidden=frozenset({"created_at", "updated_at", "created_by"}),
        ),
        AuditedKind(
            code="deployment",
            label=_("deployment"),
            model=Deployment,
            naming_fields=("person", "mission"),
            name=lambda row, related: f"{related('person')} · {related('mission')}",
            url=lambda row: reverse("personnel:person_detail", args=[row.person_id]),
            hidden=frozenset({"created_at"}),
            own_page=False,
        ),
        AuditedKind(
            code="requirement_profile",
            label=_("requirement profile"),
            model=RequirementProfile,
            naming_fields=(),
            name=lambda row, related: row.name,
            url=lambda row: reverse("admin:readiness_requirementprofile_change", args=[row.id]),
        ),
        AuditedKind(
            code="role",
            label=_("user and roles"),
            model=User,
            naming_fields=(),
            name=lambda row, related: row.username,
            url=lambda row: reverse("admin:peacecentre_user_change", args=[row.id]),
            hidden=frozenset({"date_joined"}),
        ),
        AuditedKind(
            code="unit",
            label=_("unit"),
            model=Unit,
            naming_fields=(),
            name=lambda row, related: f"{row.code} {row.name}",
            url=lambda row: reverse("readiness:unit_readiness", args=[row.id]),
            hidden=frozenset({"path"}),
        ),
    )
}


@dataclass
class FieldChange:
    field: str  # the field's name in words
    old: str
    new: str


@dataclass
class AuditEntry:
    kind: AuditedKind
    when: dt.datetime
    who: User | None
    action: str  # Action value
    object_id: int
    object_name: str
    object_url: str | None
    exists: bool  # the object is still there (not deleted since)
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return Action(self.action).label


def audit_history_union(
    *,
    kinds: Iterable[str] | None = None,
    user: User | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet:
    """The audited history rows as dicts (audit_kind, history_id, history_date, ...), filtered,
    newest first: one UNION over the history tables of `kinds` (all when None)."""
    conditions = Q()
    if user is not None:
        conditions &= Q(history_user=user)
    if action:
        conditions &= Q(history_type=action)
    # Whole local days, as a range on the indexed column (not a cast of every row to a date).
    if date_from:
        conditions &= Q(history_date__gte=_day_start(date_from))
    if date_to:
        conditions &= Q(history_date__lt=_day_start(date_to + dt.timedelta(days=1)))
    parts = [
        KINDS[code]
        .model.history.filter(conditions)
        .annotate(audit_kind=Value(code, output_field=models.CharField()))
        .values("history_id", "history_date", "audit_kind")
        .order_by()
        for code in (kinds or KINDS)
    ]
    first, *others = parts
    combined = first.union(*others, all=True) if others else first
    return combined.order_by("-history_date", "-history_id", "audit_kind")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_page(
    *,
    page_number: Any = 1,
    per_page: int = PAGE_SIZE,
    kinds: Iterable[str] | None = None,
    user: User | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> tuple[Page, list[AuditEntry]]:
    """One page of the audit trail with each row's who, when, what object and its changes
    field by field (old -> new in words). The page's length does not change the number of
    queries. `page_number` out of range gives the last page."""
    rows = audit_history_union(
        kinds=kinds, user=user, action=action, date_from=date_from, date_to=date_to
    )
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(page_number)
    return page, audit_entries(list(page.object_list))


def audit_entries(refs: list[dict]) -> list[AuditEntry]:
    """The entries of `refs` (dicts with audit_kind and history_id), in their order."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for ref in refs:
        by_kind[ref["audit_kind"]].append(ref["history_id"])

    history: dict[tuple[str, int], Any] = {}  # (kind, history_id) -> history row
    previous: dict[tuple[str, int], Any] = {}  # (kind, history_id) -> the row before it
    m2m: dict[tuple[str, int, str], set[int]] = {}  # (kind, history_id, field) -> target ids
    words = _Words()
    for code, ids in by_kind.items():
        kind = KINDS[code]
        found = _rows_with_previous(kind.model, ids)
        for row in found.values():
            if row.history_id in ids:
                history[code, row.history_id] = row
                if row.prev_history_id:
                    previous[code, row.history_id] = found[row.prev_history_id]
        for m2m_field in _m2m_fields(kind.model):
            sets = _m2m_sets(kind.model, m2m_field, list(found))
            target = m2m_field.related_model
            for history_id in found:
                members = sets.get(history_id, set())
                m2m[code, history_id, m2m_field.name] = members
                words.want(target, members)
        for row in found.values():
            words.want(User, [row.history_user_id])
            for name in kind.naming_fields + tuple(_shown_foreign_keys(kind)):
                words.want(kind.model._meta.get_field(name).related_model, [_fk(row, name)])
    words.load()

    existing = _existing_ids(by_kind, history)
    entries = []
    for ref in refs:
        code, history_id = ref["audit_kind"], ref["history_id"]
        kind, row = KINDS[code], history[code, history_id]
        before = previous.get((code, history_id))

        def related(name: str, row=row, kind=kind):
            model = kind.model._meta.get_field(name).related_model
            return words.get(model, _fk(row, name))

        entries.append(
            AuditEntry(
                kind=kind,
                when=row.history_date,
                who=words.get(User, row.history_user_id),
                action=row.history_type,
                object_id=row.id,
                object_name=kind.name(row, related),
                object_url=kind.url(row) if row.id in existing[code] or not kind.own_page else None,
                exists=row.id in existing[code],
                reason=row.history_change_reason or "",
                changes=_changes(kind, row, before, m2m, words),
            )
        )
    return entries


def _rows_with_previous(model: type[models.Model], history_ids: list[int]) -> dict[int, Any]:
    """The history rows `history_ids` and the version before each, by history id: two
    queries. (simple-history's `prev_record` would be one query per row.)"""
    history_model = model.history.model
    earlier = history_model.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    rows = list(
        history_model.objects.filter(history_id__in=history_ids).annotate(
            prev_history_id=Subquery(
                earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
            )
        )
    )
    prev_ids = {row.prev_history_id for row in rows if row.prev_history_id} - set(history_ids)
    found = {row.history_id: row for row in rows}
    if prev_ids:
        for row in history_model.objects.filter(history_id__in=prev_ids):
            row.prev_history_id = None
            found[row.history_id] = row
    return found


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    return list(model.history.model._history_m2m_fields)


def _m2m_sets(
    model: type[models.Model], m2m_field: models.ManyToManyField, history_ids: list[int]
) -> dict[int, set[int]]:
    """The targets of `m2m_field` recorded with each history row: one query."""
    m2m_history = model.history.model.__dict__[m2m_field.name].model
    target = f"{history_utils.get_m2m_reverse_field_name(m2m_field)}_id"
    sets: dict[int, set[int]] = defaultdict(set)
    for history_id, target_id in m2m_history.objects.filter(history_id__in=history_ids).values_list(
        "history_id", target
    ):
        sets[history_id].add(target_id)
    return sets


def _existing_ids(by_kind: dict[str, list[int]], history: dict) -> dict[str, set[int]]:
    """Which objects on the page still exist (a deleted one has no page): one query each."""
    existing = {}
    for code in by_kind:
        ids = {row.id for (kind, _id), row in history.items() if kind == code}
        existing[code] = set(
            KINDS[code].model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
    return existing


def _tracked(kind: AuditedKind) -> list[models.Field]:
    """The fields shown in differences: tracked and editable (as `diff_against`), not hidden."""
    history_model = kind.model.history.model
    m2m_names = {f.name for f in _m2m_fields(kind.model)}
    return [
        f
        for f in history_model.tracked_fields
        if f.editable and f.name not in kind.hidden and f.name not in m2m_names and f.name != "id"
    ]


def _shown_foreign_keys(kind: AuditedKind) -> list[str]:
    return [f.name for f in _tracked(kind) if f.is_relation]


def _fk(row, name: str):
    return getattr(row, f"{name}_id")


def _changes(kind: AuditedKind, row, before, m2m: dict, words: _Words) -> list[FieldChange]:
    """What changed from `before` to `row`, field by field in words; for a new object every
    field with a value; nothing for a deleted one."""
    if row.history_type == Action.DELETED:
        return []
    # A change with no earlier version: the object predates its history (seeded data).
    unknown = str(NOT_RECORDED) if row.history_type == Action.CHANGED else ""
    changes = []
    for history_field in _tracked(kind):
        name = history_field.name
        model_field = kind.model._meta.get_field(name)
        new = getattr(row, history_field.attname)
        old = getattr(before, history_field.attname) if before is not None else None
        if before is not None and old == new:
            continue
        if before is None and new in (None, "", [], False):
            continue
        changes.append(
            FieldChange(
                field=str(model_field.verbose_name),
                old=_words(kind, model_field, old, words) if before is not None else unknown,
                new=_words(kind, model_field, new, words),
            )
        )
    for m2m_field in _m2m_fields(kind.model):
        new_set = m2m[kind.code, row.history_id, m2m_field.name]
        old_set = m2m[kind.code, before.history_id, m2m_field.name] if before else set()
        if new_set == old_set:
            continue
        target = m2m_field.related_model
        model_field = kind.model._meta.get_field(m2m_field.name)
        changes.append(
            FieldChange(
                field=str(model_field.verbose_name),
                old=_set_words(target, old_set, words) if before is not None else unknown,
                new=_set_words(target, new_set, words),
            )
        )
    changes.sort(key=lambda change: change.field)
    return changes


EMPTY = "—"
NOT_RECORDED = _("not recorded")


def _words(kind: AuditedKind, model_field: models.Field, value, words: _Words) -> str:
    """A stored value as a person reads it: a choice's label, a related object's name, a
    date in the interface's format."""
    if value is None or value == "" or value == []:
        return EMPTY
    if model_field.is_relation:
        found = words.get(model_field.related_model, value)
        return str(found) if found is not None else f"#{value} ({_('deleted')})"
    choices = LIST_CHOICES.get((kind.model, model_field.name))
    if choices is not None and isinstance(value, list):
        labels = dict(choices.choices)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int | float):
        return formats.localize(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _set_words(model: type[models.Model], ids: set[int], words: _Words) -> str:
    if not ids:
        return EMPTY
    names = []
    for pk in ids:
        found = words.get(model, pk)
        if found is None:
            names.append(f"#{pk} ({_('deleted')})")
        elif isinstance(found, Group):
            names.append(_group_name(found))
        else:
            names.append(str(found))
    return ", ".join(sorted(names))


def _group_name(group: Group) -> str:
    """A role group by its translated label; any other group by its name."""
    try:
        return Role(group.name).label
    except ValueError:
        return group.name


class _Words:
    """The objects the page names (people, cohorts, users, groups, ...), read at once: one
    query per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}

    def want(self, model: type[models.Model], ids: Iterable) -> None:
        self.wanted[model].update(pk for pk in ids if pk is not None)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            if not ids:
                continue
            queryset = model._default_manager.all()
            if model in LABEL_SELECT_RELATED:
                queryset = queryset.select_related(*LABEL_SELECT_RELATED[model])
            self.found[model] = queryset.in_bulk(ids)

    def get(self, model: type[models.Model], pk):
        if pk is None:
            return None
        return self.found.get(model, {}).get(pk)
