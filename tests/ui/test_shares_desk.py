"""The Reports page rounds shares as every report does: 1 of 16 enquiries reads 6.3 % in the
topic bars and the breakdown table (round() of a float would make it 6.2 %)."""

from __future__ import annotations

from datetime import date

from tests.ui.test_reports_page import _choose_month, _jobs_done, _page  # noqa: F401
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops


def test_one_of_sixteen_reads_six_point_three(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Doe"), accept_duplicates=True
    ).value.id
    for day in range(1, 17):
        draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person),
                            opened_on=date(2025, 3, day),
                            topics=("family",) if day == 1 else ("residence",))  # fmt: skip
        cases.open_record(ops.uow, ops.actor, draft)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    family = ops.label(Vocabulary.TOPIC, "family")
    residence = ops.label(Vocabulary.TOPIC, "residence")
    assert {b.label: b.text for b in page.topics.bars} == {
        family: "1 (6.3%)", residence: "15 (93.8%)"}  # fmt: skip
    page.breakdowns.choose("by_topic")
    assert sorted(page.breakdowns.texts()) == [(family, "1", "6.3%"), (residence, "15", "93.8%")]
