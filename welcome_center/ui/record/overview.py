"""The record's overview: client, further parties, counsellor, how the enquiry came in, topics,
services, municipality and summary. Saved with the window's Save (Ctrl+S); parties at once."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import ClientChoice, RecordDraft
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _, pgettext
from welcome_center.i18n.labels import client_name, label
from welcome_center.ui import plain
from welcome_center.ui.forms import (
    CodeChecklist,
    FieldErrors,
    date_edit,
    date_of,
    set_combo_value,
    set_date,
    vocab_combo,
)
from welcome_center.ui.record.assign_client import assign_client, assign_text
from welcome_center.ui.record.dialogs import counsellor_combo, field_row, set_counsellor
from welcome_center.ui.record.parties import PartiesBox

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

_VOCAB_FIELDS = (
    ("requester_type", Vocabulary.REQUESTER_TYPE),
    ("channel", Vocabulary.CHANNEL),
    ("municipality", Vocabulary.MUNICIPALITY),
)


def draft_of(d: RecordDetails) -> RecordDraft:
    """The overview of a saved record, as the form would hand it back unchanged."""
    return RecordDraft(
        client=choice_of(d),
        opened_on=d.opened_on,
        kind=d.kind,
        counsellor_id=d.counsellor_id,
        requester_type=d.requester_type,
        channel=d.channel,
        municipality=d.municipality,
        topics=tuple(sorted(d.topics)),
        services=tuple(sorted(d.services)),
        summary=d.summary,
        substitute_id=d.substitute_id,
    )


def choice_of(d: RecordDetails) -> ClientChoice | None:
    """The record's client as the overview sends it back (None: an anonymous enquiry)."""
    return ClientChoice(d.client.kind, d.client.id) if d.client is not None else None


def same_overview(a: RecordDraft, b: RecordDraft) -> bool:
    """Whether two overviews agree in what the overview edits (the kind changes elsewhere)."""
    return replace(a, kind=b.kind) == b


def _client_text(d: RecordDetails) -> str:
    if d.client is None:
        return _("%(caller)s – %(assign)s") % {
            "caller": client_name(None),
            "assign": assign_text().replace("&", ""),
        }
    return f"{d.client.display_name} ({label(d.client.kind)})"


