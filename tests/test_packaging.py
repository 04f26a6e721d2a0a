"""An installed wheel carries db/, reports/ and the compiled catalogues, and can migrate a
database and speak Dutch from them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_migrations_and_report_templates(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    wheel = next(tmp_path.glob("reciprocity-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "reciprocity/_resources/db/env.py" in names
    assert "reciprocity/_resources/db/script.py.mako" in names
    assert any(n.startswith("reciprocity/_resources/db/versions/") for n in names)
    assert "reciprocity/_resources/reports/README.md" in names
    assert "reciprocity/locale/nl/LC_MESSAGES/messages.mo" in names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    database = tmp_path / "from-wheel.sqlite"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from reciprocity.paths import resource_dir\n"
        "from reciprocity.store.engine import make_engine, current_revision\n"
        "print(resource_dir('db')); print(resource_dir('reports'))\n"
        "print(current_revision(make_engine('sqlite:///' + sys.argv[2])))\n"
        "from reciprocity.i18n import _, set_language\n"
        "set_language('nl'); print(_('Members'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(unpacked), str(database)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    db_dir, reports_dir, revision, members = run.stdout.split()
    assert db_dir == str(unpacked / "reciprocity" / "_resources" / "db")
    assert reports_dir == str(unpacked / "reciprocity" / "_resources" / "reports")
    assert revision != "None"
    assert members == "Leden"
