"""Forms of the certification history import: the upload, and the confirmation of a preview.
They mirror the personnel import's (personnel/forms_import.py)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from peacecentre.models import ImportFile


class CertificationImportUploadForm(forms.Form):
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


class CertificationImportApplyForm(forms.Form):
    """Confirms one preview: `digest` is that preview's fingerprint, so records that changed
    since (a number taken, a certification recorded) are caught instead of overwritten."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, action: str, can_apply: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_class = "d-inline"
        self.helper.attrs = {"data-testid": "import-apply-form"}
        self.helper.layout = Layout(
            Field("digest"),
            Submit(
                "apply",
                _("Add the certifications"),
                css_class="btn-primary",
                disabled=not can_apply,
            ),
        )
