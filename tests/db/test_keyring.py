"""The key file under several writers: each change touches one slot, under the file's lock."""

from __future__ import annotations

import threading
from pathlib import Path

from welcome_center.db.keyring import (
    Keyring,
    new_data_key,
    new_key_file,
    read_key_file,
    write_key_file,
)


def test_writers_at_once_keep_every_slot(tmp_path: Path) -> None:
    path = tmp_path / "office.db.keys"
    key = new_data_key()
    write_key_file(path, new_key_file())
    names = [f"user{i}" for i in range(12)]
    start = threading.Barrier(len(names))

    def add(name: str) -> None:
        start.wait()
        Keyring(path, key).set_user(name, f"{name}-password")

    threads = [threading.Thread(target=add, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = read_key_file(path)
    assert keys.user_names == sorted(names)
    for name in names:
        assert keys.open_slot(name, f"{name}-password".encode()) == key


def test_putting_one_slot_back_keeps_a_colleagues_change(tmp_path: Path) -> None:
    path = tmp_path / "office.db.keys"
    key = new_data_key()
    write_key_file(path, new_key_file())
    ring = Keyring(path, key)
    ring.set_user("anna", "anna-old-password")
    undo = ring.set_user("anna", "anna-new-password")  # its transaction will fail
    ring.set_user("ben", "ben-password")  # a colleague's desk meanwhile
    ring.put_back(undo)
    keys = read_key_file(path)
    assert keys.open_slot("anna", b"anna-old-password") == key
    assert keys.open_slot("ben", b"ben-password") == key
