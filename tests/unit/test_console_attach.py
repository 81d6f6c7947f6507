"""The bundle on Windows is a windowed program: ``welcome-center.exe report ...`` must still print
to the console it was started from (__main__.attach_parent_console)."""

from __future__ import annotations

import io
import sys

import pytest

from welcome_center.__main__ import ATTACH_PARENT_PROCESS, attach_parent_console


class FakeKernel32:
    def __init__(self, has_parent_console: bool) -> None:
        self.has_parent_console = has_parent_console
        self.calls: list[int] = []

    def AttachConsole(self, pid: int) -> int:  # the Windows name
        self.calls.append(pid)
        return int(self.has_parent_console)


def opened_devices() -> tuple[list[str], object]:
    opened: list[str] = []

    def opener(device: str, mode: str, **_kw: object) -> io.StringIO:
        opened.append(device)
        return io.StringIO()

    return opened, opener


def test_a_command_from_a_console_prints_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdin", None)
    kernel32 = FakeKernel32(has_parent_console=True)
    opened, opener = opened_devices()

    assert attach_parent_console(["report", "--month", "2026-11"], kernel32, opener)
    print("figures")  # goes to the (fake) console, not nowhere

    assert kernel32.calls == [ATTACH_PARENT_PROCESS]
    assert opened == ["CONIN$", "CONOUT$", "CONOUT$"]
    assert sys.stdout.getvalue() == "figures\n"  # type: ignore[union-attr]


def test_a_redirected_stream_keeps_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    redirected = io.StringIO()
    monkeypatch.setattr(sys, "stdout", redirected)
    monkeypatch.setattr(sys, "stderr", None)
    opened, opener = opened_devices()

    assert attach_parent_console(["report"], FakeKernel32(True), opener)

    assert sys.stdout is redirected
    assert opened == ["CONOUT$"]


def test_the_desk_from_the_menu_attaches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    kernel32 = FakeKernel32(True)
    opened, opener = opened_devices()

    assert not attach_parent_console([], kernel32, opener)  # no command: the desk
    assert kernel32.calls == [] and opened == []


def test_without_a_parent_console_nothing_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    opened, opener = opened_devices()

    assert not attach_parent_console(["report"], FakeKernel32(False), opener)
    assert sys.stdout is None and opened == []


def test_elsewhere_than_windows_nothing_changes() -> None:
    if sys.platform == "win32":
        pytest.skip("this machine is Windows")
    assert not attach_parent_console(["report"])
