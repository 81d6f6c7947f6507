"""Contact persons recorded at both of two organisations being merged (services/merge.py):
one person, kept once.

The same person: the same name, folded as the duplicate check folds names (``ascii_words`` of
domain/name_sound.py: any script in small ASCII letters, umlaut digraphs as umlauts; in any
order, since one field holds "Anna Roth" or "Roth, Anna"; academic titles such as Dr. left out),
and where both have an e-mail address, or both a phone number, one of these agrees. The entry
of the organisation that stays is kept, its empty function, e-mail or phone filled from the
other's. Nothing refers to a contact person by its id (tests/db/test_merge.py checks), so
nothing else moves with it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import ContactPerson
from welcome_center.domain.name_sound import ascii_words
from welcome_center.services.context import Actor

# Academic titles are not the name; Frau and Herr are kept (Frau Roth and Herr Roth are two).
_TITLES = frozenset({"dr", "prof", "dipl", "ing"})


def _contact_name(name: str) -> tuple[str, ...]:
    """A contact person's name as the duplicate check folds names (any script in small ASCII
    letters, umlaut digraphs as umlauts: ``ascii_words``), in any order (one field holds
    "Anna Roth" or "Roth, Anna"), academic titles left out."""
    return tuple(sorted(w for w in ascii_words(name) if w not in _TITLES))


def _phone(text: str) -> str:
    """A phone number's digits, the German country code read as the leading 0."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+49"):
        return "0" + digits[2:]
    if digits.startswith("0049"):
        return "0" + digits[4:]
    return digits


def same_contact(a: ContactPerson, b: ContactPerson) -> bool:
    """One person recorded at both: the same name (folded as the duplicate check folds it),
    and where both have an e-mail address, or both a phone number, one of these agrees (two
    people of one name in a large organisation have their own address or number)."""
    name = _contact_name(a.name)
    if not name or name != _contact_name(b.name):
        return False
    mail_a, mail_b = a.email.strip().casefold(), b.email.strip().casefold()
    phone_a, phone_b = _phone(a.phone), _phone(b.phone)
    if (mail_a and mail_a == mail_b) or (phone_a and phone_a == phone_b):
        return True
    return not (mail_a and mail_b) and not (phone_a and phone_b)


def twins(s: Session, keep_id: int, other_id: int) -> list[tuple[ContactPerson, ContactPerson]]:
    """(the one that stays' contact, the other's contact) for each of the other's contact
    persons who is one of the one that stays'."""

    def of(org_id: int) -> list[ContactPerson]:
        where = ContactPerson.organisation_id == org_id
        return list(s.scalars(select(ContactPerson).where(where).order_by(ContactPerson.id)))

    kept = of(keep_id)
    return [
        (twin, c) for c in of(other_id)
        if (twin := next((k for k in kept if same_contact(k, c)), None)) is not None
    ]  # fmt: skip


def merge(s: Session, actor: Actor, keep_id: int, other_id: int) -> int:
    """Each contact person at both kept once, on the one that stays, its empty fields filled
    from the other's entry; the number of entries so merged."""
    found = twins(s, keep_id, other_id)
    for kept, gone in found:
        for name in ("function", "email", "phone"):
            if not getattr(kept, name).strip() and getattr(gone, name).strip():
                setattr(kept, name, getattr(gone, name))
        kept.updated_by_id = actor.user_id
        s.delete(gone)
    s.flush()
    return len(found)
