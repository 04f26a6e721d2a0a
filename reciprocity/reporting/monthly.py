"""The organiser's monthly report: one folder of PDF, HTML, XLSX, CSV and PNG files.

:func:`write_monthly_report` checks the acting member's role and the input, gathers the
numbers once (:mod:`reciprocity.reporting.data`), then lays the same numbers out in each
format asked for, for one of two audiences (:class:`~reciprocity.reporting.layout.Audience`):

- ``chapter`` (the default), for the whole group: thanks, the group's figures, members'
  own numbers and the charts; no free riders, no private word, no remark about one
  member's shortfall. Safe to forward.
- ``leadership``: the same plus the coaching notes, with "Leadership team only — not for
  forwarding" on every page and in the file names (``report-leadership.pdf``, …).

A bad month, format, audience or folder is refused with one sentence before anything is
computed or written; the files are built in a temporary folder and swapped in whole
(:mod:`reciprocity.reporting.folders`). The TUI calls this from a worker thread and the
CLI from ``reciprocity report monthly``; ``progress`` hears each step's name.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.scope import parse_month
from reciprocity.i18n import _, format_day, language
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import get_network
from reciprocity.ledger.roles import require_organiser
from reciprocity.reporting.audience import Audience, check_audience, leadership_line, report_stem
from reciprocity.reporting.folders import building, check_out_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

    from reciprocity.reporting.data import MonthlyData

FORMATS: tuple[str, ...] = ("pdf", "html", "xlsx", "csv", "png")
"""Every format, in the order they are written."""
CHART_STEMS: tuple[str, ...] = (
    "balance_per_member",
    "given_vs_received",
    "exchanges_per_month",
    "referral_funnel",
    "days_to_contact",
    "giver_receiver_heatmap",
)
TABLE_STEMS: tuple[str, ...] = ("balances", "quality", "pairs", "exchanges")
REPORT_FILES = frozenset(
    {
        *(
            f"{report_stem(audience)}.{ext}"
            for audience in Audience
            for ext in ("pdf", "html", "xlsx")
        ),
        *(f"{stem}.csv" for stem in TABLE_STEMS),
        *(f"{stem}.png" for stem in CHART_STEMS),
    }
)
"""Every file a monthly report writes: a folder holding only these may be replaced."""
CHARTS_NICENESS = 10
"""The PNG charts' child runs at this ``nice`` increment (a tenth or so of the share of the
workbook's child or the PDF when they compete; all of a core once they are done)."""
EARLIEST_MONTH = date(2, 1, 1)
"""A report compares its month with the year before it, which must be in the calendar."""


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


def charts(data: "MonthlyData") -> list[Chart]:
    """The report's six charts, in the order of the report."""
    from reciprocity.reporting import charts as draw

    period = data.month_words
    balances = data.frame("balances")
    return [
        Chart(
            "balance_per_member",
            _("Balance per member, {period}").format(period=period),
            lambda into=None: draw.balance_chart(balances, period=period, into=into),
        ),
        Chart(
            "given_vs_received",
            _("Points given and received, {period}").format(period=period),
            lambda into=None: draw.given_received_chart(balances, period=period, into=into),
        ),
        Chart(
            "exchanges_per_month",
            _("Exchanges per month, the last 12 months"),
            lambda into=None: draw.trend_chart(data.frame("trend"), into=into),
        ),
        Chart(
            "referral_funnel",
            _("How far the referrals of {period} got").format(period=period),
            lambda into=None: draw.funnel_chart(data.funnel, period=period, into=into),
        ),
        Chart(
            "days_to_contact",
            _("Days to first contact, {period}").format(period=period),
            lambda into=None: draw.contact_days_chart(
                data.contact_days, sla_days=data.sla_days, period=period, into=into
            ),
        ),
        Chart(
            "giver_receiver_heatmap",
            _("Who gives to whom, {period}").format(period=period),
            lambda into=None: draw.heatmap_chart(data.frame("pairs"), period=period, into=into),
        ),
    ]


def _empty_message(data: "MonthlyData") -> str | None:
    if not data.empty:
        return None
    return _("No activity this month: no exchanges were logged in {month}.").format(
        month=data.month_words
    )


def _period(data: "MonthlyData") -> str:
    return _("{month}: {first} to {last}").format(
        month=data.month_words, first=format_day(data.start), last=format_day(data.end)
    )


