"""The organiser's monthly report, read back as its readers would: a PDF viewer, a browser,
a spreadsheet and a script reading CSV.

The hand-worked chapter of ``tests/analytics/test_handworked.py`` is the fixture; its
September 2026 over all networks is worked out on paper there:

- 8 counted exchanges (e7 is voided): referrals e1, e2, e4; helps e3, e5, e8;
  introductions e6a, e6b. 18 points. 6 members listed, 5 active.
- Reciprocity 4/6 = 66.7%; Gini 0.519; balances ≥ 0: Anna, Dirk, Eva = 50%.
- Referrals received 3, all contacted (after 1, 5 and 4 days: median 4); e1 and e4
  won: conversion 2/3 = 66.7%, value won 1,500.00 + 800.50 = 2,300.50.
- August 2026 has no exchange at all.

PDF-heavy tests run on SQLite only (the engine does not change a drawing); the numbers
themselves are checked on both engines.
"""

import html.parser
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.quality import compute_quality, network_quality
from reciprocity.analytics.scope import make_scope
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.reporting.tables import in_words
from reciprocity.store.engine import make_engine
from tests.analytics.test_handworked import ANNA, BOB, Chapter, build
from tests.reporting.helpers import (
    EXPECTED_FILES,
    csv_rows,
    csv_value,
    pdf_pages,
    sheet_values,
)

Run = Callable[..., Any]


