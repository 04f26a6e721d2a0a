"""How long ``reciprocity demo`` takes, and how much memory it needs, at two sizes.

The default demo must stay quick because ``reciprocity --demo`` builds it on first use;
the national demo (20,000 members, 1,000,000 exchanges) must finish in minutes. Each run
is the real command in a fresh subprocess on a new SQLite file in a temporary folder, so
the figures include start-up, migrations and the final commit.

    python benchmarks/demo_timing.py              # default and national demo
    python benchmarks/demo_timing.py --scale 0.1  # national demo at a tenth of the size
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NATIONAL_MEMBERS = 20_000
NATIONAL_EXCHANGES = 1_000_000


def run_demo(folder: Path, name: str, options: list[str]) -> dict[str, Any]:
    """Run one demo in a child process; its own peak RSS comes from ``wait4``."""
    database = folder / f"{name}.sqlite"
    command = [sys.executable, "-m", "reciprocity", "--db", f"sqlite:///{database}", "demo"]
    stdout_path, stderr_path = folder / f"{name}.out", folder / f"{name}.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen([*command, *options, "--json"], stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} demo failed: {stderr_path.read_text().strip()}")
    peak_bytes = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return {
        "name": name,
        "options": " ".join(options) or "(defaults)",
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_bytes / 2**20),
        "file_mb": round(database.stat().st_size / 2**20),
        "rows": json.loads(stdout_path.read_text())["rows"],
    }


def report(result: dict[str, Any]) -> str:
    rows = ", ".join(f"{table} {count:,}" for table, count in result["rows"].items())
    return (
        f"{result['name']} demo [{result['options']}]: {result['wall_s']} s wall, "
        f"{result['peak_rss_mb']} MB peak RSS, {result['file_mb']} MB file\n  rows: {rows}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="Size of the national demo (1.0 = 1M exchanges)."
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    arguments = parser.parse_args()
    national = [
        "--members",
        str(max(121, round(NATIONAL_MEMBERS * arguments.scale))),
        "--exchanges",
        str(round(NATIONAL_EXCHANGES * arguments.scale)),
    ]
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as folder:
        results = [
            run_demo(Path(folder), "default", []),
            run_demo(Path(folder), "national", national),
        ]
    if arguments.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n".join(report(result) for result in results))


if __name__ == "__main__":
    main()
