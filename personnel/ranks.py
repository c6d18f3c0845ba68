"""Reading a rank as people write it in a file: by its code (CPT), its English name (Captain)
or its Russian or Kazakh name (Капитан), in any letter case, with any spacing, ё read as
the plain letter it is often written as.

The Russian and Kazakh names are the translation catalogues' (locale/<lang>/django.po): the
register keeps one name per rank, in English, and the catalogues translate it, so a rank is
named the same on the pages and in the files. A rank added in the admin and not yet in the
catalogues is read by its code and English name.

The same word can be a military and a police rank (Captain, and Captain of Police, written
"Капитан" by many): the row's category decides. A police rank is also read by the names of
its military equivalent (Rank.military_equivalent) and the other way round, so a police row
saying "Captain" is a Captain of Police and a military row saying "Captain of Police" a
Captain. A civilian has no rank: a rank given for one is left out with a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from personnel.models import Category, Rank

# The languages a rank may be written in: the interface's.
RANK_LANGUAGES = ("en", "ru", "kk")
UNIFORMED = (Category.MILITARY, Category.POLICE)


def rank_key(text: str) -> str:
    """`text` folded for matching: letter case, spaces and ё (or its plain form) make no
    difference."""
    return "".join(text.casefold().replace("\u0451", "\u0435").split())  # ё: the Cyrillic e


def rank_names(rank: Rank) -> set[str]:
    """Every name `rank` goes by, folded: its code, its English name and its translations."""
    names = {rank_key(rank.code), rank_key(rank.name)}
    if rank.name:  # gettext("") is the catalogue's header
        for language in RANK_LANGUAGES:
            with translation.override(language):
                names.add(rank_key(translation.gettext(rank.name)))
    return names


@dataclass(frozen=True)
class RankReading:
    """What a rank cell says: the rank, or why there is none (`error`: the row cannot be
    applied; `warning`: the row can, without a rank)."""

    rank: Rank | None = None
    error: str = ""
    warning: str = ""


class RankIndex:
    """Every rank by every name it goes by, per category; built once per import from all the
    ranks (one query, a few dozen rows)."""

    def __init__(self, ranks: Iterable[Rank]) -> None:
        self.ranks = sorted(ranks, key=lambda rank: (rank.category, rank.seniority, rank.code))
        by_pk = {rank.pk: rank for rank in self.ranks}
        names = {rank.pk: rank_names(rank) for rank in self.ranks}
        # A rank's own names win over its equivalent's: "Captain" on a military row is never
        # ambiguous because a police rank is also called so.
        self.own: dict[str, dict[str, list[Rank]]] = defaultdict(lambda: defaultdict(list))
        self.equivalent: dict[str, dict[str, list[Rank]]] = defaultdict(lambda: defaultdict(list))
        for rank in self.ranks:
            for name in names[rank.pk]:
                self.own[rank.category][name].append(rank)
            military = by_pk.get(rank.military_equivalent_id)
            if rank.category == Category.POLICE and military is not None:
                for name in names[military.pk]:
                    self.equivalent[Category.POLICE][name].append(rank)
                for name in names[rank.pk]:
                    self.equivalent[Category.MILITARY][name].append(military)

    def read(self, text: str, *, category: str) -> RankReading:
        """The rank `text` names for a person of `category`. An unknown category reads as no
        rank and no error: the category cell carries that row's error."""
        if not text.strip():
            return RankReading()
        if category == Category.CIVILIAN:
            return RankReading(
                warning=_("“%(value)s” was left out: a civilian has no rank.") % {"value": text}
            )
        if category not in UNIFORMED:
            return RankReading()
        key = rank_key(text)
        found = self._distinct(self.own[category].get(key) or self.equivalent[category].get(key))
        if len(found) == 1:
            return RankReading(rank=found[0])
        if found:
            return RankReading(
                error=_("“%(value)s” could be %(ranks)s; write the code of the one meant.")
                % {"value": text, "ranks": self._listed(found)}
            )
        label = Category(category).label
        elsewhere = [
            rank
            for other in UNIFORMED
            if other != category
            for rank in self._distinct(self.own[other].get(key))
        ]
        if elsewhere:
            reason = _("“%(value)s” is a %(other)s rank, not a %(category)s one.") % {
                "value": text,
                "other": Category(elsewhere[0].category).label,
                "category": label,
            }
        else:
            reason = _("“%(value)s” is not a %(category)s rank.") % {
                "value": text,
                "category": label,
            }
        return RankReading(error=f"{reason} {self.choices(category)}")

    def choices(self, category: str) -> str:
        """The ranks a row of `category` may give, as a sentence."""
        ranks = [rank for rank in self.ranks if rank.category == category]
        if not ranks:
            return _("The register has no %(category)s ranks.") % {
                "category": Category(category).label
            }
        return _("The %(category)s ranks: %(ranks)s.") % {
            "category": Category(category).label,
            "ranks": self._listed(ranks),
        }

    @staticmethod
    def _distinct(ranks: list[Rank] | None) -> list[Rank]:
        return list({rank.pk: rank for rank in ranks or ()}.values())

    @staticmethod
    def _listed(ranks: list[Rank]) -> str:
        return ", ".join(f"{rank.code} ({_(rank.name)})" for rank in ranks)
