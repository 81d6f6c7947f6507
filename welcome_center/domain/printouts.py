"""Print-outs for the client and the partner (DOMAIN.md, who uses the program: "prints a summary
for a client"). Pure: what a sheet holds, the client summary's wording as an editable template
per language, and how a sheet is built from what the counsellor chose.

The client summary never holds a record's internal text (its summary, consultation notes,
referral reasons and outcomes, follow-up notes): nothing here carries them. Its topics are
vocabulary labels, its next steps the dates of open follow-ups with the text the counsellor
wrote for the client, its partners the directory's contact data.

A template is plain text: a line ``# …`` is the sheet's title, ``## …`` a heading, other lines
are text (a blank line starts a new paragraph). ``{office}``, ``{counsellor}`` and ``{date}``
stand for themselves anywhere; ``{topics}``, ``{steps}``, ``{partners}`` and ``{contact}``
each stand alone on a line and become a list; a part (from a heading to the next) whose list
is empty is left out. ``{{`` and ``}}`` print a brace.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from welcome_center.domain.enums import ClientKind

# The languages a client summary can be printed in (code, name in that language). German,
# simple German and English have texts of their own; for another language the office's
# administrator may write one, until then the sheet is printed in English and says so.
PRINT_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("de", "Deutsch"),
    ("de_simple", "Deutsch – Einfache Sprache"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("vi", "Tiếng Việt"),
)
LANGUAGE_NAMES: dict[str, str] = dict(PRINT_LANGUAGES)
FALLBACK_LANGUAGE = "en"
TEMPLATE_CHARS = 8_000
STEP_CHARS = 300
MAX_STEPS = 10


def locale_of(language: str) -> str:
    """The Babel locale that formats dates on a sheet in ``language`` (British English, as
    the desk writes it)."""
    return {"de_simple": "de", "en": "en_GB"}.get(language, language)


def vocabulary_language(language: str) -> str:
    """Which of a vocabulary entry's two labels a sheet in ``language`` shows."""
    return "de" if language in ("de", "de_simple") else "en"


# --- the template ------------------------------------------------------------------------------


class Part(StrEnum):
    """What a line of a template is."""

    TITLE = "title"
    HEADING = "heading"
    TEXT = "text"  # one paragraph (its lines kept)
    TOPICS = "topics"
    STEPS = "steps"
    PARTNERS = "partners"
    CONTACT = "contact"


INLINE = ("office", "counsellor", "date")
LISTS = (Part.TOPICS, Part.STEPS, Part.PARTNERS, Part.CONTACT)
PLACEHOLDERS = (*INLINE, *(p.value for p in LISTS))


class TemplateProblem(StrEnum):
    """Why a template cannot be used (the settings say which, in words)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    BRACES = "braces"  # a lone { or }
    UNKNOWN = "unknown"  # a placeholder no sheet fills
    LIST_NOT_ALONE = "list_not_alone"  # {topics} and kin must stand alone on their line


class TemplateError(ValueError):
    def __init__(self, problem: TemplateProblem, line: int = 0, name: str = "") -> None:
        super().__init__(f"{problem.value} line={line} name={name}")
        self.problem = problem
        self.line = line  # 1-based; 0: the whole text
        self.name = name  # the placeholder, for UNKNOWN and LIST_NOT_ALONE


@dataclass(frozen=True)
class Block:
    part: Part
    text: str = ""  # TITLE, HEADING, TEXT: the words, with {office} and kin filled in later


def _names(line: str, number: int) -> list[str]:
    """The placeholders of one line, checked."""
    try:
        parsed = list(string.Formatter().parse(line))
    except ValueError:
        raise TemplateError(TemplateProblem.BRACES, number) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise TemplateError(TemplateProblem.UNKNOWN, number, name)
        names.append(name)
    return names


def parse_template(text: str) -> tuple[Block, ...]:
    """The template's blocks; TemplateError names the first problem."""
    if not text.strip():
        raise TemplateError(TemplateProblem.EMPTY)
    if len(text) > TEMPLATE_CHARS:
        raise TemplateError(TemplateProblem.TOO_LONG)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block(Part.TEXT, "\n".join(paragraph)))
            paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        names = _names(line, number)
        lists = [n for n in names if n in {p.value for p in LISTS}]
        if lists:
            if line != "{" + lists[0] + "}":
                raise TemplateError(TemplateProblem.LIST_NOT_ALONE, number, lists[0])
            end_paragraph()
            blocks.append(Block(Part(lists[0])))
        elif not line:
            end_paragraph()
        elif line.startswith("## "):
            end_paragraph()
            blocks.append(Block(Part.HEADING, line[3:].strip()))
        elif line.startswith("# "):
            end_paragraph()
            blocks.append(Block(Part.TITLE, line[2:].strip()))
        else:
            paragraph.append(line)
    end_paragraph()
    return tuple(blocks)


