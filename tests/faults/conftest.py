"""Fixtures of the fault-injection tests: counts from the environment, an office database, a
small tmpfs (root only; unmounted in the teardown), and a seeded random generator."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import common


def count(name: str, default: int) -> int:
    """A count of trials: bounded by default (CI), large by hand (WC_FAULT_KILLS=500 ...)."""
    return int(os.environ.get(name, default))


KILLS = count("WC_FAULT_KILLS", 10)
CHECKPOINT_KILLS = count("WC_FAULT_CHECKPOINT_KILLS", 5)
UPGRADE_KILLS = count("WC_FAULT_UPGRADE_KILLS", 5)
FIRST_SESSION_KILLS = count("WC_FAULT_FIRST_SESSION_KILLS", 5)
WRITER_ROUNDS = count("WC_FAULT_WRITER_ROUNDS", 25)


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """Random moments, reproducible with WC_FAULT_SEED (printed on failure via the test id)."""
    seed = int(os.environ.get("WC_FAULT_SEED", random.randrange(1 << 30)))
    request.node.user_properties.append(("seed", seed))
    print(f"WC_FAULT_SEED={seed}")
    return random.Random(seed)


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("office") / "office.db"
    common.create_office(path)
    return path


@pytest.fixture
def office(office_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a new office database (users, vocabularies, no records)."""
    path = tmp_path / "office.db"
    shutil.copyfile(office_template, path)
    return path


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


class Tmpfs:
    """A mounted tmpfs of a given size; ``remount_ro``/``remount_rw`` for a read-only folder."""

    def __init__(self, where: Path, size: str) -> None:
        self.where = where
        where.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root (disk-full and read-only folder)")
        done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")

    def remount(self, mode: str) -> None:
        done = _run("mount", "-o", f"remount,{mode}", str(self.where))
        if done.returncode != 0:
            pytest.skip(f"cannot remount the tmpfs {mode}: {done.stderr.strip()}")

    def fill(self, leave: int = 0) -> Path:
        """Fill the file system, then free ``leave`` bytes again; returns the filler file."""
        filler = self.where / "filler.bin"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for block in (65536, 4096, 512):
                chunk = b"\0" * block
                try:
                    while True:
                        os.write(fd, chunk)
                except OSError:
                    pass
        finally:
            os.close(fd)
        if leave:
            size = filler.stat().st_size
            os.truncate(filler, max(size - leave, 0))
        return filler

    def unmount(self) -> None:
        _run("mount", "-o", "remount,rw", str(self.where))
        for attempt in range(20):
            if _run("umount", str(self.where)).returncode == 0:
                return
            if attempt > 10:
                _run("umount", "-l", str(self.where))
                return
            import time

            time.sleep(0.1)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Tmpfs]:
    """A 4 MB tmpfs at tmp_path/"small", unmounted after the test whatever happened."""
    fs = Tmpfs(tmp_path / "small", "4m")
    try:
        yield fs
    finally:
        fs.unmount()


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Files marked immutable with ``chattr +i`` (root ignores permissions); the mark is taken
    off again in the teardown. Append paths to the list and call :func:`make_immutable`."""
    marked: list[Path] = []
    try:
        yield marked
    finally:
        for p in marked:
            _run("chattr", "-i", str(p))


def make_immutable(marked: list[Path], path: Path) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is missing: cannot make a file read-only for root")
    done = _run("chattr", "+i", str(path))
    if done.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {done.stderr.strip()}")
    marked.append(path)


def unmake_immutable(marked: list[Path], path: Path) -> None:
    _run("chattr", "-i", str(path))
    marked.remove(path)