class OverviewTab(QScrollArea):
    """The overview form; :meth:`draft` is what Save sends, :attr:`errors` shows what failed."""

    edited = Signal()

    def __init__(self, host: RecordHost) -> None:
        super().__init__()
        self.host = host
        self.ops = host.ops
        self.errors = FieldErrors()
        self._client: RecordDetails | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        content = QWidget()
        row = QHBoxLayout()
        row.addLayout(self._left(), 3)
        row.addLayout(self._right(), 2)
        # The parties across the whole width: name, kind, role and note side by side, uncut.
        self.parties = PartiesBox(self.host)
        column = QVBoxLayout(content)
        column.addLayout(row, 1)
        column.addWidget(self.parties)
        self.setWidget(content)
        self._connect_edits()

    def _left(self) -> QVBoxLayout:
        form = QFormLayout()
        add = partial(field_row, self.errors, form)
        self.client = QPushButton()
        self.client.setAccessibleName(_("Client"))
        self.client.setToolTip(_("Opens the client's details."))
        self.client.clicked.connect(self._open_client)
        add(_("Clie&nt"), self.client, field="client")
        item = form.itemAt(form.rowCount() - 1, QFormLayout.ItemRole.LabelRole)
        self.client_label = item.widget() if item is not None else None
        self.opened_on = add(_("Opene&d on"), date_edit(), field="opened_on")
        counsellor = counsellor_combo(self.ops)
        self.counsellor = add(
            pgettext("record overview", "C&ounsellor"), counsellor, field="counsellor"
        )
        # Who stands in: sees the record where counsellors see only their own (need to know).
        substitute = counsellor_combo(self.ops)
        self.substitute = add(_("Su&bstitute (when away)"), substitute, field="substitute")
        texts = (_("Re&quester type"), _("Channe&l"), _("&Municipality"))
        self.combos = {}
        for (field, vocab), text in zip(_VOCAB_FIELDS, texts, strict=True):
            self.combos[field] = add(text, vocab_combo(self.ops, vocab), field=field)
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setAccessibleName(_("Summary"))
        add(_("Summar&y"), self.summary, field="summary")
        column = QVBoxLayout()
        column.addWidget(self.errors.general)
        column.addLayout(form)
        return column

    def _right(self) -> QVBoxLayout:
        form = QFormLayout()
        add = partial(field_row, self.errors, form)
        self.topics = add(
            _("Top&ics"), CodeChecklist.of(self.ops, Vocabulary.TOPIC), field="topics"
        )
        self.services = add(
            _("Ser&vices"), CodeChecklist.of(self.ops, Vocabulary.SERVICE), field="services"
        )
        self.topics.setAccessibleName(_("Topics"))
        self.services.setAccessibleName(_("Services"))
        column = QVBoxLayout()
        column.addLayout(form)
        column.addStretch(1)
        return column

    def _connect_edits(self) -> None:
        def emit(*_args: object) -> None:
            self.edited.emit()

        self.opened_on.dateChanged.connect(emit)
        self.counsellor.currentIndexChanged.connect(emit)
        self.substitute.currentIndexChanged.connect(emit)
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(emit)
        self.summary.textChanged.connect(emit)
        self.topics.itemChanged.connect(emit)
        self.services.itemChanged.connect(emit)

    # -- data ---------------------------------------------------------------------------------

    def set_details(self, d: RecordDetails, keep_input: bool = False) -> None:
        """Show ``d``; with ``keep_input`` only what the overview's Save does not send
        (the parties) is updated, and the typed input stays."""
        self.parties.show_parties(d.parties, anonymous=d.client is None)
        if keep_input:
            return
        self._client = d
        self.client.setText(plain.for_button(_client_text(d)))
        # An anonymous enquiry: the button assigns the client, and the header's "Assign a
        # client…" has the label's key.
        if isinstance(self.client_label, QLabel):
            self.client_label.setText(_("Clie&nt") if d.client is not None else _("Client"))
        self.client.setToolTip(
            _("Opens the client's details.")
            if d.client is not None
            else _("The caller gave no name. Assign the person or organisation once they give it.")
        )
        set_date(self.opened_on, d.opened_on)
        set_counsellor(self.counsellor, self.ops, d.counsellor_id)
        set_counsellor(self.substitute, self.ops, d.substitute_id)
        for field, vocab in _VOCAB_FIELDS:
            code = getattr(d, field)
            set_combo_value(self.combos[field], code, self.ops.label(vocab, code))
        self.topics.set_codes(d.topics, self._labels(Vocabulary.TOPIC, d.topics))
        self.services.set_codes(d.services, self._labels(Vocabulary.SERVICE, d.services))
        if self.summary.toPlainText() != d.summary:
            self.summary.setPlainText(d.summary)
        self.errors.clear()

    def _labels(self, vocab: Vocabulary, codes: tuple[str, ...]) -> dict[str, str]:
        return {c: self.ops.label(vocab, c) for c in codes}

    def draft(self) -> RecordDraft:
        """The overview as typed (the counsellor always as chosen: None clears it)."""
        d = self._client
        assert d is not None, "set_details first"
        # While the typed day is no date (the save refuses it), the saved one stands in.
        opened_on = date_of(self.opened_on) or d.opened_on
        return RecordDraft(
            client=choice_of(d),
            opened_on=opened_on,
            kind=self.host.details.kind if self.host.details else d.kind,
            counsellor_id=self.counsellor.currentData(),
            requester_type=self.combos["requester_type"].currentData(),
            channel=self.combos["channel"].currentData(),
            municipality=self.combos["municipality"].currentData(),
            topics=tuple(sorted(self.topics.codes())),
            services=tuple(sorted(self.services.codes())),
            summary=self.summary.toPlainText(),
            substitute_id=self.substitute.currentData(),
        )

    def _open_client(self) -> None:
        if self._client is None:
            return
        if self._client.client is None:
            assign_client(self.host)
        else:
            self.ops.open_client(self._client.client)

    def focus_first(self) -> None:
        self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
