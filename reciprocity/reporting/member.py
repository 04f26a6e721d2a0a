"""A member's personal review: three pages (PDF and HTML) a member can read over coffee.

Their balance and its trend over the period, whom they owe and who owes them, their
follow-up quality against the network's median, what happened to the referrals they
gave, their nudges, and what each of their networks gave and cost them
(:mod:`reciprocity.reporting.my_networks`). Every number comes from
:mod:`reciprocity.analytics`; lists are cut to the few lines that matter, so the review
stays at three pages however busy the member is.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.keys import RATE_DIGITS
from reciprocity.analytics.nudges import compute_nudges
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.quality import compute_quality
from reciprocity.analytics.scope import Scope, make_scope
from reciprocity.analytics.trend import compute_trend, trend_months
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import iter_exchanges
from reciprocity.ledger.followups import last_step
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import ever_member, get_network
from reciprocity.reporting.monthly import check_out_dir
from reciprocity.reporting.my_networks import MyNetworks, gather_my_networks
from reciprocity.reporting.tables import points, show

if TYPE_CHECKING:
    from matplotlib.figure import FigureBase

PAIR_LINES = 8
"""Members listed under "you owe" and under "owes you"."""
REFERRAL_LINES = 12
NUDGE_LINES = 8
MAX_TREND_MONTHS = 24
QUALITY_COMPARED: tuple[tuple[str, str], ...] = (
    ("contact_rate", "Contact rate"),
    ("median_days_to_contact", "Median days to first contact"),
    ("within_sla_rate", "Within the SLA"),
    ("conversion_rate", "Conversion (won / received)"),
    ("avg_rating", "Average rating from givers"),
    ("referral_yield", "Yield of referrals given"),
)
BALANCE_SHOWN: tuple[tuple[str, str], ...] = (
    ("given_points", "Points given"),
    ("received_points", "Points received"),
    ("balance", "Balance"),
    ("ratio", "Ratio given / received"),
    ("value_given", "Business won by others from your referrals"),
    ("value_received", "Business you won from referrals"),
)


@dataclass
class MemberReview:
    """Everything the review shows, as computed by the analytics functions."""

    member: str
    network: str
    scope: Scope
    balance: dict[str, Any]
    trend: list[dict[str, Any]]
    owes: list[dict[str, Any]]
    owed: list[dict[str, Any]]
    quality: dict[str, Any]
    medians: dict[str, float | None]
    referrals: list[dict[str, Any]]
    nudges: list[dict[str, Any]]


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def network_medians(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Per compared quality column, the median over the members who have a value."""
    medians: dict[str, float | None] = {}
    for key, _ in QUALITY_COMPARED:
        values = [row[key] for row in rows if row[key] is not None]
        medians[key] = round(statistics.median(values), RATE_DIGITS) if values else None
    return medians


def _referral_status(session: Session, exchange: dict[str, Any]) -> dict[str, Any]:
    step = last_step(session=session, exchange_id=exchange["id"])
    if step is not None:
        status, on, value = step.status, step.occurred_on, step.value
    else:
        acknowledged = exchange["acknowledged_at"] is not None
        status, on, value = ("acknowledged" if acknowledged else "given"), None, None
    return {
        "id": exchange["id"],
        "occurred_on": exchange["occurred_on"],
        "receiver": exchange["receiver"],
        "summary": exchange["summary"] or "",
        "status": str(status).replace("_", " "),
        "status_on": on,
        "value": value,
    }


def gather_review(
    *,
    session: Session,
    member_id: int,
    network_id: int | None,
    start: date | None,
    end: date | None,
) -> MemberReview:
    """The numbers of one member's review; the period defaults to the 12 months to today."""
    member = get_member(session=session, member_id=member_id)
    network = get_network(session=session, network_id=network_id) if network_id else None
    end = end or date.today()
    start = start or trend_months(end, 12)[0]
    scope = make_scope(network_id=network_id, member_id=member_id, date_from=start, date_to=end)
    network_scope = make_scope(network_id=network_id, date_from=start, date_to=end)
    (balance,) = compute_balances(session=session, scope=scope)
    pairs = compute_pairs(session=session, scope=scope)
    (quality,) = compute_quality(session=session, scope=scope)
    given = [
        exchange
        for exchange in iter_exchanges(
            session=session,
            network_id=network_id,
            member_id=member_id,
            kind="referral",
            date_from=start,
            date_to=end,
            include_voided=False,
        )
        if exchange["giver_id"] == member_id
    ]
    return MemberReview(
        member=member.name,
        network=network.name if network else "all networks",
        scope=scope,
        balance=balance,
        trend=compute_trend(
            session=session,
            scope=scope,
            months=min(MAX_TREND_MONTHS, _months_between(start, end)),
        ),
        owes=[row for row in pairs if row["balance"] < 0],
        owed=sorted(
            (row for row in pairs if row["balance"] > 0),
            key=lambda row: -int(row["balance"]),
        ),
        quality=quality,
        medians=network_medians(compute_quality(session=session, scope=network_scope)),
        referrals=[_referral_status(session, exchange) for exchange in given],
        nudges=compute_nudges(
            session=session, member_id=member_id, network_id=network_id, as_of=end
        ),
    )


