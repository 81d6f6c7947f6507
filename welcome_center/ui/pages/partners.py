"""Partners: the partner directory with contact persons and the referrals sent to each partner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QPushButton,
    QWidget,
)

from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.views import OrganisationView, RecordSummary, ReferralView
from welcome_center.i18n import _, format_number
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import people, record_list, referrals
from welcome_center.services.context import Changes
from welcome_center.ui.dialogs.organisation_editor import (
    ContactsModel,
    OrganisationEditor,
    organisation_lines,
    yes_no,
)
from welcome_center.ui.layout import (
    DetailsView,
    KeyTableView,
    buddy_label,
    buttons_row,
    column,
    side_by_side,
    text_label,
)
from welcome_center.ui.lists import RowTableModel
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.qt_i18n import short_date

_Index = QModelIndex | QPersistentModelIndex


# -- the partner page ---------------------------------------------------------------------------


class PartnerTableModel(RowTableModel):
    """The partner directory, one partner a line."""

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        headers = (_("Short name"), _("Name"), _("Location"), _("Contacts"), _("Active"))
        super().__init__(headers, right_aligned=(3,), parent=parent)
        self.ops = ops
        self.partners: dict[int, OrganisationView] = {}

    def set_partners(self, partners: Sequence[OrganisationView]) -> None:
        self.partners = {p.id: p for p in partners}
        rows = [
            (p.short_name, p.name, self.ops.label(Vocabulary.MUNICIPALITY, p.municipality),
             format_number(len(p.contacts)), yes_no(p.active))
            for p in partners
        ]  # fmt: skip
        self.set_rows(list(zip([p.id for p in partners], rows, strict=True)))


class ReferralTableModel(RowTableModel):
    """The referrals sent to one partner, newest first; the key of a line is its record's id."""

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        super().__init__(
            (_("Date"), _("Status"), _("Record"), _("Client"), _("Topic"), _("Reason")),
            parent=parent,
        )
        self.ops = ops

    def set_referrals(
        self, found: Sequence[ReferralView], records: dict[int, RecordSummary]
    ) -> None:
        rows = []
        for f in found:
            record = records.get(f.record_id)
            rows.append(
                (short_date(f.referred_on), label(f.status), record.number if record else "",
                 client_name(record.client) if record else "",
                 self.ops.label(Vocabulary.TOPIC, f.topic), f.reason.replace("\n", " "))
            )  # fmt: skip
        self.set_rows(list(zip([f.record_id for f in found], rows, strict=True)))


