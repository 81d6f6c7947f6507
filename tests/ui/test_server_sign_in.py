"""The desk on a team server (issue 16, item 3): the desk keeps the server's URL without a
password, and the login dialog opens the connection as the user's own login; the server checks
the password and the roles. Needs WELCOME_CENTER_TEST_PG with a role that may create roles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, PG_URL
from tests.db.test_server_roles import Server, server  # noqa: F401  (the module's server)
from welcome_center.app import AppContext, _opener
from welcome_center.db.uow import UnitOfWork
from welcome_center.paths import resolve
from welcome_center.services import server_accounts
from welcome_center.ui.dialogs.login import LoginDialog

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs WELCOME_CENTER_TEST_PG")


@contextmanager
def _tab_on_login(
    server: Server,  # noqa: F811  (the module's fixture, passed on by each test)
    qtbot: Any,
    name: str,
    make: Callable[[Any], Any],
) -> Iterator[Any]:
    """The tab ``make(ops)`` makes, shown on a desk signed in as ``name``'s own login; closed,
    and the login's connections with it, at the end."""
    from welcome_center.ui.ops import Ops

    db, actor = server_accounts.sign_in(server.url, None, name, PASSWORD)
    ops = Ops(UnitOfWork(db), actor, "server")
    try:
        tab = make(ops)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitExposed(tab)
        yield tab
        tab.close()
    finally:
        ops.close()
        db.dispose()


def test_the_login_signs_in_as_the_users_own_login(server: Server, qtbot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert server_accounts.needs_sign_in(server.url)
    made: list[AppContext] = []
    dialog = LoginDialog(None, "Team server", server.url,
                         opener=_opener((resolve(server.url), server.url), made))  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "maria")
    qtbot.keyClicks(dialog.password, "not her password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    # The server answers a login that has no password yet as a wrong password: both are said.
    assert dialog.isVisible() and dialog.message.text() == (
        "User name or password is wrong, or your login on this server has no password yet. If "
        "you have not signed in on this server before, ask an administrator to set your password."
    )
    assert dialog.uow is None and not made
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.name == "maria"
    try:
        login = make_url(made[0].db.url).username
        assert login == server_accounts.roles_of(server.url).login("maria")
    finally:
        made[0].close()


@pytest.mark.parametrize("name", ["anna", "maria", "olga"])
def test_each_roles_desk_opens_every_page_on_its_login(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    name: str,
    qtbot,
    tmp_path,
    message_boxes,
) -> None:
    """A smoke test of the desk on the server: signed in as a counsellor, a manager and an
    administrator, every page of the navigation opens without a refusal from the server."""
    from PySide6.QtCore import QSettings

    from welcome_center.ui.main_window import MainWindow
    from welcome_center.ui.ops import Ops

    db, actor = server_accounts.sign_in(server.url, None, name, PASSWORD)
    try:
        state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Ops(UnitOfWork(db), actor, "server"), state)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        for row in range(window.nav.count()):
            window.nav.setCurrentRow(row)
            qtbot.wait(50)
        assert message_boxes.texts == []
        window.close()
    finally:
        db.dispose()


def test_the_import_tab_tells_an_administrator_who_does_not_counsel_before_a_file(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
    tmp_path,
    message_boxes,
) -> None:
    """On the server an import needs a user who also counsels: the tab says so at once and
    offers no file to choose; the office's first user (administrator and counsellor) may."""
    from welcome_center.ui.pages.admin_import import ImportTab

    for name, may in (("olga", False), ("admin", True)):
        with _tab_on_login(server, qtbot, name, ImportTab) as tab:
            assert tab.choose_button.isEnabled() is may
            assert ("a user who also counsels" in tab.file_label.text()) is not may
            if not may:  # a list dropped on it all the same: the same words, nothing read
                tab.load(tmp_path / "liste.csv")
                assert len(message_boxes.texts) == 1
                assert "a user who also counsels" in message_boxes.texts[0]


def test_the_retention_tab_on_a_server_leaves_the_run_to_the_servers_administrator(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
) -> None:
    from PySide6.QtWidgets import QLabel

    from welcome_center.ui.pages.admin_retention import RetentionTab

    with _tab_on_login(server, qtbot, "olga", RetentionTab) as tab:
        assert not tab.run_button.isEnabled()
        said = " ".join(label.text() for label in tab.findChildren(QLabel))
        assert "run by the server's administrator" in said
        assert "automatic when the program starts" not in said


def test_the_duplicates_tab_tells_an_administrator_who_does_not_counsel_before_a_search(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
    message_boxes,
) -> None:
    """The search for duplicates compares the persons' names, which an administrator's login
    may not read: the tab says so and offers no search (it showed the server's refusal,
    "permission denied for table person_name_keys", in English, after the click); the office's
    first user (administrator and counsellor) may search."""
    from welcome_center.ui.pages.admin_duplicates import DuplicatesTab

    for name, may in (("olga", False), ("admin", True)):
        with _tab_on_login(server, qtbot, name, DuplicatesTab) as tab:
            assert tab.find_button.isEnabled() is may
            assert ("a user who also counsels" in tab.hint.text()) is not may
            if may:
                qtbot.keyClick(tab.find_button, Qt.Key.Key_Space)
                qtbot.waitUntil(lambda t=tab: t.running is None and t.find_button.isEnabled())
                assert "likely" in tab.hint.text() or "No likely" in tab.hint.text()
            assert message_boxes.texts == []


