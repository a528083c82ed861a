"""Forms of the import pages: the upload, and the column mapping of a checked file.

They parse and validate input; reading and importing the file is
``tandem.integrations.importing.runner.run_import``'s job, and its refusals
(``FileRejected``) come back next to the file field or above the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tandem.core.forms import FastSelect, StyledForm
from tandem.core.uploads import megabytes, upload_limit
from tandem.integrations.importing.mapping import TargetField
from tandem.integrations.models import ImportObject, ImportSource

AUTO = ""
# Encodings people meet in CSV exports besides UTF-8 / UTF-16 (read without asking).
ENCODING_CHOICES = [
    (AUTO, "Detect (UTF-8 or UTF-16)"),
    ("cp1252", "Windows Western (cp1252)"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("iso-8859-15", "Latin-9 (ISO 8859-15)"),
    ("mac_roman", "Mac Roman"),
    ("cp1250", "Windows Central European (cp1250)"),
    ("shift_jis", "Japanese (Shift JIS)"),
]
NOT_IMPORTED = ""
MAPPING_PREFIX = "map_"


class ImportUploadForm(StyledForm):
    source = forms.ChoiceField(
        label="Exported from", choices=ImportSource.choices, widget=forms.RadioSelect
    )
    object = forms.ChoiceField(
        label="The file holds",
        required=False,
        choices=[(AUTO, "Detect from the file"), *ImportObject.choices],
        help_text="Import accounts before their contacts and opportunities.",
        widget=FastSelect,
    )
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text="",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label="Text encoding (CSV only)",
        required=False,
        choices=ENCODING_CHOICES,
        help_text="Change it only when the file is refused as not UTF-8.",
        widget=FastSelect,
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): show what would change, write nothing",
        required=False,
        initial=True,
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows and skip the invalid ones",
        required=False,
        help_text="Without it, a single invalid row stops the whole import.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"At most {megabytes(upload_limit())} (TANDEM_MAX_UPLOAD_BYTES). Files of many "
            "thousand rows are better imported on the server with the tandem import command."
        )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > upload_limit():
            raise forms.ValidationError(
                f"The file is larger than the upload limit of {megabytes(upload_limit())}; "
                "import it on the server with the tandem import command."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        return upload


class MappingForm(StyledForm):
    """One select per target field of the importer, offering the file's headers."""

    skip_invalid = forms.BooleanField(
        label="Import the valid rows and skip the invalid ones", required=False
    )

    def __init__(
        self,
        *args: Any,
        fields: Iterable[TargetField],
        headers: Iterable[str],
        mapping: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IMPORTED, "— not imported —")]
        choices += [(header, header) for header in dict.fromkeys(headers) if header]
        self.target_fields = list(fields)
        mapping_fields: dict[str, forms.Field] = {}
        for target in self.target_fields:
            mapping_fields[MAPPING_PREFIX + target.name] = forms.ChoiceField(
                label=target.label,
                required=False,
                choices=choices,
                initial=mapping.get(target.name, NOT_IMPORTED),
                help_text="Required." if target.required else "",
                widget=FastSelect,
            )
        # The mapping first, then the options.
        self.fields = {**mapping_fields, "skip_invalid": self.fields["skip_invalid"]}
        self.style_widgets()

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[MAPPING_PREFIX + target.name] for target in self.target_fields]

    def mapping(self) -> dict[str, str]:
        """``{field: header}`` for every target field; ``""`` leaves a field out."""
        return {
            target.name: self.cleaned_data.get(MAPPING_PREFIX + target.name) or NOT_IMPORTED
            for target in self.target_fields
        }
