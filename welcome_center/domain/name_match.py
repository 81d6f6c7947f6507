"""Whether two names may be one person's: transliterations, spelling variants, swapped names,
a missing given name. Pure logic, shared by the intake check and the administrator's list.

Words are compared by their sound (``name_sound``: spelling, consonant skeleton, vowels). In a
family name a particle (al, el, ibn, van, von, de, ...) is glued to the word after it, so
al-Hassan, Al Hassan and Alhassan are one spelling; in given names every word stands alone
(Van in Nguyen Van Anh is a middle name). Both the family and the given name must agree (see
:func:`compare_parts`), each by its best evidence: the same spelling, the same sound, the same
words in another order, one lacking a word of the other (a second given name, a particle), a
typing slip (one edit, OSA distance, ``rapidfuzz``, in words of five letters or more). Names
swapped between the fields and the same words divided otherwise between them (Nguyen Van | Anh
and Nguyen | Van Anh) count too. The score (Jaro-Winkler of the spellings within each kind of
evidence) only ranks.

A sound of only one or two consonants says little (Anna, Ina and Una are all ``AN``): such a
match also needs spellings :data:`SHORT_SOUND_SIMILARITY` alike; so does a word that has a
vowel where the other has none (Fatima / Fatma yes, Mahmoud / Mohammed no: :data:`SHARED_LETTERS`).

Birth dates decide, names only propose: :func:`birth_evidence` says whether two known birth
dates (or years) contradict each other, which rules a candidate out, whatever the names.
:func:`stored_keys` and :func:`query_keys` are the blocking keys that find candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from rapidfuzz.distance import OSA, Indel, JaroWinkler

from welcome_center.domain.name_sound import ascii_words, shape, sound, vowels_agree

# Words that join the family name that follows them (Arabic, Dutch, German, Romance).
PARTICLES = frozenset(
    {
        "al", "el", "ul", "ad", "ar", "as", "at", "az", "abu", "abou", "ibn", "bin", "ben",
        "bint", "van", "von", "vom", "zu", "zum", "zur", "der", "den", "de", "del", "della",
        "di", "da", "du", "dos", "das", "la", "le", "ter", "ten",
    }
)  # fmt: skip
# Spellings must be this alike (Jaro-Winkler) when their sound has fewer than three classes.
SHORT_SOUND_SIMILARITY = 0.8
# Two words of one sound where a vowel of one is missing in the other share this much of their
# letters (Indel similarity): Fatima / Fatma 0.91, Mahmoud / Mohammed 0.53.
SHARED_LETTERS = 0.8


@dataclass(frozen=True)
class Part:
    """One name field as compared: its words, the words glued as written together, and the
    words that carry the name (particles left out)."""

    words: tuple[str, ...]
    glued: str
    core: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.glued


def family_part(text: str) -> Part:
    """A family name: a particle is glued to the word after it (al-Hassan = Alhassan)."""
    words = ascii_words(text)
    glued_words: list[str] = []
    pending = ""
    for i, w in enumerate(words):
        if w in PARTICLES and i < len(words) - 1:
            pending += w
            continue
        glued_words.append(pending + w)
        pending = ""
    core = tuple(w for i, w in enumerate(words) if not (w in PARTICLES and i < len(words) - 1))
    return Part(tuple(glued_words), "".join(glued_words), core)


def given_part(text: str) -> Part:
    """Given names: each word on its own (Van in Nguyen Van Anh is a middle name, not a
    particle)."""
    words = tuple(ascii_words(text))
    return Part(words, "".join(words), words)


class How(IntEnum):
    """How one name field of two persons agrees, weakest last."""

    SAME = 0
    SOUND = 1  # spelled differently, sounds alike: Mohammed / Muhammad, Iwanow / Ivanov
    ORDER = 2  # the same words in another order: Anna Maria / Maria Anna
    MISSING = 3  # one lacks a word of the other: Anna Maria / Anna; al-Hassan / Hassan
    SIMILAR = 4  # a typing slip: Schmidt / Schmdit
    DIFFERENT = 5


@dataclass(frozen=True)
class PartMatch:
    how: How
    score: float


_NO_MATCH = PartMatch(How.DIFFERENT, 0.0)


def _similarity(a: str, b: str) -> float:
    return float(JaroWinkler.normalized_similarity(a, b))


def _alike(x: str, y: str) -> bool:
    """Two spelled words that may be one name: same skeleton, vowels that agree, and spellings
    this alike when the skeleton has one or two classes (Anna, Ina and Una are ``AN``) or a
    vowel stands in one word only (Fatima / Fatma, but not Mahmoud / Mohammed)."""
    if x == y:
        return True
    sx, sy = shape(x), shape(y)
    if sx.skeleton != sy.skeleton or not vowels_agree(sx, sy):
        return False
    if len(sx.skeleton) < 3 and _similarity(sx.letters, sy.letters) < SHORT_SOUND_SIMILARITY:
        return False
    # A vowel in one word only: most letters must be shared (a word without any vowel, as
    # Arabic script comes out, says nothing about them).
    gaps = any(bool(v) != bool(w) for v, w in zip(sx.vowels, sy.vowels, strict=True))
    if gaps and any(sx.vowels) and any(sy.vowels):
        return float(Indel.normalized_similarity(sx.letters, sy.letters)) >= SHARED_LETTERS
    return True


def _slip(x: str, y: str) -> bool:
    """A typing slip: one letter wrong, missing, extra or two letters swapped, in words of at
    least five letters; not a vowel changed or added (that is another name's form: Miller,
    Ivanova), which the sound comparison has already refused."""
    if min(len(x), len(y)) < 5 or sound(x) == sound(y):
        return False
    return int(OSA.distance(x, y)) <= 1


def _paired(a: Sequence[str], b: Sequence[str]) -> int:
    """How many words of the shorter list have an alike partner in the longer one."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    free = list(large)
    found = 0
    for w in small:
        partner = next((i for i, x in enumerate(free) if _alike(w, x)), None)
        if partner is not None:
            free.pop(partner)
            found += 1
    return found


