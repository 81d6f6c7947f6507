"""Further parties of a record (the employer of a person, the person a company wants to hire, a
family member, ...), each with a role; linked and removed at once, not with the overview's Save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import ClientChoice, PartyDraft
from welcome_center.domain.enums import PartyRole
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import PartyView
from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.services import cases
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.lists import list_table
from welcome_center.ui.record.dialogs import EditDialog, enum_combo, enum_value, run
from welcome_center.ui.record.tables import RowsModel, fit_table

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost


class PartiesModel(RowsModel):
    WRAP = True  # a long note wraps; name, kind and role are never cut

    def columns(self) -> list[str]:
        return [_("Name"), _("Person or organisation"), _("Role"), _("Note")]

    def row(self, p: PartyView) -> tuple[str, ...]:
        return (p.client.display_name, label(p.client.kind), label(p.role), p.note)


class PartyDialog(EditDialog):
    """Link a person or organisation to the record in a role."""

    def __init__(self, host: RecordHost, parent: QWidget | None = None) -> None:
        super().__init__(host.ops, _("Link a further party"), parent or host.widget())
        # Imported here: the picker is its own widget, shared with other forms.
        from welcome_center.ui.widgets.client_picker import ClientPicker

        self.host = host
        self.picker = self.row(_("&Person or organisation"), ClientPicker(self.ops), field="client")
        self.role = self.row(_("&Role"), enum_combo(PartyRole), field="role")
        self.note = self.row(_("&Note"), QLineEdit(), field="note")
        # Room for a hit's name and the facts that tell same names apart, on their two lines.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.ready()

    def value(self) -> tuple[object, ...]:
        return (self.picker.client(), enum_value(self.role, PartyRole), self.note.text())

    def write(self) -> bool:
        client, role, note = self.value()
        if client is None:
            self.errors.clear()
            self.errors.show(ValidationError(_("Choose a person or organisation."), field="client"))
            return False
        draft = PartyDraft(
            client=ClientChoice(client.kind, client.id),  # type: ignore[attr-defined]
            role=role or PartyRole.OTHER,  # type: ignore[arg-type]
            note=str(note).strip(),
        )
        saved = self.ops.write(
            self,
            lambda uow, actor: cases.link_party(uow, actor, self.host.record_id, draft),
            errors=self.errors,
            done=_("Party linked."),
        )
        return saved is not None


class _PartyTable(QTableView):
    """Delete removes the party under the cursor."""

    def __init__(self, box: PartiesBox) -> None:
        super().__init__()
        self.box = box

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.box.remove_current()
            return
        super().keyPressEvent(event)


class PartiesBox(QGroupBox):
    """The further parties with their roles; Enter opens a party, Delete removes it."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(_("Further parties"))
        self.host = host
        self.model = PartiesModel(self)
        self.table = list_table(self.model, _("Further parties"), _PartyTable(self))
        self.table.setWordWrap(True)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # As high as its lines, up to about six of them (the summary above takes the rest).
        self.table.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustToContents)
        self.table.setMaximumHeight(self.table.fontMetrics().lineSpacing() * 12)
        self.table.activated.connect(self._open)
        self._empty_text = _(
            "No further parties. Link an employer, a family member or whoever "
            "else belongs to this record."
        )
        self.empty = QLabel(self._empty_text)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.add = QPushButton(_("Lin&k party…"))
        self.add.clicked.connect(self.link)
        self.remove = QPushButton(_("Remove party"))
        self.remove.setToolTip(_("Removes the selected party from this record (Del)."))
        self.remove.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_parties(self, parties: tuple[PartyView, ...], anonymous: bool = False) -> None:
        """Show ``parties``; an anonymous enquiry has none (they are linked to a client)."""
        self.add.setVisible(not anonymous)
        self.remove.setVisible(not anonymous)
        self.empty.setText(
            _("An anonymous enquiry has no further parties: assign a client first.")
            if anonymous
            else self._empty_text
        )
        self.model.set_items(parties)
        self.empty.setVisible(not parties)
        self.table.setVisible(bool(parties))
        self.remove.setEnabled(bool(parties))
        if parties:
            fit_table(self.table, self.model)
            self.table.setCurrentIndex(self.model.index(0, 0))

    def current(self) -> PartyView | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def link(self) -> bool:
        return run(PartyDialog(self.host))

    def remove_current(self) -> None:
        party = self.current()
        if party is None:
            return
        if not confirm(
            self,
            _("Remove party"),
            _(
                "Remove %(name)s (%(role)s) from this record? The person or organisation itself "
                "is kept."
            )
            % {"name": party.client.display_name, "role": label(party.role)},
            yes=_("&Remove"),
        ):
            return
        self.host.ops.write(
            self,
            lambda uow, actor: cases.unlink_party(uow, actor, self.host.record_id, party.id),
            done=_("Party removed."),
        )

    def _open(self, index: Any) -> None:
        party = self.model.item(index.row())
        if party is not None:
            self.host.ops.open_client(party.client)
