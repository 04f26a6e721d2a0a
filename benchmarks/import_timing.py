"""How long ``reciprocity import exchanges`` takes on a national-size file, against the
``sqlite3`` shell's ``.import`` of the same CSV into a bare table, measured in one run.

The dataset is the national demo (20,000 members, 1,000,000 exchanges), built once and
kept in ``benchmarks/.cache``. Its exchanges are exported to CSV; the import then runs
into a copy of the same database with the exchanges (and their follow-ups) removed, so
every name and membership resolves as it would for an organiser's real file. Each figure
is a fresh child process: wall time and its own peak RSS.

    python benchmarks/import_timing.py              # national size
    python benchmarks/import_timing.py --scale 0.1  # a tenth of it
"""

import argparse
import json
import shutil
import sqlite3
from pathlib import Path

from common import CACHE, national_dataset, reciprocity, timed


def without_exchanges(source: Path, target: Path) -> None:
    """A copy of the ledger with its members and networks but none of its exchanges."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as connection:
        connection.executescript(
            # The children go first, so the foreign keys need no per-row checks.
            "PRAGMA foreign_keys=OFF;"
            "DELETE FROM feedback; DELETE FROM followup;"
            "UPDATE ask SET answered_by = NULL; UPDATE offer SET answered_by = NULL;"
            "UPDATE exchange SET meeting_id = NULL; DELETE FROM exchange;"
        )
        connection.execute("VACUUM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 exchanges.")
    parser.add_argument("--out", type=Path, help="Also write the figures as JSON here.")
    arguments = parser.parse_args()
    if shutil.which("sqlite3") is None:
        raise SystemExit("The baseline needs the sqlite3 shell: apt-get install sqlite3")
    dataset = national_dataset(arguments.scale)
    work = CACHE / "import-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    csv_file = work / "exchanges.csv"
    target = work / "target.sqlite"
    without_exchanges(dataset, target)
    rows = [
        timed(reciprocity(dataset, "export", "exchanges", str(csv_file)), "export exchanges"),
        timed(reciprocity(target, "import", "exchanges", str(csv_file)), "import exchanges"),
        timed(
            ["sqlite3", str(work / "bare.sqlite"), f".import --csv {csv_file} bare"],
            "baseline: sqlite3 .import into a bare table",
        ),
        timed(
            reciprocity(target, "import", "exchanges", str(csv_file)),
            "re-import (every row already present)",
        ),
    ]
    with sqlite3.connect(target) as connection:
        imported = connection.execute("SELECT count(*) FROM exchange").fetchone()[0]
    baseline = rows[2]["wall_s"]
    print(f"{imported:,} exchanges imported from {csv_file.stat().st_size / 2**20:.0f} MB of CSV")
    print(f"{'figure':46} {'wall s':>8} {'× baseline':>11} {'peak RSS MB':>12}")
    for row in rows:
        row["ratio"] = round(row["wall_s"] / baseline, 1)
        print(f"{row['figure']:46} {row['wall_s']:>8} {row['ratio']:>11} {row['peak_rss_mb']:>12}")
    if arguments.out:
        arguments.out.write_text(json.dumps({"imported": imported, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
