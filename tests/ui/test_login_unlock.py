"""An administrator sees a user locked after failed logins on the Users tab and lifts the lock
(issue 13, item 2). The failures are made with a clock minutes in the past: no test sleeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from welcome_center.db.types import utcnow
from welcome_center.domain.errors import AuthenticationError
from welcome_center.domain.login_policy import LOCK_AFTER, delay_after
from welcome_center.services import users
from welcome_center.services.login_attempts import clock_text
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage


def _state(page: AdminPage, user_id: int) -> str:
    model = page.users.model
    return str(model.data(model.index(model.row_of(user_id), 3)))


def test_a_locked_user_is_shown_and_the_lock_lifted(qtbot, admin_ops: Ops) -> None:  # type: ignore[no-untyped-def]
    at = utcnow() - timedelta(minutes=5)
    for n in range(LOCK_AFTER):
        at += delay_after(n)
        with pytest.raises(AuthenticationError):
            users.authenticate(admin_ops.uow, "anna", "a wrong password", now=at)
    with pytest.raises(AuthenticationError, match="locked"):
        users.authenticate(admin_ops.uow, "anna", PASSWORD)
    anna = next(u for u in admin_ops.users() if u.username == "anna")
    ben = next(u for u in admin_ops.users() if u.username == "ben")

    page = AdminPage(admin_ops)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    tab = page.users
    until = clock_text(at + timedelta(minutes=15))
    assert _state(page, anna.id) == f"Locked until {until} (failed logins)"
    assert _state(page, ben.id) == "Active"
    tab.table.selectRow(tab.model.row_of(ben.id))
    assert not tab.unlock_button.isEnabled()
    tab.table.selectRow(tab.model.row_of(anna.id))
    assert tab.unlock_button.isEnabled() and tab.unlock_button.text() == "Lift login &lock"

    tab.unlock_button.click()
    assert _state(page, anna.id) == "Active"
    assert not tab.unlock_button.isEnabled()
    assert users.authenticate(admin_ops.uow, "anna", PASSWORD).name == "anna"