class PartnersPage(Page):
    """The partner directory left; the chosen partner's details, contacts and referrals right."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.current: int | None = None
        self._stale = False
        self.partners = PartnerTableModel(ops, self)
        self.contacts = ContactsModel(parent=self)
        self.referrals = ReferralTableModel(ops, self)
        self._build()

    def title(self) -> str:
        return _("Partners")

    def _build(self) -> None:
        self.partner_table = KeyTableView(
            _("Partners"), self._partner_entered, on_double_click=self.edit_current, stretch=1
        )
        self.partner_table.setModel(self.partners)
        self.partner_table.selectionModel().currentRowChanged.connect(self._partner_changed)
        self.hint = text_label()
        self.new_button = QPushButton(_("&New partner…"))
        self.new_button.clicked.connect(self.new_partner)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_current)
        if not allowed(self.ops.actor.roles, Permission.MANAGE_PARTNERS):
            for b in (self.new_button, self.edit_button):
                b.setEnabled(False)
                b.setToolTip(_("Only an administrator keeps the partner directory."))
        left = column(
            buddy_label(_("&Partners:"), self.partner_table), (self.partner_table, 1), self.hint,
            buttons_row(self.new_button, self.edit_button),
        )  # fmt: skip
        side_by_side(left, self._details_side(), self)
        self._show_partner(None)

    def _details_side(self) -> QWidget:
        self.heading = text_label(bold=True)
        self.details = DetailsView()
        self.contact_table = KeyTableView(_("Contact persons"), lambda: None)
        self.contact_table.setModel(self.contacts)
        self.referral_table = KeyTableView(_("Referrals sent"), self.open_current_referral)
        self.referral_table.setModel(self.referrals)
        self.referrals_hint = text_label()
        referrals_label = buddy_label(_("&Referrals sent to this partner:"), self.referral_table)
        # The referrals name records and clients: case content, not the directory's.
        self.shows_referrals = allowed(self.ops.actor.roles, Permission.WORK_RECORDS)
        if not self.shows_referrals:
            for w in (referrals_label, self.referral_table, self.referrals_hint):
                w.hide()
        return column(
            self.heading, self.details,
            buddy_label(_("&Contact persons:"), self.contact_table), (self.contact_table, 1),
            referrals_label, (self.referral_table, 2), self.referrals_hint,
        )  # fmt: skip

    def focus_search(self) -> None:
        """Ctrl+F: the directory has no search box; typing in the list finds a short name."""
        self.partner_table.setFocus()

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the directory again, keeping the chosen partner."""
        self._stale = False
        found = people.list_partners(self.ops.uow, active_only=False)
        keep = self.current
        self.partners.set_partners(found)
        if found and self.shows_referrals:
            self.hint.setText(_("Enter shows the referrals; Enter there opens the record."))
        elif found:
            self.hint.setText(_("A double-click edits the partner."))
        else:
            self.hint.setText(_("No partners yet. An administrator adds them with New partner."))
        row = self.partners.row_of(keep) if keep is not None else (0 if found else -1)
        self.current = None
        if row >= 0:
            self.partner_table.select_row(row)
        else:
            self._show_partner(None)

    def activated(self) -> None:
        super().activated()
        if self._stale:
            self.refresh()

    def on_changes(self, changes: Changes) -> None:
        if not (changes.organisations or (self.current is not None and changes.records)):
            return
        if not self.isVisible():
            self._stale = True
        elif changes.organisations:
            self.refresh()
        else:
            self._load_referrals()

    # -- the chosen partner ------------------------------------------------------------------

    def _partner_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        partner_id = self.partners.key(current.row()) if current.isValid() else None
        if partner_id != self.current:
            self._show_partner(partner_id)

    def _show_partner(self, partner_id: int | None) -> None:
        self.current = partner_id
        partner = self.partners.partners.get(partner_id) if partner_id is not None else None
        self.edit_button.setEnabled(
            partner is not None and allowed(self.ops.actor.roles, Permission.MANAGE_PARTNERS)
        )
        if partner is None:
            self.current = None
            self.heading.setText(_("No partner chosen"))
            self.details.show_lines([])
            self.contacts.set_contacts(())
            self.referrals.set_rows([])
            self.referrals_hint.setText(_("Choose a partner on the left."))
            return
        self.heading.setText(partner.name)
        self.details.show_lines(organisation_lines(self.ops, partner, with_contacts=False))
        self.contacts.set_contacts(partner.contacts)
        self._load_referrals()

    def _load_referrals(self) -> None:
        partner = self.current
        if partner is None or not self.shows_referrals:
            return
        found = (
            self.ops.read(
                self, lambda uow, actor: referrals.referrals_to_partner(uow, actor, partner)
            )
            or []
        )
        ids = list(dict.fromkeys(f.record_id for f in found))
        summaries = (
            self.ops.read(self, lambda uow, actor: record_list.record_rows(uow, actor, ids))
            if ids
            else []
        )
        self.referrals.set_referrals(found, {r.id: r for r in summaries or []})
        self.referrals_hint.setText(
            _("Enter or double-click opens the record.")
            if found
            else _("No referrals to this partner yet. Refer a record with Ctrl+R in its window.")
        )

    def select_partner(self, partner_id: int) -> None:
        self.partner_table.select_row(self.partners.row_of(partner_id))

    def _partner_entered(self) -> None:
        if self.referrals.rowCount():
            self.referral_table.setFocus()
            self.referral_table.select_row(max(self.referral_table.currentIndex().row(), 0))

    def open_current_referral(self) -> None:
        index = self.referral_table.currentIndex()
        record_id = self.referrals.key(index.row()) if index.isValid() else None
        if record_id is not None:
            self.ops.open_record(record_id)

    # -- new and edit ------------------------------------------------------------------------

    def new_partner(self) -> None:
        saved = OrganisationEditor.edit(self.ops, self, None, partner=True)
        if saved is not None:  # the directory was read again when the save was broadcast
            self.select_partner(saved)

    def edit_current(self) -> None:
        if self.current is not None and self.edit_button.isEnabled():
            OrganisationEditor.edit(self.ops, self, self.current)
