"""An office's open work, built by hand for the workload tests (dates relative to today).

Anna Berger: records A1, A2, A3 open, A4 closed                      -> 3 open
  follow-ups: A1 due 3 days ago, A2 due yesterday, A4 (closed, kept on
  closing) due 10 days ago, A3 due today (not overdue), A1 one done
  though overdue                                                      -> 3 overdue
  referrals: A1 sent 20 days ago (waiting), A2 sent 5 days ago (within
  the 14 days), A2 sent 30 days ago but accepted, A4 sent 40 days ago
  (its record is closed)                                              -> 1 without feedback
Ben Schulz: record B1 open; a follow-up on Anna's A3 assigned to him,
  due 2 days ago; B1 referral sent 15 days ago                        -> 1, 1, 1
no counsellor: record N1 opened from the command line, its follow-up
  (assigned to no one) due 4 days ago                                 -> 1, 1, 0
Ada Admin counsels too and has nothing open                           -> 0, 0, 0
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.consents import consent_to_referrals
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft, ReferralDraft
from welcome_center.domain.enums import ClientKind, ReferralStatus
from welcome_center.services import cases, follow_ups, people, referrals
from welcome_center.services.context import Actor

TODAY = office_today()
OPENED = TODAY - timedelta(days=100)
CLIENT_NAMES = ("Müller", "Jürgen", "Nguyen", "Öztürk")


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _record(uow: UnitOfWork, actor: Actor, family: str, given: str = "") -> int:
    draft = PersonDraft(family_name=family, given_name=given)
    person = people.create_person(uow, actor, draft, accept_duplicates=True).value.id
    record = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=OPENED)
    return cases.open_record(uow, actor, record).value.id


def _partner(uow: UnitOfWork) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == "fizuz")


def _refer(uow: UnitOfWork, actor: Actor, record: int, days_ago: int) -> int:
    draft = ReferralDraft(partner_id=_partner(uow), referred_on=_ago(days_ago))
    return referrals.refer(uow, actor, record, draft).value.id


def build(uow: UnitOfWork, anna: Actor, ben: Actor) -> None:
    system = Actor.system("test")
    a1 = _record(uow, anna, "Müller", "Jürgen")
    a2, a3, a4 = (_record(uow, anna, f"Müller {i}") for i in (2, 3, 4))
    b1 = _record(uow, ben, "Nguyen", "Thi Lan")
    n1 = _record(uow, system, "Öztürk", "Ayşe")

    follow_ups.add_follow_up(uow, anna, a1, _ago(3), "call back")
    follow_ups.add_follow_up(uow, anna, a2, _ago(1), "documents")
    follow_ups.add_follow_up(uow, anna, a4, _ago(10), "kept on closing")
    follow_ups.add_follow_up(uow, anna, a3, TODAY, "due today")
    done = follow_ups.add_follow_up(uow, anna, a1, _ago(5), "done").value
    follow_ups.complete(uow, anna, done.id, expected_version=done.version)
    follow_ups.add_follow_up(uow, anna, a3, _ago(2), "for Ben", assigned_to_id=ben.user_id)
    follow_ups.add_follow_up(uow, system, n1, _ago(4), "nobody's")

    for record, actor in ((a1, anna), (a2, anna), (a4, anna), (b1, ben)):
        consent_to_referrals(uow, actor, record)
    _refer(uow, anna, a1, 20)
    _refer(uow, anna, a2, 5)
    answered = _refer(uow, anna, a2, 30)
    version = next(f.version for f in cases.get_record(uow, anna, a2).referrals if f.id == answered)
    referrals.record_feedback(
        uow, anna, answered, ReferralStatus.ACCEPTED, expected_version=version
    )
    _refer(uow, anna, a4, 40)
    _refer(uow, ben, b1, 15)
    cases.close(uow, anna, a4, "goal_reached", cases.get_record(uow, anna, a4).version)
