"""Which fields the services own, model by model, and the admin pieces that hold to it.

A service keeps rules a form cannot see (the waitlist is served when a seat frees, a reissue
supersedes and revokes the original, a tour never overlaps another, a finalised gradebook is
locked), so the administration site shows the fields a service owns read-only, and an admin
action calls the service instead. Each app's admin.py declares (declare_service_owned) every
model it registers in the admin, even those a service does not touch (with no fields), so that
a new ModelAdmin must say which it is: tests/peacecentre/test_admin_writes.py fails on a
registered model nobody declared and on an owned field the admin still lets one edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

ALL: Literal["__all__"] = "__all__"


@dataclass(frozen=True)
class Owned:
    """What the services own of a model: `fields` (ALL: every one), and whether the admin may
    create (`add`) or delete (`delete`) rows at all."""

    fields: tuple[str, ...] | Literal["__all__"] = ()
    add: bool = True
    delete: bool = True


# Read-only logs and worker output: written by a service, a task or a library, never by hand.
WRITTEN_ELSEWHERE = Owned(fields=ALL, add=False, delete=False)
# The admin is the only page for these (or their rules are the model's own constraints).
ADMIN_EDITS = Owned()

# Filled by each app's admin.py (declare_service_owned), for its models and for the library
# models whose admin it answers for; admin autodiscovery imports every one.
SERVICE_OWNED: dict[str, Owned] = {}


def declare_service_owned(declarations: dict[str, Owned]) -> None:
    """Declare what the services own of the models named "app_label.model"."""
    for label, owned in declarations.items():
        if SERVICE_OWNED.get(label, owned) != owned:
            raise ValueError(f"{label} is declared twice, differently")
        SERVICE_OWNED[label] = owned


def service_owned(model: type[models.Model]) -> Owned:
    """The declaration for `model`. KeyError for a model nobody declared."""
    return SERVICE_OWNED[model._meta.label_lower]


def owned_field_names(model: type[models.Model]) -> tuple[str, ...]:
    """The names of `model`'s fields a service owns (ALL spelled out)."""
    fields = service_owned(model).fields
    if fields != ALL:
        return fields
    return tuple(
        field.name
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many) and not field.auto_created
    )


class ServiceOwnedFieldsMixin:
    """For ModelAdmins and inlines: the declared fields read-only in add and change forms, and
    no add or delete where only a service creates or deletes."""

    model: type[models.Model]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [name for name in owned_field_names(self.model) if name not in readonly]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # ModelAdmin takes (request), an inline (request, obj).
        return service_owned(self.model).add and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Every field is a service's: the page is for reading, and for the actions.
        owned = service_owned(self.model).fields
        return owned != ALL and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return service_owned(self.model).delete and super().has_delete_permission(request, obj)

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # A past version is shown, never saved back: django-simple-history hides its Revert
        # button (SIMPLE_HISTORY_REVERT_DISABLED) but still saves a POST.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def service_call(
    model_admin: admin.ModelAdmin, request: HttpRequest, call: Callable[[], Any]
) -> tuple[bool, Any]:
    """Run `call` (a service), turning its refusal into an admin error message. Returns
    (whether it succeeded, what it returned)."""
    try:
        return True, call()
    except PermissionDenied as error:
        model_admin.message_user(request, str(error), level=messages.ERROR)
    except ValidationError as error:
        for message in error.messages:  # field errors too, flattened
            model_admin.message_user(request, message, level=messages.ERROR)
    return False, None


class ServicePageAddMixin:
    """For ModelAdmins whose rows are created on a page of their own (through its service):
    the admin's "add" leads there."""

    add_page_url_name: str

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect(self.add_page_url_name)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with each record and in its history."),
    )

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if max_length is not None:
            field = self.fields["reason"]
            field.max_length = max_length
            field.validators.append(MaxLengthValidator(max_length))
            field.widget.attrs["maxlength"] = str(max_length)


def reason_action(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    button: str,
    apply: Callable[[Any, str], str],
    max_length: int | None = None,
) -> TemplateResponse | None:
    """An admin action that asks why before it acts (the delete confirmation's pattern): the
    first POST shows the chosen records and a reason field; the confirming POST calls
    `apply(obj, reason)` (a service call returning the success message) for each, showing
    each refusal as an error message. Returns None once done (back to the changelist)."""
    if "confirm" in request.POST:
        form = ReasonForm(request.POST, max_length=max_length)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            for obj in queryset:
                done, message = service_call(model_admin, request, lambda o=obj: apply(o, reason))
                if done:
                    model_admin.message_user(request, message, level=messages.SUCCESS)
            return None
    else:
        form = ReasonForm(max_length=max_length)
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "button": button,
        "objects": list(queryset),
        "form": form,
        "action": request.POST.get("action", ""),
        "opts": opts,
        "app_label": opts.app_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/service_action_reason.html", context)


def read_only_library_admin(model: type) -> None:
    """Register `model`'s library admin again with the fields it owns read-only: rows the
    worker (task results) or sign-in (django-axes) write, never edited by hand."""
    library_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model, type(library_admin.__name__, (ServiceOwnedFieldsMixin, library_admin), {})
    )
