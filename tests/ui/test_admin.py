"""Administration as an administrator uses it: users, vocabularies, office settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from tests.conftest import PASSWORD
from tests.ui.conftest import MessageBoxes, type_text, when_modal
from welcome_center.domain.enums import Role, Vocabulary
from welcome_center.domain.errors import AuthenticationError
from welcome_center.services import settings, users
from welcome_center.services.context import Actor
from welcome_center.ui import forms
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_users import AddUserDialog, PasswordDialog, RolesDialog
from welcome_center.ui.pages.admin_vocabularies import EntryDialog

NEW_PASSWORD = "neues Passwort 2026"


@pytest.fixture
def page(qtbot, admin_ops: Ops) -> AdminPage:  # type: ignore[no-untyped-def]
    p = AdminPage(admin_ops)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    return p


def _column(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _select(page_tab, key: object) -> None:  # type: ignore[no-untyped-def]
    page_tab.table.selectRow(page_tab.model.row_of(key))


def on_dialog(qtbot, fill) -> None:  # type: ignore[no-untyped-def]
    """Run ``fill`` on the next modal dialog once it is the active window; a failing check
    closes the dialog, so that the test fails instead of waiting for ever."""

    def run(dialog: QWidget) -> None:
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            fill(dialog)
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)

    when_modal(run)


def alt(dialog: QWidget, letter: str) -> None:
    """Alt+letter as typed: through the window, where mnemonics are found; a check box so
    reached clicks itself a moment later (Qt animates the press)."""
    key = getattr(Qt.Key, f"Key_{letter.upper()}")
    QTest.keyClick(dialog.windowHandle(), key, Qt.KeyboardModifier.AltModifier)
    QTest.qWait(250)


def _user(ops: Ops, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ops.users() if u.username == name)


# --- users ---------------------------------------------------------------------------------------


def test_the_users_are_listed_with_words_for_role_and_state(page: AdminPage) -> None:
    tab = page.users
    assert _column(tab.model, 0) == ["admin", "anna", "ben", "maria"]
    assert _column(tab.model, 1)[1] == "Anna Berger"
    assert _column(tab.model, 2) == [
        "Counsellor, Administrator, List export with names",
        "Counsellor, List export with names",
        "Counsellor, List export with names",
        "Manager",
    ]
    assert set(_column(tab.model, 3)) == {"Active"}


def test_add_a_user_through_the_dialog(qtbot, page: AdminPage, admin_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, AddUserDialog)
        qtbot.keyClicks(dialog.username, "joerg")
        type_text(dialog.display_name, "Jörg Müßig")
        alt(dialog, "o")  # no counsellor
        alt(dialog, "m")  # a manager
        qtbot.keyClicks(dialog.passwords.password, NEW_PASSWORD)
        qtbot.keyClicks(dialog.passwords.repeat, NEW_PASSWORD + "x")
        qtbot.keyClick(dialog.username, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        # the two passwords differ: nothing saved, the dialog stays with the input
        assert dialog.errors.message("repeat") == "The two passwords differ."
        assert dialog.isVisible() and dialog.display_name.text() == "Jörg Müßig"
        dialog.passwords.repeat.clear()
        qtbot.keyClicks(dialog.passwords.repeat, NEW_PASSWORD)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_dialog(qtbot, fill)
    page.users.add_button.click()
    joerg = _user(admin_ops, "joerg")
    assert joerg.display_name == "Jörg Müßig" and joerg.roles == {Role.MANAGER}
    assert "joerg" in _column(page.users.model, 0)
    assert page.users.current() == joerg
    assert users.authenticate(admin_ops.uow, "joerg", NEW_PASSWORD).roles == {Role.MANAGER}


def test_a_refused_user_name_is_shown_under_the_field(qtbot, admin_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    dialog = AddUserDialog(admin_ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "anna")
    qtbot.keyClicks(dialog.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(dialog.passwords.repeat, NEW_PASSWORD)
    dialog.try_save()
    assert dialog.errors.message("username") == "The user name anna is taken."
    assert dialog.isVisible() and dialog.username.text() == "anna"


def test_reset_a_password(qtbot, page: AdminPage, admin_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    anna = _user(admin_ops, "anna")
    _select(page.users, anna.id)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PasswordDialog)
        # Whose password it is stands in the form: a window manager shortens a long title.
        assert dialog.user_label.isVisible()
        assert dialog.user_label.text() == f"{anna.display_name} (anna)" != "anna (anna)"
        qtbot.keyClicks(dialog.passwords.password, "short")
        qtbot.keyClicks(dialog.passwords.repeat, "short")
        dialog.try_save()
        assert "at least 10 characters" in dialog.errors.message("password")
        for edit in (dialog.passwords.password, dialog.passwords.repeat):
            edit.clear()
            qtbot.keyClicks(edit, NEW_PASSWORD)
        dialog.try_save()

    on_dialog(qtbot, fill)
    page.users.password_button.click()
    assert users.authenticate(admin_ops.uow, "anna", NEW_PASSWORD).user_id == anna.id
    with pytest.raises(AuthenticationError):
        users.authenticate(admin_ops.uow, "anna", PASSWORD)


def test_deactivate_asks_and_activate_brings_the_user_back(
    page: AdminPage, admin_ops: Ops, message_boxes: MessageBoxes
) -> None:
    ben = _user(admin_ops, "ben")
    _select(page.users, ben.id)
    assert page.users.active_button.text() == "Deac&tivate"
    message_boxes.answer = "Cancel"
    page.users.active_button.click()
    assert _user(admin_ops, "ben").active  # answered No: nothing changed
    message_boxes.answer = "Deactivate"
    page.users.active_button.click()
    assert [title for title, _t in message_boxes.shown] == ["Deactivate user"] * 2
    assert "Ben Schulz" in message_boxes.texts[0]
    assert not _user(admin_ops, "ben").active
    row = page.users.model.row_of(ben.id)
    assert page.users.model.data(page.users.model.index(row, 3)) == "Deactivated"
    with pytest.raises(AuthenticationError):
        users.authenticate(admin_ops.uow, "ben", PASSWORD)

    assert page.users.active_button.text() == "Ac&tivate"
    page.users.active_button.click()
    assert len(message_boxes.shown) == 2  # activating asks nothing
    assert _user(admin_ops, "ben").active


def test_the_administrator_cannot_deactivate_themself(page: AdminPage, admin: Actor) -> None:
    _select(page.users, admin.user_id)
    assert not page.users.active_button.isEnabled()
    assert page.users.role_button.isEnabled()  # a role of one's own may be given up
    assert page.users.password_button.isEnabled()


def test_change_a_role(qtbot, page: AdminPage, admin_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    ben = _user(admin_ops, "ben")
    _select(page.users, ben.id)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, RolesDialog)
        assert dialog.user_label.isVisible() and dialog.user_label.text() == "Ben Schulz (ben)"
        assert dialog.roles.roles() == {Role.COUNSELLOR, Role.LIST_EXPORT}
        for letter in "oxm":  # counsellor and export off, manager on
            alt(dialog, letter)
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    on_dialog(qtbot, fill)
    page.users.role_button.click()
    assert _user(admin_ops, "ben").roles == {Role.MANAGER}


def test_the_user_model(qtmodeltester, page: AdminPage) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.users.model)


# --- vocabularies --------------------------------------------------------------------------------


def _codes(page: AdminPage) -> list[str]:
    return _column(page.vocabularies.model, 0)


def test_vocabularies_have_human_names(page: AdminPage) -> None:
    combo = page.vocabularies.choice
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names[:3] == ["Topics", "Requester types", "Services"]
    assert "Residence titles" in names and "Municipalities" in names
    forms.set_combo_value(combo, Vocabulary.CHANNEL.value)
    assert "phone" in _codes(page)


def test_add_an_entry_with_umlauts_reorder_and_retire_it(
    qtbot, page: AdminPage, admin_ops: Ops, message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    tab = page.vocabularies
    forms.set_combo_value(tab.choice, Vocabulary.TOPIC.value)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, EntryDialog)
        qtbot.keyClicks(dialog.code, "fuehrerschein")
        type_text(dialog.label_de, "Führerschein-Umschreibung")
        type_text(dialog.label_en, "Driving licence")
        qtbot.keyClick(dialog.label_en, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    on_dialog(qtbot, fill)
    tab.add_button.click()
    codes = _codes(page)
    assert codes[-1] == "fuehrerschein"
    assert tab.current() is not None and tab.current().label_de == "Führerschein-Umschreibung"

    tab.up_button.click()
    assert _codes(page) == [*codes[:-2], "fuehrerschein", codes[-2]]
    topics = [e.code for e in admin_ops.vocabulary(Vocabulary.TOPIC)]
    assert topics[-2:] == ["fuehrerschein", codes[-2]]
    assert tab.current() is not None and tab.current().code == "fuehrerschein"
    tab.down_button.click()
    assert _codes(page) == codes

    tab.active_button.click()  # Retire, answered Yes
    assert message_boxes.shown[0][0] == "Retire entry"
    assert "Driving licence" in message_boxes.texts[0]
    assert _codes(page)[-1] == "fuehrerschein"  # still listed ...
    row = tab.model.row_of("fuehrerschein")
    assert tab.model.data(tab.model.index(row, 3)) == "Retired"  # ... marked retired
    assert "fuehrerschein" not in [e.code for e in admin_ops.vocabulary(Vocabulary.TOPIC)]
    assert tab.active_button.text() == "&Reactivate"
    tab.active_button.click()
    assert "fuehrerschein" in [e.code for e in admin_ops.vocabulary(Vocabulary.TOPIC)]


def test_relabel_keeps_the_code_and_a_bad_code_is_shown_at_its_field(
    qtbot, page: AdminPage, admin_ops: Ops
) -> None:  # type: ignore[no-untyped-def]
    tab = page.vocabularies
    forms.set_combo_value(tab.choice, Vocabulary.CHANNEL.value)
    _select(tab, "phone")

    def relabel(dialog: QWidget) -> None:
        assert isinstance(dialog, EntryDialog) and dialog.code.isReadOnly()
        dialog.label_de.clear()
        type_text(dialog.label_de, "Telefonat")
        dialog.try_save()

    on_dialog(qtbot, relabel)
    tab.relabel_button.click()
    assert admin_ops.label(Vocabulary.CHANNEL, "phone") == "Phone"  # English UI
    assert [e.label_de for e in admin_ops.vocabulary(Vocabulary.CHANNEL)
            if e.code == "phone"] == ["Telefonat"]  # fmt: skip

    dialog = EntryDialog(admin_ops, Vocabulary.CHANNEL)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.code, "Bad Code")
    dialog.try_save()
    assert "small letters" in dialog.errors.message("code")
    assert dialog.code.text() == "Bad Code"


def test_the_vocabulary_model(qtmodeltester, page: AdminPage) -> None:  # type: ignore[no-untyped-def]
    assert page.vocabularies.model.rowCount() > 3
    qtmodeltester.check(page.vocabularies.model)


# --- office settings -----------------------------------------------------------------------------


def test_change_the_office_name(page: AdminPage, admin_ops: Ops) -> None:
    tab = page.settings
    assert tab.office_name.text() == "Welcome Center Region Zwickau"
    tab.office_name.clear()
    type_text(tab.office_name, "Fachinformationszentrum Zuwanderung Glauchau")
    tab.feedback.setValue(21)
    tab.save_button.click()
    assert admin_ops.settings.office_name == "Fachinformationszentrum Zuwanderung Glauchau"
    assert admin_ops.settings.referral_feedback_days == 21
    assert not tab.has_unsaved()


def test_a_value_out_of_range_is_shown_under_its_field(page: AdminPage, admin_ops: Ops) -> None:
    tab = page.settings
    tab.office_name.clear()
    type_text(tab.office_name, "Büro Süd")
    tab.threshold.setValue(0)
    tab.save_button.click()
    assert tab.errors.message("suppression_threshold") == (
        "The suppression threshold must be between 1 and 100."
    )
    assert tab.office_name.text() == "Büro Süd" and tab.threshold.value() == 0  # input kept
    assert admin_ops.settings.office_name == "Welcome Center Region Zwickau"
    tab.expiry_window.setValue(800)
    tab.threshold.setValue(5)
    tab.save_button.click()
    assert tab.errors.message("suppression_threshold") == ""
    assert "730 days" in tab.errors.message("residence_expiry_window_days")


def test_settings_changed_meanwhile_say_so_and_reload(
    qtbot, page: AdminPage, admin_ops: Ops, admin: Actor
) -> None:  # type: ignore[no-untyped-def]
    tab = page.settings
    settings.update_settings(admin_ops.uow, admin, office_name="Von anderswo")  # no broadcast
    tab.office_name.clear()
    type_text(tab.office_name, "Meine Eingabe")
    seen: list[str] = []

    def reload(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "&Reload").click()

    on_dialog(qtbot, reload)
    tab.save_button.click()
    assert seen == ["The settings were changed meanwhile; reload them."]
    assert tab.office_name.text() == "Von anderswo"
    assert settings.get_settings(admin_ops.uow).office_name == "Von anderswo"
