"""Two small charts drawn with QPainter in the palette's colours (QtCharts is not in
PySide6-Essentials): horizontal bars with their numbers, and a monthly bar chart of two series."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from welcome_center.i18n import format_number

PAD = 6  # pixels between the parts of a chart
MAX_LABEL_LINES = 3
_WRAP = Qt.TextFlag.TextWordWrap
_RIGHT_MIDDLE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


@dataclass(frozen=True)
class Bar:
    """One line of a bar chart: its label, the value the bar is drawn for, and the text shown
    beside the bar (the count and the share, formatted by the caller)."""

    label: str
    value: int
    text: str


@dataclass(frozen=True)
class Series:
    """One series of a monthly chart: its name (in the legend) and a value per month."""

    name: str
    values: tuple[int, ...]


def nice_scale(largest: int, ticks: int = 4) -> tuple[int, int]:
    """(top, step) of a value axis from 0 with whole steps of 1, 2 or 5 × 10^k."""
    if largest <= 0:
        return 1, 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(f * power for f in (1, 2, 5, 10) if f * power >= raw)
    return int(math.ceil(largest / step) * step), int(step)


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved by ``t`` (0..1) towards ``b``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def series_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """The two series' colours: the highlight, and a lighter (or darker) tint of it that differs
    clearly in lightness, so that the two also tell apart in grey."""
    accent = palette.color(QPalette.ColorRole.Highlight)
    return accent, _blend(accent, palette.color(QPalette.ColorRole.Base), 0.55)


class BarChart(QWidget):
    """Horizontal bars, largest first: the label on the left (wrapped when long, never cut),
    the bar, and its count and share as text on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: tuple[Bar, ...] = ()
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = tuple(bars)
        self.updateGeometry()
        self.update()

    # -- geometry ----------------------------------------------------------------------------

    def _line(self) -> int:
        return self.fontMetrics().height()

    def _columns(self, width: int) -> tuple[int, int]:
        """(label width, value text width) for a chart ``width`` pixels wide."""
        fm = self.fontMetrics()
        text_w = max((fm.horizontalAdvance(b.text) for b in self.bars), default=0) + PAD
        widest = max((fm.horizontalAdvance(b.label) for b in self.bars), default=0) + PAD
        return min(widest, max(width * 45 // 100, 80)), text_w

    def _lines_of(self, label: str, width: int) -> int:
        fm = self.fontMetrics()
        box = fm.boundingRect(QRect(0, 0, max(width - PAD, 10), 1000), _WRAP, label)
        return max(1, min(MAX_LABEL_LINES, round(box.height() / fm.lineSpacing())))

    def _row_heights(self, width: int) -> list[int]:
        label_w, _text_w = self._columns(width)
        line = self.fontMetrics().lineSpacing()
        return [self._lines_of(b.label, label_w) * line + 6 for b in self.bars]

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(sum(self._row_heights(width)), self._line()) + 2

    def sizeHint(self) -> QSize:
        width = 520
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.heightForWidth(self.width() or 520))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.height() != self.heightForWidth(self.width()):
            self.updateGeometry()

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.bars:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        label_w, text_w = self._columns(self.width())
        bar_x = label_w + PAD
        bar_room = max(self.width() - bar_x - text_w - PAD, 10)
        top_value = max(b.value for b in self.bars) or 1
        accent = pal.color(QPalette.ColorRole.Highlight)
        text_colour = pal.color(QPalette.ColorRole.WindowText)
        y = 1
        for bar, height in zip(self.bars, self._row_heights(self.width()), strict=True):
            p.setPen(text_colour)
            p.drawText(QRect(0, y, label_w - PAD, height), _WRAP | _RIGHT_MIDDLE, bar.label)
            length = round(bar_room * bar.value / top_value) if bar.value > 0 else 0
            bar_h = max(self._line() * 2 // 3, 6)
            if length:
                p.fillRect(QRect(bar_x, y + (height - bar_h) // 2, max(length, 2), bar_h), accent)
            p.setPen(text_colour)
            text_rect = QRect(bar_x + max(length, 0) + PAD, y, text_w + PAD, height)
            p.drawText(text_rect, _LEFT_MIDDLE, bar.text)
            y += height
        p.end()


class MonthChart(QWidget):
    """Vertical bars of two series per month, with a value axis, month labels (the year under
    the first month and under each January), a legend, the values above the bars where they fit,
    and each month's numbers as a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: tuple[str, ...] = ()
        self.years: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.tips: tuple[str, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_data(
        self,
        months: Sequence[str],
        years: Sequence[str],
        series: Sequence[Series],
        tips: Sequence[str],
    ) -> None:
        """``months``: a short label per month; ``years``: the year to write under a month, or
        ""; ``tips``: each month's numbers as a sentence (the tooltip)."""
        self.months, self.years = tuple(months), tuple(years)
        self.series, self.tips = tuple(series), tuple(tips)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, self._line() * 13)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self._line() * 13)

    def _line(self) -> int:
        return self.fontMetrics().lineSpacing()

    def _plot(self) -> QRect:
        """Where the bars go: below the legend, right of the axis labels, above the months."""
        fm = self.fontMetrics()
        top, _step = nice_scale(self._largest())
        axis_w = fm.horizontalAdvance(_number(top)) + PAD
        legend_h = self._line() + PAD
        bottom_h = 2 * self._line() + 2
        top_y = legend_h + self._line() // 2 + 2
        return QRect(axis_w + PAD, top_y, max(self.width() - axis_w - 2 * PAD, 10),
                     max(self.height() - top_y - bottom_h, 10))  # fmt: skip

    def _largest(self) -> int:
        return max((v for s in self.series for v in s.values), default=0)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.months or not self.series:
            return
        p = QPainter(self)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        self._legend(p, series_colours(pal), text)
        plot = self._plot()
        top, step = nice_scale(self._largest())
        self._axis(p, plot, top, step, text, pal.color(QPalette.ColorRole.Mid))
        self._bars(p, plot, top, series_colours(pal), text)
        p.end()

    def _legend(self, p: QPainter, colours: Sequence[QColor], text: QColor) -> None:
        fm = self.fontMetrics()
        box = fm.ascent() - 2
        x = PAD
        for serie, colour in zip(self.series, colours, strict=False):
            p.fillRect(QRect(x, (self._line() - box) // 2, box, box), colour)
            p.setPen(pal_outline(colour, text))
            p.drawRect(QRect(x, (self._line() - box) // 2, box, box))
            p.setPen(text)
            x += box + PAD
            p.drawText(QPoint(x, fm.ascent()), serie.name)
            x += fm.horizontalAdvance(serie.name) + 3 * PAD

    def _axis(self, p: QPainter, plot: QRect, top: int, step: int, text: QColor,
              grid: QColor) -> None:  # fmt: skip
        fm = self.fontMetrics()
        for value in range(0, top + 1, step):
            y = plot.bottom() - round(plot.height() * value / top)
            p.setPen(grid)
            p.drawLine(plot.left(), y, plot.right(), y)
            p.setPen(text)
            label = _number(value)
            p.drawText(QPoint(plot.left() - PAD - fm.horizontalAdvance(label),
                              y + fm.ascent() // 2 - 1), label)  # fmt: skip

    def _bars(self, p: QPainter, plot: QRect, top: int, colours: Sequence[QColor],
              text: QColor) -> None:  # fmt: skip
        fm = self.fontMetrics()
        slot = plot.width() / len(self.months)
        width = max(int(slot * 0.8 / len(self.series)), 2)
        room = all(fm.horizontalAdvance(_number(v)) <= width + 2
                   for s in self.series for v in s.values)  # fmt: skip
        for i, month in enumerate(self.months):
            left = plot.left() + round(i * slot + slot * 0.1)
            for k, serie in enumerate(self.series):
                value = serie.values[i]
                height = round(plot.height() * value / top)
                bar = QRect(left + k * width, plot.bottom() - height + 1, width - 1, height)
                if height:
                    p.fillRect(bar, colours[k % len(colours)])
                if room and value:
                    p.setPen(text)
                    p.drawText(QRect(bar.left() - 4, bar.top() - fm.height(), width + 8,
                                     fm.height()), _CENTRE, _number(value))  # fmt: skip
            centre = QRect(plot.left() + round(i * slot), plot.bottom() + 3, round(slot),
                           2 * self._line())  # fmt: skip
            p.setPen(text)
            below = month if not self.years[i] else f"{month}\n{self.years[i]}"
            p.drawText(centre, _CENTRE, below)

    def month_at(self, x: int) -> int:
        """The month under the x coordinate ``x``, or -1."""
        plot = self._plot()
        if not self.months or not plot.left() <= x <= plot.right():
            return -1
        return min(int((x - plot.left()) / (plot.width() / len(self.months))), len(self.months) - 1)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            i = self.month_at(e.pos().x())
            if 0 <= i < len(self.tips):
                QToolTip.showText(e.globalPos(), self.tips[i], self)
            else:
                QToolTip.showText(e.globalPos(), self.toolTip(), self)
            return True
        return super().event(e)


def pal_outline(fill: QColor, text: QColor) -> QColor:
    """A thin outline so that a light swatch stays visible on a light background."""
    outline = QColor(text)
    outline.setAlpha(90)
    return outline if fill.lightness() > 200 else fill


def _number(value: int) -> str:
    return format_number(value)
