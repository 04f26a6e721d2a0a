"""Everything a monthly report shows, gathered once from the analytics functions.

Every writer (PDF, HTML, XLSX, CSV, PNG) lays out the same :class:`MonthlyData`, so the
formats cannot disagree. The member tables are exactly ``compute_balances``,
``compute_quality`` and ``compute_pairs`` (the rows ``reciprocity balance --json``
prints); the network's key figures are those of ``compute_stats`` plus
``network_quality``, for the month and the month before. How far the month's referrals
have had time to close comes from :mod:`reciprocity.analytics.maturity`, seen on the day
the report is made.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.frames import KINDS
from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS, TREND_KEYS
from reciprocity.analytics.maturity import Maturity, month_maturity
from reciprocity.analytics.network import compute_stats
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.quality import compute_quality, network_quality
from reciprocity.analytics.scope import Scope, make_scope
from reciprocity.analytics.traffic_lights import lights_by_member
from reciprocity.analytics.trend import compute_trend
from reciprocity.i18n import _, format_month
from reciprocity.ledger.networks import get_network
from reciprocity.reporting.jobs import Job, can_fork
from reciprocity.store import aggregates

Progress = Callable[[str], None]

FIGURE_KEYS: tuple[str, ...] = (
    "members",
    "active_members",
    "exchanges",
    *(f"exchanges_{kind}" for kind in KINDS),
    "given_points",
    "reciprocity",
    "gini",
    "share_nonnegative",
    "referrals_received",
    "contact_rate",
    "median_days_to_contact",
    "conversion_rate",
    "value_won",
)
"""The cover page's key figures, in order; each also for the month before."""


