"""Need to know at the desk: roles ticked by keyboard on the users page, an administrator
without case work gets a desk without case content whose every page works, the list export is
offered only with its permission, a record's substitute is chosen in its overview, and the
office chooses which records counsellors see."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes, type_text, when_modal
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, Role
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import cases, people, settings, users
from welcome_center.services.context import Actor
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_users import AddUserDialog, RolesDialog
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.record.window import RecordWindow

PASSWORD = "ein-langes-passwort"
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _answered(message_boxes: MessageBoxes) -> MessageBoxes:
    return message_boxes


def _alt(window: QWidget, letter: str) -> None:
    """Alt+letter as typed, through the window where mnemonics are found; a check box so reached
    clicks itself a moment later (Qt animates the press)."""
    QTest.keyClick(window.windowHandle(), getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)
    QTest.qWait(250)


def _on_dialog(qtbot: QtBot, fill) -> None:  # type: ignore[no-untyped-def]
    def run(dialog: QWidget) -> None:
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            fill(dialog)
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)

    when_modal(run)


def _users_page(qtbot: QtBot, ops: Ops) -> AdminPage:
    page = AdminPage(ops)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.activated()
    return page


def _row_text(page: AdminPage, username: str, column: int) -> str:
    model = page.users.model
    u = next(u for u in page.users.users if u.username == username)
    return str(model.data(model.index(model.row_of(u.id), column)))


# --- the users page ---------------------------------------------------------------------------


def test_a_new_user_gets_several_roles_ticked_by_keyboard(qtbot: QtBot, admin_ops: Ops) -> None:
    page = _users_page(qtbot, admin_ops)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, AddUserDialog)
        assert dialog.roles.roles() == {Role.COUNSELLOR}  # a counsellor unless ticked otherwise
        qtbot.keyClicks(dialog.username, "dora")
        type_text(dialog.display_name, "Dora Schäfer")
        _alt(dialog, "i")  # Administrator ticked beside Counsellor
        assert dialog.roles.roles() == {Role.COUNSELLOR, Role.ADMIN}
        # Tab from the display name reaches the check boxes; Space ticks the list export.
        checks = dialog.roles.checks
        checks[Role.LIST_EXPORT].setFocus()
        qtbot.keyClick(checks[Role.LIST_EXPORT], Qt.Key.Key_Space)
        qtbot.keyClicks(dialog.passwords.password, PASSWORD)
        qtbot.keyClicks(dialog.passwords.repeat, PASSWORD)
        qtbot.keyClick(dialog.username, Qt.Key.Key_S, CTRL)

    _on_dialog(qtbot, fill)
    page.users.add_button.click()
    assert _row_text(page, "dora", 2) == "Counsellor, Administrator, List export with names"
    actor = users.authenticate(admin_ops.uow, "dora", PASSWORD)
    assert actor.roles == {Role.COUNSELLOR, Role.ADMIN, Role.LIST_EXPORT}


def test_no_role_at_all_is_refused_under_the_roles(qtbot: QtBot, admin_ops: Ops) -> None:
    dialog = AddUserDialog(admin_ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.keyClicks(dialog.username, "erik")
    _alt(dialog, "o")  # the counsellor's role off: none is left
    qtbot.keyClicks(dialog.passwords.password, PASSWORD)
    qtbot.keyClicks(dialog.passwords.repeat, PASSWORD)
    dialog.try_save()
    assert dialog.errors.message("roles") == "Choose at least one role."
    assert dialog.isVisible()


def test_the_roles_of_a_user_are_changed_by_keyboard(qtbot: QtBot, admin_ops: Ops) -> None:
    page = _users_page(qtbot, admin_ops)
    ben = next(u for u in admin_ops.users() if u.username == "ben")
    page.users.table.selectRow(page.users.model.row_of(ben.id))
    page.users.table.setFocus()

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, RolesDialog)
        assert dialog.windowTitle() == "Roles of ben"
        assert QApplication.focusWidget() is dialog.roles.checks[Role.COUNSELLOR]
        _alt(dialog, "x")  # no more list exports
        _alt(dialog, "m")  # and the manager's figures
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)

    _on_dialog(qtbot, fill)
    QTest.keyClick(page.windowHandle(), Qt.Key.Key_R, ALT)  # Change &roles…
    qtbot.waitUntil(lambda: _row_text(page, "ben", 2) == "Counsellor, Manager", timeout=3000)
    assert next(u for u in admin_ops.users() if u.id == ben.id).roles == {
        Role.COUNSELLOR,
        Role.MANAGER,
    }


def test_one_gives_up_a_role_of_ones_own_but_cannot_take_one(qtbot: QtBot, admin_ops: Ops) -> None:
    me = next(u for u in admin_ops.users() if u.id == admin_ops.actor.user_id)
    dialog = RolesDialog(admin_ops, me)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    checks = dialog.roles.checks
    enabled = {r for r, c in checks.items() if c.isEnabled()}
    assert enabled == {Role.COUNSELLOR, Role.LIST_EXPORT}  # not the administrator's, no new one
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert "You can give up a role of your own; another administrator gives you one." in notes
    checks[Role.LIST_EXPORT].setFocus()
    qtbot.keyClick(checks[Role.LIST_EXPORT], Qt.Key.Key_Space)
    dialog.try_save()
    mine = next(u for u in admin_ops.users() if u.id == admin_ops.actor.user_id)
    assert mine.roles == {Role.ADMIN, Role.COUNSELLOR}


# --- an administrator without case work -------------------------------------------------------


@pytest.fixture
def state(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


def _window(qtbot: QtBot, ops: Ops, state: QSettings) -> MainWindow:
    w = MainWindow(ops, state)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_an_administrator_alone_gets_a_desk_without_case_content_and_every_page_works(
    qtbot: QtBot, admin_only_ops: Ops, state: QSettings, message_boxes: MessageBoxes
) -> None:
    w = _window(qtbot, admin_only_ops, state)
    titles = [w.nav.item(i).text() for i in range(w.nav.count())]
    assert titles == ["Partners", "Reports", "Events", "Administration"]
    assert w.user_label.text() == "Sam Admin (Administrator)"
    assert "New enquiry…" not in [a.text().replace("&", "") for a in w.menuBar().actions()[0]
                                  .menu().actions()]  # fmt: skip
    for key in w.pages:
        w.show_page(key)
        page = w.pages[key]
        page.refresh()
    partners = w.pages["partners"]
    assert not partners.referral_table.isVisibleTo(partners)  # the referrals name clients
    assert partners.partners.rowCount() > 0  # the directory itself is the administrator's
    # No service call of any page was refused.
    refused = [t for t in message_boxes.texts if "does not allow" in t or "another" in t]
    assert refused == []


def test_a_counsellor_without_the_grant_has_no_list_export(
    qtbot: QtBot, ops_for, uow, anna: Actor
) -> None:  # type: ignore[no-untyped-def]
    carl = users.add_user(uow, Actor.system("test"), "carl", PASSWORD, Role.COUNSELLOR).value
    page = RecordsPage(ops_for(Actor(carl.id, "carl", carl.roles)))
    qtbot.addWidget(page)
    assert not page.export_button.isEnabled()
    assert "permission" in page.export_button.toolTip()
    with_grant = RecordsPage(ops_for(anna))
    qtbot.addWidget(with_grant)
    assert with_grant.export_button.isEnabled()


# --- the substitute, and the office's choice --------------------------------------------------


def test_the_substitute_is_chosen_in_the_overview_and_then_sees_the_record(
    qtbot: QtBot, ops: Ops, uow, admin: Actor, ben: Actor
) -> None:  # type: ignore[no-untyped-def]
    settings.update_settings(uow, admin, record_visibility="own")
    person = people.create_person(
        uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person.id), opened_on=office_today())
    record_id = cases.open_record(uow, ops.actor, draft).value.id
    with pytest.raises(PermissionDeniedError):
        cases.get_record(uow, ben, record_id)
    window = RecordWindow(ops, record_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    _alt(window, "b")  # Su&bstitute (when away)
    combo = window.overview.substitute
    assert QApplication.focusWidget() is combo
    qtbot.keyClicks(combo, "Ben")
    assert combo.currentText() == "Ben Schulz"
    qtbot.keyClick(combo, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.has_unsaved(), timeout=3000)
    seen = cases.get_record(uow, ben, record_id)
    assert (seen.substitute_id, seen.substitute) == (ben.user_id, "Ben Schulz")


def test_the_office_chooses_which_records_counsellors_see(qtbot: QtBot, admin_ops: Ops) -> None:
    page = _users_page(qtbot, admin_ops)
    page.tabs.setCurrentWidget(page.settings)
    tab = page.settings
    tab.load()
    combo: QComboBox = tab.visibility
    assert combo.currentText() == "every record of the office"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "their own records and those they substitute on"
    qtbot.keyClick(combo, Qt.Key.Key_S, CTRL)
    assert settings.get_settings(admin_ops.uow).record_visibility == "own"
