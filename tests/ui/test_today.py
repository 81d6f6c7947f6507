"""Today as a counsellor sees it: follow-ups due and overdue, residence titles expiring,
referrals without feedback, open cases; Enter opens a line's record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.consents import consent_to_referrals
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import format_date
from welcome_center.services import cases, follow_ups, people, referrals, residence, settings
from welcome_center.services.context import Actor, Changes
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages import today as today_module
from welcome_center.ui.pages.today import TodayPage
from welcome_center.ui.qt_i18n import short_date

TODAY = office_today()


def _person(ops: Ops, family: str, given: str = "") -> int:
    return people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given), True
    ).value.id


def _record(ops: Ops, person_id: int, days_ago: int = 30, **kw: object) -> tuple[int, str]:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person_id),
                        opened_on=TODAY - timedelta(days=days_ago), **kw)  # type: ignore[arg-type]  # fmt: skip
    saved = cases.open_record(ops.uow, ops.actor, draft).value
    return saved.id, saved.number


@pytest.fixture
def page(qtbot, ops: Ops) -> TodayPage:  # type: ignore[no-untyped-def]
    p = TodayPage(ops)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_a_follow_up_due_today_is_listed_and_enter_opens_its_record(
    qtbot, ops: Ops, page: TodayPage
) -> None:  # type: ignore[no-untyped-def]
    record, number = _record(ops, _person(ops, "Müller", "Jürgen"))
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "Unterlagen nachfragen")
    page.activated()
    [line] = page.follow_ups.texts()
    assert number in line and "Müller, Jürgen" in line and "Unterlagen nachfragen" in line
    assert "due today" in line and "overdue" not in line
    assert page.follow_ups.heading.text() == "&Follow-ups due (1)"
    assert "Anna Berger" in page.greeting.text()
    assert str(TODAY.year) in page.greeting.text()

    page.follow_ups.lines.setFocus()
    with qtbot.waitSignal(ops.open_record_requested, timeout=1000) as opened:
        qtbot.keyClick(page.follow_ups.lines, Qt.Key.Key_Return)
    assert opened.args == [record]


def test_an_overdue_follow_up_says_so_in_words(ops: Ops, page: TodayPage) -> None:
    record, number = _record(ops, _person(ops, "Nguyen", "Thi Lan"))
    due = TODAY - timedelta(days=3)
    follow_ups.add_follow_up(ops.uow, ops.actor, record, due, "Rückruf")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, "heute")
    page.activated()
    lines = page.follow_ups.texts()
    assert len(lines) == 2
    assert f"overdue since {short_date(due)}" in lines[0] and number in lines[0]
    assert "overdue" not in lines[1]
    assert page.follow_ups.heading.text() == "&Follow-ups due (2, of which 1 overdue)"


def test_only_my_follow_ups_are_listed(ops: Ops, ops_for, ben: Actor, page: TodayPage) -> None:  # type: ignore[no-untyped-def]
    bens = ops_for(ben)
    record, _number = _record(bens, _person(bens, "Kaya", "Deniz"))
    follow_ups.add_follow_up(bens.uow, bens.actor, record, TODAY, "Bens")
    page.activated()
    assert page.follow_ups.texts() == []


def _partner(ops: Ops, code: str = "fizuz") -> int:
    return next(o.id for o in people.list_partners(ops.uow) if o.code == code)


def test_a_referral_without_feedback_for_longer_than_the_period_appears(
    ops: Ops, page: TodayPage
) -> None:
    days = ops.settings.referral_feedback_days
    old, old_number = _record(ops, _person(ops, "Öztürk", "Ayşe"), days_ago=days + 10)
    recent, _n = _record(ops, _person(ops, "Weber", "Jan"), days_ago=days + 10)
    referred = TODAY - timedelta(days=days + 1)
    consent_to_referrals(ops.uow, ops.actor, old)  # a referral needs consent
    referrals.refer(
        ops.uow, ops.actor, old, ReferralDraft(partner_id=_partner(ops), referred_on=referred)
    )
    consent_to_referrals(ops.uow, ops.actor, recent)
    referrals.refer(
        ops.uow, ops.actor, recent, ReferralDraft(partner_id=_partner(ops), referred_on=TODAY)
    )
    page.activated()
    [line] = page.referrals.texts()
    assert old_number in line and "Öztürk, Ayşe" in line and "FIZUZ" in line
    assert f"no feedback for {days + 1} days" in line
    heading = page.referrals.heading.text()
    assert f"no feedback for {days} days or more" in heading and heading.endswith("(1)")


def test_an_expiring_residence_title_opens_its_record_or_its_holder(
    qtbot, ops: Ops, page: TodayPage
) -> None:  # type: ignore[no-untyped-def]
    holder = _person(ops, "Petrenko", "Olena")
    record, number = _record(ops, holder)
    recordless = _person(ops, "Haddad", "Sami")
    for pid, days in ((holder, 10), (recordless, 20)):
        draft = ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=days))
        residence.add_title(ops.uow, ops.actor, pid, draft)
    page.activated()
    lines = page.titles.texts()
    assert len(lines) == 2
    assert number in lines[0] and "Petrenko, Olena" in lines[0]
    assert short_date(TODAY + timedelta(days=10)) in lines[0]
    assert "no record yet" in lines[1]
    assert "within 90 days (2)" in page.titles.heading.text()
    # the title raised a follow-up on the record too
    assert any(number in line for line in page.follow_ups.texts())

    page.titles.lines.setFocus()
    with qtbot.waitSignal(ops.open_record_requested, timeout=1000) as opened:
        qtbot.keyClick(page.titles.lines, Qt.Key.Key_Return)
    assert opened.args == [record]
    qtbot.keyClick(page.titles.lines, Qt.Key.Key_Down)
    with qtbot.waitSignal(ops.open_client_requested, timeout=1000) as client:
        qtbot.keyClick(page.titles.lines, Qt.Key.Key_Return)
    ref = client.args[0]
    assert isinstance(ref, ClientRef) and ref.id == recordless


def test_my_open_records_show_at_most_a_page_and_say_how_many_more(
    qtbot, ops: Ops, page: TodayPage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(today_module, "MAX_RECORDS", 2)
    pid = _person(ops, "Schmidt", "Lena")
    made = [_record(ops, pid, days_ago=d, kind=RecordKind.CASE) for d in (1, 2, 3)]
    ids, numbers = [m[0] for m in made], [m[1] for m in made]
    _record(ops, pid, days_ago=4)  # an enquiry counts too (the oldest here)
    page.activated()
    lines = page.cases.texts()
    assert len(lines) == 2
    assert numbers[0] in lines[0] and numbers[1] in lines[1]  # newest first
    assert page.cases.heading.text() == "My open enquiries and &cases (4)"
    assert not page.cases.more.isHidden()
    assert "and 2 more" in page.cases.more.text()
    lines_view = page.cases.lines
    where = lines_view.visualItemRect(lines_view.item(1)).center()
    # a double click is a press, a release and a double-click event, as from a real mouse
    qtbot.mouseClick(lines_view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(ops.open_record_requested, timeout=1000) as opened:
        qtbot.mouseDClick(lines_view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == [ids[1]]


def test_an_empty_office_says_what_to_do_next(page: TodayPage) -> None:
    page.activated()
    for section in (page.follow_ups, page.titles, page.referrals, page.cases):
        assert section.texts() == []
        assert section.lines.isHidden() and not section.empty.isHidden()
        assert section.heading.text().endswith("(0)")
    assert page.follow_ups.empty.text() == "No follow-ups due. Record an enquiry with Ctrl+N."
    assert "within the next 90 days" in page.titles.empty.text()
    assert "record the feedback" in page.referrals.empty.text()
    assert "no open enquiries or cases" in page.cases.empty.text()


def test_a_saved_follow_up_refreshes_the_page(ops: Ops, page: TodayPage) -> None:
    record, number = _record(ops, _person(ops, "Becker", "Tom"))
    page.activated()
    assert page.follow_ups.texts() == []
    ops.write(None, lambda uow, actor: follow_ups.add_follow_up(uow, actor, record, TODAY, "neu"))
    assert number in page.follow_ups.texts()[0]


def test_listing_raises_nothing_f5_raises_and_broadcasts_once(
    ops: Ops, admin: Actor, page: TodayPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = _person(ops, "Ivanova", "Mila")
    _record(ops, holder)
    settings.update_settings(ops.uow, admin, residence_expiry_window_days=0)
    draft = ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=10))
    residence.add_title(ops.uow, ops.actor, holder, draft)  # outside the window: nothing raised
    settings.update_settings(ops.uow, admin, residence_expiry_window_days=30)
    calls: list[int] = []
    real = follow_ups.due_list

    def counting(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(follow_ups, "due_list", counting)
    heard: list[Changes] = []
    ops.changed.connect(lambda changes, _initiator: heard.append(changes))
    page.activated()  # reading only: the desk raised them at its start
    assert heard == [] and page.follow_ups.texts() == []
    page.refresh()  # F5
    assert heard == [Changes(follow_ups=True)]
    assert len(calls) == 2  # once on showing, once after the broadcast: not again for F5
    assert "Ivanova, Mila" in page.follow_ups.texts()[0]
    page.refresh()  # nothing more to raise: nothing broadcast, the page loads once
    assert len(heard) == 1 and len(calls) == 3


def test_this_months_figures_of_the_office_are_shown_with_their_definitions(
    qtbot, ops: Ops, ops_for, ben: Actor, page: TodayPage
) -> None:  # type: ignore[no-untyped-def]
    _record(ops, _person(ops, "Fischer", "Eva"), days_ago=0)
    bens = ops_for(ben)  # the office's figures, not only mine
    _record(bens, _person(bens, "Wolf", "Max"), days_ago=0, kind=RecordKind.CASE)
    page.activated()
    qtbot.waitUntil(lambda: bool(page.month_figures.texts()), timeout=3000)
    shown = page.month_figures.texts()
    assert list(shown) == list(today_module.MONTH_FIGURES)
    assert shown["enquiries_received"] == "2" and shown["enquiries_worked"] == "2"
    assert shown["cases_worked"] == "1" and shown["cases_new"] == "1"
    assert shown["consultations"] == "0" and shown["open_at_end"] == "2"
    assert page.month_heading.text() == f"The office in {format_date(TODAY, 'LLLL yyyy')}"
    tile = page.month_figures.tile("cases_new")
    assert tile is not None and tile.name.text() == "New case"  # one of them
    open_now = page.month_figures.tile("open_at_end")  # the month so far ends today
    assert open_now is not None and open_now.name.text() == "Open today"
    assert (
        tile.toolTip() == "Records that became cases in the period: opened as a case, or promoted."
    )


def test_this_months_figures_follow_a_saved_record(qtbot, ops: Ops, page: TodayPage) -> None:  # type: ignore[no-untyped-def]
    page.activated()
    qtbot.waitUntil(lambda: page.month_figures.texts().get("enquiries_received") == "0")
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, _person(ops, "Roth", "Ida")), opened_on=TODAY
    )
    ops.write(None, lambda uow, actor: cases.open_record(uow, actor, draft))
    qtbot.waitUntil(lambda: page.month_figures.texts().get("enquiries_received") == "1")
