"""Administration, tab Print-outs, typed as an administrator does: the office's contact, a
text of the client summary for a language that had none, a text refused with the reason under
it, the program's text back with one key; every mnemonic of the page differs, in both
languages."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import type_text
from welcome_center import i18n
from welcome_center.domain.printout_texts import DEFAULT_SUMMARY_DE
from welcome_center.services import settings
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_printouts import PrintoutsTab

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def _page(qtbot: QtBot, ops: Ops) -> AdminPage:
    page = AdminPage(ops)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    bar = page.tabs.tabBar()  # the tab "Print-outs"
    index = page.tabs.indexOf(page.printouts)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.printouts, timeout=2000)
    return page


def _alt(page: QWidget, letter: str) -> None:
    QTest.keyClick(page.windowHandle(), getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def _type_lines(widget: QWidget, lines: list[str]) -> None:
    for i, line in enumerate(lines):
        if i:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        type_text(widget, line)


def test_contact_and_a_text_for_a_new_language_typed_and_saved(
    qtbot: QtBot, admin_ops: Ops
) -> None:
    page = _page(qtbot, admin_ops)
    tab: PrintoutsTab = page.printouts
    _alt(page, "r")  # Add&ress (d is the menu Desk's)
    assert tab.address.hasFocus()
    _type_lines(tab.address, ["Innere Schneeberger Straße 20", "08056 Zwickau"])
    _alt(page, "e")  # Phon&e (h is the menu Help's)
    QTest.keyClicks(tab.phone, "0375 5415 123")
    _alt(page, "l")  # E-mai&l
    QTest.keyClicks(tab.email, "welcome@example.org")
    _alt(page, "g")  # Language: Türkçe has no text yet
    QTest.keyClicks(tab.language, "T")
    assert tab.language.currentData() == "tr" and tab.text.toPlainText() == ""
    assert tab.state.text() == "No text: the summary is printed in English and says so."
    _alt(page, "t")
    assert tab.text.hasFocus()
    _type_lines(tab.text, ["# Danışmanlık özeti", "", "{date}: {counsellor}", "", "{topics}"])
    assert tab.state.text() == "The office's own text."
    assert page.has_unsaved()
    QTest.keyClick(tab.text, Qt.Key.Key_S, CTRL)
    s = settings.get_settings(admin_ops.uow)
    assert s.office_address == "Innere Schneeberger Straße 20\n08056 Zwickau"
    assert (s.office_phone, s.office_email) == ("0375 5415 123", "welcome@example.org")
    typed = "# Danışmanlık özeti\n\n{date}: {counsellor}\n\n{topics}"
    assert dict(s.summary_texts) == {"tr": typed}
    assert not page.has_unsaved()


def test_a_wrong_placeholder_is_said_under_the_text(qtbot: QtBot, admin_ops: Ops) -> None:
    page = _page(qtbot, admin_ops)
    tab = page.printouts
    assert tab.language.currentData() == "de"
    assert tab.state.text() == "The program's text." and not tab.reset_button.isEnabled()
    tab.text.setFocus()
    QTest.keyClick(tab.text, Qt.Key.Key_End, CTRL)
    type_text(tab.text, "\nBis bald, {name}!")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    line = len(DEFAULT_SUMMARY_DE.strip().splitlines()) + 1
    assert tab.errors.message("summary_texts").startswith(
        f"The text in Deutsch, line {line}: {{name}} is not a placeholder. Use {{office}}, "
    )
    assert settings.get_settings(admin_ops.uow).summary_texts == ()
    # The program's text back with Alt+X: nothing left to save.
    with qtbot.waitSignal(tab.reset_button.clicked, timeout=2000):
        _alt(page, "x")
    assert tab.text.toPlainText() == DEFAULT_SUMMARY_DE
    assert not page.has_unsaved()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_mnemonic_of_the_page_differs(qtbot: QtBot, admin_ops: Ops, lang: str) -> None:
    i18n.set_language(lang)
    page = _page(qtbot, admin_ops)
    tab = page.printouts
    texts = [w.text() for w in tab.findChildren(QLabel) if w.buddy()] + [
        b.text() for b in tab.findChildren(QPushButton)
    ]
    texts += [page.tabs.tabText(i) for i in range(page.tabs.count())]
    keys = [m.group(1).lower() for t in texts for m in [re.search("&(.)", t)] if m]
    assert len(keys) == len(set(keys)), sorted(zip(keys, texts, strict=False))
