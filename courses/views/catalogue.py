"""The course catalogue: list and course pages for everyone who trains or deploys people;
creating and editing courses for registrars and administrators."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, role_required
from common.forms import form_add_service_error
from courses.forms.catalogue import (
    BaseComponentFormSet,
    CourseFilterForm,
    CourseForm,
    component_formset,
)
from courses.models import Course
from courses.scope import cohorts_for
from courses.selectors import catalogue as selectors
from courses.services.catalogue import (
    ComponentData,
    CourseData,
    course_create,
    course_update,
    course_version_check,
)

READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.INSTRUCTOR, Role.COMMANDER)
EDITORS = (Role.REGISTRAR, Role.ADMINISTRATOR)
COMPONENTS_PREFIX = "components"


@role_required(*READERS)
def course_list(request: HttpRequest) -> HttpResponse:
    filters = CourseFilterForm(request.GET or None)
    kind, active = "", None
    if filters.is_valid():
        kind, active = filters.cleaned_data["kind"], filters.active_flag
    courses = selectors.course_list(today=timezone.localdate(), kind=kind, active=active)
    return render(
        request,
        "courses/course_list.html",
        {
            "courses": courses,
            "filters": filters,
            "can_edit": has_role(request.user, *EDITORS),
        },
    )


@role_required(*READERS)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        course = selectors.course_detail(pk=pk, today=timezone.localdate())
    except Course.DoesNotExist as missing:
        raise Http404 from missing
    upcoming = [cohort.pk for cohort in course.upcoming_cohorts]
    openable = set(
        cohorts_for(request.user).filter(pk__in=upcoming).values_list("pk", flat=True)
        if upcoming
        else ()
    )
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "openable": openable,
            "can_edit": has_role(request.user, *EDITORS),
            "can_schedule": has_role(request.user, *EDITORS) and course.is_active,
        },
    )


@role_required(*EDITORS)
def course_create_view(request: HttpRequest) -> HttpResponse:
    FormSet = component_formset(extra=3)
    data = request.POST if request.method == "POST" else None
    form = CourseForm(data)
    formset = FormSet(data, instance=Course(), prefix=COMPONENTS_PREFIX)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            course = course_create(
                data=_course_data(form), components=_components(formset), by=request.user
            )
        except ValidationError as error:
            _show_errors(error, form, formset)
        else:
            messages.success(request, _("Course %(code)s created.") % {"code": course.code})
            return redirect("courses:course_detail", course.pk)
    return _render_form(request, form, formset, course=None)


@role_required(*EDITORS)
def course_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    FormSet = component_formset(extra=0 if course.components.exists() else 1)
    version = selectors.course_version(course)
    # The form gets its own copy: validating it writes the posted values onto its instance,
    # and the page's heading should keep showing the course as saved.
    # Bound on every POST, an empty one too: the version check below reports on the form.
    data = request.POST if request.method == "POST" else None
    form = CourseForm(data, instance=copy(course), initial={"version": version})
    formset = FormSet(data, instance=course, prefix=COMPONENTS_PREFIX)
    if request.method == "POST":
        valid = form.is_valid() & formset.is_valid()
        try:
            # Checked first: a row someone else removed would otherwise show up only as a
            # puzzling "select a valid choice" on that row.
            course_version_check(course=course, version=form.data.get("version", ""))
            if valid:
                course_update(
                    course=course,
                    data=_course_data(form),
                    components=_components(formset),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
        except ValidationError as error:
            _show_errors(error, form, formset)
        else:
            if valid:
                messages.success(request, _("Course %(code)s saved.") % {"code": course.code})
                return redirect("courses:course_detail", course.pk)
    return _render_form(request, form, formset, course=course)


def _course_data(form: CourseForm) -> CourseData:
    data = form.cleaned_data
    return CourseData(
        **{name: data[name] for name in CourseData.__dataclass_fields__ if name in data},
    )


def _components(formset: BaseComponentFormSet) -> list[ComponentData]:
    return [
        ComponentData(
            name=form.cleaned_data["name"],
            weight=form.cleaned_data["weight"],
            min_score=form.cleaned_data["min_score"],
            max_score=form.cleaned_data["max_score"],
            pass_score=form.cleaned_data["pass_score"],
            must_pass=form.cleaned_data["must_pass"],
            pk=form.instance.pk,
            ref=form.prefix,
        )
        for form in formset.kept_forms()
    ]


def _show_errors(error: ValidationError, form: Form, formset: BaseComponentFormSet) -> None:
    """Put a service's refusal where the user will look: on the field, the component's row,
    the components table, or the top of the form."""
    rows = {row.prefix: row for row in formset.forms}
    rest = {}
    for key, errors in error.update_error_dict({}).items():
        if key in rows:
            rows[key].add_error(None, errors)
        elif key == "components":
            formset.non_form_errors().extend(errors)
        else:
            rest[key] = errors
    if rest:
        form_add_service_error(form, ValidationError(rest))


def _render_form(
    request: HttpRequest, form: CourseForm, formset: BaseComponentFormSet, *, course: Course | None
) -> HttpResponse:
    return render(
        request,
        "courses/course_form.html",
        {"form": form, "formset": formset, "course": course},
    )
