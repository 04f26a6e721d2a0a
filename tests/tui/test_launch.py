"""Bare ``reciprocity`` opens the TUI; ``--help`` and the core packages stay free of Textual;
the TUI holds no SQL."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reciprocity.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_bare_command_without_a_terminal_prints_help_and_a_hint(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    assert "open the interactive app" in result.output


def test_bare_command_in_a_terminal_opens_the_tui_with_the_cli_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reciprocity.tui

    opened: list[Any] = []
    monkeypatch.setattr(sys.modules["reciprocity.cli.app"], "_has_terminal", lambda: True)
    monkeypatch.setattr(reciprocity.tui, "run_app", opened.append)
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = CliRunner().invoke(app, ["--db", url, "--as", "Anna"])
    assert result.exit_code == 0, result.output
    (state,) = opened
    assert state.url == url and state.acting_name == "Anna"


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.strip().splitlines()[-1].split(","))


def test_help_does_not_import_textual() -> None:
    code = (
        "from reciprocity.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert "textual" not in _modules_after(code)


def test_core_packages_never_import_textual() -> None:
    code = (
        "import reciprocity.store.aggregates, reciprocity.ledger.views, "
        "reciprocity.ledger.exchanges, reciprocity.analytics.balances, "
        "reciprocity.analytics.nudges, reciprocity.analytics.trend"
    )
    assert "textual" not in _modules_after(code)


def test_the_tui_holds_no_sql() -> None:
    for path in (ROOT / "reciprocity" / "tui").rglob("*.py"):
        text = path.read_text()
        for forbidden in (
            "sqlalchemy import select",
            "sa.select",
            "select(",
            "sa.text(",
            "execute(",
        ):
            assert forbidden not in text, f"{path.name} holds SQL ({forbidden})"
