"""Several desks saving at the same moment, on SQLite and on a server (issue 10, item 5).

Threads stand in for desks: each has its own connection from the pool and saves new records and
consultations on a handful of shared records. Every save must either succeed or be refused with
a message; none may fail on a key that the program itself hands out (record numbers, the search
index's rows), and every confirmed save must be there afterwards.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from welcome_center.db.models import Consultation, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, people
from welcome_center.services.context import Actor

DESKS = 6
SAVES = 12
DAY = date(2026, 3, 2)


def test_desks_saving_at_once_lose_nothing_and_collide_on_no_key(
    uow: UnitOfWork, anna: Actor
) -> None:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Haddad", given_name="Rami"), True
    ).value.id
    client = ClientChoice(ClientKind.PERSON, person)
    shared = [
        cases.open_record(uow, anna, RecordDraft(client=client, opened_on=DAY)).value.id
        for _ in range(3)
    ]
    for rid in shared:  # past "new": a consultation no longer changes the record itself
        consultations.record_consultation(uow, anna, rid, ConsultationDraft(held_on=DAY))
    confirmed: list[tuple[str, int]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(DESKS)

    def desk(n: int) -> None:
        desk_uow = UnitOfWork(uow.db)
        start.wait()
        for i in range(SAVES):
            try:
                if i % 3 == 0:
                    saved = cases.open_record(
                        desk_uow, anna, RecordDraft(client=client, opened_on=DAY)
                    )
                    confirmed.append(("record", saved.value.id))
                else:
                    draft = ConsultationDraft(held_on=DAY, notes=f"desk {n} save {i}")
                    rid = shared[(n + i) % len(shared)]
                    c = consultations.record_consultation(desk_uow, anna, rid, draft)
                    confirmed.append(("consultation", c.value.id))
            except BaseException as exc:  # collected: the assertion below names them
                failures.append(exc)

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert len(confirmed) == DESKS * SAVES
    with uow.read() as s:
        numbers = s.scalars(select(Record.number)).all()
        assert len(numbers) == len(set(numbers)) == 3 + DESKS * (SAVES // 3)
        assert all(not n.startswith("new-") for n in numbers)
        saved_consultations = s.scalar(select(func.count()).select_from(Consultation))
    assert saved_consultations == 3 + DESKS * (SAVES - SAVES // 3)
    from welcome_center.services import search

    found = search.search_records(uow, anna, "desk")
    assert {r.id for r in found} == set(shared)
