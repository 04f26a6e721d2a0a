"""What the benchmark scripts share: the cached national dataset and timed child processes.

The dataset is the national demo (20,000 members, 1,000,000 exchanges up to a fixed day),
built once with ``reciprocity demo`` and kept in ``benchmarks/.cache``. Every figure is a
fresh child process, timed on the wall clock, with its own peak RSS from ``wait4``.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"
NATIONAL_MEMBERS = 20_000
NATIONAL_EXCHANGES = 1_000_000
DEMO_UNTIL = "2026-10-31"
"""A fixed end date keeps the cached dataset the same whatever day the benchmark runs."""


def timed(command: list[str], name: str) -> dict[str, Any]:
    """Run a child process to completion; its wall time and peak RSS (from ``wait4``)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    assert child.stderr is not None
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: {child.stderr.read().decode().strip()}")
    return {"figure": name, "wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def reciprocity(database: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "reciprocity", "--db", f"sqlite:///{database}", *arguments]


def national_dataset(scale: float) -> Path:
    """The cached national demo database at the current schema, built on first use.

    The same file ``run.py --tier national`` uses (an older schema's file is upgraded on a
    copy, never in place, so no benchmark rewrites a cached dataset behind the others).
    """
    from run import Tier, dataset

    members = max(121, round(NATIONAL_MEMBERS * scale))
    exchanges = round(NATIONAL_EXCHANGES * scale)
    return dataset(Tier("national", members, exchanges, 12, 3, 3.0), CACHE)
