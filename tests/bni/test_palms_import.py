"""Importing BNI Connect's PALMS summary as a baseline beside Reciprocity's own PALMS."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.analytics.palms import compute_baseline
from reciprocity.ledger.errors import ImportRejected
from reciprocity.ledger.transfer.bni_palms import import_bni_palms
from tests.bni.chapter import Alpha, build_alpha
from tests.bni.files import PALMS_HEADER, write_csv, write_xls
from tests.conftest import snapshot

START, END = date(2025, 8, 1), date(2025, 8, 31)
PALMS = [
    ["PALMS Summary Report"],
    [],
    PALMS_HEADER,
    ["Aarti", "Lakhwani", "4", "0", "0", "0", "0", "3", "1", "0", "2", "1", "2", "0.00", "2", ""],
    [
        "Rashida  Huzefa",
        "Abbasi ",
        "3",
        "1",
        "",
        "",
        "",
        "0",
        "0",
        "1",
        "0",
        "",
        "1",
        "1,250.00",
        "",
        "",
    ],
    ["Bilal", "Khan", "4", "", "", "", "", "", "2", "3", "", "", "", "850.00", "1", "x"],
]
NUMBERS = frozenset(range(2, 13))


@pytest.fixture
def alpha(session: Session) -> Alpha:
    return build_alpha(session)


def test_the_summary_is_kept_as_bnis_figures_for_its_period(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "PALMS.xls", PALMS, numbers=NUMBERS)
    result = import_bni_palms(
        session=session,
        path=report,
        network_id=alpha.network,
        start=START,
        end=END,
        create_members=True,
    )
    assert (result.rows, result.replaced, result.members_added) == (3, 0, ["Rashida Huzefa Abbasi"])
    rows = {
        row["member"]: row
        for row in compute_baseline(session=session, network_id=alpha.network, start=START, end=END)
    }
    assert rows["Rashida Huzefa Abbasi"]["tyfcb"] == 1250.0
    assert rows["Rashida Huzefa Abbasi"]["absent"] == 1
    assert rows["Aarti Lakhwani"]["referrals_given_inside"] == 3
    assert rows["Bilal Khan"]["referrals_received_inside"] == 3
    assert rows["Bilal Khan"]["ceu"] == 1.0
    # A period that does not hold the baseline's shows nothing of it.
    assert (
        compute_baseline(
            session=session, network_id=alpha.network, start=START, end=date(2025, 8, 15)
        )
        == []
    )


def test_importing_the_period_again_replaces_it_and_adds_nothing(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    xls = write_xls(tmp_path / "PALMS.xls", PALMS, numbers=NUMBERS)
    options = {"network_id": alpha.network, "start": START, "end": END, "create_members": True}
    import_bni_palms(session=session, path=xls, **options)  # type: ignore[arg-type]
    before = snapshot(engine)
    again = import_bni_palms(
        session=session,
        path=write_csv(tmp_path / "PALMS.csv", PALMS),
        **options,  # type: ignore[arg-type]
    )
    assert (again.rows, again.replaced, again.members_added) == (3, 3, [])
    assert snapshot(engine) == before


def test_an_unknown_member_without_create_members_changes_nothing(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    xls = write_xls(tmp_path / "PALMS.xls", PALMS, numbers=NUMBERS)
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refused:
        import_bni_palms(session=session, path=xls, network_id=alpha.network, start=START, end=END)
    assert refused.value.problems == [
        "line 5: No member is named 'Rashida Huzefa Abbasi'; rerun with --create-members or "
        "add them first."
    ]
    assert snapshot(engine) == before
