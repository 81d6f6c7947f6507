"""The import's table of unknown values (Administration > Import): one row per value of an
import file that the program's lists do not know, with a choice of what it means (an entry, a
partner, a user, or "skip the rows") and whether to remember it as an alias. Tab walks the
choices row by row; typed letters pick an entry."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from welcome_center.i18n import N_, _, format_number
from welcome_center.services.import_mapping import Target, ValueKind, ValueMapping
from welcome_center.services.import_preview import Choice, FoundValue
from welcome_center.ui.lists import fit_columns
from welcome_center.ui.widgets.type_ahead import TypeAheadCombo

KIND_WORDS: dict[ValueKind, str] = {
    ValueKind.MUNICIPALITY: N_("Municipality"),
    ValueKind.REQUESTER_TYPE: N_("Requester type"),
    ValueKind.TOPIC: N_("Topic"),
    ValueKind.CHANNEL: N_("Channel"),
    ValueKind.CLOSING_REASON: N_("Closing reason"),
    ValueKind.PARTNER: N_("Partner"),
    ValueKind.COUNSELLOR: N_("Counsellor"),
}


def kind_word(kind: ValueKind) -> str:
    return _(KIND_WORDS[kind])


class _Skip:
    """The choice "skip the rows" (a combo's data: not a target)."""


SKIP = _Skip()
COLUMN, VALUE, ROWS, LINE, MEANS, REMEMBER = range(6)


class ValuesTable(QTableWidget):
    """The unknown values and what the user maps them to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 6, parent)
        self.setHorizontalHeaderLabels(
            [_("Column"), _("Value in the file"), _("Rows"), _("First line"), _("Means"),
             _("Remember")]
        )  # fmt: skip
        self.setAccessibleName(_("Unknown values"))
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab goes from choice to choice
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for column in (ROWS, LINE, REMEMBER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The file's texts as wide as they are, up to about 30 characters (the tooltip shows a
        # longer one whole): a long value pushed the choice of its meaning out of sight.
        for column in (COLUMN, VALUE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MEANS, QHeaderView.ResizeMode.Stretch)
        self.values: list[FoundValue] = []
        self.combos: list[TypeAheadCombo] = []
        self.checks: list[QCheckBox] = []

    def set_values(
        self, values: Sequence[FoundValue], choices: dict[ValueKind, tuple[Choice, ...]]
    ) -> None:
        """Show ``values`` (unknown ones first, then those an alias knows, preset)."""
        self.clearContents()
        self.values = list(values)
        self.combos, self.checks = [], []
        self.setRowCount(len(values))
        for row, v in enumerate(values):
            self._item(row, COLUMN, v.column)
            written = v.written if v.remembered is None else _("%(value)s (remembered)") % {
                "value": v.written}  # fmt: skip
            self._item(row, VALUE, written)
            self._item(row, ROWS, format_number(v.rows), right=True)
            self._item(row, LINE, format_number(v.first_line), right=True)
            combo = self._combo(v, choices.get(v.kind, ()))
            check = QCheckBox()
            check.setAccessibleName(_("Remember %(value)s as an alias") % {"value": v.written})
            check.setToolTip(_("Understand this value without asking in the next import"))
            if v.remembered is not None:
                check.setChecked(True)
                check.setEnabled(False)  # remembered: an administrator removes it in the list
            self.setCellWidget(row, MEANS, combo)
            self.setCellWidget(row, REMEMBER, _centred(check))
            self.combos.append(combo)
            self.checks.append(check)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._chosen(r))
            self._chosen(row)
        fit_columns(self, (COLUMN, VALUE), at_most=30)

    def _item(self, row: int, column: int, text: str, right: bool = False) -> None:
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        if right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(row, column, item)

    def _combo(self, v: FoundValue, choices: Sequence[Choice]) -> TypeAheadCombo:
        combo = TypeAheadCombo()
        combo.setAccessibleName(_("Meaning of %(value)s") % {"value": v.written})
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if v.new_user:
            combo.addItem(_("(create as an inactive user)"), None)
        else:
            combo.addItem(_("(not mapped: the rows are refused)"), None)
        for c in choices:
            combo.addItem(c.text, c.target)
        combo.addItem(_("(skip these rows)"), SKIP)
        if v.remembered is not None:
            at = combo.findData(v.remembered)
            combo.setCurrentIndex(max(at, 0))
        return combo

    def _chosen(self, row: int) -> None:
        """Remembering needs a target: not for "skip", nor without a choice."""
        target = self.combos[row].currentData()
        check = self.checks[row]
        if self.values[row].remembered is None:
            check.setEnabled(target is not None and target is not SKIP)
            if not check.isEnabled():
                check.setChecked(False)

    def target(self, row: int) -> Target | _Skip | None:
        data = self.combos[row].currentData()
        return data if isinstance(data, (str, int, _Skip)) else None

    def mappings(self) -> list[ValueMapping]:
        """What the user chose: a target or "skip" for each value given a meaning."""
        out = []
        for row, v in enumerate(self.values):
            target = self.target(row)
            if target is None:
                continue
            real = None if isinstance(target, _Skip) else target
            remember = real is not None and self.checks[row].isChecked()
            out.append(ValueMapping(v.kind, v.written, real, remember))
        return out

    def unmapped(self) -> int:
        """Values without a meaning whose rows the import would refuse."""
        return sum(
            1 for row, v in enumerate(self.values) if self.target(row) is None and not v.new_user
        )


def _centred(widget: QWidget) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(widget, 0, Qt.AlignmentFlag.AlignCenter)
    box.setFocusProxy(widget)
    return box
