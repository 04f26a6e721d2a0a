"""The cross-chapter view: which chapters a chapter gives to and takes from.

In one chapter's weekly report about half of the people named belong to other chapters.
Their slips are kept in the chapter's network and marked with the other chapter's network
(``other_network_id``); this module sums them per other chapter: referrals each way,
one-to-ones, and closed business (TYFCB) each way. Counts come from
:func:`reciprocity.store.slips.cross_chapter_flows`.
"""

from datetime import date
from typing import Any

from sqlmodel import Session

from reciprocity.analytics.frames import name_key
from reciprocity.analytics.keys import CROSS_CHAPTER_KEYS, MONEY_DIGITS
from reciprocity.i18n import N_
from reciprocity.ledger.roles import require_organiser
from reciprocity.ledger.slips import check_period
from reciprocity.store import slips


def compute_cross_chapter(
    *,
    session: Session,
    network_id: int,
    start: date,
    end: date,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per other chapter with exactly :data:`CROSS_CHAPTER_KEYS`, by name.

    ``referrals_given``: this chapter's members to that chapter's people;
    ``referrals_received``: the other way. ``tyfcb_given``: closed business credited to
    this chapter's members (their referrals brought it); ``tyfcb_received``: credited to
    the other chapter's people.
    """
    require_organiser(
        session=session, acting_id=acting_id, network_id=network_id, doing=N_("see its chapters")
    )
    check_period(start, end)
    rows: dict[int, dict[str, Any]] = {}

    def row(other: int) -> dict[str, Any]:
        found = rows.get(other)
        if found is None:
            found = rows[other] = dict.fromkeys(CROSS_CHAPTER_KEYS[1:], 0)
            found["tyfcb_given"] = found["tyfcb_received"] = 0.0
        return found

    where: dict[str, Any] = {"network_id": network_id, "start": start, "end": end}
    for other, what, direction, count, amount in slips.cross_chapter_flows(session, **where):
        found = row(other)
        if what == "referral":
            found[f"referrals_{direction}"] += int(count)
        elif what == "one_to_one":
            found["one_to_ones"] += int(count)
        else:
            found[f"tyfcb_{direction}"] = round(
                found[f"tyfcb_{direction}"] + float(amount or 0), MONEY_DIGITS
            )
    for other, people in slips.cross_chapter_people(session, **where):
        row(other)["people"] = int(people)
    names = slips.network_names(session, list(rows))
    result = [{"chapter": names[other], **figures} for other, figures in rows.items()]
    result.sort(key=lambda found: name_key(found["chapter"]))
    return [{key: found[key] for key in CROSS_CHAPTER_KEYS} for found in result]
