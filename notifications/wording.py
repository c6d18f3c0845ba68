"""A reminder as a sentence a person can act on, in the active language, and the page it is
about. Written from the reminder's `details` alone (no queries), so the digest and the
reminders page say the same thing, in whichever language the reader uses."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Reminder, ReminderKind
from personnel.models import Language, MedicalClearance, Passport, WeaponsQualification

PCRS_KINDS = (ReminderKind.PCRS_RENEWAL_DUE, ReminderKind.PCRS_ACTION_OVERDUE)


def when(due_on: dt.date, today: dt.date) -> str:
    """ "today", "tomorrow", "in 30 days", or "2 days ago"."""
    days = (due_on - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days > 1:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    return ngettext("%(days)s day ago", "%(days)s days ago", -days) % {"days": -days}


def _choice_label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _record(reminder: Reminder) -> str:
    """What lapses: "UNMEM certificate POCJ-2025-0012", "passport N12345678", ..."""
    d, kind = reminder.details, reminder.kind
    if kind == ReminderKind.CERTIFICATION_LAPSING:
        return _("%(type)s certificate %(number)s") % {"type": d["type"], "number": d["number"]}
    if kind == ReminderKind.MEDICAL_LAPSING:
        fitness = _choice_label(MedicalClearance.Fitness, d.get("fitness", ""))
        return _("medical clearance (%(fitness)s)") % {"fitness": fitness}
    if kind == ReminderKind.PASSPORT_LAPSING:
        passport_kind = _choice_label(Passport.Kind, d.get("kind", ""))
        return _("%(kind)s passport %(number)s") % {
            "kind": passport_kind,
            "number": d.get("document_number", ""),
        }
    if kind == ReminderKind.LANGUAGE_LAPSING:
        profile = "-".join(str(d[s]) for s in ("listening", "speaking", "reading", "writing"))
        return _("%(language)s language proficiency %(profile)s") % {
            "language": _choice_label(Language, d["language"]),
            "profile": profile,
        }
    if kind == ReminderKind.DRIVING_LAPSING:
        return _("driving licence %(categories)s") % {"categories": d.get("categories", "")}
    return _("%(weapon)s qualification") % {
        "weapon": _choice_label(WeaponsQualification.Weapon, d.get("weapon", ""))
    }


def sentence(reminder: Reminder, *, today: dt.date) -> str:
    """The reminder as one sentence in the active language, e.g. "UNMEM certificate
    POCJ-2025-0012 of Captain Nurlanova Asel lapses on 2027-01-10 (in 30 days)."""
    d, kind = reminder.details, reminder.kind
    date = reminder.due_on.isoformat()
    if kind == ReminderKind.COHORT_STARTING:
        values = {
            "cohort": d["cohort"],
            "course": d["title"],
            "date": date,
            "when": when(reminder.due_on, today),
            "location": d.get("location", ""),
        }
        if values["location"]:
            return (
                _("Cohort %(cohort)s of %(course)s starts on %(date)s (%(when)s) at %(location)s.")
                % values
            )
        return _("Cohort %(cohort)s of %(course)s starts on %(date)s (%(when)s).") % values
    if kind == ReminderKind.RESULTS_MISSING:
        parts = []
        if d.get("missing_scores"):
            parts.append(
                ngettext(
                    "scores missing for %(count)s trainee (%(components)s)",
                    "scores missing for %(count)s trainees (%(components)s)",
                    d["missing_scores"],
                )
                % {"count": d["missing_scores"], "components": ", ".join(d.get("components", []))}
            )
        if d.get("unmarked"):
            parts.append(
                ngettext(
                    "attendance not marked for %(count)s trainee",
                    "attendance not marked for %(count)s trainees",
                    d["unmarked"],
                )
                % {"count": d["unmarked"]}
            )
        return _(
            "Cohort %(cohort)s of %(course)s ended on %(date)s and is not finalised: %(missing)s."
        ) % {"cohort": d["cohort"], "course": d["title"], "date": date, "missing": "; ".join(parts)}
    if kind == ReminderKind.PCRS_RENEWAL_DUE:
        values = {"unit": d["unit"], "date": date, "when": when(reminder.due_on, today)}
        if reminder.due_on < today:
            return (
                _(
                    "The PCRS pledge of %(unit)s was due for renewal on %(date)s (%(when)s): renew "
                    "it, or its level no longer counts for planning."
                )
                % values
            )
        return _("The PCRS pledge of %(unit)s is due for renewal on %(date)s (%(when)s).") % values
    if kind == ReminderKind.PCRS_ACTION_OVERDUE:
        return _(
            "A corrective action from the assessment visit of %(visit)s to %(unit)s was due on "
            "%(date)s (%(when)s): %(action)s"
        ) % {
            "visit": d["visit_on"],
            "unit": d["unit"],
            "date": date,
            "when": when(reminder.due_on, today),
            "action": d["action"],
        }
    if kind == ReminderKind.RECOGNITION_LAPSING:
        return _("UN recognition of %(code)s %(course)s lapses on %(date)s (%(when)s).") % {
            "code": d["course"],
            "course": d["title"],
            "date": date,
            "when": when(reminder.due_on, today),
        }
    if kind == ReminderKind.DEPARTURE_DUE:
        return _(
            "%(person)s was planned to depart to %(where)s on %(date)s (%(when)s) and no "
            "departure is recorded: record the day they left, or extend or cancel the tour."
        ) % {
            "person": d["person"],
            "where": d["where"],
            "date": date,
            "when": when(reminder.due_on, today),
        }
    if kind == ReminderKind.RETURN_DUE:
        return _(
            "The tour of %(person)s in %(where)s ended on %(end)s and no return is recorded: "
            "record the day they came back, or extend the tour."
        ) % {
            "person": d["person"],
            "where": d["where"],
            "end": (reminder.due_on - dt.timedelta(days=1)).isoformat(),
        }
    values = {
        "record": _record(reminder),
        "person": d["person"],
        "date": date,
        "when": when(reminder.due_on, today),
    }
    if reminder.due_on < today:
        text = _("%(record)s of %(person)s lapsed on %(date)s (%(when)s).") % values
    else:
        text = _("%(record)s of %(person)s lapses on %(date)s (%(when)s).") % values
    return text[:1].upper() + text[1:]


def link(reminder: Reminder) -> str | None:
    """The path of the page the reminder is about: the certification, the person whose
    record lapses, the cohort, the course. Whether its recipient may open it is
    selectors.reminder_links' question: show links through it."""
    kind = reminder.kind
    if kind == ReminderKind.CERTIFICATION_LAPSING:
        return reverse("courses:certification_detail", args=[reminder.object_id])
    if kind in (ReminderKind.COHORT_STARTING, ReminderKind.RESULTS_MISSING):
        return reverse("courses:cohort_detail", args=[reminder.object_id])
    if kind == ReminderKind.RECOGNITION_LAPSING:
        return reverse("courses:course_detail", args=[reminder.object_id])
    if kind in PCRS_KINDS:
        return reverse("readiness:unit_pcrs", args=[reminder.details["unit_id"]])
    if person_id := reminder.details.get("person_id"):
        return reverse("personnel:person_detail", args=[person_id])
    return None
