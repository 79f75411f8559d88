from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    """A master-data workbook to import, or only to check."""

    file = forms.FileField(label=_("Workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count the changes, write nothing"), required=False
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.MASTERDATA_MAX_UPLOAD_BYTES
        if file.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)}
            )
        return file
