"""The record window's keys, in English and German: every tab has a letter (Documents too,
beside Ctrl+D), and on every tab each letter is one thing only: the tab titles', the header's
buttons', the notice bar's (a colleague's change) and every field and button of that tab,
whatever state it shows (Edit, Open or Remove appear with a selected row). Alt and the
Documents tab's letter opens it, the Overview's goes back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import mnemonic_letter
from tests.ui.test_documents import open_window, record_id  # noqa: F401  (a fixture)
from welcome_center import i18n
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.window import RecordWindow


@pytest.fixture(params=["en", "de"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def _texts(root: QWidget, only_shown: bool = False) -> list[str]:
    def counts(w: QWidget) -> bool:
        return not only_shown or w.isVisibleTo(root.window())

    texts = [b.text() for b in root.findChildren(QAbstractButton) if counts(b)]
    texts += [lab.text() for lab in root.findChildren(QLabel) if lab.buddy() and counts(lab)]
    texts += [g.title() for g in root.findChildren(QGroupBox) if counts(g)]
    return [t for t in texts if mnemonic_letter(t)]


@pytest.fixture
def window(qtbot: QtBot, ops: Ops, record_id: int, lang: str) -> RecordWindow:  # noqa: F811
    return open_window(qtbot, ops, record_id)


def test_every_letter_is_one_thing_on_every_tab(window: RecordWindow, lang: str) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert all(mnemonic_letter(t) for t in titles), titles
    header = _texts(window.header, only_shown=True)  # an open enquiry's
    header += _texts(window.notice)  # the notice of a colleague's change, when it shows
    for i, title in enumerate(titles):
        texts = titles + header + _texts(window.tabs.widget(i))
        letters = [mnemonic_letter(t) for t in texts]
        doubled = sorted(t for t in texts if letters.count(mnemonic_letter(t)) > 1)
        assert not doubled, (lang, title, doubled)


def test_the_tab_titles_and_their_letters(window: RecordWindow, lang: str) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == {
        "en": ["Overvie&w", "&Consultations", "R&eferrals", "&Follow-ups", "Reco&gnition",
               "Residence &titles", "Doc&uments", "&History"],
        "de": ["Übersi&cht", "Beratungsk&ontakte", "Verwe&ise", "Wie&dervorlagen", "A&nerkennung",
               "Aufent&haltstitel", "Dokum&ente", "&Verlauf"],
    }[lang]  # fmt: skip


def test_alt_and_the_letter_opens_documents_and_the_overview(
    qtbot: QtBot, window: RecordWindow, lang: str
) -> None:
    documents, overview = {"en": ("u", "w"), "de": ("e", "c")}[lang]
    for letter, tab in ((documents, window.documents), (overview, window.overview)):
        key = getattr(Qt.Key, f"Key_{letter.upper()}")
        QTest.keyClick(window.windowHandle(), key, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda tab=tab: window.tabs.currentWidget() is tab, timeout=2000)
