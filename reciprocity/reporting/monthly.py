"""The organiser's monthly report: one folder of PDF, HTML, XLSX, CSV and PNG files.

:func:`write_monthly_report` gathers the numbers once (:mod:`reciprocity.reporting.data`),
then lays the same numbers out in each format asked for. A bad month, format or folder
is refused with one sentence before anything is computed or written. The TUI calls this
from a worker thread and the CLI from ``reciprocity report monthly``; ``progress`` hears
each step's name.
"""

import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.scope import parse_month
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import get_network

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

    from reciprocity.reporting.data import MonthlyData

FORMATS: tuple[str, ...] = ("pdf", "html", "xlsx", "csv", "png")
"""Every format, in the order they are written."""


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its PNG file stem, its title and how to draw it."""

    stem: str
    title: str
    draw: Callable[..., "Figure"]

    def figure(self, into: "FigureBase | None" = None) -> "Figure":
        """Draw it: a new figure, or into the given sub-figure."""
        return self.draw(into)


def check_formats(formats: Collection[str] | None) -> list[str]:
    """The formats asked for, in writing order; every one when ``None``."""
    if formats is None:
        return list(FORMATS)
    wanted = {part.strip().lower() for item in formats for part in item.split(",")} - {""}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise LedgerError(
            "report.unknown_format",
            "There is no report format '{format}'; choose from {choices}.",
            field="formats",
            format=unknown[0],
            choices=", ".join(FORMATS),
        )
    if not wanted:
        raise LedgerError(
            "report.no_format",
            "Name at least one report format: {choices}.",
            field="formats",
            choices=", ".join(FORMATS),
        )
    return [name for name in FORMATS if name in wanted]


def check_out_dir(out_dir: Path) -> Path:
    """The folder to write into; refused when it is a file."""
    out_dir = Path(out_dir).expanduser()
    if out_dir.exists() and not out_dir.is_dir():
        raise LedgerError(
            "report.folder_is_file",
            "{path} is a file; name a folder for the report.",
            field="folder",
            path=str(out_dir),
        )
    return out_dir


def charts(data: "MonthlyData") -> list[Chart]:
    """The report's six charts, in the order of the report."""
    from reciprocity.reporting import charts as draw

    period = data.month
    balances = data.frame("balances")
    return [
        Chart(
            "balance_per_member",
            f"Balance per member, {period}",
            lambda into=None: draw.balance_chart(balances, period=period, into=into),
        ),
        Chart(
            "given_vs_received",
            f"Given vs received points, {period}",
            lambda into=None: draw.given_received_chart(balances, period=period, into=into),
        ),
        Chart(
            "exchanges_per_month",
            "Exchanges per month by kind, last 12 months",
            lambda into=None: draw.trend_chart(data.frame("trend"), into=into),
        ),
        Chart(
            "referral_funnel",
            f"Referral funnel, {period}",
            lambda into=None: draw.funnel_chart(data.funnel, period=period, into=into),
        ),
        Chart(
            "days_to_contact",
            f"Days to first contact, {period}",
            lambda into=None: draw.contact_days_chart(
                data.contact_days, sla_days=data.sla_days, period=period, into=into
            ),
        ),
        Chart(
            "giver_receiver_heatmap",
            f"Who gives to whom, {period}",
            lambda into=None: draw.heatmap_chart(data.frame("pairs"), period=period, into=into),
        ),
    ]


def _empty_message(data: "MonthlyData") -> str | None:
    if not data.empty:
        return None
    return f"No activity this month: no exchanges were logged in {data.month}."


def _write_pdf(path: Path, data: "MonthlyData", drawn: list[Chart]) -> Path:
    from reciprocity.reporting import pdf
    from reciprocity.reporting.coaching import coaching_sections
    from reciprocity.reporting.data import previous_month
    from reciprocity.reporting.layout import figure_rows, member_table

    table = member_table(data)
    by_stem = {chart.stem: chart for chart in drawn}
    pages = [
        pdf.cover_page(
            kicker="Reciprocity · monthly report",
            title=data.network,
            subtitle=f"{data.month} ({data.start} to {data.end})",
            warning=_empty_message(data),
            figures=figure_rows(data),
            compared_with=previous_month(data.start),
            contents=[
                "Members: balance and follow-up quality, highest balance first",
                "Charts: balances, given vs received, 12-month trend, funnel, "
                "days to contact, who gives to whom",
                "For the leadership team: thanks, free riders, follow-ups to help with",
            ],
        ),
        *pdf.table_pages(f"Members, {data.month}", table),
        pdf.chart_page(data.network, [by_stem["balance_per_member"].figure]),
        pdf.chart_page(
            data.network,
            [by_stem["given_vs_received"].figure, by_stem["exchanges_per_month"].figure],
        ),
        pdf.chart_page(
            data.network, [by_stem["referral_funnel"].figure, by_stem["days_to_contact"].figure]
        ),
        pdf.chart_page(data.network, [by_stem["giver_receiver_heatmap"].figure]),
        *pdf.text_pages(
            "For the leadership team",
            coaching_sections(data),
            "Nothing to raise this month: no free riders and no referral waiting for a follow-up.",
        ),
    ]
    return pdf.write_pdf(
        path,
        pages,
        title=f"Monthly report: {data.network}, {data.month}",
        footer=f"{data.network} · {data.month} · {pdf.generated_on()}",
    )


