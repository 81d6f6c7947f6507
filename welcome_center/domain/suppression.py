"""Small-cell suppression for figures that leave the office (DOMAIN.md).

A count below the threshold (1 or 2 at the default 3) could point to a person, so it is shown as
"< 3" (``Hidden.SMALL``). The breakdown's total is assumed known to the reader (the report
publishes it, or it can be derived), so hiding one small cell alone would not do: the reader could
recompute it from the total and the visible rows. Further cells are then hidden as well
(``Hidden.COVER``, the smallest visible ones first) until no small cell's value follows from the
published numbers. A breakdown that cannot be protected that way (every row small, and the total
pins them down, e.g. a single row of 2) is withheld as a whole. A threshold below 3 only marks
the small cells (their value is plain from the label anyway).

The row order gives nothing away: the shown rows keep their order (largest first), and every
hidden row follows them in an order that does not depend on any count (by code unless the caller
gives one, e.g. by label; ``not_recorded`` last). Ordered by their counts, the hidden rows would
tell a reader which one is larger, and each cover cell would be bounded by its neighbours.

What a reader can conclude, and what this module guards against: visible cells are exact, a small
cell lies in [1, threshold - 1], a cover cell in [threshold, smallest count shown] (cover cells are
the smallest counts not below the threshold, ties broken by code, so none is larger than a count
shown), and all cells add up to the total. A hidden small cell is safe when those facts still
allow at least two values for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from welcome_center.domain.statistics import NOT_RECORDED, Breakdown


class Hidden(StrEnum):
    SMALL = "small"  # a count from 1 to threshold - 1
    COVER = "cover"  # a larger count hidden so that a small one cannot be recomputed


Cell = int | Hidden


@dataclass(frozen=True)
class PublishedBreakdown:
    """A breakdown as it may leave the office: the shown rows in their order, then the hidden
    ones (see the module's note). ``withheld``: too few records to show any row."""

    rows: tuple[tuple[str, Cell], ...]
    withheld: bool
    threshold: int

    @property
    def hidden(self) -> int:
        return sum(1 for _, v in self.rows if isinstance(v, Hidden))


def by_code(code: str) -> tuple[bool, str]:
    """The default order of hidden rows: by code, ``not_recorded`` last."""
    return code == NOT_RECORDED, code


def _small_cell_determined(
    hidden: list[tuple[str, int, Hidden]], threshold: int, shown: tuple[int, str] | None
) -> bool:
    """Whether a reader who knows the hidden cells' sum can tell some small cell's exact value.

    One small cell lies in [max(1, sum - highs of the others), min(top, sum - lows of the
    others)], where a small cell spans [1, top] and a cover cell [threshold, its bound]: a cover
    is never larger than the smallest count ``shown`` (count, code), and equal to it only when
    its code comes first (``None``: nothing shown, no bound)."""
    top = threshold - 1
    total = sum(n for _, n, _ in hidden)
    smalls = sum(1 for _, _, kind in hidden if kind is Hidden.SMALL)
    covers = [code for code, _, kind in hidden if kind is Hidden.COVER]
    others_low = (smalls - 1) + len(covers) * threshold
    high = min(top, total - others_low)
    if shown is None:
        cover_highs: float = math.inf if covers else 0
    else:
        least, least_code = shown
        cover_highs = sum(least if code < least_code else least - 1 for code in covers)
    low = max(1, total - (smalls - 1) * top - cover_highs)
    return smalls > 0 and low >= high


def suppress(
    rows: Breakdown, threshold: int, hidden_order: Callable[[str], Any] = by_code
) -> PublishedBreakdown:
    """``rows`` with every count below ``threshold`` hidden, and enough cover that none of them
    can be recomputed from the total (see the module's note). The shown rows keep their order;
    the hidden rows follow, sorted by ``hidden_order`` of their codes (never by count)."""
    hidden = [(code, n, Hidden.SMALL) for code, n in rows if 0 < n < threshold]
    if hidden and threshold > 2:
        # Below 3 a hidden cell's value is plain from its label ("< 2" is 1): cover cannot
        # protect it, so the small cells are only marked.
        visible = sorted(((n, code) for code, n in rows if n >= threshold))
        while _small_cell_determined(hidden, threshold, visible[0] if visible else None):
            if not visible:
                return PublishedBreakdown((), True, threshold)
            n, code = visible.pop(0)
            hidden.append((code, n, Hidden.COVER))
    kinds = {code: kind for code, _, kind in hidden}
    shown = tuple((code, n) for code, n in rows if code not in kinds)
    last = tuple((code, kinds[code]) for code in sorted(kinds, key=hidden_order))
    return PublishedBreakdown(shown + last, False, threshold)
