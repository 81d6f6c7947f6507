"""Tab follows reading order and never traps (issue 11, item 7), in every editing dialog of the
desk: each opens in its first field; pressing Tab visits the fields top to bottom and left to
right (a column to the right starts at its top), then the buttons, reaches every control that
takes the keyboard, and comes back to the first field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.consents import consent_to_referrals
from tests.ui.test_record_editor import activate, open_window
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, follow_ups, people, referrals
from welcome_center.ui.dialogs.event_editor import EventDialog
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.consultations import ConsultationDialog
from welcome_center.ui.record.follow_ups import FollowUpDialog
from welcome_center.ui.record.header import CloseDialog
from welcome_center.ui.record.parties import PartyDialog
from welcome_center.ui.record.recognition import RecognitionDialog
from welcome_center.ui.record.referrals import FeedbackDialog, ReferralDialog
from welcome_center.ui.record.residence import ResidenceDialog
from welcome_center.ui.record.window import RecordWindow

TODAY = office_today()


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):  # type: ignore[no-untyped-def]
    return message_boxes


@pytest.fixture
def window(qtbot: QtBot, ops: Ops) -> RecordWindow:
    """A record with an open follow-up and a referral waiting for feedback (the close dialog
    asks about both)."""
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"), True
    )
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person.value.id), opened_on=TODAY)
    record = cases.open_record(ops.uow, ops.actor, draft).value.id
    consultations.record_consultation(
        ops.uow, ops.actor, record, ConsultationDraft(held_on=TODAY, duration_minutes=30)
    )
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY + timedelta(days=3), "Anrufen")
    partner = next(o.id for o in people.list_partners(ops.uow) if o.code == "fizuz")
    consent_to_referrals(ops.uow, ops.actor, record)  # a referral needs consent
    referrals.refer(
        ops.uow,
        ops.actor,
        record,
        ReferralDraft(partner_id=partner, referred_on=TODAY, topic=None, reason="Beratung"),
    )
    return open_window(qtbot, ops, record)


def _feedback(w: RecordWindow) -> QDialog:
    assert w.details is not None
    return FeedbackDialog(w, w.details.referrals[0])


RECORD_DIALOGS: dict[str, Callable[[RecordWindow], QDialog]] = {
    "consultation": ConsultationDialog,
    "referral": ReferralDialog,
    "feedback": _feedback,
    "follow-up": FollowUpDialog,
    "party": PartyDialog,
    "residence title": ResidenceDialog,
    "recognition": RecognitionDialog,
    "close": CloseDialog,
}
OTHER_DIALOGS: dict[str, Callable[[Ops], QDialog]] = {
    "person": PersonEditor,
    "organisation": OrganisationEditor,
    "partner": lambda ops: OrganisationEditor(ops, partner=True),
    "quick enquiry": QuickEnquiryDialog,
    "event": lambda ops: EventDialog(ops, people.list_partners(ops.uow)),
}
ALT = Qt.KeyboardModifier.AltModifier
# The quick enquiry's other states, reached by keys: a new person (Alt+P) with a follow-up
# (Alt+W ticks "Follow-up"), a new organisation (Alt+G).
QUICK_ENQUIRY_KEYS = {
    "new person with a follow-up": [Qt.Key.Key_P, Qt.Key.Key_W],
    "new organisation": [Qt.Key.Key_G],
}


@pytest.mark.parametrize("name", RECORD_DIALOGS)
def test_a_record_dialog_tabs_in_reading_order(
    qtbot: QtBot, window: RecordWindow, name: str
) -> None:
    _check(qtbot, RECORD_DIALOGS[name](window))


@pytest.mark.parametrize("name", OTHER_DIALOGS)
def test_an_editor_tabs_in_reading_order(qtbot: QtBot, admin_ops: Ops, name: str) -> None:
    _check(qtbot, OTHER_DIALOGS[name](admin_ops))


@pytest.mark.parametrize("state", QUICK_ENQUIRY_KEYS)
def test_the_quick_enquiry_tabs_in_reading_order_in_each_state(
    qtbot: QtBot, ops: Ops, state: str
) -> None:
    dialog = QuickEnquiryDialog(ops)

    def press(d: QDialog) -> None:
        for key in QUICK_ENQUIRY_KEYS[state]:
            QTest.keyClick(d.focusWidget(), key, ALT)
            qtbot.wait(200)  # a mnemonic clicks its button after a moment (animateClick)

    seen = _check(qtbot, dialog, press)
    shown = (
        [dialog.client.family_name, dialog.client.given_name, dialog.due_on, dialog.remark]
        if state.startswith("new person")
        else [dialog.client.org_name, dialog.client.org_contact]
    )
    assert all((w.focusProxy() or w) in seen for w in shown), [_name(w) for w in seen]


def test_the_party_dialog_opens_in_its_search_field(qtbot: QtBot, window: RecordWindow) -> None:
    dialog = PartyDialog(window)
    _show(qtbot, dialog)
    assert dialog.focusWidget() is dialog.picker.edit


# -- the check ------------------------------------------------------------------------------


def _show(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)


def _check(
    qtbot: QtBot, dialog: QDialog, prepare: Callable[[QDialog], None] | None = None
) -> list[QWidget]:
    """Open ``dialog`` (in its first field), let ``prepare`` press keys, then Tab round;
    returns the stops in the order Tab visits them, from the top."""
    _show(qtbot, dialog)
    stops = _stops(dialog)
    first = _owner(dialog.focusWidget())
    fields = [w for w in stops if not isinstance(w, QAbstractButton)]
    before = [_name(w) for w in fields if _precedes(_box(dialog, w), _box(dialog, first))]
    assert not before, f"opens in {_name(first)}, not in the first field: {before} come before it"
    if prepare is not None:
        prepare(dialog)
        qtbot.wait(10)
        stops = _stops(dialog)
        first = _owner(dialog.focusWidget())

    cycle = _tab_through(dialog, first, len(stops))
    missing = [_name(w) for w in stops if w not in cycle]
    assert not missing, f"Tab never reaches {missing}; it goes {[_name(w) for w in cycle]}"
    # Read from the top (a dialog may open in a field below a choice of mode, as the quick
    # enquiry opens in its search field below "Find existing / New person / ...").
    boxes = [_box(dialog, w) for w in cycle]
    heads = [i for i, b in enumerate(boxes) if not any(_precedes(o, b) for o in boxes)]
    top = min(heads or range(len(cycle)), key=lambda i: boxes[i].top())
    seen = cycle[top:] + cycle[:top]

    wrong = [
        f"{_name(a)} -> {_name(b)}"
        for a, b in pairwise(seen)
        if not _reads_on(_box(dialog, a), _box(dialog, b))
    ]
    assert not wrong, f"out of reading order: {wrong}; the whole order: {[_name(w) for w in seen]}"

    bottom = [w for w in seen if _is_bottom_button(dialog, w)]
    assert bottom, "Tab never reaches the dialog's buttons"
    assert seen[-len(bottom) :] == bottom, "the dialog's buttons are not the last stops"
    dialog.hide()
    return seen


def _tab_through(dialog: QDialog, first: QWidget, count: int) -> list[QWidget]:
    """The widgets Tab visits from ``first`` until it is back there (fails if it never is)."""
    seen = [first]
    for _ in range(2 * count + 4):
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        now = _owner(dialog.focusWidget())
        if now is first:
            return seen
        assert now not in seen, (
            f"Tab circles without coming back to {_name(first)}: {[_name(w) for w in seen]} "
            f"then {_name(now)} again"
        )
        seen.append(now)
    raise AssertionError(f"Tab is trapped: {[_name(w) for w in seen]}")


def _stops(dialog: QDialog) -> list[QWidget]:
    """The controls of ``dialog`` that Tab should reach: visible, enabled, taking Tab focus (a
    composite widget's inner edit counts as the widget; of a group of radio buttons only the
    checked one is a stop)."""
    found: list[QWidget] = []
    for w in dialog.findChildren(QWidget):
        if w.window() is not dialog or not w.isVisibleTo(dialog) or not w.isEnabled():
            continue
        if not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or w.focusProxy() is not None:
            continue
        if isinstance(w, QAbstractButton) and _unchecked_choice(w):
            continue
        owner = _owner(w)
        if owner not in found:
            found.append(owner)
    return found


def _owner(w: QWidget | None) -> QWidget:
    """The control ``w`` belongs to: an editable combo box's or spin box's inner edit is the
    box."""
    assert w is not None, "nothing has the focus"
    parent = w.parentWidget()
    if isinstance(w, QLineEdit) and isinstance(parent, QComboBox | QAbstractSpinBox):
        return parent
    return w


def _unchecked_choice(button: QAbstractButton) -> bool:
    if not button.isCheckable() or button.isChecked():
        return False
    group = button.group()
    if group is not None and group.exclusive():
        return group.checkedButton() is not None
    return button.autoExclusive() and any(
        b.isChecked()
        for b in button.parentWidget().findChildren(QAbstractButton)
        if b.autoExclusive() and b.isCheckable()
    )


def _box(dialog: QDialog, w: QWidget) -> QRect:
    return QRect(w.mapTo(dialog, QPoint(0, 0)), w.size())


def _reads_on(a: QRect, b: QRect) -> bool:
    """Whether ``b`` comes after ``a`` when reading: to the right on the same line, further
    down, or at the top of a column right of ``a``."""
    overlap = min(a.bottom(), b.bottom()) - max(a.top(), b.top())
    same_line = overlap > min(a.height(), b.height()) / 2
    if same_line:
        return b.left() > a.left()
    if b.top() > a.top():
        return True
    return b.left() >= a.right() - 2  # a new column


def _precedes(a: QRect, b: QRect) -> bool:
    """Whether ``a`` is read before ``b`` (and not the other way round)."""
    return _reads_on(a, b) and not _reads_on(b, a)


def _is_bottom_button(dialog: QDialog, w: QWidget) -> bool:
    """One of the dialog's own buttons (Save, Cancel) at its foot."""
    if isinstance(w.parentWidget(), QDialogButtonBox):
        return True
    if not isinstance(w, QPushButton):
        return False
    lowest = max(_box(dialog, b).bottom() for b in dialog.findChildren(QPushButton)
                 if b.isVisibleTo(dialog))  # fmt: skip
    return _box(dialog, w).bottom() == lowest


def _name(w: QWidget | None) -> str:
    if w is None:
        return "nothing"
    text = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton | QLineEdit) else "")
    return f"{type(w).__name__}({text!r})"