def _write_html(path: Path, data: "MonthlyData", pngs: dict[str, bytes]) -> Path:
    from reciprocity.reporting.coaching import coaching_sections
    from reciprocity.reporting.data import previous_month
    from reciprocity.reporting.html import embed, write_html
    from reciprocity.reporting.layout import TABLE_LEGEND, figure_rows, member_table
    from reciprocity.reporting.pdf import generated_on

    table = member_table(data)
    note = (
        f"The {len(table.top)} highest and lowest balances of {table.total:,} members."
        if table.hidden
        else f"All {table.total:,} members, highest balance first."
    )
    riders: list[str] = list(data.stats["free_riders"])
    shown = ", ".join(riders[:50]) + (f" and {len(riders) - 50:,} more" if len(riders) > 50 else "")
    context: dict[str, Any] = {
        "network": data.network,
        "month": data.month,
        "start": data.start.isoformat(),
        "end": data.end.isoformat(),
        "previous_month": previous_month(data.start),
        "empty": data.empty,
        "empty_message": _empty_message(data) or "",
        "figures": figure_rows(data),
        "free_riders": riders,
        "free_riders_text": shown,
        "table": table,
        "table_note": note,
        "table_legend": TABLE_LEGEND,
        "charts": [embed(png, title) for title, png in pngs.items()],
        "coaching": coaching_sections(data),
        "coaching_empty": "Nothing to raise this month: no free riders and no referral "
        "waiting for a follow-up.",
        "footer": f"{data.network} · {data.month} · {generated_on()}",
    }
    return write_html(path, "monthly.html.j2", context)


