"""Administration > Import, done by keys (issue 15, item 4): a list chosen, its preview, its
unknown values given a meaning by typing, checked, imported with the mappings remembered, the
summary; the aliases seen and one removed; Cancel while importing writes nothing; every
mnemonic of the tab differs, in English and German."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tests.ui.conftest import MessageBoxes, when_modal
from welcome_center import i18n
from welcome_center.db.models import AuditEntry, ImportAlias, Record
from welcome_center.services import imports
from welcome_center.services.import_aliases import list_aliases
from welcome_center.services.import_mapping import ValueKind
from welcome_center.ui.dialogs.import_aliases import AliasesDialog
from welcome_center.ui.import_values import MEANS
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage

ALT = Qt.KeyboardModifier.AltModifier
LIST = [
    "Nachname;Vorname;Eingang;Themen;Kanal;Wohnort;Berater/in;Verweise",
    "Haddad;Rami;03.04.2024;Aufenthalt;Telefon;Zwickau;anna;IHK Chemnitz",
    "Kaya;Ali;04.04.2024;Raumfahrt;Fax;Zwickau;S. Berger;Kammer Zwickau",
    "Lopez;Ana;05.04.2024;raumfahrt;;Nordpol;neu.kollege;IQ Netzwerk Sachsen",
]


@pytest.fixture
def chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The list the file dialog returns."""
    path = tmp_path / "liste.csv"
    path.write_text("\n".join(LIST) + "\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    return path


def _page(qtbot: QtBot, ops: Ops) -> AdminPage:
    page = AdminPage(ops)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.tabs.setFocus()
    for _n in range(page.tabs.indexOf(page.imports)):  # as typed: Ctrl+Tab to the last tab
        QTest.keyClick(page.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.imports
    return page


def _alt(page: QWidget, letter: str) -> None:
    QTest.keyClick(page.windowHandle(), getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def _alt_and_wait(qtbot: QtBot, page: AdminPage, button: QAbstractButton) -> None:
    """Alt and the letter of ``button``, whose work runs in the background (a mnemonic clicks
    after a moment), and wait for that work to end."""
    letter = button.text()[button.text().index("&") + 1]
    with qtbot.waitSignal(button.clicked, timeout=3000):
        _alt(page, letter)
    page.ops.jobs.wait()
    assert page.imports.running is None


def _count(ops: Ops, model: type) -> int:
    with ops.uow.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _choose(qtbot: QtBot, page: AdminPage) -> None:
    _alt_and_wait(qtbot, page, page.imports.choose_button)  # Choose file…
    assert page.imports.preview is not None


def _pick(qtbot: QtBot, typed: str) -> None:
    """Type ``typed`` into the focused choice, then Tab on."""
    focused = QApplication.focusWidget()
    assert focused is not None
    QTest.keyClicks(focused, typed)
    QTest.keyClick(focused, Qt.Key.Key_Tab)


def test_a_list_is_previewed_mapped_checked_and_imported_by_keys(
    qtbot: QtBot, admin_ops: Ops, chosen: Path, message_boxes: MessageBoxes
) -> None:
    page = _page(qtbot, admin_ops)
    tab = page.imports
    assert not tab.import_button.isEnabled()
    _choose(qtbot, page)

    assert tab.file_label.text() == "liste.csv: 3 rows, 8 columns (8 understood)"
    model = tab.rows_model
    assert model.headers[2] == "Eingang\nOpened on"
    assert model.rows[0] == ("Haddad", "Rami", "03.04.2024", "Aufenthalt", "Telefon", "Zwickau",
                             "anna", "IHK Chemnitz")  # fmt: skip
    assert tab.views.currentIndex() == 1  # the unknown values, as there are some
    values = tab.values
    assert [(v.column, v.written, v.rows) for v in values.values] == [
        ("Themen", "Raumfahrt", 2), ("Kanal", "Fax", 1), ("Berater/in", "S. Berger", 1),
        ("Verweise", "Kammer Zwickau", 1), ("Wohnort", "Nordpol", 1),
        ("Berater/in", "neu.kollege", 1),
    ]  # fmt: skip
    assert values.item(0, 0).text() == "Themen"
    assert values.combos[5].currentText() == "(create as an inactive user)"
    assert tab.values_label.text().startswith("6 values the program's lists do not know.")

    # Each meaning typed into its choice, each remembered with Space, Tab to the next row.
    values.combos[0].setFocus()
    for typed in ("oth", "let", "anna", "hand", "abr"):
        _pick(qtbot, typed)
        assert QApplication.focusWidget() in values.checks
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert [c.currentText() for c in values.combos[:5]] == [
        "Other", "Letter", "Anna Berger (anna)", "Handwerkskammer Chemnitz – HWK Chemnitz",
        "Abroad",
    ]  # fmt: skip
    assert all(c.isChecked() for c in values.checks[:5]) and not values.checks[5].isEnabled()

    _alt_and_wait(qtbot, page, tab.check_button)  # Check: everything done, then rolled back
    assert tab.views.currentWidget() is tab.summary
    assert tab.summary.toPlainText().startswith(
        "Checked (dry run, nothing written): liste.csv, 3 rows: 3 new records, 0 already there"
    )
    assert "5 mappings would be remembered for the next import." in tab.summary.toPlainText()
    assert _count(admin_ops, ImportAlias) == 0

    records = _count(admin_ops, Record)
    _alt_and_wait(qtbot, page, tab.import_button)  # Import…, asked and answered "Import"
    assert "Import liste.csv (3 rows)?" in message_boxes.texts[-1]
    text = tab.summary.toPlainText().splitlines()
    assert text[0].startswith("Imported: liste.csv, 3 rows: 3 new records")
    assert "5 mappings remembered for the next import." in text
    assert "Counsellors created as inactive users: neu.kollege" in text
    assert _count(admin_ops, Record) == records + 3
    assert {(a.kind, a.written) for a in list_aliases(admin_ops.uow, admin_ops.actor)} == {
        (ValueKind.TOPIC, "Raumfahrt"), (ValueKind.CHANNEL, "Fax"),
        (ValueKind.COUNSELLOR, "S. Berger"), (ValueKind.PARTNER, "Kammer Zwickau"),
        (ValueKind.MUNICIPALITY, "Nordpol"),
    }  # fmt: skip
    with admin_ops.uow.read() as s:
        details = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "import")
        ).all()  # as the command line's import audits it
    assert details == ["file=liste.csv rows=3 created=3 existing=0"]

    # Chosen again, the list is known: its values show as remembered.
    _choose(qtbot, page)
    assert tab.preview is not None and tab.preview.unknown == ()  # neu.kollege is a user now
    assert values.item(0, 1).text() == "Raumfahrt (remembered)"
    assert values.combos[0].currentText() == "Other" and not values.checks[0].isEnabled()


def test_cancel_while_importing_writes_nothing(
    qtbot: QtBot,
    admin_ops: Ops,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    path = tmp_path / "gross.csv"
    rows = [f"Name{i};Test;03.04.2024;Aufenthalt;;;;" for i in range(300)]
    path.write_text("\n".join([LIST[0], *rows]) + "\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    # The import waits at its first question "cancelled?" until the user has clicked Cancel.
    real, clicked = imports.import_file, threading.Event()

    def held(*args: object, **kwargs: Callable[[], bool]) -> object:
        asked = kwargs["cancelled"]

        def cancelled() -> bool:
            clicked.wait(5)
            return asked()

        return real(*args, **{**kwargs, "cancelled": cancelled})  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "import_file", held)
    page = _page(qtbot, admin_ops)
    tab = page.imports
    _alt_and_wait(qtbot, page, tab.choose_button)
    before = (_count(admin_ops, Record), _count(admin_ops, AuditEntry))

    with qtbot.waitSignal(tab.import_button.clicked, timeout=3000):
        _alt(page, "t")  # Import…, answered "Import"
    assert tab.running is not None
    assert tab.progress.isVisible() and tab.cancel_button.isVisible()
    assert not tab.import_button.isEnabled() and not tab.choose_button.isEnabled()
    assert tab.cancel_button.hasFocus()
    with qtbot.waitSignal(tab.cancel_button.clicked, timeout=3000):
        _alt(page, "c")
    assert tab.progress_label.text() == "Cancelling…"
    clicked.set()
    admin_ops.jobs.wait()

    assert tab.running is None and not tab.progress.isVisible()
    assert tab.summary.toPlainText() == "Cancelled: nothing was written."
    assert (_count(admin_ops, Record), _count(admin_ops, AuditEntry)) == before
    assert tab.import_button.isEnabled()


def test_a_list_with_problems_says_each_and_writes_nothing(
    qtbot: QtBot, admin_ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "falsch.csv"
    path.write_text(LIST[0] + ";Bemerkung\nKaya;Ali;31.02.2024;Raumfahrt;;;;;x\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    page = _page(qtbot, admin_ops)
    tab = page.imports
    _alt_and_wait(qtbot, page, tab.choose_button)
    assert tab.file_label.text() == "falsch.csv: 1 row, 9 columns (8 understood)"
    assert tab.rows_model.headers[-1] == "Bemerkung\n(unknown column)"
    assert tab.problems_label.isVisible()
    assert tab.problems_label.text().startswith(
        'line 1, column Bemerkung: Unknown column "Bemerkung"'
    )
    records = _count(admin_ops, Record)

    _alt_and_wait(qtbot, page, tab.check_button)

    lines = tab.summary.toPlainText().splitlines()
    assert lines[0] == "falsch.csv: 3 problems; nothing was imported."
    assert lines[1] == "Correct the list, or give its unknown values a meaning."
    assert any(line.startswith("line 2, column Eingang:") for line in lines)
    assert any(line.startswith("line 2, column Themen:") for line in lines)
    assert _count(admin_ops, Record) == records


def test_the_aliases_are_listed_and_one_removed_by_keys(
    qtbot: QtBot, admin_ops: Ops, chosen: Path, message_boxes: MessageBoxes
) -> None:
    from welcome_center.services.import_mapping import ValueMapping

    mappings = [
        ValueMapping(ValueKind.TOPIC, "Raumfahrt", "other", remember=True),
        ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember=True),
        ValueMapping(ValueKind.MUNICIPALITY, "Nordpol", "abroad", remember=True),
    ]
    rows = chosen.read_text(encoding="utf-8").splitlines()
    chosen.write_text("\n".join([rows[0], rows[1], rows[3]]) + "\n", encoding="utf-8")
    report = imports.import_file(admin_ops.uow, admin_ops.actor, chosen, mappings=mappings)
    assert report.ok, report.problems
    page = _page(qtbot, admin_ops)
    seen: list[list[tuple[str, ...]]] = []

    def remove_second(dialog: QWidget) -> None:
        assert isinstance(dialog, AliasesDialog)
        seen.append(list(dialog.model.rows))
        dialog.table.setFocus()
        QTest.keyClick(dialog.table, Qt.Key.Key_Down)
        with qtbot.waitSignal(dialog.remove_button.clicked, timeout=3000):
            QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_R, ALT)
        seen.append(list(dialog.model.rows))
        dialog.reject()

    when_modal(remove_second)
    with qtbot.waitSignal(page.imports.aliases_button.clicked, timeout=3000):
        _alt(page, "r")
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert [r[:3] for r in seen[0]] == [
        ("Channel", "Fax", "Letter"), ("Municipality", "Nordpol", "Abroad"),
        ("Topic", "Raumfahrt", "Other"),
    ]  # fmt: skip
    assert seen[0][0][3] == "Ada Admin"
    assert 'Forget that "Nordpol" means "Abroad"?' in message_boxes.texts[-1]
    assert [r[1] for r in seen[1]] == ["Fax", "Raumfahrt"]
    with admin_ops.uow.read() as s:
        removed = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "delete")).all()
    assert removed == ["municipality: Nordpol -> abroad"]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_mnemonic_of_the_tab_and_the_aliases_differs(
    qtbot: QtBot, admin_ops: Ops, lang: str
) -> None:
    i18n.set_language(lang)
    page = _page(qtbot, admin_ops)
    tab = page.imports
    texts = [w.text() for w in tab.findChildren(QLabel) if w.buddy()]
    texts += [b.text() for b in tab.findChildren(QAbstractButton)]
    texts += [tab.views.tabText(i) for i in range(tab.views.count())]
    texts += [page.tabs.tabText(i) for i in range(page.tabs.count())]
    texts += [i18n._("&Desk"), i18n._("&Help")]  # the main window's menus
    keys = [m.group(1).lower() for t in texts for m in [re.search("&(.)", t)] if m]
    assert len(keys) == len(set(keys)), sorted(zip(keys, texts, strict=False))
    dialog = AliasesDialog(admin_ops, page)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [b.text() for b in dialog.findChildren(QAbstractButton)]
    keys = [m.group(1).lower() for t in texts for m in [re.search("&(.)", t)] if m]
    assert len(keys) == len(set(keys)) == 2, texts  # Remove, Close


