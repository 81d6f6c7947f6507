"""Reading a SQLite ``-wal`` file as SQLite's recovery does, without SQLite: which copy of the
database's first page a crash left committed there (db/engine.py recognises our files by it)."""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["wal_first_page", "wal_path"]


def wal_path(path: Path) -> Path:
    return Path(f"{path}-wal")


_WAL_MAGIC = (0x377F0682, 0x377F0683)


def wal_first_page(path: Path) -> bytes | None:
    """The newest committed copy of page 1 in the ``-wal`` beside ``path`` (None if none).

    Reads the WAL as SQLite's recovery does: frames count while their salts match the header's
    and their running checksum holds; a page counts once a commit frame follows it.
    """
    wal = wal_path(path)
    if not wal.exists():
        return None
    with wal.open("rb") as f:
        header = f.read(32)
        if len(header) < 32:
            return None
        magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", header)
        if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
            return None
        big = bool(magic & 1)
        sums = _wal_checksum(header[:24], big, 0, 0)
        if sums != (c1, c2):
            return None
        newest: bytes | None = None
        pending: bytes | None = None
        while True:
            frame = f.read(24)
            page = f.read(page_size)
            if len(frame) < 24 or len(page) < page_size:
                break
            number, commit, s1, s2, f1, f2 = struct.unpack(">6I", frame)
            if (s1, s2) != (salt1, salt2):
                break
            sums = _wal_checksum(page, big, *_wal_checksum(frame[:8], big, *sums))
            if sums != (f1, f2):
                break
            if number == 1:
                pending = page
            if commit and pending is not None:
                newest, pending = pending, None
    return newest


def _wal_checksum(data: bytes, big: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1
