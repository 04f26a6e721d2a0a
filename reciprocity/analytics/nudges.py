"""What one member should do next, as of a day: the nudges of DESIGN.md.

Each nudge is a dict with :data:`NUDGE_KEYS`: its ``type``, one sentence for the member,
and the ids a face needs to act on it (the other member, the exchange, the ask). The
types, their order and their windows are in docs/analytics.md, "Nudges".
"""

import re
from datetime import date
from typing import Any

from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import NUDGE_KEYS
from reciprocity.analytics.scope import trailing_days
from reciprocity.i18n import _, ngettext
from reciprocity.ledger.members import get_member
from reciprocity.store import aggregates
from reciprocity.store.models import FollowupStatus

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


def reciprocate(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Members who gave to this member lately and got nothing back, most points first."""
    start, end = trailing_days(as_of, RECIPROCITY_DAYS)
    owed = [
        (row.other_id, row.other, int(row.received_points))
        for row in aggregates.member_pairs(
            session, member_id=member_id, network_id=network_id, start=start, end=end
        )
        if row.received and not row.given
    ]
    owed.sort(key=lambda row: (-row[2], frames.name_key(row[1]), row[0]))
    return [
        _nudge(
            "reciprocate",
            ngettext(
                "{name} gave you {count} point in the last {days} days and you gave nothing "
                "back; look out for a referral for them.",
                "{name} gave you {count} points in the last {days} days and you gave nothing "
                "back; look out for a referral for them.",
                points,
            ).format(name=name, count=points, days=RECIPROCITY_DAYS),
            member_id=other,
        )
        for other, name, points in owed
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
    asks = aggregates.open_asks_for(session, member_id=member_id, network_id=network_id, on=as_of)
    if not asks:
        return []
    offers = [
        " ".join(filter(None, (offer.topic, offer.details)))
        for offer in aggregates.open_offers_of(session, member_id)
    ]
    nudges = []
    for ask in asks:
        text = " ".join(filter(None, (ask.topic, ask.details)))
        if mentions(text, me.category):
            sentence = _(
                "{member} asks \u201c{topic}\u201d in {network}; "
                "you could answer: it asks for your line of work ({category})."
            ).format(
                member=ask.member,
                topic=ask.topic,
                network=ask.network,
                category=me.category,
            )
        elif any(mentions(offer, ask.category) for offer in offers):
            sentence = _(
                "{member} asks \u201c{topic}\u201d in {network}; "
                "you could answer: your open offer speaks to their trade ({category})."
            ).format(
                member=ask.member,
                topic=ask.topic,
                network=ask.network,
                category=ask.category,
            )
        else:
            continue
        nudges.append(
            _nudge(
                "answer_ask",
                sentence,
                member_id=ask.member_id,
                ask_id=ask.ask_id,
            )
        )
    return nudges


def cold_pairs(
    session: Session, member_id: int, network_id: int | None, as_of: date
) -> list[dict[str, Any]]:
    """Fellow members with no exchange and no one-to-one lately: one-to-one suggestions."""
    start, end = trailing_days(as_of, COLD_PAIR_DAYS)
    cold = aggregates.cold_fellows(
        session, member_id=member_id, network_id=network_id, on=as_of, start=start, end=end
    )
    chosen = sorted(
        cold, key=lambda row: (-int(row.generosity), frames.name_key(row.name), row.member_id)
    )
    return [
        _nudge(
            "cold_pair",
            _(
                "You and {name} have had no exchange or one-to-one in {days} days; "
                "book a one-to-one."
            ).format(name=row.name, days=COLD_PAIR_DAYS),
            member_id=row.member_id,
        )
        for row in chosen[:COLD_PAIR_LIMIT]
    ]


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
    # Held while the finders run, so asks_to_answer finds the member in the session.
    member = get_member(session=session, member_id=member_id)
    nudges = [
        nudge
        for finder in (followups_due, reciprocate, asks_to_answer, cold_pairs, given_updates)
        for nudge in finder(session, member_id, network_id, as_of)
    ]
    del member
    return nudges