def test_the_meaning_column_takes_the_rest_of_the_width_after_a_second_list(
    qtbot: QtBot, admin_ops: Ops, chosen: Path
) -> None:
    """The column of the meanings fills the table's width, and a long value in the file does
    not push it out of sight, for the first list and for another chosen after it (its width
    stayed that of the combo boxes, and a long value made the table scroll sideways)."""
    page = _page(qtbot, admin_ops)
    table = page.imports.values

    def meanings_in_sight() -> None:
        header = table.horizontalHeader()
        right = header.sectionPosition(MEANS) + header.sectionSize(MEANS)
        last = header.count() - 1
        total = header.sectionPosition(last) + header.sectionSize(last)
        assert total == table.viewport().width()  # no gap at the right, no sideways scrolling
        assert right < table.viewport().width()
        assert header.sectionSize(MEANS) >= max(c.sizeHint().width() for c in table.combos)

    _choose(qtbot, page)
    assert table.rowCount() > 0
    meanings_in_sight()
    long_value = "Anerkennung ausländischer Berufsabschlüsse im Gesundheitswesen " * 2
    chosen.write_text(
        "\n".join([LIST[0], LIST[1].replace("Aufenthalt", long_value.strip()), *LIST[2:]]) + "\n",
        encoding="utf-8",
    )
    _choose(qtbot, page)
    assert any(long_value.strip() in v.written for v in table.values)
    meanings_in_sight()
