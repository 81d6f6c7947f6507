"""What the program's one-sheet print-outs share (the consent form, the client summary, the
referral note): A4 with its margins and colours, the document with its one frame, and the page
furniture (the office's name above a rule at the top, a footer line and, where asked, the page
number at the bottom)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from welcome_center.i18n import _
from welcome_center.reports import fonts
from welcome_center.reports.fonts import BOLD, REGULAR

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
WIDTH = PAGE_W - 2 * MARGIN
TEXT = colors.HexColor("#1B1F24")
MUTED = colors.HexColor("#5F6B78")
RULE = colors.HexColor("#9AA5B1")
NAME_CHARS = 300  # a name is data: cut, never allowed to push the sheet off its page

Furniture = Callable[[Any, Any], None]


def document(
    out: BinaryIO,
    *,
    title: str,
    author: str,
    lang: str,
    top: float,
    bottom: float,
    furniture: Furniture,
) -> BaseDocTemplate:
    """An A4 document of one frame between the margins, ``furniture`` drawn on every page."""
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author=author[:NAME_CHARS],
        lang=lang,
        initialFontName=REGULAR,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top,
        bottomMargin=bottom,
    )
    frame = Frame(MARGIN, bottom, WIDTH, PAGE_H - top - bottom, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=furniture)])
    return doc


def furniture(office: str, footer: str, footer_width: float, numbered: bool) -> Furniture:
    """The office at the top, ``footer`` (cut to ``footer_width``) at the bottom left and,
    ``numbered``, "Page N" at the bottom right."""

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(TEXT)
        canvas.setFont(BOLD, 9)
        canvas.drawString(MARGIN, PAGE_H - 13 * mm, fonts.shorten(office, WIDTH, BOLD, 9))
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, PAGE_H - 15.5 * mm, PAGE_W - MARGIN, PAGE_H - 15.5 * mm)
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 7.5)
        if footer:
            canvas.drawString(MARGIN, 10 * mm, fonts.shorten(footer, footer_width, REGULAR, 7.5))
        if numbered:
            page = _("Page %(page)d") % {"page": doc.page}
            canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, page)
        canvas.restoreState()

    return draw


def reach_line(phone: str, email: str, website: str) -> str:
    """How to reach someone on one line: "0375 … · mail@… · www…" (the empty ones left out)."""
    return " · ".join(x.strip() for x in (phone, email, website) if x.strip())
