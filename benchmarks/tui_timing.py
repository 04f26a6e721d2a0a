"""How fast the TUI opens and how fast its member picker answers, next to a bare Textual app.

- :func:`dashboard_seconds`: from building the app to the dashboard's cards holding values
  (the app's ``dashboard_ready`` signal), headless (``run_test``) at 80×24.
- :func:`hello_seconds`: the same harness on a bare App with one Static, to first idle.
- :func:`picker_worst_keystroke_ms`: types a member's name into the "who are you?" picker,
  over every member's name, and returns the slowest keystroke's match + list update.

``python benchmarks/tui_timing.py [--db URL] [--cold]`` prints them for the demo database and, with
``--db``, for that database too (copy the cached national database to /tmp first; the
cache is never written to). Each figure is the best of ``--repeat`` runs in this process;
``--cold`` adds the same figures for fresh processes, imports included.
"""

import argparse
import asyncio
import time

from textual.app import App, ComposeResult
from textual.widgets import Static

SIZE = (80, 24)
TIMEOUT = 120.0


class _Hello(App[None]):
    """The baseline: one Static."""

    def compose(self) -> ComposeResult:
        yield Static("hello")


def hello_seconds() -> float:
    """Seconds from building a bare one-Static app to its first idle frame, headless."""

    async def main() -> float:
        started = time.perf_counter()
        app = _Hello()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            return time.perf_counter() - started

    return asyncio.run(main())


def dashboard_seconds(db_url: str, acting: str | None) -> float:
    """Seconds from building the app to the dashboard's cards holding values.

    ``acting`` names the member; ``None`` acts as the demo organiser (as ``--demo`` does).
    """
    from reciprocity.ledger.workspace import ActingSource, Workspace
    from reciprocity.tui.app import ReciprocityApp

    async def main() -> float:
        started = time.perf_counter()
        access = Workspace(
            db_url,
            acting_name=acting,
            source=ActingSource.SETTING if acting else ActingSource.DEMO,
            demo=acting is None,
        )
        app = ReciprocityApp(access)
        try:
            async with app.run_test(size=SIZE) as pilot:
                while not app.dashboard_ready:
                    if time.perf_counter() - started > TIMEOUT:
                        raise TimeoutError("the dashboard never filled")
                    await pilot.pause(0.005)
                return time.perf_counter() - started
        finally:
            access.dispose()

    return asyncio.run(main())


def _a_member_name(db_url: str) -> str:
    from reciprocity.ledger.views import member_name_index
    from reciprocity.ledger.workspace import Workspace

    access = Workspace(db_url)
    try:
        with access.session() as session:
            names = member_name_index(session=session)
    finally:
        access.dispose()
    return names[len(names) // 2][1]


def picker_worst_keystroke_ms(db_url: str) -> float:
    """The slowest keystroke (match over every member + list update), in milliseconds,
    typing one member's full name into the member picker."""
    from reciprocity.ledger.workspace import ActingSource, Workspace
    from reciprocity.tui.app import ReciprocityApp
    from reciprocity.tui.screens.picker import MemberPicker

    name = _a_member_name(db_url)

    async def main() -> float:
        access = Workspace(db_url, source=ActingSource.DEMO, demo=True)
        app = ReciprocityApp(access)
        try:
            async with app.run_test(size=SIZE) as pilot:
                while not app.identified:
                    await pilot.pause(0.01)
                await pilot.press("i")
                picker = app.screen
                assert isinstance(picker, MemberPicker)
                while picker.matcher is None:
                    await pilot.pause(0.01)
                for character in name:
                    await pilot.press("space" if character == " " else character)
                await pilot.pause()
                return max(picker.keystroke_ms)
        finally:
            access.dispose()

    return asyncio.run(main())


def _demo_url() -> str:
    """The demo database (seeded on first use), as ``reciprocity --demo`` opens it."""
    from sqlmodel import Session

    from reciprocity.config import demo_database_url
    from reciprocity.ledger.demo import ensure_demo_data
    from reciprocity.store.engine import make_engine

    url = demo_database_url()
    engine = make_engine(url, create_folder=True)
    with Session(engine) as session:
        ensure_demo_data(session=session)
    engine.dispose()
    return url


def _cold(expression: str) -> float:
    """Wall seconds of a fresh interpreter that imports everything and evaluates
    ``expression`` (a call of this module): launch as a user sees it."""
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    code = f"import sys; sys.path.insert(0, {str(here)!r}); import tui_timing as t; {expression}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=here.parent)
    return time.perf_counter() - started


def main() -> None:
    """Print the figures for the demo database and, with ``--db``, another one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="another database URL, e.g. a /tmp copy of the national one")
    parser.add_argument("--as", dest="acting", help="act as this member on --db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cold", action="store_true", help="also time fresh processes (imports included)"
    )
    args = parser.parse_args()

    demo = _demo_url()
    databases = [("demo", demo, None)]
    if args.db:
        dashboard_seconds(args.db, args.acting)  # first open: migrations, file cache
        databases.append(("--db", args.db, args.acting))
    hello = min(hello_seconds() for _ in range(args.repeat))
    print(f"{'figure':<34}{'seconds':>9}{'× hello':>9}")
    print(f"{'hello (one Static)':<34}{hello:>9.3f}{1:>9.1f}")
    for label, url, acting in databases:
        seconds = min(dashboard_seconds(url, acting) for _ in range(args.repeat))
        print(f"{'dashboard ready, ' + label:<34}{seconds:>9.3f}{seconds / hello:>9.1f}")
    if args.cold:
        cold_hello = min(_cold("t.hello_seconds()") for _ in range(args.repeat))
        print(f"{'cold process: hello':<34}{cold_hello:>9.3f}{1:>9.1f}")
        for label, url, acting in databases:
            seconds = min(
                _cold(f"t.dashboard_seconds({url!r}, {acting!r})") for _ in range(args.repeat)
            )
            print(
                f"{'cold process: dashboard, ' + label:<34}{seconds:>9.3f}"
                f"{seconds / cold_hello:>9.1f}"
            )
    for label, url, _ in databases:
        worst = picker_worst_keystroke_ms(url)
        print(f"{'picker worst keystroke, ' + label:<34}{worst / 1000:>9.4f}  ({worst:.1f} ms)")


if __name__ == "__main__":
    main()
