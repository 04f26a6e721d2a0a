"""What BNI Connect lacks, on imported slips: balances, pairs, reciprocity, Gini, the giver ×
receiver heatmap, and the monthly report's Traffic Lights column."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.network import compute_stats
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.scope import Scope
from reciprocity.ledger.attendance import record_attendance
from reciprocity.ledger.transfer.bni_slips import import_bni_slips
from tests.bni.chapter import TODAY, Alpha, build_alpha
from tests.bni.files import HAND_WORKED, SLIP_NUMBERS, write_xls

MONDAY, SUNDAY = date(2025, 8, 18), date(2025, 8, 24)


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
    record_attendance(
        session=session,
        meeting_id=alpha.meeting,
        member_id=alpha.chen,
        status="absent",
        today=TODAY,
    )
    return alpha


def test_balances_pairs_and_network_figures_read_the_imported_referrals(
    session: Session, week: Alpha
) -> None:
    scope = Scope(network_id=week.network, start=MONDAY, end=SUNDAY)
    given = {
        row["member"]: row["given_points"] for row in compute_balances(session=session, scope=scope)
    }
    # Five referrals at 3 points: Aarti gave two, Bilal, Chen and Omar (BNI Energy) one each.
    assert given == {
        "Aarti Lakhwani": 6,
        "Bilal Khan": 3,
        "Chen Wei": 3,
        "Dana Cruz": 0,
        "Omar Haddad": 3,
    }
    owed = compute_pairs(
        session=session,
        scope=Scope(network_id=week.network, member_id=week.bilal, start=MONDAY, end=SUNDAY),
    )
    assert {(row["other"], row["balance"]) for row in owed} == {
        ("Aarti Lakhwani", -6),
        ("Chen Wei", 3),
    }
    stats = compute_stats(session=session, scope=scope, as_of=SUNDAY)
    assert stats["exchanges"] == 5
    assert stats["reciprocity"] == 0.0  # a chain, nobody gave back
    assert stats["gini"] is not None and stats["gini"] > 0


def test_the_monthly_report_has_a_traffic_light_column(
    session: Session, week: Alpha, tmp_path: Path
) -> None:
    from reciprocity.reporting.monthly import write_monthly_report

    written = write_monthly_report(
        session=session,
        network_id=week.network,
        month="2025-08",
        out_dir=tmp_path / "report",
        formats=["html"],
        acting_id=None,
    )
    page = next(path for path in written if path.suffix == ".html").read_text(encoding="utf-8")
    assert ">Traffic Light<" in page
    row = page[page.index(">Aarti Lakhwani<") :]
    assert "green" in row[: row.index("</tr>")]
