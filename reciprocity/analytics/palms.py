"""PALMS computed from the ledger: per member of a chapter, the meetings Present, Absent,
Late, Medical and Substitute, referrals given and received inside and outside, visitors,
one-to-ones, closed business (TYFCB) and CEU credits, for a period.

BNI Connect shows these only after the weekly PALMS is submitted; here they follow from
what is recorded (docs/bni.md, "PALMS"). Counts come from :mod:`reciprocity.store.slips`;
this module only puts them together per member. People of other chapters who appear in
the chapter's slips are listed only when asked for.
"""

from datetime import date
from typing import Any

from sqlmodel import Session

from reciprocity.analytics.frames import name_key
from reciprocity.analytics.keys import MONEY_DIGITS, PALMS_KEYS
from reciprocity.i18n import N_
from reciprocity.ledger.roles import require_organiser
from reciprocity.ledger.slips import check_period
from reciprocity.store import aggregates, slips


def compute_palms(
    *,
    session: Session,
    network_id: int,
    start: date,
    end: date,
    include_other_chapters: bool = False,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per person with exactly :data:`PALMS_KEYS`, by name.

    Listed: the network's active members whose membership overlaps the period, everyone
    who belonged to it and has a record in it, and (``include_other_chapters``) the people
    of other chapters in its slips. Only an organiser of the network (or the owner) may.
    """
    require_organiser(
        session=session, acting_id=acting_id, network_id=network_id, doing=N_("see its PALMS")
    )
    check_period(start, end)
    figures, names, ours = palms_by_member(session, network_id=network_id, start=start, end=end)
    shown = ours | (set(figures) if include_other_chapters else set())
    rows = [{"member": names[member_id], **figures[member_id]} for member_id in shown]
    rows.sort(key=lambda found: name_key(found["member"]))
    return [{key: found[key] for key in PALMS_KEYS} for found in rows]


def palms_by_member(
    session: Session, *, network_id: int, start: date, end: date
) -> tuple[dict[int, dict[str, Any]], dict[int, str], set[int]]:
    """Every listed person's PALMS figures by member id, their names, and which of them
    belong to the network (the rest are people of other chapters in its slips)."""
    where: dict[str, Any] = {"network_id": network_id, "start": start, "end": end}
    figures: dict[int, dict[str, Any]] = {}

    def row(member_id: int) -> dict[str, Any]:
        found = figures.get(member_id)
        if found is None:
            found = figures[member_id] = dict.fromkeys(PALMS_KEYS[1:], 0)
            found["tyfcb"] = found["ceu"] = 0.0
        return found

    for member_id, status, count in slips.attendance_counts(session, **where):
        row(member_id)[status] += int(count)
    for member_id, side, kind, count in slips.referral_counts(session, **where):
        inside = "inside" if kind == "inside" else "outside"
        row(member_id)[f"referrals_{side}_{inside}"] += int(count)
    for member_id, count in slips.visitor_counts(session, **where):
        row(member_id)["visitors"] += int(count)
    for member_id, count in slips.one_to_one_counts(session, **where):
        row(member_id)["one_to_ones"] += int(count)
    for member_id, amount in slips.tyfcb_sums(session, **where):
        row(member_id)["tyfcb"] = round(float(amount or 0), MONEY_DIGITS)
    for member_id, credits in slips.ceu_sums(session, **where):
        row(member_id)["ceu"] = round(float(credits or 0), MONEY_DIGITS)
    names: dict[int, str] = {}
    ours: set[int] = set()
    for member_id, name in aggregates.listed_members(
        session, network_id=network_id, member_id=None, start=start, end=end
    ):
        names[member_id] = name
        ours.add(member_id)
        row(member_id)
    for member_id, name, belongs in slips.member_chapters(
        session, sorted(set(figures) - ours), network_id=network_id
    ):
        names[member_id] = name
        if belongs:
            ours.add(member_id)
    return figures, names, ours


def compute_baseline(
    *,
    session: Session,
    network_id: int,
    start: date,
    end: date,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """BNI Connect's own PALMS as imported (``import bni-palms``) for the periods that lie
    within this one, summed per member: the same keys as :func:`compute_palms`, so the two
    can be set side by side."""
    require_organiser(
        session=session, acting_id=acting_id, network_id=network_id, doing=N_("see its PALMS")
    )
    check_period(start, end)
    rows = []
    for _member_id, name, *figures in slips.baseline_sums(
        session, network_id=network_id, start=start, end=end
    ):
        row: dict[str, Any] = {"member": name}
        for key, value in zip(PALMS_KEYS[1:], figures, strict=True):
            row[key] = round(float(value), MONEY_DIGITS) if key in {"tyfcb", "ceu"} else int(value)
        rows.append(row)
    rows.sort(key=lambda found: name_key(found["member"]))
    return rows


def split_name(name: str) -> tuple[str, str]:
    """BNI's First Name and Last Name of a member: the last word is the last name.

    "Rashida Huzefa Abbasi" gives ("Rashida Huzefa", "Abbasi"), as BNI Connect writes it;
    a one-word name is a first name.
    """
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def bni_row(row: dict[str, Any]) -> list[Any]:
    """A PALMS row in BNI's columns and order (``PALMS_HEADERS``)."""
    first, last = split_name(row["member"])
    return [first, last, *(row[key] for key in PALMS_KEYS[1:])]
