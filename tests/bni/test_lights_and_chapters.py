"""Traffic Lights and the cross-chapter view on the hand-worked week."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from reciprocity.analytics.cross_chapter import compute_cross_chapter
from reciprocity.analytics.traffic_lights import compute_traffic_lights, months_before
from reciprocity.ledger.attendance import record_attendance
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.scoring import set_traffic_lights
from reciprocity.ledger.transfer.bni_slips import import_bni_slips
from tests.bni.chapter import TODAY, Alpha, build_alpha
from tests.bni.files import HAND_WORKED, OTHER_CHAPTER, SLIP_NUMBERS, write_xls

MONDAY, SUNDAY = date(2025, 8, 18), date(2025, 8, 24)
ONLY_REFERRALS = """
months = 1
[bands]
green = 20
yellow = 10
red = 5
[points]
referrals_per_week = [[1, 10], [2, 20]]
"""


@pytest.fixture
def week(session: Session, tmp_path: Path) -> Alpha:
    alpha = build_alpha(session)
    import_bni_slips(
        session=session,
        paths=[write_xls(tmp_path / "week.xls", HAND_WORKED, numbers=SLIP_NUMBERS)],
        network_id=alpha.network,
        start=MONDAY,
        end=SUNDAY,
        create_members=True,
        today=TODAY,
    )
    for status, member in (
        ("present", alpha.aarti),
        ("late", alpha.bilal),
        ("absent", alpha.chen),
        ("substitute", alpha.dana),
    ):
        record_attendance(
            session=session, meeting_id=alpha.meeting, member_id=member, status=status, today=TODAY
        )
    return alpha


def _lights(session: Session, alpha: Alpha, **options: object) -> dict[str, tuple[int, str]]:
    rows = compute_traffic_lights(
        session=session,
        network_id=alpha.network,
        as_of=SUNDAY,
        **options,  # type: ignore[arg-type]
    )
    return {row["member"]: (row["score"], row["light"]) for row in rows}


def test_the_default_table_scores_the_week_as_counted_by_hand(
    session: Session, week: Alpha
) -> None:
    # One meeting in the window, so every "per week" is the week's count.
    # Aarti: 0 absences 20, never late 5, 2 referrals 20, 1 one-to-one 15, 2 CEU 10 = 70.
    # Bilal: 0 absences 20, late once 3, 1 referral 20, 1 visitor 15, TYFCB 2,050.50 5 = 63.
    # Chen: 1 absence 15, never late 5, 1 referral 20, 1 one-to-one 15 = 55.
    # Dana (a substitute is not absent): 20 + 5 + 1 visitor 15 + 1 one-to-one 15 + 1 CEU 10 = 65.
    assert _lights(session, week) == {
        "Aarti Lakhwani": (70, "green"),
        "Bilal Khan": (63, "yellow"),
        "Chen Wei": (55, "yellow"),
        "Dana Cruz": (65, "yellow"),
    }


def test_a_chapters_own_table_replaces_the_default_and_a_run_may_name_another(
    session: Session, week: Alpha
) -> None:
    set_traffic_lights(session=session, network_id=week.network, text=ONLY_REFERRALS)
    assert _lights(session, week)["Aarti Lakhwani"] == (20, "green")
    assert _lights(session, week)["Dana Cruz"] == (0, "grey")
    bilal_only_once = ONLY_REFERRALS.replace("[[1, 10], [2, 20]]", "[[1, 6]]")
    assert _lights(session, week, scoring=bilal_only_once)["Bilal Khan"] == (6, "red")


def test_a_broken_table_is_refused_in_one_sentence_and_not_kept(
    session: Session, week: Alpha
) -> None:
    with pytest.raises(LedgerError) as refused:
        set_traffic_lights(
            session=session, network_id=week.network, text=ONLY_REFERRALS.replace("green", "blue")
        )
    assert str(refused.value) == (
        "The Traffic Lights scoring table is not valid: [bands] must give green, yellow and "
        "red their lowest scores. See docs/bni.md."
    )
    assert _lights(session, week)["Aarti Lakhwani"] == (70, "green")


def test_the_window_is_whole_months_ending_on_the_day_judged() -> None:
    assert months_before(date(2025, 8, 24), 6) == date(2025, 2, 25)
    assert months_before(date(2025, 8, 31), 6) == date(2025, 3, 1)
    assert months_before(date(2025, 1, 10), 1) == date(2024, 12, 11)


def test_the_cross_chapter_view_sums_the_slips_with_each_other_chapter(
    session: Session, week: Alpha
) -> None:
    rows = compute_cross_chapter(session=session, network_id=week.network, start=MONDAY, end=SUNDAY)
    assert rows == [
        {
            "chapter": OTHER_CHAPTER,
            "people": 1,
            "referrals_given": 1,
            "referrals_received": 1,
            "one_to_ones": 1,
            "tyfcb_given": 0.0,
            "tyfcb_received": 0.0,
        }
    ]
