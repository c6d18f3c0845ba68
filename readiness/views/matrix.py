"""The readiness matrix, its exports, one person's readiness, and the gender balance.

Who: registrars and administrators see everyone; a commander sees the people of their unit
and every unit under it (in the rows, the unit filter's choices, the totals and the exports);
instructors and users without a role are refused (403). A person's readiness page has the
person page's scope: anyone the user may open there, else 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role, role_required
from common.spreadsheets import csv_response, xlsx_response
from personnel.models import Person
from personnel.scope import units_for
from personnel.views.register import SortColumn
from readiness.forms.matrix import (
    GenderFilterForm,
    MatrixFilterForm,
    TourWindow,
)
from readiness.selectors import gender as gender_selectors
from readiness.selectors import matrix as selectors

PAGE_SIZE = 50
READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)
ANY_ROLE = tuple(Role)
EXPORT_FORMATS = ("csv", "xlsx")


def _matrix(request: HttpRequest, form: MatrixFilterForm) -> selectors.Matrix | None:
    """The matrix for the form's valid choices (an invalid field is not applied); None when
    there is no active requirement profile."""
    form.is_valid()
    chosen = form.chosen()
    profile = chosen["profile"]
    if profile is None:
        return None
    tour = form.tour_window(profile)
    return selectors.readiness_matrix(
        user=request.user,
        profile=profile,
        unit=chosen["unit"],
        category=chosen["category"] or "",
        gender=chosen["gender"] or "",
        readiness=chosen["readiness"] or "",
        on=tour.starts_on if tour else timezone.localdate(),
        tour_ends_on=tour.ends_on if tour else None,
        sort=chosen["sort"] or selectors.DEFAULT_SORT,
    )


@require_GET
@role_required(*READERS)
def readiness_matrix(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET, units=units_for(request.user))
    matrix = _matrix(request, form)
    sort = form.chosen()["sort"] or selectors.DEFAULT_SORT
    paginator = Paginator(matrix.rows if matrix else [], PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    columns = [
        SortColumn(key=key, label=label, current=sort)
        for key, label in (
            ("name", _("Name")),
            ("rank", _("Rank")),
            ("unit", _("Unit")),
            ("readiness", _("Readiness")),
        )
    ]
    tour = form.tour_window(matrix.profile) if matrix else None
    return render(
        request,
        "readiness/readiness_matrix.html",
        {
            "form": form,
            "matrix": matrix,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "columns": {column.key: column for column in columns},
            "tour": tour,
            "today": timezone.localdate(),
            "rows": [
                {
                    "row": row,
                    # Reversed once a row, not once a cell: 50 rows by 9 cells.
                    "readiness_url": reverse("readiness:person_readiness", args=[row.person.pk]),
                    "cells": [
                        (check, selectors.requirement_anchor(check.requirement))
                        for check in row.checks
                    ],
                }
                for row in selectors.with_people(list(page.object_list))
            ],
            "readiness_query": _readiness_query(matrix, tour),
            "readiness_states": selectors.READINESS_STATES,
            # The report asks for the page's filters: the form's fields, as typed (the report
            # checks them again), never the whole query string.
            "report_params": {name: request.GET.get(name, "") for name in form.fields},
        },
    )


def _readiness_query(matrix: selectors.Matrix | None, tour: TourWindow | None) -> str:
    """The query string of a person's readiness page for the matrix's profile and tour."""
    if matrix is None:
        return ""
    query = {"profile": matrix.profile.pk}
    if tour:
        query |= {"tour_starts_on": tour.starts_on.isoformat(), "tour_months": tour.months}
    return urlencode(query)


@require_GET
@role_required(*READERS)
def readiness_matrix_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """Every row of the matrix (not paginated), with the page's filters and scope."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    form = MatrixFilterForm(request.GET, units=units_for(request.user))
    if not form.is_valid():
        # A file must say what it holds: never quietly drop a filter (a unit outside one's
        # scope, a bad date) and export something else.
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        return HttpResponseBadRequest(
            _("The export was refused: %(problems)s") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    matrix = _matrix(request, form)
    if matrix is None:
        raise Http404
    header, rows = selectors.matrix_export_rows(matrix)
    filename = f"readiness-{matrix.profile.code}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, title=_("Readiness"))


@require_GET
@role_required(*ANY_ROLE)
def person_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    """Every requirement of the chosen profile (?profile=, the first active one by default)
    for one person, with its verdict, reason and the date its record lapses."""
    form = MatrixFilterForm(request.GET, units=units_for(request.user))
    form.is_valid()
    profile = form.chosen()["profile"]
    if profile is None:
        raise Http404
    tour = form.tour_window(profile)
    try:
        readiness = selectors.person_readiness(
            user=request.user,
            pk=pk,
            profile=profile,
            on=tour.starts_on if tour else timezone.localdate(),
            tour_ends_on=tour.ends_on if tour else None,
        )
    except Person.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "readiness/readiness_person.html",
        {
            "page": readiness,
            "person": readiness.person,
            "profiles": form.fields["profile"].objects.values(),
            "tour": tour,
            "rows": [
                {
                    "requirement": requirement,
                    "check": readiness.readiness.check(requirement.key),
                    "anchor": selectors.requirement_anchor(requirement),
                    "section": selectors.person_page_section(requirement),
                }
                for requirement in readiness.requirements
            ],
            "can_see_matrix": has_role(request.user, *READERS),
        },
    )


@require_GET
@role_required(*READERS)
def gender_balance(request: HttpRequest) -> HttpResponse:
    form = GenderFilterForm(request.GET, units=units_for(request.user))
    form.is_valid()
    unit = form.cleaned_data.get("unit")
    balance = gender_selectors.gender_balance(
        user=request.user, today=timezone.localdate(), unit=unit
    )
    return render(
        request,
        "readiness/gender_balance.html",
        {
            "form": form,
            "balance": balance,
            "chart": gender_selectors.bar_chart(balance),
            "unit": unit,
            "status_labels": gender_selectors.STATUS_LABELS,
            "report_unit": unit.pk if unit else None,
        },
    )
