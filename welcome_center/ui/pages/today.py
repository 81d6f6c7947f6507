"""Today: the office's figures of this month, the counsellor's follow-ups due and overdue,
residence titles expiring soon, referrals waiting for feedback and open enquiries and cases;
Enter or a double click opens the line's record. Loading reads only; F5 first raises the
residence follow-ups that came due (an explicit write whose Changes are broadcast)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.queries import RecordQuery
from welcome_center.domain.statistics import KeyFigures, Period
from welcome_center.domain.views import ClientRef, FollowUpView, RecordSummary, ReferralView
from welcome_center.i18n import _, figures, format_date, format_number, ngettext
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import desk_lists, follow_ups, record_list, referrals, statistics
from welcome_center.services.context import Changes
from welcome_center.ui.full_text import shortened, tooltip
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.pages.reports_figures import Figure, FigureGrid
from welcome_center.ui.qt_i18n import short_date

MAX_RECORDS = 50
# This month's figures of the office, in one row (definitions as in the reports).
MONTH_FIGURES = ("enquiries_received", "enquiries_worked", "cases_worked", "cases_new",
                 "consultations", "referrals", "open_at_end")  # fmt: skip
SEP = " · "
NOTE_CHARS = 160  # of a follow-up's note in its line; the tooltip and Space show all of it
# What a line opens: a record id, or a client (a person without any record).
Target = int | ClientRef
# A line's text (its parts on up to two rows), what it opens, and its whole text if the line
# shortens it.
Line = tuple[str, Target] | tuple[str, Target, str]
FULL_TEXT = Qt.ItemDataRole.UserRole + 1


class Section(QWidget):
    """A heading with a count, its lines (Enter or double click opens one), and a sentence
    saying what to do when there are none. A line wraps rather than being cut; its whole text
    is its tooltip, and Space shows it for the line under the cursor."""

    def __init__(self, ops: Ops, name: str) -> None:
        super().__init__()
        self.ops = ops
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setAccessibleName(name)
        self.lines.setWordWrap(True)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.lines.setResizeMode(QListView.ResizeMode.Adjust)
        self.lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines.setAlternatingRowColors(True)  # where a line of two rows ends
        self.lines.itemActivated.connect(self._open)
        self.lines.installEventFilter(_SpaceShowsAll(self.lines))
        self.heading.setBuddy(self.lines)
        self.empty = self._note()
        self.more = self._note()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addWidget(self.empty)
        lay.addWidget(self.lines, 1)
        lay.addWidget(self.more)

    @staticmethod
    def _note() -> QLabel:
        note = QLabel()
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.hide()
        return note

    def show_lines(self, heading: str, lines: Sequence[Line], empty: str, more: str = "") -> None:
        """Show ``lines`` under ``heading`` (which carries the mnemonic), or ``empty``."""
        self.heading.setText(heading)
        # Read again after a save (another desk's, say): the line the user is on stays theirs.
        current = self.lines.currentItem()
        kept = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        highlighted = current is not None and current.isSelected()
        scrolled = self.lines.verticalScrollBar().value()
        self.lines.clear()
        for text, target, *whole in lines:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, target)
            full = whole[0] if whole else text
            item.setData(FULL_TEXT, full)
            item.setToolTip(tooltip(full))
            self.lines.addItem(item)
        self.empty.setText(empty)
        self.empty.setVisible(not lines)
        self.lines.setVisible(bool(lines))
        self.more.setText(more)
        self.more.setVisible(bool(more))
        if lines:  # Enter works at once; the highlight comes with the arrow keys (calm)
            targets = [line[1] for line in lines]
            again = kept is not None and kept in targets
            if again and highlighted:
                self.lines.setCurrentRow(targets.index(kept))
            else:
                row = targets.index(kept) if again else 0
                self.lines.setCurrentRow(row, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.lines.verticalScrollBar().setValue(scrolled)

    def texts(self) -> list[str]:
        return [self.lines.item(i).text() for i in range(self.lines.count())]

    def full_text(self, row: int) -> str:
        """The whole text of line ``row`` (what its tooltip and Space show)."""
        item = self.lines.item(row)
        return str(item.data(FULL_TEXT)) if item is not None else ""

    def _open(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(target, ClientRef):
            self.ops.open_client(target)
        elif isinstance(target, int):
            self.ops.open_record(target)


class _SpaceShowsAll(QObject):
    """Space in a list shows the current line's whole text beside it (as its tooltip)."""

    def __init__(self, lines: QListWidget) -> None:
        super().__init__(lines)
        self.lines = lines

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            item = self.lines.currentItem()
            if item is not None:
                rect = self.lines.visualItemRect(item)
                where = self.lines.viewport().mapToGlobal(rect.bottomLeft())
                QToolTip.showText(where, tooltip(str(item.data(FULL_TEXT))), self.lines)
            return True
        return False


