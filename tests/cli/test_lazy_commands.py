"""Commands load on demand: ``--help`` lists every command from the table in
``cli/app.py`` without importing one, and the table says what the commands say."""

import subprocess
import sys

import typer.main

from reciprocity.cli import app
from reciprocity.cli.app import COMMANDS, load_command

HEAVY = ("pandas", "matplotlib", "openpyxl", "sqlmodel", "textual", "reciprocity.cli.metrics")


def test_the_table_lists_every_command_with_its_own_first_paragraph() -> None:
    for name, _modules, short_help in COMMANDS:
        command = load_command(name)
        assert command.name == name
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert first_paragraph == short_help, name
    # Every command the modules register is in the table, and nothing else.
    built = typer.main.get_group(app)
    assert set(built.commands) == {name for name, _modules, _help in COMMANDS}


def test_help_lists_every_command_and_imports_none_of_them() -> None:
    code = (
        "import sys\n"
        "from reciprocity.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', *[m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines()[1:]]
    assert [name for name in listed if name != "LOADED"] == [name for name, *_ in COMMANDS]
    assert result.stdout.strip().splitlines()[-1] == "LOADED"


def test_a_mistyped_command_is_answered_with_the_closest_ones() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reciprocity", "balanc"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "No such command 'balanc'. Did you mean 'balance'?" in result.stderr


def test_a_group_from_two_modules_has_all_its_commands_whichever_came_first() -> None:
    code = (
        "import reciprocity.cli.records\n"  # member's own commands, not yet signin's
        "from reciprocity.cli import app\n"
        "try:\n"
        "    app(['member', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    commands = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines()[1:]]
    assert {"add", "list", "invite", "unlock"} <= set(commands)
