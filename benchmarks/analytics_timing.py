"""How fast the analytics answer on a national ledger, against hand-written SQL, in one run.

Figures, each for one month and for the whole year of the cached national demo:

- ``reciprocity balance --json`` as a whole process, against a ``python`` process that runs
  a hand-written ``sqlite3`` GROUP BY producing the same per-member given/received counts
  and prints them as JSON;
- ``compute_balances``, ``compute_quality``, ``compute_pairs`` (one member),
  ``compute_stats`` and ``compute_nudges`` in-process, against that query in-process.

Each figure is the median of ``--repeat`` runs, interleaved with its baseline so both see
the same machine load; the ratio is what to compare across machines.

    python benchmarks/analytics_timing.py              # national size
    python benchmarks/analytics_timing.py --scale 0.1  # a tenth of it
"""

import argparse
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import national_dataset, reciprocity, timed

PERIODS = {"month": ("2026-10-01", "2026-10-31"), "year": ("2025-11-01", "2026-10-31")}
"""The last month and the last year of the cached dataset (it ends on 2026-10-31)."""

BASELINE_SQL = """
SELECT giver_id, kind, 'given', count(*) FROM exchange
 WHERE voided_at IS NULL AND occurred_on BETWEEN ? AND ? GROUP BY giver_id, kind
UNION ALL
SELECT receiver_id, kind, 'received', count(*) FROM exchange
 WHERE voided_at IS NULL AND occurred_on BETWEEN ? AND ? GROUP BY receiver_id, kind
"""

BASELINE_PROCESS = """
import json, sqlite3, sys
database, start, end, sql = sys.argv[1:]
connection = sqlite3.connect(database)
counts = {}
for member, kind, side, n in connection.execute(sql, (start, end, start, end)):
    counts.setdefault(member, {})[f"{side}_{kind}"] = n
json.dump([{"member_id": k, **v} for k, v in counts.items()], sys.stdout)
"""


def baseline_query(database: Path, start: str, end: str) -> int:
    """The hand-written GROUP BY, in-process; returns the number of rows."""
    connection = sqlite3.connect(database)
    rows = connection.execute(BASELINE_SQL, (start, end, start, end)).fetchall()
    connection.close()
    return len(rows)


def median_time(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def processes(database: Path, repeat: int) -> list[dict[str, Any]]:
    """``balance --json`` against the baseline process, per period."""
    rows = []
    for period, (start, end) in PERIODS.items():
        ours, theirs = [], []
        for _ in range(repeat):
            ours.append(
                timed(
                    reciprocity(database, "balance", "--from", start, "--to", end, "--json"),
                    "balance",
                )
            )
            theirs.append(
                timed(
                    [
                        sys.executable,
                        "-c",
                        BASELINE_PROCESS,
                        str(database),
                        start,
                        end,
                        BASELINE_SQL,
                    ],
                    "baseline",
                )
            )
        rows.append(
            row(
                f"balance --json, {period} (process)",
                statistics.median(r["wall_s"] for r in ours),
                statistics.median(r["wall_s"] for r in theirs),
                max(r["peak_rss_mb"] for r in ours),
                max(r["peak_rss_mb"] for r in theirs),
            )
        )
    return rows


def in_process(database: Path, repeat: int) -> list[dict[str, Any]]:
    """Each analytics function against the hand-written query, in this process."""
    from sqlmodel import Session

    from reciprocity.analytics.balances import compute_balances
    from reciprocity.analytics.network import compute_stats
    from reciprocity.analytics.nudges import compute_nudges
    from reciprocity.analytics.pairs import compute_pairs
    from reciprocity.analytics.quality import compute_quality
    from reciprocity.analytics.scope import make_scope
    from reciprocity.store.engine import make_engine

    engine = make_engine(f"sqlite:///{database}")
    rows = []
    with Session(engine) as session:
        member_id = compute_balances(session=session, scope=make_scope())[0]["member_id"]
        for period, (start, end) in PERIODS.items():
            scope = make_scope(date_from=start, date_to=end)
            one = make_scope(member_id=member_id, date_from=start, date_to=end)
            figures: dict[str, Callable[[], Any]] = {
                "compute_balances": lambda s=scope: compute_balances(session=session, scope=s),
                "compute_quality": lambda s=scope: compute_quality(session=session, scope=s),
                "compute_pairs (one member)": lambda s=one: compute_pairs(session=session, scope=s),
                "compute_stats": lambda s=scope: compute_stats(session=session, scope=s),
                "compute_nudges (one member)": lambda e=end: compute_nudges(
                    session=session, member_id=member_id, as_of=date.fromisoformat(e)
                ),
            }
            for name, action in figures.items():
                action()  # warm the page cache and the statement cache alike
                ours = median_time(action, repeat)
                theirs = median_time(lambda a=start, b=end: baseline_query(database, a, b), repeat)
                rows.append(row(f"{name}, {period}", ours, theirs, None, None))
    engine.dispose()
    return rows


def row(
    figure: str, ours: float, baseline: float, rss: int | None, baseline_rss: int | None
) -> dict[str, Any]:
    return {
        "figure": figure,
        "seconds": round(ours, 3),
        "baseline_seconds": round(baseline, 3),
        "ratio": round(ours / baseline, 2),
        "peak_rss_mb": rss,
        "baseline_peak_rss_mb": baseline_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 exchanges.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure (median).")
    parser.add_argument("--out", type=Path, help="Also write the rows as JSON here.")
    arguments = parser.parse_args()
    database = national_dataset(arguments.scale)
    rows = processes(database, arguments.repeat) + in_process(database, arguments.repeat)
    print(f"{'figure':<40} {'ours s':>8} {'base s':>8} {'ratio':>6} {'RSS MB':>7} {'base MB':>7}")
    for result in rows:
        print(
            f"{result['figure']:<40} {result['seconds']:>8.3f} {result['baseline_seconds']:>8.3f}"
            f" {result['ratio']:>6.2f} {result['peak_rss_mb'] or '':>7} "
            f"{result['baseline_peak_rss_mb'] or '':>7}"
        )
    if arguments.out:
        arguments.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