def raise_reminders(ops: Ops, parent: QWidget | None) -> bool:
    """Raise the residence follow-ups that came due (at the desk's start and on F5 in Today);
    True when some were raised (their Changes are then broadcast)."""
    if not allowed(ops.actor.roles, Permission.WORK_RECORDS):
        return False
    saved = ops.write(parent, follow_ups.raise_residence_follow_ups)
    return saved is not None and saved.value > 0


class TodayPage(Page):
    """What a counsellor has to do today, each line a way into its record."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._build()

    def title(self) -> str:
        return _("Today")

    def _build(self) -> None:
        self.greeting = QLabel()
        self.greeting.setTextFormat(Qt.TextFormat.PlainText)
        self.greeting.setWordWrap(True)
        font = QFont(self.greeting.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.greeting.setFont(font)
        self.month_heading = QLabel()
        self.month_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.month_figures = FigureGrid(len(MONTH_FIGURES))
        self._month_timer = QTimer(self)
        self._month_timer.setSingleShot(True)
        self._month_timer.timeout.connect(self._show_month)
        self.figures = QVBoxLayout()
        self.figures.setSpacing(2)
        self.figures.addWidget(self.month_heading)
        self.figures.addWidget(self.month_figures)
        shown = allowed(self.ops.actor.roles, Permission.VIEW_STATISTICS)
        self.month_heading.setVisible(shown)
        self.month_figures.setVisible(shown)
        self.follow_ups = Section(self.ops, _("Follow-ups due"))
        self.titles = Section(self.ops, _("Residence titles expiring soon"))
        self.referrals = Section(self.ops, _("Referrals without feedback"))
        self.cases = Section(self.ops, _("My open enquiries and cases"))
        grid = QGridLayout()
        grid.addWidget(self.follow_ups, 0, 0)
        grid.addWidget(self.titles, 0, 1)
        grid.addWidget(self.referrals, 1, 0)
        grid.addWidget(self.cases, 1, 1)
        for i in (0, 1):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.greeting)
        lay.addLayout(self.figures)
        lay.addLayout(grid, 1)

    # -- loading -----------------------------------------------------------------------------

    def activated(self) -> None:
        if not self.loaded:  # the desk raised the residence follow-ups at its start
            self.loaded = True
            self.load()

    def refresh(self) -> None:
        """F5: raise the residence follow-ups that came due, then load (once: raising them
        broadcasts a change, which loads the page)."""
        if not raise_reminders(self.ops, self):
            self.load()

    def load(self) -> None:
        """Show the lists as saved (reads only)."""
        today = office_today()
        name = self.ops.user_name(self.ops.actor.user_id) or self.ops.actor.name
        self.greeting.setText(
            _("Hello %(name)s, today is %(date)s.")
            % {"name": name, "date": format_date(today, "full")}
        )
        self._show_follow_ups(today)
        self._show_titles()
        self._show_referrals(today)
        self._show_cases()
        if allowed(self.ops.actor.roles, Permission.VIEW_STATISTICS):
            self._month_timer.start(0)  # after the lists: they are what a counsellor needs first

    def _show_month(self) -> None:
        """The office's figures of the current month (a few dozen milliseconds)."""
        today = office_today()
        # The month so far: "open at the end" is then open today (nothing is dated later).
        so_far = Period(today.replace(day=1), today)
        found = self.ops.read(self, lambda uow, actor: statistics.key_figures(uow, actor, so_far))
        if found is None:
            return
        month = {"month": format_date(today, "LLLL yyyy")}
        self.month_heading.setText(
            _("The office in %(month)s") % month
            if found.whole_office  # else her login on a server sees her own records only
            else _("Your records in %(month)s") % month
        )
        self.month_figures.set_figures([_figure(found, key) for key in MONTH_FIGURES])

    def on_changes(self, changes: Changes) -> None:
        if changes.follow_ups or changes.records or changes.persons or changes.settings:
            self.load()
        elif changes.users:
            self.load()  # a name shown may have changed

    def _show_follow_ups(self, today: date) -> None:
        due = self.ops.read(self, follow_ups.due_list)
        items = due.items if due else ()
        overdue = sum(1 for f in items if f.overdue)
        values = {"count": format_number(len(items)), "overdue": format_number(overdue)}
        heading = (
            _("&Follow-ups due (%(count)s, of which %(overdue)s overdue)") % values
            if overdue
            else _("&Follow-ups due (%(count)s)") % values
        )
        self.follow_ups.show_lines(
            heading,
            [_follow_up_line(f, today) for f in items],
            _("No follow-ups due. Record an enquiry with Ctrl+N."),
        )

    def _show_titles(self) -> None:
        days = self.ops.settings.residence_expiry_window_days
        found = (
            self.ops.read(
                self,
                lambda uow, actor: desk_lists.expiring_titles(uow, actor, self.ops.actor.user_id),
            )
            or []
        )
        heading = ngettext(
            "&Residence titles expiring within %(days)s day (%(count)s)",
            "&Residence titles expiring within %(days)s days (%(count)s)",
            days,
        ) % {"days": format_number(days), "count": format_number(len(found))}
        lines: list[Line] = []
        for t in found:
            title = self.ops.label(Vocabulary.RESIDENCE_TITLE, t.title.title)
            expires = _("expires %(date)s") % {"date": short_date(t.title.expires_on)}
            where = t.record_number or _("no record yet")
            target: Target = t.record_id if t.record_id is not None else t.person
            text = SEP.join((expires, t.person.display_name)) + "\n" + SEP.join((title, where))
            lines.append((text, target))
        empty = ngettext(
            "No residence title of your clients expires within the next %(days)s day.",
            "No residence title of your clients expires within the next %(days)s days.",
            days,
        ) % {"days": format_number(days)}
        self.titles.show_lines(heading, lines, empty)

    def _show_referrals(self, today: date) -> None:
        days = self.ops.settings.referral_feedback_days
        found = (
            self.ops.read(
                self,
                lambda uow, actor: referrals.awaiting_feedback(uow, actor, self.ops.actor.user_id),
            )
            or []
        )
        records = self._summaries(sorted({f.record_id for f in found}))
        heading = ngettext(
            "R&eferrals with no feedback for %(days)s day or more (%(count)s)",
            "R&eferrals with no feedback for %(days)s days or more (%(count)s)",
            days,
        ) % {"days": format_number(days), "count": format_number(len(found))}
        lines = [(_referral_line(f, records.get(f.record_id), today), f.record_id) for f in found]
        empty = _(
            "Every referral of yours has an answer or is recent. When a partner answers, "
            "record the feedback on the record's referral."
        )
        self.referrals.show_lines(heading, lines, empty)

    def _show_cases(self) -> None:
        """The counsellor's open enquiries and cases, newest first (a new enquiry on top)."""
        query = RecordQuery(open_only=True, counsellor_id=self.ops.actor.user_id)
        ids = (
            self.ops.read(self, lambda uow, actor: record_list.record_ids(uow, actor, query)) or []
        )
        shown = self._summaries(ids[:MAX_RECORDS])
        lines = [(_record_line(shown[i]), i) for i in ids[:MAX_RECORDS] if i in shown]
        heading = _("My open enquiries and &cases (%(count)s)") % {"count": format_number(len(ids))}
        rest = len(ids) - len(lines)
        more = (
            ngettext(
                "… and %(count)s more: see Enquiries & cases.",
                "… and %(count)s more: see Enquiries & cases.",
                rest,
            )
            % {"count": format_number(rest)}
            if rest > 0
            else ""
        )
        empty = _("You have no open enquiries or cases. Record an enquiry with Ctrl+N.")
        self.cases.show_lines(heading, lines, empty, more)

    def _summaries(self, ids: Sequence[int]) -> dict[int, RecordSummary]:
        if not ids:
            return {}
        rows = (
            self.ops.read(self, lambda uow, actor: record_list.record_rows(uow, actor, list(ids)))
            or []
        )
        return {r.id: r for r in rows}


