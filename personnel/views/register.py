"""The personnel register pages: the list, a person's page, and the edit forms for people and
their qualification records. Thin: selectors read, services write, forms check input.

Who: registrars and administrators see and edit everyone; commanders see the people of their
subtree; an instructor opens the page of a trainee in a cohort they teach. A person outside
the user's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, role_required, sees_everything
from common.forms import form_add_service_error
from personnel.filters import PersonFilter
from personnel.forms.register import PersonForm, RegisterForm, qualification_form_class
from personnel.models import Person, QualificationRecord
from personnel.scope import people_for
from personnel.selectors import register as selectors
from personnel.services import people as services

PAGE_SIZE = 50
EDITORS = (Role.REGISTRAR, Role.ADMINISTRATOR)
LIST_ROLES = (*EDITORS, Role.COMMANDER)
ANY_ROLE = tuple(Role)


@dataclass(frozen=True)
class SortColumn:
    """A sortable column header: its key, and the sort a click on it asks for."""

    key: str
    label: str
    current: str  # the sort in effect

    @property
    def active(self) -> bool:
        return self.current.removeprefix("-") == self.key

    @property
    def descending(self) -> bool:
        return self.active and self.current.startswith("-")

    @property
    def next(self) -> str:
        return f"-{self.key}" if self.active and not self.descending else self.key


@role_required(*LIST_ROLES)
def person_list(request: HttpRequest) -> HttpResponse:
    people = selectors.person_list(user=request.user)
    person_filter = PersonFilter(request.GET or None, queryset=people, request=request)
    paginator = Paginator(person_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    sort = person_filter.sort_key
    columns = [
        SortColumn(key=key, label=label, current=sort)
        for key, label in (
            ("name", _("Name")),
            ("service_number", _("Service number")),
            ("rank", _("Rank")),
            ("unit", _("Unit")),
            ("date_of_birth", _("Date of birth")),
        )
    ]
    return render(
        request,
        "personnel/person_list.html",
        {
            "filter": person_filter,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "columns": columns,
            "can_edit": sees_everything(request.user),
        },
    )


@role_required(*ANY_ROLE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        profile = selectors.person_profile(user=request.user, pk=pk, today=timezone.localdate())
    except Person.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "personnel/person_detail.html",
        {
            "profile": profile,
            "person": profile.person,
            "can_edit": sees_everything(request.user),
            "can_list": has_role(request.user, *LIST_ROLES),
        },
    )


@role_required(*EDITORS)
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a person (no `pk`) or change one."""
    person = get_object_or_404(people_for(request.user), pk=pk) if pk else None
    form = PersonForm(
        request.POST or None,
        instance=copy(person),  # the form writes the user's input into its instance
        units=selectors.unit_options(user=request.user),
    )
    outcome = _submit(request, form, partial(_save_person, form, person))
    if outcome.saved is not None:
        messages.success(request, _("Saved %(person)s.") % {"person": outcome.saved.rank_and_name})
        return redirect(outcome.saved)
    return render(
        request,
        "personnel/person_form.html",
        {"form": form, "person": person, "outcome": outcome},
    )


@role_required(*EDITORS)
def qualification_edit(
    request: HttpRequest, pk: int, kind: str, record_pk: int | None = None
) -> HttpResponse:
    """Add a qualification record of `kind` to person `pk` (no `record_pk`) or change one."""
    person, kind, record = _qualification_in_scope(request, pk, kind, record_pk)
    form = qualification_form_class(kind.model)(request.POST or None, instance=record)
    outcome = _submit(request, form, partial(_save_qualification, form, person, kind, record))
    if outcome.saved is not None:
        messages.success(
            request,
            _("Saved the %(kind)s of %(person)s.")
            % {"kind": kind.label_singular, "person": person.full_name},
        )
        return redirect(f"{person.get_absolute_url()}#{kind.slug}")
    return render(
        request,
        "personnel/qualification_form.html",
        {
            "form": form,
            "person": person,
            "kind": kind,
            "record": record,
            "outcome": outcome,
        },
    )


