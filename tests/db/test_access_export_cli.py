"""``welcome-center person export PERSON_ID -o FILE``: an access request (Art. 15 GDPR) from the
command line, as PDF or JSON by the file's ending, audited as the counsellor who asked."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD
from welcome_center.cli import main
from welcome_center.db.engine import url_for_path
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole
from welcome_center.services import cases, consultations, people
from welcome_center.services.context import Actor
from welcome_center.services.storage import open_database


def _office(db_path: Path) -> int:
    """Lan with a note in her record, and a party of Chidi's record; returns Lan's number."""
    database = open_database(url_for_path(db_path))
    uow, actor = UnitOfWork(database), Actor.system("test")
    try:
        lan, chidi = (
            people.create_person(
                uow, actor, PersonDraft(family_name=f, given_name=g), True
            ).value.id
            for f, g in (("Nguyen", "Thi Lan"), ("Okonkwo", "Chidi"))
        )
        for client, note in ((lan, "Zeugnisse aus Hanoi mitgebracht."), (chidi, "Sprachkurs")):
            draft = RecordDraft(
                client=ClientChoice(ClientKind.PERSON, client), opened_on=date(2024, 3, 4)
            )
            record = cases.open_record(uow, actor, draft).value.id
            consultations.record_consultation(
                uow, actor, record, ConsultationDraft(held_on=date(2024, 3, 5), notes=note)
            )
        cases.link_party(
            uow, actor, record,
            PartyDraft(client=ClientChoice(ClientKind.PERSON, lan), role=PartyRole.FAMILY_MEMBER),
        )  # fmt: skip
        return lan
    finally:
        database.dispose()


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("suffix", [".pdf", ".json"])
def test_person_export_writes_the_file_by_its_ending_and_is_audited(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    lan = _office(db_path)
    monkeypatch.setattr("getpass.getuser", lambda: "jdoe")
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"auskunft{suffix}"
    args = ["--db", str(db_path), "--user", "anna", "person", "export", str(lan)]
    assert main(["--lang", "en", *args, "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"Access export written to {target}.\n"
    assert _leftovers(out) == [target.name]
    data = target.read_bytes()
    if suffix == ".pdf":
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert "Access request (Art. 15 GDPR)" in text
    else:
        text = data.decode("utf-8")
        assert json.loads(text)["person"]["given_name"] == "Thi Lan"
    assert "Zeugnisse aus Hanoi mitgebracht." in text
    assert "Okonkwo" not in text and "Chidi" not in text and "Sprachkurs" not in text
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT actor, entity, entity_id FROM audit_log WHERE action = 'access_export'"
    ).fetchall()
    con.close()
    assert rows == [("anna", "person", lan)]


def test_person_export_in_german_after_the_command(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lan = _office(db_path)
    target = tmp_path / "a.json"
    args = ["--db", str(db_path), "--user", "anna", "person", "export", str(lan), "-o", str(target)]
    args += ["--lang", "de"]
    assert main(args) == 0
    assert capsys.readouterr().out == f"Auskunft unter {target} gespeichert.\n"
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Auskunft nach Art. 15 DSGVO"


def test_person_export_refuses_a_wrong_ending_a_missing_person_and_folder(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lan = _office(db_path)
    out = tmp_path / "out"
    out.mkdir()

    def run(person: int, target: Path) -> int:
        args = ["--db", str(db_path), "--user=anna", "person", "export", str(person)]
        args += ["-o", str(target)]
        return main(["--lang", "en", *args])

    assert run(lan, out / "a.docx") == 1
    assert "written as .pdf or .json; a.docx is neither" in capsys.readouterr().err
    assert run(999_999, out / "a.pdf") == 1
    assert "This person does not exist (any more)." in capsys.readouterr().err
    assert run(lan, out / "missing" / "a.pdf") == 1
    err = capsys.readouterr().err
    assert f"error: {out / 'missing'}: No such file or directory" in err
    assert "Traceback" not in err
    assert _leftovers(out) == []
    con = sqlite3.connect(db_path)
    count = con.execute("SELECT count(*) FROM audit_log WHERE action = 'access_export'").fetchone()
    con.close()
    assert count == (0,)
    with pytest.raises(SystemExit) as info:
        main(["--lang", "en", "--db", str(db_path), "--user=anna", "person", "export", str(lan)])
    assert info.value.code == 2
    assert "-o/--output" in capsys.readouterr().err
