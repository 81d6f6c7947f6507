"""Closing a record settles its open work as the counsellor chooses (follow-ups done or kept,
referrals "no feedback" or kept) in the closing's transaction; a closed record raises no
residence follow-ups and leaves the desk's lists; reading a list never writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.consents import consent_to_referrals
from welcome_center.db.models import AuditEntry, FollowUp
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ClosingChoices,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import ClientKind, FollowUpSource, RecordStatus, ReferralStatus
from welcome_center.domain.errors import ConflictError
from welcome_center.domain.views import RecordDetails
from welcome_center.services import (
    cases,
    desk_lists,
    follow_ups,
    people,
    referrals,
    residence,
    settings,
)
from welcome_center.services.context import Actor
from welcome_center.services.desk_lists import FollowUpFilter

TODAY = office_today()
OPENED = TODAY - timedelta(days=100)


def _partner(uow: UnitOfWork, code: str = "mbe") -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


def _person(uow: UnitOfWork, actor: Actor, family: str = "Kowalski", given: str = "Jan") -> int:
    draft = PersonDraft(family_name=family, given_name=given)
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _open(uow: UnitOfWork, actor: Actor, person_id: int) -> int:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person_id), opened_on=OPENED)
    return cases.open_record(uow, actor, draft).value.id


@pytest.fixture
def busy(uow: UnitOfWork, anna: Actor) -> RecordDetails:
    """A record with two open follow-ups (one done already) and two referrals waiting for
    feedback (one answered already), all old enough to be on the lists."""
    rid = _open(uow, anna, _person(uow, anna))
    for due, note in ((TODAY - timedelta(days=3), "anrufen"), (TODAY, "Unterlagen")):
        follow_ups.add_follow_up(uow, anna, rid, due, note)
    done = follow_ups.add_follow_up(uow, anna, rid, TODAY, "erledigt").value
    follow_ups.complete(uow, anna, done.id, expected_version=done.version)
    consent_to_referrals(uow, anna, rid)  # a referral needs consent
    for partner in ("mbe", "jmd", "iq_sachsen"):
        referrals.refer(
            uow, anna, rid, ReferralDraft(partner_id=_partner(uow, partner), referred_on=OPENED)
        )
    answered = cases.get_record(uow, anna, rid).referrals[-1]
    referrals.record_feedback(
        uow, anna, answered.id, ReferralStatus.ACCEPTED, expected_version=answered.version
    )
    return cases.get_record(uow, anna, rid)


def _seen(d: RecordDetails) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    fs = tuple((f.id, f.version) for f in d.follow_ups if f.done_on is None)
    rs = tuple((r.id, r.version) for r in d.referrals if r.status is ReferralStatus.SENT)
    return fs, rs


def _close(uow: UnitOfWork, actor: Actor, d: RecordDetails, **choice: bool) -> RecordDetails:
    fs, rs = _seen(d)
    choices = ClosingChoices(**choice, seen_follow_ups=fs, seen_referrals=rs)
    return cases.close(uow, actor, d.id, "goal_reached", d.version, TODAY, choices).value


def _audit(uow: UnitOfWork, after: int = 0) -> list[tuple[str, str]]:
    with uow.read() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.id > after)
            .order_by(AuditEntry.id)
        )
        return [(a, d) for a, d in rows]


def _last_audit(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def _follow_up_rows(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(FollowUp)) or 0


def test_closing_with_done_and_no_feedback_settles_the_open_work_audited(
    uow: UnitOfWork, anna: Actor, busy: RecordDetails
) -> None:
    assert len(follow_ups.due_list(uow, anna).items) == 2
    assert len(referrals.awaiting_feedback(uow, anna, older_than_days=0)) == 2
    mark = _last_audit(uow)
    closed = _close(uow, anna, busy, follow_ups_done=True, referrals_no_feedback=True)

    assert closed.status is RecordStatus.CLOSED
    assert all(f.done_on is not None for f in closed.follow_ups)
    assert {f.done_on for f in closed.follow_ups if f.note != "erledigt"} == {TODAY}
    statuses = [r.status for r in closed.referrals]
    assert statuses == [ReferralStatus.NO_FEEDBACK, ReferralStatus.NO_FEEDBACK,
                        ReferralStatus.ACCEPTED]  # fmt: skip
    assert all(r.feedback_on == TODAY for r in closed.referrals[:2])
    assert follow_ups.due_list(uow, anna).items == ()
    assert referrals.awaiting_feedback(uow, anna, older_than_days=0) == []
    actions = [a for a, _d in _audit(uow, mark)]
    assert actions.count("complete_follow_up") == 2
    assert actions.count("referral_feedback") == 2
    assert actions[-1] == "close"

    reopened = cases.reopen(uow, anna, closed.id, closed.version).value  # nothing comes back
    assert all(f.done_on is not None for f in reopened.follow_ups)
    assert follow_ups.due_list(uow, anna).items == ()


def test_closing_with_keep_leaves_follow_ups_and_referrals_open(
    uow: UnitOfWork, anna: Actor, busy: RecordDetails
) -> None:
    mark = _last_audit(uow)
    closed = _close(uow, anna, busy)  # the defaults: keep both
    assert [f.done_on for f in closed.follow_ups].count(None) == 2
    assert [r.status for r in closed.referrals].count(ReferralStatus.SENT) == 2
    # kept hand-made follow-ups stay on the due list (the counsellor chose to keep them) ...
    assert len(follow_ups.due_list(uow, anna).items) == 2
    # ... the referrals of a closed record leave the "no feedback" list: its work is over
    assert referrals.awaiting_feedback(uow, anna, older_than_days=0) == []
    assert [a for a, _d in _audit(uow, mark)] == ["close"]
    reopened = cases.reopen(uow, anna, closed.id, closed.version).value
    assert len(referrals.awaiting_feedback(uow, anna, older_than_days=0)) == 2
    assert reopened.status is RecordStatus.IN_PROGRESS


def test_each_choice_alone(uow: UnitOfWork, anna: Actor, busy: RecordDetails) -> None:
    closed = _close(uow, anna, busy, follow_ups_done=True)
    assert all(f.done_on is not None for f in closed.follow_ups)
    assert [r.status for r in closed.referrals].count(ReferralStatus.SENT) == 2
    again = cases.reopen(uow, anna, closed.id, closed.version).value
    closed = _close(uow, anna, again, referrals_no_feedback=True)
    assert [r.status for r in closed.referrals].count(ReferralStatus.NO_FEEDBACK) == 2


def test_a_follow_up_changed_meanwhile_is_a_conflict_and_nothing_is_closed(
    uow: UnitOfWork, anna: Actor, ben: Actor, busy: RecordDetails
) -> None:
    f = next(f for f in busy.follow_ups if f.done_on is None)
    follow_ups.reschedule(uow, ben, f.id, TODAY + timedelta(days=1), f.version)
    with pytest.raises(ConflictError):
        _close(uow, anna, busy, follow_ups_done=True, referrals_no_feedback=True)
    now = cases.get_record(uow, anna, busy.id)
    assert now.status is not RecordStatus.CLOSED and now.version == busy.version
    assert [r.status for r in now.referrals].count(ReferralStatus.SENT) == 2
    assert [f.done_on for f in now.follow_ups].count(None) == 2


def test_a_follow_up_or_referral_added_meanwhile_is_a_conflict(
    uow: UnitOfWork, anna: Actor, ben: Actor, busy: RecordDetails
) -> None:
    follow_ups.add_follow_up(uow, ben, busy.id, TODAY, "neu von Ben")
    with pytest.raises(ConflictError):
        _close(uow, anna, busy, follow_ups_done=True)
    referrals.refer(
        uow, ben, busy.id, ReferralDraft(partner_id=_partner(uow, "fizuz"), referred_on=TODAY)
    )
    with pytest.raises(ConflictError):
        _close(uow, anna, busy, referrals_no_feedback=True)
    assert cases.get_record(uow, anna, busy.id).status is not RecordStatus.CLOSED
    # keeping them needs no look at them: nothing of them changes
    assert _close(uow, anna, busy).status is RecordStatus.CLOSED


def test_a_referral_answered_meanwhile_keeps_its_answer(
    uow: UnitOfWork, anna: Actor, ben: Actor, busy: RecordDetails
) -> None:
    """No longer waiting, it is no longer the closing's business: nothing to overwrite."""
    r = busy.referrals[0]
    referrals.record_feedback(uow, ben, r.id, ReferralStatus.DONE, expected_version=r.version)
    closed = _close(uow, anna, busy, referrals_no_feedback=True)
    assert [x.status for x in closed.referrals] == [
        ReferralStatus.DONE, ReferralStatus.NO_FEEDBACK, ReferralStatus.ACCEPTED]  # fmt: skip


