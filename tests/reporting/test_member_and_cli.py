"""The member's personal review, the report commands, and the report at national size."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.ledger.demo import create_demo
from reciprocity.reporting.member import write_member_review
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.store.engine import make_engine
from tests.analytics.test_handworked import ANNA, BOB, CARLA, build
from tests.reporting.helpers import pdf_pages


def test_member_review_shows_bobs_club_months(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with Session(engine, expire_on_commit=False) as session:
        chapter = build(session)
        written = write_member_review(
            session=session,
            member_id=chapter.bob,
            network_id=chapter.club,
            start=date(2026, 9, 1),
            end=date(2026, 10, 31),
            out_dir=tmp_path / "bob",
            acting_id=None,
        )
    engine.dispose()
    assert [path.name for path in written] == ["review.pdf", "review.html"]
    pages = pdf_pages(tmp_path / "bob" / "review.pdf")
    assert len(pages) == 3  # the third is "My networks" (tests/reporting/test_worth_reports.py)
    text = "\n".join(pages)
    assert f"{BOB}: personal review" in pages[0]
    # In the club Bob gives e9, e16 (6 points) and receives e1, e13 (6) + e6a, e10 (4).
    for line in (
        "Points given 6",
        "Points received 10",
        "Balance -4",
        "Ratio given to received 0.60",
    ):
        assert line in pages[0], line
    # Anna gave him e1 + e6a (5) and got nothing back; Carla gave e10 + e13 (5), got 6.
    assert f"{ANNA}: gave you 5 points, you gave 0 (you owe 5)." in text
    assert f"{CARLA}: gave you 5 points, you gave 6 (they owe 1)." in text
    # He received e1 (contacted after 1 day) and e13 (no step yet): contact rate 50%.
    assert "Followed up 50.0%" in pages[0]
    assert "You gave 2 referrals; where they stand now: meeting 1, no response 1." in text
    assert "Business you won from referrals €1,500.00" in pages[0]
    assert "Contact the referral Carla Smit gave you on 2026-10-20" in text
    page = (tmp_path / "bob" / "review.html").read_text(encoding="utf-8")
    assert "Anna de Vries: gave you 5 points, you gave 0 (you owe 5)." in page
    assert page.count('<img src="data:image/png;base64,') == 2


Run = Callable[..., Any]


def test_report_monthly_command_writes_the_folder(
    run_cli: Run, db_url: str, tmp_path: Path
) -> None:
    _build(db_url)
    result = run_cli(
        "report",
        "monthly",
        "--network",
        "Club Delft",
        "--month",
        "2026-10",
        "--out",
        str(tmp_path / "out"),
        "--format",
        "csv,xlsx",
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(Path(line).name for line in result.stdout.split()) == sorted(
        ["report.xlsx", "balances.csv", "quality.csv", "pairs.csv", "exchanges.csv"]
    )
    assert "… writing report.xlsx" in result.stderr


def _build(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        build(session)
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--network", "Nowhere", "--month", "2026-10"), "Nowhere"),
        (("--network", "Club Delft", "--month", "2026-1"), "is not a month; use YYYY-MM."),
        (("--month", "2026-10", "--format", "pdf,word"), "There is no report format 'word'"),
    ],
)
def test_report_monthly_mistakes_are_one_sentence_and_write_nothing(
    run_cli: Run, db_url: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _build(db_url)
    result = run_cli("report", "monthly", *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_report_member_refuses_an_unknown_member_and_a_file_as_folder(
    run_cli: Run, db_url: str, tmp_path: Path
) -> None:
    _build(db_url)
    result = run_cli("report", "member", "Nobody Known", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Nobody Known" in result.stderr
    target = tmp_path / "taken"
    target.write_text("x")
    result = run_cli("report", "member", BOB, "--out", str(target))
    assert result.exit_code == 1
    assert "is a file; name a folder for the report." in result.stderr
    result = run_cli(
        "report", "member", BOB, "--from", "2026-10-01", "--to", "2026-09-01", "--out", "x"
    )
    assert result.exit_code == 1 and "before it starts" in result.stderr


def test_national_size_pdf_does_not_grow_with_the_members(tmp_path: Path) -> None:
    """Above chapter size the PDF summarises: 600 members give the pages 130 members do."""
    sizes = {}
    pages = {}
    for members in (130, 600):
        engine = make_engine(f"sqlite:///{tmp_path / f'national-{members}.sqlite'}")
        with Session(engine) as session:
            create_demo(
                session=session,
                members=members,
                months=2,
                exchanges=members * 6,
                until=date(2026, 10, 31),
            )
            written = write_monthly_report(
                session=session,
                network_id=None,
                month="2026-10",
                out_dir=tmp_path / str(members),
                acting_id=None,
                formats=["pdf"],
            )
        engine.dispose()
        assert [path.name for path in written] == ["report.pdf"]
        text = pdf_pages(written[0])
        pages[members] = len(text)
        sizes[members] = written[0].stat().st_size
        for table in (text[1], text[2]):
            assert f"The 20 highest and lowest balances of {members:,} members." in table
            assert "members in between; every row is in balances.csv" in table
    assert pages[130] == pages[600]
    assert sizes[600] < sizes[130] * 1.25


def test_with_as_only_organisers_write_the_report_and_members_their_own_review(
    run_cli: Any, tmp_path: Path
) -> None:
    """The report commands follow the ledger's roles: nothing is written for anyone else."""
    run_cli("network", "add", "Club Delft")
    run_cli("member", "add", "Anna de Vries", "--network", "Club", "--role", "organiser")
    run_cli("member", "add", "Bob Jansen", "--network", "Club")
    run_cli("member", "add", "Carla Smit", "--network", "Club")
    run_cli("network", "add", "Open Coffee")
    refused = {
        ("report", "member", "Carla", "--network", "Open"): (
            "Carla Smit has never been a member of Open Coffee; leave out --network"
        ),
        ("--as", "Bob", "report", "monthly", "--network", "Club", "--month", "2026-10"): (
            "Only an organiser of Club Delft may see its report."
        ),
        (
            "--as",
            "Bob",
            "report",
            "monthly",
            "--network",
            "Club",
            "--month",
            "2026-10",
            "--audience",
            "leadership",
        ): "Only an organiser of Club Delft may see its report.",
        ("report", "monthly", "--month", "2026-10", "--audience", "board"): (
            "There is no report audience 'board'; choose chapter or leadership."
        ),
        ("--as", "Bob", "report", "member", "Carla"): "may see their review",
        ("report", "monthly", "--month", "2999-01"): "The month 2999-01 has not begun yet",
    }
    for args, sentence in refused.items():
        out = tmp_path / f"out{len(args)}"
        result = run_cli(*args, "--out", str(out))
        assert result.exit_code == 1, args
        assert sentence in result.stderr and "Traceback" not in result.stderr
        assert not out.exists()
    mine = tmp_path / "mine"
    assert run_cli("--as", "Bob", "report", "member", "Bob", "--out", str(mine)).exit_code == 0
    assert (mine / "review.pdf").exists()
    club = tmp_path / "club"
    args = ("--as", "Anna", "report", "monthly", "--network", "Club", "--month", "2026-10")
    assert run_cli(*args, "--out", str(club), "--format", "csv").exit_code == 0
    assert (club / "balances.csv").exists()


def test_year_one_is_one_sentence_and_years_print_in_four_digits(
    run_cli: Run, db_url: str, tmp_path: Path
) -> None:
    from reciprocity.analytics.scope import make_scope

    _build(db_url)
    refused = {
        ("report", "monthly", "--month", "0001-01"): "The month 0001-01 is too early for a report",
        ("report", "member", BOB, "--from", "0001-01-01", "--to", "0001-01-31"): (
            "A review must end on 0002-01-01 or later"
        ),
    }
    for args, sentence in refused.items():
        result = run_cli(*args, "--out", str(tmp_path / "out"))
        assert result.exit_code == 1, args
        assert result.stderr.startswith("Error: ") and sentence in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    # The first month a report can compare with a year before it: its month before is
    # 0001-12, not "1-12".
    args = ("report", "monthly", "--month", "0002-01", "--format", "csv", "--out")
    assert run_cli(*args, str(tmp_path / "year2")).exit_code == 0
    assert make_scope(month="0001-01").label == "0001-01"


def test_points_are_counted_in_words() -> None:
    from reciprocity.reporting.tables import points

    assert [points(0), points(1), points(1200)] == ["0 points", "1 point", "1,200 points"]
