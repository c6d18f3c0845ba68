"""Helpers for the audit tests: the audit page's rows, and an admin change form posted as
an administrator would (every field as the form shows it, then the changes)."""

import datetime as dt

from django.forms import SplitDateTimeWidget
from django.urls import reverse

AUDIT_URL = "/audit/"


def admin_post(client, url: str, changes: dict) -> None:
    """Post the admin change form at `url` with its current values and `changes`; asserts
    the admin accepted it (a redirect)."""
    form = client.get(url).context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field.widget, SplitDateTimeWidget):
            if isinstance(value, dt.datetime):
                data[f"{name}_0"] = value.date().isoformat()
                data[f"{name}_1"] = value.time().strftime("%H:%M:%S")
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = value
    for name, value in changes.items():
        if value is None or value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def audit_rows(client, **params) -> list:
    """The AuditEntry rows the page lists for `params` (filters)."""
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    return response.context["entries"]


def changes_of(entry) -> dict[str, tuple[str, str]]:
    return {change.field: (change.old, change.new) for change in entry.changes}
