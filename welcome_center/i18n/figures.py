"""The name and the definition of every figure, keyed by its JSON key (DOMAIN.md's "Statistics:
one definition each"), in one place for the reports and the desk's Reports page. A breakdown's
name and definition are in its declaration (``domain.breakdowns``)."""

from __future__ import annotations

from welcome_center.domain.breakdowns import REGISTRY, ReportPart
from welcome_center.i18n import N_, _, ngettext

_TITLES: dict[str, str] = {
    "enquiries_received": N_("Enquiries received"),
    "enquiries_worked": N_("Enquiries worked"),
    "cases_worked": N_("Cases worked"),
    "cases_worked_persons": N_("of which with a person as client"),
    "cases_worked_organisations": N_("of which with an organisation as client"),
    "cases_new": N_("New cases"),
    "closed": N_("Closed"),
    "open_at_end": N_("Open at the end of the period"),
    "consultations": N_("Consultations"),
    "consultation_minutes": N_("Consultation minutes"),
    "persons_advised": N_("Persons advised"),
    "organisations_advised": N_("Organisations advised"),
    "referrals": N_("Referrals"),
    "since_start": N_("Since the project start"),
    "since_start_enquiries": N_("Enquiries since the project start"),
    "since_start_cases": N_("Cases since the project start"),
    "trend": N_("Month by month"),
    "events": N_("Events"),
    "event_participants": N_("Event participants"),
    "third_country_persons": N_("of which third-country nationals"),
    "smes_advised": N_("of which small and medium enterprises"),
    "consultations_first": N_("of which first consultations"),
    "consultations_follow_up": N_("of which follow-up consultations"),
    "consultation_hours": N_("Consultation hours"),
    "consultations_with_interpreter": N_("Consultations with an interpreter"),
    "recognition_active": N_("Recognition procedures"),
    "recognition_regulated": N_("of which for a regulated profession"),
    "event_participants_persons": N_("of which persons"),
    "event_participants_organisations": N_("of which organisations"),
}

_DEFINITIONS: dict[str, str] = {
    "active": N_(
        "A record (enquiry or case) is active in the period when it was opened, consulted, "
        "referred, promoted to a case or closed on a day of the period."
    ),
    "enquiries_received": N_("Records of either kind opened in the period."),
    "enquiries_worked": N_("Records of either kind active in the period."),
    "cases_worked": N_(
        "Records active in the period that are cases and became cases (opened as a case, or "
        "promoted) on or before the last day of the period."
    ),
    "cases_worked_persons": N_("Cases worked whose client is a person."),
    "cases_worked_organisations": N_("Cases worked whose client is an organisation."),
    "cases_new": N_("Records that became cases in the period: opened as a case, or promoted."),
    "closed": N_("Records closed in the period."),
    "open_at_end": N_(
        "Records opened on or before the last day of the period and not closed by then."
    ),
    "consultations": N_("Consultations dated in the period."),
    "consultation_minutes": N_("The duration of the consultations dated in the period."),
    "persons_advised": N_("Distinct persons who are the client of an enquiry worked."),
    "organisations_advised": N_("Distinct organisations that are the client of an enquiry worked."),
    "referrals": N_("Referrals to partners dated in the period."),
    "since_start": N_(
        "Records opened, and records that became cases, from the project start to the last day "
        "of the period."
    ),
    "trend": N_(
        "Enquiries received and cases worked in each month of the period, each month counted "
        "in full: at least the 12 months up to the month in which the period ends, at most the "
        "last 24 months of a longer period."
    ),
    "events": N_(
        "Information events, workshops and trainings held in the period, and their "
        "participants. They are not counted as enquiries."
    ),
    "third_country_persons": N_(
        "Persons advised whose first nationality is not that of a member state of the EU or "
        "the EEA or of Switzerland."
    ),
    "smes_advised": N_(
        "Organisations advised with fewer than 250 employees (micro, small and medium enterprises)."
    ),
    "consultations_first": N_("Consultations dated in the period that were a first contact."),
    "consultations_follow_up": N_(
        "Consultations dated in the period that followed an earlier one."
    ),
    "consultation_hours": N_(
        "The duration of the consultations dated in the period in hours, one decimal."
    ),
    "consultations_with_interpreter": N_(
        "Consultations dated in the period at which an interpreter took part."
    ),
    "recognition_active": N_("Recognition procedures submitted or decided on a day of the period."),
    "recognition_regulated": N_(
        "Recognition procedures of the period for a profession regulated in Germany."
    ),
    "event_participants_persons": N_(
        "Participants of the events held in the period who came as persons, where the event's "
        "record splits its participants."
    ),
    "event_participants_organisations": N_(
        "Participants of the events held in the period who came for an organisation, where "
        "the event's record splits its participants."
    ),
    "not_recorded": N_(
        'A missing value is shown as its own row, "not recorded", and never dropped.'
    ),
}


def title(key: str) -> str:
    """The name of the figure or breakdown ``key`` in the active language."""
    declared = REGISTRY.get(key)
    return _(declared.title if declared else _TITLES[key])


def count_title(key: str, value: float) -> str:
    """The name of the figure ``key`` under its value ``n``, as a tile shows it: "1 Event
    held", "2 Events held" (a name without a count in it, like "Closed", is :func:`title`).
    The words differ from single-word labels elsewhere ("Event"): one msgid, one meaning."""
    n = int(value)  # hours (a float) have no counted name: they are their title
    counted = {
        "enquiries_received": ngettext("Enquiry received", "Enquiries received", n),
        "enquiries_worked": ngettext("Enquiry worked", "Enquiries worked", n),
        "cases_worked": ngettext("Case worked", "Cases worked", n),
        "cases_new": ngettext("New case", "New cases", n),
        "consultations": ngettext("Consultation held", "Consultations held", n),
        "consultation_minutes": ngettext("Consultation minute", "Consultation minutes", n),
        "persons_advised": ngettext("Person advised", "Persons advised", n),
        "organisations_advised": ngettext("Organisation advised", "Organisations advised", n),
        "referrals": ngettext("Referral made", "Referrals made", n),
        "since_start_enquiries": ngettext(
            "Enquiry since the project start", "Enquiries since the project start", n
        ),
        "since_start_cases": ngettext(
            "Case since the project start", "Cases since the project start", n
        ),
        "events": ngettext("Event held", "Events held", n),
        "event_participants": ngettext("Event participant", "Event participants", n),
    }
    return counted.get(key) or title(key)


def definition(key: str) -> str:
    """The definition of the figure or breakdown ``key`` in the active language."""
    declared = REGISTRY.get(key)
    return _(declared.definition if declared else _DEFINITIONS[key])


def part_title(part: ReportPart) -> str:
    """The heading of a part of the report in the active language ("" for a part without)."""
    return _(part.title) if part.title else ""


def suppression_note(threshold: int) -> str:
    """What "< 3" and a hidden cell mean, for the reports' appendix."""
    return _(
        'Counts below %(n)d are shown as "< %(n)d" so that no person can be recognised; '
        "where the total would let such a count be worked out, further counts are hidden as "
        'well ("x"). Hidden counts are listed after the others, in alphabetical order. A '
        "breakdown with too few records to protect that way is not shown."
    ) % {"n": threshold}


def hidden_text(small: bool, threshold: int) -> str:
    """How a hidden cell is shown: ``< 3`` for a small count, ``x`` for a cover."""
    return f"< {threshold}" if small else "x"


def internal_note() -> str:
    """The mark of the office's internal workload report (with the counsellor breakdown), on
    its first page, every page's footer and the first line of every format."""
    return _("Internal – not for publication")
