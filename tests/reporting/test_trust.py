"""Reports that are safe to open and safe to share.

Hostile member names stay text in every format (HTML escaped, spreadsheet formulas
neutralised with a leading ``'``, numbers left as numbers), and the outside contacts'
names and details (``contact_name``, ``contact_details``) appear in no organiser report.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from reciprocity.analytics.keys import BALANCE_KEYS
from reciprocity.ledger.exchanges import log_help, log_referral
from reciprocity.ledger.followups import record_followup
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS
from reciprocity.reporting.member import write_member_review
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.store.engine import make_engine
from tests.reporting.helpers import all_sheet_text, csv_rows, pdf_pages, sheet_values

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
IMAGE = "<img src=x onerror=alert(1)>"
CONTACT_NAME = "Marieke Vertrouwelijk"
CONTACT_DETAILS = "+31 6 5555 0199, marieke@private.example"
SUMMARY = "=SUM(A1:A9) new office fit-out"


@dataclass(frozen=True)
class Hostile:
    folder: Path
    review: Path
    network_id: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    folder = tmp_path_factory.mktemp("hostile")
    engine = make_engine(f"sqlite:///{folder / 'ledger.sqlite'}")
    with Session(engine, expire_on_commit=False) as session:
        network = add_network(session=session, name="Club <b>Delft</b>")
        assert network.id is not None
        joined = date(2026, 1, 1)
        ids = {}
        for name in (SCRIPT, FORMULA, IMAGE, "Ann Plain"):
            member = add_member(
                session=session, name=name, network_ids=[network.id], joined_on=joined
            )
            assert member.id is not None
            ids[name] = member.id
        referral = log_referral(
            session=session,
            giver_id=ids[FORMULA],
            receiver_id=ids[SCRIPT],
            network_id=network.id,
            occurred_on=date(2026, 10, 3),
            summary=SUMMARY,
            contact_name=CONTACT_NAME,
            contact_details=CONTACT_DETAILS,
            estimated_value=1200.0,
            hotness=4,
        )
        assert referral.id is not None
        record_followup(
            session=session,
            exchange_id=referral.id,
            status="contacted",
            occurred_on=date(2026, 10, 4),
            today=date(2026, 11, 26),
        )
        for giver, receiver in ((IMAGE, FORMULA), (SCRIPT, IMAGE), ("Ann Plain", IMAGE)):
            log_help(
                session=session,
                giver_id=ids[giver],
                receiver_id=ids[receiver],
                network_id=network.id,
                occurred_on=date(2026, 10, 10),
            )
        log_referral(
            session=session,
            giver_id=ids[SCRIPT],
            receiver_id=ids[IMAGE],
            network_id=network.id,
            occurred_on=date(2026, 10, 12),
            contact_name=CONTACT_NAME,
            contact_details=CONTACT_DETAILS,
        )
        write_monthly_report(
            session=session,
            network_id=network.id,
            month="2026-10",
            out_dir=folder / "report",
            acting_id=None,
        )
        write_member_review(
            session=session,
            member_id=ids[SCRIPT],
            network_id=network.id,
            start=date(2026, 1, 1),
            end=date(2026, 10, 31),
            out_dir=folder / "review",
            acting_id=None,
        )
    engine.dispose()
    yield Hostile(folder / "report", folder / "review", network.id)


@pytest.mark.parametrize("page", ["report/report.html", "review/review.html"])
def test_html_escapes_every_member_name(hostile: Hostile, page: str) -> None:
    text = (hostile.folder.parent / page).read_text(encoding="utf-8")
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert IMAGE not in text and "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    # The only <img> tags are the embedded charts and no script tag exists at all.
    assert text.count("<img ") == text.count('<img src="data:image/png;base64,')
    assert "<script" not in text.lower()
    # The review names the network twice: in its heading and on its "My networks" page.
    assert "Club <b>" not in text and "Club &lt;b&gt;Delft&lt;/b&gt;" in text


def test_csv_cells_neutralise_formulas_and_keep_numbers(hostile: Hostile) -> None:
    header, rows = csv_rows(hostile.folder / "balances.csv")
    members = [row[header.index("member")] for row in rows]
    assert "'" + FORMULA in members and FORMULA not in members
    assert SCRIPT in members  # not a formula: left as it is
    balances = [row[header.index("balance")] for row in rows]
    assert any(value.startswith("-") for value in balances)  # negative numbers stay numbers
    assert all(int(value) == int(value.lstrip("'")) for value in balances)
    header, exchanges = csv_rows(hostile.folder / "exchanges.csv")
    summaries = [row[EXCHANGE_COLUMNS.index("summary")] for row in exchanges]
    assert "'" + SUMMARY in summaries
    header, pairs = csv_rows(hostile.folder / "pairs.csv")
    assert any(row[0] == "'" + FORMULA for row in pairs)


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers(hostile: Hostile) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(hostile.folder / "report.xlsx")
    sheet = workbook["Balances"]
    names = {sheet.cell(row=row, column=2).value: row for row in range(2, sheet.max_row + 1)}
    assert "'" + FORMULA in names and FORMULA not in names
    cell = sheet.cell(row=names["'" + FORMULA], column=2)
    assert cell.data_type == "s"
    balance = sheet.cell(row=names[IMAGE], column=BALANCE_KEYS.index("balance") + 1)
    assert isinstance(balance.value, int)
    exchanges = sheet_values(hostile.folder / "report.xlsx", "Exchanges")
    summary = EXCHANGE_COLUMNS.index("summary")
    assert "'" + SUMMARY in [row[summary] for row in exchanges[1:]]
    value = EXCHANGE_COLUMNS.index("estimated_value")
    assert 1200.0 in [row[value] for row in exchanges[1:]]


def test_outside_contacts_appear_in_no_organiser_report(hostile: Hostile) -> None:
    texts = {
        "pdf": "\n".join(pdf_pages(hostile.folder / "report.pdf")),
        "html": (hostile.folder / "report.html").read_text(encoding="utf-8"),
        "xlsx": all_sheet_text(hostile.folder / "report.xlsx"),
    }
    for csv_file in sorted(hostile.folder.glob("*.csv")):
        texts[csv_file.name] = csv_file.read_text(encoding="utf-8")
    for where, text in texts.items():
        for secret in (CONTACT_NAME, "Vertrouwelijk", "5555 0199", "private.example"):
            assert secret not in text, f"{secret!r} found in {where}"
    # The report is not empty of the exchange: its summary and names are there.
    assert "new office fit-out" in texts["exchanges.csv"]
    assert SCRIPT in texts["pdf"]
    header, rows = csv_rows(hostile.folder / "exchanges.csv")
    assert {row[header.index("contact_name")] for row in rows} == {""}
    assert {row[header.index("contact_details")] for row in rows} == {""}
