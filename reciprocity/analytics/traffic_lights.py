"""Traffic Lights: the member scoring BNI leadership teams steer by, from the ledger.

Each member of a chapter earns points for what they did over a rolling window (six months
by default) ending on the day judged: few absences and lates, referrals, visitors,
one-to-ones and CEUs per week, and closed business (TYFCB). The points add up to a score
that falls in a band: green, yellow, red, or grey below red. The table of points and bands
is a TOML file (:mod:`reciprocity.ledger.scoring`, documented in docs/bni.md): the default
beside this module, the chapter's own (a network setting), or one named for a run.

"Per week" divides by the chapter's meetings held in the window while the person was a
member; where the chapter recorded no meetings in the window, by the whole weeks of
membership in it. A member with no attendance recorded has no absences.
"""

import calendar
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from reciprocity.analytics.frames import name_key
from reciprocity.analytics.keys import MONEY_DIGITS, RATE_DIGITS, TRAFFIC_LIGHT_KEYS
from reciprocity.analytics.palms import palms_by_member
from reciprocity.i18n import N_
from reciprocity.ledger.networks import get_network
from reciprocity.ledger.roles import require_organiser
from reciprocity.ledger.rules import is_member_on
from reciprocity.ledger.scoring import MEASURES, Scoring, parse_scoring
from reciprocity.store import slips

DEFAULT_SCORING = Path(__file__).with_name("traffic_lights.toml")
"""The scoring table Reciprocity ships; a chapter replaces it with its own."""


def default_scoring_text() -> str:
    """The shipped table, comments and all (a starting point to copy)."""
    return DEFAULT_SCORING.read_text(encoding="utf-8")


def scoring_text(session: Session, *, network_id: int, override: str | None = None) -> str:
    """The table in force: ``override`` (``--scoring FILE``), else the network's own,
    else the default."""
    if override is not None:
        return override
    own = get_network(session=session, network_id=network_id).traffic_lights
    return own if own is not None else default_scoring_text()


def months_before(day: date, months: int) -> date:
    """The first day of the window of ``months`` months that ends on ``day``."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    same = day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
    return same + timedelta(days=1)


def _weeks(
    spans: list[tuple[date | None, date | None]], meetings: list[date], start: date, end: date
) -> float:
    """Countable weeks of a member in the window: meetings held while a member, else whole
    weeks of membership in it (at least one)."""
    if meetings:
        held = sum(1 for day in meetings if any(is_member_on(*span, day) for span in spans))
        return float(max(held, 1))
    days = 0
    for joined, left in spans:
        first = max(start, joined or start)
        last = min(end, left or end)
        days += max((last - first).days + 1, 0)
    return float(max(days // 7, 1))


def compute_traffic_lights(
    *,
    session: Session,
    network_id: int,
    as_of: date | None = None,
    scoring: str | None = None,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per member of the network with exactly :data:`TRAFFIC_LIGHT_KEYS`, by name.

    ``scoring`` is a table's TOML text for this run; by default the network's own or the
    shipped one. Only an organiser of the network (or the owner) may see them.
    """
    require_organiser(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=N_("see its Traffic Lights"),
    )
    table = parse_scoring(scoring_text(session, network_id=network_id, override=scoring))
    end = as_of or date.today()
    start = months_before(end, table.months)
    figures, names, ours = palms_by_member(session, network_id=network_id, start=start, end=end)
    meetings = slips.meetings_held(session, network_id=network_id, start=start, end=end)
    spans: dict[int, list[tuple[date | None, date | None]]] = {}
    for member_id, joined, left in slips.membership_spans(session, network_id=network_id):
        spans.setdefault(member_id, []).append((joined, left))
    rows = [
        _light(
            member_id,
            names[member_id],
            figures[member_id],
            _weeks(spans.get(member_id, [(None, None)]), meetings, start, end),
            table,
        )
        for member_id in ours
    ]
    rows.sort(key=lambda row: name_key(row["member"]))
    return rows


def _light(
    member_id: int, name: str, palms: dict[str, Any], weeks: float, table: Scoring
) -> dict[str, Any]:
    given = palms["referrals_given_inside"] + palms["referrals_given_outside"]
    values: dict[str, float] = {
        "absences": palms["absent"],
        "lates": palms["late"],
        "referrals_per_week": round(given / weeks, RATE_DIGITS),
        "visitors_per_week": round(palms["visitors"] / weeks, RATE_DIGITS),
        "one_to_ones_per_week": round(palms["one_to_ones"] / weeks, RATE_DIGITS),
        "ceu_per_week": round(palms["ceu"] / weeks, RATE_DIGITS),
        "tyfcb": round(float(palms["tyfcb"]), MONEY_DIGITS),
    }
    row: dict[str, Any] = {"member_id": member_id, "member": name, "weeks": int(weeks)}
    score = 0
    for measure in MEASURES:
        points = table.points(measure, values[measure]) if measure in table.steps else 0
        row[measure] = values[measure]
        row[f"{measure}_points"] = points
        score += points
    row.update(score=score, max_score=table.max_score, light=table.light(score))
    return {key: row[key] for key in TRAFFIC_LIGHT_KEYS}


def lights_by_member(
    *, session: Session, network_id: int, as_of: date, acting_id: int | None = None
) -> dict[int, str]:
    """Each member's light, for a column beside other figures (the monthly report, the
    TUI's network screen)."""
    rows = compute_traffic_lights(
        session=session, network_id=network_id, as_of=as_of, acting_id=acting_id
    )
    return {row["member_id"]: row["light"] for row in rows}
