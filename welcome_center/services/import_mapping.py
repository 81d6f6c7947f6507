"""What an import file's values mean: the program's lists, the partners of the directory, the
users, and what the user maps a value to that none of them knows (DOMAIN.md, spreadsheet
interchange).

A value is looked up in this order: the list itself (code, German or English label, ignoring
case and accents); for a partner also its name before a parenthesis ("IQ Netzwerk Sachsen" for
"IQ Netzwerk Sachsen (Anerkennungsberatung)"); then what the user mapped it to for this import;
then a remembered alias (``import_aliases``); for a partner last the words of its name in their
order, the first one included ("Duale Hochschule Sachsen Glauchau" for "Duale Hochschule
Sachsen, Staatliche Studienakademie Glauchau"), when they fit one partner only. A value mapped to
"skip the row" leaves every row that writes it out of the import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import ImportAlias, Organisation, User
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.text import fold
from welcome_center.services import vocabularies
from welcome_center.services.import_reading import find, keyed, split_list
from welcome_center.services.import_rows import Lookups

Target = str | int  # a vocabulary entry's code; a partner's or a user's id


class ValueKind(StrEnum):
    """What a value of an import file names: an entry of a list, a partner or a counsellor."""

    MUNICIPALITY = "municipality"
    REQUESTER_TYPE = "requester_type"
    TOPIC = "topic"
    CHANNEL = "channel"
    CLOSING_REASON = "closing_reason"
    PARTNER = "partner"
    COUNSELLOR = "counsellor"

    @property
    def vocabulary(self) -> Vocabulary | None:
        """The list the value belongs to (None for partners and counsellors)."""
        try:
            return Vocabulary(self.value)
        except ValueError:
            return None


_KINDS = frozenset(k.value for k in ValueKind)

# The import field whose values are of each kind, in the order of the file's columns.
FIELD_KINDS: dict[str, ValueKind] = {
    "closing_reason": ValueKind.CLOSING_REASON,
    "municipality": ValueKind.MUNICIPALITY,
    "requester_type": ValueKind.REQUESTER_TYPE,
    "topics": ValueKind.TOPIC,
    "channel": ValueKind.CHANNEL,
    "counsellor": ValueKind.COUNSELLOR,
    "referrals": ValueKind.PARTNER,
}


@dataclass(frozen=True)
class ValueMapping:
    """What the user says a written value means for an import: a code or an id, or None to
    skip every row that writes it; ``remember`` keeps it as an alias for the next import."""

    kind: ValueKind
    written: str
    target: Target | None
    remember: bool = False


def values_of(name: str, text: str) -> list[str]:
    """The values a cell of import field ``name`` writes: the parts of a list, a referral's
    partner without its ``@date``."""
    if not text:
        return []
    if name == "topics":
        return split_list(text)
    if name == "referrals":
        out = []
        for item in split_list(text):
            partner, at, _when = item.rpartition("@")
            out.append(partner.strip() if at else item)
        return [v for v in out if v]
    return [text]


_WORD = re.compile(r"\w+")


def before_parenthesis(name: str) -> str:
    """``name`` without a parenthesis and what follows ("IHK Chemnitz (Regionalkammer Zwickau)"
    -> "IHK Chemnitz")."""
    return name.split("(")[0].strip()


def _words(name: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(re.sub(r"\([^)]*\)?", " ", name))))


def _in_order(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Whether ``part`` starts ``whole``'s first word and its words follow in ``whole``'s order."""
    if not part or not whole or part[0] != whole[0]:
        return False
    rest = iter(whole)
    return all(word in rest for word in part)


