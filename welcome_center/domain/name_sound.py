"""The sound of a name: spelling in plain letters and a consonant skeleton with its vowels,
so that transliterations of one name meet (used by ``name_match``).

* **Spelling** (:func:`spelling`): any script to ASCII with ``anyascii`` (Иванов -> ivanov,
  Nguyễn -> nguyen, Çelik -> celik, محمد -> mhmd), case-folded, ``ae/oe/ue`` read as umlauts
  (as :func:`~welcome_center.domain.text.fold` does), apostrophes dropped, hyphens and spaces
  separating words.
* **Sound** (:func:`shape`, :func:`sound`): a consonant skeleton that forgets what
  transliteration systems disagree on. German and English write the same Russian, Ukrainian,
  Arabic or Turkish sound differently (Iwanow / Ivanov, Schewtschenko / Shevchenko, Chalid /
  Khalid, Dschamal / Djamal / Jamal, Jewgeni / Yevgeny, Jussuf / Yusuf). So: ``w v f ph`` are
  one class, ``b p``, ``d t``, ``g k q c``, ``s z ts tz sch sh zh`` and ``h ch kh tsch tch``
  are one class each; ``dsch dj dzh`` and a leading ``j``/``y`` (also ``i`` before a vowel:
  Iuliia) are ``J``; ``je``/``ye`` at the start read as ``e`` (Jelena / Elena); ``ei ai ey ay
  ej`` are one diphthong (Meier / Mayer, Sergei / Sergej); a final ``h`` after a vowel is
  silent (Sarah / Sara); letters of one class in a row count once (Hassan / Hasan).
* **Vowels** beside the skeleton (:func:`vowels_agree`): vowels are where Arabic names vary
  most (Mohammed / Muhammad / Mohamed), so o/u, a/e, e/i and the like may stand for each
  other; a/i, a/u, i/o and i/u do not (Minh / Manh, Müller / Miller, Min-jun / Min-jin) except
  once in a long name (Abdullah / Abdallah); a final vowel on one side only, or another final
  vowel but e/i or o/u, is another form of the name (Ivanov / Ivanova, Maria / Mario).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['`´ʻʼʾʿ’‘]")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_UMLAUT_DIGRAPH = re.compile(r"([aou])e")

# Applied in order to a spelled word (lower case); capitals are finished classes.
_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"(?<=[aeiou])h$", ""),  # Sarah / Sara, Fatimah / Fatima: a silent final h
        (r"^y(?=[aeiou])", "j"),  # Yusuf, Yulia, Yilmaz: a consonant y begins the name
        (r"^i(?=[aeou])", "j"),  # Iuliia, Iana (Ukrainian passports)
        (r"^je", "e"),  # Jelena, Jewgeni read as Elena, Evgeny
        (r"^ch(?=[rl])", "k"),  # Christina, Chlodwig
        (r"[ae][iyj]", "ai"),  # Meier, Maier, Meyer, Mayer; Sergei, Sergej; Leila, Layla
        (r"d(?:sch|sh|zh|j)", "J"),  # Dschamal, Dzhamal, Djamal
        (r"tsch|tch", "H"),  # Tschernow / Chernov (ч)
        (r"sch|sh|zh", "S"),  # Schukow / Zhukov, Schewtschenko / Shevchenko
        (r"ch|kh", "H"),  # Chalid / Khalid, Michail / Mikhail (х)
        (r"ph", "f"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"gh", "g"),
        (r"ck", "k"),
        (r"x", "ks"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"t[sz]", "s"),
    )
)
_VOWEL_LETTERS = frozenset("aeiouyj")  # y and j are consonants only at the start (see rules)
_CLASSES = str.maketrans(
    {
        **dict.fromkeys("bp", "P"),
        **dict.fromkeys("dt", "T"),
        **dict.fromkeys("fvw", "F"),
        **dict.fromkeys("gk", "K"),
        **dict.fromkeys("sz", "S"),
        "h": "H",
        "l": "L",
        "m": "M",
        "n": "N",
        "r": "R",
    }
)


def ascii_words(text: str) -> list[str]:
    """A name's words: any script in small ASCII letters, umlaut digraphs read as umlauts."""
    plain = _APOSTROPHES.sub("", anyascii(text)).casefold()
    return [_UMLAUT_DIGRAPH.sub(r"\1", w) for w in _NOT_LETTERS.split(plain) if w]


