"""A save on a server whose connection breaks off, seen at the desk (issue 16, item 5): the
user reads that the connection was lost and nothing was saved, the form stays open with what was
typed, and the next Enter saves it over a new connection. Runs on WELCOME_CENTER_TEST_PG."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, event, text

from tests.conftest import PASSWORD, PG_URL
from tests.ui.conftest import MessageBoxes, type_text
from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import people, users
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.ops import Ops

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs WELCOME_CENTER_TEST_PG")


def test_a_connection_lost_mid_save_is_said_the_form_kept_and_the_next_enter_saves(
    qtbot: QtBot, db: Database, message_boxes: MessageBoxes
) -> None:
    uow = UnitOfWork(db)
    actor = users.authenticate(uow, "anna", PASSWORD)
    ops = Ops(uow, actor, db.display_name())
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    type_text(editor.family_name, "Özdemir")
    type_text(editor.given_name, "Elif")

    killer = create_engine(db.url, isolation_level="AUTOCOMMIT")
    killed: list[int] = []

    def kill_at_insert(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not killed and statement.lstrip().upper().startswith("INSERT INTO PERSONS"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with killer.connect() as k:
                k.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            killed.append(pid)

    event.listen(db.engine, "before_cursor_execute", kill_at_insert)
    try:
        qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
    finally:
        event.remove(db.engine, "before_cursor_execute", kill_at_insert)
        killer.dispose()
    assert killed
    line = editor.errors.general
    shown = line.text() if not line.isHidden() else " ".join(message_boxes.texts)
    assert "connection to the database server" in shown and "nothing was saved" in shown
    assert editor.isVisible()
    assert (editor.family_name.text(), editor.given_name.text()) == ("Özdemir", "Elif")
    assert people.search_clients(uow, actor, "Özdemir") == []

    qtbot.keyClick(editor.given_name, Qt.Key.Key_Return)
    assert not editor.isVisible()
    assert [c.display_name for c in people.search_clients(uow, actor, "Özdemir")] == [
        "Özdemir, Elif"
    ]
