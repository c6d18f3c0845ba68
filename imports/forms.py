"""The forms of every import (imports/services.py): the upload, and the confirmation of a
preview."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ImportFile

VALID_ONLY = "valid_only"  # the name of the button that applies the valid rows only


class SecondarySubmit(Submit):
    """A submit button without crispy's btn-primary, for its own css_class to colour it."""

    field_classes = "btn"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("UTF-8 CSV (comma or semicolon) or an Excel workbook (.xlsx, first sheet)."),
        validators=[FileExtensionValidator(list(ImportFile.EXTENSIONS))],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "import-upload-form"}
        self.helper.layout = Layout(
            Field("file"),
            Submit("upload", _("Upload and preview"), css_class="btn-primary"),
        )


class ImportApplyForm(forms.Form):
    """Confirms one preview: `digest` is that preview's fingerprint, so records that changed
    since are caught instead of overwritten. The first button applies every row (disabled
    unless `can_apply`); a second, shown when `valid_rows` is given (some rows are in error,
    `valid_rows` are not), applies those only. `apply_label` names the first button."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args,
        action: str,
        can_apply: bool,
        apply_label: str = _("Apply"),
        valid_rows: int = 0,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_class = "d-inline-flex flex-wrap gap-2"
        self.helper.attrs = {"data-testid": "import-apply-form"}
        buttons = [Submit("apply", apply_label, css_class="btn-primary", disabled=not can_apply)]
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
