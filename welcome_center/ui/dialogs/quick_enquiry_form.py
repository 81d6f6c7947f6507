"""The widgets of the quick enquiry, laid out in three columns that fit a 1366x768 screen.

Reading order (and Tab order): the client, who asked and from where, this contact (channel,
date, duration, first contact: saved as the enquiry's first consultation), topics and the answer,
services, then the optional referral and follow-up. Saving is the dialog's part
(:mod:`welcome_center.ui.dialogs.quick_enquiry`).

A requester type and topics are not required, but the statistics count enquiries by them: while
one is empty, a hint under it says so.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Vocabulary
from welcome_center.i18n import _
from welcome_center.services import consultation_rules, people
from welcome_center.ui.dialogs.quick_enquiry_client import ClientSection
from welcome_center.ui.forms import (
    CodeChecklist,
    FieldErrors,
    date_edit,
    error_label,
    fill_combo,
    set_combo_value,
    vocab_combo,
)
from welcome_center.ui.ops import Ops

DEFAULT_CHANNEL = "phone"
FOLLOW_UP_DAYS = 7


class QuickEnquiryForm(QDialog):
    """The fields of a quick enquiry with their error lines (``errors``), no behaviour."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.errors = FieldErrors()
        self._sized = False
        self.setWindowTitle(_("Quick enquiry"))
        self._build()

    def showEvent(self, event: QShowEvent) -> None:
        # A dialog opens at most 2/3 of the screen wide by default; this one needs its size.
        if not self._sized:
            self._sized = True
            self.resize(self.sizeHint().boundedTo(self.screen().availableGeometry().size()))
        super().showEvent(event)

    # -- building --------------------------------------------------------------------------

    def _row(
        self, form: QFormLayout, text: str, widget: QWidget, *fields: str, hint: str = ""
    ) -> QWidget:
        """``text: widget`` with an error line under the widget for the services' ``fields``
        (and a ``hint`` line, shown by :meth:`_show_hints`)."""
        label = QLabel(text)
        label.setBuddy(widget)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        if hint:
            lay.addWidget(self._hint_label(widget, hint))
        err = error_label()
        lay.addWidget(err)
        form.addRow(label, box)
        for field in fields:
            self.errors.register(field, widget, err)
        return widget

    def _build(self) -> None:
        columns = QHBoxLayout()
        columns.addLayout(self._left_column(), 5)
        columns.addLayout(self._middle_column(), 4)
        columns.addLayout(self._right_column(), 4)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.hide()
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setToolTip(_("Save the enquiry (Ctrl+S)"))
        self.cancel_button = QPushButton(_("&Cancel"))
        self.cancel_button.setToolTip(_("Close without saving (Esc)"))
        # Plain buttons, none of them default: Enter in a field never saves a half-typed
        # enquiry (a button box would make Save the default).
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(self.errors.general)
        outer.addWidget(self.note)
        outer.addLayout(buttons)
        self._tab_order()
        self.requester.currentIndexChanged.connect(lambda _i: self._show_hints())
        self.topics.itemChanged.connect(lambda _item: self._show_hints())
        self._show_hints()
        self.save_shortcuts = [
            QShortcut(QKeySequence(keys), self)
            for keys in (QKeySequence.StandardKey.Save, "Ctrl+Return", "Ctrl+Enter")
        ]

    def _hint_label(self, widget: QWidget, text: str) -> QLabel:
        """A calm line under ``widget`` (not an error: saving goes ahead without it)."""
        hint = QLabel(text)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        font = hint.font()
        font.setItalic(True)
        hint.setFont(font)
        self._hints[widget] = hint
        return hint

    def _show_hints(self) -> None:
        """The hint under the requester type and under the topics, while they are empty."""
        self._hints[self.requester].setVisible(self.requester.currentData() is None)
        self._hints[self.topics].setVisible(not self.topics.codes())
        self._hints[self.referral_box].setVisible(self.client.anonymous())

    def _left_column(self) -> QVBoxLayout:
        self._hints: dict[QWidget, QLabel] = {}
        self.client = ClientSection(self.ops, self.errors)
        form = QFormLayout()
        self.requester = vocab_combo(self.ops, Vocabulary.REQUESTER_TYPE)
        self.requester.setAccessibleName(_("Requester type"))
        self._row(
            form,
            _("Re&quester type:"),
            self.requester,
            "requester_type",
            hint=_("The statistics count enquiries by requester type: choose one if you can."),
        )
        self.municipality = vocab_combo(self.ops, Vocabulary.MUNICIPALITY)
        self.municipality.setAccessibleName(_("Municipality"))
        self._row(form, _("Municipalit&y:"), self.municipality, "municipality")
        counsellor = QLabel(self.ops.user_name(self.ops.actor.user_id) or self.ops.actor.name)
        counsellor.setTextFormat(Qt.TextFormat.PlainText)
        self._row(form, _("Counsellor:"), counsellor, "counsellor")
        lay = QVBoxLayout()
        lay.addWidget(self.client)
        lay.addLayout(form)
        lay.addWidget(self._contact_box())
        lay.addStretch(1)
        return lay

    def _contact_box(self) -> QGroupBox:
        """This contact: how and when it came in, how long it took, whether it was the first
        one with this client. Saved with the enquiry as its first consultation."""
        self.contact_box = QGroupBox(_("This contact (counted as a consultation)"))
        form = QFormLayout(self.contact_box)
        self.channel = vocab_combo(self.ops, Vocabulary.CHANNEL)
        self.channel.setAccessibleName(_("Channel"))
        if self.channel.findData(DEFAULT_CHANNEL) >= 0:
            set_combo_value(self.channel, DEFAULT_CHANNEL)
        self._row(form, _("C&hannel:"), self.channel, "channel")
        self.opened_on = date_edit(office_today())
        self.opened_on.setAccessibleName(_("Opened on"))
        # The contact's date is the enquiry's opening date.
        self._row(form, _("Opened &on:"), self.opened_on, "opened_on", "held_on")
        self.duration = QSpinBox()
        self.duration.setRange(0, consultation_rules.MAX_MINUTES)
        self.duration.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.duration.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.duration.setAccessibleName(_("Duration in minutes"))
        self._row(form, _("D&uration in minutes:"), self.duration, "duration_minutes")
        self.first_contact = QCheckBox(_("&First contact"))
        self.first_contact.setChecked(True)  # a new client's; see QuickEnquiryDialog
        self.first_contact.setToolTip(_("The first contact of this client with the office"))
        form.addRow(self.first_contact)
        return self.contact_box

    def _middle_column(self) -> QFormLayout:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.topics = CodeChecklist.of(self.ops, Vocabulary.TOPIC)
        self.topics.setAccessibleName(_("Topics"))
        _show_rows(self.topics)
        self._row(
            form,
            _("&Topics:"),
            self.topics,
            "topics",
            hint=_("The statistics count enquiries by topic: tick at least one if you can."),
        )
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setAccessibleName(_("What was answered"))
        self._row(form, _("What was &answered:"), self.summary, "summary")
        return form

    def _offer_referral_topics(self) -> None:
        """The referral's topic is one of the enquiry's topics; the only one is chosen itself."""
        chosen = self.topics.codes()
        fill_combo(
            self.referral_topic,
            [(self.ops.label(Vocabulary.TOPIC, code), code) for code in chosen],
            empty_text=_("— no topic —"),
        )
        if len(chosen) == 1:
            set_combo_value(self.referral_topic, chosen[0])

    def _right_column(self) -> QVBoxLayout:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.services = CodeChecklist.of(self.ops, Vocabulary.SERVICE)
        self.services.setAccessibleName(_("Services"))
        _show_rows(self.services)
        self._row(form, _("Ser&vices:"), self.services, "services")
        self.referral_box = QGroupBox(_("Referral to a partner (optional)"))
        ref_form = QFormLayout(self.referral_box)
        self.partner = QComboBox()
        partners = people.list_partners(self.ops.uow)
        fill_combo(
            self.partner,
            [(p.display_name, p.id) for p in partners],
            empty_text=_("— no referral —"),
        )
        self.partner.setAccessibleName(_("Partner"))
        self._row(ref_form, _("Pa&rtner:"), self.partner, "partner", "referred_on")
        self.referral_topic = QComboBox()
        self.referral_topic.setAccessibleName(_("Referral topic"))
        self._row(ref_form, _("R&eferral topic:"), self.referral_topic, "topic")
        self.topics.itemChanged.connect(lambda _item: self._offer_referral_topics())
        self._offer_referral_topics()
        self.reason = QLineEdit()
        self._row(ref_form, _("Referra&l reason:"), self.reason, "reason")
        self.no_referral = self._hint_label(
            self.referral_box,
            _("An anonymous enquiry cannot be referred: a referral needs the client's consent."),
        )
        ref_form.addRow(self.no_referral)
        self.client.modes.idToggled.connect(lambda _mode, _on: self._show_hints())
        self.client.no_name.toggled.connect(lambda _on: self._show_hints())
        self.follow_up = QGroupBox(_("Follo&w-up"))
        self.follow_up.setCheckable(True)
        self.follow_up.setChecked(False)
        fu_form = QFormLayout(self.follow_up)
        self.due_on = date_edit(office_today() + timedelta(days=FOLLOW_UP_DAYS))
        self._row(fu_form, _("&Due on:"), self.due_on, "due_on", "assigned_to")
        self.remark = QLineEdit()
        self._row(fu_form, _("Remar&k:"), self.remark, "note")
        lay = QVBoxLayout()
        lay.addLayout(form)
        lay.addWidget(self.referral_box)
        lay.addWidget(self.follow_up)
        lay.addStretch(1)
        return lay

    def _tab_order(self) -> None:
        chain = [
            *self.client.tab_chain(),
            self.requester,
            self.municipality,
            self.channel,
            self.opened_on,
            self.duration,
            self.first_contact,
            self.topics,
            self.summary,
            self.services,
            self.partner,
            self.referral_topic,
            self.reason,
            self.follow_up,
            self.due_on,
            self.remark,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _record_widgets(self) -> list[QWidget]:
        return [
            self.client,
            self.requester,
            self.municipality,
            self.contact_box,
            self.topics,
            self.summary,
            self.services,
        ]


def _show_rows(view: QListWidget, most: int = 16) -> None:
    """Show every entry of a short checklist whole, without scrolling (width from its text)."""
    rows = min(view.count(), most)
    frame = 2 * view.frameWidth()
    view.setMinimumHeight(view.sizeHintForRow(0) * rows + frame + 4)
    bar = view.verticalScrollBar().sizeHint().width()
    view.setMinimumWidth(view.sizeHintForColumn(0) + frame + bar)
