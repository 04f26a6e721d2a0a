"""The command line in Dutch (issue 17): help texts, the language's sources, and output
that scripts read staying English.

Typer reads help texts when a command's module is imported, so these run the console
script's way, in a process of their own (``python -m reciprocity``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def reciprocity(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    base.pop("RECIPROCITY_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "reciprocity", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**base, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "nl"), {}),
        (("--lang=nl",), {}),
        ((), {"RECIPROCITY_LANG": "nl"}),
        ((), {"LANG": "nl_BE.UTF-8"}),
    ],
    ids=["--lang nl", "--lang=nl", "RECIPROCITY_LANG", "LANG=nl_BE"],
)
def test_help_texts_are_dutch_from_every_source(args: tuple[str, ...], env: dict[str, str]) -> None:
    shown = reciprocity(*args, "log", "referral", "--help", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Wie de aanbeveling gaf." in shown.stdout
    assert "Who gave the referral." not in shown.stdout


def test_help_stays_english_by_default() -> None:
    shown = reciprocity("log", "referral", "--help", env={"LANG": "C.UTF-8"})
    assert "Who gave the referral." in shown.stdout


def test_a_refusal_and_json_in_dutch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    added = reciprocity("--lang", "nl", "--db", url, "network", "add", "Club Delft", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"id": 1}  # keys stay English
    refused = reciprocity("--lang", "nl", "--db", url, "network", "add", "club delft")
    assert refused.returncode == 1
    assert refused.stderr == ("Fout: Er bestaat al een netwerk met de naam 'Club Delft' (#1).\n")
    unknown = reciprocity("--lang", "de", "--db", url, "network", "list")
    assert unknown.returncode == 1
    assert unknown.stderr == "Error: The language 'de' is not one of: en, nl.\n"