def _more(total: int, shown: int) -> list[str]:
    return [f"… and {total - shown:,} more."] if total > shown else []


def _pair_lines(rows: list[dict[str, Any]], *, owes: bool) -> list[str]:
    lines = [
        f"{row['other']}: gave you {points(row['received_points'])}, you gave "
        f"{row['given_points']:,} ({'you owe' if owes else 'they owe'} "
        f"{abs(int(row['balance'])):,})."
        for row in rows[:PAIR_LINES]
    ]
    return lines + _more(len(rows), PAIR_LINES)


def _status_counts(referrals: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for referral in referrals:
        counts[referral["status"]] = counts.get(referral["status"], 0) + 1
    if not counts:
        return "You gave no referrals in this period."
    parts = ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
    return f"You gave {len(referrals):,} referrals; where they stand now: {parts}."


@dataclass(frozen=True)
class ReviewText:
    """The review's sections as plain text rows, shared by the PDF and the HTML."""

    figures: list[tuple[str, str]]
    owes: list[str]
    owed: list[str]
    quality: list[tuple[str, str, str]]
    referrals_summary: str
    referrals: list[tuple[str, str, str, str]]
    referrals_more: list[str]
    nudges: list[str]


def review_text(review: MemberReview) -> ReviewText:
    """What the review says, cut to fit two pages."""
    recent = sorted(review.referrals, key=lambda r: (r["occurred_on"], r["id"]), reverse=True)
    return ReviewText(
        figures=[(label, show(key, review.balance[key])) for key, label in BALANCE_SHOWN],
        owes=_pair_lines(review.owes, owes=True),
        owed=_pair_lines(review.owed, owes=False),
        quality=[
            (label, show(key, review.quality[key]), show(key, review.medians[key]))
            for key, label in QUALITY_COMPARED
        ],
        referrals_summary=_status_counts(review.referrals),
        referrals=[
            (
                referral["occurred_on"].isoformat(),
                referral["receiver"],
                referral["status"],
                referral["status_on"].isoformat() if referral["status_on"] else "",
            )
            for referral in recent[:REFERRAL_LINES]
        ],
        referrals_more=_more(len(recent), REFERRAL_LINES),
        nudges=[nudge["message"] for nudge in review.nudges[:NUDGE_LINES]]
        + _more(len(review.nudges), NUDGE_LINES),
    )


def _lines_into(lines: list[tuple[str, str]]) -> Callable[["FigureBase"], None]:
    """Draw headed text lines into a sub-figure (its own 0-1 coordinates)."""
    import textwrap

    def draw(into: "FigureBase") -> None:
        y = 0.97
        for kind, text in lines:
            parts = textwrap.wrap(text, 100) if kind != "heading" else [text]
            for index, part in enumerate(parts):
                bullet = kind == "bullet"
                prefix = ("• " if index == 0 else "   ") if bullet else ""
                into.text(
                    0.07 if kind == "heading" else 0.08,
                    y,
                    prefix + part,
                    fontsize=11.5 if kind == "heading" else 9,
                    fontweight="bold" if kind == "heading" else "normal",
                    va="top",
                )
                y -= 0.05 if kind == "heading" else 0.037
            if y < 0.02:
                break

    return draw


def _write_pdf(path: Path, review: MemberReview, text: ReviewText, networks: MyNetworks) -> Path:
    import pandas as pd

    from reciprocity.reporting import my_networks, pdf
    from reciprocity.reporting.charts import member_trend_chart

    title = f"{review.member}: personal review"
    subtitle = f"{review.scope.label}, {review.network}"
    first: list[pdf.Block] = [
        ("heading", "Your balance"),
        (
            "table",
            pdf.Table(
                ["", "Points / value"], [list(row) for row in text.figures], [False, True], [5, 1.4]
            ),
        ),
        ("heading", "Whom you owe"),
        *(
            ("bullet", line)
            for line in text.owes or ["Nobody: you gave at least as much as you got from everyone."]
        ),
        ("heading", "Who owes you"),
        *(("bullet", line) for line in text.owed or ["Nobody owes you points in this period."]),
        ("heading", "Your follow-up against the network median"),
        (
            "table",
            pdf.Table(
                ["Referrals you received", "You", "Network median"],
                [list(row) for row in text.quality],
                [False, True, True],
                [4, 1.2, 1.6],
            ),
        ),
    ]
    second: list[tuple[str, str]] = [
        ("heading", "The referrals you gave"),
        ("para", text.referrals_summary),
        *(
            ("bullet", f"{day}: to {who}, {status}{f' on {on}' if on else ''}.")
            for day, who, status, on in text.referrals
        ),
        *(("para", line) for line in text.referrals_more),
        ("heading", "Your next steps"),
        *(("bullet", line) for line in text.nudges or ["Nothing to do: you are up to date."]),
    ]
    trend = pd.DataFrame.from_records(review.trend)
    pages = [
        *pdf.flow_pages(title, subtitle, first),
        pdf.chart_page(
            title,
            [
                lambda into: member_trend_chart(trend, member=review.member, into=into),
                _lines_into(second),
            ],
        ),
        *my_networks.pdf_pages(title, networks),
    ]
    return pdf.write_pdf(
        path, pages, title=title, footer=f"{review.member} · {subtitle} · {pdf.generated_on()}"
    )


def _write_html(path: Path, review: MemberReview, text: ReviewText, networks: MyNetworks) -> Path:
    import pandas as pd

    from reciprocity.reporting.charts import member_trend_chart, png_bytes
    from reciprocity.reporting.html import embed, write_html
    from reciprocity.reporting.my_networks import html_context
    from reciprocity.reporting.pdf import generated_on
    from reciprocity.reporting.style import PNG_DPI

    trend = pd.DataFrame.from_records(review.trend)
    chart = embed(
        png_bytes(member_trend_chart(trend, member=review.member), dpi=PNG_DPI),
        "Points given and received per month",
    )
    return write_html(
        path,
        "member.html.j2",
        {
            "member": review.member,
            "period": review.scope.label,
            "network": review.network,
            "text": text,
            "chart": chart,
            "my_networks": html_context(networks),
            "footer": f"{review.member} · {review.scope.label} · {generated_on()}",
        },
    )


def write_member_review(
    *,
    session: Session,
    member_id: int,
    network_id: int | None,
    start: date | None,
    end: date | None,
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write ``review.pdf`` and ``review.html`` for one member into ``out_dir``.

    Raises :class:`LedgerError` (one sentence, nothing written) for an unknown member or
    network, a network the member never belonged to, a period that ends before it starts,
    or an ``out_dir`` that is a file.
    """
    say = progress or (lambda _step: None)
    out_dir = check_out_dir(out_dir)
    if start is not None and end is not None and end < start:
        raise LedgerError(
            "period.ends_before_start",
            "The period ends ({end}) before it starts ({start}).",
            field="period",
            end=end.isoformat(),
            start=start.isoformat(),
        )
    if network_id is not None and not ever_member(
        session=session, member_id=member_id, network_id=network_id
    ):
        member = get_member(session=session, member_id=member_id)
        network = get_network(session=session, network_id=network_id)
        raise LedgerError(
            "review.never_member",
            "{name} has never been a member of {network}; "
            "leave out --network or name one of theirs.",
            field="network",
            name=member.name,
            network=network.name,
        )
    say("computing the review")
    review = gather_review(
        session=session, member_id=member_id, network_id=network_id, start=start, end=end
    )
    text = review_text(review)
    networks = gather_my_networks(
        session=session, member_id=member_id, start=review.scope.start, end=review.scope.end
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    say("writing review.pdf")
    written = [_write_pdf(out_dir / "review.pdf", review, text, networks)]
    say("writing review.html")
    written.append(_write_html(out_dir / "review.html", review, text, networks))
    return written
