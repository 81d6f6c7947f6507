"""The Help menu: the desk's keyboard shortcuts, and what program and database this is.

The shortcuts of the main window are read from its menus and shortcuts as they are, so the
list cannot go stale; those of the record window and of the forms, which are open only now and
then, are listed here and checked against the real windows by the tests.
"""

from __future__ import annotations

import importlib.metadata
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

import welcome_center
from welcome_center.i18n import N_, _
from welcome_center.i18n.labels import roles_label
from welcome_center.services import storage
from welcome_center.ui.ops import Ops

PROGRAM = "Welcome Center"
_NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class KeyRow:
    """Keys (portable text, "Ctrl+S") and what they do; ``keys_text`` for what keys cannot
    name ("Alt + underlined letter")."""

    keys: tuple[str, ...]
    what: str  # N_(…), translated when shown
    keys_text: str = ""


RECORD_WINDOW_KEYS = (
    KeyRow(("Ctrl+S",), N_("Save the overview")),
    KeyRow(("Ctrl+Return", "Ctrl+Enter"), N_("Save the overview and close the window")),
    KeyRow(("Ctrl+K",), N_("Record a consultation")),
    KeyRow(("Ctrl+R",), N_("Refer to a partner")),
    KeyRow(("Ctrl+D",), N_("The record's documents")),
    KeyRow(("Ctrl+P",), N_("Print the summary for the client")),
    KeyRow(("F5",), N_("Reload the record")),
    KeyRow(("Ctrl+L",), N_("Assign a client to an anonymous enquiry")),
    KeyRow(("F6",), N_("Compare both versions when another desk changed the record")),
    KeyRow(("Esc", "Ctrl+W"), N_("Close the window (asks first if something is unsaved)")),
)
"""What the record window's shortcuts do (ui/record/window.py; a test compares)."""

FORM_KEYS = (
    KeyRow(("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"), N_("Save and close the dialog")),
    KeyRow(("Esc",), N_("Cancel (asks first if something was typed)")),
    KeyRow(("Tab", "Shift+Tab"), N_("Next field, previous field")),
    KeyRow((), N_("Go to the field or button"), N_("Alt + underlined letter")),
)
"""The keys of every form dialog (ui/record/dialogs.py's EditDialog; a test compares)."""

FIELD_KEYS = (
    KeyRow(("Return", "Enter"), N_("In a list: open the selected record")),
    KeyRow(("Down",), N_("In a search box: move into its list")),
    KeyRow(("F4", "Alt+Down"), N_("In a date field: open the calendar")),
)


def program_version() -> str:
    """The installed program's version (the source's when it is not installed)."""
    try:
        return importlib.metadata.version("welcome-center")
    except importlib.metadata.PackageNotFoundError:
        return welcome_center.__version__


def key_text(sequences: Iterable[QKeySequence]) -> str:
    """The keys as the user's keyboard names them ("Strg+N"); Ctrl+Return and Ctrl+Enter (the
    keypad's) are one key to a user and shown once."""
    combos = [s[0] for s in sequences if not s.isEmpty()]  # type: ignore[index]
    shown = []
    for combo in combos:
        enter = combo.keyboardModifiers() | Qt.Key.Key_Enter
        if combo.key() == Qt.Key.Key_Return and enter in combos:
            continue
        shown.append(QKeySequence(combo).toString(_NATIVE))
    return ", ".join(shown)


def plain_action_text(text: str) -> str:
    """A menu entry's words without its mnemonic and ellipsis ("&New enquiry…": "New enquiry")."""
    return re.sub(r"&(.)", r"\1", text).rstrip(" …").replace("...", "")


def _menu_rows(menu: QMenu) -> list[tuple[str, str]]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu())  # type: ignore[arg-type]
        elif action.shortcuts() and action.text() and action.isVisible():
            rows.append((key_text(action.shortcuts()), plain_action_text(action.text())))
    return rows


def window_sections(window: QMainWindow) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, what)]) of ``window`` as it is now: a section per menu with shortcuts
    (titled as the menu), then the window's own shortcuts that say what they do."""
    sections = []
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu) and entry.isVisible():
            rows = _menu_rows(menu)
            if rows:
                sections.append((plain_action_text(menu.title()), rows))
    own = [
        (key_text([s.key()]), s.whatsThis())
        for s in window.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if s.whatsThis() and s.isEnabled()
    ]
    if own:
        sections.append((_("Pages"), own))
    return sections


def listed_rows(rows: Sequence[KeyRow]) -> list[tuple[str, str]]:
    return [
        (_(r.keys_text) if r.keys_text else key_text(QKeySequence(k) for k in r.keys), _(r.what))
        for r in rows
    ]


