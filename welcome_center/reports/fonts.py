"""The DejaVu fonts embedded in PDF reports: found beside the code, registered once."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


def fonts_dir() -> Path:
    """The folder with the font files: inside the package when installed from a wheel
    (``welcome_center/resources/fonts``), ``<repo>/resources/fonts`` in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "resources" / "fonts"
    return packaged if packaged.is_dir() else package.parent / "resources" / "fonts"


def shorten(text: str, width: float, font: str = REGULAR, size: float = 9) -> str:
    """``text`` cut to ``width`` points with "…" (a header line, a chart label); unchanged when
    it fits."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    # The longest beginning that fits with the ellipsis, found by halving (a label may be
    # thousands of characters long: cutting one character at a time took minutes).
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip(" ,/–-") + "…"


def register() -> None:
    """Register DejaVu Sans (regular and bold) with ReportLab; a second call does nothing.

    ``<b>`` in a Paragraph maps to the bold face; italics fall back to the upright faces, as
    no oblique face is shipped."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = fonts_dir()
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    for bold, italic in ((0, 0), (0, 1), (1, 0), (1, 1)):
        addMapping(REGULAR, bold, italic, BOLD if bold else REGULAR)