@pytest.fixture(scope="module")
def september(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    """The hand-worked chapter's September report over all networks, written once."""
    folder = tmp_path_factory.mktemp("september")
    engine = make_engine(f"sqlite:///{folder / 'ledger.sqlite'}")
    steps: list[str] = []
    with Session(engine, expire_on_commit=False) as session:
        build(session)
        written = write_monthly_report(
            session=session,
            network_id=None,
            month="2026-09",
            out_dir=folder / "report",
            progress=steps.append,
        )
    assert {path.name for path in written} == EXPECTED_FILES
    assert all(path.parent == folder / "report" for path in written)
    assert "drawing charts" in steps and "writing report.pdf" in steps
    yield folder / "report", engine
    engine.dispose()


def test_the_pdf_cover_shows_the_hand_worked_figures(september: tuple[Path, Engine]) -> None:
    folder, _ = september
    pages = pdf_pages(folder / "report.pdf")
    # Cover, one table page (6 members), four chart pages, one coaching page.
    assert len(pages) == 7
    cover = pages[0]
    for line in (
        "Members 6 5 +1",
        "Active members 5 0 +5",
        "Exchanges 8 0 +8",
        "Referrals 3 0 +3",
        "Helps 3 0 +3",
        "Introductions 2 0 +2",
        "Points given 18 0 +18",
        "Reciprocity 66.7% – –",
        "Gini of giving 0.519 0 +0.519",
        "Members giving ≥ taking 50.0%",
        "Contact rate 100.0% – –",
        "Median days to contact 4 – –",
        "Conversion 66.7% – –",
        "Value won 2,300.50 0.00 +2,300.50",
    ):
        assert line in cover, line
    table = pages[1]
    # Highest balance first; Anna's row as worked out: 10 given, 1 received, ratio 10.
    assert table.index(ANNA) < table.index("Eva Visser") < table.index(BOB)
    assert f"{ANNA} 10 1 9 10 1,500.00" in table
    assert "Bob Jansen 2 7 -5 0.286 0.00 1 100.0% 1 100.0% 100.0% 5" in table
    assert "For the leadership team" in pages[-1]
    assert "Anna de Vries gave 10 points and received 1" in pages[-1]


def test_the_funnel_and_the_network_quality_add_up_to_the_members(
    september: tuple[Path, Engine],
) -> None:
    folder, engine = september
    funnel_page = pdf_pages(folder / "report.pdf")[4]
    # e1 (contacted, meeting, won), e2 (contacted, lost), e4 (contacted, proposal, won).
    for stage in ("3 (100%)", "2 (67%)"):
        assert stage in funnel_page
    with Session(engine) as session:
        scope = make_scope(month="2026-09")
        rows = compute_quality(session=session, scope=scope)
        totals = network_quality(session=session, scope=scope, rows=rows)
    assert totals["referrals_received"] == sum(row["received"] for row in rows) == 3
    assert totals["contacted"] == sum(row["contacted"] for row in rows) == 3
    assert totals["won"] == sum(row["won"] for row in rows) == 2
    # By hand: first steps after 1 (e1), 5 (e2) and 4 (e4) days; e1 won 1,500.00 and e4
    # 800.50 (won in October, counted with its September referral); voided e7 never counts.
    assert totals["contact_days"] == [1.0, 4.0, 5.0]
    assert (totals["median_days_to_contact"], totals["value_won"]) == (4.0, 2300.5)
    assert (totals["contact_rate"], totals["conversion_rate"]) == (1.0, 0.667)


def test_csv_headers_are_the_json_keys_and_rows_equal_balance_json(
    september: tuple[Path, Engine],
) -> None:
    folder, engine = september
    with Session(engine) as session:
        scope = make_scope(month="2026-09")
        expected = {
            "balances": (BALANCE_KEYS, compute_balances(session=session, scope=scope)),
            "quality": (QUALITY_KEYS, compute_quality(session=session, scope=scope)),
            "pairs": (PAIR_KEYS, compute_pairs(session=session, scope=scope)),
        }
    for stem, (keys, rows) in expected.items():
        header, data = csv_rows(folder / f"{stem}.csv")
        assert header == list(keys)
        assert len(data) == len(rows)
        for cells, row in zip(data, rows, strict=True):
            assert {k: csv_value(c, row[k]) for k, c in zip(keys, cells, strict=True)} == row
    header, exchanges = csv_rows(folder / "exchanges.csv")
    assert header == list(EXCHANGE_COLUMNS)
    # The month's counted exchanges only: e7 (voided) is not there.
    assert len(exchanges) == 8
    assert {row[EXCHANGE_COLUMNS.index("kind")] for row in exchanges} == {
        "referral",
        "help",
        "introduction",
    }


def test_xlsx_values_read_back_equal_the_analytics_rows(september: tuple[Path, Engine]) -> None:
    folder, engine = september
    with Session(engine) as session:
        scope = make_scope(month="2026-09")
        balances = compute_balances(session=session, scope=scope)
        quality = compute_quality(session=session, scope=scope)
    sheet = sheet_values(folder / "report.xlsx", "Balances")
    assert sheet[0] == [in_words(key) for key in BALANCE_KEYS]
    assert "Given points" in sheet[0]
    assert [dict(zip(BALANCE_KEYS, row, strict=True)) for row in sheet[1:]] == balances
    sheet = sheet_values(folder / "report.xlsx", "Quality")
    assert [dict(zip(QUALITY_KEYS, row, strict=True)) for row in sheet[1:]] == quality
    summary = {row[0]: row[1:] for row in sheet_values(folder / "report.xlsx", "Summary") if row}
    assert summary["Exchanges"] == [8, 0, 8]
    assert summary["Reciprocity"][0] == 0.667
    assert summary["Value won"] == [2300.5, 0, 2300.5]
    exchanges = sheet_values(folder / "report.xlsx", "Exchanges")
    assert exchanges[0][0] == "External id" and len(exchanges) == 9


def test_xlsx_headers_are_frozen_and_cells_hold_numbers(september: tuple[Path, Engine]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(september[0] / "report.xlsx")
    assert workbook.sheetnames == ["Summary", "Balances", "Quality", "Pairs", "Exchanges"]
    balances = workbook["Balances"]
    assert balances.freeze_panes == "C2"  # the header row and the id and name columns
    assert balances.column_dimensions["B"].width >= 20
    quality = workbook["Quality"]
    rate = quality.cell(row=2, column=QUALITY_KEYS.index("referral_yield") + 1)
    assert isinstance(rate.value, float) and rate.number_format == "0.0%"
    assert quality.cell(row=1, column=1).font.b


def test_html_is_one_self_contained_page_with_the_same_figures(
    september: tuple[Path, Engine],
) -> None:
    text = (september[0] / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    parser.close()
    # Six charts, each embedded; nothing is fetched from elsewhere.
    assert len(parser.images) == 6
    assert all(source.startswith("data:image/png;base64,") for source in parser.images)
    assert not parser.external
    for cell in ("66.7%", "0.519", "2,300.50", "1,500.00"):
        assert cell in parser.text
    assert "@media print" in text


def test_png_charts_are_150_dpi(september: tuple[Path, Engine]) -> None:
    from PIL import Image

    with Image.open(september[0] / "referral_funnel.png") as image:
        assert image.format == "PNG"
        assert round(image.info["dpi"][0]) == 150
        assert image.size == (1200, 750)


def test_numbers_agree_with_balance_json_on_both_engines(
    session: Session, run_cli: Run, tmp_path: Path
) -> None:
    chapter: Chapter = build(session)
    written = write_monthly_report(
        session=session,
        network_id=chapter.club,
        month="2026-10",
        out_dir=tmp_path / "club",
        formats=["csv", "xlsx"],
    )
    assert {path.name for path in written} == {
        "report.xlsx",
        "balances.csv",
        "quality.csv",
        "pairs.csv",
        "exchanges.csv",
    }
    result = run_cli("balance", "--network", "Club Delft", "--month", "2026-10", "--json")
    assert result.exit_code == 0, result.stderr
    expected = json.loads(result.stdout)
    header, rows = csv_rows(tmp_path / "club" / "balances.csv")
    got = [
        {k: csv_value(c, row[k]) for k, c in zip(header, cells, strict=True)}
        for cells, row in zip(rows, expected, strict=True)
    ]
    assert got == expected and len(rows) == len(expected) == 4
    sheet = sheet_values(tmp_path / "club" / "report.xlsx", "Balances")
    assert [dict(zip(BALANCE_KEYS, row, strict=True)) for row in sheet[1:]] == expected


class _Collector(html.parser.HTMLParser):
    """Image sources, external references and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.external: list[str] = []
        self.scripts = 0
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append(values.get("src") or "")
        if tag == "script":
            self.scripts += 1
        for name in ("href", "src"):
            value = values.get(name) or ""
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.text += data + " "


def test_a_month_with_no_activity_gives_a_valid_report_that_says_so(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with Session(engine, expire_on_commit=False) as session:
        chapter = build(session)  # members since 2026-01-01, exchanges from 2026-09
        written = write_monthly_report(
            session=session, network_id=chapter.club, month="2026-07", out_dir=tmp_path / "jul"
        )
    engine.dispose()
    assert {path.name for path in written} == EXPECTED_FILES
    pages = pdf_pages(tmp_path / "jul" / "report.pdf")
    assert "No activity this month: no exchanges were logged in 2026-07." in pages[0]
    assert "Exchanges 0 0 ±0" in pages[0]
    assert "No referrals were received in this period." in "".join(pages)
    page = (tmp_path / "jul" / "report.html").read_text(encoding="utf-8")
    assert "No activity this month" in page
    header, rows = csv_rows(tmp_path / "jul" / "pairs.csv")
    assert header == list(PAIR_KEYS) and rows == []
    # The club's four members are listed with zeros.
    _, balances = csv_rows(tmp_path / "jul" / "balances.csv")
    assert len(balances) == 4
    assert {row[BALANCE_KEYS.index("balance")] for row in balances} == {"0"}
    summary = sheet_values(tmp_path / "jul" / "report.xlsx", "Summary")
    assert ["Note", "No activity this month: no exchanges were logged in 2026-07."] in [
        row[:2] for row in summary
    ]


@pytest.mark.parametrize(
    ("month", "formats", "message"),
    [
        ("2026-13", None, "The month '2026-13' is not a month; use YYYY-MM."),
        ("October", None, "use YYYY-MM"),
        ("2026-10", ["pdf,docx"], "There is no report format 'docx'"),
        ("2026-10", [""], "Name at least one report format"),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    session: Session, tmp_path: Path, month: str, formats: list[str] | None, message: str
) -> None:
    chapter = build(session)
    with pytest.raises(LedgerError) as error:
        write_monthly_report(
            session=session,
            network_id=chapter.club,
            month=month,
            out_dir=tmp_path / "out",
            formats=formats,
        )
    assert message in str(error.value)
    assert str(error.value).endswith(".") and "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


def test_an_out_path_that_is_a_file_is_refused(session: Session, tmp_path: Path) -> None:
    chapter = build(session)
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    with pytest.raises(LedgerError, match="is a file; name a folder"):
        write_monthly_report(
            session=session, network_id=chapter.club, month="2026-10", out_dir=target
        )
    assert target.read_text() == "keep me"