def _closing(data: "MonthlyData", audience: Audience) -> tuple[str, list[Any], str]:
    """The last page's title, sections and what it says when it has none."""
    from reciprocity.reporting.coaching import coaching_sections, thanks_sections

    if audience is Audience.LEADERSHIP:
        return (
            _("For the leadership team"),
            coaching_sections(data),
            _(
                "Nothing to raise this month: no free riders and no referral waiting for a "
                "follow-up."
            ),
        )
    return (
        _("Thank you"),
        thanks_sections(data),
        _("Thank you all for every referral, introduction and hand given this month."),
    )


def _write_pdf(path: Path, data: "MonthlyData", drawn: list[Chart], audience: Audience) -> Path:
    from reciprocity.reporting import pdf
    from reciprocity.reporting.coaching import group_sentences
    from reciprocity.reporting.layout import (
        contents,
        currency_note,
        figure_rows,
        how_to_read,
        maturity_note,
        member_legend,
        member_table,
        previous_words,
        table_parts,
    )

    table = member_table(data)
    by_stem = {chart.stem: chart for chart in drawn}
    closing_title, sections, nothing = _closing(data, audience)
    if audience is Audience.CHAPTER:
        from reciprocity.reporting.coaching import Section

        sections = [Section(_("Together"), "", group_sentences(data)), *sections]
    pages = [
        pdf.cover_page(
            pdf.Cover(
                kicker=_("Reciprocity · monthly report"),
                title=data.network,
                subtitle=_period(data),
                warning=_empty_message(data),
                figures=figure_rows(data),
                this_month=data.month_words,
                compared_with=previous_words(data),
                notes=[note for note in (maturity_note(data), currency_note(data)) if note],
                how_to_read=how_to_read(data),
                contents=contents(audience),
            )
        ),
        *pdf.table_pages(table_parts(data), table, member_legend(data)),
        pdf.chart_page(data.network, [by_stem["balance_per_member"].figure]),
        pdf.chart_page(
            data.network,
            [by_stem["given_vs_received"].figure, by_stem["days_to_contact"].figure],
        ),
        pdf.chart_page(
            data.network,
            [by_stem["exchanges_per_month"].figure, by_stem["referral_funnel"].figure],
        ),
        pdf.chart_page(data.network, [by_stem["giver_receiver_heatmap"].figure]),
        *pdf.text_pages(closing_title, sections, nothing),
    ]
    return pdf.write_pdf(
        path,
        pages,
        title=_("Monthly report: {network}, {month}").format(
            network=data.network, month=data.month_words
        ),
        footer=f"{data.network} · {data.month_words} · {pdf.generated_on(data.as_of)}",
        banner=leadership_line() if audience is Audience.LEADERSHIP else None,
    )


def _write_html(
    path: Path, data: "MonthlyData", pngs: dict[str, bytes], audience: Audience
) -> Path:
    from reciprocity.reporting.coaching import group_sentences
    from reciprocity.reporting.html import embed, write_html
    from reciprocity.reporting.layout import (
        currency_note,
        figure_rows,
        how_to_read,
        maturity_note,
        member_legend,
        member_table,
        previous_words,
    )
    from reciprocity.reporting.pdf import generated_on

    table = member_table(data)
    closing_title, sections, nothing = _closing(data, audience)
    leadership = audience is Audience.LEADERSHIP
    context: dict[str, Any] = {
        "words": _html_words(),
        "network": data.network,
        "month": data.month_words,
        "period": _period(data),
        "previous_month": previous_words(data),
        "banner": leadership_line() if leadership else "",
        "empty_message": _empty_message(data) or "",
        "figures": figure_rows(data),
        "notes": [note for note in (maturity_note(data), currency_note(data)) if note],
        "how_to_read": how_to_read(data),
        "free_riders": _free_riders_line(data) if leadership else "",
        "table": table,
        "table_note": table.note(),
        "table_legend": member_legend(data),
        "charts": [embed(png, title) for title, png in pngs.items()],
        "closing_title": closing_title,
        "together": [] if leadership else group_sentences(data),
        "sections": sections,
        "closing_empty": nothing,
        "footer": f"{data.network} · {data.month_words} · {generated_on(data.as_of)}",
    }
    return write_html(path, "monthly.html.j2", context)


def _html_words() -> dict[str, str]:
    """The fixed words of the HTML page, in the active language."""
    return {
        "lang": language(),
        "kicker": _("Reciprocity · monthly report"),
        "key_figures": _("Key figures"),
        "key_figure": _("Key figure"),
        "change": _("Change"),
        "how_to_read": _("How to read this report"),
        "members": _("Members"),
        "no_members": _("No members are listed for this period."),
        "charts": _("Charts"),
        "together": _("Together"),
        "files": _("The full tables are in balances.csv, quality.csv, pairs.csv and the workbook."),
    }


