"""Capacity of ``reciprocity serve``: what one browser session costs, and a chapter at once.

Usage (after the quick-start install, with Debian's chromium installed)::

    python benchmarks/serve_timing.py --tier chapter
    python benchmarks/serve_timing.py --tier national --pg postgresql+psycopg://user:pw@host/db
    python benchmarks/serve_timing.py --tier chapter --sessions 20 --referrals 5 --out serve.json

It starts ``reciprocity serve`` on a copy of the tier's dataset (``run.py`` builds and caches
it; with ``--pg``, on that PostgreSQL database, from which its rows are removed again), gives
``--sessions`` members of the busiest network a password, and opens one Chromium page per
member: one in Chromium alone (the page, its paint and its memory), then every member at
once over textual-serve's websocket as a browser speaks it (members' browsers run on
members' devices, so their rendering is kept off the server's cores). Each signs in and,
once all are signed in, logs ``--referrals`` referrals at full typing speed. Figures:

- **open → sign-in painted** and **sign-in → dashboard cards painted** per session
  (target: opening the page to a painted dashboard ≤ 3 s);
- **peak RSS per session** (``VmHWM`` of each app process; target ≤ 120 MB);
- **save**: from ctrl+s to the row being in the database, p50 and p95 (target p95 ≤ 1 s),
  with the count of new rows (target: exactly sessions × referrals) and of errors (0).

The machine has 2 cores: the 20 app processes and the server share them, so the save
times include waiting for a core.
"""

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 1"
CARDS = re.compile(r"\d+ / \d+")
SIGNED_IN = re.compile(rb"Welcome|\d+ / \d+")
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-_])")
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
SCREEN_JS = """() => { const t = window.__xterm; if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < t.rows; i++) rows.push(b.getLine(i).translateToString(true));
  return rows.join(String.fromCharCode(10)); }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _members(url: str, count: int) -> tuple[list[str], list[str]]:
    """``count`` members of the busiest network with a password, and whom each gives to."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from reciprocity.ledger.signin import choose_password, invite_member
    from reciprocity.store.engine import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        network = session.execute(
            sa.text(
                "SELECT network_id FROM membership WHERE left_on IS NULL "
                "GROUP BY network_id ORDER BY count(*) DESC, network_id LIMIT 1"
            )
        ).scalar_one()
        names = [
            name
            for (name,) in session.execute(
                sa.text(
                    "SELECT m.name FROM member m JOIN membership s ON s.member_id = m.id "
                    "WHERE s.network_id = :n AND s.left_on IS NULL AND m.active "
                    "AND NOT EXISTS (SELECT 1 FROM membership o WHERE o.member_id = m.id "
                    "AND o.network_id <> :n AND o.left_on IS NULL) ORDER BY m.id"
                ),
                {"n": network},
            )
        ]
        if len(names) < count + 1:
            raise SystemExit(f"the busiest network has only {len(names)} members")
        givers, receivers = names[:count], [names[(i + 1) % len(names)] for i in range(count)]
        for name in givers:
            invited = invite_member(session=session, name=name, acting_id=None)
            assert invited is not None
            choose_password(
                session=session, name=name, code=invited.code, password=PASSWORD, repeated=PASSWORD
            )
    engine.dispose()
    return givers, receivers


_ENGINES: dict[str, Any] = {}


def _count(url: str, summary_like: str) -> int:
    """Rows whose summary matches, on one engine per database kept for the whole run (the
    benchmark's own polling must not cost the machine what it measures)."""
    import sqlalchemy as sa

    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = sa.create_engine(url, pool_size=4)
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT count(*) FROM exchange WHERE summary LIKE :s"),
                {"s": summary_like},
            ).scalar_one()
        )


