"""Importing BNI Connect's Slips Audit Report: the hand-worked week, every form of the file,
idempotence, cross-chapter people, and every bad input refused in one sentence."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.analytics.palms import compute_palms
from reciprocity.ledger.attendance import record_attendance
from reciprocity.ledger.errors import ImportRejected, LedgerError
from reciprocity.ledger.transfer.bni_slips import import_bni_slips
from tests.bni.chapter import TODAY, Alpha, build_alpha
from tests.bni.files import (
    HAND_WORKED,
    MEETING_DAY,
    OTHER_CHAPTER,
    SLIP_HEADER,
    SLIP_NUMBERS,
    WEEK,
    write_csv,
    write_xls,
    write_xlsx,
)
from tests.conftest import snapshot

MONDAY = date.fromisoformat(WEEK)
SUNDAY = date(2025, 8, 24)

HAND_COUNTS: dict[str, dict[str, Any]] = {
    "Aarti Lakhwani": {
        "rgi": 2,
        "rgo": 0,
        "rri": 0,
        "rro": 0,
        "v": 0,
        "121": 1,
        "tyfcb": 0.0,
        "ceu": 2.0,
    },
    "Bilal Khan": {
        "rgi": 0,
        "rgo": 1,
        "rri": 2,
        "rro": 0,
        "v": 1,
        "121": 0,
        "tyfcb": 2050.5,
        "ceu": 0.0,
    },
    "Chen Wei": {
        "rgi": 0,
        "rgo": 1,
        "rri": 0,
        "rro": 1,
        "v": 0,
        "121": 1,
        "tyfcb": 0.0,
        "ceu": 0.0,
    },
    "Dana Cruz": {
        "rgi": 0,
        "rgo": 0,
        "rri": 1,
        "rro": 0,
        "v": 1,
        "121": 1,
        "tyfcb": 0.0,
        "ceu": 1.0,
    },
    "Omar Haddad": {
        "rgi": 1,
        "rgo": 0,
        "rri": 0,
        "rro": 1,
        "v": 0,
        "121": 1,
        "tyfcb": 0.0,
        "ceu": 0.0,
    },
}
"""The table in tests/bni/files.py, HAND_WORKED's docstring."""


def _import(session: Session, alpha: Alpha, *paths: Path, **options: Any) -> Any:
    return import_bni_slips(
        session=session,
        paths=paths,
        network_id=alpha.network,
        start=MONDAY,
        end=SUNDAY,
        today=TODAY,
        **options,
    )


def _palms(session: Session, alpha: Alpha, *, others: bool = True) -> dict[str, dict[str, Any]]:
    rows = compute_palms(
        session=session,
        network_id=alpha.network,
        start=MONDAY,
        end=SUNDAY,
        include_other_chapters=others,
    )
    return {row["member"]: row for row in rows}


def _short(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rgi": row["referrals_given_inside"],
        "rgo": row["referrals_given_outside"],
        "rri": row["referrals_received_inside"],
        "rro": row["referrals_received_outside"],
        "v": row["visitors"],
        "121": row["one_to_ones"],
        "tyfcb": row["tyfcb"],
        "ceu": row["ceu"],
    }


@pytest.fixture
def alpha(session: Session) -> Alpha:
    return build_alpha(session)


