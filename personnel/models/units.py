from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from common.history import ChangeOnlyHistoricalRecords


class UnitKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("headquarters")
    CENTRE = "centre", _("training centre")
    BATTALION = "battalion", _("battalion")
    COMPANY = "company", _("company")
    PLATOON = "platoon", _("platoon")
    POLICE_UNIT = "police_unit", _("police unit")
    DEPARTMENT = "department", _("department")


class Unit(MP_Node):
    """A unit in the tree: the centre, battalions, companies, police units.

    Materialised path (django-treebeard): a subtree is one `path__startswith` query, which is
    how a commander's scope is read everywhere (personnel/scope.py).
    """

    Kind = UnitKind

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commander"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commanded_units",
        help_text=_("This user sees this unit and every unit under it."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)

    node_order_by = ["code"]

    # A commander's scope follows `commander`: audited. The tree's own bookkeeping is not.
    history = ChangeOnlyHistoricalRecords(excluded_fields=["depth", "numchild"])

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        permissions = [("view_readiness", _("Can see readiness and deployability"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values), name="unit_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def subtree(self) -> models.QuerySet["Unit"]:
        """This unit and every unit under it."""
        return Unit.objects.filter(path__startswith=self.path)
