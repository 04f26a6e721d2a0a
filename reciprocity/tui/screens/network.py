"""Network (organisers): every member's balance and follow-up quality, and the network's
health: free riders, reciprocity, Gini. The monthly report is exported from here.

The table is sortable (s cycles the column, or select a header; ▼/▲ marks it) and fills
lazily: rows are added a few hundred at a time as the cursor nears the end, so a national
network of 20,000 members does not sit in the widget at once. ``[`` and ``]`` step to an
earlier or later period. The export first asks who the report is for (``c`` the whole
group, ``l`` the leadership team), then runs
``reciprocity.reporting.monthly.write_monthly_report`` in a thread worker as the acting
member (the report checks the role itself) and shows its progress: a whole month on
screen is exported as it is; for a quarter, a year or the month still running a small
dialog asks which month (default: the last complete one) and which folder (default:
``platformdirs.user_documents_dir()``/Reciprocity). A folder that already holds that
report is replaced only after a yes.
"""

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, ProgressBar

from reciprocity.i18n import N_, _, format_number, format_percent, ngettext, pgettext
from reciprocity.ledger.errors import LedgerError
from reciprocity.reporting.audience import Audience
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.tui.periods import last_complete_month, next_period, period_bounds, shifted_day
from reciprocity.tui.screens.base import LedgerModal, LedgerScreen
from reciprocity.tui.screens.dialogs import (
    DIALOG_CSS,
    SAVE_HINT,
    AudienceDialog,
    ConfirmDialog,
    ReportReadyDialog,
)
from reciprocity.tui.text import fold_path, plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns

CHUNK = 200
COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "member"),
    ("given_points", "given"),
    ("received_points", "recv"),
    ("balance", "bal"),
    ("ratio", "ratio"),
    ("received", "refs in"),
    ("contact_rate", "contact"),
    ("conversion_rate", "conv"),
    ("avg_rating", "rating"),
    ("light", "light"),
)
COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    (N_("member"), 13),
    (N_("giv"), 5),
    (N_("rec"), 5),
    (N_("bal"), 5),
    (N_("ratio"), 5),
    (N_("refs"), 4),
    (N_("cont"), 5),
    (N_("conv"), 4),
    ("rate", 4),
    (N_("light"), 6),
)
LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "red", "grey": "bright_black"}
"""A member's Traffic Light (``analytics.traffic_lights``) in its own colour."""
LIGHT_WORDS = {
    "green": N_("green"),
    "yellow": N_("yellow"),
    "red": N_("red"),
    "grey": N_("grey"),
}


def previous_month(today: date) -> str:
    """``YYYY-MM`` of the last whole month before ``today``."""
    return last_complete_month(today)


def month_to_export(period: str, start: date, end: date, today: date) -> str | None:
    """The month to export without asking: the one on screen when the period is a whole
    month that is over; ``None`` (ask) for a quarter, a year or the month still running."""
    if period == "month" and end < today and (end + timedelta(days=1)).day == 1:
        return f"{start:%Y-%m}"
    return None


def check_month(text: str, today: date) -> str | None:
    """Why ``text`` is not a month one can export (``None`` when it is fine)."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        return _("The month '{text}' is not a month; type it as YYYY-MM, e.g. 2026-10.").format(
            text=text
        )
    if (int(found.group(1)), int(found.group(2))) > (today.year, today.month):
        return _("The month {text} is in the future.").format(text=text)
    return None


def report_folder(
    base: Path, network: str, month: str, audience: Audience = Audience.CHAPTER
) -> Path:
    """Where a report goes: ``<base>/<network>-<YYYY-MM>``, with ``-leadership`` after it
    for the leadership team's."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in network).strip("-")
    suffix = "" if audience is Audience.CHAPTER else "-leadership"
    return base / f"{safe}-{month}{suffix}"


def download_stem(network: str, month: str, audience: Audience) -> str:
    """The download's file name without suffix: letters, digits, ``-`` and ``_`` only
    (browsers mangle or refuse other characters in a download's name)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in network)
    safe = "-".join(part for part in safe.split("-") if part) or "report"
    suffix = "" if audience is Audience.CHAPTER else "-leadership"
    return f"{safe}-{month}{suffix}"


def report_downloads(written: list[Path], stem: str) -> dict[str, bytes]:
    """The report's files as downloads: the PDF, the workbook, and every file in a zip."""
    import io
    import zipfile

    files: dict[str, bytes] = {}
    for path in written:
        if path.suffix in {".pdf", ".xlsx"}:
            files[f"{stem}{path.suffix}"] = path.read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in written:
            bundle.write(path, arcname=f"{stem}/{path.name}")
    files[f"{stem}.zip"] = archive.getvalue()
    return files