def test_switch_user_and_log_out_on_a_server_open_the_next_users_own_login(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
    tmp_path,
    message_boxes,
) -> None:
    """After Switch user the colleague signs in as her own login, not on the last user's: the
    desk asked the last login for the users' password hashes and closed with "permission
    denied for table users", leaving no window. The status bar names the server as the desk
    keeps it, not a login."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_session import Quits, _action, _log_in_as, _shown
    from welcome_center.db.engine import display_location
    from welcome_center.ui import start

    made: list[AppContext] = []
    opener = _opener((resolve(server.url), server.url), made)
    uow, anna = opener("anna", PASSWORD)
    roles = server_accounts.roles_of(server.url)
    state = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    quits = Quits()
    where = display_location(server.url)
    session = start.DeskSession(uow, where, state, on_quit=quits, server=opener)
    try:
        first = session.open(anna)
        _shown(qtbot, first)
        assert first.db_label.text() == f"Database: {where}" and "_u_" not in where
        _log_in_as("maria")
        _action(first, "Switch user…").trigger()
        qtbot.waitUntil(lambda: session.alive and session.window is not first, timeout=10000)
        maria = session.window
        assert maria.ops.actor.name == "maria"
        assert make_url(maria.ops.uow.db.url).username == roles.login("maria")
        assert maria.user_label.text().endswith("(Manager)")
        seen: list[str] = []
        _log_in_as("maria", seen=seen)
        _action(maria, "Log out").trigger()
        qtbot.waitUntil(lambda: session.alive and session.window is not maria, timeout=10000)
        assert seen == ["maria"]  # her name filled in, as on a file
        assert make_url(session.window.ops.uow.db.url).username == roles.login("maria")
        assert message_boxes.texts == [] and quits.count == 0
    finally:
        if session.alive:
            assert session.window is not None
            session.window.leaving = session.window.leaving.QUIT
            session.window.close()
        QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]
        for opened in made:
            opened.close()


def test_a_counsellors_today_page_in_an_own_records_office_says_the_figures_are_hers(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
) -> None:
    """Her login on the server counts her own records only: the heading says so, not 'The
    office in ...' (found in the desk: 1 enquiry under the office's heading where it had 3)."""
    from welcome_center.domain.dates import office_today
    from welcome_center.i18n import format_date
    from welcome_center.services import settings
    from welcome_center.services.context import Actor
    from welcome_center.ui.ops import Ops
    from welcome_center.ui.pages.today import TodayPage

    owner = UnitOfWork(server.owner)
    settings.update_settings(owner, Actor.system("test"), record_visibility="own")
    db, anna = server_accounts.sign_in(server.url, None, "anna", PASSWORD)
    try:
        page = TodayPage(Ops(UnitOfWork(db), anna, "server"))
        qtbot.addWidget(page)
        page.show()
        page.activated()
        month = format_date(office_today(), "LLLL yyyy")
        qtbot.waitUntil(lambda: page.month_heading.text() == f"Your records in {month}")
    finally:
        settings.update_settings(owner, Actor.system("test"), record_visibility="all")
        db.dispose()


def test_a_counsellor_searches_the_record_list_on_her_login(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
    message_boxes,
) -> None:
    """Typed into the record list's search on a login: the search goes through the server's
    search function, and the list shows her client's record and nothing is refused."""
    from welcome_center.ui.pages.records import RecordsPage

    with _tab_on_login(server, qtbot, "anna", RecordsPage) as page:
        page.activated()
        qtbot.waitUntil(lambda: page.model.rowCount() >= 3)
        qtbot.keyClicks(page.search, "Anders")
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.model.ids == [server.ids["a"]], timeout=5000)
        assert message_boxes.texts == []


def test_a_counsellor_looks_up_clients_in_a_form_on_her_login(  # type: ignore[no-untyped-def]
    server: Server,  # noqa: F811
    qtbot,
    message_boxes,
) -> None:
    """Typed into the quick enquiry's client field on a login, in an office of own records:
    the lookup goes through the server's lookup functions and offers her client, not her
    colleague's, and nothing is refused."""
    from tests.db.test_server_roles import SYSTEM
    from welcome_center.services import settings
    from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog

    owner = UnitOfWork(server.owner)
    settings.update_settings(owner, SYSTEM, record_visibility="own")
    try:
        with _tab_on_login(server, qtbot, "anna", QuickEnquiryDialog) as dialog:
            picker = dialog.client.picker
            picker.edit.setFocus()
            qtbot.keyClicks(picker.edit, "Brandt")  # Ben's client
            qtbot.waitUntil(picker.empty_label.isVisible, timeout=5000)  # nothing found
            assert not picker.hits.isVisible()
            picker.edit.clear()
            qtbot.keyClicks(picker.edit, "Anders")  # hers
            qtbot.waitUntil(picker.hits.isVisible, timeout=5000)
            shown = [picker.hits.item(i).text() for i in range(picker.hits.count())]
            assert len(shown) == 1 and shown[0].startswith("Anders, X")
            assert message_boxes.texts == []
    finally:
        settings.update_settings(owner, SYSTEM, record_visibility="all")
