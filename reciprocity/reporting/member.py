"""A member's personal review: three pages (PDF and HTML) a member can read over coffee.

Their balance and its trend over the period, whom they owe and who owes them, their
follow-up quality against the network's median, what happened to the referrals they
gave, their nudges, and what each of their networks gave and cost them
(:mod:`reciprocity.reporting.my_networks`). Every number comes from
:mod:`reciprocity.analytics`; lists are cut to the few lines that matter, so the review
stays at three pages however busy the member is. The review is personal: only the member
or an organiser of a network they are in may have it written (``acting_id``, checked
here), and it has one audience.
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
from reciprocity.i18n import N_, _, format_day, format_number, language, ngettext
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import iter_exchanges
from reciprocity.ledger.followups import last_step
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import ever_member, get_network
from reciprocity.ledger.roles import require_self_or_organiser
from reciprocity.reporting.folders import building, check_out_dir
from reciprocity.reporting.my_networks import MyNetworks, gather_my_networks
from reciprocity.reporting.tables import points, show
from reciprocity.store import aggregates

if TYPE_CHECKING:
    from matplotlib.figure import FigureBase

PAIR_LINES = 8
"""Members listed under "you owe" and under "owes you"."""
REFERRAL_LINES = 12
NUDGE_LINES = 8
MAX_TREND_MONTHS = 24
QUALITY_COMPARED: tuple[tuple[str, str], ...] = (
    ("contact_rate", N_("Followed up")),
    ("median_days_to_contact", N_("Typical days to first contact")),
    ("within_sla_rate", N_("Contacted within the agreed days")),
    ("conversion_rate", N_("Won")),
    ("avg_rating", N_("Average rating from givers (1-5)")),
    ("referral_yield", N_("Referrals you gave that were won")),
)
BALANCE_SHOWN: tuple[tuple[str, str], ...] = (
    ("given_points", N_("Points given")),
    ("received_points", N_("Points received")),
    ("balance", N_("Balance")),
    ("ratio", N_("Ratio given to received")),
    ("value_given", N_("Business won by others from your referrals")),
    ("value_received", N_("Business you won from referrals")),
)
REVIEW_FILES = frozenset({"review.pdf", "review.html"})
"""Every file a review writes: a folder holding only these may be replaced."""
EARLIEST_END = date(2, 1, 1)
"""A review looks back up to a year from its last day, which must stay in the calendar."""


@dataclass
class MemberReview:
    """Everything the review shows, as computed by the analytics functions."""

    member: str
    network: str
    currency: str | None
    scope: Scope
    balance: dict[str, Any]
    trend: list[dict[str, Any]]
    owes: list[dict[str, Any]]
    owed: list[dict[str, Any]]
    quality: dict[str, Any]
    medians: dict[str, float | None]
    referrals: list[dict[str, Any]]
    nudges: list[dict[str, Any]]


STATUS_WORDS = {
    "given": N_("given"),
    "acknowledged": N_("acknowledged"),
    "contacted": N_("contacted"),
    "meeting": N_("meeting"),
    "proposal": N_("proposal"),
    "won": N_("won"),
    "lost": N_("lost"),
    "no_response": N_("no response"),
}


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def network_medians(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Per compared quality column, the median over the members who have a value."""
    medians: dict[str, float | None] = {}
    for key, _label in QUALITY_COMPARED:
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
        "status": _(STATUS_WORDS[str(status)]),
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
    currencies = {network.currency} if network else set(aggregates.network_currencies(session))
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
        network=network.name if network else _("all networks"),
        currency=currencies.pop() if len(currencies) == 1 else None,
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
    if total <= shown:
        return []
    more = total - shown
    return [
        ngettext("… and {count} more.", "… and {count} more.", more).format(
            count=format_number(more)
        )
    ]


def _pair_lines(rows: list[dict[str, Any]], *, owes: bool) -> list[str]:
    you_owe = _("{other}: gave you {received}, you gave {given} (you owe {gap}).")
    they_owe = _("{other}: gave you {received}, you gave {given} (they owe {gap}).")
    lines = [
        (you_owe if owes else they_owe).format(
            other=row["other"],
            received=points(row["received_points"]),
            given=format_number(int(row["given_points"])),
            gap=format_number(abs(int(row["balance"]))),
        )
        for row in rows[:PAIR_LINES]
    ]
    return lines + _more(len(rows), PAIR_LINES)


