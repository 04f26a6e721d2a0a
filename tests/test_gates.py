"""The code gates run as tests, so the README's one test command checks everything.

Layers (import-linter), formatting and lint (ruff) and strict typing (mypy).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_layers_point_down_only() -> None:
    result = run_tool(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_is_clean() -> None:
    result = run_tool(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run_tool(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    result = run_tool(sys.executable, "-m", "mypy", "reciprocity", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_command_line_start_up_imports_no_heavy_or_ui_libraries() -> None:
    code = (
        "import sys, reciprocity.cli\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'matplotlib', 'textual', 'faker', 'alembic', 'psycopg'})\n"
        "print(','.join(heavy))"
    )
    result = run_tool(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
