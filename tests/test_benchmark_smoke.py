"""The benchmark runs: ``benchmarks/run.py --tier chapter`` finishes and reports every figure.

CI runs the chapter tier as a smoke test. Its times are not asserted (the machine is
shared and small); what is asserted is that every figure of issues 6 and 18 has a row
with a number, or says plainly why it has none.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"


@pytest.mark.skipif(not RUN.exists(), reason="the benchmarks are not part of this checkout")
def test_the_chapter_benchmark_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--tier",
            "chapter",
            "--repeat",
            "1",
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(out.read_text())
    assert results["tier"] == "chapter"
    assert results["dataset"]["members"] == 40
    rows = results["rows"]
    assert {row["number"] for row in rows} == set(range(1, 10))
    startup = [row["figure"] for row in rows if row["number"] == 9 and row["ratio"] is not None]
    assert len(startup) == 3, startup  # --help, log and one member's balance, each timed
    for row in rows:
        measured = row["seconds"] is not None
        explained = bool(row["note"]) and (
            row["note"].startswith("not available yet") or row["note"].startswith("skipped")
        )
        assert measured or explained, row
        if row["baseline_seconds"] is not None:
            assert row["ratio"] is not None, row
    assert "figure" in result.stdout  # the table was printed too
