"""An access request (Art. 15 GDPR) as PDF or JSON, in the active language.

The PDF has the look of the statistics report (:mod:`welcome_center.reports.pdf`): the office,
the title and the date on every page, sections with headings, striped tables whose long notes
wrap and go on over the page, page numbers. The JSON has stable English keys, ISO dates and
times, codes beside their labels, and is UTF-8.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from welcome_center.domain.access import (
    AccessConsultation,
    AccessDocument,
    AccessExport,
    AccessFollowUp,
    AccessParty,
    AccessPartyLink,
    AccessRecord,
    AccessReferral,
)
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.documents import kind_of
from welcome_center.domain.enums import ClientKind, FollowUpSource, Vocabulary
from welcome_center.i18n import (
    _,
    country_name,
    format_date,
    format_short_date,
    format_size,
    language,
    ngettext,
)
from welcome_center.i18n.labels import label
from welcome_center.reports import charts, fonts
from welcome_center.reports.access_json import (
    entity_words,
    explanation,
    facts,
    field_words,
    title,
)
from welcome_center.reports.access_json import render_json as render_json  # one module to call
from welcome_center.reports.fonts import REGULAR
from welcome_center.reports.pdf import (
    BOTTOM,
    MARGIN,
    MUTED,
    PAGE_H,
    TOP,
    WIDTH,
    ZEBRA,
    Styles,
    _header,
    _numbered_canvas,
    _page_text,
    _styles,
    _table,
)

LABEL_COL = 135.0  # the label column of a table of fields
# A long note is cut into table rows of this many lines: a table row cannot go on over a page,
# a table can between its rows.
CHUNK_LINES = 10
PADDING = 4.0  # left and right in a cell, as pdf._table has it
DATE_COL = 66.0  # 31/12/2026 at 9 pt with the cell's padding


# --- PDF ---------------------------------------------------------------------------------------


def render_pdf(export: AccessExport) -> bytes:
    """The export as PDF bytes (A4, DejaVu fonts) in the active language."""
    fonts.register()
    out = io.BytesIO()
    name = export.person.display_name
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=f"{title()} – {name}",
        author=export.office_name,
        lang=language(),
        initialFontName=REGULAR,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
    )
    frame = Frame(MARGIN, BOTTOM, WIDTH, PAGE_H - TOP - BOTTOM, 0, 0, 0, 0, id="body")
    header = _header(export.office_name, f"{title()} – {name}", _created(export))
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=header)])
    doc.build(_Story(export).flowables(), canvasmaker=_numbered_canvas(_page_text))
    return out.getvalue()


def _created(export: AccessExport) -> str:
    return _("Created on %(date)s") % {"date": format_date(_local(export.created_at), "long")}


def _local(at: datetime) -> date:
    return (at.astimezone(OFFICE_TZ) if at.tzinfo is not None else at).date()


def _moment(at: datetime) -> str:
    local = at.astimezone(OFFICE_TZ) if at.tzinfo is not None else at
    return f"{format_short_date(local.date())} {local:%H:%M}"


def _day(value: date | None) -> str:
    return format_short_date(value) if value is not None else ""


_Rows = tuple[list[list[Paragraph | str]], list[tuple[int, int]]]


def _first(style: str) -> str:
    """The style of a row's first cell: a table of fields has its labels there."""
    return "label" if style == "field" else style


def _joined(top: int, bottom: int) -> list[Any]:
    """No padding between the table rows of one entry: its text reads on."""
    if bottom == top:
        return []
    return [
        ("BOTTOMPADDING", (0, top), (-1, bottom - 1), 0),
        ("TOPPADDING", (0, top + 1), (-1, bottom), 0),
    ]


def _source(f: AccessFollowUp) -> str:
    """Why a follow-up was set, when the program set it (one set by hand needs no words)."""
    return "" if f.source is FollowUpSource.MANUAL else label(f.source)


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


