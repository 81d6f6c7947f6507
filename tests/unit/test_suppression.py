"""Small-cell suppression: no count below the threshold can be worked out from what a report
publishes (the visible counts, the hidden markers, and the breakdown's total)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from welcome_center.domain.statistics import ordered
from welcome_center.domain.suppression import Hidden, suppress


def _possible_values(
    published: list[tuple[str, object]], total: int, threshold: int
) -> dict[str, set[int]]:
    """What a reader can conclude: every value each hidden cell can take, by brute force over
    all assignments consistent with the published numbers (small: 1..t-1, cover: t..total)."""
    hidden = [(code, v) for code, v in published if isinstance(v, Hidden)]
    rest = total - sum(v for _, v in published if not isinstance(v, Hidden))  # type: ignore[misc]
    possible: dict[str, set[int]] = {code: set() for code, _ in hidden}

    def walk(i: int, left: int, chosen: list[int]) -> None:
        if i == len(hidden):
            if left == 0:
                for (code, _), value in zip(hidden, chosen, strict=True):
                    possible[code].add(value)
            return
        low, high = (1, threshold - 1) if hidden[i][1] is Hidden.SMALL else (threshold, left)
        for value in range(low, min(high, left) + 1):
            walk(i + 1, left - value, [*chosen, value])

    walk(0, rest, [])
    return possible


counts = st.dictionaries(
    st.sampled_from(["SY", "VN", "UA", "PL", "TR", "IN", "not_recorded"]),
    st.integers(1, 9),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(counts=counts, threshold=st.integers(3, 5))
def test_no_small_cell_can_be_recomputed_from_the_total(
    counts: dict[str, int], threshold: int
) -> None:
    rows = ordered(counts)
    out = suppress(rows, threshold)
    total = sum(counts.values())
    if out.withheld:
        assert out.rows == ()
        return
    published = list(out.rows)
    assert [c for c, _ in published] == [c for c, _ in rows]  # every row kept, in order
    for code, value in published:
        small = counts[code] < threshold
        assert isinstance(value, Hidden) if small else value in (counts[code], Hidden.COVER)
        if small:
            assert value is Hidden.SMALL
    for code, values in _possible_values(published, total, threshold).items():
        assert counts[code] in values  # the truth is among the reader's options
        if counts[code] < threshold:
            assert len(values) >= 2, (code, published, total)


def test_a_single_small_cell_gets_cover_and_larger_ones_stay_visible() -> None:
    out = suppress((("VN", 40), ("UA", 12), ("SY", 5), ("TR", 1)), 3)
    # TR alone would be 58 - 57; SY (the smallest visible) is hidden too.
    assert out.rows == (("VN", 40), ("UA", 12), ("SY", Hidden.COVER), ("TR", Hidden.SMALL))
    assert not out.withheld


def test_two_small_cells_whose_sum_gives_them_away_get_cover() -> None:
    # 1 + 1: a reader with the total knows both are 1.
    out = suppress((("VN", 10), ("SY", 1), ("TR", 1)), 3)
    assert out.rows == (("VN", Hidden.COVER), ("SY", Hidden.SMALL), ("TR", Hidden.SMALL))


def test_a_lone_small_breakdown_is_withheld() -> None:
    assert suppress((("SY", 2),), 3).withheld


def test_nothing_is_hidden_when_no_count_is_small() -> None:
    rows = (("VN", 4), ("SY", 3))
    assert suppress(rows, 3).rows == rows
