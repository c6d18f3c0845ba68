"""Writes to the personnel register: people and their qualification records.

Every write validates the whole record (`full_clean`, so the model's rules and constraints speak
first, each on the field to correct), runs in a transaction, and turns an IntegrityError that
slips past validation (a concurrent insert of the same service number) into a ValidationError
naming the field. Edits carry the `updated_at` the user loaded: a record changed since then is
refused with StaleRecordError instead of being silently overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from personnel.models import Person, QualificationRecord
from personnel.models.qualifications import STANAG_SKILLS

Record = TypeVar("Record", bound=models.Model)

PERSON_FIELDS = frozenset(
    {
        "service_number",
        "rank",
        "last_name",
        "first_name",
        "middle_name",
        "gender",
        "date_of_birth",
        "category",
        "nationality",
        "unit",
        "service_start_date",
        "email",
        "phone",
        "is_active",
    }
)

DUPLICATE_SERVICE_NUMBER = _("Another person in the register already has this service number.")

# Which field an IntegrityError is about, by a marker in the database's message: a constraint
# name (both databases quote it) or, for unique fields, the column name. Longest marker first.
PERSON_ERROR_FIELDS = {
    "person_service_after_birth": "service_start_date",
    "person_service_number_not_blank": "service_number",
    "person_civilian_has_no_rank": "rank",
    "service_number": "service_number",
}
QUALIFICATION_ERROR_FIELDS = {
    "valid_after_issued": "valid_until",
    "language_known": "language",
    **{f"{skill}_stanag_0_5": skill for skill in STANAG_SKILLS},
}


class StaleRecordError(ValidationError):
    """The record changed after the user loaded it; `current` is the record as saved now."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(
            _(
                "Someone else changed this %(thing)s after you opened the form, so your "
                "changes were not saved. Compare with the current values below, then save "
                "again to keep yours."
            ),
            code="stale",
            params={"thing": current._meta.verbose_name},
        )
        self.current = current


def person_fields_of(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"not person fields: {', '.join(sorted(unknown))}")
    return dict(values)


@transaction.atomic
def person_create(*, values: Mapping[str, Any]) -> Person:
    """Add a person to the register from `values` (keys from PERSON_FIELDS; missing optional
    ones take the model's defaults). Raises ValidationError naming the fields at fault:
    a duplicate service number, service starting before birth, a rank of another category or
    a rank for a civilian, a malformed e-mail, ..."""
    person = Person(**person_fields_of(values))
    _validate_person(person)
    return _save(person, error_fields=PERSON_ERROR_FIELDS)


@transaction.atomic
def person_update(
    *, person: Person, values: Mapping[str, Any], expected_updated_at: dt.datetime
) -> Person:
    """Change `person` to `values` (keys from PERSON_FIELDS), provided the row is still as
    the user loaded it (`expected_updated_at`). Raises StaleRecordError when it changed since,
    ValidationError naming the fields at fault otherwise; nothing is saved on error."""
    current = Person.objects.select_for_update().get(pk=person.pk)  # serialise editors
    if current.updated_at != expected_updated_at:
        raise StaleRecordError(current)
    for name, value in person_fields_of(values).items():
        setattr(current, name, value)
    _validate_person(current)
    return _save(current, error_fields=PERSON_ERROR_FIELDS)


def qualification_fields(model: type[QualificationRecord]) -> list[str]:
    """The fields of a qualification record a user edits (all but the person and the stamps)."""
    return [
        field.name
        for field in model._meta.fields
        if field.editable and not field.primary_key and field.name != "person"
    ]


def _qualification_fields_of(
    model: type[QualificationRecord], values: Mapping[str, Any]
) -> dict[str, Any]:
    unknown = set(values) - set(qualification_fields(model))
    if unknown:
        raise TypeError(f"not {model.__name__} fields: {', '.join(sorted(unknown))}")
    return dict(values)


@transaction.atomic
def qualification_create(
    *, person: Person, model: type[QualificationRecord], values: Mapping[str, Any]
) -> QualificationRecord:
    """Record a qualification of kind `model` for `person`. Raises ValidationError naming
    the field at fault (valid until before issued, a STANAG level outside 0-5, ...)."""
    record = model(person=person, **_qualification_fields_of(model, values))
    record.full_clean()
    return _save(record, error_fields=QUALIFICATION_ERROR_FIELDS)


@transaction.atomic
def qualification_update(
    *,
    record: QualificationRecord,
    values: Mapping[str, Any],
    expected_updated_at: dt.datetime,
) -> QualificationRecord:
    """Change `record` to `values`, provided it is still as the user loaded it. Raises
    StaleRecordError when it changed since, ValidationError naming the fields at fault."""
    model = type(record)
    current = model.objects.select_for_update().get(pk=record.pk)
    if current.updated_at != expected_updated_at:
        raise StaleRecordError(current)
    for name, value in _qualification_fields_of(model, values).items():
        setattr(current, name, value)
    current.full_clean()
    return _save(current, error_fields=QUALIFICATION_ERROR_FIELDS)


@transaction.atomic
def qualification_delete(*, record: QualificationRecord) -> None:
    """Remove `record` from its person's file (nothing refers to a qualification record)."""
    record.delete()


def _validate_person(person: Person) -> None:
    errors: dict[str, list] = {}
    try:
        person.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors = exc.message_dict
    if (
        "service_number" not in errors
        and Person.objects.filter(service_number=person.service_number)
        .exclude(pk=person.pk)
        .exists()
    ):
        errors["service_number"] = [DUPLICATE_SERVICE_NUMBER]
    if errors:
        raise ValidationError(errors)


def _save(record: Record, *, error_fields: Mapping[str, str]) -> Record:
    """Save `record`; an IntegrityError (a rule validation could not see, such as a row
    another user inserted a moment ago) becomes a ValidationError on the field it is about."""
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable
            record.save()
    except IntegrityError as exc:
        raise integrity_error_as_validation_error(exc, record, error_fields) from exc
    return record


def integrity_error_as_validation_error(
    exc: IntegrityError, record: models.Model, error_fields: Mapping[str, str]
) -> ValidationError:
    """The ValidationError a user should see for `exc`, on the field it is about."""
    text = str(exc)
    field = next(
        (field for marker, field in _longest_first(error_fields) if marker in text),
        NON_FIELD_ERRORS,
    )
    constraint = next(
        (c for c in record._meta.constraints if c.name and c.name in text),
        None,
    )
    if constraint is not None:
        message = constraint.get_violation_error_message()
    elif field == "service_number":
        message = DUPLICATE_SERVICE_NUMBER
    else:
        message = _("The %(thing)s could not be saved: it breaks a rule of the register.") % {
            "thing": record._meta.verbose_name
        }
    return ValidationError({field: [message]})


def _longest_first(markers: Mapping[str, str]) -> list[tuple[str, str]]:
    return sorted(markers.items(), key=lambda item: len(item[0]), reverse=True)
