"""Key figures as a calm grid of tiles (a number above its name, the definition as tooltip and
accessible description), shared by the Reports and the Today page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from welcome_center.i18n import format_number


@dataclass(frozen=True)
class Figure:
    """What a tile shows: the figure's key (for tests and look-ups), name, value, definition,
    and a short note under the name where the name alone would leave a reader guessing."""

    key: str
    title: str
    value: int | float  # a float: hours with one decimal
    definition: str
    note: str = ""


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
        for label in (self.number, self.name, self.note):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(0)
        lay.addWidget(self.number)
        lay.addWidget(self.name)
        lay.addWidget(self.note, 1)
        self.key = ""

    def show_figure(self, figure: Figure) -> None:
        self.key = figure.key
        self.number.setText(format_number(figure.value))
        self.name.setText(figure.title)
        self.note.setText(figure.note)
        self.note.setVisible(bool(figure.note))
        self.setToolTip(figure.definition)
        title = f"{figure.title} ({figure.note})" if figure.note else figure.title
        self.setAccessibleName(f"{title}: {format_number(figure.value)}")
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

    def tile(self, key: str) -> FigureTile | None:
        return next((t for t in self.tiles if t.key == key and not t.isHidden()), None)
