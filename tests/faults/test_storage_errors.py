"""A full disk and read-only files and folders: the failing save is a clean error (a message
for the user, no traceback), every confirmed save survives, the file stays intact.

The disk is a small tmpfs mounted for the test (root only; skipped with the reason elsewhere);
a read-only file is marked with ``chattr +i`` (root ignores permission bits)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.faults import common
from tests.faults.conftest import Tmpfs, make_immutable, unmake_immutable


def _assert_clean_failure(run: common.WorkerRun) -> None:
    """The worker's first failure is a message for the user: no crash, no traceback."""
    errors = run.errors()
    assert errors, f"no save failed: {run.lines[-3:]}"
    crashes = [e for e in errors if e.split(" ", 3)[2] != "clean"]
    assert not crashes, f"{len(crashes)} of {len(errors)} failures were crashes: {crashes[0]}"
    assert "Traceback" not in run.stderr, run.stderr[-2000:]


def _assert_intact(path: Path, confirmed: common.Confirmed) -> None:
    verdict = common.check_after_fault(path, confirmed, cli_check=True)
    assert verdict.ok, str(verdict)


# --- disk full -----------------------------------------------------------------------------------


# Failed in every run before the storage fix 6a7391b: issue 10 item 6: a full disk ends a save in
# OperationalError 'database or disk is full'.
def test_disk_full_while_saving(tmpfs: Tmpfs, office: Path) -> None:
    path = tmpfs.where / "office.db"
    shutil.copyfile(office, path)
    filler = tmpfs.fill(leave=256 * 1024)
    run = common.Worker(path, "--count", "400", "--pad", "500", "--keep-going").finish()
    assert len(run.confirmed) > 0, "no save succeeded before the disk was full: leave more room"
    errors = run.errors()
    assert errors, "the disk never became full"
    filler.unlink()
    try:
        _assert_clean_failure(run)
    finally:
        _assert_intact(path, run.confirmed)
    # With room again, saving works again.
    again = common.Worker(path, "--count", "2", "--tag", "again").finish()
    assert again.has("DONE") and not again.errors(), again.lines[-3:]


def test_disk_full_keeps_every_confirmed_save(tmpfs: Tmpfs, office: Path) -> None:
    """Whatever the message: nothing confirmed is lost and the file is intact after freeing."""
    path = tmpfs.where / "office.db"
    shutil.copyfile(office, path)
    filler = tmpfs.fill(leave=256 * 1024)
    run = common.Worker(path, "--count", "400", "--pad", "500", "--keep-going").finish()
    assert run.errors(), "the disk never became full"
    filler.unlink()
    _assert_intact(path, run.confirmed)


# Failed in every run before the storage fix 6a7391b: issue 10 item 6: `db backup` onto a full
# disk prints a traceback.
def test_backup_onto_a_full_disk(tmpfs: Tmpfs, office: Path) -> None:
    tmpfs.fill()
    target = tmpfs.where / "backup.db"
    done = common.run_cli("--db", str(office), "db", "backup", str(target))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip(), "no message"
    _assert_intact(office, common.Confirmed())


def _csv(path: Path, rows: int) -> Path:
    lines = ["Eingang;Nachname;Vorname"]
    lines += [f"01.03.2024;Probe{i:05d};Import" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Failed in every run before the storage fix 6a7391b: issue 10 item 6: `import` onto a full disk
# prints a traceback.
def test_import_onto_a_full_disk(tmpfs: Tmpfs, office: Path, tmp_path: Path) -> None:
    path = tmpfs.where / "office.db"
    shutil.copyfile(office, path)
    source = _csv(tmp_path / "list.csv", 3000)
    filler = tmpfs.fill(leave=128 * 1024)
    done = common.run_cli("--db", str(path), "import", str(source), timeout=120)
    filler.unlink()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip(), "no message"
    _assert_intact(path, common.Confirmed())
    assert common.table_counts(path, ["records"]) == {"records": 0}, "not all or nothing"


# --- read-only file and folder -------------------------------------------------------------------


# Failed in every run before the storage fix 6a7391b: issue 10 item 6: a save on a read-only file
# ends in 'attempt to write a readonly database'.
def test_read_only_file(office: Path, immutable: list[Path]) -> None:
    before = common.Worker(office, "--count", "3", "--tag", "before").finish()
    assert before.has("DONE"), before.stderr[-2000:]
    make_immutable(immutable, office)
    run = common.Worker(office, "--count", "3", "--tag", "ro").finish()
    assert not run.confirmed, "a save on a read-only file was confirmed"
    _assert_clean_failure(run)
    common.run_cli("--db", str(office), "user", "list")  # reading may work; must not change it
    unmake_immutable(immutable, office)
    _assert_intact(office, before.confirmed)


# Failed in every run before the storage fix 6a7391b: issue 10 item 6: a database in a read-only
# folder ends in 'unable to open database file'.
def test_read_only_folder(tmpfs: Tmpfs, office: Path) -> None:
    path = tmpfs.where / "office.db"
    shutil.copyfile(office, path)
    before = common.Worker(path, "--count", "3", "--tag", "before").finish()
    assert before.has("DONE"), before.stderr[-2000:]
    tmpfs.remount("ro")
    try:
        run = common.Worker(path, "--count", "3", "--tag", "ro").finish()
        listing = common.run_cli("--db", str(path), "user", "list")
    finally:
        tmpfs.remount("rw")
    assert not run.confirmed, "a save in a read-only folder was confirmed"
    _assert_clean_failure(run)
    assert "Traceback" not in listing.stderr, listing.stderr[-2000:]
    _assert_intact(path, before.confirmed)


def test_read_only_folder_loses_nothing(tmpfs: Tmpfs, office: Path) -> None:
    """Whatever the message: the data saved before the folder became read-only is intact."""
    path = tmpfs.where / "office.db"
    shutil.copyfile(office, path)
    before = common.Worker(path, "--count", "3", "--tag", "before").finish()
    tmpfs.remount("ro")
    try:
        common.Worker(path, "--count", "3", "--tag", "ro").finish()
    finally:
        tmpfs.remount("rw")
    _assert_intact(path, before.confirmed)
