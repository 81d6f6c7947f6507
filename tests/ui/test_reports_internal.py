"""The Reports page and the protection of reports that leave the office: hidden small counts
after the shown rows in the desk's tables too; the counsellors only in the internal workload
report, chosen beside the period, marked as internal and never archived."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_reports_page import (  # noqa: F401  (_jobs_done: an autouse fixture)
    LEFT,
    _choose_month,
    _jobs_done,
    _march,
    _page,
    _save_dialog,
)
from welcome_center.domain.statistics import ReportFormat
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.reports import ReportsPage


def _breakdowns(page: ReportsPage) -> list[str]:
    chooser = page.breakdowns.chooser
    return [chooser.item(row).text() for row in range(chooser.count())]


def test_hidden_nationalities_come_after_the_shown_ones_alphabetically(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)  # Syria 5, India 4, Ukraine 3, Türkiye 1: Türkiye hidden, India and Ukraine cover
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    page.breakdowns.choose("by_nationality")
    assert page.breakdowns.texts() == [
        ("Syria", "5", "38.5%"), ("India", "x", ""), ("Türkiye", "< 3", ""), ("Ukraine", "x", ""),
    ]  # fmt: skip
    assert "after the others, in alphabetical order" in page.breakdowns.note.text()


def test_the_counsellors_are_only_in_the_internal_report(
    qtbot, ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    assert "Counsellors" not in _breakdowns(page)
    assert not page.internal.isChecked()
    assert "kept unchanged in the archive" in page.export_intro.text()

    qtbot.mouseClick(page.internal, LEFT)
    qtbot.waitUntil(lambda: page.content is not None and page.content.internal, timeout=10_000)
    assert "Counsellors" in _breakdowns(page)
    page.breakdowns.choose("by_counsellor")
    assert page.breakdowns.texts() == [("Anna Berger", "13", "100.0%")]
    assert page.heading.text() == "Key figures of March 2025 · Internal – not for publication"
    assert "not kept in the archive" in page.export_intro.text()

    target = tmp_path / "workload.pdf"
    asked: list[str] = []
    _save_dialog(monkeypatch, target, asked)
    messages: list[str] = []
    ops.status.connect(messages.append)
    qtbot.mouseClick(page.export_buttons[ReportFormat.PDF], LEFT)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert asked[0].endswith("report_internal_2025-03.pdf")
    assert messages[-1] == f"Internal report saved to {target} (not kept in the archive)."
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Anna Berger" in text and "Internal – not for publication" in text
    assert page.archive.model.rowCount() == 0  # never archived

    page.internal.setFocus()
    qtbot.keyClick(page.internal, Qt.Key.Key_Space)  # and back to the funder report
    qtbot.waitUntil(lambda: page.content is not None and not page.content.internal, timeout=10_000)
    assert "Counsellors" not in _breakdowns(page)
    assert page.heading.text() == "Key figures of March 2025"


def test_exports_wait_for_the_report_chosen(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    assert page.export_buttons[ReportFormat.PDF].isEnabled()
    qtbot.mouseClick(page.internal, LEFT)  # the figures shown are the funder report's yet
    assert not page.export_buttons[ReportFormat.PDF].isEnabled()
    qtbot.waitUntil(lambda: page.export_buttons[ReportFormat.PDF].isEnabled(), timeout=10_000)
    assert page.content is not None and page.content.internal