def _session_peaks() -> dict[int, int]:
    """Peak RSS (MB) of every served session process running now, by pid."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            cmdline = (status.parent / "cmdline").read_bytes()
            if b"reciprocity.serve.session" not in cmdline:
                continue
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[int(status.parent.name)] = round(int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            continue
    return peaks


def _session_rss() -> list[int]:
    """Peak RSS (MB) of every served session process running now."""
    return list(_session_peaks().values())


class Page:
    """One member's browser page on the served app."""

    def __init__(self, page: Any, index: int) -> None:
        self.page = page
        self.index = index

    async def text(self) -> str:
        text: str = await self.page.evaluate(SCREEN_JS)
        return text

    async def wait_for(self, pattern: re.Pattern[str] | str, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while True:
            text = await self.text()
            if pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text:
                return
            if time.perf_counter() > deadline:
                raise TimeoutError(f"session {self.index}: no {pattern!r} on screen")
            await asyncio.sleep(0.02)


async def _open(browser: Any, address: str, index: int, giver: str) -> tuple[Page, dict[str, Any]]:
    """Open the page and sign in: the open → sign-in → dashboard times."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})

    async def expose(route: Any) -> None:
        response = await route.fetch()
        body = await response.text()
        exposed = body.replace(HOOK, f"window.__xterm=this.terminal,{HOOK}", 1)
        await route.fulfill(response=response, body=exposed)

    await context.route("**/static/js/textual.js", expose)
    page = Page(await context.new_page(), index)
    times: dict[str, Any] = {}
    opened = time.perf_counter()
    await page.page.goto(address)
    await page.wait_for("Sign in")
    times["sign_in_painted_s"] = time.perf_counter() - opened
    await page.page.focus(".xterm-helper-textarea")
    signing = time.perf_counter()
    await page.page.keyboard.type(giver)
    await page.page.keyboard.press("Tab")
    await page.page.keyboard.type(PASSWORD)
    await page.page.keyboard.press("Enter")
    await page.wait_for(CARDS)
    times["dashboard_painted_s"] = time.perf_counter() - signing
    times["open_to_dashboard_s"] = time.perf_counter() - opened
    return page, times


class Terminal:
    """A browser's side of textual-serve's websocket, without a browser: what a member's
    keys send (``["stdin", text]``), and the screen's bytes read and kept.

    Members' browsers run on members' devices; driving the 20 sessions this way keeps 20
    Chromium renderers off the server's two cores, so the figures are the server's."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self.seen = bytearray()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            if isinstance(message.data, bytes):
                self.seen += message.data

    async def type(self, text: str) -> None:
        await self.websocket.send_str(json.dumps(["stdin", text]))

    async def wait_for(self, pattern: re.Pattern[bytes], timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while not pattern.search(self.seen):
            if time.perf_counter() > deadline:
                screen = ANSI.sub("", self.seen.decode(errors="replace"))
                last = " ".join(screen.split())[-160:]
                raise TimeoutError(f"{pattern.pattern!r} never appeared; last on screen: {last}")
            await asyncio.sleep(0.05)
        self.seen.clear()


async def _member(
    address: str,
    url: str,
    index: int,
    giver: str,
    receiver: str,
    referrals: int,
    signed_in: asyncio.Barrier,
) -> dict[str, Any]:
    """One member: sign in, wait for everyone, then log at full typing speed."""
    import aiohttp

    result: dict[str, Any] = {"errors": 0, "saves": []}
    waiting = True
    socket_url = address.replace("http", "ws", 1) + "ws?width=120&height=34"
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(socket_url, max_msg_size=0) as websocket,
        ):
            terminal = Terminal(websocket)
            await terminal.wait_for(re.compile(b"Sign in"))
            await terminal.type(f"{giver}\t{PASSWORD}\r")
            # Signed in: the welcome toast, or the dashboard's cards when the toast was
            # drawn in pieces over lines that were already on screen.
            await terminal.wait_for(SIGNED_IN)
            await asyncio.sleep(2)  # the dashboard's cards, trend and nudges
            waiting = False
            await signed_in.wait()
            # After a meeting: l once, then one referral after another in the quick log,
            # which keeps the form open for the next entry.
            await terminal.type("l")
            for number in range(referrals):
                summary = f"bench-{index}-{number}"
                await terminal.type(f"{receiver}\r{summary}")
                saved = time.perf_counter()
                await terminal.type("\x13")  # ctrl+s
                while await asyncio.to_thread(_count, url, summary) != 1:
                    if time.perf_counter() - saved > 60:
                        raise TimeoutError(f"session {index}: {summary} never saved")
                    await asyncio.sleep(0.05)
                result["saves"].append(time.perf_counter() - saved)
            if b"could not be reached" in terminal.seen:
                result["errors"] += 1
            terminal.reader.cancel()
    except Exception as error:  # a benchmark reports failures, it does not stop at one
        result["errors"] += 1
        result["error"] = f"{type(error).__name__}: {error}"
        if waiting:  # the others still wait for this member at the barrier
            await signed_in.wait()
    return result


async def _measure_pages(
    address: str, url: str, givers: list[str], receivers: list[str], referrals: int
) -> dict[str, Any]:
    """One session alone in Chromium first; then every member at once over websockets."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_ARGS,
        )
        _alone, alone_times = await _open(browser, address, 0, givers[0])
        alone_rss = _session_rss()
        await browser.close()
    signed_in = asyncio.Barrier(len(givers))
    peaks: dict[int, int] = {}
    sampling = asyncio.create_task(_sample_rss(peaks))
    logged = await asyncio.gather(
        *(
            _member(address, url, index, giver, receivers[index], referrals, signed_in)
            for index, giver in enumerate(givers)
        )
    )
    sampling.cancel()
    return {
        "alone": alone_times,
        "alone_rss": alone_rss,
        "logged": logged,
        "rss": list(peaks.values()),
    }


async def _sample_rss(peaks: dict[int, int]) -> None:
    """Every session process's peak RSS (VmHWM), sampled while they run."""
    while True:
        for pid, peak in _session_peaks().items():
            peaks[pid] = max(peak, peaks.get(pid, 0))
        await asyncio.sleep(0.5)


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reciprocity",
            "--db",
            url,
            "serve",
            "--port",
            str(port),
            "--max-sessions",
            "200",
            "--title",
            "Benchmark",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("reciprocity serve did not start") from None
            time.sleep(0.1)


def measure(url: str, sessions: int, referrals: int, engine: str) -> list[dict[str, Any]]:
    """The serve figures on the database at ``url``."""
    givers, receivers = _members(url, sessions)
    port = _free_port()
    server = _serve(url, port)
    try:
        found = asyncio.run(
            _measure_pages(f"http://127.0.0.1:{port}/", url, givers, receivers, referrals)
        )
    finally:
        server.terminate()
        server.wait(30)
    saves = sorted(s for r in found["logged"] for s in r["saves"])
    p95 = saves[max(0, round(0.95 * len(saves)) - 1)] if saves else None
    alone, rss = found["alone"], found["rss"]
    return [
        {
            "figure": f"one session: open page → sign-in painted ({engine})",
            "seconds": round(alone["sign_in_painted_s"], 2),
        },
        {
            "figure": f"one session: open page → dashboard painted, sign-in typed ({engine})",
            "seconds": round(alone["open_to_dashboard_s"], 2),
            "target": "≤ 3 s",
            "met": alone["open_to_dashboard_s"] <= 3,
        },
        {
            "figure": f"peak RSS per served session ({engine})",
            "alone_mb": max(found["alone_rss"], default=None),
            "median_mb": statistics.median(rss) if rss else None,
            "worst_mb": max(rss) if rss else None,
            "sessions_seen": len(rss),
            "target": "≤ 120 MB",
            "met": bool(rss) and max(rss) <= 120,
        },
        {
            "figure": f"{sessions} signed-in sessions × {referrals} referrals at once ({engine})",
            "new_rows": _count(url, "bench-%"),
            "expected_rows": sessions * referrals,
            "errors": sum(r["errors"] for r in found["logged"]),
            "save_p50_s": round(statistics.median(saves), 3) if saves else None,
            "save_p95_s": round(p95, 3) if p95 is not None else None,
            "target": "0 errors, exactly the rows, p95 ≤ 1 s",
            "met": p95 is not None and p95 <= 1,
            "failures": [r["error"] for r in found["logged"] if "error" in r][:5],
        },
    ]


def main() -> None:
    from run import TIERS, dataset, load_postgresql, sqlite_url

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tier", choices=sorted(TIERS), default="chapter")
    parser.add_argument("--pg", metavar="URL", help="Also measure on this PostgreSQL database.")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--referrals", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    source = dataset(TIERS[arguments.tier], arguments.cache.resolve())
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "served.sqlite"
        shutil.copy(source, copy)
        rows += measure(sqlite_url(copy), arguments.sessions, arguments.referrals, "SQLite")
    if arguments.pg:
        load_postgresql(source, arguments.pg)
        try:
            rows += measure(arguments.pg, arguments.sessions, arguments.referrals, "PostgreSQL")
        finally:
            _clean_pg(arguments.pg)
    results = {"tier": arguments.tier, "rows": rows}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if arguments.out:
        arguments.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def _clean_pg(url: str) -> None:
    """Take the benchmark's rows and passwords out of the shared PostgreSQL dataset."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM exchange WHERE summary LIKE 'bench-%'"))
        for table in ("sign_in", "invitation", "credential"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    engine.dispose()


if __name__ == "__main__":
    main()
