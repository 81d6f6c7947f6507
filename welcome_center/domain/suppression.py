"""Small-cell suppression for figures that leave the office (DOMAIN.md).

A count below the threshold (1 or 2 at the default 3) could point to a person, so it is shown as
"< 3" (``Hidden.SMALL``). The breakdown's total is assumed known to the reader (the report
publishes it, or it can be derived), so hiding one small cell alone would not do: the reader could
recompute it from the total and the visible rows. Further cells are then hidden as well
(``Hidden.COVER``, the smallest visible ones first) until no small cell's value follows from the
published numbers. A breakdown that cannot be protected that way (every row small, and the total
pins them down, e.g. a single row of 2) is withheld as a whole. A threshold below 3 only marks
the small cells (their value is plain from the label anyway).

What a reader can conclude, and what this module guards against: visible cells are exact, a small
cell lies in [1, threshold - 1], a cover cell in [threshold, ∞), and all cells add up to the total.
A hidden small cell is safe when those facts still allow at least two values for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from welcome_center.domain.statistics import Breakdown


class Hidden(StrEnum):
    SMALL = "small"  # a count from 1 to threshold - 1
    COVER = "cover"  # a larger count hidden so that a small one cannot be recomputed


Cell = int | Hidden


@dataclass(frozen=True)
class PublishedBreakdown:
    """A breakdown as it may leave the office. ``withheld``: too few records to show any row."""

    rows: tuple[tuple[str, Cell], ...]
    withheld: bool
    threshold: int

    @property
    def hidden(self) -> int:
        return sum(1 for _, v in self.rows if isinstance(v, Hidden))


def _small_cell_determined(hidden: list[tuple[str, int, Hidden]], threshold: int) -> bool:
    """Whether a reader who knows the hidden cells' sum can tell some small cell's exact value.

    One small cell lies in [max(1, sum - highs of the others), min(top, sum - lows of the
    others)], where a small cell spans [1, top] and a cover cell [threshold, unbounded)."""
    top = threshold - 1
    total = sum(n for _, n, _ in hidden)
    smalls = sum(1 for _, _, kind in hidden if kind is Hidden.SMALL)
    covers = len(hidden) - smalls
    others_low = (smalls - 1) + covers * threshold
    high = min(top, total - others_low)
    low = 1 if covers else max(1, total - (smalls - 1) * top)
    return smalls > 0 and low >= high


def suppress(rows: Breakdown, threshold: int) -> PublishedBreakdown:
    """``rows`` with every count below ``threshold`` hidden, and enough cover that none of them
    can be recomputed from the total (see the module's note)."""
    hidden = [(code, n, Hidden.SMALL) for code, n in rows if 0 < n < threshold]
    if not hidden or threshold <= 2:
        # Below 3 a hidden cell's value is plain from its label ("< 2" is 1): cover cannot
        # protect it, so the small cells are only marked.
        kinds = {code: kind for code, _, kind in hidden}
        return PublishedBreakdown(tuple((c, kinds.get(c, n)) for c, n in rows), False, threshold)
    visible = sorted(((code, n) for code, n in rows if n >= threshold), key=lambda r: (r[1], r[0]))
    while _small_cell_determined(hidden, threshold):
        if not visible:
            return PublishedBreakdown((), True, threshold)
        code, n = visible.pop(0)
        hidden.append((code, n, Hidden.COVER))
    kinds = {code: kind for code, _, kind in hidden}
    out = tuple((code, kinds.get(code, n)) for code, n in rows)
    return PublishedBreakdown(out, False, threshold)