def compare_parts(a: Part, b: Part) -> PartMatch:
    """How well two name fields agree, by the strongest evidence."""
    if a.empty or b.empty:
        return PartMatch(How.SAME, 1.0) if a.empty and b.empty else _NO_MATCH
    if a.glued == b.glued:
        return PartMatch(How.SAME, 1.0)
    similar = _similarity(a.glued, b.glued)
    # Written together on one side (Anna-Lena / Annalena): compare the whole. Words on both
    # sides are compared word by word (Min-jun / Min-jin differ in one word).
    if min(len(a.core), len(b.core)) == 1 and _alike(a.glued, b.glued):
        return PartMatch(How.SOUND, 0.9 + 0.08 * similar)
    paired = _paired(a.core, b.core)
    if paired and paired == len(a.core) == len(b.core):
        if len(a.core) == 1:
            return PartMatch(How.MISSING, 0.92)  # the same name, a particle more or less
        if all(_alike(x, y) for x, y in zip(a.core, b.core, strict=True)):
            return PartMatch(How.SOUND, 0.9 + 0.08 * similar)
        return PartMatch(How.ORDER, 0.95)
    if paired and paired == min(len(a.core), len(b.core)):
        return PartMatch(How.MISSING, 0.9)
    if _slip(a.glued, b.glued):
        return PartMatch(How.SIMILAR, 0.86 + 0.1 * similar)
    return _NO_MATCH


class Orientation(IntEnum):
    DIRECT = 0
    SWAPPED = 1  # family and given name exchanged
    REDIVIDED = 2  # the same words, divided otherwise between family and given name


@dataclass(frozen=True)
class NameMatch:
    """Two names that may be one person's: how each field agrees and a score in 0..1."""

    family: How
    given: How
    orientation: Orientation
    score: float

    @property
    def same(self) -> bool:
        return self.family == self.given == How.SAME and self.orientation == Orientation.DIRECT

    def kinds(self) -> set[How]:
        return {self.family, self.given} - {How.SAME}


@dataclass(frozen=True)
class Name:
    """A person's name prepared for comparison (computed once per person)."""

    family: Part
    given: Part
    family_as_given: Part  # for swapped names: each field read the other way too
    given_as_family: Part

    @classmethod
    def of(cls, family_name: str, given_name: str) -> Name:
        return cls(
            family_part(family_name),
            given_part(given_name),
            given_part(family_name),
            family_part(given_name),
        )

    def all_words(self) -> tuple[str, ...]:
        return (*self.family_as_given.words, *self.given.words)


_SAME = NameMatch(How.SAME, How.SAME, Orientation.DIRECT, 1.0)
_SWAP_PENALTY = 0.03
_REDIVIDED_SCORE = 0.93


def compare(a: Name, b: Name) -> NameMatch | None:
    """How two names agree, or None when they are not alike enough to propose."""
    if a.family.glued == b.family.glued and a.given.glued == b.given.glued:
        return _SAME  # the common case in a large block: nothing else can score higher
    tries: list[NameMatch] = []
    for orientation, (fa, ga) in (
        (Orientation.DIRECT, (a.family, a.given)),
        (Orientation.SWAPPED, (a.given_as_family, a.family_as_given)),
    ):
        fam = compare_parts(fa, b.family)
        if fam.how == How.DIFFERENT:
            continue
        giv = compare_parts(ga, b.given)
        if giv.how == How.DIFFERENT:
            continue
        penalty = _SWAP_PENALTY if orientation == Orientation.SWAPPED else 0.0
        tries.append(NameMatch(fam.how, giv.how, orientation, min(fam.score, giv.score) - penalty))
    whole_a, whole_b = a.all_words(), b.all_words()
    if len(whole_a) == len(whole_b) > 1 and _paired(whole_a, whole_b) == len(whole_a):
        tries.append(NameMatch(How.ORDER, How.ORDER, Orientation.REDIVIDED, _REDIVIDED_SCORE))
    if not tries:
        return None
    return max(tries, key=lambda m: (m.score, -m.orientation))


