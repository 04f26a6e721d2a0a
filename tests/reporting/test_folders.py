"""Report folders appear whole or not at all, are never overwritten without --force, never
write through a planted link, and outlive no killed report; the reports check their own
permission; odd characters in names never break a report nor make it noisy."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.ledger.demo import create_demo
from reciprocity.ledger.errors import LedgerError
from reciprocity.reporting.member import write_member_review
from reciprocity.reporting.monthly import write_monthly_report
from reciprocity.store.engine import make_engine
from tests.analytics.test_handworked import build
from tests.reporting.helpers import pdf_pages

CLUB = "Referral Club Utrecht Domstad"


def _cli(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "reciprocity", "--db", url, *args]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The default demo (85 members, a year): a report of its club takes a few seconds."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        create_demo(session=session, until=date(2026, 11, 30))
    engine.dispose()
    yield f"sqlite:///{path}"


def _monthly(url: str, month: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ("report", "monthly", "--network", CLUB, "--month", month, "--out", str(out))
    return subprocess.run(_cli(url, *args, *extra), capture_output=True, text=True, timeout=300)


@pytest.fixture
def area(tmp_path: Path) -> Path:
    """A folder of its own for the reports (the test's user folders live in tmp_path)."""
    folder = tmp_path / "area"
    folder.mkdir()
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_a_folder_holding_a_report_is_kept_unless_forced_then_replaced_whole(
    demo: str, area: Path
) -> None:
    out = area / "report"
    assert _monthly(demo, "2026-09", out).returncode == 0
    september = _contents(out)
    again = _monthly(demo, "2026-10", out)
    assert again.returncode == 1
    assert "is not empty; choose an empty folder, or add --force" in again.stderr
    assert _contents(out) == september
    forced = _monthly(demo, "2026-10", out, "--force", "--format", "pdf,csv")
    assert forced.returncode == 0, forced.stderr
    # October alone: September's HTML, XLSX and PNG files are gone with the old folder.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["report.pdf", "balances.csv", "quality.csv", "pairs.csv", "exchanges.csv"]
    )
    assert "October 2026" in pdf_pages(out / "report.pdf")[0]
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask  # built private, then like any folder
    assert [p.name for p in area.iterdir()] == ["report"]  # nothing left beside it


def test_force_never_replaces_a_folder_holding_other_files(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "tax-return.pdf").write_text("mine")
    (out / "report.pdf").write_text("an old report")
    result = _monthly(demo, "2026-10", out, "--force")
    assert result.returncode == 1
    assert "holds tax-return.pdf, which is not part of a report" in result.stderr
    assert _contents(out) == {"report.pdf": b"an old report", "tax-return.pdf": b"mine"}