def spelling(text: str) -> str:
    """A name's words in plain small ASCII letters, separated by one space."""
    return " ".join(ascii_words(text))


@dataclass(frozen=True)
class Shape:
    """A spelled word's consonant skeleton and, beside it, its vowels: ``vowels[0]`` before
    the first consonant class, ``vowels[k]`` after the k-th ("" where there is none)."""

    skeleton: str
    vowels: tuple[str, ...]
    letters: str  # the word as the rules rewrote it (juliia for Iuliia, jamal for Dschamal)


@functools.lru_cache(maxsize=1 << 16)
def shape(word: str) -> Shape:
    """The sound of a spelled word (``mohammed`` and ``muhammad`` are both ``MHMT``)."""
    s = word
    for pattern, repl in _SOUND_RULES:
        s = pattern.sub(repl, s)
    if s.startswith("j"):
        s = "J" + s[1:]
    classes: list[str] = []
    vowels: list[str] = [""]
    run = ""
    for ch in s.translate(_CLASSES) + "#":
        if ch in _VOWEL_LETTERS:
            run += ch
            continue
        if run:
            vowels[-1] = _vowel_of(run)
            run = ""
        if ch == "#" or (classes and ch == classes[-1] and not vowels[-1]):
            continue  # letters of one class in a row count once (Hassan = Hasan)
        classes.append(ch)
        vowels.append("")
    skeleton = ("A" if vowels[0] else "") + "".join(classes)
    return Shape(skeleton, tuple(vowels), s.lower())


def _vowel_of(run: str) -> str:
    """The vowel a run of vowel letters stands for: a leading glide is left out (Tatiana and
    Tatjana both have ``a`` after the second t); ``y`` and ``j`` alone read as ``i``."""
    while len(run) > 1 and run[0] in "iyj":
        run = run[1:]
    return "i" if run[0] in "yj" else run[0]


def sound(word: str) -> str:
    """The consonant skeleton of a spelled word."""
    return shape(word).skeleton if word else ""


# Vowels that transliterations do not swap for each other; every other pair may be one sound
# written two ways (o/u: Mohammed, Muhammad; a/e: Ahmad, Ahmed; e/i: Khaled, Khalid).
_CLASH = frozenset(frozenset(p) for p in ("ai", "au", "io", "iu"))
# At the end of a word a vowel often tells a form (Maria / Mario, Daniele / Daniela).
_FINAL_CLASH = _CLASH | frozenset(frozenset(p) for p in ("ao", "ae", "eo"))


def vowels_agree(a: Shape, b: Shape) -> bool:
    """Whether two words of one skeleton may be one name: a final vowel on one only is a
    different form (Jan / Jana, Ivanov / Ivanova, Emin / Emine), and so is another final vowel
    but e/i or o/u (Maria / Mario); vowels that clash (Minh /
    Manh, Müller / Miller) are allowed once in a word with three vowels or more (Abdullah /
    Abdallah)."""
    last = frozenset((a.vowels[-1], b.vowels[-1]))
    if bool(a.vowels[-1]) != bool(b.vowels[-1]) or last in _FINAL_CLASH:
        return False
    both = [frozenset((x, y)) for x, y in zip(a.vowels, b.vowels, strict=False) if x and y]
    clashes = sum(pair in _CLASH for pair in both)
    return clashes == 0 or (clashes == 1 and len(both) >= 3)
