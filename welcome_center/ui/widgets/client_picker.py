"""The client field of a form: search persons and organisations as you type, choose by keyboard.

The hits appear in a list below the edit (inside the widget, never a popup that takes the focus
away): Down moves into them, Enter chooses, typing goes on refining. A chosen client is shown by
name with its kind as a word ("Person", "Organisation") and a small button to change it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.views import ClientHit, ClientRef
from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.services import people
from welcome_center.ui.client_facts import SEPARATOR, facts_parts
from welcome_center.ui.ops import Ops

DEBOUNCE_MS = 200
LIMIT = 20
VISIBLE_HITS = 4  # of two lines each
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def hit_text(ops: Ops, hit: ClientHit) -> str:
    """How a hit reads in the list: its name and its kind as a word on the first line, what
    tells same names apart on the second (``b. 12.03.1990 · Syria · Zwickau · 3 records``)."""
    name = f"{hit.display_name} — {label(hit.kind)}"
    return f"{name}\n{SEPARATOR.join(facts_parts(ops, hit.facts))}"


class ClientPicker(QWidget):
    """Choose one person or organisation. ``client_chosen`` is emitted whenever the choice
    changes, by the user or by :meth:`set_client`/:meth:`clear` (None when cleared)."""

    client_chosen = Signal(object)  # ClientRef | None

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._client: ClientRef | None = None
        self._searched = ""
        self.empty_text = _("No person or organisation found with this name.")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self._build()
        self.setFocusProxy(self.edit)

    def _build(self) -> None:
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("Type a name to search"))
        self.edit.setAccessibleName(_("Search for a client"))
        self.edit.setClearButtonEnabled(False)
        self.kind_label = QLabel()
        self.kind_label.setTextFormat(Qt.TextFormat.PlainText)
        self.kind_label.hide()
        self.change_button = QToolButton()
        self.change_button.setText(_("Change"))
        self.change_button.setToolTip(_("Choose another client"))
        self.change_button.setAccessibleName(_("Change the client"))
        self.change_button.hide()
        self.hits = QListWidget()
        self.hits.setAccessibleName(_("Matching persons and organisations"))
        self.hits.setMaximumHeight(self._list_height(VISIBLE_HITS))
        self.hits.hide()
        self.empty_label = QLabel()
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.kind_label)
        row.addWidget(self.change_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.hits)
        lay.addWidget(self.empty_label)

        self.edit.textEdited.connect(self._edited)
        self.change_button.clicked.connect(self._change)
        self.hits.itemClicked.connect(self._choose_item)
        self.edit.installEventFilter(self)
        self.hits.installEventFilter(self)

    def _list_height(self, rows: int) -> int:
        row = max(self.fontMetrics().lineSpacing() * 2 + 6, 36)  # a hit has two lines
        return row * rows + 2 * self.hits.frameWidth() + 4

    # -- public ----------------------------------------------------------------------------

    def client(self) -> ClientRef | None:
        return self._client

    def set_client(self, ref: ClientRef | None) -> None:
        """Show ``ref`` as the chosen client (None: clear the field)."""
        if ref is None:
            self.clear()
            return
        self._timer.stop()
        self._hide_hits()
        self.edit.setText(ref.display_name)
        self.edit.setCursorPosition(0)
        self.kind_label.setText(label(ref.kind))
        self.kind_label.show()
        self.change_button.show()
        self._set(ref)

    def clear(self) -> None:
        """Empty the field; the choice (if any) is dropped."""
        self._timer.stop()
        self._hide_hits()
        self.edit.clear()
        self._searched = ""
        self._drop_choice()

    def search_text(self) -> str:
        """What is typed, when no client is chosen ("" otherwise)."""
        return "" if self._client else self.edit.text().strip()

    def search_now(self) -> None:
        """Search for the typed text at once (normally done ~200 ms after the last key)."""
        self._timer.stop()
        text = self.edit.text().strip()
        self._searched = text
        if self._client is not None or not text:
            self._hide_hits()
            return
        # Names are shown as "Family, Given"; the search matches words, so a comma is a space.
        words = text.replace(",", " ")
        found = (
            self.ops.read(self, lambda uow, actor: people.search_clients(uow, actor, words, LIMIT))
            or []
        )
        self._show_hits(found)

    # -- behaviour -------------------------------------------------------------------------

    def _set(self, ref: ClientRef | None) -> None:
        if ref != self._client:
            self._client = ref
            self.client_chosen.emit(ref)

    def _drop_choice(self) -> None:
        self.kind_label.hide()
        self.change_button.hide()
        self._set(None)

    def _edited(self, _text: str) -> None:
        if self._client is not None:
            self._drop_choice()
        self._timer.start()

    def _change(self) -> None:
        self.clear()
        self.edit.setFocus()

    def _show_hits(self, found: list[ClientHit]) -> None:
        self.hits.clear()
        texts = [hit_text(self.ops, hit) for hit in found]
        for hit, text in zip(found, texts, strict=True):
            item = QListWidgetItem(text)
            item.setToolTip(text)  # the whole line, should the list be narrow
            item.setData(Qt.ItemDataRole.UserRole, hit.ref)
            self.hits.addItem(item)
        self._fit_hits(texts)
        self.hits.setVisible(bool(found))
        self.empty_label.setText(self.empty_text)
        self.empty_label.setVisible(not found)

    def _fit_hits(self, texts: list[str]) -> None:
        """Room for the hits' two lines, also in a small dialog (its window grows with it):
        as many hits as fit in VISIBLE_HITS, as wide as the widest line up to ~90 characters."""
        rows = min(len(texts), VISIBLE_HITS)
        self.hits.setMinimumHeight(self._list_height(rows) if rows else 0)
        metrics = self.hits.fontMetrics()
        lines = [line for text in texts for line in text.split("\n")]
        widest = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        room = widest + 2 * self.hits.frameWidth() + 24  # the scroll bar's margin
        self.hits.setMinimumWidth(min(room, metrics.averageCharWidth() * 90))

    def _hide_hits(self) -> None:
        # Not cleared here: this may run inside the list's own click signal.
        self.hits.hide()
        self.empty_label.hide()

    def _choose_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        ref = item.data(Qt.ItemDataRole.UserRole)
        self.set_client(ref)
        self.edit.setFocus()

    # -- keyboard --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.edit:
                return self._edit_key(event)
            if watched is self.hits:
                return self._hits_key(event)
        return super().eventFilter(watched, event)

    def _pending(self) -> bool:
        return self._client is None and (
            self._timer.isActive() or self.edit.text().strip() != self._searched
        )

    def _edit_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key not in (Qt.Key.Key_Down, *_ENTER, Qt.Key.Key_Escape):
            return False
        if key != Qt.Key.Key_Escape and self._pending():
            self.search_now()
        if not self.hits.isVisible():
            return False
        if key == Qt.Key.Key_Escape:
            self._hide_hits()
        elif key in _ENTER and self.hits.count() == 1:
            self._choose_item(self.hits.item(0))
        else:
            self.hits.setFocus(Qt.FocusReason.OtherFocusReason)
            self.hits.setCurrentRow(0)
        return True

    def _hits_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _ENTER:
            self._choose_item(self.hits.currentItem())
            return True
        if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and self.hits.currentRow() <= 0):
            if key == Qt.Key.Key_Escape:
                self._hide_hits()
            self.edit.setFocus()
            return True
        text = event.text()
        if text and text.isprintable() and key != Qt.Key.Key_Space:
            # Typing in the hits goes on refining the search.
            self.edit.setFocus()
            copy = QKeyEvent(event.type(), event.key(), event.modifiers(), text)
            QApplication.sendEvent(self.edit, copy)
            return True
        return False
