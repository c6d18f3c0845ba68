"""Admin for requirement profiles, missions, contingents, deployments and unit readiness
records. Fields a service owns are read-only (common/service_owned.py)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

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
    UnitSubtreeListFilter,
)
from personnel.models import Category
from readiness.models import (
    AssessmentArea,
    AssessmentAreaResult,
    Contingent,
    Deployment,
    GenderTarget,
    Mission,
    PCRSLevelChange,
    PCRSPledge,
    ReadinessSnapshot,
    RequirementProfile,
    UnitReadinessAssessment,
    VisitFinding,
)
from readiness.models.missions import deployed_on_q
from readiness.services import lifecycle


class RequirementProfileForm(forms.ModelForm):
    # Admitted personnel categories as check boxes instead of raw JSON. The admin supplies
    # the model and the fields (its fieldsets), so the form declares no Meta.
    categories = forms.MultipleChoiceField(
        label=_("allowed categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Personnel categories this role admits; none ticked admits all."),
    )


@admin.register(RequirementProfile)
class RequirementProfileAdmin(SimpleHistoryAdmin):
    form = RequirementProfileForm
    list_display = (
        "name",
        "code",
        "gender_category",
        "allowed_categories",
        "language_minimums",
        "required_certification_codes",
        "officers_only",
        "default_tour_months",
        "is_active",
    )
    list_filter = ("is_active", "gender_category", "officers_only", "requires_weapons")
    search_fields = ("code", "name", "description")
    prepopulated_fields = {"code": ("name",)}
    filter_horizontal = ("allowed_ranks", "required_certifications")
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "name",
                    "code",
                    "description",
                    "gender_category",
                    "default_tour_months",
                    "is_active",
                )
            },
        ),
        (
            _("Eligibility"),
            {
                "fields": (
                    "categories",
                    "allowed_ranks",
                    "officers_only",
                    ("min_age", "max_age"),
                    "min_service_years",
                    "required_certifications",
                )
            },
        ),
        (
            _("Language (STANAG 6001 minimums)"),
            {
                "fields": (
                    "language",
                    ("min_listening", "min_speaking", "min_reading", "min_writing"),
                )
            },
        ),
        (
            _("Documents and qualifications"),
            {
                "fields": (
                    "requires_medical",
                    ("requires_passport", "passport_months_after_tour"),
                    ("requires_driving_licence", "min_driving_licence_years"),
                    "requires_manual_transmission",
                    "requires_weapons",
                )
            },
        ),
        (_("Sources and centre policy"), {"fields": ("source", "policy_notes")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RequirementProfile]:
        return super().get_queryset(request).prefetch_related("required_certifications")

    @admin.display(description=_("allowed categories"))
    def allowed_categories(self, obj: RequirementProfile) -> str:
        if not obj.categories:
            return _("all")
        labels = dict(Category.choices)
        return ", ".join(str(labels.get(value, value)) for value in obj.categories)

    @admin.display(description=_("language minimums (L-S-R-W)"))
    def language_minimums(self, obj: RequirementProfile) -> str:
        return f"{obj.language.upper()} {obj.language_profile}"

    @admin.display(description=_("required certifications"))
    def required_certification_codes(self, obj: RequirementProfile) -> str:
        return ", ".join(sorted(c.code for c in obj.required_certifications.all()))


class ContingentInline(admin.TabularInline):
    model = Contingent
    extra = 0
    fields = (
        "name",
        "unit",
        "rotation",
        "partner_country",
        "partner_unit",
        "starts_on",
        "ends_on",
        "planned_strength",
    )
    autocomplete_fields = ("unit",)
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contingent]:
        # Each row's title is str(contingent), which names its mission.
        return super().get_queryset(request).select_related("mission", "unit")


class MissionStateListFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("closed", _("closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(ended_on__isnull=True)
        if self.value() == "closed":
            return queryset.filter(ended_on__isnull=False)
        return queryset


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = (
        "acronym",
        "name",
        "host",
        "started_on",
        "ended_on",
        "mandate_until",
        "contingent_count",
        "deployed_count",
    )
    list_filter = (MissionStateListFilter,)
    ordering = ("acronym",)  # Meta.ordering is dropped from GROUP BY (annotated) queries
    search_fields = ("acronym", "name", "host")
    date_hierarchy = "started_on"
    inlines = (ContingentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mission]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                contingent_count=Count("contingents", distinct=True),
                deployed_count=Count(
                    "deployments",
                    filter=deployed_on_q(timezone.localdate(), prefix="deployments__"),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("contingents"), ordering="contingent_count")
    def contingent_count(self, obj: Mission) -> int:
        return obj.contingent_count

    @admin.display(description=_("deployed now"), ordering="deployed_count")
    def deployed_count(self, obj: Mission) -> int:
        return obj.deployed_count


@admin.register(Contingent)
class ContingentAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "mission",
        "unit",
        "rotation",
        "partner_country",
        "starts_on",
        "ends_on",
        "planned_strength",
        "deployed_count",
    )
    list_select_related = ("mission", "unit")
    list_filter = ("mission", ("partner_country", CountryFilter), UnitSubtreeListFilter)
    ordering = ("-starts_on", "name")  # Meta.ordering is dropped from annotated queries
    search_fields = ("name", "mission__acronym", "unit__code", "unit__name", "partner_unit")
    autocomplete_fields = ("mission", "unit")
    date_hierarchy = "starts_on"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contingent]:
        # str(contingent) names its mission: joined here for the autocomplete list too. The
        # changelist skips list_select_related once a join is set, so both columns join here.
        return (
            super()
            .get_queryset(request)
            .select_related("mission", "unit")
            .annotate(
                deployed_count=Count(
                    "deployments",
                    filter=deployed_on_q(timezone.localdate(), prefix="deployments__"),
                )
            )
        )

    @admin.display(description=_("deployed now"), ordering="deployed_count")
    def deployed_count(self, obj: Contingent) -> int:
        return obj.deployed_count


@admin.register(Deployment)
class DeploymentAdmin(
    ServiceOwnedFieldsMixin, ServicePageAddMixin, PersonNameSearch, SimpleHistoryAdmin
):
    """Tours are planned on the planning page (deployment_plan checks overlaps, the mission's
    dates and readiness); "add" leads there. Their moves (confirm, depart, return, repatriate,
    extend, cancel) are the services' (readiness/services/lifecycle.py), on the tour's page;
    here every field is read-only, and two actions call the services."""

    list_display = (
        "person",
        "mission",
        "contingent",
        "role",
        "starts_on",
        "ends_on",
        "departed_on",
        "returned_on",
        "status",
        "overridden",
    )
    list_select_related = ("person", "mission", "contingent__mission", "role")
    list_filter = ("status", "mission", "role", PersonUnitSubtreeListFilter)
    search_fields = (
        "person__service_number",
        "person__last_name",
        "person__first_name",
        "mission__acronym",
        "contingent__name",
    )
    autocomplete_fields = ("person", "mission", "contingent", "role", "override_by")
    readonly_fields = ("created_at", "tour_length")
    date_hierarchy = "starts_on"
    add_page_url_name = "readiness:deployment_plan"
    actions = ("confirm", "cancel")
    fieldsets = (
        (None, {"fields": ("person", "mission", "contingent", "role", "status", "status_reason")}),
        (
            _("Dates"),
            {
                "fields": (
                    "starts_on",
                    "ends_on",
                    "extended_from",
                    "tour_length",
                    "departed_on",
                    "returned_on",
                )
            },
        ),
        (
            _("Overrides"),
            {
                "fields": (
                    "override_reason",
                    "override_by",
                    "mandate_override_reason",
                    "mandate_override_by",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at",), "classes": ("collapse",)}),
    )

    @admin.action(description=_("Confirm the selected planned tours"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Deployment]) -> None:
        for tour in queryset.select_related("person", "mission"):
            done, _moved = service_call(
                self,
                request,
                lambda tour=tour: lifecycle.deployment_confirm(
                    deployment=tour, seen=tour.lifecycle_token, by=request.user
                ),
            )
            if done:
                self.message_user(
                    request,
                    gettext("Confirmed the tour of %(person)s in %(mission)s.")
                    % {"person": tour.person, "mission": tour.mission},
                    level=messages.SUCCESS,
                )

    @admin.action(description=_("Cancel the selected tours (with a reason)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Deployment]):
        def apply(tour: Deployment, reason: str) -> str:
            lifecycle.deployment_cancel(
                deployment=tour, reason=reason, seen=tour.lifecycle_token, by=request.user
            )
            return gettext("Cancelled the tour of %(person)s in %(mission)s.") % {
                "person": tour.person,
                "mission": tour.mission,
            }

        return reason_action(
            self,
            request,
            queryset.select_related("person", "mission"),
            title=gettext("Cancel tours"),
            button=gettext("Cancel the tours"),
            apply=apply,
        )

    @admin.display(description=_("tour length (months)"))
    def tour_length(self, obj: Deployment) -> int | str:
        return obj.tour_months if obj.pk else "-"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contingent":
            # The chosen contingent is shown as str(contingent), which names its mission.
            kwargs["queryset"] = Contingent.objects.select_related("mission")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("readiness override"), boolean=True)
    def overridden(self, obj: Deployment) -> bool:
        return bool(obj.override_reason)


class AssessmentAreaResultInline(admin.TabularInline):
    model = AssessmentAreaResult
    extra = 0
    fields = ("area", "result", "remarks")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssessmentAreaResult]:
        return super().get_queryset(request).select_related("area")


@admin.register(UnitReadinessAssessment)
class UnitReadinessAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "assessed_on",
        "kind",
        "pcrs_level",
        "outcome",
        "assessed_by",
        "area_count",
        "areas_below_standard",
    )
    list_select_related = ("unit",)
    list_filter = ("kind", "outcome", "pcrs_level", UnitSubtreeListFilter)
    ordering = ("-assessed_on",)  # Meta.ordering is dropped from annotated queries
    search_fields = ("unit__code", "unit__name", "assessed_by", "remarks")
    autocomplete_fields = ("unit",)
    date_hierarchy = "assessed_on"
    inlines = (AssessmentAreaResultInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitReadinessAssessment]:
        # str(assessment) names its unit: joined here for the autocomplete list too.
        satisfactory = AssessmentAreaResult.Result.SATISFACTORY
        return (
            super()
            .get_queryset(request)
            .select_related("unit")
            .annotate(
                area_count=Count("areas"),
                areas_below_standard=Count("areas", filter=~Q(areas__result=satisfactory)),
            )
        )

    @admin.display(description=_("areas assessed"), ordering="area_count")
    def area_count(self, obj: UnitReadinessAssessment) -> int:
        return obj.area_count

    @admin.display(description=_("areas below standard"), ordering="areas_below_standard")
    def areas_below_standard(self, obj: UnitReadinessAssessment) -> int:
        return obj.areas_below_standard


@admin.register(AssessmentAreaResult)
class AssessmentAreaResultAdmin(admin.ModelAdmin):
    list_display = ("assessment", "area", "result")
    list_select_related = ("assessment__unit", "area")
    list_filter = ("area", "result", "assessment__kind")
    search_fields = ("assessment__unit__code", "assessment__unit__name", "remarks")
    autocomplete_fields = ("assessment",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assessment":
            # The chosen assessment is shown as str(assessment), which names its unit.
            kwargs["queryset"] = UnitReadinessAssessment.objects.select_related("unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GenderTarget)
class GenderTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "category", "percent", "source")
    list_filter = ("year", "category")
    search_fields = ("source",)
    ordering = ("-year", "category")


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """The nightly snapshots behind the unit readiness trend: read here, written by beat."""

    list_display = ("taken_on", "unit", "profile", "headcount", "ready", "lapsing")
    list_filter = ("profile", "taken_on")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit", "profile")
    date_hierarchy = "taken_on"


@admin.register(AssessmentArea)
class AssessmentAreaAdmin(admin.ModelAdmin):
    """The checklist areas offered when a visit is recorded: data, edited here. An area in use
    cannot be deleted (its results keep it); untick "active" to stop offering it."""

    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        # Results refer to the code: it never changes once the area exists.
        return ("code",) if obj else ()


class PCRSLevelChangeInline(ServiceOwnedFieldsMixin, admin.TabularInline):
    model = PCRSLevelChange
    extra = 0
    fields = ("changed_on", "level", "backing_visit", "reason", "recorded_by", "recorded_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PCRSLevelChange]:
        return super().get_queryset(request).select_related("backing_visit__unit", "recorded_by")


@admin.register(PCRSPledge)
class PCRSPledgeAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Pledges are registered, renewed and moved between levels on the unit's PCRS page (the
    services check the backing AAV and the renewal); here only their wording is edited."""

    list_display = ("unit", "capability", "level", "level_since", "renewal_due_on")
    list_select_related = ("unit",)
    list_filter = ("level", UnitSubtreeListFilter)
    search_fields = ("unit__code", "unit__name", "capability")
    inlines = (PCRSLevelChangeInline,)


