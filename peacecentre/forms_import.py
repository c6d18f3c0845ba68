"""The confirmation of an import's preview, shared by every import (peacecentre/imports.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

VALID_ONLY = "valid_only"  # the name of the button that applies the valid rows only


class SecondarySubmit(Submit):
    """A submit button without crispy's btn-primary, for its own css_class to colour it."""

    field_classes = "btn"


class ImportApplyForm(forms.Form):
    """Confirms one preview: `digest` is that preview's fingerprint, so records that changed
    since are caught instead of overwritten. The first button applies every row (disabled
    unless `can_apply`); a second, shown when `valid_rows` is given (some rows are in error,
    `valid_rows` are not), applies those only. Subclasses name the first button."""

    apply_label = _("Apply")

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, action: str, can_apply: bool, valid_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_class = "d-inline-flex flex-wrap gap-2"
        self.helper.attrs = {"data-testid": "import-apply-form"}
        buttons = [
            Submit("apply", self.apply_label, css_class="btn-primary", disabled=not can_apply)
        ]
        if valid_rows:
            buttons.append(
                SecondarySubmit(
                    VALID_ONLY,
                    ngettext(
                        "Apply the %(count)s valid row only",
                        "Apply the %(count)s valid rows only",
                        valid_rows,
                    )
                    % {"count": valid_rows},
                    css_class="btn-outline-primary",
                    data_testid="apply-valid-only",
                )
            )
        self.helper.layout = Layout(Field("digest"), *buttons)

    @property
    def valid_only(self) -> bool:
        """Whether the valid rows only were asked for (the second button)."""
        return VALID_ONLY in self.data
