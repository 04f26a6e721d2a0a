"""The demo's monthly report in Dutch (issue 17), read back with ``pdftotext``.

``reciprocity --lang nl --demo report monthly --network "Referral Club Utrecht Domstad"
--month M --out DIR`` for the last whole month: Dutch month names, amounts in euros in the
Dutch format (``€ 1.234,56``), and none of the English report's headings; the workbook's
sheets and the HTML's headings in Dutch too, while the CSV columns stay English.
"""

import csv
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from reciprocity.cli import app
from reciprocity.i18n import format_month, set_language

CLUB = "Referral Club Utrecht Domstad"
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_HEADINGS = (
    "Key figure",
    "Members",
    "Giving,",
    "Follow-up of the referrals received",
    "Balance per member",
    "Points given and received",
    "Exchanges per month",
    "How far the referrals",
    "Days to first contact",
    "Who gives to whom",
    "Thank you",
    "How to read this report",
    "In this report",
    "page ",
    "monthly report",
)
DUTCH_MONEY = re.compile(r"€\s\d{1,3}(?:\.\d{3})*,\d{2}")
ENGLISH_MONEY = re.compile(r"€\d{1,3}(?:,\d{3})*\.\d{2}")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_demos_monthly_report_in_dutch(tmp_path: Path) -> None:
    last_month = date.today().replace(day=1) - timedelta(days=1)
    month = f"{last_month:%Y-%m}"
    out = tmp_path / "rapport"
    result = CliRunner().invoke(
        app,
        ["--lang", "nl", "--demo", "report", "monthly", "--network", CLUB, "--month", month]
        + ["--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    set_language("nl")
    assert format_month(last_month) in text  # "november 2026"
    assert [m for m in ENGLISH_MONTHS if re.search(rf"\b{m}\b", text)] == []
    assert DUTCH_MONEY.search(text), "no amount in euros in the Dutch format"
    assert not ENGLISH_MONEY.search(text)
    assert [heading for heading in ENGLISH_HEADINGS if heading in text] == []
    for heading in ("Kerncijfer", "Zo lees je dit rapport", "Bedankt", "pagina 1 van"):
        assert heading in text

    workbook = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "Samenvatting"
    assert not {"Summary", "Balances", "Quality", "Pairs", "Exchanges"} & set(workbook.sheetnames)
    workbook.close()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="figures">Kerncijfers' in page and "Key figures" not in page
    with (out / "balances.csv").open(encoding="utf-8") as file:
        header = next(csv.reader(file))
    assert header[:3] == ["member_id", "member", "given_referral"]  # an interface: English
