"""Meeting the conflict dialog as a user does: read both versions, press the key of a button."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import when_modal
from welcome_center.ui.dialogs.conflict import ConflictDialog

ALT = Qt.KeyboardModifier.AltModifier

#: The buttons' keys (their mnemonics in English).
KEEP_MINE, TAKE_THEIRS, BACK = Qt.Key.Key_S, Qt.Key.Key_T, Qt.Key.Key_B


@dataclass
class Seen:
    title: str
    intro: str
    rows: list[tuple[str, str, str, bool]]
    buttons: list[str]

    def row(self, name: str) -> tuple[str, str, bool]:
        """(saved version, input, marked) of the field ``name``."""
        found = [(t, m, d) for n, t, m, d in self.rows if n == name]
        assert found, f"no field {name!r} in {[r[0] for r in self.rows]}"
        return found[0]

    @property
    def marked(self) -> list[str]:
        return [n for n, _t, _m, differs in self.rows if differs]


@dataclass
class ConflictAnswers:
    """The conflict dialogs a test met, each answered with Alt + the key given to
    :meth:`answer_next` (a dialog left open is closed, so that a test fails, not hangs)."""

    qtbot: object
    seen: list[Seen] = field(default_factory=list)

    def answer_next(self, key: Qt.Key) -> None:
        def answer(dialog: QWidget) -> None:
            try:
                assert isinstance(dialog, ConflictDialog), dialog
                dialog.activateWindow()
                self.qtbot.waitUntil(  # type: ignore[attr-defined]
                    lambda: QApplication.activeWindow() is dialog, timeout=2000
                )
                buttons = [dialog.keep_button, dialog.theirs_button, dialog.back_button]
                self.seen.append(
                    Seen(
                        dialog.windowTitle(),
                        dialog.intro.text(),
                        dialog.shown_rows(),
                        [b.text() for b in buttons],
                    )
                )
                self.qtbot.keyClick(dialog.windowHandle(), key, ALT)  # type: ignore[attr-defined]
                # A mnemonic clicks its button a moment later (Qt animates the click).
                self.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)  # type: ignore[attr-defined]
            finally:
                if dialog.isVisible():
                    dialog.done(0)  # type: ignore[attr-defined]

        when_modal(answer)
