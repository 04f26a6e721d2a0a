"""What one member should do next, as of a day: the nudges of DESIGN.md.

Each nudge is a dict with :data:`NUDGE_KEYS`: its ``type``, one sentence for the member,
and the ids a face needs to act on it (the other member, the exchange, the ask). The
types, their order and their windows are in docs/analytics.md, "Nudges".
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import NUDGE_KEYS
from reciprocity.analytics.scope import trailing_days
from reciprocity.i18n import _, ngettext
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import member_network_ids
from reciprocity.ledger.requests import list_requests
from reciprocity.store import aggregates
from reciprocity.store.models import Ask, FollowupStatus, Offer

RECIPROCITY_DAYS = 180
COLD_PAIR_DAYS = 180
COLD_PAIR_LIMIT = 5
GIVEN_UPDATE_DAYS = 14
ENDINGS = frozenset({FollowupStatus.WON, FollowupStatus.LOST, FollowupStatus.NO_RESPONSE})


def _nudge(
    kind: str,
    message: str,
    *,
    member_id: int | None = None,
    exchange_id: int | None = None,
    ask_id: int | None = None,
) -> dict[str, Any]:
    values = (kind, message, member_id, exchange_id, ask_id)
    return dict(zip(NUDGE_KEYS, values, strict=True))


def followups_due(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Referrals received and not followed up within their network's SLA, oldest first."""
    rows = aggregates.referrals_awaiting_contact(
        session, member_id=member_id, network_id=network_id, as_of=as_of
    )
    return [
        _nudge(
            "followup_due",
            (
                _(
                    "Contact the referral {giver} gave you on {day} ({summary}): "
                    "it is {age} days old with no follow-up yet."
                )
                if row.summary
                else _(
                    "Contact the referral {giver} gave you on {day}: "
                    "it is {age} days old with no follow-up yet."
                )
            ).format(
                giver=row.giver,
                day=row.occurred_on.isoformat(),
                summary=row.summary,
                age=row.age,
            ),
            member_id=row.giver_id,
            exchange_id=row.exchange_id,
        )
        for row in rows
    ]


def _points_between(
    session: Session, member_id: int, network_id: int | None, start: date, end: date
) -> tuple[dict[int, int], dict[int, int]]:
    """Points the member received from and gave to each other member in the period."""
    flows = frames.frame(
        aggregates.pair_flows(
            session, network_id=network_id, member_id=member_id, start=start, end=end
        ),
        frames.PAIR_FLOW_COLUMNS,
    )
    flows = frames.with_points(flows, frames.weights(session))
    received = flows[flows["receiver_id"] == member_id].groupby("giver_id")["points"].sum()
    given = flows[flows["giver_id"] == member_id].groupby("receiver_id")["points"].sum()
    return frames.by_id(received), frames.by_id(given)


