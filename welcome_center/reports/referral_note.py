"""The referral note for a partner: who is referred, for what, by whom, with the client's
details the counsellor ticked and the consent that allows passing them on; as an A4 PDF and as
the text of an e-mail (:func:`note_subject`, :func:`note_text`), in German or English. Both are
made from the same lines, so the e-mail says what the PDF says."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from welcome_center import i18n
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.printouts import ClientDetail, NoteContent
from welcome_center.i18n import _, country_name, format_short_date
from welcome_center.reports import fonts, sheet
from welcome_center.reports.fonts import BOLD, REGULAR
from welcome_center.reports.sheet import MUTED, NAME_CHARS, RULE, TEXT, WIDTH

TOP, BOTTOM = 24 * mm, 18 * mm


def _detail_label(d: ClientDetail) -> str:
    return {
        ClientDetail.BIRTH_DATE: _("Born on"),
        ClientDetail.NATIONALITY: _("Nationality"),
        ClientDetail.LANGUAGES: _("Languages"),
        ClientDetail.PHONE: _("Phone"),
        ClientDetail.EMAIL: _("E-mail"),
        ClientDetail.WEBSITE: _("Website"),
    }[d]


def _detail_value(d: ClientDetail, value: str) -> str:
    if d is ClientDetail.BIRTH_DATE:
        from datetime import date

        return format_short_date(date.fromisoformat(value))
    if d is ClientDetail.NATIONALITY:
        return ", ".join(country_name(c) for c in value.split(",") if c)
    return value


def _client_rows(c: NoteContent) -> list[tuple[str, str]]:
    name = _("Name") if c.client_kind is ClientKind.PERSON else _("Organisation")
    rows = [(name, c.client_name[:NAME_CHARS])]
    rows += [(_detail_label(d), _detail_value(d, v)) for d, v in c.details]
    return rows


def _consent_line(c: NoteContent) -> str:
    values = {"date": format_short_date(c.consent_given_on), "partner": c.partner.name}
    if c.consent_partner:
        text = _("Consent to the referral to %(partner)s was given on %(date)s.")
    else:
        text = _("Consent to referrals to the partners of our network was given on %(date)s.")
    return (
        text % values
        + " "
        + _("This note passes on only the details above; please use them for this matter only.")
    )


def _office_lines(c: NoteContent) -> list[str]:
    return [c.counsellor, c.office.name, *c.office.lines()] if c.counsellor else [
        c.office.name, *c.office.lines()
    ]  # fmt: skip


def note_subject(content: NoteContent) -> str:
    """The e-mail's subject: the office and its reference, no name of the client."""
    with i18n.using(content.language):
        return _("Referral from %(office)s (our reference %(number)s)") % {
            "office": content.office.name,
            "number": content.record_number,
        }


def note_text(content: NoteContent) -> str:
    """The note as the text of an e-mail."""
    with i18n.using(content.language):
        c = content
        lines = [
            _("Dear colleagues,"),
            "",
            _("we are passing the following matter on to you."),
            "",
        ]
        lines += [f"{label}: {value}" for label, value in _client_rows(c)]
        lines += [""]
        if c.topic:
            lines.append(_("Topic: %(topic)s") % {"topic": c.topic})
        lines.append(_("Referred on: %(date)s") % {"date": format_short_date(c.referred_on)})
        if c.message:
            lines += ["", _("What it is about:"), c.message]
        lines += ["", _consent_line(c), ""]
        lines += [_("Please let us know whether you can take up the matter."), ""]
        lines += [_("Kind regards"), *_office_lines(c)]
        lines += ["", _("Our reference: %(number)s") % {"number": c.record_number}]
        return "\n".join(lines) + "\n"


# --- the PDF -------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14.5, textColor=TEXT)
    return {
        "body": ParagraphStyle("body2", base, spaceAfter=6),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=3,
        ),
        "cell": base,
        "label": ParagraphStyle("label", base, textColor=MUTED),
        "small": ParagraphStyle("small", base, fontSize=9, leading=12.5, textColor=MUTED),
    }


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _pairs(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle], label_width: float) -> Table:
    data = [[Paragraph(_text(a), st["label"]), Paragraph(_text(b), st["cell"])] for a, b in rows]
    table = Table(data, colWidths=[label_width, WIDTH - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return table


def render_referral_note(content: NoteContent) -> bytes:
    """The note as PDF bytes, in ``content.language``."""
    with i18n.using(content.language):
        return _render(content)


def _render(c: NoteContent) -> bytes:
    fonts.register()
    out = io.BytesIO()
    title = _("Referral to %(partner)s") % {"partner": c.partner.name[:NAME_CHARS]}
    reference = _("Our reference: %(number)s") % {"number": c.record_number}
    reach = sheet.reach_line(c.office.phone, c.office.email, c.office.website)
    doc = sheet.document(
        out,
        title=title,
        author=c.office.name,
        lang=c.language,
        top=TOP,
        bottom=BOTTOM,
        furniture=sheet.furniture(c.office.name, reach or reference, WIDTH * 0.8, True),
    )
    st = _styles()
    story: list[Any] = [
        Paragraph(_text(title), st["title"]),
        Paragraph(_text(f"{reference} · {format_short_date(c.day)}"), st["small"]),
        Spacer(1, 4 * mm),
    ]
    partner = [c.partner.name, *(x for x in (c.partner.phone, c.partner.email) if x)]
    partner += c.partner.people  # its contact persons, as the directory has them
    heads = [(_("To"), "\n".join(partner)), (_("From"), "\n".join(_office_lines(c)))]
    client = _client_rows(c)
    referral = [(_("Topic"), c.topic)] if c.topic else []
    referral.append((_("Referred on"), format_short_date(c.referred_on)))
    label = st["label"]
    widest = max(
        stringWidth(a, label.fontName, label.fontSize) for a, _b in heads + client + referral
    )
    width = min(widest + 12, WIDTH * 0.35)  # one column for every label, as wide as the longest
    story.append(_pairs(heads, st, width))
    story.append(Paragraph(_text(_("Client")), st["heading"]))
    story.append(_pairs(client, st, width))
    story.append(Paragraph(_text(_("Referral")), st["heading"]))
    story.append(_pairs(referral, st, width))
    if c.message:
        story.append(Paragraph(_text(_("What it is about")), st["heading"]))
        story.append(Paragraph(_text(c.message), st["body"]))
    story.append(Spacer(1, 5 * mm))
    story.append(Paragraph(_text(_consent_line(c)), st["small"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(_text(_("Please let us know whether you can take up the matter.")), st["body"])
    )
    doc.build(story)
    return out.getvalue()