class ShortcutsDialog(QDialog):
    """Every key the desk knows, by where it works."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([_("Keys"), _("Does")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setAccessibleName(_("Keyboard shortcuts"))
        sections = [
            *window_sections(window),
            (_("Record window"), listed_rows(RECORD_WINDOW_KEYS)),
            (_("Dialogs"), listed_rows(FORM_KEYS)),
            (_("Lists and fields"), listed_rows(FIELD_KEYS)),
        ]
        for title, rows in sections:
            self._section(title, rows)
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self._size()

    def _section(self, title: str, rows: list[tuple[str, str]]) -> None:
        head = QTreeWidgetItem(self.tree, [title])
        head.setFirstColumnSpanned(True)
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for keys, what in rows:
            QTreeWidgetItem(head, [keys, what])

    def _size(self) -> None:
        """Wide enough for every line, tall enough for all of them where the screen allows
        (the list scrolls otherwise)."""
        tree = self.tree
        for column in (0, 1):
            tree.resizeColumnToContents(column)
        row = tree.sizeHintForRow(0)
        row = row if row > 0 else self.fontMetrics().height() + 4
        frame = 2 * tree.frameWidth()
        width = tree.columnWidth(0) + tree.columnWidth(1) + frame + 24
        height = len(self._items()) * row + tree.header().sizeHint().height() + frame + 4
        screen = self.screen().availableGeometry()
        tree.setMinimumWidth(
            min(width + tree.verticalScrollBar().sizeHint().width(), int(screen.width() * 0.9))
        )
        tree.setMinimumHeight(min(height, int(screen.height() * 0.75)))

    def _items(self) -> list[QTreeWidgetItem]:
        """Every line of the list, section titles included, top to bottom."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            assert head is not None
            out.append(head)
            out += [c for j in range(head.childCount()) if (c := head.child(j)) is not None]
        return out

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, keys, what) of every line, as shown."""
        out = []
        for item in self._items():
            head = item.parent()
            if head is not None:
                out.append((head.text(0), item.text(0), item.text(1)))
        return out


class AboutDialog(QDialog):
    """The program, its version, the office and the database it works on, and the versions of
    what it runs on (for a question to whoever looks after the computer)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About %(program)s") % {"program": PROGRAM})
        heading = QLabel(_("Welcome Center desk"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        purpose = QLabel(
            _(
                "Case management for counselling offices for skilled workers from abroad: "
                "enquiries, cases, consultations, referrals, follow-ups and the office's figures."
            )
        )
        purpose.setWordWrap(True)
        purpose.setTextFormat(Qt.TextFormat.PlainText)
        self.facts = self._facts(ops)
        form = QFormLayout()
        for name, value in self.facts:
            text = QLabel(value)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name + ":", text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(_("&Copy these details"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(purpose)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    @staticmethod
    def _facts(ops: Ops) -> list[tuple[str, str]]:
        schema = ops.read(None, lambda uow, _actor: storage.schema_status(uow.db))
        user = ops.user_name(ops.actor.user_id) or ops.actor.name
        facts = [
            (_("Version"), program_version()),
            (_("Office"), ops.settings.office_name),
            (_("Database"), ops.db_name),  # a server's address is shown without its password
        ]
        if schema is not None and schema[0]:
            facts.append((_("Database schema"), schema[0]))
        facts += [
            (_("Logged in as"), f"{user} ({roles_label(ops.actor.roles, grants=False)})"),
            (_("Python"), platform.python_version()),
            (
                _("Qt"),
                _("%(qt)s (PySide6 %(pyside)s)")
                % {"qt": qVersion(), "pyside": PySide6.__version__},
            ),
            (_("System"), platform.platform(terse=True)),
        ]
        return facts

    def text(self) -> str:
        """The details as plain text, as copied."""
        lines = [f"{PROGRAM} {program_version()}"]
        lines += [f"{name}: {value}" for name, value in self.facts]
        return "\n".join(lines)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text())


def add_help_menu(window: QMainWindow, ops: Ops) -> QMenu:
    """The Help menu of the main window: the shortcuts (F1) and About."""
    menu = window.menuBar().addMenu(_("&Help"))
    shortcuts = QAction(_("&Keyboard shortcuts"), window)
    shortcuts.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    shortcuts.triggered.connect(lambda: _run(ShortcutsDialog(window)))
    about = QAction(_("&About %(program)s") % {"program": PROGRAM}, window)
    about.triggered.connect(lambda: _run(AboutDialog(ops, window)))
    menu.addActions([shortcuts, about])
    return menu


def _run(dialog: QDialog) -> None:
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
