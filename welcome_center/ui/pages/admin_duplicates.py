"""Administration, tab Likely duplicates: pairs of persons in the whole database who may be one
person (services/duplicates.py), to clean up after an import; a pair opens the merge dialog.
The list shows names, birth data, nationality and why, never case content (DOMAIN.md)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from welcome_center.domain.enums import ClientKind
from welcome_center.domain.views import DuplicateCandidate, DuplicatePair
from welcome_center.i18n import _, format_number, ngettext
from welcome_center.services import duplicates
from welcome_center.ui.client_facts import nationality_text
from welcome_center.ui.dialogs.merge import MergeDialog
from welcome_center.ui.funder_facts import born_text
from welcome_center.ui.layout import KeyTableView, buttons_row, text_label
from welcome_center.ui.lists import RowTableModel
from welcome_center.ui.ops import Ops


class PairsModel(RowTableModel):
    """One row per pair: each person's name, birth and nationality, and why they may be one."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (_("Person"), _("Born"), _("Nationality"), _("Person"), _("Born"),
             _("Nationality"), _("Why")), parent=parent,
        )  # fmt: skip

    def set_pairs(self, pairs: list[DuplicatePair]) -> None:
        def one(c: DuplicateCandidate) -> tuple[str, str, str]:
            return c.display_name, born_text(c.facts), nationality_text(c.facts)

        self.set_rows([(p, (*one(p.first), *one(p.second), p.reason)) for p in pairs])


class DuplicatesTab(QWidget):
    """Look for likely duplicates (on request: the whole database is compared), then merge a
    pair (Enter or Merge…)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.pairs = PairsModel(self)
        self.table = KeyTableView(_("Likely duplicates"), self.merge_selected, stretch=6)
        self.table.setModel(self.pairs)
        self.hint = text_label()
        self.hint.setText(
            _(
                "Persons who may be recorded twice, the most likely first: after an import, "
                "look for them and merge those that are one person."
            )
        )
        self.find_button = QPushButton(_("&Look for duplicates"))
        self.find_button.clicked.connect(self.look)
        self.merge_button = QPushButton(_("&Merge…"))
        self.merge_button.clicked.connect(self.merge_selected)
        self.merge_button.setEnabled(False)
        caption = QLabel(_("Pai&rs:"))
        caption.setBuddy(self.table)
        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addLayout(buttons_row(self.find_button, self.merge_button))
        lay.addWidget(caption)
        lay.addWidget(self.table, 1)

    def look(self) -> None:
        """Compare the whole database (audited with the number of pairs)."""
        found = self.ops.read(self, duplicates.likely_duplicates)
        pairs = found or []
        self.pairs.set_pairs(pairs)
        self.merge_button.setEnabled(bool(pairs))
        n = len(pairs)
        self.hint.setText(
            ngettext("%(count)s likely pair", "%(count)s likely pairs", n)
            % {"count": format_number(n)}
            if n
            else _("No likely duplicates found.")
        )
        if pairs:
            self.table.select_row(0)
            self.table.setFocus()

    def merge_selected(self) -> None:
        pair = self.pairs.key(self.table.currentIndex().row())
        if not isinstance(pair, DuplicatePair):
            return
        dialog = MergeDialog(self.ops, ClientKind.PERSON, pair.first.id, pair.second.id, self)
        dialog.exec()
        if dialog.merged_into is not None:
            self.look()
