"""Starting the desk: the first run of a new database, the login, the demonstration office."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import PASSWORD
from tests.ui.conftest import type_text
from welcome_center.db.engine import url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.services import settings, users
from welcome_center.services.storage import open_database
from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog


@pytest.fixture
def new_uow(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = open_database(url_for_path(tmp_path / "new.db"), create=True)
    yield UnitOfWork(db)
    db.dispose()


def test_first_run_names_the_office_and_creates_the_administrator(new_uow, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(new_uow)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.office.clear()
    type_text(dialog.office, "Welcome Center Region Zwickau – Außenstelle Glauchau")
    qtbot.keyClicks(dialog.username, "sabine")
    type_text(dialog.display_name, "Sabine Jäger")
    qtbot.keyClicks(dialog.password, "lange-passwort-1")
    qtbot.keyClicks(dialog.repeat, "lange-passwort-1")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    # The first user sets the office up and, in a small office, counsels too.
    assert dialog.actor is not None and dialog.actor.roles == users.FIRST_USER_ROLES
    assert Role.ADMIN in dialog.actor.roles and Role.COUNSELLOR in dialog.actor.roles
    office = settings.get_settings(new_uow).office_name
    assert office == "Welcome Center Region Zwickau – Außenstelle Glauchau"
    actor = users.authenticate(new_uow, "sabine", "lange-passwort-1")
    assert actor.user_id == dialog.actor.user_id


def test_first_run_shows_a_mistake_under_its_field_and_keeps_the_input(new_uow, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(new_uow)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "sabine")
    qtbot.keyClicks(dialog.password, "lange-passwort-1")
    qtbot.keyClicks(dialog.repeat, "lange-passwort-2")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.errors.message("repeat") == "The two passwords differ."
    assert dialog.username.text() == "sabine"
    dialog.repeat.setText("kurz")
    dialog.password.setText("kurz")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert "at least" in dialog.errors.message("password")
    assert not users.has_users(new_uow)


def test_login_says_the_same_for_a_wrong_password_and_an_unknown_user(uow, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(uow, "Welcome Center", "office.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "anna")
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    wrong_password = dialog.message.text()
    assert dialog.isVisible() and wrong_password
    assert dialog.password.text() == ""  # typed again, from the password field
    dialog.username.setText("nobody")
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == wrong_password
    dialog.username.setText("anna")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.name == "anna"


def test_the_demonstration_office_shows_how_to_log_in(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from welcome_center import app
    from welcome_center.paths import AppPaths
    from welcome_center.services.demo import DEMO_PASSWORD

    paths = AppPaths(tmp_path, url_for_path(tmp_path / "demo.db"))
    ctx = app.open_app(paths, paths.demo_db_url, create=True)
    try:
        app.prepare_demo(ctx)
        hint, username = app.demo_login_hint()
        dialog = LoginDialog(ctx.uow, settings.get_settings(ctx.uow).office_name, "demo.db", hint)
        qtbot.addWidget(dialog)
        assert DEMO_PASSWORD in dialog.hint.text()
        assert "(Administrator)" in dialog.hint.text() and "(Counsellor)" in dialog.hint.text()
        dialog.username.setText(username)
        dialog.password.setText(DEMO_PASSWORD)
        dialog.try_login()
        assert dialog.actor is not None and Role.COUNSELLOR in dialog.actor.roles
        admin = users.authenticate(ctx.uow, "sabine.hofmann", DEMO_PASSWORD)
        assert admin.roles == {Role.ADMIN}
        from welcome_center.domain.queries import RecordQuery
        from welcome_center.services import record_list

        assert len(record_list.record_ids(ctx.uow, dialog.actor, RecordQuery())) == app.DEMO_RECORDS
        app.prepare_demo(ctx)  # a second start adds nothing
        assert len(record_list.record_ids(ctx.uow, dialog.actor, RecordQuery())) == app.DEMO_RECORDS
    finally:
        ctx.close()