def test_palms_of_the_hand_worked_week_equals_the_hand_counts(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "Slips_Audit_Report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)
    result = _import(session, alpha, report, create_members=True)
    assert result.rows == 13 and result.added == 13
    assert result.slips["Referral"] == {"rows": 5, "added": 5, "already_present": 0}
    assert result.cross_chapter == 3
    assert result.members_added == ["Omar Haddad"]
    assert result.networks_added == [OTHER_CHAPTER]
    assert result.dated_on == date.fromisoformat(MEETING_DAY)
    assert result.tyfcb_matched == 1
    for status, member in (
        ("present", alpha.aarti),
        ("late", alpha.bilal),
        ("absent", alpha.chen),
        ("substitute", alpha.dana),
    ):
        record_attendance(
            session=session, meeting_id=alpha.meeting, member_id=member, status=status, today=TODAY
        )
    palms = _palms(session, alpha)
    assert {name: _short(row) for name, row in palms.items()} == HAND_COUNTS
    assert [
        palms[name][key]
        for name, key in (
            ("Aarti Lakhwani", "present"),
            ("Bilal Khan", "late"),
            ("Chen Wei", "absent"),
            ("Dana Cruz", "substitute"),
        )
    ] == [1, 1, 1, 1]
    # The other chapter's person is listed only when asked for.
    assert "Omar Haddad" not in _palms(session, alpha, others=False)


def test_the_xls_its_xlsx_and_its_csv_resave_give_identical_ledgers(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    xls = write_xls(tmp_path / "report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)
    _import(session, alpha, xls, create_members=True)
    after_xls = snapshot(engine)
    for resaved in (
        write_xlsx(tmp_path / "report.xlsx", HAND_WORKED),
        write_csv(tmp_path / "report.csv", HAND_WORKED),
    ):
        again = _import(session, alpha, resaved, create_members=True)
        assert (again.added, again.already_present) == (0, 13)
        assert snapshot(engine) == after_xls


def test_importing_the_same_file_again_adds_nothing_and_repeated_rows_are_both_kept(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)
    _import(session, alpha, report, create_members=True)
    before = snapshot(engine)
    again = _import(session, alpha, report, create_members=True)
    assert again.added == 0 and again.already_present == 13
    assert snapshot(engine) == before
    inside = session.execute(
        sa.text(
            "SELECT COUNT(*) FROM exchange WHERE giver_id = :a AND receiver_id = :b "
            "AND referral_type = 'inside'"
        ),
        {"a": alpha.aarti, "b": alpha.bilal},
    ).scalar_one()
    assert inside == 2


def test_a_tyfcb_that_names_who_thanked_wins_the_referral_it_closed(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)
    _import(session, alpha, report, create_members=True)
    won = session.execute(
        sa.text(
            "SELECT e.giver_id, e.receiver_id, f.value FROM followup f "
            "JOIN exchange e ON e.id = f.exchange_id WHERE f.status = 'won'"
        )
    ).all()
    assert [tuple(row) for row in won] == [(alpha.bilal, alpha.chen, 1200.5)]
    from reciprocity.analytics.balances import compute_balances
    from reciprocity.analytics.scope import Scope

    rows = {
        row["member"]: row
        for row in compute_balances(
            session=session, scope=Scope(network_id=alpha.network, start=MONDAY, end=SUNDAY)
        )
    }
    assert rows["Bilal Khan"]["value_given"] == 1200.5
    assert rows["Chen Wei"]["value_received"] == 1200.5


def test_slips_between_chapters_are_never_refused_for_sharing_no_network(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)
    _import(session, alpha, report, create_members=True)
    marked = session.execute(
        sa.text(
            "SELECT n.name, COUNT(*) FROM exchange e JOIN network n ON n.id = e.other_network_id "
            "GROUP BY n.name"
        )
    ).all()
    assert [tuple(row) for row in marked] == [(OTHER_CHAPTER, 2)]
    from reciprocity.ledger.integrity import check_ledger

    assert check_ledger(session=session, today=TODAY) == []


def _rows(*extra: list[str]) -> list[list[str]]:
    return [SLIP_HEADER, *extra]


GOOD = ["Aarti Lakhwani", "Bilal Khan", "Referral", "Tier 1 (inside)", "", "", ""]


@pytest.mark.parametrize(
    ("rows", "sentence"),
    [
        (
            _rows(GOOD, ["Aarti Lakhwani", "Bilal Khan", "Thank you", "", "", "", ""]),
            "line 3: The slip type 'Thank you' is not one of: Referral, One-to-One, TYFCB, "
            "CEU, Visitor.",
        ),
        (
            _rows(["", "Bilal Khan", "TYFCB", "", "eight fifty", "", ""]),
            "line 2: The TYFCB amount 'eight fifty' is not a number; write it like 1500.00.",
        ),
        (
            _rows(["Aarti Lakhwani", "", "Referral", "Tier 2 (outside)", "", "", ""]),
            "line 2: A Referral slip needs its To; this row leaves it empty.",
        ),
        (
            _rows(["Zed Unknown", "Bilal Khan", "Referral", "Tier 2 (outside)", "", "", ""]),
            "line 2: No member is named 'Zed Unknown'; rerun with --create-members or add "
            "them first.",
        ),
    ],
)
def test_a_bad_row_is_named_by_its_line_and_nothing_changes(
    engine: Engine,
    session: Session,
    alpha: Alpha,
    tmp_path: Path,
    rows: list[list[str]],
    sentence: str,
) -> None:
    report = write_xls(tmp_path / "bad.xls", rows)
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refused:
        _import(session, alpha, report)
    assert refused.value.problems == [sentence]
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("giver", "sentence"),
    [
        (
            "Eve\u202egnp.exe",
            "line 2: The member name contains the invisible character U+202E; type the name "
            "without it.",
        ),
        (
            "Former member #87",
            "line 2: Names like 'Former member #87' are kept for forgotten members; choose "
            "another name.",
        ),
    ],
)
def test_members_created_from_slips_obey_the_name_rules_of_member_add(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path, giver: str, sentence: str
) -> None:
    report = write_xls(
        tmp_path / "names.xls",
        _rows([giver, "Bilal Khan", "Referral", "Tier 1 (inside)"] + [""] * 3),
    )
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refused:
        _import(session, alpha, report, create_members=True)
    assert refused.value.problems == [sentence]
    assert snapshot(engine) == before


def test_a_name_in_another_spelling_is_the_member_not_a_new_one(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(
        tmp_path / "spelling.xls",
        _rows(["ＡＡＲＴＩ  lakhwani", "Bilal Khan", "Referral", "Tier 1 (inside)", "", "", ""]),
    )
    result = _import(session, alpha, report, create_members=True)
    assert result.members_added == [] and result.added == 1


def test_a_different_header_names_the_one_expected(
    engine: Engine, session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "other.xls", [["Giver", "Receiver", "Kind"], GOOD])
    before = snapshot(engine)
    with pytest.raises(LedgerError) as refused:
        _import(session, alpha, report)
    assert str(refused.value) == (
        "other.xls is not a BNI Connect Slips Audit Report: its header should be From, To, "
        "Slip Type, Inside/Outside, TYFCB Amount, CEU Credits, Detail, but its first row is "
        "Giver, Receiver, Kind."
    )
    assert snapshot(engine) == before


def test_a_binary_xls_is_refused_with_how_to_resave_it(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    binary = tmp_path / "old.xls"
    binary.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(LedgerError, match=r"save it as \.xlsx") as refused:
        _import(session, alpha, binary)
    assert refused.value.key == "import.binary_xls"


def test_an_empty_file_is_refused(session: Session, alpha: Alpha, tmp_path: Path) -> None:
    empty = tmp_path / "empty.xls"
    empty.write_bytes(b"")
    with pytest.raises(LedgerError, match="empty.xls is empty; nothing to import."):
        _import(session, alpha, empty)


def test_a_period_that_ends_before_it_starts_is_refused(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "report.xls", HAND_WORKED)
    with pytest.raises(LedgerError, match=r"The period ends \(2025-08-18\) before it starts"):
        import_bni_slips(
            session=session,
            paths=[report],
            network_id=alpha.network,
            start=SUNDAY,
            end=MONDAY,
            today=TODAY,
        )


def test_a_plain_member_may_not_import_the_chapters_slips(
    session: Session, alpha: Alpha, tmp_path: Path
) -> None:
    report = write_xls(tmp_path / "report.xls", HAND_WORKED)
    with pytest.raises(LedgerError, match="Only an organiser of BNI Alpha may import"):
        _import(session, alpha, report, create_members=True, acting_id=alpha.bilal)
    _import(session, alpha, report, create_members=True, acting_id=alpha.aarti)
