"""Run the real command line in several processes at the very same moment.

Each process imports ``reciprocity.cli``, opens the database once (a warm-up command), and
then waits at a ``multiprocessing.Barrier`` until every process is ready, so the commands
that follow start together, as a chapter's eight laptops after a meeting would. The
commands go through ``reciprocity.cli:main`` exactly as the console script does; each
outcome keeps its exit code, stdout and stderr, and a traceback if one escaped.
"""

import contextlib
import io
import json
import multiprocessing
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKERS = 8


@dataclass(frozen=True)
class Outcome:
    """One command one process ran."""

    worker: int
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def escaped(self) -> bool:
        """A traceback reached the user, or the command did not end in exit 0 or 1."""
        return self.code not in (0, 1) or "Traceback" in self.stderr


def _main(url: str, args: Sequence[str]) -> tuple[int, str, str]:
    from reciprocity.cli import main

    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["reciprocity", "--db", url, *args]
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except BaseException:  # noqa: BLE001 - what a user would see as a traceback
            code = -1
            err.write(traceback.format_exc())
    return code, out.getvalue(), err.getvalue()


Batch = Sequence[Sequence[str]]
"""Commands one process runs one after the other, once every process is at the barrier."""


def _worker(url: str, worker: int, batches: Sequence[Batch], start: Any, results: Any) -> None:
    outcomes: list[Outcome] = []
    try:
        _main(url, ["network", "list", "--json"])  # imports and opens the database
        for batch in batches:
            start.wait(timeout=300)
            for args in batch:
                code, out, err = _main(url, args)
                outcomes.append(Outcome(worker, tuple(args), code, out, err))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        outcomes.append(Outcome(worker, (), -1, "", traceback.format_exc()))
    results.put(outcomes)


def race(url: str, batches: Sequence[Sequence[Batch]]) -> list[Outcome]:
    """Run ``batches[n]`` in process ``n``: every process starts each of its batches when all
    are ready for theirs (the barrier is met again before each), so every batch is a race
    of its own. Returns every outcome."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(batches))
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, n, [list(b) for b in own], start, results))
        for n, own in enumerate(batches)
    ]
    for process in workers:
        process.start()
    outcomes = [outcome for _ in workers for outcome in results.get(timeout=900)]
    for process in workers:
        process.join(timeout=60)
    return outcomes


def cli(url: str, *args: str) -> Any:
    """Run one command in this process and return its JSON (``--json``) or its stdout."""
    code, out, err = _main(url, args)
    assert code == 0, err
    return json.loads(out) if "--json" in args else out


def round_trip(url: str, folder: Path) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """``db check``'s problems, and every table before and after ``export all`` →
    ``import all`` into a new SQLite file: the ledger must come back row for row."""
    from reciprocity.store.engine import make_engine
    from tests.conftest import snapshot

    code, out, err = _main(url, ["db", "check", "--json"])
    problems: list[str] = json.loads(out)["problems"] if out else [err]
    exported = folder / "export"
    cli(url, "export", "all", str(exported))
    copy = f"sqlite:///{folder / 'copy.sqlite'}"
    cli(copy, "import", "all", str(exported))
    engines = [make_engine(url), make_engine(copy)]
    before, after = (snapshot(engine) for engine in engines)
    for engine in engines:
        engine.dispose()
    return problems, before, after
