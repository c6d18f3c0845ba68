from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from personnel.spelling import name_key

from .choices import Category, Gender, in_choices


class Rank(models.Model):
    """A military or police rank; `seniority` orders ranks within a category."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=[
            (Category.MILITARY, Category.MILITARY.label),
            (Category.POLICE, Category.POLICE.label),
        ],
    )
    seniority = models.PositiveSmallIntegerField(_("seniority"), help_text=_("Higher is senior."))
    is_officer = models.BooleanField(_("officer rank"), default=False)
    military_equivalent = models.ForeignKey(
        "self",
        verbose_name=_("military equivalent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="police_equivalents",
        limit_choices_to={"category": Category.MILITARY},
        help_text=_(
            "For a police rank, the military rank of the same name (Captain for Captain of "
            "Police): an import row of either category may name the rank either way."
        ),
    )

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        ordering = ["category", "seniority"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(military_equivalent__isnull=True)
                | models.Q(category=Category.POLICE),
                name="rank_only_police_has_a_military_equivalent",
            ),
            models.UniqueConstraint(
                fields=["category", "name"], name="rank_name_unique_per_category"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=[Category.MILITARY, Category.POLICE]),
                name="rank_category_uniformed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def search_key(text: str) -> str:
    """`text` transliterated to lower-case Latin (q/k and y/i made one): the register's sort
    key, so that Абенов sorts beside Abenov whatever the script."""
    return anyascii(text).casefold().replace("q", "k").replace("y", "i")


def person_search_q(query: str, *, prefix: str = "") -> models.Q:
    """The condition "names or service number contain every word of `query`", each word folded
    by spelling.name_key() as the stored Person.name_key is, so that every spelling of a name
    finds the others (Жумабаев, Zhumabayev, Jumabaev). `prefix` reaches a person through a
    relation ("person__"). Every person search uses this one condition."""
    condition = models.Q()
    for word in query.split():
        if key := name_key(word):
            condition &= models.Q(**{f"{prefix}name_key__contains": key})
    return condition


# The fields the stored search keys are built from: a bulk write of any of them rebuilds them.
_KEYED_FIELDS = frozenset({"last_name", "first_name", "middle_name", "service_number"})


class PersonQuerySet(models.QuerySet):
    def search(self, query: str):
        """People whose names or service number contain every word of `query`, in any script,
        spelling and case."""
        return self.filter(person_search_q(query))

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the search keys are filled here for every bulk writer.
        objs = list(objs)
        for person in objs:
            person.fill_search_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), set(fields)
        if fields & _KEYED_FIELDS:
            for person in objs:
                person.fill_search_keys()
            fields |= {"search_text", "name_key"}
        return super().bulk_update(objs, sorted(fields), *args, **kwargs)

    def active(self):
        return self.filter(is_active=True)

    def in_units(self, units):
        """People whose unit is in `units` (a Unit queryset, e.g. a subtree)."""
        return self.filter(unit__in=units)


class Person(models.Model):
    """One entry in the personnel register: national personnel and partner countries' trainees.

    Names are stored as written (Cyrillic or Latin); `service_number` is the personal or
    service number and is unique across the register.
    """

    service_number = models.CharField(_("service number"), max_length=32, unique=True)
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.PROTECT
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    nationality = CountryField(_("nationality"), default="KZ")
    unit = models.ForeignKey(
        "personnel.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Empty for partner countries' participants who belong to no national unit."),
    )
    service_start_date = models.DateField(_("service start date"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    search_text = models.CharField(
        _("search text"),
        max_length=500,
        editable=False,
        default="",
        help_text=_("Names and service number in Latin letters, for sorting (kept by save())."),
    )
    name_key = models.CharField(
        _("spelling key"),
        max_length=700,  # a letter folds to at most two (Щ to "sh", X to "ks")
        editable=False,
        default="",
        help_text=_(
            "Names and service number with their spelling variants folded, for search (kept "
            "by save() and bulk writes)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "service_number"]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="person_name_ci"),
            models.Index(fields=["unit", "is_active"], name="person_unit_active"),
            # The register list's default order (by folded name): the first page of 10,000
            # people is an index scan instead of a sort of every row (19 ms -> under 1 ms).
            models.Index(fields=["search_text", "service_number"], name="person_folded_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("gender", Gender), name="person_gender_known"
            ),
            models.CheckConstraint(
                condition=in_choices("category", Category), name="person_category_known"
            ),
            models.CheckConstraint(
                condition=models.Q(service_start_date__isnull=True)
                | models.Q(service_start_date__gt=models.F("date_of_birth")),
                name="person_service_after_birth",
                violation_error_message=_("Service cannot start before the date of birth."),
            ),
            models.CheckConstraint(
                condition=~models.Q(service_number=""), name="person_service_number_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(category=Category.CIVILIAN) | models.Q(rank__isnull=True),
                name="person_civilian_has_no_rank",
                violation_error_message=_("Civilians hold no rank."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.service_number})"

    def save(self, *args, **kwargs) -> None:
        self.fill_search_keys()
        if (update_fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("personnel:person_detail", args=[self.pk])

    def clean(self) -> None:
        """Rules across fields, each reported on the field to correct: service starts after
        birth, birth is not in the future, a rank belongs to the person's category and
        civilians hold none. (Service number uniqueness is the unique constraint's.)"""
        errors = {}
        born, started = self.date_of_birth, self.service_start_date
        if born and born > timezone.localdate():
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        elif born and started and started <= born:
            errors["service_start_date"] = _(
                "Service cannot start on or before the date of birth (%(born)s)."
            ) % {"born": formats.date_format(born, "SHORT_DATE_FORMAT")}
        if self.rank_id is not None and self.category in Category.values:
            if self.category == Category.CIVILIAN:
                errors["rank"] = _("Civilians hold no rank: leave the rank empty.")
            elif self.rank.category != self.category:
                errors["rank"] = _(
                    "%(rank)s is a %(rank_category)s rank; choose a %(category)s rank."
                ) % {
                    "rank": self.rank.name,
                    "rank_category": Category(self.rank.category).label,
                    "category": Category(self.category).label,
                }
        if errors:
            raise ValidationError(errors)

    def fill_search_keys(self) -> None:
        """Set the stored keys from the names and service number: `search_text` (the sort key)
        and `name_key` (what search() looks in). save() and the queryset's bulk_create and
        bulk_update call it."""
        parts = [self.last_name, self.first_name, self.middle_name, self.service_number]
        self.search_text = " ".join(search_key(part) for part in parts if part)
        self.name_key = " ".join(name_key(part) for part in parts if part)

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )

    @property
    def rank_and_name(self) -> str:
        return f"{self.rank} {self.full_name}" if self.rank else self.full_name

    def age_on(self, on) -> int:
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
