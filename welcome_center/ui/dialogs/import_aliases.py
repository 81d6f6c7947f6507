"""The remembered aliases of the import (Administration > Import > Remembered aliases): every
value of import files that an import was told to remember, what it means, who remembered it and
when; an administrator removes one, and the next import asks about that value again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.i18n import _
from welcome_center.services import import_aliases
from welcome_center.services.import_aliases import AliasView
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.import_values import kind_word
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table, select_row, selected_row
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date


class AliasesDialog(QDialog):
    """The list of aliases with Remove (asked first) and Close."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(_("Remembered aliases of the import"))
        self.aliases: tuple[AliasView, ...] = ()
        self.model = RowTableModel(
            [_("Kind"), _("Value in the file"), _("Means"), _("Remembered by"), _("On")]
        )
        self.table = list_table(self.model, _("Remembered aliases"))
        head = QLabel(
            _(
                "An import understands these values without asking. Remove one, and the next "
                "import asks about it again."
            )
        )
        head.setWordWrap(True)
        head.setBuddy(self.table)
        self.empty = QLabel(_("No alias remembered yet."))
        self.remove_button = QPushButton(_("&Remove…"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 100)
        self.reload()

    def reload(self, keep_row: int = 0) -> None:
        found = self.ops.read(self, import_aliases.list_aliases)
        self.aliases = found or ()
        self.model.set_rows(
            [
                (
                    a.id,
                    (
                        kind_word(a.kind),
                        a.written,
                        a.target_text,
                        a.created_by,
                        short_date(a.created_at.astimezone(OFFICE_TZ).date()),
                    ),
                )
                for a in self.aliases
            ]
        )
        fit_columns(self.table)
        # Wide enough for every column (within reason: the screen is fitted when shown).
        needed = (
            self.table.horizontalHeader().length()
            + 2 * self.table.frameWidth()
            + self.table.verticalScrollBar().sizeHint().width()
        )
        self.table.setMinimumWidth(min(needed, 1200))
        select_row(self.table, keep_row)
        self.empty.setVisible(not self.aliases)
        self.remove_button.setEnabled(bool(self.aliases))

    def remove_current(self) -> None:
        row = selected_row(self.table)
        alias_id = self.model.key(row)
        if alias_id is None:
            return
        question = _(
            'Forget that "%(value)s" means "%(target)s"? The next import asks about it again.'
        ) % {"value": self.model.text(row, 1), "target": self.model.text(row, 2)}
        if not confirm(self, _("Remove alias"), question, yes=_("&Remove")):
            return
        saved = self.ops.write(
            self,
            lambda uow, actor: import_aliases.remove_alias(uow, actor, alias_id),
            done=_("Alias removed."),
        )
        if saved is not None:
            self.reload(row)
