"""Small-cell suppression: no count below the threshold can be worked out from what a report
publishes (the visible counts, the hidden markers, and the breakdown's total), nor from the order
of its rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from welcome_center.domain.statistics import ordered
from welcome_center.domain.suppression import Hidden, suppress

Published = Sequence[tuple[str, object]]
# Whether the reader keeps a candidate (the true counts as the reader supposes them).
Check = Callable[[dict[str, int]], bool]


def _possible_values(
    published: Published, total: int, threshold: int, keep: Check | None = None
) -> dict[str, set[int]]:
    """What a reader can conclude: every value each hidden cell can take, by brute force over
    all assignments consistent with the published numbers (small: 1..t-1, cover: t..total),
    and with what else the reader knows (``keep``)."""
    hidden = [(code, v) for code, v in published if isinstance(v, Hidden)]
    visible = {code: v for code, v in published if not isinstance(v, Hidden)}
    rest = total - sum(visible.values())  # type: ignore[arg-type]
    possible: dict[str, set[int]] = {code: set() for code, _ in hidden}

    def walk(i: int, left: int, chosen: list[int]) -> None:
        if i == len(hidden):
            candidate = {**visible, **{c: v for (c, _), v in zip(hidden, chosen, strict=True)}}
            if left == 0 and (keep is None or keep(candidate)):  # type: ignore[arg-type]
                for (code, _), value in zip(hidden, chosen, strict=True):
                    possible[code].add(value)
            return
        low, high = (1, threshold - 1) if hidden[i][1] is Hidden.SMALL else (threshold, left)
        for value in range(low, min(high, left) + 1):
            walk(i + 1, left - value, [*chosen, value])

    walk(0, rest, [])
    return possible


def _pattern(rows: Published) -> dict[str, object]:
    return {code: v for code, v in rows if isinstance(v, Hidden)}


def knows_the_order(published: Published, threshold: int) -> Check:
    """A reader who also reads the row order. He knows the program's ordering rule: for
    candidate counts, he asks the program in which order it lists them. Where the program would
    hide the same cells, the order must be the one published; where it would hide others, he
    learns nothing from the order (he does not use how cells are chosen for hiding)."""
    order, pattern = [code for code, _ in published], _pattern(published)

    def keep(candidate: dict[str, int]) -> bool:
        again = list(suppress(ordered(candidate), threshold).rows)
        return _pattern(again) != pattern or [code for code, _ in again] == order

    return keep


def knows_the_cover_rule(published: Published, threshold: int) -> Check:
    """A reader who knows the order (as above) and that cover cells are the smallest counts not
    below the threshold (ties by code): no cover cell is larger than a count shown."""
    by_order = knows_the_order(published, threshold)
    shown = [(v, c) for c, v in published if isinstance(v, int) and v >= threshold]
    covers = [c for c, v in published if v is Hidden.COVER]

    def keep(candidate: dict[str, int]) -> bool:
        fits = all((candidate[c], c) < min(shown) for c in covers) if shown else True
        return fits and by_order(candidate)

    return keep


def _recovered(counts: dict[str, int], threshold: int, reader: str) -> list[str]:
    """The small cells whose exact value ``reader`` works out from the published breakdown."""
    out = suppress(ordered(counts), threshold)
    if out.withheld:
        return []
    published: Published = list(out.rows)
    keep = {"total": None, "order": knows_the_order, "cover_rule": knows_the_cover_rule}[reader]
    possible = _possible_values(
        published, sum(counts.values()), threshold, keep and keep(published, threshold)
    )
    for code, values in possible.items():
        assert counts[code] in values  # the truth is among the reader's options
    return [c for c, values in possible.items() if counts[c] < threshold and len(values) < 2]


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
    shown = [c for c, v in published if not isinstance(v, Hidden)]
    hidden = [c for c, v in published if isinstance(v, Hidden)]
    assert published == [(c, v) for c, v in published if c in shown] + [
        (c, v) for c, v in published if c in hidden
    ]  # the shown rows first, then the hidden ones
    assert shown == [c for c, _ in rows if c in shown]  # shown rows in their order
    assert hidden == sorted(hidden, key=lambda c: (c == "not_recorded", c))  # never by count
    for code, value in published:
        small = counts[code] < threshold
        assert isinstance(value, Hidden) if small else value in (counts[code], Hidden.COVER)
        if small:
            assert value is Hidden.SMALL
    for code, values in _possible_values(published, total, threshold).items():
        assert counts[code] in values  # the truth is among the reader's options
        if counts[code] < threshold:
            assert len(values) >= 2, (code, published, total)


@settings(max_examples=400, deadline=None)
@given(counts=counts, threshold=st.integers(3, 5))
def test_no_small_cell_can_be_recomputed_from_the_total_and_the_row_order(
    counts: dict[str, int], threshold: int
) -> None:
    assert _recovered(counts, threshold, "order") == [], suppress(ordered(counts), threshold)


@settings(max_examples=400, deadline=None)
@given(counts=counts, threshold=st.integers(3, 5))
def test_no_small_cell_can_be_recomputed_by_a_reader_who_knows_how_cover_is_chosen(
    counts: dict[str, int], threshold: int
) -> None:
    assert _recovered(counts, threshold, "cover_rule") == [], suppress(ordered(counts), threshold)


def test_the_row_order_does_not_give_a_hidden_count_away() -> None:
    # Today: VN 9, SY 5, TR < 3, PL < 3. The two small cells add up to 3, so one is 1 and the
    # other 2; TR is listed above PL although PL comes first by code: TR is 2, PL is 1.
    assert _recovered({"VN": 9, "SY": 5, "PL": 1, "TR": 2}, 3, "order") == []


def test_a_cover_cell_is_not_narrowed_by_the_counts_shown() -> None:
    # Today: PL 5, TR x, SY < 3, VN < 3, hidden sum 8. From the total alone TR is 4, 5 or 6.
    # A cover cell is never larger than a count shown, and TR (after PL by code) was chosen
    # before PL's 5: TR is 4, so SY and VN are both 2.
    assert _recovered({"PL": 5, "TR": 4, "SY": 2, "VN": 2}, 3, "cover_rule") == []


def test_a_single_small_cell_gets_cover_and_larger_ones_stay_visible() -> None:
    out = suppress((("VN", 40), ("UA", 12), ("SY", 5), ("TR", 1)), 3)
    # TR alone would be 58 - 57; SY (the smallest visible) is hidden too.
    assert out.rows == (("VN", 40), ("UA", 12), ("SY", Hidden.COVER), ("TR", Hidden.SMALL))
    assert not out.withheld


def test_two_small_cells_whose_sum_gives_them_away_get_cover() -> None:
    # 1 + 1: a reader with the total knows both are 1.
    out = suppress((("VN", 10), ("SY", 1), ("TR", 1)), 3)
    assert out.rows == (("SY", Hidden.SMALL), ("TR", Hidden.SMALL), ("VN", Hidden.COVER))


def test_hidden_rows_follow_the_shown_ones_in_an_order_of_their_own() -> None:
    rows = (("VN", 40), ("UA", 12), ("PL", 4), ("CH", 2), ("DE", 1), ("not_recorded", 1))
    out = suppress(rows, 3)  # three small cells adding up to 4: no cover needed
    assert out.rows == (
        ("VN", 40), ("UA", 12), ("PL", 4),
        ("CH", Hidden.SMALL), ("DE", Hidden.SMALL), ("not_recorded", Hidden.SMALL),
    )  # fmt: skip
    names = {"CH": "Schweiz", "DE": "Deutschland", "not_recorded": "nicht erfasst"}
    by_name = suppress(rows, 3, hidden_order=lambda code: (code == "not_recorded", names[code]))
    assert [c for c, _ in by_name.rows] == ["VN", "UA", "PL", "DE", "CH", "not_recorded"]


def test_a_cover_cell_no_larger_than_the_counts_shown_gets_more_cover() -> None:
    # SY and VN are 2 each (sum 4: both at the top). TR 4 alone as cover would be bounded by
    # PL's 5 shown (and below it, coming after PL by code): TR 4 pins SY and VN. PL goes too.
    out = suppress((("PL", 5), ("TR", 4), ("SY", 2), ("VN", 2)), 3)
    assert out.rows == (
        ("PL", Hidden.COVER), ("SY", Hidden.SMALL), ("TR", Hidden.COVER), ("VN", Hidden.SMALL),
    )  # fmt: skip


def test_a_lone_small_breakdown_is_withheld() -> None:
    assert suppress((("SY", 2),), 3).withheld


def test_nothing_is_hidden_when_no_count_is_small() -> None:
    rows = (("VN", 4), ("SY", 3))
    assert suppress(rows, 3).rows == rows