@role_required(*EDITORS)
def qualification_delete(request: HttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    """Ask, then remove a qualification record."""
    person, kind, record = _qualification_in_scope(request, pk, kind, record_pk)
    if request.method == "POST":
        services.qualification_delete(record=record)
        messages.success(
            request,
            _("Removed the %(kind)s of %(person)s.")
            % {"kind": kind.label_singular, "person": person.full_name},
        )
        return redirect(f"{person.get_absolute_url()}#{kind.slug}")
    return render(
        request,
        "personnel/qualification_confirm_delete.html",
        {"person": person, "kind": kind, "record": record},
    )


def _save_person(form: PersonForm, person: Person | None) -> Person:
    if person is None:
        return services.person_create(values=form.values())
    return services.person_update(
        person=person, values=form.values(), expected_updated_at=form.cleaned_data["version"]
    )


def _save_qualification(
    form: RegisterForm,
    person: Person,
    kind: selectors.QualificationKind,
    record: QualificationRecord | None,
) -> QualificationRecord:
    if record is None:
        return services.qualification_create(person=person, model=kind.model, values=form.values())
    return services.qualification_update(
        record=record, values=form.values(), expected_updated_at=form.cleaned_data["version"]
    )


def _qualification_in_scope(request: HttpRequest, pk: int, slug: str, record_pk: int | None):
    person = get_object_or_404(people_for(request.user), pk=pk)
    try:
        kind = selectors.qualification_kind(slug)
    except KeyError:
        raise Http404 from None
    record = get_object_or_404(kind.model, person=person, pk=record_pk) if record_pk else None
    return person, kind, record


# ---------------------------------------------------------------------------------------------
# Saving a form through a service


@dataclass(frozen=True)
class Difference:
    """One field a stale form and the saved record disagree on, as the user reads them."""

    label: str
    saved: str
    yours: str


@dataclass(frozen=True)
class Outcome:
    saved: models.Model | None = None
    differences: list[Difference] | None = None  # set when the edit was stale
    stale_message: str = ""


def _submit(request: HttpRequest, form: RegisterForm, write: Callable[[], Any]) -> Outcome:
    """On a valid POST, call `write` (a service); its ValidationError becomes the form's
    errors, and a stale edit also yields what changed, with the form moved to the current
    version so that saving again is a deliberate overwrite."""
    if request.method != "POST" or not form.is_valid():
        return Outcome()
    try:
        return Outcome(saved=write())
    except services.StaleRecordError as exc:
        differences = _differences(form, exc.current)
        form.replace_version(exc.current)
        return Outcome(differences=differences, stale_message=exc.messages[0])
    except ValidationError as exc:
        form_add_service_error(form, exc)
        return Outcome()


def _differences(form: RegisterForm, current: models.Model) -> list[Difference]:
    differences = []
    for name in form._meta.fields:
        field = form.fields[name]
        saved, yours = getattr(current, name), form.cleaned_data[name]
        if isinstance(field, forms.ModelChoiceField):
            same = (saved.pk if saved else None) == (yours.pk if yours else None)
        else:
            same = _raw(saved) == _raw(yours)
        if not same:
            differences.append(
                Difference(
                    label=str(field.label),
                    saved=_shown(field, saved),
                    yours=_shown(field, yours),
                )
            )
    return differences


def _raw(value: Any) -> Any:
    """A comparable form of a value: countries by code, empty text and None alike."""
    if value is None or value == "":
        return None
    code = getattr(value, "code", None)  # a django-countries Country
    return code if code is not None else value


def _shown(field: forms.Field, value: Any) -> str:
    value = _raw(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(_flat(field.choices)).get(value, value))
    return str(value)


def _flat(choices) -> list[tuple[Any, Any]]:
    flat = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat
