"""Checks for uploaded documents (plan attachments and evidence, deal room and group
documents), and what is stored about them."""

import mimetypes
from pathlib import Path

from django.utils.translation import gettext as _

from marketplace.errors import DomainError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# What a file of each accepted type starts with. The name alone proves nothing: a renamed
# executable would pass, so the first bytes must agree with it. Office files are zip
# archives; CSV is plain text and is checked by decoding instead.
ZIP = (b"PK\x03\x04",)
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".odt": ZIP,
    ".ods": ZIP,
    ".csv": None,
}


def _file_start(file, size: int = 2048) -> bytes:
    file.seek(0)
    start = file.read(size)
    file.seek(0)
    return start


def _looks_like_text(start: bytes) -> bool:
    if b"\x00" in start:
        return False
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may cut a multi-byte character in half at its end.
        return error.start >= len(start) - 3
    return True


def document_check(file, *, field: str) -> None:
    """Refuse a file that is not one of the accepted document types or is over 10 MB."""
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in DOCUMENT_SIGNATURES:
        raise DomainError(
            _(
                "Attach a PDF, PNG or JPEG image, Word or Excel file, OpenDocument text or "
                "spreadsheet, or CSV file."
            ),
            field=field,
        )
    if file.size > MAX_DOCUMENT_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field=field)
    start = _file_start(file)
    signatures = DOCUMENT_SIGNATURES[suffix]
    matches = _looks_like_text(start) if signatures is None else start.startswith(signatures)
    if not matches:
        raise DomainError(
            _("The file's content does not match its %(type)s name; export it again.")
            % {"type": suffix[1:].upper()},
            field=field,
        )


def document_details(file) -> dict:
    """The content_type and size to store with a file that document_check accepted."""
    # The type comes from the checked name, not from what the browser claimed.
    return {
        "content_type": mimetypes.guess_type(file.name)[0] or "application/octet-stream",
        "size": file.size,
    }
