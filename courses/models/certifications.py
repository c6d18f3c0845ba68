import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from personnel.models.choices import in_choices
from personnel.models.dates import DatedQuerySet, Validity, validity_on


def new_verification_code() -> str:
    """An unguessable code for the public verification page (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class CertificationQuerySet(DatedQuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)


class CertificationSequence(models.Model):
    """The last sequence number given to certifications of one course code in one year: the
    "0007" of UNSOC-2026-0007. Its row is locked while a number is taken, so two
    finalisations never hand out the same one."""

    prefix = models.CharField(_("prefix"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("certification number sequence")
        verbose_name_plural = _("certification number sequences")
        ordering = ["prefix", "year"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="cert_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class CertificationSource(models.TextChoices):
    COHORT = "cohort", _("issued by a cohort")
    IMPORT = "import", _("imported record")
    REISSUE = "reissue", _("reissued")


class Certification(models.Model):
    """A certificate held by a person: issued by a finalised cohort, imported from before the
    system, or reissued. Validity is derived from `valid_until` and `revoked_at`."""

    Source = CertificationSource

    person = models.ForeignKey(
        "personnel.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    certification_type = models.ForeignKey(
        "courses.CertificationType",
        verbose_name=_("certification type"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=43,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.COHORT
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CertificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        permissions = [("revoke_certification", _("Can revoke and reissue a certification"))]
        ordering = ["-issued_on", "number"]
        indexes = [
            models.Index(
                fields=["person", "certification_type", "valid_until"],
                name="cert_person_type_valid",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")),
                name="certification_valid_after_issued",
                violation_error_message=_("Valid until cannot be before the issue date."),
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="certification_revocation_has_reason",
                violation_error_message=_("A revocation needs a reason."),
            ),
            models.CheckConstraint(
                condition=~models.Q(number=""), name="certification_number_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(verification_code=""), name="certification_code_not_blank"
            ),
            models.CheckConstraint(
                condition=in_choices("source", CertificationSource),
                name="certification_source_known",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def validity(self, *, on) -> str:
        """REVOKED, or the validity its dates give on `on`."""
        if self.is_revoked:
            return Validity.REVOKED
        return validity_on(self.valid_until, on=on)