@pytest.mark.parametrize("out", ["", "  "])
def test_an_empty_folder_name_is_refused(demo: str, tmp_path: Path, out: str) -> None:
    result = subprocess.run(
        _cli(demo, "report", "monthly", "--network", CLUB, "--month", "2026-10", "--out", out),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Error: Name the folder for the report; an empty name is not a folder." in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_planted_link_is_never_written_through(demo: str, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "report"
    out.mkdir()
    (out / "balance_per_member.png").symlink_to(victim)
    for extra in ((), ("--force",)):
        result = _monthly(demo, "2026-10", out, *extra)
        assert result.returncode == 1
    assert victim.read_text() == "precious"
    assert (out / "balance_per_member.png").is_symlink()
    linked = tmp_path / "linked"
    linked.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = _monthly(demo, "2026-10", linked)
    assert result.returncode == 1 and "is a symbolic link; name the folder itself" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


def _start_and_kill(demo: str, out: Path, how: signal.Signals) -> tuple[int, list[int]]:
    """Start October's report over ``out`` (--force), kill it once its workers run."""
    args = ("report", "monthly", "--network", CLUB, "--month", "2026-10", "--out", str(out))
    report = subprocess.Popen(
        _cli(demo, *args, "--force"), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert report.stderr is not None
    for line in report.stderr:
        if "writing report.xlsx" in line:
            break
    children = _children_of(report.pid)
    report.send_signal(how)
    code = report.wait(timeout=60)
    return code, children


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_report_leaves_the_folder_as_it_was_and_no_worker(
    demo: str, area: Path, how: signal.Signals
) -> None:
    out = area / "report"
    assert _monthly(demo, "2026-09", out).returncode == 0
    september = _contents(out)
    code, children = _start_and_kill(demo, out, how)
    assert code != 0
    assert children, "the report had started its workers"
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in children if not _gone(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "a report worker outlived the report"
    assert _contents(out) == september  # September whole: no October file, no .part
    left = sorted(p.name for p in area.iterdir())
    if how == signal.SIGTERM:
        assert left == ["report"]  # it cleaned up after itself
    else:
        # Nothing can clean up after SIGKILL: its hidden temporary folder goes with the
        # next report written there.
        assert left[-1] == "report"
        assert all(name.startswith(".report.part-") for name in left[:-1])
        assert _monthly(demo, "2026-10", out, "--force", "--format", "csv").returncode == 0
        assert sorted(p.name for p in area.iterdir()) == ["report"]


def test_the_reports_check_the_acting_members_role_themselves(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with Session(engine, expire_on_commit=False) as session:
        chapter = build(session)
        with pytest.raises(LedgerError) as refused:
            write_monthly_report(
                session=session,
                network_id=chapter.club,
                month="2026-10",
                out_dir=tmp_path / "club",
                acting_id=chapter.bob,
                audience="leadership",
            )
        assert str(refused.value) == "Only an organiser of Club Delft may see its report."
        with pytest.raises(LedgerError) as refused:
            write_monthly_report(
                session=session,
                network_id=None,
                month="2026-10",
                out_dir=tmp_path / "all",
                acting_id=chapter.bob,
            )
        assert refused.value.key == "role.organiser_of_every_network"
        with pytest.raises(LedgerError) as refused:
            write_member_review(
                session=session,
                member_id=chapter.bob,
                network_id=None,
                start=None,
                end=date(2026, 10, 31),
                out_dir=tmp_path / "bob",
                acting_id=chapter.carla,
            )
        assert refused.value.key == "role.self_or_organiser"
        written = write_member_review(
            session=session,
            member_id=chapter.bob,
            network_id=None,
            start=None,
            end=date(2026, 10, 31),
            out_dir=tmp_path / "mine",
            acting_id=chapter.bob,
        )
    engine.dispose()
    assert not (tmp_path / "club").exists() and not (tmp_path / "all").exists()
    assert not (tmp_path / "bob").exists()
    assert [path.name for path in written] == ["review.pdf", "review.html"]


ODD_NAMES = {
    "Anna de Vries": "\ufeffAnna de Vries",  # a byte-order mark, as a spreadsheet export leaves
    "Bob Jansen": "Bob 😀 Jansen",
    "Carla Smit": "Ｃａｒｌａ　Ｓｍｉｔ",  # fullwidth
    "Eva Visser": "Eva\u200d\u202eVisser",  # a zero-width joiner and a bidi override
}


def test_odd_characters_in_names_never_break_a_report_nor_speak_on_stderr(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        build(session)
        # Written as data from before the ledger refused such names, or edited outside it.
        for name, odd in ODD_NAMES.items():
            session.execute(
                sa.text("UPDATE member SET name = :odd WHERE name = :name"),
                {"odd": odd, "name": name},
            )
        session.commit()
    engine.dispose()
    env: dict[str, Any] = {**os.environ, "PYTHONWARNINGS": "default"}
    runs = {
        "monthly": ("report", "monthly", "--month", "2026-10", "--out", str(tmp_path / "m")),
        "leadership": (
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--audience",
            "leadership",
            "--out",
            str(tmp_path / "l"),
        ),
        "member": ("report", "member", "Bob", "--to", "2026-10-31", "--out", str(tmp_path / "r")),
    }
    for what, args in runs.items():
        result = subprocess.run(
            _cli(url, *args, "--quiet"), capture_output=True, text=True, env=env, timeout=300
        )
        assert result.returncode == 0, (what, result.stderr)
        assert result.stderr == "", (what, result.stderr)
    text = "\n".join(pdf_pages(tmp_path / "m" / "report.pdf"))
    assert "Anna de Vries" in text and "\ufeff" not in text
    csv_text = (tmp_path / "m" / "balances.csv").read_text(encoding="utf-8")
    assert all(odd in csv_text for odd in ODD_NAMES.values())  # the data keep every name
