"""The benchmark suite against a PostgreSQL database (``--db URL`` beside the file): an empty
database is filled with the same demonstration data, every figure is measured on both and
their ratios are written; the encrypted comparison is left out with a line saying so. Runs when
WELCOME_CENTER_TEST_PG names a server (the targets are not checked here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_benchmarks_smoke import MEASURES, ROOT

# A server side doubles the work of the file-only run (about 140 s on a loaded 2-core machine).
TIME_LIMIT_S = 360


def test_benchmark_run_measures_a_server_beside_the_file(tmp_path: Path, pg_server: Any) -> None:
    if pg_server is None:
        pytest.skip("set WELCOME_CENTER_TEST_PG to run the benchmark against a server")
    name = f"wct_bench_{os.getpid()}"
    url = pg_server.create(name)
    summary = tmp_path / "summary.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WELCOME_CENTER_DATA=str(tmp_path))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--records", "300", "--repeat", "1",
             "--json", str(summary), "--db", str(tmp_path / "bench-300.db"), "--db", url,
             "--import-rows", "1000"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIME_LIMIT_S,
        )  # fmt: skip
    finally:
        pg_server.drop(name)
        for n in range(3):
            pg_server.drop(f"{name}_import_{n}")
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(summary.read_text())
    assert "encrypted" not in data
    server = data["postgresql"]
    by_name = {m["name"]: m for m in server["measures"]}
    assert by_name.keys() == MEASURES
    for name_, m in by_name.items():
        value = m.get("value_mb" if name_ == "peak_memory" else "value_ms")
        assert isinstance(value, float) and value > 0, m
    for measure in ("search_p95", "open_record_p95", "save_consultation_p95", "cold_start"):
        assert by_name[measure]["baseline"] > 0  # the hand-written SQL on the server
    assert server["ratio_to_plain"].keys() == MEASURES
    assert "PostgreSQL / SQLite file" in done.stdout
    assert "encrypted comparison is made on SQLite files only" in done.stdout
    assert "filled the PostgreSQL database" in done.stderr + done.stdout
