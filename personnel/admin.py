"""Admin for the register: units, people, qualifications, requirement profiles, readiness and
missions. Thin by design: every changelist names its joins (list_select_related) or annotates
its counts, so the number of queries does not grow with the rows shown."""

import datetime as dt

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from common.service_owned import ADMIN_EDITS, declare_service_owned

from .models import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Person,
    Rank,
    Unit,
    Validity,
    WeaponsQualification,
    validity_on,
)
from .models.people import person_search_q


class PersonNameSearch:
    """Admin search (the changelist and the autocomplete pickers) finds a person by any
    spelling of their name, as the register's search does; `person_path` reaches the person
    from the admin's model."""

    person_path = "person__"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(person_search_q(search_term, prefix=self.person_path))
        return found, may_have_duplicates


def validity_label(valid_until: dt.date | None, *, revoked: bool = False) -> str:
    """Today's validity of a dated record, as the admin shows it."""
    if revoked:
        return Validity.REVOKED.label
    return Validity(validity_on(valid_until, on=timezone.localdate())).label


class ValidityListFilter(admin.SimpleListFilter):
    """Valid / lapses soon / lapsed (and revoked, for models with `revoked_at`), by the same
    rule as `validity_on`, in SQL through the models' DatedQuerySet."""

    title = _("validity")
    parameter_name = "validity"

    @staticmethod
    def _revocable(model) -> bool:
        return any(field.name == "revoked_at" for field in model._meta.get_fields())

    def lookups(self, request, model_admin):
        if self._revocable(model_admin.model):
            return Validity.choices
        return [(value, label) for value, label in Validity.choices if value != Validity.REVOKED]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        revocable = self._revocable(queryset.model)
        if value == Validity.REVOKED and revocable:
            return queryset.filter(revoked_at__isnull=False)
        if revocable:
            queryset = queryset.filter(revoked_at__isnull=True)
        today = timezone.localdate()
        window_end = today + dt.timedelta(days=settings.LAPSING_WINDOW_DAYS)
        if value == Validity.VALID:
            return queryset.valid_on(window_end)
        if value == Validity.LAPSING:
            return queryset.lapsing_between(today, window_end)
        if value == Validity.LAPSED:
            return queryset.lapsed_on(today)
        return queryset


class UnitSubtreeListFilter(admin.SimpleListFilter):
    """Rows of a unit and every unit under it. Offers only the top levels of the tree, so the
    filter stays one short query however many platoons the register holds."""

    title = _("unit (with sub-units)")
    parameter_name = "unit_subtree"
    unit_path_lookup = "unit__path"
    max_depth = 2

    def lookups(self, request, model_admin):
        units = Unit.objects.filter(depth__lte=self.max_depth).order_by("path")
        return [(unit.pk, f"{'— ' * (unit.depth - 1)}{unit}") for unit in units]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            path = Unit.objects.values_list("path", flat=True).get(pk=int(self.value()))
        except (ValueError, Unit.DoesNotExist):
            return queryset.none()
        return queryset.filter(**{f"{self.unit_path_lookup}__startswith": path})


class PersonUnitSubtreeListFilter(UnitSubtreeListFilter):
    unit_path_lookup = "person__unit__path"


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ("code", "name", "kind", "commander", "location")
    list_select_related = ("commander",)
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("commander",)
    ordering = ("path",)


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "seniority", "is_officer", "military_equivalent")
    list_filter = ("category", "is_officer")
    search_fields = ("code", "name")
    list_select_related = ("military_equivalent",)


class QualificationInline(admin.TabularInline):
    """One kind of qualification record on the person's page, with today's validity."""

    extra = 0
    readonly_fields = ("validity",)

    @admin.display(description=_("validity"))
    def validity(self, obj) -> str:
        if obj.pk is None:
            return "-"
        return validity_label(obj.valid_until)


class LanguageProficiencyInline(QualificationInline):
    model = LanguageProficiency
    fields = (
        "language",
        "listening",
        "speaking",
        "reading",
        "writing",
        "issued_on",
        "valid_until",
        "validity",
        "document_number",
        "remarks",
    )


class MedicalClearanceInline(QualificationInline):
    model = MedicalClearance
    fields = ("fitness", "issued_on", "valid_until", "validity", "document_number", "remarks")


class PassportInline(QualificationInline):
    model = Passport
    fields = ("kind", "document_number", "issued_on", "valid_until", "validity", "remarks")


