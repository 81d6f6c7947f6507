"""The manager's workload view on the Reports page: a table per counsellor with the open
records, overdue follow-ups and referrals without feedback and their totals, no client name;
read again with the page (Recalculate). A counsellor's Reports page has no such table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtWidgets import QLabel, QPushButton

from tests.db.workload_office import CLIENT_NAMES, TODAY, build
from tests.ui.test_reports_page import LEFT, _jobs_done, _page  # noqa: F401
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.queries import RecordQuery
from welcome_center.services import follow_ups, record_list
from welcome_center.services.context import Actor
from welcome_center.ui.ops import Ops

EXPECTED = [
    ("Ada Admin", "0", "0", "0"),
    ("Anna Berger", "3", "3", "1"),
    ("Ben Schulz", "1", "1", "1"),
    ("No counsellor", "1", "1", "0"),
    ("Total", "5", "5", "2"),
]


def test_a_manager_sees_the_workload_with_totals(  # type: ignore[no-untyped-def]
    qtbot, uow: UnitOfWork, ops_for: Callable[[Actor], Ops], manager: Actor, anna: Actor,
    ben: Actor,
) -> None:  # fmt: skip
    build(uow, anna, ben)
    page = _page(qtbot, ops_for(manager))
    panel = page.workload
    assert panel is not None and panel.isVisibleTo(page)
    assert panel.heading.text() == "Wor&kload"
    assert panel.model.headers == ["Counsellor", "Open enquiries and cases",
                                   "Overdue follow-ups", "Referrals without feedback"]  # fmt: skip
    assert panel.texts() == EXPECTED
    assert "14 days" in panel.note.text() and "not for publication" in panel.note.text()
    shown = " ".join(" ".join(line) for line in panel.texts()) + panel.note.text()
    assert not any(name in shown for name in CLIENT_NAMES)

    # Anna adds an overdue follow-up; the page's Recalculate reads the workload again.
    [first, *_rest] = record_list.record_ids(uow, anna, RecordQuery(counsellor_id=anna.user_id))
    follow_ups.add_follow_up(uow, anna, first, TODAY - timedelta(days=1), "again")
    recalculate = next(b for b in page.findChildren(QPushButton) if b.text() == "&Recalculate")
    qtbot.mouseClick(recalculate, LEFT)
    assert panel.texts()[1] == ("Anna Berger", "3", "4", "1")
    assert panel.texts()[-1] == ("Total", "5", "6", "2")


def test_a_counsellor_does_not_see_it(  # type: ignore[no-untyped-def]
    qtbot, uow: UnitOfWork, ops: Ops, anna: Actor, ben: Actor
) -> None:
    build(uow, anna, ben)
    page = _page(qtbot, ops)
    assert page.workload is None
    assert not any("Workload" in w.text() for w in page.findChildren(QLabel))


def test_an_administrator_does_not_see_it(qtbot, admin_only_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, admin_only_ops)
    assert page.workload is None
