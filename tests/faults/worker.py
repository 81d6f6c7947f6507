"""A writer for the fault-injection tests: saves through the program's services in a loop.

    python -m tests.faults.worker DB [--count N] [--tag T] [--create] [--checkpoint-every K]

It prints one line per *confirmed* save, after the service call returned (the parent kills it
with SIGKILL at any moment and then looks for every confirmed save in the file):

    CREATING / READY                         before and after opening (creating with --create)
    SAVED person ID MARKER
    SAVED record ID NUMBER MARKER
    SAVED consultation ID MARKER
    CHECKPOINT start I / CHECKPOINT end I MS BUSY LOG CHECKPOINTED   (--checkpoint-every)
    ERROR CLASS clean|crash MESSAGE          a save failed (clean: a message for the user)
    DONE

No Qt here.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from tests.faults import common


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db", type=Path)
    p.add_argument("--count", type=int, default=1_000_000, help="save rounds (then DONE)")
    p.add_argument("--tag", default="w", help="marker prefix, unique per worker")
    p.add_argument("--create", action="store_true", help="create the office database first")
    p.add_argument("--checkpoint-every", type=int, default=0, metavar="K")
    p.add_argument("--no-autocheckpoint", action="store_true")
    p.add_argument("--records-only", action="store_true", help="one record per round")
    p.add_argument("--pause", type=float, default=0.0, help="seconds between rounds")
    p.add_argument("--pad", type=int, default=0, help="characters of filler after each marker")
    p.add_argument("--keep-going", action="store_true", help="continue after a failed save")
    args = p.parse_args(argv)

    from sqlalchemy import event

    from welcome_center.db.uow import UnitOfWork
    from welcome_center.domain.drafts import (
        ClientChoice,
        ConsultationDraft,
        PersonDraft,
        RecordDraft,
    )
    from welcome_center.domain.enums import ClientKind
    from welcome_center.services import cases, consultations, people, users

    clean = common.clean_error_types()
    if args.create:
        say("CREATING")
        common.create_office(args.db)
    try:
        db = common.open_existing(args.db)
    except clean as exc:
        say(f"ERROR {type(exc).__name__} clean {common.one_line(getattr(exc, 'message', exc))}")
        return 1
    except Exception as exc:
        say(f"ERROR {type(exc).__name__} crash {common.one_line(exc)}")
        traceback.print_exc()
        return 2
    if args.no_autocheckpoint or args.checkpoint_every:

        @event.listens_for(db.engine, "connect")
        def _manual_checkpoints(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")

        db.engine.dispose()  # the pooled connection had the default
    uow = UnitOfWork(db)
    try:
        actor = users.authenticate(uow, common.COUNSELLOR, common.PASSWORD)
    except Exception as exc:
        kind = "clean" if isinstance(exc, clean) else "crash"
        say(f"ERROR {type(exc).__name__} {kind} {common.one_line(exc)}")
        return 1
    say("READY")
    checkpoints = 0
    failed = 0
    person_id = 0
    for i in range(args.count):
        marker = f"{args.tag}{i:06d}"
        text = f"{marker} {'x' * args.pad}" if args.pad else marker
        try:
            if args.records_only:
                person_id = person_id or _first_person(uow, actor, people, PersonDraft, marker)
            else:
                person = people.create_person(
                    uow,
                    actor,
                    PersonDraft(family_name="Probe", given_name="Fault", notes=text),
                    accept_duplicates=True,
                ).value
                say(f"SAVED person {person.id} {marker}")
                person_id = person.id
            rec = cases.open_record(
                uow,
                actor,
                RecordDraft(
                    client=ClientChoice(ClientKind.PERSON, person_id),
                    opened_on=common.OPENED,
                    summary=marker,
                ),
            ).value
            say(f"SAVED record {rec.id} {rec.number} {marker}")
            if not args.records_only:
                c = consultations.record_consultation(
                    uow,
                    actor,
                    rec.id,
                    ConsultationDraft(held_on=common.HELD, duration_minutes=30, notes=text),
                ).value
                say(f"SAVED consultation {c.id} {marker}")
        except Exception as exc:
            failed += 1
            kind = "clean" if isinstance(exc, clean) else "crash"
            message = getattr(exc, "message", None) or str(exc)
            say(f"ERROR {type(exc).__name__} {kind} {common.one_line(message)}")
            if kind == "crash":
                traceback.print_exc()
            if not args.keep_going:
                return 1
        if args.pause:
            time.sleep(args.pause)
        if args.checkpoint_every and (i + 1) % args.checkpoint_every == 0:
            checkpoints += 1
            say(f"CHECKPOINT start {checkpoints}")
            t0 = time.perf_counter()
            with db.engine.connect() as conn:
                busy, log, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            ms = (time.perf_counter() - t0) * 1000
            say(f"CHECKPOINT end {checkpoints} {ms:.2f} {busy} {log} {done}")
    db.dispose()
    say(f"DONE {failed}")
    return 0


def _first_person(uow, actor, people, draft, marker) -> int:  # type: ignore[no-untyped-def]
    person = people.create_person(
        uow, actor, draft("Probe", "Fault", notes=marker), accept_duplicates=True
    ).value
    say(f"SAVED person {person.id} {marker}")
    return int(person.id)


if __name__ == "__main__":
    sys.exit(main())
