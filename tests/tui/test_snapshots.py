"""Snapshots of the main screens at 80×24 on the fixed chapter and the frozen day.

Reviewed by eye before accepting (``pytest tests/tui --snapshot-update`` rewrites them).
"""

import asyncio
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label

from tests.tui.conftest import Fixture, make_app, ready, settle

DB = tuple[str, Fixture]
SIZE = (80, 24)


def test_dashboard(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await ready(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)


def test_dashboard_light_theme(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await ready(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)


def test_quick_log(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("b", "o")
        await pilot.pause()

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)


def test_quick_log_refusal(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("a", "n", "n", "enter", "ctrl+s")
        # A loaded machine may paint the refusal a few frames after the workers end.
        deadline = asyncio.get_running_loop().time() + 10
        error = pilot.app.screen.query_one("#to-error", Label)
        while "themselves" not in str(error.content):
            assert asyncio.get_running_loop().time() < deadline, "the refusal never showed"
            await pilot.pause(0.05)
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)


def test_followups(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)


def test_network(db: DB, snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("6")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=before)
