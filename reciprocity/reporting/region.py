"""``report region``: an organiser's networks side by side, for a regional director.

One PDF and one HTML page over a period: the table of ``reciprocity compare`` (members,
active givers, reciprocity, Gini, contact rate, conversion, value won and cost per member)
and one chart per measure. Every number comes from
:func:`reciprocity.analytics.compare.compute_compare` unchanged, which also checks that the
acting member organises every network shown. A bad period or folder is refused with one
sentence before anything is written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.compare import compute_compare
from reciprocity.analytics.worth import worth_period
from reciprocity.i18n import N_, Term, _, format_money, format_number, format_percent
from reciprocity.reporting.folders import building, check_out_dir

REGION_FILES = ("region.pdf", "region.html")

if TYPE_CHECKING:
    import pandas as pd

    from reciprocity.reporting.pdf import Page

COLUMNS: tuple[tuple[str, Term, float], ...] = (
    ("network", N_("Network"), 2.2),
    ("members", N_("Members"), 1.0),
    ("active_givers", N_("Givers"), 0.9),
    ("reciprocity", N_("Mutual"), 0.9),
    ("gini", N_("Gini"), 0.7),
    ("contact_rate", N_("Contact"), 1.0),
    ("conversion_rate", N_("Won"), 0.8),
    ("value_won_per_member", N_("Won/member"), 1.6),
    ("cost_per_member", N_("Cost/member"), 1.6),
)
"""The table's columns: key, heading and relative width on paper."""
NOTES: tuple[Term, ...] = (
    N_(
        "Members: as balance and stats list them. Givers: members who gave at least once. "
        "Mutual: reciprocity, the share of giving pairs whose giving is mutual. Gini: 0 when "
        "everyone gives as much, near 1 when one member does all the giving."
    ),
    N_(
        "Contact and Won: of the referrals received in the period, the share followed up and "
        "the share won. Won/member: business won from the period's referrals, per member. "
        "Cost/member: the mean cost of a membership in the period (the yearly fee for the "
        "days of membership, plus other costs dated in the period)."
    ),
)


@dataclass(frozen=True)
class Region:
    """What the report shows: the networks' rows of ``compare`` over a period."""

    start: date
    end: date
    rows: list[dict[str, Any]]

    @property
    def period(self) -> str:
        """The period in words for titles."""
        return _("{start} to {end}").format(start=self.start.isoformat(), end=self.end.isoformat())

    def frame(self) -> "pd.DataFrame":
        """The rows as a frame, for the charts."""
        import pandas as pd

        return pd.DataFrame.from_records(self.rows)


def cell(key: str, row: dict[str, Any]) -> str:
    """A figure of a ``compare`` row as the report shows it."""
    value = row[key]
    if key == "network":
        return str(value)
    if value is None:
        return "–"
    if key in {"reciprocity", "contact_rate", "conversion_rate"}:
        return format_percent(value)
    if key == "gini":
        return format_number(value, 2)
    if key in {"value_won_per_member", "cost_per_member"}:
        return format_money(value, row["currency"], cents=False)
    return format_number(value)


def _pdf(path: Path, region: Region) -> Path:
    from reciprocity.reporting import pdf
    from reciprocity.reporting.worth_charts import MEASURES, measure_chart

    title = _("Networks side by side")
    subtitle = _("{count} networks, {period}").format(
        count=format_number(len(region.rows)), period=region.period
    )
    table = pdf.Table(
        headings=[_(heading) for _k, heading, _w in COLUMNS],
        rows=[[cell(key, row) for key, _h, _w in COLUMNS] for row in region.rows],
        right=[key != "network" for key, _h, _w in COLUMNS],
        widths=[width for _k, _h, width in COLUMNS],
    )
    blocks: list[pdf.Block] = [("table", table), *(("para", _(note)) for note in NOTES)]
    frame = region.frame()
    pages: list[Page] = pdf.flow_pages(title, subtitle, blocks)
    keys = list(MEASURES)

    def chart(key: str) -> pdf.ChartDraw:
        return lambda into: measure_chart(frame, key, into=into)

    # A few networks: four charts to a page; more: fewer, so each bar keeps its name.
    per_page = 4 if len(region.rows) <= 8 else 2 if len(region.rows) <= 16 else 1
    for first in range(0, len(keys), per_page):
        pages.append(pdf.chart_page(title, [chart(key) for key in keys[first : first + per_page]]))
    return pdf.write_pdf(path, pages, title=title, footer=f"{subtitle} · {pdf.generated_on()}")


def _html(path: Path, region: Region) -> Path:
    from reciprocity.reporting.charts import png_bytes
    from reciprocity.reporting.html import embed, write_html
    from reciprocity.reporting.pdf import generated_on
    from reciprocity.reporting.style import PNG_DPI
    from reciprocity.reporting.worth_charts import MEASURES, measure_chart

    frame = region.frame()
    charts = [
        embed(
            png_bytes(measure_chart(frame, key), dpi=PNG_DPI),
            _(title),
        )
        for key, title in MEASURES.items()
    ]
    return write_html(
        path,
        "region.html.j2",
        {
            "period": region.period,
            "headings": [_(heading) for _k, heading, _w in COLUMNS],
            "rows": [[cell(key, row) for key, _h, _w in COLUMNS] for row in region.rows],
            "notes": [_(note) for note in NOTES],
            "charts": charts,
            "footer": generated_on(),
        },
    )


def write_region_report(
    *,
    session: Session,
    network_ids: list[int] | None,
    start: date | None,
    end: date | None,
    out_dir: Path,
    acting_id: int | None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write ``region.pdf`` and ``region.html`` into ``out_dir``, whole or not at all (the
    monthly report's folder rules, :mod:`reciprocity.reporting.folders`).

    Without ``network_ids``, the networks the acting member organises (the owner: every
    network); the period is ``compare``'s (the 12 months to today without one). Raises a
    :class:`~reciprocity.ledger.errors.LedgerError` (one sentence, nothing written) for a
    network the acting member does not organise, a period not begun, or a folder that is
    a file, a link, or not empty without ``force``.
    """
    say = progress or (lambda _step: None)
    target = check_out_dir(out_dir, force=force, names=REGION_FILES)
    first, last = worth_period(start=start, end=end)
    say("comparing the networks")
    rows = compute_compare(
        session=session, network_ids=network_ids, start=first, end=last, acting_id=acting_id
    )
    region = Region(first, last, rows)
    with building(target, force=force, names=REGION_FILES) as folder:
        say(_("writing {name}").format(name="region.pdf"))
        _pdf(folder / "region.pdf", region)
        say(_("writing {name}").format(name="region.html"))
        _html(folder / "region.html", region)
    return [target / name for name in REGION_FILES]