def _follow_up_line(f: FollowUpView, today: date) -> Line:
    """The follow-up's line (when, record, client; its note below, shortened), the record it
    opens, and its whole text."""
    if f.overdue:
        when = _("overdue since %(date)s") % {"date": short_date(f.due_on)}
    elif f.due_on == today:
        when = _("due today")
    else:
        when = _("due %(date)s") % {"date": short_date(f.due_on)}
    head = SEP.join([when, f.record_number, f.client])
    note = f.note.strip()
    if not note:
        return head, f.record_id
    return f"{head}\n{shortened(note, NOTE_CHARS)}", f.record_id, f"{head}\n{note}"


def _referral_line(f: ReferralView, record: RecordSummary | None, today: date) -> str:
    waited = (today - f.referred_on).days
    sent = _("referred to %(partner)s on %(date)s") % {
        "partner": f.partner, "date": short_date(f.referred_on)}  # fmt: skip
    waiting = ngettext("no feedback for %(days)s day", "no feedback for %(days)s days",
                       waited) % {"days": format_number(waited)}  # fmt: skip
    head = SEP.join([record.number, client_name(record.client)]) + "\n" if record else ""
    return head + SEP.join([sent, waiting])


def _record_line(r: RecordSummary) -> str:
    opened = _("opened %(date)s") % {"date": short_date(r.opened_on)}
    return SEP.join((r.number, client_name(r.client), label(r.kind), label(r.status), opened))


def _figure(found: KeyFigures, key: str) -> Figure:
    if key == "open_at_end":  # the month so far ends today; say what is counted, not only on hover
        note = _("enquiries and cases of the whole office, not closed")
        return Figure(key, _("Open today"), found.open_at_end, figures.definition(key), note)
    value = int(getattr(found, key))
    return Figure(key, figures.count_title(key, value), value, figures.definition(key))
