"""Admin for the catalogue, cohorts, enrolment, attendance, results and certifications.

Thin by design: every changelist names its joins (list_select_related) or annotates its counts,
so the number of queries does not grow with the rows shown. The fields a service owns are
read-only here (common/service_owned.py), and the actions call the services: revoke and
reissue certifications, withdraw enrolments, fill free seats from the waitlist, cancel cohorts.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import Role, has_role
from common.service_owned import (
    ADMIN_EDITS,
    ALL,
    WRITTEN_ELSEWHERE,
    Owned,
    ServiceOwnedFieldsMixin,
    ServicePageAddMixin,
    declare_service_owned,
    reason_action,
    service_call,
)
from personnel.admin import (
    PersonNameSearch,
    PersonUnitSubtreeListFilter,
    ValidityListFilter,
    validity_label,
)
from personnel.models import Category

from .models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Certification,
    CertificationSequence,
    CertificationType,
    Cohort,
    CohortStatusChange,
    Course,
    Enrolment,
)
from .services.certifications import REVOKE_PERMISSION, certification_reissue, certification_revoke
from .services.cohorts import cohort_transition
from .services.enrolment import enrolment_withdraw, waitlist_promote

# Who withdraws trainees, fills seats and cancels cohorts on the pages, so here too.
MANAGERS = (Role.REGISTRAR, Role.ADMINISTRATOR)

PERSON_SEARCH_FIELDS = (
    "person__service_number",
    "person__last_name",
    "person__first_name",
)


@admin.register(CertificationType)
class CertificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name", "description")


class CourseForm(forms.ModelForm):
    # Admitted personnel categories as check boxes instead of raw JSON. The admin supplies
    # the model and the fields (its fieldsets), so the form declares no Meta.
    admitted_categories = forms.MultipleChoiceField(
        label=_("admitted categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Personnel categories the course admits; none ticked admits all."),
    )


class AssessmentComponentInline(ServiceOwnedFieldsMixin, admin.TabularInline):
    model = AssessmentComponent
    extra = 0
    fields = ("order", "name", "weight", "min_score", "max_score", "pass_score", "must_pass")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssessmentComponent]:
        # Each row's title is str(component), which names its course.
        return super().get_queryset(request).select_related("course")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseForm
    list_display = (
        "code",
        "title",
        "kind",
        "duration_days",
        "default_capacity",
        "certification_type",
        "validity_months",
        "un_recognised",
        "recognition_valid_until",
        "component_count",
        "is_active",
    )
    list_select_related = ("certification_type",)
    list_filter = ("kind", "is_active", "un_recognised", "certification_type")
    ordering = ("code",)  # Meta.ordering is dropped from GROUP BY (annotated) queries
    search_fields = ("code", "title", "description")
    autocomplete_fields = ("certification_type", "prerequisites")
    fieldsets = (
        (None, {"fields": ("code", "title", "kind", "description", "is_active")}),
        (
            _("Running the course"),
            {
                "fields": (
                    ("duration_days", "default_capacity"),
                    ("pass_mark", "min_attendance_percent"),
                    "admitted_categories",
                    "prerequisites",
                )
            },
        ),
        (_("Certification"), {"fields": ("certification_type", "validity_months")}),
        (
            _("UN recognition"),
            {"fields": ("un_recognised", ("recognised_on", "recognition_valid_until"))},
        ),
    )
    inlines = (AssessmentComponentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).annotate(component_count=Count("components"))

    @admin.display(description=_("assessment components"), ordering="component_count")
    def component_count(self, obj: Course) -> int:
        return obj.component_count


@admin.register(AssessmentComponent)
class AssessmentComponentAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    list_display = (
        "course",
        "order",
        "name",
        "weight",
        "min_score",
        "max_score",
        "pass_score",
        "must_pass",
    )
    list_display_links = ("name",)
    list_select_related = ("course",)
    list_filter = ("course", "must_pass")
    search_fields = ("name", "course__code", "course__title")
    autocomplete_fields = ("course",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssessmentComponent]:
        # str(component) names its course: joined here for the autocomplete list too.
        return super().get_queryset(request).select_related("course")


class EnrolmentInline(ServiceOwnedFieldsMixin, admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ("person", "status", "waitlist_position")
    autocomplete_fields = ("person",)
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        # Each row's title is str(enrolment), which names the person and the cohort.
        return super().get_queryset(request).select_related("person", "cohort")


class CohortStatusChangeInline(ServiceOwnedFieldsMixin, admin.TabularInline):
    """A cohort's moves between statuses, read-only: they are the record of who did what."""

    model = CohortStatusChange
    extra = 0
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")


