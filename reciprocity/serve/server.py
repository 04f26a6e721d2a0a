"""The web server behind ``reciprocity serve``: textual-serve, made fit for a group.

textual-serve (Textualize's own server, aiohttp underneath) serves a page with a
terminal in it and starts one app process per browser connection. On top of it:

- Sessions run ``python -m reciprocity.serve.session`` with ``exec`` (one process per tab,
  not a shell and a process), and get the database URL, the group's name, the idle limit
  and the language through their environment; ``RECIPROCITY_AS`` is removed, so no
  session acts as anyone before signing in.
- Our own page (``templates/app_index.html``): a title, a viewport for phones, the bundled
  Roboto Mono (no request to Google Fonts), and a font size that fits at least 80×24
  cells in the browser window (``?fontsize=N`` still overrides).
- A session that ends by itself (signed out, idle, crashed) closes its page ("Session
  ended"); a session that does not quit within a few seconds of its tab closing, or of
  the server stopping, is killed; ``--max-sessions`` caps how many run at once.
- No directory listings under ``/static``, and a log in plain lines for journald.

textual-serve speaks plain HTTP: put it behind a reverse proxy for HTTPS (README, "Run it
for your group").
"""

import asyncio
import logging
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import textual_serve.server as textual_server
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from reciprocity.serve.session import IDLE_VARIABLE, TITLE_VARIABLE

log = logging.getLogger("textual-serve")

TEMPLATES = Path(__file__).parent / "templates"
STOP_SECONDS = 3.0
"""How long a session may take to quit before it is killed."""
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


class SessionService(AppService):
    """One browser's app process, stopped for sure and never left frozen."""

    live: "set[SessionService]" = set()
    environment: dict[str, str] = {}

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env: dict[str, str] = super()._build_environment(width, height)
        env.pop("RECIPROCITY_AS", None)
        env.update(self.environment)
        return env

    async def start(self, width: int, height: int) -> None:
        await super().start(width, height)
        self.live.add(self)

    async def run(self) -> None:
        await super().run()
        # The app ended by itself (signed out, idle, crashed): close the page, so the
        # browser says "Session ended" instead of showing a terminal that no longer answers.
        await self.remote_close()

    async def stop(self) -> None:
        process = self._process
        try:
            await asyncio.wait_for(super().stop(), STOP_SECONDS)
        except TimeoutError:
            self._task = None
        finally:
            self.live.discard(self)
            if process is not None and process.returncode is None:
                try:
                    await asyncio.wait_for(process.wait(), 1.0)
                except TimeoutError:
                    log.warning("session pid %s did not quit; killing it", process.pid)
                    process.kill()
                    await process.wait()


# Server.handle_websocket looks AppService up in its own module.
textual_server.AppService = SessionService  # type: ignore[attr-defined]


class GroupServer(Server):
    """textual-serve with our page, plain logs, a session cap and a clean shutdown."""

    def __init__(self, *args: Any, max_sessions: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_sessions = max_sessions
        self.templates_path = TEMPLATES

    def initialize_logging(self) -> None:
        logging.basicConfig(
            level="DEBUG" if self.debug else "INFO",
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        for resource in app.router.resources():
            if isinstance(resource, web.StaticResource):
                resource._show_index = False
        return app

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if len(SessionService.live) >= self.max_sessions:
            log.warning("refused a session: %s are running", len(SessionService.live))
            raise web.HTTPServiceUnavailable(text="Too many sessions; try again in a moment.")
        response: web.WebSocketResponse = await super().handle_websocket(request)
        return response

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(
            f"Reciprocity for {self.title} at {self.public_url} (ctrl+c stops the server)",
            highlight=False,
            markup=False,
        )

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(
            *(service.stop() for service in list(SessionService.live)), return_exceptions=True
        )


def public_url_for(host: str, port: int, public_url: str | None) -> str | None:
    """The address browsers use; ``None`` when a wildcard host leaves it unknown."""
    if public_url:
        return public_url.rstrip("/")
    if host in WILDCARD_HOSTS:
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(
    *,
    url: str,
    host: str,
    port: int,
    public_url: str,
    title: str,
    idle_minutes: int,
    language: str,
    max_sessions: int,
) -> None:
    """Serve the app for ``url``'s ledger until interrupted (ctrl+c or SIGTERM)."""
    SessionService.environment = {
        "RECIPROCITY_DB": url,
        TITLE_VARIABLE: title,
        IDLE_VARIABLE: str(idle_minutes),
        "RECIPROCITY_LANG": language,
    }
    command = f"exec {shlex.quote(sys.executable)} -m reciprocity.serve.session"
    server = GroupServer(
        command,
        host=host,
        port=port,
        title=title,
        public_url=public_url,
        max_sessions=max_sessions,
    )
    os.environ.pop("RECIPROCITY_AS", None)
    server.serve()