def _status_counts(referrals: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for referral in referrals:
        counts[referral["status"]] = counts.get(referral["status"], 0) + 1
    if not counts:
        return _("You gave no referrals in this period.")
    parts = ", ".join(
        f"{status} {format_number(count)}" for status, count in sorted(counts.items())
    )
    return ngettext(
        "You gave {count} referral; where it stands now: {statuses}.",
        "You gave {count} referrals; where they stand now: {statuses}.",
        len(referrals),
    ).format(count=format_number(len(referrals)), statuses=parts)


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
    money = review.currency
    return ReviewText(
        figures=[
            (_(label), show(key, review.balance[key], currency=money))
            for key, label in BALANCE_SHOWN
        ],
        owes=_pair_lines(review.owes, owes=True),
        owed=_pair_lines(review.owed, owes=False),
        quality=[
            (_(label), show(key, review.quality[key]), show(key, review.medians[key]))
            for key, label in QUALITY_COMPARED
        ],
        referrals_summary=_status_counts(review.referrals),
        referrals=[
            (
                format_day(referral["occurred_on"], "medium"),
                referral["receiver"],
                referral["status"],
                format_day(referral["status_on"], "medium") if referral["status_on"] else "",
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

    from reciprocity.reporting.style import drawable

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
                    drawable(prefix + part),
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

    words = review_words()
    title = words["title"].format(member=review.member)
    subtitle = _period(review)
    first: list[pdf.Block] = [
        ("heading", words["balance"]),
        (
            "table",
            pdf.Table(
                ["", words["points_value"]],
                [list(row) for row in text.figures],
                [False, True],
                [5, 1.4],
            ),
        ),
        ("heading", words["owes"]),
        *(("bullet", line) for line in text.owes or [words["owes_nobody"]]),
        ("heading", words["owed"]),
        *(("bullet", line) for line in text.owed or [words["owed_nobody"]]),
        ("heading", words["quality"]),
        (
            "table",
            pdf.Table(
                [words["received"], words["you"], words["median"]],
                [list(row) for row in text.quality],
                [False, True, True],
                [4, 1.2, 1.6],
            ),
        ),
    ]
    second: list[tuple[str, str]] = [
        ("heading", words["given"]),
        ("para", text.referrals_summary),
        *(
            (
                "bullet",
                (
                    _("{day}: to {who}, {status} on {on}.")
                    if on
                    else _("{day}: to {who}, {status}.")
                ).format(day=day, who=who, status=status, on=on),
            )
            for day, who, status, on in text.referrals
        ),
        *(("para", line) for line in text.referrals_more),
        ("heading", words["next"]),
        *(("bullet", line) for line in text.nudges or [words["nothing"]]),
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


def _period(review: MemberReview) -> str:
    """The review's period and network in words."""
    scope = review.scope
    assert scope.start is not None and scope.end is not None
    return _("{first} to {last}, {network}").format(
        first=format_day(scope.start), last=format_day(scope.end), network=review.network
    )


def review_words() -> dict[str, str]:
    """The review's headings and fixed sentences, in the active language."""
    return {
        "lang": language(),
        "kicker": _("Reciprocity · personal review"),
        "title": _("{member}: personal review"),
        "balance": _("Your balance"),
        "points_value": _("Points / value"),
        "owes": _("Whom you owe"),
        "owes_nobody": _("Nobody: you gave at least as much as you got from everyone."),
        "owed": _("Who owes you"),
        "owed_nobody": _("Nobody owes you points in this period."),
        "quality": _("Your follow-up against the network median"),
        "received": _("Referrals you received"),
        "you": _("You"),
        "median": _("Network median"),
        "given": _("The referrals you gave"),
        "date": _("Date"),
        "to": _("To"),
        "now": _("Now"),
        "since": _("Since"),
        "next": _("Your next steps"),
        "nothing": _("Nothing to do: you are up to date."),
        "chart": _("Points given and received per month"),
    }


def _write_html(path: Path, review: MemberReview, text: ReviewText, networks: MyNetworks) -> Path:
    import pandas as pd

    from reciprocity.reporting.charts import member_trend_chart, png_bytes
    from reciprocity.reporting.html import embed, write_html
    from reciprocity.reporting.my_networks import html_context
    from reciprocity.reporting.pdf import generated_on
    from reciprocity.reporting.style import PNG_DPI

    trend = pd.DataFrame.from_records(review.trend)
    words = review_words()
    chart = embed(
        png_bytes(member_trend_chart(trend, member=review.member), dpi=PNG_DPI), words["chart"]
    )
    return write_html(
        path,
        "member.html.j2",
        {
            "words": words,
            "title": words["title"].format(member=review.member),
            "member": review.member,
            "period": _period(review),
            "text": text,
            "chart": chart,
            "my_networks": html_context(networks),
            "footer": f"{review.member} · {_period(review)} · {generated_on()}",
        },
    )


def write_member_review(
    *,
    session: Session,
    member_id: int,
    network_id: int | None,
    start: date | None,
    end: date | None,
    out_dir: str | Path,
    acting_id: int | None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write ``review.pdf`` and ``review.html`` for one member into ``out_dir``, as
    ``acting_id`` (``None``: the ledger's owner), who must be the member or an organiser
    of a network they are in now.

    Raises :class:`LedgerError` (one sentence, nothing written) for a refused role, an
    unknown member or network, a network the member never belonged to, a period that ends
    before it starts or before 0002-01-01, or an ``out_dir`` that cannot take the review
    (a file, a link, a folder that is not empty without ``force``).
    """
    say = progress or (lambda _step: None)
    target = check_out_dir(out_dir, force=force, names=REVIEW_FILES)
    if start is not None and end is not None and end < start:
        raise LedgerError(
            "period.ends_before_start",
            "The period ends ({end}) before it starts ({start}).",
            field="period",
            end=end.isoformat(),
            start=start.isoformat(),
        )
    if end is not None and end < EARLIEST_END:
        raise LedgerError(
            "review.ends_too_early",
            "A review must end on 0002-01-01 or later, because it looks back a year from its "
            "last day; {end} is too early.",
            field="period",
            end=end.isoformat(),
        )
    require_self_or_organiser(session=session, acting_id=acting_id, member_id=member_id)
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
    say(_("computing the review"))
    review = gather_review(
        session=session, member_id=member_id, network_id=network_id, start=start, end=end
    )
    text = review_text(review)
    networks = gather_my_networks(
        session=session, member_id=member_id, start=review.scope.start, end=review.scope.end
    )
    with building(target, force=force, names=REVIEW_FILES) as folder:
        say(_("writing {name}").format(name="review.pdf"))
        _write_pdf(folder / "review.pdf", review, text, networks)
        say(_("writing {name}").format(name="review.html"))
        _write_html(folder / "review.html", review, text, networks)
    return [target / "review.pdf", target / "review.html"]
