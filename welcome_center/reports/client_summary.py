"""The client summary to take home: one A4 page in the client's language, from the office's
template for that language (:mod:`welcome_center.domain.printouts`), with the topics, the next
steps, the partners and how to reach the office. The same blocks give the desk's preview as
plain text (:func:`summary_text`), so that the preview shows what is printed.

A sheet printed in English for want of a text in the language chosen says so at its top.
Words that are not the office's (the furniture) carry no language: the office's name above,
its phone, e-mail and website below.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from welcome_center import i18n
from welcome_center.domain.printouts import (
    INLINE,
    LANGUAGE_NAMES,
    LISTS,
    Block,
    Part,
    PartnerContact,
    SummaryContent,
    drop_empty_parts,
    fill_inline,
    locale_of,
    parse_template,
)
from welcome_center.i18n import _
from welcome_center.reports import fonts, sheet
from welcome_center.reports.fonts import BOLD, REGULAR
from welcome_center.reports.sheet import MUTED, NAME_CHARS, RULE, TEXT, WIDTH

TOP, BOTTOM = 22 * mm, 16 * mm
NOTICE_BG = colors.HexColor("#FFF4D6")


@dataclass(frozen=True)
class Item:
    """One block of the sheet as it is shown: ``text`` for a title, heading, paragraph or the
    notice; ``rows`` for a list (a topic, a step's day and text, a partner's lines)."""

    part: Part | str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def day_text(day: date, language: str, fmt: str = "long") -> str:
    """A date in the sheet's language ("15. Januar 2027", "15 January 2027")."""
    return format_date(day, fmt, locale=locale_of(language))


def fallback_notice(content: SummaryContent) -> str:
    """The line that says the sheet is in English, and why (in English: the client reads it)."""
    with i18n.using("en"):
        return _("This sheet is in English because there is no text in %(language)s yet.") % {
            "language": LANGUAGE_NAMES.get(content.asked, content.asked)
        }


def _partner_rows(p: PartnerContact, topics: tuple[str, ...]) -> tuple[str, ...]:
    """A partner: its name, what for ("" if no topic), how to reach it, its contact persons."""
    reach = sheet.reach_line(p.phone, p.email, p.website)
    return (p.name[:NAME_CHARS], ", ".join(topics), *([reach] if reach else []), *p.people)


def summary_items(content: SummaryContent) -> list[Item]:
    """The sheet's blocks, in order, filled in."""
    lists: dict[Part, tuple[tuple[str, ...], ...]] = {
        Part.TOPICS: tuple((t,) for t in content.topics),
        Part.STEPS: tuple(
            (day_text(s.due_on, content.language, "full"), s.text) for s in content.steps
        ),
        Part.PARTNERS: tuple(_partner_rows(p, topics) for p, topics in content.partners),
        Part.CONTACT: tuple((line,) for line in content.office.lines()),
    }
    values = dict(
        zip(
            INLINE,
            (content.office.name, content.counsellor, day_text(content.day, content.language)),
            strict=True,
        )
    )
    blocks: tuple[Block, ...] = drop_empty_parts(
        parse_template(content.template), {part for part, rows in lists.items() if not rows}
    )
    items = [Item("notice", fallback_notice(content))] if content.fell_back else []
    for b in blocks:
        if b.part in lists:
            items.append(Item(b.part, rows=lists[b.part]))
        else:
            items.append(Item(b.part, fill_inline(b.text, values)))
    return items


def _plain(item: Item) -> str:
    if item.part == "notice":
        return f"[{item.text}]"
    if item.part is Part.TITLE:
        return item.text.upper()
    if item.part is Part.HEADING:
        return item.text + "\n" + "-" * min(len(item.text), 60)
    if item.part is Part.STEPS:
        return "\n".join(f"{day}: {text}" for day, text in item.rows)
    if item.part is Part.PARTNERS:
        lines = []
        for name, what, *rest in item.rows:
            lines += [f"• {name}" + (f" – {what}" if what else ""), *(f"  {r}" for r in rest)]
        return "\n".join(lines)
    if item.part is Part.TOPICS:
        return "\n".join(f"• {row[0]}" for row in item.rows)
    if item.part is Part.CONTACT:
        return "\n".join(row[0] for row in item.rows)
    return item.text


