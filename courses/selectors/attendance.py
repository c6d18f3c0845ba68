"""Reads of the attendance register: marks by course day, a fixed number of queries however
many trainees or days there are. Built on courses.selectors.standings.cohort_standings, so
the shares it shows are the ones finalisation decides on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from courses.models import (
    Attendance,
    Cohort,
    Enrolment,
)
from courses.selectors.standings import (
    CohortStandings,
    TraineeStanding,
    cohort_standings,
)

if TYPE_CHECKING:
    pass

PRESENT = Attendance.Status.PRESENT


@dataclass
class RegisterRow:
    """One trainee's line of the register: a mark per course day ("" when not marked)."""

    trainee: TraineeStanding
    marks: list[str]
    present: int
    marked: int

    @property
    def enrolment(self) -> Enrolment:
        return self.trainee.enrolment

    @property
    def share(self) -> Decimal:
        """Present days over the course days held so far (courses.grading.standing_of)."""
        return self.trainee.standing.attendance


@dataclass
class AttendanceRegister:
    cohort: Cohort
    days: list[dt.date]
    rows: list[RegisterRow]
    standings: CohortStandings

    def marks_on(self, day: dt.date) -> dict[int, str]:
        """Each trainee's mark on `day` by enrolment id ("" when not marked; all "" for a day
        that is not a course day)."""
        if day not in self.days:
            return {row.enrolment.pk: "" for row in self.rows}
        index = self.days.index(day)
        return {row.enrolment.pk: row.marks[index] for row in self.rows}

    def unmarked_days(self) -> list[dt.date]:
        """Course days on which at least one trainee has no mark."""
        return [
            day for index, day in enumerate(self.days) if any(not r.marks[index] for r in self.rows)
        ]

    def default_day(self, *, today: dt.date) -> dt.date | None:
        """The day the register opens for marking: today when it is a course day, else the
        first course day before today still missing a mark, else the last course day before
        today; None before the first course day."""
        past = [day for day in self.days if day <= today]
        if not past:
            return None
        if today in self.days:
            return today
        unmarked = set(self.unmarked_days())
        return next((day for day in past if day in unmarked), past[-1])


def attendance_register(*, cohort: Cohort) -> AttendanceRegister:
    """Every seated trainee of `cohort` by name with their mark on each course day, days
    present and days marked; the share comes from their standing. Four queries."""
    standings = cohort_standings(cohort=cohort)
    rows = []
    for trainee in standings.trainees:
        marks = [trainee.attendance.get(day, "") for day in standings.days]
        rows.append(
            RegisterRow(
                trainee=trainee,
                marks=marks,
                present=marks.count(PRESENT),
                marked=sum(1 for mark in marks if mark),
            )
        )
    return AttendanceRegister(cohort=cohort, days=standings.days, rows=rows, standings=standings)