def reciprocate(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Members who gave to this member lately and got nothing back, most points first."""
    start, end = trailing_days(as_of, RECIPROCITY_DAYS)
    received, given = _points_between(session, member_id, network_id, start, end)
    owed = {other: points for other, points in received.items() if other not in given}
    names = dict(tuple(row) for row in aggregates.member_names(session, owed))
    ordered = sorted(owed, key=lambda other: (-owed[other], frames.name_key(names[other]), other))
    return [
        _nudge(
            "reciprocate",
            ngettext(
                "{name} gave you {count} point in the last {days} days and you gave nothing "
                "back; look out for a referral for them.",
                "{name} gave you {count} points in the last {days} days and you gave nothing "
                "back; look out for a referral for them.",
                owed[other],
            ).format(name=names[other], count=owed[other], days=RECIPROCITY_DAYS),
            member_id=other,
        )
        for other in ordered
    ]


def mentions(text: str | None, phrase: str | None) -> bool:
    """``text`` names ``phrase`` as whole words, in any case, singular or plural."""
    if not text or not phrase or not phrase.strip():
        return False
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.search(rf"\b{words}(s|es)?\b", text, flags=re.IGNORECASE) is not None


def asks_to_answer(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Open asks in the member's networks that their category or open offers can answer."""
    me = get_member(session=session, member_id=member_id)
    networks = member_network_ids(session=session, member_id=member_id, on=as_of)
    if network_id is not None:
        networks &= {network_id}
    offers = [
        " ".join(filter(None, (offer["topic"], offer["details"])))
        for offer in list_requests(
            session=session, table=Offer, open_only=True, member_id=member_id
        )
    ]
    asks = [
        ask
        for network in sorted(networks)
        for ask in list_requests(session=session, table=Ask, open_only=True, network_id=network)
        if ask["member_id"] != member_id
    ]
    categories = dict(
        tuple(row)
        for row in aggregates.member_categories(session, {ask["member_id"] for ask in asks})
    )
    nudges = []
    for ask in sorted(asks, key=lambda ask: (ask["created_at"], ask["id"]), reverse=True):
        text = " ".join(filter(None, (ask["topic"], ask["details"])))
        asker_category = categories.get(ask["member_id"])
        if mentions(text, me.category):
            sentence = _(
                "{member} asks \u201c{topic}\u201d in {network}; "
                "you could answer: it asks for your line of work ({category})."
            ).format(
                member=ask["member"],
                topic=ask["topic"],
                network=ask["network"],
                category=me.category,
            )
        elif any(mentions(offer, asker_category) for offer in offers):
            sentence = _(
                "{member} asks \u201c{topic}\u201d in {network}; "
                "you could answer: your open offer speaks to their trade ({category})."
            ).format(
                member=ask["member"],
                topic=ask["topic"],
                network=ask["network"],
                category=asker_category,
            )
        else:
            continue
        nudges.append(
            _nudge(
                "answer_ask",
                sentence,
                member_id=ask["member_id"],
                ask_id=ask["id"],
            )
        )
    return nudges


def cold_pairs(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Fellow members with no exchange and no one-to-one lately: one-to-one suggestions."""
    start, end = trailing_days(as_of, COLD_PAIR_DAYS)
    fellows = dict(
        tuple(row)
        for row in aggregates.fellow_members(
            session, member_id=member_id, network_id=network_id, on=as_of
        )
    )
    if not fellows:
        return []
    received, given = _points_between(session, member_id, None, start, end)
    met = aggregates.one_to_one_partners(session, member_id=member_id, start=start, end=end)
    cold = set(fellows) - received.keys() - given.keys() - met
    generosity = _given_points(session, cold, start, end)
    chosen = sorted(
        cold,
        key=lambda other: (-generosity.get(other, 0), frames.name_key(fellows[other]), other),
    )
    return [
        _nudge(
            "cold_pair",
            _(
                "You and {name} have had no exchange or one-to-one in {days} days; "
                "book a one-to-one."
            ).format(name=fellows[other], days=COLD_PAIR_DAYS),
            member_id=other,
        )
        for other in chosen[:COLD_PAIR_LIMIT]
    ]


def _given_points(
    session: Session, members: Iterable[int], start: date, end: date
) -> dict[int, int]:
    """Points each of ``members`` gave anyone in the period."""
    members = list(members)
    if not members:
        return {}
    flows = frames.frame(
        aggregates.member_flows(
            session, network_id=None, member_id=None, start=start, end=end, member_ids=members
        ),
        frames.FLOW_COLUMNS,
    )
    flows = frames.with_points(flows[flows["side"] == "given"], frames.weights(session))
    return frames.by_id(flows.groupby("member_id")["points"].sum())


def given_updates(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Referrals the member gave that moved lately, newest step first, one nudge each."""
    start, end = trailing_days(as_of, GIVEN_UPDATE_DAYS)
    rows = aggregates.recent_steps_on_given(
        session, member_id=member_id, network_id=network_id, start=start, end=end
    )
    nudges = []
    seen: set[int] = set()
    for row in rows:
        if row.exchange_id in seen:
            continue
        seen.add(row.exchange_id)
        rate = row.status in ENDINGS and not row.rated
        if row.summary:
            sentence = (
                _(
                    "{receiver} moved your referral #{id} ({summary}) to {status} on {day}; "
                    "rate how they handled it."
                )
                if rate
                else _("{receiver} moved your referral #{id} ({summary}) to {status} on {day}.")
            )
        else:
            sentence = (
                _(
                    "{receiver} moved your referral #{id} to {status} on {day}; "
                    "rate how they handled it."
                )
                if rate
                else _("{receiver} moved your referral #{id} to {status} on {day}.")
            )
        nudges.append(
            _nudge(
                "given_update",
                sentence.format(
                    receiver=row.receiver,
                    id=row.exchange_id,
                    summary=row.summary,
                    status=_(str(row.status).replace("_", " ")),
                    day=row.step_on.isoformat(),
                ),
                member_id=row.receiver_id,
                exchange_id=row.exchange_id,
            )
        )
    return nudges


def compute_nudges(
    *,
    session: Session,
    member_id: int,
    network_id: int | None = None,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Every nudge for the member as of ``as_of`` (default today), in type order."""
    as_of = as_of or date.today()
    get_member(session=session, member_id=member_id)
    return [
        nudge
        for finder in (followups_due, reciprocate, asks_to_answer, cold_pairs, given_updates)
        for nudge in finder(session, member_id, network_id, as_of)
    ]
