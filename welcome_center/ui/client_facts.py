"""How the facts that tell same-name clients apart read in a list line or a list's columns:
``b. 12.03.1990 · Syria · Zwickau · last contact 02.11.2026 · 3 records``."""

from __future__ import annotations

from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.views import ClientFacts
from welcome_center.i18n import _, country_name, format_number, ngettext
from welcome_center.ui.funder_facts import born_text
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

SEPARATOR = " · "


def nationality_text(facts: ClientFacts) -> str:
    return country_name(facts.nationality) if facts.nationality else ""


def records_text(facts: ClientFacts) -> str:
    """``3 records`` (as client; records a client is only a further party of do not count)."""
    if not facts.records:
        return _("no records yet")
    n = facts.records
    return ngettext("%(count)s record", "%(count)s records", n) % {"count": format_number(n)}


def facts_parts(ops: Ops, facts: ClientFacts) -> list[str]:
    """The known facts as short phrases, in the order a list line shows them."""
    parts = [
        _("b. %(date)s") % {"date": born_text(facts)} if born_text(facts) else "",
        nationality_text(facts),
        ops.label(Vocabulary.MUNICIPALITY, facts.municipality),
        _("last contact %(date)s") % {"date": short_date(facts.last_contact)}
        if facts.last_contact
        else "",
        records_text(facts),
    ]
    return [p for p in parts if p]


def facts_text(ops: Ops, facts: ClientFacts) -> str:
    return SEPARATOR.join(facts_parts(ops, facts))