@admin.register(PCRSLevelChange)
class PCRSLevelChangeAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    list_display = ("pledge", "changed_on", "level", "backing_visit", "recorded_by")
    list_select_related = ("pledge__unit", "backing_visit__unit", "recorded_by")
    list_filter = ("level",)
    search_fields = ("pledge__unit__code", "reason")


@admin.register(VisitFinding)
class VisitFindingAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Findings are added and closed on the unit's PCRS page; their wording, owner and due
    day may be corrected here."""

    list_display = ("visit", "area", "owner", "due_on", "closed_on")
    list_select_related = ("visit__unit", "area", "owner")
    list_filter = ("area", ("closed_on", admin.EmptyFieldListFilter))
    search_fields = ("visit__unit__code", "finding", "corrective_action")
    autocomplete_fields = ("owner",)


declare_service_owned(
    {
        "readiness.assessmentarea": ADMIN_EDITS,
        # pledge_register, pledge_renew and pledge_change_level (readiness/services/pcrs.py).
        "readiness.pcrspledge": Owned(
            fields=(
                "unit",
                "registered_on",
                "level",
                "level_since",
                "backing_visit",
                "deploy_within_days",
                "renewed_on",
                "renewal_due_on",
            ),
            add=False,
            delete=False,
        ),
        "readiness.pcrslevelchange": WRITTEN_ELSEWHERE,
        # finding_add and finding_close: the visit it belongs to and its closing.
        "readiness.visitfinding": Owned(
            fields=("visit", "closed_on", "closed_by", "closure_note"), add=False
        ),
        "readiness.requirementprofile": ADMIN_EDITS,
        "readiness.mission": ADMIN_EDITS,
        "readiness.contingent": ADMIN_EDITS,
        "readiness.unitreadinessassessment": ADMIN_EDITS,
        "readiness.assessmentarearesult": ADMIN_EDITS,
        "readiness.gendertarget": ADMIN_EDITS,
        # Taken each night by beat (readiness_snapshots_take).
        "readiness.readinesssnapshot": WRITTEN_ELSEWHERE,
        # deployment_plan owns who, where, in which role, when and the overrides (it checks the
        # overlap with other tours, the mission's dates and mandate, nationality and readiness
        # over the whole tour); the lifecycle services own the status, the actual departure and
        # return, the reason and an extension's new end. Planning is its page (the admin's "add"
        # leads there); the moves are on the tour's page and this admin's actions.
        "readiness.deployment": Owned(fields=ALL, delete=False),
    }
)
