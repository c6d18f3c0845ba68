"""A course's UN recognition on a day: recognised, lapsing within six months, lapsed, or not
recognised; the boundaries are the last valid day."""

import datetime as dt

import pytest

from courses.models import Course
from courses.selectors.catalogue import course_recognition

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("until", "state", "flagged"),
    [
        (None, "recognised", False),
        (dt.date(2027, 5, 23), "recognised", False),  # six months on: not yet flagged
        (dt.date(2027, 5, 22), "lapsing", True),
        (TODAY, "lapsing", True),  # the last valid day is today
        (dt.date(2026, 11, 22), "lapsed", True),
    ],
)
def test_recognition_states(until, state, flagged):
    course = Course(
        un_recognised=True, recognised_on=dt.date(2019, 1, 15), recognition_valid_until=until
    )
    recognition = course_recognition(course, today=TODAY)
    assert (recognition.state, recognition.flagged, recognition.until) == (state, flagged, until)
    assert recognition.since == dt.date(2019, 1, 15)


def test_a_course_never_recognised():
    recognition = course_recognition(Course(un_recognised=False), today=TODAY)
    assert (recognition.state, recognition.flagged, recognition.label) == (
        "not_recognised",
        False,
        "not UN-recognised",
    )