def template_problem(text: str) -> TemplateError | None:
    """None when ``text`` can be used as a template."""
    try:
        parse_template(text)
    except TemplateError as exc:
        return exc
    return None


def fill_inline(text: str, values: Mapping[str, str]) -> str:
    """``text`` with ``{office}``, ``{counsellor}`` and ``{date}`` filled in (``{{`` is "{")."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)


def drop_empty_parts(blocks: tuple[Block, ...], empty: set[Part]) -> tuple[Block, ...]:
    """The blocks without the lists in ``empty``: a part (a heading and what follows it up to
    the next heading or title) that holds a list and only empty ones is left out whole."""
    sections: list[list[Block]] = [[]]
    for b in blocks:
        if b.part in (Part.HEADING, Part.TITLE):
            sections.append([])
        sections[-1].append(b)
    kept: list[Block] = []
    for section in sections:
        lists = [b for b in section if b.part in LISTS]
        headed = bool(section) and section[0].part is Part.HEADING
        if headed and lists and all(b.part in empty for b in lists):
            continue
        kept += [b for b in section if b.part not in empty]
    return tuple(kept)


# --- what a client summary holds -----------------------------------------------------------------


@dataclass(frozen=True)
class OfficeContact:
    """The office as a sheet shows it (its settings)."""

    name: str
    address: str = ""  # lines
    phone: str = ""
    email: str = ""
    website: str = ""

    def lines(self) -> tuple[str, ...]:
        """Address lines, then phone, e-mail and website: each on a line of its own."""
        parts = [line.strip() for line in self.address.splitlines() if line.strip()]
        parts += [p for p in (self.phone, self.email, self.website) if p.strip()]
        return tuple(parts)


@dataclass(frozen=True)
class PartnerContact:
    """A partner of the directory with what a client or colleague needs to reach it."""

    id: int
    name: str
    phone: str = ""
    email: str = ""
    website: str = ""
    people: tuple[str, ...] = ()  # its contact persons, one line each (name, function, phone)
    topics: tuple[str, ...] = ()  # the topics (codes) the record was referred to it for


@dataclass(frozen=True)
class TopicChoice:
    code: str
    label_de: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_de if vocabulary_language(language) == "de" else self.label_en


@dataclass(frozen=True)
class StepChoice:
    """An open follow-up of the record: its day (its note is internal and stays in the desk)."""

    follow_up_id: int
    due_on: date


@dataclass(frozen=True)
class SummaryChoices:
    """What a counsellor chooses a client summary's content from; no internal text in it."""

    record_id: int
    opened_on: date
    office: OfficeContact
    counsellor: str
    texts: Mapping[str, str]  # language -> the office's template (built-in where not changed)
    topics: tuple[TopicChoice, ...]  # the record's topics
    follow_ups: tuple[StepChoice, ...]  # its open follow-ups, by day
    partners: tuple[PartnerContact, ...]  # the partners it was referred to
    topic_labels: Mapping[str, TopicChoice] = field(default_factory=dict)  # every topic code


@dataclass(frozen=True)
class NextStep:
    due_on: date
    text: str  # what the counsellor wrote for the client


@dataclass(frozen=True)
class SummaryRequest:
    """What the counsellor chose in the dialog."""

    language: str
    day: date
    topics: tuple[str, ...] = ()  # codes, from the record's topics
    steps: tuple[NextStep, ...] = ()
    partner_ids: tuple[int, ...] = ()  # from the partners the record was referred to


@dataclass(frozen=True)
class SummaryContent:
    """A client summary ready to print: the template of ``language`` (``asked`` is the language
    chosen; they differ when no text of it exists and English stood in)."""

    language: str
    asked: str
    template: str
    office: OfficeContact
    counsellor: str
    day: date
    topics: tuple[str, ...]  # labels
    steps: tuple[NextStep, ...]
    partners: tuple[tuple[PartnerContact, tuple[str, ...]], ...]  # with its topics' labels

    @property
    def fell_back(self) -> bool:
        return self.language != self.asked


def template_for(texts: Mapping[str, str], language: str) -> tuple[str, str]:
    """The language whose text a sheet in ``language`` prints, and that text: its own, else
    English."""
    own = texts.get(language, "").strip()
    if own:
        return language, own
    return FALLBACK_LANGUAGE, texts.get(FALLBACK_LANGUAGE, "")


class SummaryProblem(StrEnum):
    LANGUAGE = "language"
    DAY = "day"
    TOPIC = "topic"
    PARTNER = "partner"
    STEP_TEXT = "step_text"
    STEP_LONG = "step_long"
    STEPS = "steps"