def test_the_record_version_is_checked_before_anything(
    uow: UnitOfWork, anna: Actor, busy: RecordDetails
) -> None:
    cases.set_status(uow, anna, busy.id, RecordStatus.WAITING, busy.version)
    with pytest.raises(ConflictError):
        _close(uow, anna, busy, follow_ups_done=True)
    assert [f.done_on for f in cases.get_record(uow, anna, busy.id).follow_ups].count(None) == 2


# --- residence follow-ups of closed records ----------------------------------------------------


@pytest.fixture
def window_30(uow: UnitOfWork, admin: Actor) -> None:
    settings.update_settings(uow, admin, residence_expiry_window_days=30)


def _title(uow: UnitOfWork, actor: Actor, person_id: int, days: int) -> None:
    draft = ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=days))
    residence.add_title(uow, actor, person_id, draft)


def test_a_closed_record_raises_no_residence_follow_up(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    rid = _open(uow, anna, pid)
    d = cases.get_record(uow, anna, rid)
    cases.close(uow, anna, rid, "goal_reached", d.version, TODAY)
    saved = residence.add_title(
        uow, anna, pid, ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=10))
    )
    assert saved.changes.follow_ups is False
    assert follow_ups.raise_residence_follow_ups(uow, anna).value == 0
    assert _follow_up_rows(uow) == 0
    assert desk_lists.expiring_titles(uow, anna) == []  # the office's work with them is over
    reopened = cases.reopen(uow, anna, rid, cases.get_record(uow, anna, rid).version)
    assert reopened.changes.follow_ups is True
    assert follow_ups.raise_residence_follow_ups(uow, anna).value == 1  # open again: raised
    assert [t.record_id for t in desk_lists.expiring_titles(uow, anna)] == [rid]