def _write_xlsx(path: Path, data: "MonthlyData", exchanges: Callable[[], Path]) -> Path:
    """The workbook. ``exchanges`` gives the month's ``exchanges.csv`` (see
    :func:`~reciprocity.reporting.tables.write_exchanges_csv`) only when the last sheet
    needs it, so the others are written while the database is still being read."""
    from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS
    from reciprocity.reporting.data import FIGURE_KEYS, FIGURE_LABELS, previous_month
    from reciprocity.reporting.tables import (
        TABLES,
        add_sheet,
        new_workbook,
        number_format,
        read_exchanges,
        styled_cell,
        text_value,
        write_sheet,
    )

    workbook = new_workbook()
    summary = add_sheet(
        workbook,
        "Summary",
        ["Key figure", data.month, previous_month(data.start), "Change"],
        widths=[36, 16, 16, 16],
    )
    for key in FIGURE_KEYS:
        now, before = data.figures[key], data.previous[key]
        change = None if now is None or before is None else round(now - before, 6)
        shown = number_format(key) or ("#,##0" if isinstance(now, int) else None)
        summary.append(
            [
                text_value(summary, FIGURE_LABELS[key]),
                *(
                    styled_cell(summary, value, number_format=shown) if value is not None else None
                    for value in (now, before, change)
                ),
            ]
        )
    summary.append([])
    summary.append([styled_cell(summary, "Network", bold=True), text_value(summary, data.network)])
    summary.append([styled_cell(summary, "Period", bold=True), f"{data.start} to {data.end}"])
    if data.empty:
        summary.append([styled_cell(summary, "Note", bold=True), _empty_message(data)])
    summary.append([styled_cell(summary, "Free riders (90 days to month end)", bold=True)])
    for name in data.stats["free_riders"]:
        summary.append([text_value(summary, name)])
    for title, stem in (("Balances", "balances"), ("Quality", "quality"), ("Pairs", "pairs")):
        keys = TABLES[stem]
        rows: list[dict[str, Any]] = getattr(data, stem)
        write_sheet(workbook, title, keys, ([row[key] for key in keys] for row in rows))
    exchange_rows = read_exchanges(exchanges())
    write_sheet(workbook, "Exchanges", EXCHANGE_COLUMNS, exchange_rows, guarded=True)
    partial = path.with_name(path.name + ".part")
    try:
        workbook.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_monthly_report(
    *,
    session: Session,
    network_id: int | None,
    month: str,
    out_dir: Path,
    formats: Collection[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the network's (``None``: every network's) report for ``month`` into ``out_dir``.

    Returns the files written. Raises :class:`LedgerError` (one sentence, nothing written)
    for an unknown format or network, a bad month or one not begun yet, or an ``out_dir``
    that is a file.
    """
    say = progress or (lambda _step: None)
    wanted = check_formats(formats)
    out_dir = check_out_dir(out_dir)
    first, _ = parse_month(month)
    if first > date.today():
        raise LedgerError(
            "report.month_not_begun",
            "The month {month} has not begun yet; choose this month or an earlier one.",
            field="month",
            month=month,
        )
    if network_id is not None:
        get_network(session=session, network_id=network_id)

    from reciprocity.reporting.data import gather_monthly
    from reciprocity.reporting.jobs import Job
    from reciprocity.reporting.tables import TABLES, write_exchanges_csv, write_table_csv

    data = gather_monthly(session=session, network_id=network_id, month=month, progress=say)
    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = charts(data)
    # The PNGs and the workbook need no database and are drawn beside the PDF (see
    # reporting.jobs); every other file is written here, then their results collected.
    pngs: Job[dict[str, list[Path]]] | None = None
    if "html" in wanted or "png" in wanted:
        say("drawing charts")
        # Loaded before forking, so the child and the PDF do not both load them.
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401

        pngs = Job(lambda _inbox: _write_charts(out_dir, data, drawn, wanted))
        say("writing report.html and the PNG charts")
    workbook: Job[Path] | None = None
    if "xlsx" in wanted:
        say("writing report.xlsx")
        # Its first four sheets are written while the exchanges are read here.
        workbook = Job(lambda inbox: _write_xlsx(out_dir / "report.xlsx", data, inbox.get))
    files: dict[str, list[Path]] = {name: [] for name in FORMATS}
    try:
        with tempfile.TemporaryDirectory(prefix="reciprocity-report-") as scratch:
            exchanges_csv = (out_dir if "csv" in wanted else Path(scratch)) / "exchanges.csv"
            if "csv" in wanted or "xlsx" in wanted:
                say("reading the month's exchanges")
                write_exchanges_csv(
                    session=session,
                    path=exchanges_csv,
                    network_id=network_id,
                    start=data.start,
                    end=data.end,
                )
                if workbook:
                    workbook.send(exchanges_csv)
            if "pdf" in wanted:
                say("writing report.pdf")
                files["pdf"].append(_write_pdf(out_dir / "report.pdf", data, drawn))
            if "csv" in wanted:
                say("writing CSV files")
                for stem, keys in TABLES.items():
                    path = write_table_csv(out_dir / f"{stem}.csv", keys, getattr(data, stem))
                    files["csv"].append(path)
                files["csv"].append(exchanges_csv)
            if pngs:
                files.update(pngs.result())
            if workbook:
                files["xlsx"].append(workbook.result())
    except BaseException:
        for job in (pngs, workbook):
            if job:
                job.stop()
        (out_dir / "report.xlsx.part").unlink(missing_ok=True)
        raise
    return [path for name in FORMATS for path in files[name]]


def _write_charts(
    out_dir: Path, data: "MonthlyData", drawn: list[Chart], wanted: Collection[str]
) -> dict[str, list[Path]]:
    """The charts drawn once as PNG: the same bytes make the PNG files and the images
    embedded in ``report.html``, which is written here too. The files, by format."""
    from reciprocity.reporting.charts import png_bytes
    from reciprocity.reporting.style import PNG_DPI

    rendered = {chart.title: png_bytes(chart.figure(), dpi=PNG_DPI) for chart in drawn}
    files: dict[str, list[Path]] = {"html": [], "png": []}
    if "html" in wanted:
        files["html"].append(_write_html(out_dir / "report.html", data, rendered))
    if "png" in wanted:
        for chart in drawn:
            path = out_dir / f"{chart.stem}.png"
            path.write_bytes(rendered[chart.title])
            files["png"].append(path)
    return files
