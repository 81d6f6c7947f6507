"""Key figures as a calm grid of tiles (a number above its name, the definition as tooltip and
accessible description; on the Reports page, for a month or a year, the same figure one year
earlier under it), shared by the Reports and the Today page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from welcome_center.domain.statistics import ReportContent
from welcome_center.i18n import _, figures, format_number
from welcome_center.reports.figures_export import previous_title, previous_value
from welcome_center.services import reporting
from welcome_center.ui.qt_i18n import short_date


@dataclass(frozen=True)
class Figure:
    """What a tile shows: the figure's key (for tests and look-ups), name, value, definition,
    and a short note under the name where the name alone would leave a reader guessing."""

    key: str
    title: str
    value: int | float  # a float: hours with one decimal
    definition: str
    note: str = ""
    # The same figure in the period one year earlier, named: "March 2024: 10" (reports of a
    # month or a year, as the exported reports set it beside each key figure).
    earlier: str = ""


class FigureTile(QFrame):
    """One figure: the number large, its name under it; the definition on hover."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel()
        font = QFont(self.number.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.number.setFont(font)
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        italic = QFont(self.earlier.font())
        italic.setItalic(True)  # beside the figure, not part of its name
        self.earlier.setFont(italic)
        self.earlier.hide()
        for label in (self.number, self.name, self.note, self.earlier):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(0)
        lay.addWidget(self.number)
        lay.addWidget(self.name)
        lay.addWidget(self.note, 1)
        lay.addStretch(1)  # the year-earlier lines of a row of tiles stand at one height
        lay.addSpacing(3)
        lay.addWidget(self.earlier)
        self.key = ""

    def show_figure(self, figure: Figure) -> None:
        self.key = figure.key
        self.number.setText(format_number(figure.value))
        self.name.setText(figure.title)
        self.note.setText(figure.note)
        self.note.setVisible(bool(figure.note))
        self.earlier.setText(figure.earlier)
        self.earlier.setVisible(bool(figure.earlier))
        self.setToolTip(figure.definition)
        title = f"{figure.title} ({figure.note})" if figure.note else figure.title
        earlier = f"; {figure.earlier}" if figure.earlier else ""
        self.setAccessibleName(f"{title}: {format_number(figure.value)}{earlier}")
        self.setAccessibleDescription(figure.definition)


class FigureGrid(QWidget):
    """Tiles in rows of ``columns``, each column as wide as the others."""

    def __init__(self, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.tiles: list[FigureTile] = []

    def set_figures(self, figures: Sequence[Figure]) -> None:
        while len(self.tiles) < len(figures):
            tile = FigureTile(self)
            n = len(self.tiles)
            self.grid.addWidget(tile, n // self.columns, n % self.columns)
            self.tiles.append(tile)
        for tile, figure in zip(self.tiles, figures, strict=False):
            tile.show_figure(figure)
            tile.show()
        for tile in self.tiles[len(figures) :]:
            tile.hide()
        for column in range(self.columns):
            self.grid.setColumnStretch(column, 1)

    def texts(self) -> dict[str, str]:
        """{key: number as shown} of the visible tiles (what a user reads)."""
        return {t.key: t.number.text() for t in self.tiles if not t.isHidden()}

    def earlier_texts(self) -> dict[str, str]:
        """{key: the year-earlier line as shown} of the visible tiles that have one."""
        return {
            t.key: t.earlier.text() for t in self.tiles if not t.isHidden() and t.earlier.text()
        }

    def tile(self, key: str) -> FigureTile | None:
        return next((t for t in self.tiles if t.key == key and not t.isHidden()), None)


def report_figures(content: ReportContent) -> list[Figure]:
    """The key figures of a report and those since the project start, as the Reports page
    shows them."""
    start = content.statistics.since_start.start
    since = "\n" + _("Project start: %(date)s") % {"date": short_date(start)} if start else ""
    shown = [(f, f.definition) for f in reporting.key_figures(content)]
    shown += [(f, f.definition + since) for f in reporting.since_start(content)]
    return [Figure(f.key, figures.count_title(f.key, f.value), f.value, definition,
                   earlier=earlier_text(content, f.key)) for f, definition in shown]  # fmt: skip


def earlier_text(content: ReportContent, key: str) -> str:
    """The figure of the same period one year earlier with that period's name ("March 2024:
    10"), as the exported reports set it beside the key figures; empty for a quarter or a
    range, which have no such comparison."""
    value = previous_value(content, key)
    if value is None:
        return ""
    return f"{previous_title(content)}: {format_number(value)}"
