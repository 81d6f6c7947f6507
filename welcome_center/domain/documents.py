"""Documents on a record (a scanned certificate, a letter, a photo of a residence permit): the
rules of what may be attached, kept apart from storage and desk.

A document is data. The program never runs or interprets it: the desk only hands a copy to
the system's viewer. So files that a viewer would *run* are refused at the door, by their name
(``.exe``, ``.bat``, ``.js``, ``.lnk``, ...) and by their first bytes (a Windows or Linux
program, a script with ``#!``, a Windows shortcut), whatever they are called. The original
file name is kept as text only: a copy written to disk gets :func:`safe_file_name`, never a
path taken from the name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 20 * 1024 * 1024  # 20 MB per file: a long scanned PDF, not a video
HEAD_BYTES = 4096  # what the checks of the content look at
NAME_CHARS = 120  # a copy's file name is cut to this length (the stored name to 255)

# Programs, scripts, installers and shortcuts: a viewer would run them, not show them.
REFUSED_SUFFIXES = frozenset(
    {
        # Windows programs and libraries, installers, screen savers, control panel items
        "exe", "com", "scr", "pif", "cpl", "dll", "sys", "drv", "ocx", "msi", "msp", "mst",
        "msix", "msixbundle", "appx", "appxbundle", "appref-ms", "gadget", "application",
        # scripts the system runs on a double click
        "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ws", "wsc", "sct", "hta",
        "ps1", "ps1xml", "psc1", "psd1", "psm1", "msc", "reg", "inf", "scf", "jar",
        "sh", "bash", "zsh", "csh", "ksh", "command", "run", "bin", "elf", "out", "appimage",
        "py", "pyw", "pyc", "pl", "rb", "php", "desktop", "apk", "deb", "rpm", "pkg", "dmg",
        "app", "action", "workflow", "so", "dylib",
        # shortcuts and links that start something else
        "lnk", "url", "website", "settingcontent-ms", "library-ms", "searchconnector-ms",
    }
)  # fmt: skip

_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class DocumentKind(StrEnum):
    """What a document is, as the desk's list says it (from its media type)."""

    PDF = "pdf"
    IMAGE = "image"
    TEXT_DOCUMENT = "text_document"  # Word, OpenDocument text, RTF
    SPREADSHEET = "spreadsheet"
    PRESENTATION = "presentation"
    TEXT = "text"  # plain text, CSV
    EMAIL = "email"
    ARCHIVE = "archive"
    OTHER = "other"


