"""The printable consent form for one client: A4, DejaVu fonts, in the client's language (German
or English). The office's own wording (its administrator edits it in the settings), then the
purposes as tick boxes, the partners of the directory for a referral, and lines for the place,
the date and the signatures. Nothing on it is ticked except the partner it is printed for."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from welcome_center import i18n
from welcome_center.domain.consent import ConsentFormContent, FormPartner
from welcome_center.i18n import _, format_date
from welcome_center.reports import fonts, sheet
from welcome_center.reports.fonts import BOLD, REGULAR
from welcome_center.reports.sheet import MUTED, NAME_CHARS, TEXT, WIDTH

TOP, BOTTOM = 24 * mm, 18 * mm
LINE = colors.HexColor("#1B1F24")
BOX, TICKED = "\u2610", "\u2612"  # ☐ ☒ (both in DejaVu Sans)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5, textColor=TEXT)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=14, leading=18),
        "heading": ParagraphStyle(
            "heading", base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
        "box": ParagraphStyle("box", base, leftIndent=16, firstLineIndent=-16, spaceAfter=3),
        "partner": ParagraphStyle(
            "partner", base, fontSize=9, leading=12, leftIndent=12, firstLineIndent=-12
        ),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED),
    }


def _text(value: str) -> str:
    """User text as Paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def render_consent_form(content: ConsentFormContent) -> bytes:
    """The form as PDF bytes, in ``content.language``."""
    with i18n.using(content.language):
        return _render(content)


def _render(content: ConsentFormContent) -> bytes:
    fonts.register()
    out = io.BytesIO()
    title = _("Consent to the processing of personal data")
    footer = _("Text version %(version)s · printed on %(date)s") % {
        "version": content.text_version,
        "date": format_date(content.printed_on),
    }
    doc = sheet.document(
        out,
        title=title,
        author=content.office_name,
        lang=content.language,
        top=TOP,
        bottom=BOTTOM,
        furniture=sheet.furniture(content.office_name, footer, WIDTH * 0.75, True),
    )
    st = _styles()
    story: list[Any] = [Paragraph(escape(title), st["title"]), Spacer(1, 3 * mm)]
    story.append(_client_table(content, st))
    story.append(Spacer(1, 5 * mm))
    for part in content.text.strip().split("\n\n"):
        if part.strip():
            story.append(Paragraph(_text(part.strip()), st["body"]))
            story.append(Spacer(1, 2.5 * mm))
    story.append(Paragraph(escape(_("I consent to:")), st["heading"]))

    def box(text: str, style: str = "box", indent: str = "") -> Paragraph:
        return Paragraph(f"{indent}{BOX}&nbsp;&nbsp;{escape(text)}", st[style])

    sub = "&nbsp;" * 6
    story.append(box(_("Counselling: my information is stored and processed for my counselling.")))
    story.append(box(_("Referral: the office passes the information my matter needs to")))
    story.append(box(_("all partners of the office's network, or"), indent=sub))
    story.append(box(_("only the partners ticked here:"), indent=sub))
    story.append(_partners_table(content.partners, st))
    story.append(Spacer(1, 1.5 * mm))
    story.append(box(_("Employer: the office talks with my employer about my matter.")))
    story.append(box(_("Events: the office invites me to information events.")))
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            escape(
                _(
                    "I can withdraw this consent at any time, entirely or for single purposes, "
                    "without giving reasons; the withdrawal applies from then on."
                )
            ),
            st["small"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether(_signature_table(st)))
    doc.build(story)
    return out.getvalue()


def _client_table(content: ConsentFormContent, st: dict[str, ParagraphStyle]) -> Table:
    born = format_date(content.birth_date) if content.birth_date else ""
    rows = [
        [
            Paragraph(escape(_("Name:")), st["body"]),
            Paragraph(_text(content.client_name[:NAME_CHARS]), st["body"]),
        ],
        [Paragraph(escape(_("Born on:")), st["body"]), Paragraph(escape(born), st["body"])],
    ]
    table = Table(rows, colWidths=[30 * mm, WIDTH - 30 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _partners_table(partners: tuple[FormPartner, ...], st: dict[str, ParagraphStyle]) -> Any:
    """The directory's partners in two columns, each with its box; a blank line to write one
    in when the directory is empty."""
    indent = 16 * mm
    if not partners:
        blank = Table([[""]], colWidths=[WIDTH - indent], rowHeights=[8 * mm])
        blank.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE)]))
        blank.hAlign = "RIGHT"
        return blank
    cells = [
        Paragraph(
            f"{TICKED if p.ticked else BOX}&nbsp;&nbsp;{escape(p.name[:NAME_CHARS])}",
            st["partner"],
        )
        for p in partners
    ]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:]
    rows = [[a, right[i] if i < len(right) else ""] for i, a in enumerate(left)]
    column = (WIDTH - indent) / 2
    table = Table(rows, colWidths=[column, column], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _signature_table(st: dict[str, ParagraphStyle]) -> Table:
    gap = 10 * mm
    column = (WIDTH - gap) / 2
    rows = [
        ["", "", ""],
        [
            Paragraph(escape(_("Place, date")), st["small"]),
            "",
            Paragraph(escape(_("Signature of the client")), st["small"]),
        ],
        ["", "", ""],
        [
            Paragraph(escape(_("Place, date")), st["small"]),
            "",
            Paragraph(escape(_("Signature for the office")), st["small"]),
        ],
    ]
    table = Table(
        rows,
        colWidths=[column, gap, column],
        rowHeights=[11 * mm, None, 13 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.5, LINE),
                ("LINEBELOW", (2, 0), (2, 0), 0.5, LINE),
                ("LINEBELOW", (0, 2), (0, 2), 0.5, LINE),
                ("LINEBELOW", (2, 2), (2, 2), 0.5, LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 2),
                ("TOPPADDING", (0, 3), (-1, 3), 2),
            ]
        )
    )
    return table
