"""Entry point for ``python -m welcome_center``, the ``welcome-center`` command and the bundle."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any

ATTACH_PARENT_PROCESS = -1


def attach_parent_console(
    argv: list[str], kernel32: Any = None, opener: Callable[..., IO[str]] = open
) -> bool:
    """On Windows, let a windowed program (the bundle has no console of its own, so the desk
    opens without a black window behind it) print to the console it was started from, when it
    was started with a command (``welcome-center.exe report ...``).

    Only the streams Windows left without a handle are reopened: output redirected to a file
    or a pipe keeps going there. Returns whether a console was attached. Without arguments
    (the desk, started from the menu) nothing changes."""
    if not argv or (sys.platform != "win32" and kernel32 is None):
        return False
    streams = ("stdin", "stdout", "stderr")
    if all(getattr(sys, name) is not None for name in streams):
        return False  # a console program, or every stream redirected
    if kernel32 is None:  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    if not kernel32.AttachConsole(ATTACH_PARENT_PROCESS):
        return False  # started from Explorer or a shortcut: there is no console to print to
    for name, device, mode in (
        ("stdin", "CONIN$", "r"),
        ("stdout", "CONOUT$", "w"),
        ("stderr", "CONOUT$", "w"),
    ):
        if getattr(sys, name) is None:
            setattr(sys, name, opener(device, mode, encoding="utf-8", errors="replace"))
    return True


def main() -> int:
    from welcome_center.cli import main as cli_main

    args = sys.argv[1:]
    attach_parent_console(args)
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