@admin.register(CohortStatusChange)
class CohortStatusChangeAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    list_display = ("cohort", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    search_fields = ("cohort__code", "reason")
    list_select_related = ("cohort", "changed_by")
    readonly_fields = ("changed_at",)  # and every other field: the mixin


@admin.register(CertificationSequence)
class CertificationSequenceAdmin(admin.ModelAdmin):
    """The last number given per course code and year. Editable so a centre can start a
    year's numbering above its paper register's; numbering never reuses a taken number."""

    list_display = ("prefix", "year", "last")
    search_fields = ("prefix",)
    list_filter = ("year",)


@admin.register(Cohort)
class CohortAdmin(ServiceOwnedFieldsMixin, ServicePageAddMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "course",
        "starts_on",
        "ends_on",
        "location",
        "capacity",
        "seats_taken",
        "waitlisted",
        "status",
    )
    list_select_related = ("course",)
    list_filter = ("status", "course")
    ordering = ("-starts_on", "code")  # Meta.ordering is dropped from annotated queries
    search_fields = ("code", "course__code", "course__title", "location")
    autocomplete_fields = ("course", "instructors")
    readonly_fields = ("finalised_at", "finalised_by", "created_at", "updated_at")
    date_hierarchy = "starts_on"
    add_page_url_name = "courses:cohort_create"
    actions = ("fill_from_waitlist", "cancel")
    fieldsets = (
        (None, {"fields": ("course", "code", "status")}),
        (_("Schedule"), {"fields": (("starts_on", "ends_on"), "location", "capacity")}),
        (_("Instructors"), {"fields": ("instructors",)}),
        (
            _("Record"),
            {
                "fields": ("finalised_at", "finalised_by", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (EnrolmentInline, CohortStatusChangeInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                seats_taken=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
                waitlisted=Count(
                    "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)
                ),
            )
        )

    @admin.display(description=_("seats taken"), ordering="seats_taken")
    def seats_taken(self, obj: Cohort) -> int:
        return obj.seats_taken

    @admin.display(description=_("waitlisted"), ordering="waitlisted")
    def waitlisted(self, obj: Cohort) -> int:
        return obj.waitlisted

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *MANAGERS)

    @admin.action(description=_("Fill free seats from the waitlist"), permissions=["manage"])
    def fill_from_waitlist(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        for cohort in queryset:
            done, promoted = service_call(
                self, request, lambda c=cohort: waitlist_promote(cohort=c, by=request.user)
            )
            if not done:
                continue
            if promoted:
                message = ngettext(
                    "Cohort %(code)s: %(people)s moved from the waitlist into a seat.",
                    "Cohort %(code)s: %(count)s people moved from the waitlist into seats: "
                    "%(people)s.",
                    len(promoted),
                ) % {
                    "code": cohort.code,
                    "count": len(promoted),
                    "people": ", ".join(e.person.full_name for e in promoted),
                }
                self.message_user(request, message, level=messages.SUCCESS)
            else:
                message = gettext(
                    "Cohort %(code)s: nobody moved (no free seat, nobody waiting, or the cohort "
                    "is finalised or cancelled)."
                ) % {"code": cohort.code}
                self.message_user(request, message, level=messages.WARNING)

    @admin.action(description=_("Cancel the cohort…"), permissions=["manage"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Cohort]):
        def apply(cohort: Cohort, reason: str) -> str:
            cohort_transition(
                cohort=cohort,
                to=Cohort.Status.CANCELLED,
                seen_status=cohort.status,
                by=request.user,
                reason=reason,
            )
            return gettext(
                "Cohort %(code)s cancelled: everyone nominated, enrolled or waitlisted was "
                "withdrawn with the reason."
            ) % {"code": cohort.code}

        return reason_action(
            self,
            request,
            queryset.select_related("course"),
            title=gettext("Cancel cohorts"),
            button=gettext("Cancel the cohorts"),
            apply=apply,
        )


@admin.register(Enrolment)
class EnrolmentAdmin(ServiceOwnedFieldsMixin, PersonNameSearch, SimpleHistoryAdmin):
    list_display = ("person", "cohort", "status", "waitlist_position", "created_at")
    list_select_related = ("person", "cohort")
    list_filter = ("status", "cohort__course", "cohort__status", PersonUnitSubtreeListFilter)
    search_fields = (*PERSON_SEARCH_FIELDS, "cohort__code")
    autocomplete_fields = ("cohort", "person")
    readonly_fields = ("final_score", "created_by", "created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("cohort", "person", "status", "waitlist_position", "status_reason")}),
        (_("Nomination"), {"fields": ("nominating_country", "nominating_party")}),
        (
            _("Record"),
            {"fields": ("final_score", "created_by", "created_at", "updated_at")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        # str(enrolment) names the person and the cohort: joined for the autocomplete list too.
        return super().get_queryset(request).select_related("person", "cohort")

    actions = ("withdraw",)

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *MANAGERS)

    @admin.action(description=_("Withdraw…"), permissions=["manage"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Enrolment]):
        def apply(enrolment: Enrolment, reason: str) -> str:
            promoted = enrolment_withdraw(enrolment=enrolment, reason=reason, by=request.user)
            message = gettext("%(person)s withdrawn from %(cohort)s.") % {
                "person": enrolment.person.full_name,
                "cohort": enrolment.cohort.code,
            }
            if promoted:
                message += " " + ngettext(
                    "%(people)s moved from the waitlist into the seat.",
                    "%(people)s moved from the waitlist into the seats.",
                    len(promoted),
                ) % {"people": ", ".join(e.person.full_name for e in promoted)}
            return message

        return reason_action(
            self,
            request,
            queryset.select_related("person", "cohort"),
            title=gettext("Withdraw enrolments"),
            button=gettext("Withdraw"),
            apply=apply,
            max_length=Enrolment._meta.get_field("status_reason").max_length,
        )


class EnrolmentChoicesMixin:
    """The chosen enrolment (and component) show their str(), which names related rows."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "enrolment":
            kwargs["queryset"] = Enrolment.objects.select_related("person", "cohort")
        elif db_field.name == "component":
            kwargs["queryset"] = AssessmentComponent.objects.select_related("course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Attendance)
class AttendanceAdmin(
    ServiceOwnedFieldsMixin, PersonNameSearch, EnrolmentChoicesMixin, admin.ModelAdmin
):
    person_path = "enrolment__person__"
    list_display = ("person", "cohort", "day", "status", "recorded_by", "recorded_at")
    list_select_related = ("enrolment__person", "enrolment__cohort", "recorded_by")
    list_filter = ("status", "enrolment__cohort__course")
    search_fields = (
        "enrolment__person__service_number",
        "enrolment__person__last_name",
        "enrolment__person__first_name",
        "enrolment__cohort__code",
    )
    autocomplete_fields = ("enrolment", "recorded_by")
    readonly_fields = ("recorded_at",)
    date_hierarchy = "day"

    @admin.display(description=_("person"), ordering="enrolment__person__last_name")
    def person(self, obj: Attendance):
        return obj.enrolment.person

    @admin.display(description=_("cohort"), ordering="enrolment__cohort__code")
    def cohort(self, obj: Attendance):
        return obj.enrolment.cohort


@admin.register(AssessmentResult)
class AssessmentResultAdmin(
    ServiceOwnedFieldsMixin, PersonNameSearch, EnrolmentChoicesMixin, SimpleHistoryAdmin
):
    person_path = "enrolment__person__"
    list_display = ("person", "cohort", "component", "score", "recorded_by", "recorded_at")
    list_select_related = (
        "enrolment__person",
        "enrolment__cohort",
        "component__course",
        "recorded_by",
    )
    list_filter = ("component__course", "enrolment__cohort__status")
    search_fields = (
        "enrolment__person__service_number",
        "enrolment__person__last_name",
        "enrolment__person__first_name",
        "enrolment__cohort__code",
        "component__name",
    )
    autocomplete_fields = ("enrolment", "component", "recorded_by")
    readonly_fields = ("recorded_at",)
    date_hierarchy = "recorded_at"

    @admin.display(description=_("person"), ordering="enrolment__person__last_name")
    def person(self, obj: AssessmentResult):
        return obj.enrolment.person

    @admin.display(description=_("cohort"), ordering="enrolment__cohort__code")
    def cohort(self, obj: AssessmentResult):
        return obj.enrolment.cohort


@admin.register(Certification)
class CertificationAdmin(ServiceOwnedFieldsMixin, PersonNameSearch, SimpleHistoryAdmin):
    list_display = (
        "number",
        "person",
        "certification_type",
        "issued_on",
        "valid_until",
        "validity_state",
        "source",
    )
    list_select_related = ("person", "certification_type")
    list_filter = (
        ValidityListFilter,
        "source",
        "certification_type",
        PersonUnitSubtreeListFilter,
    )
    search_fields = ("number", "verification_code", *PERSON_SEARCH_FIELDS)
    autocomplete_fields = (
        "person",
        "certification_type",
        "course",
        "cohort",
        "supersedes",
        "revoked_by",
    )
    readonly_fields = ("verification_code", "created_at")
    date_hierarchy = "issued_on"
    fieldsets = (
        (
            None,
            {"fields": ("number", "verification_code", "person", "certification_type", "source")},
        ),
        (_("Validity"), {"fields": (("issued_on", "valid_until"),)}),
        (_("Origin"), {"fields": ("course", "cohort", "supersedes")}),
        (_("Revocation"), {"fields": ("revoked_at", "revoked_by", "revocation_reason")}),
        (_("Record"), {"fields": ("created_at",), "classes": ("collapse",)}),
    )

    actions = ("revoke", "reissue")

    @admin.display(description=_("validity"), ordering="valid_until")
    def validity_state(self, obj: Certification) -> str:
        return validity_label(obj.valid_until, revoked=obj.is_revoked)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVOKE_PERMISSION)

    @admin.action(description=_("Revoke…"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certification]):
        def apply(certification: Certification, reason: str) -> str:
            certification_revoke(certification=certification, by=request.user, reason=reason)
            return gettext("Certification %(number)s revoked.") % {"number": certification.number}

        return reason_action(
            self,
            request,
            queryset.select_related("person"),
            title=gettext("Revoke certifications"),
            button=gettext("Revoke"),
            apply=apply,
        )

    @admin.action(description=_("Reissue…"), permissions=["revoke"])
    def reissue(self, request: HttpRequest, queryset: QuerySet[Certification]):
        def apply(certification: Certification, reason: str) -> str:
            new = certification_reissue(certification=certification, by=request.user, reason=reason)
            return gettext("Certification %(number)s reissued as %(new)s.") % {
                "number": certification.number,
                "new": new.number,
            }

        return reason_action(
            self,
            request,
            queryset.select_related("person"),
            title=gettext("Reissue certifications"),
            button=gettext("Reissue"),
            apply=apply,
        )


declare_service_owned(
    {
        # The catalogue: a course's own values are edited here as on the catalogue page; its
        # components' weights must add up to 100 and recorded scores must stay in range, which
        # the catalogue service checks for the course and its components together.
        "courses.certificationtype": ADMIN_EDITS,
        "courses.course": ADMIN_EDITS,
        "courses.assessmentcomponent": Owned(
            fields=("course", "weight", "min_score", "max_score", "pass_score", "must_pass"),
            add=False,
            delete=False,
        ),
        # Editable on purpose: a centre may start a year's numbering above its paper register's;
        # numbering skips a number already taken, so a lower value does no harm.
        "courses.certificationsequence": ADMIN_EDITS,
        # Cohorts are scheduled, edited and moved between statuses by their pages (cohort_create,
        # cohort_update, cohort_transition, cohort_finalise): a larger capacity serves the
        # waitlist, dates keep recorded attendance inside them, cancelling withdraws everyone.
        # The admin's "add" leads to the scheduling page. Deleting stays: the database refuses a
        # cohort with enrolments or certificates.
        "courses.cohort": Owned(fields=ALL),
        "courses.cohortstatuschange": WRITTEN_ELSEWHERE,
        # Enrolled, waitlisted, withdrawn, promoted and finalised by the enrolment and
        # finalisation services: a row deleted or a status set by hand would free a seat without
        # serving the waitlist. Withdrawing is an admin action.
        "courses.enrolment": WRITTEN_ELSEWHERE,
        # Recorded by the gradebook, which refuses a finalised cohort's records and keeps who
        # changed what.
        "courses.attendance": WRITTEN_ELSEWHERE,
        "courses.assessmentresult": WRITTEN_ELSEWHERE,
        # Issued by finalisation or the historical import, numbered from the sequence, revoked and
        # reissued by their services (actions here); never deleted: a revoked certificate still
        # answers the public verification page.
        "courses.certification": WRITTEN_ELSEWHERE,
    }
)