def _free_riders_line(data: "MonthlyData") -> str:
    """The leadership's one line naming the free riders of the 90 days to the month's end."""
    from reciprocity.i18n import format_number, ngettext

    riders: list[str] = list(data.stats["free_riders"])
    if not riders:
        return ""
    shown = ", ".join(riders[:50])
    if len(riders) > 50:
        shown = ngettext(
            "{names} and {count} more", "{names} and {count} more", len(riders) - 50
        ).format(names=shown, count=format_number(len(riders) - 50))
    return ngettext(
        "Free rider (received and gave nothing in the 90 days to {day}): {names}.",
        "Free riders (received and gave nothing in the 90 days to {day}): {names}.",
        len(riders),
    ).format(day=format_day(data.end), names=shown)


def _write_xlsx(
    path: Path, data: "MonthlyData", exchanges: Callable[[], Path], audience: Audience
) -> Path:
    """The workbook. ``exchanges`` gives the month's ``exchanges.csv`` (see
    :func:`~reciprocity.reporting.tables.write_exchanges_csv`) only when the last sheet
    needs it, so the others are written while the database is still being read."""
    from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS
    from reciprocity.reporting.data import FIGURE_KEYS, previous_month
    from reciprocity.reporting.layout import FIGURE_WORDS
    from reciprocity.reporting.tables import (
        TABLES,
        Book,
        Styled,
        number_format,
        read_exchanges,
        write_sheet,
    )

    workbook = Book(path)
    leadership = audience is Audience.LEADERSHIP
    banner = leadership_line() if leadership else None
    summary = workbook.add_sheet(
        _("Summary"),
        [_("Key figure"), data.month, previous_month(data.start), _("Change")],
        widths=[44, 16, 16, 16],
        banner=banner,
    )
    for key in FIGURE_KEYS:
        now, before = data.figures[key], data.previous[key]
        change = None if now is None or before is None else round(now - before, 6)
        shown = number_format(key) or ("#,##0" if isinstance(now, int) else None)
        summary.append(
            [
                _(FIGURE_WORDS[key][0]),
                *(Styled(value, number_format=shown) for value in (now, before, change)),
            ]
        )
    summary.append([])
    facts = [
        (_("Network"), data.network),
        (_("Period"), f"{data.start} – {data.end}"),
        (_("Currency"), data.currency or _("several")),
    ]
    if leadership:
        facts.insert(0, (_("For"), leadership_line()))
    if data.empty:
        facts.append((_("Note"), _empty_message(data) or ""))
    for label, value in facts:
        summary.append([Styled(label, bold=True), value])
    if leadership:
        summary.append([Styled(_("Free riders (90 days to month end)"), bold=True)])
        for name in data.stats["free_riders"]:
            summary.append([name])
    sheets = ((_("Balances"), "balances"), (_("Quality"), "quality"), (_("Pairs"), "pairs"))
    for title, stem in sheets:
        keys = TABLES[stem]
        rows: list[dict[str, Any]] = getattr(data, stem)
        write_sheet(
            workbook,
            title,
            keys,
            ([row[key] for key in keys] for row in rows),
            currency=data.currency,
            banner=banner,
        )
    exchange_rows = read_exchanges(exchanges())
    write_sheet(
        workbook,
        _("Exchanges"),
        EXCHANGE_COLUMNS,
        exchange_rows,
        guarded=True,
        currency=data.currency,
        banner=banner,
    )
    workbook.close()
    return path