# --- birth dates -----------------------------------------------------------------------------


class Birth(IntEnum):
    """What two persons' birth data say about them being one person."""

    SAME_DATE = 0
    SAME_YEAR = 1  # only years known (on one side at least), and they agree
    UNKNOWN = 2  # one of them has no birth data
    CONTRADICTS = 3  # known and different: two persons


def birth_evidence(
    date_a: date | None, year_a: int | None, date_b: date | None, year_b: int | None
) -> Birth:
    """Compare birth dates, else birth years (a full date gives its year)."""
    if date_a is not None and date_b is not None:
        return Birth.SAME_DATE if date_a == date_b else Birth.CONTRADICTS
    ya = date_a.year if date_a is not None else year_a
    yb = date_b.year if date_b is not None else year_b
    if ya is None or yb is None:
        return Birth.UNKNOWN
    return Birth.SAME_YEAR if ya == yb else Birth.CONTRADICTS


def typing_slip(a: date, b: date) -> bool:
    """Whether two birth dates may be one date mistyped: day and month swapped, or one digit
    of ``DDMMYYYY`` different (arithmetic, not text: the administrator's list asks this of
    hundreds of thousands of pairs)."""
    if a == b:
        return False
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return True
    fields = [
        (x, y, w)
        for x, y, w in ((a.day, b.day, 2), (a.month, b.month, 2), (a.year, b.year, 4))
        if x != y
    ]
    if len(fields) != 1:
        return False
    x, y, width = fields[0]
    return sum(p != q for p, q in zip(f"{x:0{width}d}", f"{y:0{width}d}", strict=True)) == 1


_BIRTH_BONUS = {Birth.SAME_DATE: 0.08, Birth.SAME_YEAR: 0.03, Birth.UNKNOWN: 0.0}


def likelihood(
    match: NameMatch, birth: Birth, nationality_a: str | None, nationality_b: str | None
) -> float:
    """The rank of a candidate: the names' score, raised by an agreeing birth date and
    nationality, lowered a little by a different nationality (people change it; it is shown
    to decide, not used to rule out)."""
    value = match.score + _BIRTH_BONUS.get(birth, 0.0)
    if nationality_a and nationality_b:
        value += 0.02 if nationality_a == nationality_b else -0.02
    return value


# --- blocking keys ---------------------------------------------------------------------------


def _family_sounds(p: Part) -> set[str]:
    out = {sound(p.glued)} if p.glued else set()
    out.update(sound(w) for w in p.core if len(p.core) > 1 or p.core[0] != p.glued)
    return out


def _given_sounds(p: Part) -> set[str]:
    out = {sound(p.glued)}
    if len(p.words) > 1:
        out.update(sound(w) for w in p.words)
    return out


def stored_keys(family_name: str, given_name: str) -> set[str]:
    """The keys a person is found by (at most 64 characters each).

    ``=`` keys pair a sound of the family name with a sound of a given name, in sorted order,
    so that swapped names meet; ``>`` keys pair the family name's sound with the first three
    classes of the given names' (a slip late in the given name), ``<`` keys the other way
    round."""
    fam, giv = family_part(family_name), given_part(given_name)
    if fam.empty:
        return set()
    fs, gs = _family_sounds(fam), _given_sounds(giv) if not giv.empty else {""}
    keys = {"=" + "|".join(sorted((f, g))) for f in fs for g in gs}
    f_all, g_all = sound(fam.glued), sound(giv.glued)
    keys.add(f">{f_all}|{g_all[:3]}")
    keys.add(f"<{g_all}|{f_all[:3]}")
    return {k[:64] for k in keys}


def query_keys(family_name: str, given_name: str) -> set[str]:
    """The keys to look up for a name typed at intake: its own, and those of the names swapped
    (the ``=`` keys meet swapped names by themselves; the others do not)."""
    keys = stored_keys(family_name, given_name)
    if given_name.strip():
        keys |= stored_keys(given_name, family_name)
    whole = " ".join((family_name, given_name))
    for words in _splits(ascii_words(whole)):
        keys |= stored_keys(*words)
    return keys


def _splits(words: Sequence[str]) -> Iterable[tuple[str, str]]:
    """Every division of up to four words into a family and a given name (Nguyen Van Anh is
    entered as Nguyen | Van Anh or Nguyen Van | Anh)."""
    if not 1 < len(words) <= 4:
        return
    for i in range(1, len(words)):
        yield " ".join(words[:i]), " ".join(words[i:])
        yield " ".join(words[i:]), " ".join(words[:i])
