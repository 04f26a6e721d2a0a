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

Club Delft's October, seen on 2026-11-03, is still maturing: its won referrals of the last
12 months took 18 (e1) and 3 (e15) days, median 10.5, and October ended 3 days before.
Its five referrals (e9, e16, e13, e15, e17) left three open (e16, e13, e17); one was won
(e15, 2,000.00): 20%. September at the same age (on 10-04, 33 days after its first day)
had won e1 of e1 and e2: 50%, 1,500.00.

PDF-heavy tests run on SQLite only (the engine does not change a drawing); the numbers
themselves are checked on both engines.
"""

import html.parser
import json
from collections.abc import Callable, Iterator
from datetime import date
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
from reciprocity.i18n import set_language
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import edit_network
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS
from reciprocity.reporting.data import gather_monthly
from reciprocity.reporting.layout import figure_rows
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.reporting.tables import in_words
from reciprocity.store.engine import make_engine
from tests.analytics.test_handworked import ANNA, BOB, CARLA, Chapter, build
from tests.reporting.helpers import (
    EXPECTED_FILES,
    LEADERSHIP_FILES,
    all_sheet_text,
    csv_rows,
    csv_value,
    pdf_pages,
    sheet_values,
)

Run = Callable[..., Any]


TODAY = date(2026, 11, 26)
"""The day the reports are made: September has long matured by then."""


@pytest.fixture(scope="module")
def september(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    """The hand-worked chapter's September report over all networks, written once for each
    audience: the chapter's in ``report``, the leadership team's in ``leadership``."""
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
            acting_id=None,
            today=TODAY,
            progress=steps.append,
        )
        leadership = write_monthly_report(
            session=session,
            network_id=None,
            month="2026-09",
            out_dir=folder / "leadership",
            acting_id=None,
            audience="leadership",
            today=TODAY,
        )
    assert {path.name for path in written} == EXPECTED_FILES
    assert {path.name for path in leadership} == LEADERSHIP_FILES
    assert all(path.parent == folder / "report" for path in written)
    assert all(path.exists() for path in [*written, *leadership])
    assert "drawing charts" in steps and "writing report.pdf" in steps
    yield folder, engine
    engine.dispose()


@pytest.mark.parametrize(
    ("audience", "pdf"), [("report", "report.pdf"), ("leadership", "report-leadership.pdf")]
)
def test_the_pdf_cover_shows_the_hand_worked_figures(
    september: tuple[Path, Engine], audience: str, pdf: str
) -> None:
    folder, _ = september
    pages = pdf_pages(folder / audience / pdf)
    # Cover, giving and follow-up tables (6 members), four chart pages, the closing page.
    assert len(pages) == 8
    cover = pages[0]
    for line in (
        "Members 6 5 +1",
        "Members who gave or received 5 0 +5",
        "Exchanges logged 8 0 +8",
        "Referrals 3 0 +3",
        "Help 3 0 +3",
        "Introductions 2 0 +2",
        "Points given 18 0 +18",
        "Giving that went both ways 66.7% – –",
        # Gini 0.519 (stats --json), two decimals as every ratio.
        "How evenly giving is spread 0.52 0.00 +0.52",
        "Members who gave at least as much as they received 50.0% 100.0% -50.0 percentage points",
        "Referrals followed up 100.0% – –",
        "Typical days to first contact 4 – –",
        "Referrals won 66.7% – –",
        "Business won from referrals €2,300.50 €0.00 +€2,300.50",
        "How to read this report",
    ):
        assert line in cover, line
    for words in ("Gini", "SLA", " pp", "Yield", "still maturing"):
        assert words not in "".join(pages), words
    giving, follow_up = pages[1], pages[2]
    # Highest balance first; Anna's row as worked out: 10 given, 1 received, ratio 10.
    assert giving.index(ANNA) < giving.index("Eva Visser") < giving.index(BOB)
    assert f"{ANNA} 10 1 9 10.00 €1,500.00" in giving
    assert "Bob Jansen 2 7 -5 0.29 €0.00" in giving
    assert "Bob Jansen 1 100.0% 1 100.0% 100.0% 5.0 –" in follow_up
    if audience == "leadership":
        assert "For the leadership team" in pages[-1]
        assert "Anna de Vries gave 10 points and received 1 point." in pages[-1]
    else:
        assert "Thank you for giving" in pages[-1]
        assert "In September 2026 the group logged 8 exchanges." in pages[-1]


def test_the_leadership_line_is_on_every_page_and_in_every_sheet(
    september: tuple[Path, Engine],
) -> None:
    from openpyxl import load_workbook

    folder, _ = september
    line = "Leadership team only — not for forwarding"
    pages = pdf_pages(folder / "leadership" / "report-leadership.pdf")
    assert all(line in page for page in pages), [i for i, p in enumerate(pages) if line not in p]
    assert line in (folder / "leadership" / "report-leadership.html").read_text(encoding="utf-8")
    workbook = load_workbook(folder / "leadership" / "report-leadership.xlsx")
    headers = [sheet.oddHeader for sheet in workbook.worksheets]
    assert len(headers) == 5
    assert all(header is not None and header.center.text == line for header in headers)
    chapter = "\n".join(pdf_pages(folder / "report" / "report.pdf"))
    assert "forwarding" not in chapter and "Leadership team only" not in chapter


def test_the_funnel_and_the_network_quality_add_up_to_the_members(
    september: tuple[Path, Engine],
) -> None:
    folder, engine = september
    funnel_page = pdf_pages(folder / "report" / "report.pdf")[5]
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


@pytest.mark.parametrize("audience", ["report", "leadership"])
def test_csv_headers_are_the_json_keys_and_rows_equal_balance_json(
    september: tuple[Path, Engine], audience: str
) -> None:
    folder, engine = september
    folder = folder / audience
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


@pytest.mark.parametrize(
    ("audience", "book"), [("report", "report.xlsx"), ("leadership", "report-leadership.xlsx")]
)
def test_xlsx_values_read_back_equal_the_analytics_rows(
    september: tuple[Path, Engine], audience: str, book: str
) -> None:
    folder, engine = september
    workbook = folder / audience / book
    with Session(engine) as session:
        scope = make_scope(month="2026-09")
        balances = compute_balances(session=session, scope=scope)
        quality = compute_quality(session=session, scope=scope)
    sheet = sheet_values(workbook, "Balances")
    assert sheet[0] == [in_words(key, "EUR") for key in BALANCE_KEYS]
    assert "Points given" in sheet[0]
    assert [dict(zip(BALANCE_KEYS, row, strict=True)) for row in sheet[1:]] == balances
    sheet = sheet_values(workbook, "Quality")
    assert [dict(zip(QUALITY_KEYS, row, strict=True)) for row in sheet[1:]] == quality
    summary = {row[0]: row[1:] for row in sheet_values(workbook, "Summary") if row}
    assert summary["Exchanges logged"] == [8, 0, 8]
    assert summary["Giving that went both ways"][0] == 0.667
    assert summary["Business won from referrals"] == [2300.5, 0, 2300.5]
    exchanges = sheet_values(workbook, "Exchanges")
    assert exchanges[0][0] == "External id" and len(exchanges) == 9


def test_xlsx_headers_are_frozen_and_cells_hold_numbers(september: tuple[Path, Engine]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(september[0] / "report" / "report.xlsx")
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
    text = (september[0] / "report" / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    parser.close()
    # Six charts, each embedded; nothing is fetched from elsewhere.
    assert len(parser.images) == 6
    assert all(source.startswith("data:image/png;base64,") for source in parser.images)
    assert not parser.external
    for cell in ("66.7%", "0.52", "€2,300.50", "€1,500.00", "10.00"):
        assert cell in parser.text
    assert "@media print" in text


def test_png_charts_are_150_dpi(september: tuple[Path, Engine]) -> None:
    from PIL import Image

    with Image.open(september[0] / "report" / "referral_funnel.png") as image:
        assert image.format == "PNG"
        assert round(image.info["dpi"][0]) == 150
        assert image.size == (1200, 750)


@pytest.mark.parametrize("audience", ["chapter", "leadership"])
def test_numbers_agree_with_the_json_commands_on_both_engines(
    session: Session, run_cli: Run, tmp_path: Path, audience: str
) -> None:
    """Every number of both audiences is the one ``balance``, ``quality`` and ``stats``
    print with --json: the tables in CSV, XLSX and PDF, and the key figures."""
    chapter: Chapter = build(session)
    written = write_monthly_report(
        session=session,
        network_id=chapter.club,
        month="2026-10",
        out_dir=tmp_path / "club",
        acting_id=None,
        audience=audience,
        formats=["csv", "xlsx", "pdf"],
        today=TODAY,
    )
    stem = "report" if audience == "chapter" else "report-leadership"
    assert {path.name for path in written} == {
        f"{stem}.pdf",
        f"{stem}.xlsx",
        "balances.csv",
        "quality.csv",
        "pairs.csv",
        "exchanges.csv",
    }
    scope = ("--network", "Club Delft", "--month", "2026-10", "--json")
    printed = {}
    for command in ("balance", "quality", "stats"):
        result = run_cli(command, *scope)
        assert result.exit_code == 0, result.stderr
        printed[command] = json.loads(result.stdout)
    expected = printed["balance"]
    header, rows = csv_rows(tmp_path / "club" / "balances.csv")
    got = [
        {k: csv_value(c, row[k]) for k, c in zip(header, cells, strict=True)}
        for cells, row in zip(rows, expected, strict=True)
    ]
    assert got == expected and len(rows) == len(expected) == 4
    book = tmp_path / "club" / f"{stem}.xlsx"
    sheet = sheet_values(book, "Balances")
    assert [dict(zip(BALANCE_KEYS, row, strict=True)) for row in sheet[1:]] == expected
    sheet = sheet_values(book, "Quality")
    assert [dict(zip(QUALITY_KEYS, row, strict=True)) for row in sheet[1:]] == printed["quality"]
    summary = {row[0]: row[1] for row in sheet_values(book, "Summary") if row}
    stats = printed["stats"]
    for label, key in (
        ("Members", "members"),
        ("Members who gave or received", "active_members"),
        ("Exchanges logged", "exchanges"),
        ("Points given", "given_points"),
        ("Giving that went both ways", "reciprocity"),
        ("How evenly giving is spread", "gini"),
        ("Members who gave at least as much as they received", "share_nonnegative"),
    ):
        assert summary[label] == stats[key], label
    received = sum(row["received"] for row in printed["quality"])
    assert summary["Referrals received"] == received
    won = sum(row["won"] for row in printed["quality"])
    assert summary["Referrals won"] == round(won / received, 3)
    assert summary["Business won from referrals"] == sum(row["value_given"] for row in expected)
    pages = pdf_pages(tmp_path / "club" / f"{stem}.pdf")
    for row in expected:
        ratio = "–" if row["ratio"] is None else f"{row['ratio']:.2f}"
        cells = (row["member"], row["given_points"], row["received_points"], row["balance"], ratio)
        assert " ".join(str(cell) for cell in cells) in pages[1], cells
    assert f"Points given {stats['given_points']} " in pages[0]


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
            session=session,
            network_id=chapter.club,
            month="2026-07",
            out_dir=tmp_path / "jul",
            acting_id=None,
            today=TODAY,
        )
    engine.dispose()
    assert {path.name for path in written} == EXPECTED_FILES
    pages = pdf_pages(tmp_path / "jul" / "report.pdf")
    assert "No activity this month: no exchanges were logged in July 2026." in pages[0]
    assert "Exchanges logged 0 0 no change" in pages[0]
    text = "".join(pages)
    for sentence in (
        "No referrals in July 2026.",
        "Nobody gave or received anything in July 2026.",
        "No exchanges between members in July 2026.",
    ):
        assert sentence in text, sentence
    page = (tmp_path / "jul" / "report.html").read_text(encoding="utf-8")
    assert "No activity this month" in page
    header, rows = csv_rows(tmp_path / "jul" / "pairs.csv")
    assert header == list(PAIR_KEYS) and rows == []
    # The club's four members are listed with zeros.
    _, balances = csv_rows(tmp_path / "jul" / "balances.csv")
    assert len(balances) == 4
    assert {row[BALANCE_KEYS.index("balance")] for row in balances} == {"0"}
    summary = sheet_values(tmp_path / "jul" / "report.xlsx", "Summary")
    assert ["Note", "No activity this month: no exchanges were logged in July 2026."] in [
        row[:2] for row in summary
    ]


@pytest.mark.parametrize(
    ("month", "formats", "message"),
    [
        ("2026-13", None, "The month '2026-13' is not a month; use YYYY-MM."),
        ("0001-01", None, "The month 0001-01 is too early for a report"),
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
            acting_id=None,
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
            session=session,
            network_id=chapter.club,
            month="2026-10",
            out_dir=target,
            acting_id=None,
        )
    assert target.read_text() == "keep me"


def _club_october(session: Session, today: date) -> Any:
    chapter = build(session)
    return gather_monthly(
        session=session, network_id=chapter.club, month="2026-10", as_of=today, progress=print
    )


def test_a_month_younger_than_the_time_to_close_is_marked_and_never_red(
    session: Session, tmp_path: Path
) -> None:
    data = _club_october(session, date(2026, 11, 3))
    assert data.maturity.median_days_to_close == 10.5
    assert data.maturity.maturing and data.open_referrals == 3
    rows = {row.key: row for row in figure_rows(data)}
    for key in ("conversion_rate", "value_won"):
        assert rows[key].hint == "still maturing: 3 referrals open"
        assert rows[key].tone == "maturing"  # grey, never the red of a drop
    # Compared with September at the same age (50.0%, €1,500.00), not its final figures.
    assert rows["conversion_rate"].change == "-30.0 percentage points"
    assert rows["value_won"].change == "+€500.00"
    # A figure that does not mature is still judged: fewer referrals followed up is red.
    assert rows["contact_rate"].tone == "worse"
    written = write_monthly_report(
        session=session,
        network_id=data.network_id,
        month="2026-10",
        out_dir=tmp_path / "oct",
        acting_id=None,
        formats=["pdf", "html"],
        today=date(2026, 11, 3),
    )
    cover = pdf_pages(written[0])[0]
    assert cover.count("still maturing: 3 referrals open") == 2
    assert "a median of 10.5 days from referral to" in cover
    assert "as it stood on 4 October 2026" in cover
    page = written[1].read_text(encoding="utf-8")
    assert '<td class="num maturing">-30.0 percentage points</td>' in page
    assert 'class="num worse">-30.0' not in page


def test_a_month_older_than_the_time_to_close_is_compared_as_it_is(session: Session) -> None:
    data = _club_october(session, date(2026, 11, 20))
    assert not data.maturity.maturing
    rows = {row.key: row for row in figure_rows(data)}
    assert "maturing" not in rows["conversion_rate"].hint
    # September's final conversion: e1 won, e2 lost.
    assert (rows["conversion_rate"].change, rows["conversion_rate"].tone) == (
        "-30.0 percentage points",
        "worse",
    )


@pytest.mark.parametrize(("language", "amount"), [("en", "£2,000.00"), ("nl", "£\xa02.000,00")])
def test_money_is_in_the_networks_currency_and_the_locale_format(
    session: Session, tmp_path: Path, language: str, amount: str
) -> None:
    chapter = build(session)
    edit_network(session=session, network_id=chapter.club, currency="GBP")
    set_language(language)
    try:
        written = write_monthly_report(
            session=session,
            network_id=chapter.club,
            month="2026-10",
            out_dir=tmp_path / "club",
            acting_id=None,
            formats=["pdf", "html"],
            today=TODAY,
        )
    finally:
        set_language("en")
    cover = pdf_pages(written[0])[0]
    assert amount in cover  # value won: e15, 2,000.00
    assert "€" not in cover
    assert amount in written[1].read_text(encoding="utf-8")


def test_the_chapters_report_names_no_free_rider_in_a_remark(tmp_path: Path) -> None:
    """September in Club Delft: Bob received and gave nothing in the 90 days to 09-30. The
    chapter's files show his own numbers in the member table, and nowhere else."""
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with Session(engine, expire_on_commit=False) as session:
        chapter = build(session)
        for audience in ("chapter", "leadership"):
            write_monthly_report(
                session=session,
                network_id=chapter.club,
                month="2026-09",
                out_dir=tmp_path / audience,
                acting_id=None,
                audience=audience,
                today=TODAY,
            )
    engine.dispose()
    leadership = "\n".join(pdf_pages(tmp_path / "leadership" / "report-leadership.pdf"))
    assert f"{BOB}: ask how the group can help them find a first give." in leadership
    assert "A private word" in leadership
    pages = pdf_pages(tmp_path / "chapter" / "report.pdf")
    tables = pages[1:3]
    charts = pages[3:7]
    remarks = [pages[0], *pages[7:]]
    assert tables[0].startswith("Giving,") and tables[1].startswith("Follow-up of")
    assert all(BOB in page for page in tables)  # his own numbers
    for text in remarks:
        assert BOB not in text and CARLA not in text  # no shortfall is remarked on
    assert all("Club Delft" in page for page in charts)
    page = (tmp_path / "chapter" / "report.html").read_text(encoding="utf-8")
    outside_tables = _without_member_table(page)
    assert BOB in page and BOB not in outside_tables and CARLA not in outside_tables
    summary = sheet_values(tmp_path / "chapter" / "report.xlsx", "Summary")
    assert BOB not in "\n".join(str(cell) for row in summary for cell in row)
    texts = {
        "pdf": "\n".join(pages),
        "html": page,
        "xlsx": all_sheet_text(tmp_path / "chapter" / "report.xlsx"),
    }
    for where, text in texts.items():
        for word in ("free rider", "Free rider", "private", "Private"):
            assert word not in text, f"{word!r} in the chapter's {where}"


def _without_member_table(page: str) -> str:
    start = page.index('<table class="members">')
    end = page.index("</table>", start)
    return page[:start] + page[end:]