def write_monthly_report(
    *,
    session: Session,
    network_id: int | None,
    month: str,
    out_dir: str | Path,
    acting_id: int | None,
    audience: str | Audience = Audience.CHAPTER,
    formats: Collection[str] | None = None,
    force: bool = False,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the network's (``None``: every network's) report for ``month`` into ``out_dir``
    for ``audience``, as ``acting_id`` (``None``: the ledger's owner), who must be an
    organiser of the network (of every network for ``None``).

    Returns the files written, in ``out_dir``. Raises :class:`LedgerError` (one sentence,
    nothing written) for a refused role, an unknown format, audience or network, a bad
    month, one not begun yet or before 0002-01, or an ``out_dir`` that cannot take the
    report (a file, a link, a folder that is not empty without ``force``). ``today`` is the
    day the report is made (what "still maturing" is judged on).
    """
    say = progress or (lambda _step: None)
    today = today or date.today()
    wanted = check_formats(formats)
    chosen = check_audience(audience)
    target = check_out_dir(out_dir, force=force, names=REPORT_FILES)
    first, _last = parse_month(month)
    if first > today:
        raise LedgerError(
            "report.month_not_begun",
            "The month {month} has not begun yet; choose this month or an earlier one.",
            field="month",
            month=month,
        )
    if first < EARLIEST_MONTH:
        raise LedgerError(
            "report.month_too_early",
            "The month {month} is too early for a report, which compares a month with the "
            "year before it; choose 0002-01 or later.",
            field="month",
            month=month,
        )
    if network_id is not None:
        get_network(session=session, network_id=network_id)
    require_organiser(session=session, acting_id=acting_id, network_id=network_id)

    from reciprocity.reporting.data import gather_monthly
    from reciprocity.reporting.jobs import Job
    from reciprocity.reporting.tables import TABLES, write_exchanges_csv, write_table_csv

    data = gather_monthly(
        session=session, network_id=network_id, month=month, as_of=today, progress=say
    )
    drawn = charts(data)
    stem = report_stem(chosen)
    files: dict[str, list[str]] = {name: [] for name in FORMATS}
    pngs: Job[dict[str, list[str]]] | None = None
    workbook: Job[Path] | None = None
    with building(target, force=force, names=REPORT_FILES) as folder:
        try:
            # The PNGs and the workbook need no database and are drawn beside the PDF (see
            # reporting.jobs); every other file is written here, then their results
            # collected.
            if "html" in wanted or "png" in wanted:
                say(_("drawing charts"))
                # Loaded before forking, so the child and the PDF do not both load them.
                import matplotlib.backends.backend_agg
                import matplotlib.figure  # noqa: F401

                # The charts are the part that can wait: with the workbook, the PDF and
                # them all running, they yield, so the workbook (the longest part at
                # national size) is not slowed by them (docs/performance.md).
                pngs = Job(
                    lambda _inbox: _write_charts(folder, data, drawn, wanted, chosen),
                    nice=CHARTS_NICENESS,
                )
                say(_("writing {name} and the PNG charts").format(name=f"{stem}.html"))
            if "xlsx" in wanted:
                say(_("writing {name}").format(name=f"{stem}.xlsx"))
                # Its first four sheets are written while the exchanges are read here.
                workbook = Job(
                    lambda inbox: _write_xlsx(folder / f"{stem}.xlsx", data, inbox.get, chosen)
                )
            exchanges_csv = folder / "exchanges.csv"
            if "csv" in wanted or "xlsx" in wanted:
                say(_("reading the month's exchanges"))
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
                say(_("writing {name}").format(name=f"{stem}.pdf"))
                files["pdf"].append(_write_pdf(folder / f"{stem}.pdf", data, drawn, chosen).name)
            if "csv" in wanted:
                say(_("writing CSV files"))
                for table, keys in TABLES.items():
                    path = write_table_csv(folder / f"{table}.csv", keys, getattr(data, table))
                    files["csv"].append(path.name)
                files["csv"].append(exchanges_csv.name)
            if pngs:
                files.update(pngs.result())
            if workbook:
                files["xlsx"].append(workbook.result().name)
        except BaseException:
            for job in (pngs, workbook):
                if job:
                    job.stop()
            raise
        if "csv" not in wanted:
            exchanges_csv.unlink(missing_ok=True)
    return [target / name for kind in FORMATS for name in files[kind]]


def _write_charts(
    folder: Path,
    data: "MonthlyData",
    drawn: list[Chart],
    wanted: Collection[str],
    audience: Audience,
) -> dict[str, list[str]]:
    """The charts drawn once as PNG: the same bytes make the PNG files and the images
    embedded in the HTML page, which is written here too. The file names, by format."""
    from reciprocity.reporting.charts import png_bytes
    from reciprocity.reporting.style import PNG_DPI

    rendered = {chart.title: png_bytes(chart.figure(), dpi=PNG_DPI) for chart in drawn}
    files: dict[str, list[str]] = {"html": [], "png": []}
    if "html" in wanted:
        page = folder / f"{report_stem(audience)}.html"
        files["html"].append(_write_html(page, data, rendered, audience).name)
    if "png" in wanted:
        for chart in drawn:
            path = folder / f"{chart.stem}.png"
            path.write_bytes(rendered[chart.title])
            files["png"].append(path.name)
    return files
