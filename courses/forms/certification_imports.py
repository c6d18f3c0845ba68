"""Forms of the certification history import: the upload, and the confirmation of a preview.
They mirror the personnel import's (personnel/forms_import.py)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from peacecentre.forms_import import ImportApplyForm
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


class CertificationImportApplyForm(ImportApplyForm):
    apply_label = _("Add the certifications")
