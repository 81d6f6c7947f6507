"""The benchmark's results: measures with baselines and targets, the machine, the printed table."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def now_ms() -> float:
    return time.perf_counter() * 1000


def disk_wait_ms() -> float | None:
    """The machine's time so far in which a core waited for the disk (all cores, milliseconds;
    Linux's /proc/stat), None where there is none. A step during which it grew waited for a
    read of its own or shared the disk with another's."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()  # cpu user nice system idle iowait ...
    except OSError:
        return None
    return int(fields[5]) * 1000 / os.sysconf("SC_CLK_TCK")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method; the largest value for fewer than two)."""
    if len(values) < 2:
        return float(max(values))
    return float(statistics.quantiles(values, n=100, method="inclusive")[94])


def p99(values: Sequence[float]) -> float:
    if len(values) < 2:
        return float(max(values))
    return float(statistics.quantiles(values, n=100, method="inclusive")[98])


@dataclass(frozen=True)
class Target:
    """A target in words, and the check of a value (and its baseline) against it."""

    text: str
    check: Callable[[float, float | None], bool]


def at_most(limit: float, unit: str = "ms") -> Target:
    return Target(f"<= {limit:g} {unit}", lambda v, _b: v <= limit)


def ratio_at_most(factor: float) -> Target:
    return Target(f"<= {factor:g} x baseline", lambda v, b: b is not None and v <= factor * b)


def both(*targets: Target) -> Target:
    return Target(
        " and ".join(t.text for t in targets), lambda v, b: all(t.check(v, b) for t in targets)
    )


def above_baseline_at_most(limit: float, unit: str = "MB") -> Target:
    return Target(f"<= baseline + {limit:g} {unit}", lambda v, b: b is not None and v - b <= limit)


@dataclass
class Measure:
    """One line of the table and one object of the JSON summary."""

    name: str
    title: str
    value: float
    baseline: float | None = None
    target: Target | None = None
    unit: str = "ms"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.check(self.value, self.baseline)

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "title": self.title,
            f"value_{self.unit.lower()}": round(self.value, 3),
            "baseline": None if self.baseline is None else round(self.baseline, 3),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": self.target.text if self.target else None,
            "met": self.met,
            **self.extra,
        }


def machine() -> dict[str, Any]:
    """Cores, memory, Python, SQLite, Qt and the platform the figures were taken on."""
    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:  # pragma: no cover - the desk needs it
        qt = "not installed"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": qt,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def speed_probe() -> float:
    """Milliseconds a fixed piece of pure Python takes on this machine, the best of three: the
    same before and after a run unless the machine's speed changed meanwhile (a shared virtual
    machine's cores vary by a third from one minute to the next). Compare runs by it."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".rstrip()


def table(measures: Sequence[Measure]) -> str:
    """The measures as a fixed-width table."""
    head = ("measure", "value", "baseline", "ratio", "target", "met")
    rows = [head]
    for m in measures:
        met = {True: "yes", False: "MISSED", None: "-"}[m.met]
        ratio = m.ratio
        rows.append((
            m.title, _fmt(m.value, m.unit), _fmt(m.baseline, m.unit),
            "-" if ratio is None else f"{ratio:.2f} x",
            m.target.text if m.target else "-", met,
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:4], widths[1:4], strict=True)
        ]
        cells += [r[4].ljust(widths[4]), r[5]]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_machine(m: dict[str, Any]) -> str:
    return (
        f"machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}, PySide6 {m['pyside6']}, {m['platform']}, "
        f"load average {' '.join(map(str, m['load_average']))}"
    ) + (
        f"; speed probe {m['speed_probe_ms'][0]:g} ms at the start, "
        f"{m['speed_probe_ms'][1]:g} ms at the end (less is quicker)"
        if "speed_probe_ms" in m
        else ""
    )


def say(text: str) -> None:
    """Progress on standard error (standard output carries the table)."""
    print(text, file=sys.stderr, flush=True)