class Refusal(StrEnum):
    """Why a file cannot be attached."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    PROGRAM_NAME = "program_name"  # its name ends like a program's or a script's
    PROGRAM_CONTENT = "program_content"  # its first bytes are a program's, whatever its name


@dataclass(frozen=True)
class Problem:
    refusal: Refusal
    detail: str = ""  # the suffix named, or what the content looks like


def suffix_of(name: str) -> str:
    """The file name's last ending, lower case, without the dot ("" when none). Trailing dots
    and spaces do not count: Windows drops them, so "a.exe." is run as "a.exe"."""
    base = base_name(name).rstrip(" .")
    _stem, dot, suffix = base.rpartition(".")
    return suffix.strip().lower() if dot else ""


def base_name(name: str) -> str:
    """The last part of a name that may carry a Windows or a POSIX path."""
    return re.split(r"[\\/]", name)[-1]


def program_in(head: bytes) -> str:
    """What kind of program ``head`` (a file's first bytes) starts, "" for none."""
    if head.startswith(b"MZ"):
        return "Windows"  # a DOS or Windows (PE) program or library
    if head.startswith(b"\x7fELF"):
        return "ELF"
    if head[:4] in (
        b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    ):  # fmt: skip
        return "Mach-O"
    if head.startswith(b"#!"):
        return "script"
    if head.startswith(b"L\x00\x00\x00\x01\x14\x02\x00"):
        return "shortcut"
    return ""


def problem(name: str, size: int, head: bytes) -> Problem | None:
    """Why a file named ``name`` of ``size`` bytes, starting with ``head``, cannot be attached
    (None: it can). The name is judged before the content, the size first of all."""
    if size <= 0:
        return Problem(Refusal.EMPTY)
    if size > MAX_BYTES:
        return Problem(Refusal.TOO_LARGE)
    suffix = suffix_of(name)
    if suffix in REFUSED_SUFFIXES:
        return Problem(Refusal.PROGRAM_NAME, suffix)
    found = program_in(head)
    if found:
        return Problem(Refusal.PROGRAM_CONTENT, found)
    return None


def safe_file_name(name: str, fallback: str = "document") -> str:
    """A file name to write a copy under: the last part of ``name`` without characters that
    mean something to a file system (path separators, ``:``, control characters, invisible
    formatting), no leading dots, not a reserved Windows device name, at most
    :data:`NAME_CHARS` characters with its ending kept."""
    text = unicodedata.normalize("NFC", base_name(name))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    text = _UNSAFE.sub("_", text).strip().strip(".").strip()
    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    suffix = suffix[:16]
    stem = stem.strip()[: NAME_CHARS - len(suffix) - 1].strip() or fallback
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    return f"{stem}.{suffix}" if suffix else stem


# Media types by ending; the content's first bytes decide where they say more.
_BY_SUFFIX = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "eml": "message/rfc822",
    "msg": "application/vnd.ms-outlook",
    "zip": "application/zip",
}
_BY_CONTENT = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_KINDS = (
    ("application/pdf", DocumentKind.PDF),
    ("image/", DocumentKind.IMAGE),
    ("application/msword", DocumentKind.TEXT_DOCUMENT),
    ("application/rtf", DocumentKind.TEXT_DOCUMENT),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml", DocumentKind.TEXT_DOCUMENT),
    ("application/vnd.oasis.opendocument.text", DocumentKind.TEXT_DOCUMENT),
    ("application/vnd.ms-excel", DocumentKind.SPREADSHEET),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml", DocumentKind.SPREADSHEET),
    ("application/vnd.oasis.opendocument.spreadsheet", DocumentKind.SPREADSHEET),
    ("text/csv", DocumentKind.SPREADSHEET),
    ("application/vnd.ms-powerpoint", DocumentKind.PRESENTATION),
    ("application/vnd.openxmlformats-officedocument.presentationml", DocumentKind.PRESENTATION),
    ("application/vnd.oasis.opendocument.presentation", DocumentKind.PRESENTATION),
    ("text/", DocumentKind.TEXT),
    ("message/rfc822", DocumentKind.EMAIL),
    ("application/vnd.ms-outlook", DocumentKind.EMAIL),
    ("application/zip", DocumentKind.ARCHIVE),
)
OCTET_STREAM = "application/octet-stream"


def media_type(name: str, head: bytes) -> str:
    """The media type of a file: what its first bytes say it is (a PDF, PNG, JPEG, GIF or
    TIFF), else what its ending says, else ``application/octet-stream``."""
    for magic, kind in _BY_CONTENT:
        if head.startswith(magic):
            return kind
    return _BY_SUFFIX.get(suffix_of(name), OCTET_STREAM)


def kind_of(media: str) -> DocumentKind:
    """The kind of a document of media type ``media``."""
    for prefix, kind in _KINDS:
        if media.startswith(prefix):
            return kind
    return DocumentKind.OTHER


def copy_name(name: str, media: str) -> str:
    """The name a copy of the document is written under (:func:`safe_file_name`), with the
    ending of its media type added where the name has none, so that the system's viewer
    knows what it is."""
    safe = safe_file_name(name)
    if suffix_of(safe):
        return safe
    ending = next((s for s, m in _BY_SUFFIX.items() if m == media), "")
    return f"{safe}.{ending}" if ending else safe