class PartnerFinder:
    """The partners of the directory by code, name, short name and name before a parenthesis;
    ``extra`` (this import's mappings, then the aliases) after them; the words of a name in
    order last (at least two words, one partner only)."""

    def __init__(
        self,
        partners: Iterable[tuple[int, str | None, str, str]],
        extra: Iterable[tuple[str, int]] = (),
    ) -> None:
        rows = list(partners)
        pairs: list[tuple[str, int]] = []
        for pid, code, name, short in rows:
            pairs += [(code or "", pid), (name, pid), (short, pid)]
            pairs.append((before_parenthesis(name), pid))
        self._names = keyed(pairs)
        self._extra = keyed(extra)
        self._words = [(pid, _words(name)) for pid, _c, name, _s in rows]

    def known(self, text: str) -> int | None:
        """The partner the directory itself names so (``text`` or its part before a
        parenthesis), or None."""
        found = find(self._names, text)
        if found is None and "(" in text:
            found = find(self._names, before_parenthesis(text))
        return found

    def by_words(self, text: str) -> int | None:
        """The one partner whose name holds ``text``'s words in order, from its first word."""
        words = _words(text)
        if len(words) < 2:
            return None
        hits = {pid for pid, name in self._words if _in_order(words, name)}
        return next(iter(hits)) if len(hits) == 1 else None

    def find(self, text: str) -> int | None:
        found = self.known(text)
        if found is None:
            found = find(self._extra, text)
        if found is None and "(" in text:
            found = find(self._extra, before_parenthesis(text))
        return found if found is not None else self.by_words(text)


def partner_rows(s: Session) -> list[tuple[int, str | None, str, str]]:
    """Every partner (retired ones too: old lists name them), lowest id first."""
    rows = s.execute(
        select(Organisation.id, Organisation.code, Organisation.name, Organisation.short_name)
        .where(Organisation.is_partner.is_(True))
        .order_by(Organisation.id)
    ).all()
    return [(pid, code, name, short or "") for pid, code, name, short in rows]


def user_pairs(s: Session) -> list[tuple[str, int]]:
    """Users by user name, then by display name."""
    people = s.execute(select(User.id, User.username, User.display_name).order_by(User.id)).all()
    return [(name, uid) for uid, name, _d in people] + [(d, uid) for uid, _n, d in people]


def alias_pairs(s: Session) -> dict[ValueKind, list[tuple[str, Target]]]:
    """The remembered aliases: kind -> (written, target)."""
    out: dict[ValueKind, list[tuple[str, Target]]] = {k: [] for k in ValueKind}
    for kind, written, code, org_id, user_id in s.execute(
        select(
            ImportAlias.kind,
            ImportAlias.written,
            ImportAlias.code,
            ImportAlias.organisation_id,
            ImportAlias.user_id,
        ).order_by(ImportAlias.id)
    ):
        target = code if code is not None else org_id if org_id is not None else user_id
        if target is not None and kind in _KINDS:
            out[ValueKind(kind)].append((written, target))
    return out


def _given(mappings: Sequence[ValueMapping], kind: ValueKind) -> list[tuple[str, Target]]:
    return [(m.written, m.target) for m in mappings if m.kind is kind and m.target is not None]


def lookups(s: Session, mappings: Sequence[ValueMapping] = ()) -> Lookups:
    """Vocabularies, partners and users with this import's mappings and the aliases, loaded
    once: no query per row."""
    remembered = alias_pairs(s)

    def extra(kind: ValueKind) -> list[tuple[str, Target]]:
        return _given(mappings, kind) + remembered[kind]

    vocab: dict[Vocabulary, dict[str, str]] = {}
    for v in Vocabulary:
        pairs: list[tuple[str, str]] = list(vocabularies.resolver(s, v).items())
        kind = ValueKind.__members__.get(v.name)
        if kind is not None:
            pairs += [(w, str(t)) for w, t in extra(kind)]
        vocab[v] = keyed(pairs)
    partner_extra = [(w, int(t)) for w, t in extra(ValueKind.PARTNER)]
    users = user_pairs(s) + [(w, int(t)) for w, t in extra(ValueKind.COUNSELLOR)]
    skips = {
        kind: keyed((m.written, True) for m in mappings if m.kind is kind and m.target is None)
        for kind in ValueKind
    }
    return Lookups(
        vocab,
        PartnerFinder(partner_rows(s), partner_extra),
        keyed(users),
        office_today(),
        skips,
    )