class SummaryError(ValueError):
    def __init__(self, problem: SummaryProblem, step: NextStep | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.step = step


def build_summary(choices: SummaryChoices, request: SummaryRequest, today: date) -> SummaryContent:
    """The sheet for ``request``, from ``choices`` only; SummaryError says what is wrong."""
    if request.language not in LANGUAGE_NAMES:
        raise SummaryError(SummaryProblem.LANGUAGE)
    if not choices.opened_on <= request.day <= today:
        raise SummaryError(SummaryProblem.DAY)
    language, template = template_for(choices.texts, request.language)
    by_code = {t.code: t for t in choices.topics}
    if any(code not in by_code for code in request.topics):
        raise SummaryError(SummaryProblem.TOPIC)
    partners = {p.id: p for p in choices.partners}
    if any(pid not in partners for pid in request.partner_ids):
        raise SummaryError(SummaryProblem.PARTNER)
    if len(request.steps) > MAX_STEPS:
        raise SummaryError(SummaryProblem.STEPS)
    steps = []
    for step in request.steps:
        text = " ".join(step.text.split())
        if not text:
            raise SummaryError(SummaryProblem.STEP_TEXT, step)
        if len(text) > STEP_CHARS:
            raise SummaryError(SummaryProblem.STEP_LONG, step)
        steps.append(NextStep(step.due_on, text))
    labels = {**choices.topic_labels, **by_code}

    def partner_topics(p: PartnerContact) -> tuple[str, ...]:
        return tuple(labels[c].label(language) for c in p.topics if c in labels)

    chosen_topics = [c for c in (t.code for t in choices.topics) if c in request.topics]
    return SummaryContent(
        language=language,
        asked=request.language,
        template=template,
        office=choices.office,
        counsellor=choices.counsellor,
        day=request.day,
        topics=tuple(by_code[c].label(language) for c in chosen_topics),
        steps=tuple(sorted(steps, key=lambda s: s.due_on)),
        partners=tuple(
            (p, partner_topics(p)) for p in choices.partners if p.id in request.partner_ids
        ),
    )


# --- the referral note ---------------------------------------------------------------------------


class ClientDetail(StrEnum):
    """What of the client a referral note may carry besides the name (the counsellor ticks what
    the partner needs; the client's consent to the referral covers no more)."""

    BIRTH_DATE = "birth_date"
    NATIONALITY = "nationality"
    LANGUAGES = "languages"
    PHONE = "phone"
    EMAIL = "email"
    WEBSITE = "website"  # an organisation's


DEFAULT_DETAILS = frozenset({ClientDetail.LANGUAGES, ClientDetail.PHONE, ClientDetail.EMAIL})
MESSAGE_CHARS = 4_000


@dataclass(frozen=True)
class NoteChoices:
    """What a referral note is made from: the referral, the consent that covers passing it on
    today, and the client's details the counsellor may tick."""

    referral_id: int
    record_id: int
    record_number: str
    office: OfficeContact
    counsellor: str
    partner: PartnerContact
    referred_on: date
    topic_de: str
    topic_en: str
    reason: str  # the referral's reason: the note's message unless the counsellor changes it
    client_kind: ClientKind
    client_name: str
    # The client's non-empty details as stored: a birth date as YYYY-MM-DD, nationalities as
    # ISO codes separated by commas (the note words them in its language).
    details: Mapping[ClientDetail, str]
    consent_given_on: date
    consent_partner: str  # "" when the consent names every partner


@dataclass(frozen=True)
class NoteRequest:
    language: str  # de or en
    details: frozenset[ClientDetail] = DEFAULT_DETAILS
    message: str | None = None  # None: the referral's reason


@dataclass(frozen=True)
class NoteContent:
    language: str
    record_number: str
    office: OfficeContact
    counsellor: str
    partner: PartnerContact
    referred_on: date
    topic: str
    message: str
    client_kind: ClientKind
    client_name: str
    details: tuple[tuple[ClientDetail, str], ...]  # in ClientDetail's order
    consent_given_on: date
    consent_partner: str
    day: date


def build_note(choices: NoteChoices, request: NoteRequest, today: date) -> NoteContent:
    """The note for ``request``: only the ticked details the client has."""
    message = choices.reason if request.message is None else request.message
    return NoteContent(
        language=request.language,
        record_number=choices.record_number,
        office=choices.office,
        counsellor=choices.counsellor,
        partner=choices.partner,
        referred_on=choices.referred_on,
        topic=choices.topic_de if request.language == "de" else choices.topic_en,
        message=message.strip()[:MESSAGE_CHARS],
        client_kind=choices.client_kind,
        client_name=choices.client_name,
        details=tuple(
            (d, choices.details[d])
            for d in ClientDetail
            if d in request.details and choices.details.get(d, "").strip()
        ),
        consent_given_on=choices.consent_given_on,
        consent_partner=choices.consent_partner,
        day=today,
    )
