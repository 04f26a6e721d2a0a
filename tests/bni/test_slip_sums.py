"""For any imported Slips Audit Report, PALMS adds up to the file (the issue's "Truth"):

Σ referrals given = the Referral rows, Σ TYFCB = the sum of the amounts, Σ CEU = the
credits and Σ visitors = the Visitor rows, over everyone (other chapters included), on
SQLite and PostgreSQL, whichever form the file was saved in.
"""

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from reciprocity.analytics.palms import compute_palms
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_meeting, add_network
from reciprocity.ledger.transfer.bni_slips import import_bni_slips
from tests.bni.chapter import TODAY
from tests.bni.files import SLIP_HEADER, write_csv, write_xls, write_xlsx

_runs = itertools.count()
START, END = date(2025, 3, 3), date(2025, 3, 9)
OURS = ["Ann  Ho", "Ben Li", "Cas Mo ", "Dee Ng"]
THEIRS = ["Olu Ade", "Pia Roe"]
CHAPTER_DETAIL = "BNI Other, Lagos, Nigeria"

person = st.sampled_from(OURS)
outsider = st.sampled_from(THEIRS)
amount = st.decimals(min_value=0, max_value=99999, places=2).map(lambda d: f"{d:.2f}")
credits = st.integers(min_value=1, max_value=5).map(str)


@st.composite
def slip(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["Referral", "One-to-One", "TYFCB", "CEU", "Visitor"]))
    first, second = draw(st.lists(person, min_size=2, max_size=2, unique=True))
    detail = ""
    if kind in {"Referral", "One-to-One"} and draw(st.booleans()):
        detail = CHAPTER_DETAIL
        if draw(st.booleans()):
            first = draw(outsider)
        else:
            second = draw(outsider)
    tier = draw(st.sampled_from(["Tier 1 (inside)", "Tier 2 (outside)"]))
    if kind == "Referral":
        return [first, second, kind, tier, "", "", detail]
    if kind == "One-to-One":
        return [first, second, kind, "", "", "", detail]
    if kind == "TYFCB":
        thanked_by = draw(st.sampled_from(["", first]))
        return [thanked_by, second, kind, "", draw(amount), "", ""]
    if kind == "CEU":
        return [first, "", kind, "", "", draw(credits), ""]
    return [first, draw(st.sampled_from(["", "A Visitor"])), kind, "", "", "", ""]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(slip(), min_size=1, max_size=30),
    form=st.sampled_from(["xls", "xlsx", "csv"]),
)
def test_palms_adds_up_to_the_imported_file(
    session: Session, tmp_path: Path, rows: list[list[str]], form: str
) -> None:
    run = next(_runs)
    network = add_network(session=session, name=f"BNI Sum {run}")
    assert network.id is not None
    suffix = f" {run}"
    named = [
        [
            cell + suffix
            if cell.strip() and index in (0, 1) and not (row[2] == "Visitor" and index == 1)
            else cell
            for index, cell in enumerate(row)
        ]
        for row in rows
    ]
    for name in OURS:
        add_member(session=session, name=name.strip() + suffix, network_ids=[network.id])
    add_meeting(session=session, network_id=network.id, held_on=date(2025, 3, 5))
    table = [SLIP_HEADER, *named]
    path = tmp_path / f"slips-{run}.{form}"
    {"xls": write_xls, "xlsx": write_xlsx, "csv": write_csv}[form](path, table)
    import_bni_slips(
        session=session,
        paths=[path],
        network_id=network.id,
        start=START,
        end=END,
        create_members=True,
        today=TODAY,
    )
    palms = compute_palms(
        session=session, network_id=network.id, start=START, end=END, include_other_chapters=True
    )

    def total(key: str) -> Decimal:
        return sum((Decimal(str(row[key])) for row in palms), Decimal(0))

    referrals = sum(row[2] == "Referral" for row in rows)
    assert total("referrals_given_inside") + total("referrals_given_outside") == referrals
    assert total("referrals_received_inside") + total("referrals_received_outside") == referrals
    assert total("tyfcb") == sum((Decimal(row[4]) for row in rows if row[2] == "TYFCB"), Decimal(0))
    assert total("ceu") == sum(Decimal(row[5]) for row in rows if row[2] == "CEU")
    assert total("visitors") == sum(row[2] == "Visitor" for row in rows)
