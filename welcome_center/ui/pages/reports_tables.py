"""The report's breakdowns as tables (label, count, share), chosen from a list, with each one's
definition above it and what is hidden or withheld said below it; the 12-month trend too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.statistics import ReportContent
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures, format_date, format_number, format_share
from welcome_center.services import reporting
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table

TREND = "trend"
VISIBLE_ROWS = 10
LABEL_MIN = 36  # characters: the label column of every breakdown at least this wide


def count_text(value: int | Hidden, threshold: int) -> str:
    """A count as the page shows it: ``1.234``, ``< 3`` or ``x``."""
    return (
        reporting.cell_text(value, threshold) if isinstance(value, Hidden) else format_number(value)
    )


class BreakdownTableModel(RowTableModel):
    """One breakdown: a line per code with its label, count and share of the base figure (a
    hidden cell shows ``< 3`` or ``x`` and no share); or the months of the trend."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([_("Entry"), _("Count"), _("Share")], right_aligned=(1, 2), parent=parent)
        self.tips: list[str] = []

    def show_section(self, section: reporting.Section, threshold: int) -> None:
        hidden = figures.suppression_note(threshold)
        rows = []
        self.tips = []
        for row in section.rows:
            share = format_share(row.share)
            rows.append((row.code, (row.label, count_text(row.value, threshold), share)))
            self.tips.append(hidden if isinstance(row.value, Hidden) else row.label)
        self.headers = [section.title, _("Count"), _("Share")]
        self.set_rows(rows)

    def show_trend(self, content: ReportContent) -> None:
        trend = content.statistics.trend
        self.headers = [_("Month"), figures.title("enquiries_received"),
                        figures.title("cases_worked")]  # fmt: skip
        self.tips = [format_date(m.month, "LLLL yyyy") for m in trend]
        self.set_rows([(m.month, (format_date(m.month, "LLLL yyyy"),
                                  format_number(m.enquiries_received),
                                  format_number(m.cases_worked))) for m in trend])  # fmt: skip

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.tips[index.row()]
        return super().data(index, role)


class BreakdownsView(QWidget):
    """A list of the breakdowns on the left; the chosen one's definition, table and notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BreakdownTableModel(self)
        self.sections: dict[str, reporting.Section] = {}
        self.content: ReportContent | None = None
        self.chooser = QListWidget()
        self.chooser.setAccessibleName(_("Breakdowns"))
        self.chooser.currentRowChanged.connect(lambda _r: self._show_current())
        self.definition = _note()
        self.table = list_table(self.model, _("Breakdown"))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.note = _note()
        height = self.table.verticalHeader().defaultSectionSize() * (VISIBLE_ROWS + 1) + 8
        self.table.setMinimumHeight(height)
        self.chooser.setMinimumHeight(height)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.definition)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table)
        table_row.addStretch(1)  # numbers stay beside their labels, not across the screen
        right.addLayout(table_row, 1)
        right.addWidget(self.note)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.chooser)
        lay.addLayout(right, 1)

    def show_content(self, content: ReportContent, sections: Sequence[reporting.Section]) -> None:
        """Fill the list with the sections and the trend; keep the breakdown chosen before."""
        chosen = self.current_key()
        self.content = content
        self.sections = {s.key: s for s in sections}
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for s in sections:
            self._add(s.title, s.key)
        self._add(figures.title(TREND), TREND)
        frame = 2 * self.chooser.frameWidth()
        self.chooser.setFixedWidth(self.chooser.sizeHintForColumn(0) + frame + 12)
        keys = [*self.sections, TREND]
        self.chooser.setCurrentRow(keys.index(chosen) if chosen in keys else 0)
        self.chooser.blockSignals(False)
        self._show_current()

    def _add(self, title: str, key: str) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.chooser.addItem(item)

    def current_key(self) -> str | None:
        item = self.chooser.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def choose(self, key: str) -> None:
        for row in range(self.chooser.count()):
            if self.chooser.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.chooser.setCurrentRow(row)

    def _show_current(self) -> None:
        key, content = self.current_key(), self.content
        if key is None or content is None:
            return
        if key == TREND:
            self.model.show_trend(content)
            self.definition.setText(figures.definition(TREND))
            self._say("")
        else:
            section = self.sections[key]
            self.model.show_section(section, content.threshold)
            self.definition.setText(section.definition)
            self._say(_section_note(section, content.threshold))
        self.table.setAccessibleName(self.model.headers[0])
        self._fit_table()

    def _fit_table(self) -> None:
        """Columns as wide as their texts (the labels at least ``LABEL_MIN`` characters), the
        table as wide as its columns."""
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        least = self.table.fontMetrics().averageCharWidth() * LABEL_MIN
        header.resizeSection(0, max(header.sectionSize(0) + 12, least))
        for column in range(1, header.count()):
            header.resizeSection(column, header.sectionSize(column) + 12)
        scroll = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width = header.length() + 2 * self.table.frameWidth() + scroll + 2
        self.table.setFixedWidth(width)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def texts(self) -> list[tuple[str, ...]]:
        """The rows as shown (what a user reads)."""
        return list(self.model.rows)


def _section_note(section: reporting.Section, threshold: int) -> str:
    if section.withheld:
        return _("This breakdown is not shown: it holds too few records to show any of them "
                 "without the risk of pointing to a person.")  # fmt: skip
    if not section.rows:
        return _("Nothing to count here in this period.")
    if any(isinstance(r.value, Hidden) for r in section.rows):
        return figures.suppression_note(threshold)
    return ""


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
