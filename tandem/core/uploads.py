"""The one upload limit (``TANDEM_MAX_UPLOAD_BYTES``) applied to files as they arrive.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` limits a request body but leaves out the
files of a multipart form. :class:`LimitedUploadHandler`, first in
``FILE_UPLOAD_HANDLERS``, counts the bytes of every file part and stops the upload as
soon as they pass the limit: the rest of the body is read and dropped, the partial file
is discarded (never stored), and ``request.upload_too_large`` is set so the page can say
why the file is missing (:func:`upload_refusal`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


def upload_limit() -> int:
    return int(settings.TANDEM_MAX_UPLOAD_BYTES)


def megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size:,} bytes"


def upload_refusal(request: HttpRequest) -> str:
    """The message for a request whose file was stopped, else ``""``."""
    if getattr(request, "upload_too_large", False):
        return f"The file is larger than the upload limit of {megabytes(upload_limit())}; nothing was kept."
    return ""


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handler until the files pass the limit."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > upload_limit():
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