def default_report_base() -> Path:
    """``platformdirs.user_documents_dir()``/Reciprocity (on Linux the XDG documents
    folder of ``user-dirs.dirs``, else ~/Documents)."""
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "Reciprocity"


class ExportDialog(LedgerModal[tuple[str, Path] | None]):
    """Which month to export, and in which folder; returns ``(month, folder)``."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExportDialog")
        + """
    ExportDialog .form-row { height: 1; }
    ExportDialog .form-label { width: 8; color: $text-muted; }
    ExportDialog .form-row Input { width: 1fr; }
    ExportDialog #export-where { height: auto; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="export.cancel", tooltip=N_("Export nothing.")
        ),
        Binding(
            "ctrl+s",
            "save",
            N_("Export"),
            id="export.save",
            priority=True,
            tooltip=N_("Export it."),
        ),
    ]

    def __init__(
        self, network: str, month: str, base: Path | None, shown: str, audience: Audience
    ) -> None:
        """``base`` ``None``: the report goes to the browser (served), so no folder."""
        super().__init__()
        self.network = network
        self.month = month
        self.base = base
        self.shown = shown
        self.audience = audience

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("Export the monthly report of {network}").format(network=self.network),
                markup=False,
            )
            yield Label(
                _("The screen shows {period}; a report covers one whole month.").format(
                    period=self.shown
                ),
                classes="hint",
            )
            with Horizontal(classes="form-row"):
                yield Label(_("Month"), classes="form-label")
                yield Input(self.month, placeholder="YYYY-MM", id="export-month", compact=True)
            with Horizontal(classes="form-row", id="export-folder-row"):
                yield Label(_("Folder"), classes="form-label")
                yield Input(str(self.base or ""), id="export-base", compact=True)
            yield Label("", id="export-where", classes="hint", markup=False)
            yield Label("", markup=False, classes="error", id="export-error")
            yield Label(_(SAVE_HINT), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#export-folder-row").display = self.base is not None
        self._where()

    @on(Input.Changed)
    def _where(self) -> None:
        if self.base is None:
            self.query_one("#export-where", Label).update(
                _("The files arrive as downloads in your browser.")
            )
            return
        month = self.query_one("#export-month", Input).value.strip()
        base = Path(self.query_one("#export-base", Input).value.strip()).expanduser()
        self.query_one("#export-error", Label).update("")
        self.query_one("#export-where", Label).update(
            _("Files go in:")
            + "\n"
            + fold_path(report_folder(base, self.network, month, self.audience), 64)
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Return the month and folder, or say what is wrong with them."""
        month = self.query_one("#export-month", Input).value.strip()
        base_text = self.query_one("#export-base", Input).value.strip()
        problem = check_month(month, self.rapp.today())
        if problem is None and not base_text and self.base is not None:
            problem = _("Type the folder the report goes in.")
        if problem:
            self.query_one("#export-error", Label).update(problem)
            return
        year, number = month.split("-")
        self.dismiss((f"{year}-{int(number):02d}", Path(base_text).expanduser()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _heading(label: str) -> str:
    """A column's heading in the active language. 'rate' (the givers' average rating) is
    also a verb in the ledger's sentences, so here it has a context of its own."""
    return pgettext("network table", "rate") if label == "rate" else _(label)


def _cell(value: Any, key: str) -> str | Text:
    if key == "member":
        return plain(value)
    if key == "light" and value is not None:
        return Text(_(LIGHT_WORDS[value]), style=LIGHT_STYLES[value])
    if value is None:
        return "—"
    if key in {"contact_rate", "conversion_rate"}:
        return format_percent(value)
    if key in {"ratio", "avg_rating"}:
        return format_number(value, 2)
    if key == "balance":
        return ("+" if value >= 0 else "") + format_number(value)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


class NetworkScreen(LedgerScreen):
    """The organiser's view of one network."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "next_network",
            N_("Next network"),
            id="network.next",
            tooltip=N_("Show another network."),
        ),
        Binding(
            "p", "period", N_("Period"), id="network.period", tooltip=N_("Month, quarter or year.")
        ),
        Binding(
            "left_square_bracket",
            "shift(1)",
            N_("Earlier"),
            id="network.earlier",
            show=False,
            tooltip=N_("Show the period before."),
        ),
        Binding(
            "right_square_bracket",
            "shift(-1)",
            N_("Later"),
            id="network.later",
            show=False,
            tooltip=N_("Show the period after (up to today's)."),
        ),
        Binding("s", "sort", N_("Sort"), id="network.sort", tooltip=N_("Sort by the next column.")),
        Binding(
            "t",
            "attendance",
            N_("Attendance"),
            id="network.attendance",
            tooltip=N_("Record who attended the latest meeting: p, a, l, m or s a member."),
        ),
        Binding(
            "r",
            "export",
            N_("Export monthly report"),
            id="network.export",
            tooltip=N_("Write a month's report (PDF, HTML, XLSX, CSV, PNG) in a folder."),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.networks: list[tuple[int, str]] = []
        self.network_index = 0
        self.period = "month"
        self.back = 0
        self.rows: list[dict[str, Any]] = []
        self.shown = 0
        self.sort_index = 3
        self.sort_reverse = True
        self.report_base: Path | None = None
        """The folder reports go under (``None``: :func:`default_report_base`)."""
        self.exported: list[Path] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="network-title")
        yield Label("", id="network-stats")
        yield FlexTable(id="network-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="export-row"):
            yield Button(_("Export monthly report (r)"), id="export", compact=True)
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
        yield Label("", id="export-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#network-table", DataTable)
        add_columns(table, *COLUMN_WIDTHS, flex=("member",))
        table.columns["rate"].label = Text(_heading("rate"))  # type: ignore[index]
        self.query_one("#export-progress").display = False
        super().on_mount()

    # -- loading ---------------------------------------------------------------------------

    def forget(self) -> None:
        """Another member acts now: nothing of the last one's networks stays on screen."""
        self.networks = []
        self.network_index = 0
        self.rows = []
        self.shown = 0
        self.query_one("#network-table", DataTable).clear()
        self.query_one("#network-title", Label).update("")
        self.query_one("#network-stats", Label).update("")
        self.query_one("#export-status", Label).update("")

    def reload(self) -> None:
        app = self.rapp
        if not app.identified:
            return
        me = app.acting_id

        def networks(session: Session) -> list[tuple[int, str]]:
            from reciprocity.ledger.networks import list_networks, organised_network_ids

            mine = organised_network_ids(session=session, member_id=me) if me else None
            return [
                (n.id, n.name)
                for n in list_networks(session=session)
                if n.id is not None and (mine is None or n.id in mine)
            ]

        self.ledger_call(networks, self._networks_loaded, group="networks")

    def _networks_loaded(self, networks: list[tuple[int, str]]) -> None:
        if not networks:
            self.forget()
            self.query_one("#network-title", Label).update(
                _("You organise no network: this view is for organisers.")
            )
            return
        self.networks = networks
        self.network_index %= len(networks)
        self._load_network()

    def _load_network(self) -> None:
        network_id, name = self.networks[self.network_index]
        today = self.rapp.today()
        start, end, label = period_bounds(self.period, shifted_day(self.period, today, self.back))
        self.query_one("#network-title", Label).update(
            _("{network} · {period} ([ ] earlier/later)").format(network=name, period=label)
        )

        me = self.rapp.acting_id

        def load(session: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            from reciprocity.analytics.balances import compute_balances
            from reciprocity.analytics.network import compute_stats
            from reciprocity.analytics.quality import compute_quality
            from reciprocity.analytics.scope import Scope
            from reciprocity.analytics.traffic_lights import lights_by_member

            scope = Scope(network_id=network_id, start=start, end=end)
            quality = {r["member_id"]: r for r in compute_quality(session=session, scope=scope)}
            lights = lights_by_member(
                session=session, network_id=network_id, as_of=min(end, today), acting_id=me
            )
            rows = [
                {**quality.get(row["member_id"], {}), **row, "light": lights.get(row["member_id"])}
                for row in compute_balances(session=session, scope=scope)
            ]
            return rows, compute_stats(session=session, scope=scope, as_of=end)

        def show(loaded: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
            # A load for a network this member may no longer see is dropped.
            if self.networks and self.networks[self.network_index][0] == network_id:
                self._show(loaded)

        self.ledger_call(load, show, group="network")

    def _show(self, loaded: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        rows, stats = loaded
        free = stats["free_riders"]
        riders = (
            ngettext("{names} and {count} more", "{names} and {count} more", len(free) - 4).format(
                names=", ".join(free[:4]), count=len(free) - 4
            )
            if len(free) > 4
            else ", ".join(free)
        )
        reciprocity = stats["reciprocity"]
        gini = stats["gini"]
        share = stats["share_nonnegative"]
        self.query_one("#network-stats", Label).update(
            _(
                "{members} members · reciprocity {reciprocity} · Gini {gini} · "
                "balance ≥ 0: {share}\nFree riders in the last 90 days: {riders}"
            ).format(
                members=format_number(stats["members"]),
                reciprocity="—" if reciprocity is None else format_percent(reciprocity),
                gini="—" if gini is None else format_number(gini, 2),
                share="—" if share is None else format_percent(share),
                riders=riders or _("none"),
            )
        )
        self.rows = rows
        self._render_rows()

    def _render_rows(self) -> None:
        key = COLUMNS[self.sort_index][0]

        def order(row: dict[str, Any]) -> tuple[bool, Any]:
            value = row.get(key)
            missing = value is None
            return (missing != self.sort_reverse, value if not missing else 0)

        self.rows.sort(key=order, reverse=self.sort_reverse)
        table = self.query_one("#network-table", DataTable)
        for index, (label, _width) in enumerate(COLUMN_WIDTHS):
            mark = ("▼" if self.sort_reverse else "▲") if index == self.sort_index else ""
            table.columns[label].label = Text(_heading(label) + mark)  # type: ignore[index]
        table.clear()
        self.shown = 0
        self._add_chunk()

    def _add_chunk(self) -> None:
        table = self.query_one("#network-table", DataTable)
        chunk = self.rows[self.shown : self.shown + CHUNK]
        for row in chunk:
            table.add_row(*(_cell(row.get(key), key) for key, _heading in COLUMNS))
        self.shown += len(chunk)

    @on(DataTable.RowHighlighted, "#network-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self.shown < len(self.rows) and event.cursor_row >= self.shown - 10:
            self._add_chunk()

    @on(DataTable.HeaderSelected, "#network-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index == self.sort_index:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_index = event.column_index
            self.sort_reverse = event.column_index != 0
        self._render_rows()

    # -- actions ---------------------------------------------------------------------------

    def action_next_network(self) -> None:
        """Show the next network I organise."""
        if not self.networks:
            self.notify(_("You organise no network."), severity="warning")
            return
        if len(self.networks) == 1:
            self.notify(
                _("You organise one network: {network}.").format(network=self.networks[0][1])
            )
            return
        self.network_index = (self.network_index + 1) % len(self.networks)
        self._load_network()

    def action_period(self) -> None:
        """Cycle month → quarter → year (the one holding today)."""
        self.period = next_period(self.period)
        self.back = 0
        if self.networks:
            self._load_network()

    def action_shift(self, step: int) -> None:
        """Step ``step`` periods back (negative: forward), never past today's."""
        if self.back + step < 0:
            self.notify(_("This is the period holding today; there is none later."))
            return
        self.back += step
        if self.networks:
            self._load_network()

    def action_sort(self) -> None:
        """Sort by the next column (names A–Z, numbers highest first)."""
        self.sort_index = (self.sort_index + 1) % len(COLUMNS)
        self.sort_reverse = self.sort_index != 0
        self._render_rows()

    def action_attendance(self) -> None:
        """Record attendance at this network's latest meeting, one key a member."""
        if not self.networks:
            self.notify(_("Choose a network you organise first."), severity="warning")
            return
        from reciprocity.tui.screens.attendance import open_attendance

        open_attendance(self, self.networks[self.network_index][0], self.rapp.today())

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        """Ask who the report is for, then export the month on screen, or ask which month
        and folder first."""
        if not self.networks:
            self.notify(_("Choose a network you organise first."), severity="warning")
            return
        _network_id, name = self.networks[self.network_index]

        def chosen(audience: Audience | None) -> None:
            if audience is not None:
                self._export_for(audience)

        self.app.push_screen(AudienceDialog(name), chosen)

    def _export_for(self, audience: Audience) -> None:
        _network_id, name = self.networks[self.network_index]
        today = self.rapp.today()
        start, end, label = period_bounds(self.period, shifted_day(self.period, today, self.back))
        served = self.rapp.served
        base = None if served else (self.report_base or default_report_base())
        month = month_to_export(self.period, start, end, today)
        if month is not None:
            self._export_month(month, base, audience)
            return

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                month, folder = answer
                self._export_month(month, None if served else folder, audience)

        shown = _("{period} (still running)").format(period=label) if end >= today else label
        dialog = ExportDialog(name, last_complete_month(today), base, shown, audience)
        self.app.push_screen(dialog, chosen)

    def _export_month(self, month: str, base: Path | None, audience: Audience) -> None:
        """Into the folder, or (served: ``base`` ``None``) to the browser."""
        _network_id, name = self.networks[self.network_index]
        if base is None:
            self.deliver(month, audience)
        else:
            self.export(month, report_folder(base, name, month, audience), audience)

    def deliver(self, month: str, audience: Audience) -> None:
        """Served: write the report in a private folder on the server, keep its files in
        memory, remove the folder, and offer them as downloads (:class:`ReportReadyDialog`).

        A browser opens a download only within a few seconds of a key press, and a report
        takes longer, so the files are offered on the member's next key."""
        network_id, name = self.networks[self.network_index]
        status = self.query_one("#export-status", Label)
        progress = self.query_one("#export-progress", ProgressBar)
        progress.display = True
        status.update(_("Preparing the report of {month}…").format(month=month))
        app = self.rapp
        acting_id = app.acting_id
        stem = download_stem(name, month, audience)

        def told(message: str) -> None:
            app.call_from_thread(status.update, message[:76])

        def build(session: Session) -> dict[str, bytes]:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="reciprocity-report-") as scratch:
                written = write_monthly_report(
                    session=session,
                    network_id=network_id,
                    month=month,
                    out_dir=Path(scratch) / "report",
                    acting_id=acting_id,
                    audience=audience,
                    progress=told,
                )
                return report_downloads(written, stem)

        def built(files: dict[str, bytes]) -> None:
            progress.display = False
            status.update("")
            app.push_screen(ReportReadyDialog(name, month, files))

        def failed(error: LedgerError) -> None:
            progress.display = False
            status.update("")
            app.notify_refused(error)

        self.ledger_call(build, built, group="export", refused=failed)

    def export(
        self,
        month: str,
        out_dir: Path,
        audience: Audience = Audience.CHAPTER,
        *,
        force: bool = False,
    ) -> None:
        """Write ``month``'s report for this network and audience in ``out_dir`` in a
        thread worker; a folder already holding a report is replaced after a yes."""
        network_id, name = self.networks[self.network_index]
        status = self.query_one("#export-status", Label)
        progress = self.query_one("#export-progress", ProgressBar)
        progress.display = True
        status.update(f"Exporting {month}…")
        app = self.rapp
        acting_id = app.acting_id

        def told(message: str) -> None:
            app.call_from_thread(status.update, message[:76])

        def export(session: Session) -> list[Path]:
            return write_monthly_report(
                session=session,
                network_id=network_id,
                month=month,
                out_dir=out_dir,
                acting_id=acting_id,
                audience=audience,
                force=force,
                progress=told,
            )

        def done(paths: list[Path]) -> None:
            progress.display = False
            self.exported = paths
            status.update(
                ngettext(
                    "{count} file of {month} in", "{count} files of {month} in", len(paths)
                ).format(count=len(paths), month=month)
                + "\n"
                + fold_path(out_dir, 76)
            )
            app.notify(
                ngettext(
                    "Monthly report {month} of {network}: {count} file in",
                    "Monthly report {month} of {network}: {count} files in",
                    len(paths),
                ).format(month=month, network=name, count=len(paths))
                + "\n"
                + fold_path(out_dir),
                timeout=12,
            )

        def replace(yes: bool | None) -> None:
            if yes:
                self.export(month, out_dir, audience, force=True)

        def failed(error: LedgerError) -> None:
            progress.display = False
            status.update("")
            if error.key == "report.folder_not_empty" and not force:
                question = _("Replace the report already in\n{folder}?").format(
                    folder=fold_path(out_dir, 60)
                )
                app.push_screen(ConfirmDialog(question), replace)
                return
            app.notify_refused(error)

        self.ledger_call(export, done, group="export", refused=failed)
