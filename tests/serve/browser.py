"""Driving the served app in a real browser: Debian's Chromium through Playwright.

The served app draws on a canvas (xterm.js), so tests read the screen through xterm's
own buffer: :func:`expose_terminal` rewrites textual.js as it loads so the page keeps
a handle on the terminal (``window.__xterm``), and :func:`screen_text` /
:func:`wait_for_text` read its rows. Keys go to xterm's hidden text area, typed with no
delay between them. A screenshot can be saved for looking at.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOOK = "this.terminal.open(e)"


def have_chromium() -> bool:
    """Whether the system Chromium is installed (``.ci/run`` installs it)."""
    return Path(CHROMIUM).exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(db_url: str, *, title: str = "Club Delft") -> Iterator[str]:
    """``reciprocity --db URL serve`` on a free port; yields the address browsers open."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "RECIPROCITY_AS"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reciprocity",
            "--db",
            db_url,
            "serve",
            "--port",
            str(port),
            "--title",
            title,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(address, timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    said = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"the server did not start: {said}") from None
                time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def expose_terminal(route: Any) -> None:
    """Serve textual.js with the terminal kept at ``window.__xterm`` (tests only)."""
    response = route.fetch()
    body = response.text()
    assert HOOK in body, "textual-serve's textual.js changed; update the test hook"
    route.fulfill(
        response=response, body=body.replace(HOOK, f"window.__xterm=this.terminal,{HOOK}", 1)
    )


def new_page(browser: Any, address: str, *, width: int = 1280, height: int = 720) -> Any:
    """A fresh browser context on the served app, ready for keys once it painted."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.route("**/static/js/textual.js", expose_terminal)
    page = context.new_page()
    page.goto(address)
    wait_for_text(page, "Sign in")
    page.focus(".xterm-helper-textarea")
    return page


def screen_text(page: Any) -> str:
    """Every row of the terminal, as text."""
    text: str = page.evaluate(
        """() => { const t = window.__xterm; if (!t) return "";
        const b = t.buffer.active, rows = [];
        for (let i = 0; i < t.rows; i++) rows.push(b.getLine(i).translateToString(true));
        return rows.join(String.fromCharCode(10)); }"""
    )
    return text


def wait_for_text(page: Any, text: str, timeout: float = 30_000) -> None:
    """Wait until ``text`` shows on some row of the terminal."""
    page.wait_for_function(
        """(text) => { const t = window.__xterm; if (!t) return false;
        const b = t.buffer.active;
        for (let i = 0; i < t.rows; i++)
            if (b.getLine(i).translateToString(true).includes(text)) return true;
        return false; }""",
        arg=text,
        timeout=timeout,
    )


def terminal_size(page: Any) -> tuple[int, int]:
    cols, rows = page.evaluate("[window.__xterm.cols, window.__xterm.rows]")
    return int(cols), int(rows)
