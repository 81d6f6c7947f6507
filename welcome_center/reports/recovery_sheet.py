"""The recovery key on one A4 page, to print for the data protection officer's safe: the office,
the database file, the date, the key in large letters, and what it is for. Never stored by the
program: made from the key in memory, once, at set-up or encryption."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from welcome_center.i18n import _, format_date
from welcome_center.reports import fonts
from welcome_center.reports.fonts import BOLD, REGULAR


def recovery_sheet_texts() -> list[str]:
    """What the sheet (and the dialog that shows the key) says about the key."""
    return [
        _(
            "This key opens the office's encrypted database when every password is lost, and "
            "a backup of it. Whoever holds it can read every client's data."
        ),
        _(
            "Keep this sheet in the data protection officer's safe. Do not keep it on the "
            "computer, and do not send it by e-mail. The program does not store the key and "
            "cannot show it again."
        ),
    ]


def render_recovery_sheet(office: str, database: str, key: str, on: date) -> bytes:
    fonts.register()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
        bottomMargin=20 * mm, title=_("Recovery key"), author=office,
    )  # fmt: skip
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14.5)
    head = ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=17, leading=22)
    keystyle = ParagraphStyle(
        "key", parent=body, fontName=BOLD, fontSize=15, leading=22, alignment=1
    )
    facts = Table(
        [
            [Paragraph(escape(_("Office")), body), Paragraph(escape(office), body)],
            [Paragraph(escape(_("Database file")), body), Paragraph(escape(database), body)],
            [Paragraph(escape(_("Made on")), body), Paragraph(escape(format_date(on)), body)],
        ],
        colWidths=[45 * mm, 125 * mm],
    )
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    box = Table([[Paragraph(escape(key), keystyle)]], colWidths=[170 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    story = [
        Paragraph(escape(_("Recovery key")), head),
        Spacer(1, 6 * mm),
        facts,
        Spacer(1, 8 * mm),
        box,
        Spacer(1, 8 * mm),
    ]
    for text in recovery_sheet_texts():
        story += [Paragraph(escape(text), body), Spacer(1, 3 * mm)]
    doc.build(story)
    return out.getvalue()
