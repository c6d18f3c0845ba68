"""What the demo's builders share while they run."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import User
from courses.models import CertificationType, Course
from personnel.models import Person, Rank, Unit
from readiness.models import Mission, RequirementProfile


@dataclass
class DemoContext:
    """Reference rows by natural key, the seeded RNG and "demo today"; people's busy periods
    (tours and courses, by person id) so nobody is in two places at once."""

    today: dt.date
    rng: random.Random
    users: dict[str, User]
    units: dict[str, Unit]
    ranks: dict[str, Rank]
    certification_types: dict[str, CertificationType]
    courses: dict[str, Course]
    missions: dict[str, Mission]
    profiles: dict[str, RequirementProfile]
    people: list[Person] = field(default_factory=list)
    busy: dict[int, list[tuple[dt.date, dt.date]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def days(self, offset: int) -> dt.date:
        """The day `offset` days from demo today (negative: in the past)."""
        return self.today + dt.timedelta(days=offset)

    def is_free(self, person: Person, start: dt.date, end: dt.date) -> bool:
        return all(end < begin or start > until for begin, until in self.busy[person.pk])

    def book(self, person: Person, start: dt.date, end: dt.date) -> None:
        self.busy[person.pk].append((start, end))
