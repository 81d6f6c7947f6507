"""Administration (administrators only): users, vocabularies, the office's settings, the audit
log, retention, the consent form, the print-outs, the import of existing lists and the
likely duplicates among the persons."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from welcome_center.i18n import _
from welcome_center.services.context import Changes
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin_audit import AuditTab
from welcome_center.ui.pages.admin_consent import ConsentTab
from welcome_center.ui.pages.admin_duplicates import DuplicatesTab
from welcome_center.ui.pages.admin_import import ImportTab
from welcome_center.ui.pages.admin_printouts import PrintoutsTab
from welcome_center.ui.pages.admin_retention import RetentionTab
from welcome_center.ui.pages.admin_settings import SettingsTab
from welcome_center.ui.pages.admin_users import UsersTab
from welcome_center.ui.pages.admin_vocabularies import VocabulariesTab
from welcome_center.ui.pages.base import Page


class AdminPage(Page):
    """Nine tabs: Users, Vocabularies, Office settings, Audit log, Retention, Consent form,
    Print-outs, Import, Likely duplicates."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.users = UsersTab(ops)
        self.vocabularies = VocabulariesTab(ops)
        self.settings = SettingsTab(ops)
        self.audit = AuditTab(ops)
        self.retention = RetentionTab(ops)
        self.consent = ConsentTab(ops)
        self.printouts = PrintoutsTab(ops)
        self.imports = ImportTab(ops)
        self.duplicates = DuplicatesTab(ops)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Administration"))
        self.tabs.addTab(self.users, _("&Users"))
        self.tabs.addTab(self.vocabularies, _("&Vocabularies"))
        self.tabs.addTab(self.settings, _("&Office settings"))
        self.tabs.addTab(self.audit, _("&Audit log"))
        self.tabs.addTab(self.retention, _("Retent&ion"))
        self.tabs.addTab(self.consent, _("Co&nsent form"))
        self.tabs.addTab(self.printouts, _("&Print-outs"))
        self.tabs.addTab(self.imports, _("I&mport"))
        self.tabs.addTab(self.duplicates, _("Likel&y duplicates"))  # y, German ö: free
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)

    def title(self) -> str:
        return _("Administration")

    def has_unsaved(self) -> bool:
        """Whether the settings form holds input not saved yet (ask before closing)."""
        return (
            self.settings.has_unsaved()
            or self.retention.has_unsaved()
            or self.consent.has_unsaved()
            or self.printouts.has_unsaved()
        )

    def refresh(self) -> None:
        self.users.refresh()
        self.vocabularies.refresh()
        self.settings.refresh()
        self.audit.refresh()
        self.retention.refresh()
        self.consent.refresh()
        self.printouts.refresh()

    def on_changes(self, changes: Changes) -> None:
        if changes.users:
            self.users.refresh()
        if changes.vocabularies:
            self.vocabularies.refresh()
        if changes.settings:
            self.settings.refresh()
            self.retention.refresh()
            self.consent.refresh()
            self.printouts.refresh()