def _figures(
    stats: dict[str, Any], month: dict[str, Any], quality: dict[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {**stats, **quality}
    for kind in KINDS:
        values[f"exchanges_{kind}"] = int(month[f"given_{kind}"])
    return {key: values[key] for key in FIGURE_KEYS}


def month_key(day: date) -> str:
    """``YYYY-MM`` of ``day``'s month, the year always in four digits (``0002-01``)."""
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(start: date) -> str:
    """``YYYY-MM`` of the month before the one starting on ``start``."""
    return month_key(start - timedelta(days=1))


@dataclass
class MonthlyData:
    """One network's month, as every format of the report shows it."""

    network: str
    network_id: int | None
    month: str
    start: date
    end: date
    as_of: date
    """The day the report is made: what "still maturing" is judged on."""
    sla_days: list[int]
    currency: str | None
    """The networks' one currency; ``None`` when networks of several are added up."""
    weights: dict[str, int] | None
    """The network's points per kind; ``None`` for all networks (each its own)."""
    balances: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    stats: dict[str, Any]
    figures: dict[str, Any]
    previous: dict[str, Any]
    trend: list[dict[str, Any]]
    funnel: dict[str, int]
    contact_days: list[float]
    maturity: Maturity
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    lights: dict[int, str] = field(default_factory=dict)
    """Each member's Traffic Light at the month's end (one network only)."""

    @property
    def empty(self) -> bool:
        """No counted exchange in the month."""
        return int(self.stats["exchanges"]) == 0

    @property
    def month_words(self) -> str:
        """The month in words, in the active language: "November 2026"."""
        return format_month(self.start)

    @property
    def open_referrals(self) -> int:
        """The month's referrals with no final step (won, lost, no response) yet."""
        return sum(int(row["open"]) for row in self.quality)

    def frame(self, name: str) -> pd.DataFrame:
        """``balances``, ``quality``, ``pairs`` or ``trend`` as a frame with its keys."""
        if name not in self.frames:
            keys = {
                "balances": BALANCE_KEYS,
                "quality": QUALITY_KEYS,
                "pairs": PAIR_KEYS,
                "trend": TREND_KEYS,
            }[name]
            rows: list[dict[str, Any]] = getattr(self, name)
            self.frames[name] = pd.DataFrame.from_records(rows, columns=list(keys))
        return self.frames[name]


@dataclass
class _Context:
    """What the month before and the 12-month trend contribute, computed on the side."""

    stats: dict[str, Any]
    quality: dict[str, Any]
    trend: list[dict[str, Any]]
    funnel: dict[str, int]
    maturity: Maturity


def _context_on(session: Session, scope: Scope, before: Scope, as_of: date) -> _Context:
    """The previous month's figures, the trend, the funnel and the month's maturity."""
    quality = network_quality(
        session=session, scope=before, rows=compute_quality(session=session, scope=before)
    )
    return _Context(
        stats=compute_stats(session=session, scope=before),
        quality=quality,
        trend=compute_trend(session=session, scope=scope, months=12),
        funnel=aggregates.funnel_counts(
            session, network_id=scope.network_id, start=scope.start, end=scope.end
        ),
        maturity=month_maturity(
            session=session,
            scope=scope,
            previous=before,
            previous_received=int(quality["referrals_received"]),
            as_of=as_of,
        ),
    )


def _context(engine: Any, scope: Scope, before: Scope, as_of: date) -> _Context:
    """:func:`_context_on` on a session of its own, for a worker thread."""
    with Session(engine) as session:
        return _context_on(session, scope, before, as_of)


def _forked_context(engine: Any, scope: Scope, before: Scope, as_of: date) -> _Context:
    """:func:`_context` in a forked child: on connections of its own. The parent's pooled
    connections are let go of without being touched (SQLAlchemy's advice for ``fork``)."""
    engine.dispose(close=False)
    return _context(engine, scope, before, as_of)


def _in_memory(engine: Any) -> bool:
    """An in-memory SQLite database lives in one connection: a thread cannot share it."""
    url = getattr(engine, "url", None)
    return (
        url is not None
        and url.get_backend_name() == "sqlite"
        and url.database in (None, "", ":memory:")
    )


def gather_monthly(
    *,
    session: Session,
    network_id: int | None,
    month: str,
    as_of: date,
    progress: Progress,
) -> MonthlyData:
    """Compute every number of the report for the network (``None``: all) and month.

    The month before, the trend and the funnel are computed on a second connection
    while this one computes the month's tables: on a national ledger the two halves
    take seconds of CPU each (pandas and Python, under one GIL), so on the command line
    the second runs in a forked process (:mod:`reciprocity.reporting.jobs`) and uses the
    other core; in the TUI's worker thread it runs in a thread, as before.
    """
    weights: dict[str, int] | None = None
    if network_id is not None:
        network = get_network(session=session, network_id=network_id)
        name, sla, currencies = network.name, [network.sla_days], {network.currency}
        weights = dict(network.weights)
    else:
        name = _("All networks")
        settings = aggregates.network_settings(session)
        sla = sorted({int(row.sla_days) for row in settings})
        currencies = set(aggregates.network_currencies(session))
    scope = make_scope(network_id=network_id, month=month)
    assert scope.start is not None and scope.end is not None
    before = make_scope(network_id=network_id, month=previous_month(scope.start))
    engine = session.get_bind()
    # On the command line the side runs in a forked process (reporting.jobs), which
    # uses the second core; where forking is not safe, in a thread.
    forked = (
        Job(lambda _inbox: _forked_context(engine, scope, before, as_of))
        if not _in_memory(engine) and can_fork()
        else None
    )
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as pool:
            side = (
                None
                if forked or _in_memory(engine)
                else pool.submit(_context, engine, scope, before, as_of)
            )
            progress("computing balances")
            balances = compute_balances(session=session, scope=scope)
            progress("computing follow-up quality")
            quality = compute_quality(session=session, scope=scope)
            this_quality = network_quality(session=session, scope=scope, rows=quality)
            progress("computing pairs")
            pairs = compute_pairs(session=session, scope=scope)
            progress("computing network figures")
            stats = compute_stats(session=session, scope=scope)
            lights = (
                lights_by_member(session=session, network_id=network_id, as_of=scope.end)
                if network_id is not None
                else {}
            )
            if forked:
                context = forked.result()
            else:
                context = side.result() if side else _context_on(session, scope, before, as_of)
    except BaseException:
        if forked:
            forked.stop()
        raise
    return MonthlyData(
        network=name,
        network_id=network_id,
        month=month_key(scope.start),
        start=scope.start,
        end=scope.end,
        as_of=as_of,
        sla_days=sla,
        currency=currencies.pop() if len(currencies) == 1 else None,
        weights=weights,
        balances=balances,
        quality=quality,
        pairs=pairs,
        stats=stats,
        figures=_figures(stats, context.trend[-1], this_quality),
        previous=_figures(context.stats, context.trend[-2], context.quality),
        trend=context.trend,
        funnel=context.funnel,
        contact_days=this_quality["contact_days"],
        lights=lights,
        maturity=context.maturity,
    )
