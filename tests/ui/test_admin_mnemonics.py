"""The Administration window's keys, in English and German: every tab has a letter (Import too),
and on every tab each letter the user can reach is one thing only: the tab titles', the main
window's menus' and every field, button and inner tab of that tab, whatever state it shows
(a button shown only while a search or an import runs counts). Alt and a tab's letter opens it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import mnemonic_letter
from welcome_center import i18n
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage


@pytest.fixture(params=["en", "de"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def _texts(tab: QWidget, tabs: QTabWidget) -> list[str]:
    """Every text of ``tab`` that carries a mnemonic, in any state (hidden ones too)."""
    texts = [b.text() for b in tab.findChildren(QAbstractButton)]
    texts += [lab.text() for lab in tab.findChildren(QLabel) if lab.buddy() is not None]
    texts += [g.title() for g in tab.findChildren(QGroupBox)]
    for inner in tab.findChildren(QTabWidget):
        if inner is not tabs:
            texts += [inner.tabText(i) for i in range(inner.count())]
    return [t for t in texts if mnemonic_letter(t)]


@pytest.fixture
def page(qtbot: QtBot, admin_ops: Ops, lang: str) -> AdminPage:
    p = AdminPage(admin_ops)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_every_letter_is_one_thing_on_every_tab(page: AdminPage, lang: str) -> None:
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert all(mnemonic_letter(t) for t in titles), titles  # Import and Likely duplicates too
    window = [*titles, i18n._("&Desk"), i18n._("&Help")]
    for i, title in enumerate(titles):
        texts = window + _texts(page.tabs.widget(i), page.tabs)
        letters = [mnemonic_letter(t) for t in texts]
        doubled = sorted(t for t in texts if letters.count(mnemonic_letter(t)) > 1)
        assert not doubled, (lang, title, doubled)


def test_the_tab_titles_and_their_letters(page: AdminPage, lang: str) -> None:
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == {
        "en": ["&Users", "&Vocabularies", "&Office settings", "&Audit log", "Retent&ion",
               "Co&nsent form", "&Print-outs", "I&mport", "Likel&y duplicates"],
        "de": ["&Benutzer", "Aus&wahllisten", "&Einstellungen", "&Protokoll", "Lösch&fristen",
               "Ei&nwilligungstext", "Ausdruc&ke", "I&mport", "M&ögliche Dubletten"],
    }[lang]  # fmt: skip


@pytest.mark.parametrize(
    ("letter", "tab"), [("m", "imports"), ("y", "duplicates"), ("u", "users"), ("a", "audit")]
)
def test_alt_and_the_letter_opens_the_tab(
    qtbot: QtBot, page: AdminPage, lang: str, letter: str, tab: str
) -> None:
    if lang == "de":
        letter = {"y": "ö", "u": "b", "a": "p"}.get(letter, letter)
    page.tabs.setCurrentWidget(page.settings)
    key = Qt.Key.Key_Odiaeresis if letter == "ö" else getattr(Qt.Key, f"Key_{letter.upper()}")
    QTest.keyClick(page.window().windowHandle(), key, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is getattr(page, tab)
