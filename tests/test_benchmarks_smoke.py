"""The benchmark suite runs end to end on a small database, plain and encrypted, and writes every
measure of both and their ratios (the targets are not checked here: timings do not belong in
tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURES = {
    "cold_start", "search_p50", "search_p95", "search_total_p95", "open_record_p95",
    "save_consultation_p95",
    "statistics_month", "statistics_year", "report_month_pdf", "report_year_xlsx",
    "scroll_max_step", "peak_memory", "import_csv",
}  # fmt: skip
# The whole run (database of 300 records and its encrypted copy included) takes about 40 s; a
# hang fails the test.
TIME_LIMIT_S = 180


def test_benchmark_run_writes_every_measure(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WELCOME_CENTER_DATA=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--records", "300", "--repeat", "1",
         "--json", str(summary), "--db", str(tmp_path / "bench-300.db"),
         "--import-rows", "1000"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIME_LIMIT_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(summary.read_text())
    assert data["records"] == 300
    assert {"cores", "memory_gib", "python", "sqlite", "platform"} <= data["machine"].keys()
    before, after = data["machine"]["speed_probe_ms"]  # the machine's speed over the run
    assert before > 0 and after > 0
    assert f"speed probe {before:g} ms at the start, {after:g} ms at the end" in done.stdout
    encrypted = data["encrypted"]
    for measures in (data["measures"], encrypted["measures"]):
        by_name = {m["name"]: m for m in measures}
        assert by_name.keys() == MEASURES
        for name, m in by_name.items():
            value = m.get("value_mb" if name == "peak_memory" else "value_ms")
            assert isinstance(value, float) and value > 0, m
            assert {"baseline", "ratio", "target", "met"} <= m.keys(), m
            for key in ("baseline", "ratio"):
                assert m[key] is None or m[key] > 0, m
            assert m["met"] in (True, False, None), m
        for name in ("cold_start", "search_p95", "statistics_month", "peak_memory"):
            assert by_name[name]["baseline"] > 0  # measured in the same run
        scroll = by_name["scroll_max_step"]  # with the machine's wait for the disk, on Linux
        assert scroll["steps_with_disk_wait"] <= scroll["steps"]
        if sys.platform == "linux":
            assert scroll["slowest_step_disk_wait_ms"] >= 0
            calm = scroll["max_step_without_disk_wait_ms"]
            assert calm is None or 0 < calm <= scroll["value_ms"] + 0.001  # value rounded
    ratios = encrypted["ratio_to_plain"]
    assert ratios.keys() == MEASURES
    assert all(r > 0 for r in ratios.values()), ratios
    assert all(ratios[k] >= encrypted["bound"] for k in encrypted["above"]), encrypted
    assert "cold start to the painted record list" in done.stdout
    assert "encrypted / plain" in done.stdout
    assert "cores" in done.stdout
