"""What an uploaded file really is, judged by its first bytes and structure, never its name."""

import os
import zipfile

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy

# (content type, extension, label) for each kind of file the agency accepts.
PDF = ("application/pdf", "pdf", "PDF")
PNG = ("image/png", "png", gettext_lazy("PNG image"))
JPEG = ("image/jpeg", "jpg", gettext_lazy("JPEG image"))
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", gettext_lazy("Word document (DOCX)"))
ODT = ("application/vnd.oasis.opendocument.text", "odt", gettext_lazy("OpenDocument text (ODT)"))

ACCEPTED_LABELS = gettext_lazy("PDF, DOCX, ODT, PNG or JPEG")
KINDS = (PDF, PNG, JPEG, DOCX, ODT)


def extension_for(content_type):
    """The extension files of this accepted content type are stored and downloaded with."""
    return next((extension for kind, extension, _label in KINDS if kind == content_type), "bin")


def display_name(name, extension):
    """The uploader's name for the file, kept for display only: its folders and any character
    unsafe in a file name or a header dropped, and its extension replaced by the one of what
    the file is (a PDF named poly.html is shown and downloaded as poly.pdf)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    try:
        stem = get_valid_filename(stem.strip(". "))[:200].strip(".")
    except SuspiciousFileOperation:  # nothing usable was left
        stem = ""
    return "%s.%s" % (stem or "file", extension)


def sniff(upload):
    """The accepted kind the file is, or None. Leaves the file positioned at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_document(upload)
    return None


def _office_document(upload):
    # Both formats are zip containers: DOCX declares a main Word part, ODT starts with an
    # uncompressed `mimetype` member naming the OpenDocument text type.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).strip() == ODT[0].encode():
                        return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None