class _Story:
    """The flowables of one export, with its styles and language."""

    def __init__(self, export: AccessExport) -> None:
        self.export = export
        self.lang = language()
        self.st: Styles = _styles()
        self.st["label"] = self.st["cell"].clone("label", textColor=MUTED)
        self.st["field"] = self.st["cell"]
        self.st["h4"] = self.st["h3"].clone(
            "h4", fontSize=9.5, leading=12.5, spaceBefore=8, spaceAfter=3, textColor=MUTED
        )

    # -- helpers ---------------------------------------------------------------------------

    def p(self, text: str, style: str = "cell") -> Paragraph:
        """A paragraph of plain text (user text is data, never markup); lines stay lines."""
        return Paragraph(escape(text).replace("\n", "<br/>"), self.st[style])

    def vocab(self, vocabulary: Vocabulary, code: str | None) -> str:
        return self.export.label(vocabulary, code, self.lang)

    def vocabs(self, vocabulary: Vocabulary, codes: Sequence[str]) -> str:
        return ", ".join(self.vocab(vocabulary, c) for c in codes)

    def rows(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        first: int,
        style: str = "cell",
    ) -> _Rows:
        """Table rows for ``rows`` (plain texts) in columns of ``widths``, the data rows starting
        at row ``first``: a long text (a note) goes on in rows below its own, its lines as
        they would flow, with nothing between them, so that the table can break between any
        of them (a table row itself never goes on over a page). Returns the rows and, per
        entry, its first and last table row."""
        data: list[list[Paragraph | str]] = []
        spans: list[tuple[int, int]] = []
        for row in rows:
            pieces = [
                self.pieces(cell, _first(style) if i == 0 else style, widths[i] - 2 * PADDING)
                for i, cell in enumerate(row)
            ]
            top = first + len(data)
            for k in range(max(len(p) for p in pieces)):
                data.append([p[k] if k < len(p) else "" for p in pieces])
            spans.append((top, first + len(data) - 1))
        return data, spans

    def pieces(self, text: str, style: str, width: float) -> list[Paragraph]:
        """``text`` as paragraphs of at most CHUNK_LINES lines at ``width``, cut between lines."""
        para = self.p(text, style)
        out: list[Paragraph] = []
        height = CHUNK_LINES * self.st[style].leading
        while len(text) > CHUNK_LINES * 20:  # fewer characters fill fewer lines: no cut
            _w, h = para.wrap(width, 1e9)
            parts = para.split(width, height) if h > height + 1 else []
            if len(parts) < 2:
                break
            out.append(parts[0])
            para = parts[1]
        out.append(para)
        return out

    def fields(self, rows: Sequence[tuple[str, str]]) -> Table:
        """A table of fields: the label on the left, the value (wrapping) on the right; empty
        values are shown as such ("–"), so that nothing seems left out."""
        widths = [LABEL_COL, WIDTH - LABEL_COL]
        data, spans = self.rows([(k, v or "–") for k, v in rows], widths, 0, "field")
        table = Table(data, colWidths=widths, hAlign="LEFT")
        commands: list[Any] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ]
        for top, bottom in spans:
            commands.append(("LINEBELOW", (0, bottom), (-1, bottom), 0.4, charts.GRID))
            commands += _joined(top, bottom)
        table.setStyle(TableStyle(commands))
        return table

    def table(
        self, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> Table:
        """A striped table with a header row (repeated on the next page); a long cell (a note)
        wraps and goes on over the page."""
        data, spans = self.rows(rows, widths, 1)
        extra: list[Any] = []
        for n, (top, bottom) in enumerate(spans):
            extra.append(("BACKGROUND", (0, top), (-1, bottom), ZEBRA if n % 2 else colors.white))
            extra += _joined(top, bottom)
        return _table([[self.p(h, "head") for h in head], *data], widths, extra)

    def none(self, text: str) -> Paragraph:
        return self.p(text, "body")

    # -- the story -------------------------------------------------------------------------

    def flowables(self) -> list[Flowable]:
        e = self.export
        story: list[Flowable] = [
            self.p(title(), "title"),
            self.p(e.person.display_name, "period"),
            self.p(
                f"{e.office_name} · {_created(e)} · " + _("by %(name)s") % {"name": e.created_by},
                "meta",
            ),
            self.p(explanation(), "note"),
        ]
        story += self.person()
        story += self.records()
        story += self.party_of()
        story += self.residence()
        story += self.recognitions()
        story += self.consents()
        story += self.accesses()
        return story

    def person(self) -> list[Flowable]:
        p = self.export.person
        rows = [
            (_("Family name"), p.family_name),
            (_("Given name"), p.given_name),
            (_("Birth date"), _day(p.birth_date)),
            (_("Birth year"), str(p.birth_year or "")),
            (_("Nationality"), country_name(p.nationality) if p.nationality else ""),
            (_("Second nationality"), country_name(p.nationality_2) if p.nationality_2 else ""),
            (_("Municipality"), self.vocab(Vocabulary.MUNICIPALITY, p.municipality)),
            (_("E-mail"), p.email),
            (_("Phone"), p.phone),
            (_("Languages"), p.languages),
            (_("Notes"), p.notes),
            *((title, label(value) if value is not None else "") for title, value in facts(p)),
            (_("Arrival year"), str(p.arrival_year or "")),
            (_("Recorded on"), _moment(p.created_at)),
            (_("Last changed on"), _moment(p.updated_at)),
        ]
        if p.anonymised_at is not None:
            rows.append((_("Anonymised on"), _moment(p.anonymised_at)))
        return [self.p(_("Personal data"), "h2"), self.fields(rows)]

    def records(self) -> list[Flowable]:
        records = self.export.records
        story: list[Flowable] = [self.p(_("Records"), "h2")]
        if not records:
            return [*story, self.none(_("The person is the client of no record."))]
        story.append(
            self.p(
                ngettext(
                    "The person is the client of %(n)d record.",
                    "The person is the client of %(n)d records.",
                    len(records),
                )
                % {"n": len(records)},
                "body",
            )
        )
        for r in records:
            story += self.record(r)
        return story

    def record(self, r: AccessRecord) -> list[Flowable]:
        heading = f"{r.number} · {label(r.kind)} · {label(r.status)}"
        rows = [
            (_("Opened on"), _day(r.opened_on)),
            (_("Became a case on"), _day(r.promoted_on)),
            (_("Closed on"), _day(r.closed_on)),
            (_("Closing reason"), self.vocab(Vocabulary.CLOSING_REASON, r.closing_reason)),
            (_("Counsellor"), r.counsellor or ""),
            (_("Requester type"), self.vocab(Vocabulary.REQUESTER_TYPE, r.requester_type)),
            (_("Channel"), self.vocab(Vocabulary.CHANNEL, r.channel)),
            (_("Municipality"), self.vocab(Vocabulary.MUNICIPALITY, r.municipality)),
            (_("Topics"), self.vocabs(Vocabulary.TOPIC, r.topics)),
            (_("Services"), self.vocabs(Vocabulary.SERVICE, r.services)),
            (_("Summary"), r.summary),
            (_("Further parties"), "; ".join(self.party(x) for x in r.parties)),
        ]
        if r.legal_hold_reason is not None:
            rows.append((_("Legal hold (reason)"), r.legal_hold_reason))
        story: list[Flowable] = [
            KeepTogether([self.p(heading, "h3"), self.fields(rows[:4])]),
            self.fields(rows[4:]),
        ]
        story += self.consultations(r.consultations)
        story += self.referrals(r.referrals)
        story += self.follow_ups(r.follow_ups)
        story += self.documents(r.documents)
        return story

    def party(self, x: AccessParty) -> str:
        if x.name is not None:
            return f"{x.name} ({label(x.role)})"
        return _("another person (%(role)s)") % {"role": label(x.role)}

    def consultations(self, items: Sequence[AccessConsultation]) -> list[Flowable]:
        head = self.p(_("Consultations"), "h4")
        if not items:
            return [head, self.none(_("No consultations."))]
        rows = []
        for c in items:
            facts = [
                _("first contact") if c.is_first else _("follow-up contact"),
                _("%(n)d min.") % {"n": c.duration_minutes} if c.duration_minutes else "",
                self.vocab(Vocabulary.CHANNEL, c.channel),
                c.counsellor or "",
                self.vocabs(Vocabulary.TOPIC, c.topics),
                _("language: %(language)s") % {"language": c.language} if c.language else "",
                _("with interpreter") if c.interpreter else "",
            ]
            rows.append([_day(c.held_on), "\n".join(f for f in facts if f), c.notes])
        widths = (DATE_COL, 150.0, WIDTH - DATE_COL - 150.0)
        return [head, self.table((_("Date"), _("Details"), _("Notes")), rows, widths)]

    def referrals(self, items: Sequence[AccessReferral]) -> list[Flowable]:
        head = self.p(_("Referrals"), "h4")
        if not items:
            return [head, self.none(_("No referrals."))]
        rows = []
        for f in items:
            facts = [
                f.partner,
                self.vocab(Vocabulary.TOPIC, f.topic),
                label(f.status),
                _("feedback on %(date)s") % {"date": _day(f.feedback_on)} if f.feedback_on else "",
            ]
            texts = [
                _("Reason: %(text)s") % {"text": f.reason} if f.reason else "",
                _("Outcome: %(text)s") % {"text": f.outcome} if f.outcome else "",
                _("Made without consent: %(text)s") % {"text": f.consent_override_reason}
                if f.consent_override_reason
                else "",
            ]
            rows.append(
                [_day(f.referred_on), "\n".join(x for x in facts if x),
                 "\n".join(x for x in texts if x)]
            )  # fmt: skip
        widths = (DATE_COL, 150.0, WIDTH - DATE_COL - 150.0)
        return [head, self.table((_("Date"), _("Partner"), _("Reason and outcome")), rows, widths)]

    def follow_ups(self, items: Sequence[AccessFollowUp]) -> list[Flowable]:
        head = self.p(_("Follow-ups"), "h4")
        if not items:
            return [head, self.none(_("No follow-ups."))]
        rows = [
            [_day(f.due_on), _day(f.done_on), f.assigned_to or "",
             "\n".join(x for x in (_source(f), f.note) if x)]
            for f in items
        ]  # fmt: skip
        widths = (DATE_COL, DATE_COL, 100.0, WIDTH - 2 * DATE_COL - 100.0)
        return [head, self.table((_("Due"), _("Done"), _("For"), _("Note")), rows, widths)]

    def documents(self, items: Sequence[AccessDocument]) -> list[Flowable]:
        head = self.p(_("Documents"), "h4")
        if not items:
            return [head, self.none(_("No documents."))]
        rows = [
            [_moment(d.added_at), d.file_name, label(kind_of(d.media_type)), format_size(d.size),
             d.added_by or ""]
            for d in items
        ]  # fmt: skip
        widths = (92.0, WIDTH - 92 - 80 - 60 - 100, 80.0, 60.0, 100.0)
        head_row = (_("Added on"), _("File name"), _("Kind"), _("Size"), _("Added by"))
        return [head, self.table(head_row, rows, widths)]

    def party_of(self) -> list[Flowable]:
        head = self.p(_("Records of others the person is linked to"), "h2")
        links = self.export.party_of
        if not links:
            return [head, self.none(_("The person is linked to no record of someone else."))]
        intro = self.p(
            _("Only the link is shown: the record's notes belong to its client."), "note"
        )
        rows = [
            [x.record_number, label(x.record_kind), _day(x.opened_on), label(x.role),
             self.client(x), x.note]
            for x in links
        ]  # fmt: skip
        widths = (82.0, 55.0, DATE_COL, 85.0, 95.0, WIDTH - 82 - 55 - DATE_COL - 85 - 95)
        head_row = (_("Record"), _("Kind"), _("Opened"), _("Role"), _("Client"), _("Note"))
        return [head, intro, self.table(head_row, rows, widths)]

    def client(self, x: AccessPartyLink) -> str:
        if x.client_kind is ClientKind.ORGANISATION and x.client_name:
            return x.client_name
        return _("another person")

    def residence(self) -> list[Flowable]:
        head = self.p(_("Residence titles"), "h2")
        titles = self.export.residence_titles
        if not titles:
            return [head, self.none(_("No residence titles."))]
        rows = [
            [self.vocab(Vocabulary.RESIDENCE_TITLE, t.title), _day(t.valid_from),
             _day(t.expires_on), _yes(t.accelerated_procedure), t.notes]
            for t in titles
        ]  # fmt: skip
        widths = (130.0, DATE_COL, DATE_COL, 80.0, WIDTH - 130 - 2 * DATE_COL - 80)
        head_row = (_("Title"), _("Valid from"), _("Expires on"), _("Fast-track (§ 81a)"),
                    _("Notes"))  # fmt: skip
        return [head, self.table(head_row, rows, widths)]

    def recognitions(self) -> list[Flowable]:
        head = self.p(_("Recognition procedures"), "h2")
        items = self.export.recognitions
        if not items:
            return [head, self.none(_("No recognition procedures."))]
        story: list[Flowable] = [head]
        for x in items:
            rows = [
                (_("Qualification"), x.qualification),
                (_("Reference occupation"), x.reference_occupation),
                (_("Regulated"), _yes(x.regulated)),
                (_("Competent body"), x.competent_body),
                (_("State"), label(x.state)),
                (_("Decision"), label(x.decision) if x.decision is not None else ""),
                (_("Submitted on"), _day(x.submitted_on)),
                (_("Decided on"), _day(x.decided_on)),
                (_("Record"), x.record_number),
                (_("Notes"), x.notes),
            ]
            story.append(self.fields(rows))
            story.append(self.p("", "body"))
        return story

    def consents(self) -> list[Flowable]:
        head = self.p(_("Consents"), "h2")
        items = self.export.consents
        if not items:
            return [head, self.none(_("No consents recorded."))]
        rows = [
            [label(c.purpose), c.partner or "", _day(c.given_on), label(c.form), c.text_version,
             c.recorded_by or "", _day(c.withdrawn_on)]
            for c in items
        ]  # fmt: skip
        widths = (80.0, 90.0, DATE_COL, 55.0, 52.0, 75.0, WIDTH - 80 - 90 - DATE_COL - 182)
        head_row = (_("Purpose"), _("Partner"), _("Given on"), _("Form"), _("Version"),
                    _("Recorded by"), _("Withdrawn on"))  # fmt: skip
        return [head, self.table(head_row, rows, widths)]

    def accesses(self) -> list[Flowable]:
        head = self.p(_("Who read or changed the data"), "h2")
        entries = self.export.audit
        if not entries:
            return [head, self.none(_("No entries."))]
        intro = self.p(
            _("From the audit log, oldest first: staff of the office and the command line "
              "(“system”). Changes name the fields, never their content."),
            "note",
        )  # fmt: skip
        rows = []
        for e in entries:
            who = f"{e.actor_name} ({e.actor})" if e.actor_name else e.actor
            action = label(e.action) if isinstance(e.action, AuditAction) else e.action
            about = entity_words(e.about)["label"]
            if e.record_number:
                about = f"{about} {e.record_number}"
            rows.append([_moment(e.at), who, action, about, field_words(e.fields)])
        widths = (92.0, 100.0, 110.0, 95.0, WIDTH - 92 - 100 - 110 - 95)
        head_row = (_("When"), _("Who"), _("What"), _("About"), _("Fields"))
        return [head, intro, self.table(head_row, rows, widths)]