def test_residence_follow_ups_of_a_closed_record_leave_the_lists(
    uow: UnitOfWork, anna: Actor, window_30: None
) -> None:
    pid = _person(uow, anna)
    rid = _open(uow, anna, pid)
    _title(uow, anna, pid, 10)  # raised at once, on the open record
    follow_ups.add_follow_up(uow, anna, rid, TODAY, "von Hand")
    sources = [f.source for f in follow_ups.due_list(uow, anna).items]
    assert sorted(sources) == sorted([FollowUpSource.RESIDENCE_EXPIRY, FollowUpSource.MANUAL])
    cases.close(uow, anna, rid, "moved_away", cases.get_record(uow, anna, rid).version, TODAY)
    [kept] = follow_ups.due_list(uow, anna).items  # the hand-made one kept on closing
    assert kept.source is FollowUpSource.MANUAL
    [listed] = desk_lists.open_follow_ups(uow, anna, FollowUpFilter()).items
    assert listed.id == kept.id


# --- reading never writes ----------------------------------------------------------------------


def test_reading_the_lists_writes_nothing(
    uow: UnitOfWork, anna: Actor, admin: Actor, busy: RecordDetails
) -> None:
    pid = _person(uow, anna, "Ivanova", "Mila")
    _open(uow, anna, pid)
    settings.update_settings(uow, admin, residence_expiry_window_days=0)
    _title(uow, anna, pid, 10)
    settings.update_settings(uow, admin, residence_expiry_window_days=30)  # one now due
    mark, rows = _last_audit(uow), _follow_up_rows(uow)

    follow_ups.due_list(uow, anna)
    desk_lists.open_follow_ups(uow, anna, FollowUpFilter())
    desk_lists.open_follow_ups(uow, anna, FollowUpFilter(unassigned=True))
    desk_lists.expiring_titles(uow, anna)
    residence.expiring(uow, anna)
    referrals.awaiting_feedback(uow, anna)

    assert _audit(uow, mark) == [] and _follow_up_rows(uow) == rows
    raised = follow_ups.raise_residence_follow_ups(uow, anna)
    assert raised.value == 1 and _follow_up_rows(uow) == rows + 1
    assert _audit(uow, mark) == [("add_follow_up", "residence_expiry")]