def summary_text(content: SummaryContent) -> str:
    """The sheet as plain text (the desk's preview): blocks apart by a blank line, a heading
    right above its part, a list right under the line that leads into it."""
    chunks: list[str] = []
    previous: Part | str = ""
    for item in summary_items(content):
        text = _plain(item)
        lead_in = previous is Part.TEXT and item.part in LISTS  # "We referred you to:"
        if previous is Part.HEADING or lead_in:
            chunks[-1] += "\n" + text
        else:
            chunks.append(text)
        previous = item.part
    return "\n\n".join(chunks) + "\n"


# --- the PDF -------------------------------------------------------------------------------------


def _styles(simple: bool) -> dict[str, ParagraphStyle]:
    """Simple German is set larger, as its rules ask."""
    size = 12 if simple else 10.5
    lead = size * 1.35
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=size, leading=lead, textColor=TEXT)
    return {
        "body": ParagraphStyle("body2", base, spaceAfter=size * 0.6),
        "title": ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=size + 6, leading=size + 10, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=size + 1.5,
            leading=lead + 1.5,
            spaceBefore=size * 0.9,
            spaceAfter=3,
        ),
        "item": ParagraphStyle(
            "item", base, leftIndent=14, bulletIndent=3, bulletFontSize=size, spaceAfter=2
        ),
        "sub": ParagraphStyle("sub", base, leftIndent=14, spaceAfter=1),
        "partner": ParagraphStyle("partner", base, leftIndent=14, bulletIndent=3, spaceBefore=3),
        "cell": base,
        "strong": ParagraphStyle("strong", base, fontName=BOLD),
        "small": ParagraphStyle(
            "small", base, fontSize=size - 1.5, leading=(size - 1.5) * 1.35, textColor=MUTED
        ),
        "notice": ParagraphStyle("notice", base, fontName=BOLD),
    }


def _text(value: str) -> str:
    """Text as Paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _flowables(item: Item, st: dict[str, ParagraphStyle]) -> list[Any]:
    if item.part == "notice":
        box = Table([[Paragraph(_text(item.text), st["notice"])]], colWidths=[WIDTH])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), NOTICE_BG),
                    ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#C9A227")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [box, Spacer(1, 4 * mm)]
    if item.part is Part.TITLE:
        return [Paragraph(_text(item.text), st["title"])]
    if item.part is Part.HEADING:
        return [Paragraph(_text(item.text), st["heading"])]
    if item.part is Part.TEXT:
        return [Paragraph(_text(item.text), st["body"])]
    if item.part is Part.TOPICS:
        return [Paragraph(_text(r[0]), st["item"], bulletText="•") for r in item.rows]
    if item.part is Part.STEPS:
        return [_steps_table(item.rows, st)]
    if item.part is Part.PARTNERS:
        out: list[Any] = []
        for name, what, *rest in item.rows:
            head = f"<b>{_text(name)}</b>" + (f" – {_text(what)}" if what else "")
            lines = [Paragraph(head, st["partner"], bulletText="•")]
            lines += [Paragraph(_text(r), st["sub"]) for r in rest]
            out.append(KeepTogether(lines))
        return out
    return [Paragraph("<br/>".join(_text(r[0]) for r in item.rows), st["body"])]


def _steps_table(rows: tuple[tuple[str, ...], ...], st: dict[str, ParagraphStyle]) -> Table:
    style = st["strong"]
    widest = max(pdfmetrics.stringWidth(day, style.fontName, style.fontSize) for day, _t in rows)
    day_width = min(widest + 10, WIDTH * 0.45)
    data = [[Paragraph(_text(day), st["strong"]), Paragraph(_text(text), st["cell"])]
            for day, text in rows]  # fmt: skip
    table = Table(data, colWidths=[day_width, WIDTH - day_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
            ]
        )
    )
    return table


def render_client_summary(content: SummaryContent) -> tuple[bytes, int]:
    """The sheet as PDF bytes, and its number of pages (the service wants one)."""
    fonts.register()
    out = io.BytesIO()
    items = summary_items(content)
    title = next((i.text for i in items if i.part is Part.TITLE), content.office.name)
    office = content.office
    doc = sheet.document(
        out,
        title=title,
        author=office.name,
        lang=locale_of(content.language).replace("_", "-"),
        top=TOP,
        bottom=BOTTOM,
        # The office's phone, e-mail and website at the foot; one page, so no number.
        furniture=sheet.furniture(
            office.name, sheet.reach_line(office.phone, office.email, office.website), WIDTH, False
        ),
    )
    st = _styles(content.language == "de_simple")
    story: list[Any] = []
    for item in items:
        story += _flowables(item, st)
    doc.build(story)
    return out.getvalue(), doc.page
