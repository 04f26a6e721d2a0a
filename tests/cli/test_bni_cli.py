"""The BNI commands as a user runs them: imports, attendance, visitors, CEUs, PALMS,
Traffic Lights, the cross-chapter view, and one-sentence refusals that change nothing."""

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from reciprocity.analytics.keys import PALMS_HEADERS
from tests.bni.files import HAND_WORKED, OTHER_CHAPTER, SLIP_NUMBERS, write_xls
from tests.conftest import snapshot

Run = Callable[..., Any]
PALMS_JSON_KEYS = [
    "member",
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
    "referrals_given_inside",
    "referrals_given_outside",
    "referrals_received_inside",
    "referrals_received_outside",
    "visitors",
    "one_to_ones",
    "tyfcb",
    "ceu",
]


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def refused(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    return str(result.stderr)


@pytest.fixture
def chapter(run_cli: Run, engine: Engine, tmp_path: Path) -> Path:
    """BNI Alpha with four members and the meeting of the hand-worked week; the report."""
    ok(run_cli, "network", "add", "BNI Alpha")
    for name in ("Aarti Lakhwani", "Bilal Khan", "Chen Wei", "Dana Cruz"):
        ok(run_cli, "member", "add", name, "--network", "BNI Alpha")
    ok(run_cli, "meeting", "add", "BNI Alpha", "--date", "2025-08-20")
    return write_xls(tmp_path / "Slips_Audit_Report.xls", HAND_WORKED, numbers=SLIP_NUMBERS)


def test_import_prints_a_summary_per_slip_type_and_a_second_run_adds_nothing(
    run_cli: Run, chapter: Path
) -> None:
    first = ok(
        run_cli,
        "import",
        "bni-slips",
        str(chapter),
        "--network",
        "BNI Alpha",
        "--week-of",
        "2025-08-22",
        "--create-members",
    )
    assert first.splitlines()[:6] == [
        "Imported 13 of 13 slips into BNI Alpha, dated 20 August 2025 (0 already present).",
        "  Referral: 5 added, 0 already present",
        "  One-to-One: 2 added, 0 already present",
        "  TYFCB: 2 added, 0 already present",
        "  CEU: 2 added, 0 already present",
        "  Visitor: 2 added, 0 already present",
    ]
    assert f"New networks for other chapters: {OTHER_CHAPTER}." in first
    again = ok(
        run_cli,
        "import",
        "bni-slips",
        str(chapter),
        "--network",
        "BNI Alpha",
        "--from",
        "2025-08-18",
        "--to",
        "2025-08-24",
        "--json",
    )
    assert (again["added"], again["already_present"], again["dated_on"]) == (0, 13, "2025-08-20")


def test_palms_json_keys_and_bnis_csv_and_xlsx_columns(
    run_cli: Run, chapter: Path, tmp_path: Path
) -> None:
    ok(
        run_cli,
        "import",
        "bni-slips",
        str(chapter),
        "--network",
        "BNI Alpha",
        "--week-of",
        "2025-08-20",
        "--create-members",
    )
    ok(run_cli, "attendance", "1", "aarti", "present")
    ok(run_cli, "attendance", "1", "Bilal Khan", "late")
    rows = ok(run_cli, "palms", "--network", "BNI Alpha", "--week-of", "2025-08-20", "--json")
    assert [list(row) for row in rows] == [PALMS_JSON_KEYS] * 4
    assert rows[1]["member"] == "Bilal Khan" and rows[1]["late"] == 1 and rows[1]["tyfcb"] == 2050.5
    text = ok(run_cli, "palms", "--network", "BNI Alpha", "--csv", "--include-other-chapters")
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == PALMS_HEADERS
    assert table[2] == [
        "Bilal",
        "Khan",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0",
        "1",
        "2",
        "0",
        "1",
        "0",
        "2050.50",
        "0",
    ]
    assert [row[:2] for row in table[1:]][-1] == ["Omar", "Haddad"]
    book = tmp_path / "palms.xlsx"
    ok(run_cli, "palms", "--network", "BNI Alpha", "--xlsx", str(book))
    sheet = load_workbook(book).active
    assert sheet is not None
    assert tuple(cell.value for cell in sheet[1]) == PALMS_HEADERS
    assert sheet.max_row == 5
    assert "already exists" in refused(
        run_cli, "palms", "--network", "BNI Alpha", "--xlsx", str(book)
    )


def test_attendance_visitors_ceus_and_traffic_lights(
    run_cli: Run, chapter: Path, tmp_path: Path
) -> None:
    assert ok(run_cli, "attendance", "1", "chen", "absent").strip() == (
        "Recorded Chen Wei as absent at meeting #1."
    )
    made = ok(
        run_cli,
        "visitor",
        "add",
        "Vera Visitor",
        "--meeting",
        "1",
        "--invited-by",
        "Dana",
        "--company",
        "VV",
        "--json",
    )
    assert set(made) == {"id"}
    ok(run_cli, "ceu", "add", "Dana", "--credits", "2", "--date", "2025-08-21")
    lights = ok(
        run_cli, "traffic-lights", "--network", "BNI Alpha", "--as-of", "2025-08-24", "--json"
    )
    dana = next(row for row in lights if row["member"] == "Dana Cruz")
    # 0 absences 20, never late 5, a visitor a week 15, two CEUs a week 10: 50 is yellow.
    assert (dana["visitors_per_week"], dana["ceu_per_week"]) == (1.0, 2.0)
    assert (dana["score"], dana["light"]) == (50, "yellow")
    chen = next(row for row in lights if row["member"] == "Chen Wei")
    assert chen["absences"] == 1 and chen["absences_points"] == 15
    own = tmp_path / "scoring.toml"
    own.write_text(
        "months = 1\n[bands]\ngreen = 5\nyellow = 3\nred = 1\n[points]\n"
        "visitors_per_week = [[1, 5]]\n",
        encoding="utf-8",
    )
    ok(run_cli, "network", "edit", "BNI Alpha", "--scoring", str(own))
    lights = ok(
        run_cli, "traffic-lights", "--network", "BNI Alpha", "--as-of", "2025-08-24", "--json"
    )
    assert {row["member"]: row["light"] for row in lights}["Dana Cruz"] == "green"
    printed = ok(run_cli, "traffic-lights", "--network", "BNI Alpha", "--print-scoring")
    assert printed == own.read_text(encoding="utf-8")
    ok(run_cli, "network", "edit", "BNI Alpha", "--scoring", "default")
    assert "Copy this file" in ok(
        run_cli, "traffic-lights", "--network", "BNI Alpha", "--print-scoring"
    )


def test_the_cross_chapter_view(run_cli: Run, chapter: Path) -> None:
    ok(
        run_cli,
        "import",
        "bni-slips",
        str(chapter),
        "--network",
        "BNI Alpha",
        "--week-of",
        "2025-08-20",
        "--create-members",
    )
    rows = ok(run_cli, "cross-chapter", "--network", "BNI Alpha", "--json")
    assert [
        (row["chapter"], row["referrals_given"], row["referrals_received"]) for row in rows
    ] == [(OTHER_CHAPTER, 1, 1)]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ("--week-of", "2025-08-20", "--from", "2025-08-18"),
            "Error: Give either --week-of or --from/--to, not both.",
        ),
        (
            ("--from", "2025-08-24", "--to", "2025-08-18"),
            "Error: The period ends (2025-08-18) before it starts (2025-08-24).",
        ),
        (
            (),
            "Error: A BNI Connect report carries no dates; say which period it covers with "
            "--week-of DATE or --from DATE --to DATE.",
        ),
    ],
)
def test_a_bad_period_is_one_sentence_and_changes_nothing(
    run_cli: Run, engine: Engine, chapter: Path, args: tuple[str, ...], sentence: str
) -> None:
    before = snapshot(engine)
    assert (
        refused(
            run_cli, "import", "bni-slips", str(chapter), "--network", "BNI Alpha", *args
        ).strip()
        == sentence
    )
    assert snapshot(engine) == before


def test_a_bad_file_lists_its_lines_on_stderr(run_cli: Run, engine: Engine, chapter: Path) -> None:
    before = snapshot(engine)
    lines = (
        refused(
            run_cli,
            "import",
            "bni-slips",
            str(chapter),
            "--network",
            "BNI Alpha",
            "--week-of",
            "2025-08-20",
        )
        .strip()
        .splitlines()
    )
    assert lines[0].startswith("line 5: No network is named 'BNI Energy, Deira Dubai")
    assert lines[-1] == (
        "Error: Slips_Audit_Report.xls has 3 bad rows; nothing was imported. Fix and import again."
    )
    assert snapshot(engine) == before
