"""``reciprocity serve`` in a real browser: Debian's Chromium driven by Playwright.

A member signs in with a fresh invitation, chooses a password and logs a referral at
full typing speed; signs out and back in; five wrong passwords lock them out. The
assertions read the ledger and the terminal's text (the app draws on a canvas)."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from reciprocity.cli import app as cli
from reciprocity.store.engine import make_engine
from tests.serve.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    have_chromium,
    new_page,
    running_server,
    screen_text,
    terminal_size,
    wait_for_text,
)
from tests.tui.conftest import build_fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium (.ci/run installs it)"),
]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test chapter in a SQLite file the server and the tests share."""
    path = tmp_path_factory.mktemp("served") / "ledger.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        build_fixture(session)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def address(ledger: str) -> Iterator[str]:
    with running_server(ledger) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _invite(ledger: str, name: str) -> str:
    made = CliRunner().invoke(cli, ["--db", ledger, "member", "invite", name, "--json"])
    assert made.exit_code == 0, made.output
    code: str = json.loads(made.stdout)["code"]
    return code


def _scalar(ledger: str, sql: str, **params: Any) -> Any:
    engine = sa.create_engine(ledger)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def _first_sign_in(page: Any, name: str, code: str) -> None:
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    wait_for_text(page, "New password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_sign_in_with_an_invitation_and_log_a_referral(
    ledger: str, address: str, browser: Any, tmp_path: Path
) -> None:
    code = _invite(ledger, "Bob Jansen")
    page = new_page(browser, address)
    assert "Club Delft" in screen_text(page)
    _first_sign_in(page, "Bob Jansen", code)
    # Straight on, at full speed: l, three letters, Enter, a summary, ctrl+s.
    page.keyboard.press("l")
    page.keyboard.type("car")
    page.keyboard.press("Enter")
    page.keyboard.type("Typed in a browser")
    page.keyboard.press("Control+s")
    wait_for_text(page, "logged")
    page.screenshot(path=str(tmp_path / "logged.png"))
    made = _scalar(
        ledger,
        "SELECT count(*) FROM exchange e JOIN member g ON g.id = e.giver_id "
        "JOIN member r ON r.id = e.receiver_id WHERE g.name = 'Bob Jansen' "
        "AND r.name = 'Carla Smit' AND e.summary = 'Typed in a browser' "
        "AND e.created_by = g.id",
    )
    assert made == 1
    page.context.close()


def test_sign_out_and_back_in_with_the_password(ledger: str, address: str, browser: Any) -> None:
    code = _invite(ledger, "Dirk Bakker")
    page = new_page(browser, address)
    _first_sign_in(page, "Dirk Bakker", code)
    wait_for_text(page, "Dirk Bakker")
    page.keyboard.press("Control+q")
    page.wait_for_selector("body.-closed", timeout=15_000)
    page.get_by_text("Sign in again").click()
    wait_for_text(page, "Sign in")
    page.focus(".xterm-helper-textarea")
    page.keyboard.type("Dirk Bakker")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_for_text(page, "Welcome, Dirk Bakker")
    events = _scalar(
        ledger,
        "SELECT group_concat(event, ',') FROM (SELECT event FROM sign_in s "
        "JOIN member m ON m.id = s.member_id WHERE m.name = 'Dirk Bakker' ORDER BY s.id)",
    )
    assert events == "invited,password_set,signed_in,signed_out,signed_in"
    page.context.close()


def test_five_wrong_passwords_lock_and_the_right_one_is_then_refused(
    ledger: str, address: str, browser: Any
) -> None:
    code = _invite(ledger, "Carla Smit")
    page = new_page(browser, address)
    _first_sign_in(page, "Carla Smit", code)
    wait_for_text(page, "Carla Smit")
    page.keyboard.press("Control+q")
    page.wait_for_selector("body.-closed", timeout=15_000)
    page = new_page(browser, address)
    page.keyboard.type("Carla Smit")
    page.keyboard.press("Tab")
    # All at full speed: each attempt's keys wait while the one before is checked.
    for attempt in range(5):
        page.keyboard.type(f"not my password {attempt}")
        page.keyboard.press("Enter")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_for_text(page, "locked until")
    assert "Carla Smit" not in screen_text(page).split("Name")[0]  # still signing in
    locked = _scalar(
        ledger,
        "SELECT locked_until IS NOT NULL FROM credential c JOIN member m ON m.id = c.member_id "
        "WHERE m.name = 'Carla Smit'",
    )
    assert locked
    events = _scalar(
        ledger,
        "SELECT group_concat(event, ',') FROM (SELECT event FROM sign_in s "
        "JOIN member m ON m.id = s.member_id WHERE m.name = 'Carla Smit' ORDER BY s.id)",
    )
    assert events.endswith("signed_out,failed,failed,failed,failed,locked,refused")
    page.context.close()


def test_a_phone_held_sideways_gets_at_least_80_by_24(address: str, browser: Any) -> None:
    page = new_page(browser, address, width=844, height=390)
    columns, rows = terminal_size(page)
    assert columns >= 80 and rows >= 24
    page.context.close()


def test_an_organiser_gets_the_monthly_report_as_a_download(
    ledger: str, address: str, browser: Any
) -> None:
    code = _invite(ledger, "Anna de Vries")
    page = new_page(browser, address)
    _first_sign_in(page, "Anna de Vries", code)
    wait_for_text(page, "Anna de Vries")
    page.keyboard.press("6")
    wait_for_text(page, "Export monthly report")
    page.keyboard.press("r")
    wait_for_text(page, "Who is the report")
    page.keyboard.press("c")
    # The screen shows the month still running: the dialog asks which month, and says the
    # files come to the browser (no folder on the server is asked for).
    wait_for_text(page, "arrive as downloads")
    assert "Folder" not in screen_text(page)
    page.keyboard.press("Enter")
    wait_for_text(page, "is ready", timeout=120_000)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    received = download.value
    assert received.suggested_filename.endswith(".pdf")
    assert received.suggested_filename.startswith("Club-Delft-")
    data = Path(received.path()).read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    with page.expect_download() as bundle:
        page.keyboard.press("z")
    assert bundle.value.suggested_filename.endswith(".zip")
    page.context.close()