class DrivingLicenceInline(QualificationInline):
    model = DrivingLicence
    fields = (
        "categories",
        "manual_transmission",
        "driving_test_passed_on",
        "document_number",
        "issued_on",
        "valid_until",
        "validity",
    )


class WeaponsQualificationInline(QualificationInline):
    model = WeaponsQualification
    fields = ("weapon", "issued_on", "valid_until", "validity", "document_number", "remarks")


@admin.register(Person)
class PersonAdmin(PersonNameSearch, admin.ModelAdmin):
    person_path = ""
    list_display = (
        "service_number",
        "last_name",
        "first_name",
        "rank",
        "category",
        "gender",
        "nationality",
        "unit",
        "is_active",
    )
    list_display_links = ("service_number", "last_name")
    list_select_related = ("rank", "unit")
    list_filter = (
        "category",
        "gender",
        "is_active",
        ("nationality", CountryFilter),
        UnitSubtreeListFilter,
        "rank",
    )
    search_fields = ("service_number", "last_name", "first_name", "middle_name", "email")
    autocomplete_fields = ("unit", "rank", "user")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "service_number",
                    "rank",
                    ("last_name", "first_name", "middle_name"),
                    ("gender", "date_of_birth"),
                    ("category", "nationality"),
                )
            },
        ),
        (_("Service"), {"fields": ("unit", "service_start_date", "is_active", "user")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (
        LanguageProficiencyInline,
        MedicalClearanceInline,
        PassportInline,
        DrivingLicenceInline,
        WeaponsQualificationInline,
    )


class QualificationRecordAdmin(PersonNameSearch, admin.ModelAdmin):
    """The shared shape of the five qualification record admins."""

    list_display = ("person", "issued_on", "valid_until", "validity")
    list_select_related = ("person",)
    list_filter = (ValidityListFilter, PersonUnitSubtreeListFilter)
    search_fields = (
        "person__service_number",
        "person__last_name",
        "person__first_name",
        "document_number",
    )
    autocomplete_fields = ("person",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "valid_until"

    @admin.display(description=_("validity"))
    def validity(self, obj) -> str:
        return validity_label(obj.valid_until)


@admin.register(LanguageProficiency)
class LanguageProficiencyAdmin(QualificationRecordAdmin):
    list_display = ("person", "language", "profile", "issued_on", "valid_until", "validity")
    list_filter = (ValidityListFilter, "language", PersonUnitSubtreeListFilter)

    @admin.display(description=_("profile (L-S-R-W)"))
    def profile(self, obj: LanguageProficiency) -> str:
        return obj.profile


@admin.register(MedicalClearance)
class MedicalClearanceAdmin(QualificationRecordAdmin):
    list_display = ("person", "fitness", "issued_on", "valid_until", "validity")
    list_filter = (ValidityListFilter, "fitness", PersonUnitSubtreeListFilter)


@admin.register(Passport)
class PassportAdmin(QualificationRecordAdmin):
    list_display = ("person", "kind", "document_number", "issued_on", "valid_until", "validity")
    list_filter = (ValidityListFilter, "kind", PersonUnitSubtreeListFilter)


@admin.register(DrivingLicence)
class DrivingLicenceAdmin(QualificationRecordAdmin):
    list_display = (
        "person",
        "categories",
        "manual_transmission",
        "driving_test_passed_on",
        "issued_on",
        "valid_until",
        "validity",
    )
    list_filter = (ValidityListFilter, "manual_transmission", PersonUnitSubtreeListFilter)


@admin.register(WeaponsQualification)
class WeaponsQualificationAdmin(QualificationRecordAdmin):
    list_display = ("person", "weapon", "issued_on", "valid_until", "validity")
    list_filter = (ValidityListFilter, "weapon", PersonUnitSubtreeListFilter)


declare_service_owned(
    {
        # The register: reference data and records whose rules are the model's own (unique
        # numbers, dates in order), edited here as on the register's pages.
        "personnel.unit": ADMIN_EDITS,
        "personnel.rank": ADMIN_EDITS,
        "personnel.person": ADMIN_EDITS,
        "personnel.languageproficiency": ADMIN_EDITS,
        "personnel.medicalclearance": ADMIN_EDITS,
        "personnel.passport": ADMIN_EDITS,
        "personnel.drivinglicence": ADMIN_EDITS,
        "personnel.weaponsqualification": ADMIN_EDITS,
    }
)
