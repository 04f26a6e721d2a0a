"""Names: one person, one name, however it is typed, and nothing hidden inside it.

Issue 19 found "Race Person" and "RACE PERSON" as two members, "Bob" beside "Bob" with a
zero-width space, bidi controls in a name, a member imported as "Former member #87" so
that member #87 could never be forgotten, ``member forget é`` erasing "Édith Lucas", and a
forgotten member renamed back. Issue 13 asked imports to suggest close names, to ask
before creating a member whose name is nearly a known one, and to name repeated rows.
Each test runs the real command line, on SQLite and on PostgreSQL.
"""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from reciprocity.store.name_keys import name_key
from tests.conftest import snapshot

Run = Callable[..., Any]
DAY = "2026-01-05"


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout.strip()


def refused(run: Run, engine: Engine, *args: str) -> str:
    """The one sentence a refused command prints; the database must be unchanged."""
    before = snapshot(engine)
    result = run(*args)
    assert result.exit_code == 1, result.stdout
    assert snapshot(engine) == before
    lines: list[str] = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    return "\n".join(lines)


@pytest.fixture
def club(run_cli: Run, engine: Engine) -> Run:
    ok(run_cli, "network", "add", "Club Delft")
    for name in ("Anna de Vries", "Bob Jansen", "Édith Lucas", "Jan Jansen"):
        ok(run_cli, "member", "add", name, "--network", "Club Delft")
    return run_cli


def test_the_key_folds_case_width_spaces_and_invisible_characters() -> None:
    assert {
        name_key(n)
        for n in (
            "Race Person",
            "RACE PERSON",
            " race   person ",
            "Ｒace Person",
            "Race\u200b Person",
        )
    } == {"race person"}
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Bob") != name_key("Rob")


def _as_club(spelling: str) -> str:
    """'RACE PERSON' → 'RACE CLUB', in the same case and spacing."""
    return re.sub(
        "(?i)person",
        lambda m: "CLUB" if m[0].isupper() else "club" if m[0].islower() else "Club",
        spelling,
    )


@pytest.mark.parametrize("spelling", ["RACE PERSON", "race  person", "Ｒace Person", "race person"])
def test_one_name_in_another_spelling_is_the_same_member(
    club: Run, engine: Engine, spelling: str
) -> None:
    ok(club, "member", "add", "Race Person", "--network", "Club Delft")
    sentence = refused(club, engine, "member", "add", spelling)
    assert sentence == "Error: A member named 'Race Person' already exists (#5)."
    ok(club, "network", "add", "Race Club")
    again = refused(club, engine, "network", "add", _as_club(spelling))
    assert again == "Error: A network named 'Race Club' already exists (#2)."
    # Every spelling finds the one member.
    listed = [m["name"] for m in ok(club, "member", "list", "--json")]
    assert [name for name in listed if name_key(name) == "race person"] == ["Race Person"]
    ok(club, "log", "help", "Anna de Vries", spelling, "--date", DAY)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bob\u200b", "200B"),
        ("Eve\u202egnp.exe", "202E"),
        ("Al\u200dice", "200D"),
        ("\ufeffBob", "FEFF"),
    ],
)
def test_invisible_and_bidi_characters_are_refused_in_names(
    club: Run, engine: Engine, tmp_path: Path, name: str, code: str
) -> None:
    expected = f"contains the invisible character U+{code}; type the name without it."
    assert expected in refused(club, engine, "member", "add", name)
    assert expected in refused(club, engine, "network", "add", f"Club {name}")
    assert expected in refused(club, engine, "member", "edit", "Jan Jansen", "--name", name)
    members = tmp_path / "members.csv"
    members.write_text(f"name,networks\n{name},Club Delft\n", encoding="utf-8")
    assert expected in refused(club, engine, "import", "members", str(members))
    exchanges = tmp_path / "exchanges.csv"
    exchanges.write_text(
        f"kind,giver,receiver,network,occurred_on\nhelp,Anna de Vries,X{name},Club Delft,{DAY}\n",
        encoding="utf-8",
    )
    assert expected in refused(
        club, engine, "import", "exchanges", str(exchanges), "--create-members"
    )


def test_a_forgotten_members_name_cannot_be_taken_so_forgetting_always_works(
    club: Run, engine: Engine, tmp_path: Path
) -> None:
    reserved = "Names like 'Former member #6' are kept for forgotten members"
    members = tmp_path / "members.csv"
    members.write_text("name,networks\nFormer member #6,Club Delft\n", encoding="utf-8")
    assert reserved in refused(club, engine, "import", "members", str(members))
    exchanges = tmp_path / "exchanges.csv"
    exchanges.write_text(
        "kind,giver,receiver,network,occurred_on\n"
        f"help,Anna de Vries,FORMER MEMBER #6,Club Delft,{DAY}\n",
        encoding="utf-8",
    )
    assert "kept for forgotten members" in refused(
        club, engine, "import", "exchanges", str(exchanges), "--create-members"
    )
    assert ok(club, "member", "add", "Sam Nieuw", "--network", "Club Delft", "--json") == {"id": 5}
    ok(club, "member", "add", "Tess Nieuw", "--network", "Club Delft")
    assert "Forgot member #6" in ok(club, "member", "forget", "Tess Nieuw", "--yes")
    # A forgotten member stays forgotten: no name or detail can be set again.
    for args in (["--name", "Tess Nieuw"], ["--company", "Tess BV"], ["--reactivate"]):
        assert refused(club, engine, "member", "edit", "Former member #6", *args) == (
            "Error: Member #6 was forgotten; their name and details cannot be set again."
        )


def test_destructive_commands_take_a_whole_name(club: Run, engine: Engine) -> None:
    assert refused(club, engine, "member", "forget", "é", "--yes") == (
        "Error: No member is named exactly 'é' (did you mean Édith Lucas?); type the whole name."
    )
    assert refused(club, engine, "member", "deactivate", "Bob") == (
        "Error: No member is named exactly 'Bob' (did you mean Bob Jansen?); type the whole name."
    )
    # Any case and spelling of the whole name will do, and the prefix still finds for the rest.
    ok(club, "member", "deactivate", "BOB  JANSEN")
    assert "Forgot member #3" in ok(club, "member", "forget", "édith lucas", "--yes")
    assert ok(club, "member", "edit", "Jan", "--company", "Jansen BV")


def test_an_import_suggests_close_names_and_asks_before_adding_a_near_one(
    club: Run, engine: Engine, tmp_path: Path
) -> None:
    header = "kind,giver,receiver,network,occurred_on\n"
    typo = tmp_path / "typo.csv"
    typo.write_text(header + f"help,Ana de Vries,Bob Jansen,Club Delft,{DAY}\n", encoding="utf-8")
    assert refused(club, engine, "import", "exchanges", str(typo)).splitlines()[0] == (
        "line 2: No member is named 'Ana de Vries' (did you mean Anna de Vries?); rerun with "
        "--create-members or add them first."
    )
    near = tmp_path / "near.csv"
    near.write_text(
        header
        + f"help,Anna,Bob Jansen,Club Delft,{DAY}\n"  # the start of Anna de Vries
        + f"help,Jan Janssen,Bob Jansen,Club Delft,{DAY}\n"  # one letter from Jan Jansen
        + f"help,Zoë Nieuw,Bob Jansen,Club Delft,{DAY}\n",  # like nobody
        encoding="utf-8",
    )
    problems = refused(club, engine, "import", "exchanges", str(near), "--create-members")
    assert problems.splitlines()[:2] == [
        "line 2: No member is named 'Anna', but Anna de Vries is close; use that name, or rerun "
        "with --allow-similar to add 'Anna' as a new member.",
        "line 3: No member is named 'Jan Janssen', but Jan Jansen is close; use that name, or "
        "rerun with --allow-similar to add 'Jan Janssen' as a new member.",
    ]
    result = ok(
        club, "import", "exchanges", str(near), "--create-members", "--allow-similar", "--json"
    )
    assert result["members_added"] == ["Anna", "Jan Janssen", "Zoë Nieuw"]


def test_a_dry_run_names_rows_that_repeat_one_another(club: Run, tmp_path: Path) -> None:
    file = tmp_path / "twice.csv"
    row = f",help,Anna de Vries,Bob Jansen,Club Delft,{DAY},Coffee\n"
    file.write_text(
        "external_id,kind,giver,receiver,network,occurred_on,summary\n"
        + row
        + f",help,Bob Jansen,Anna de Vries,Club Delft,{DAY},Coffee\n"
        + row
        + f"x1,help,Anna de Vries,Bob Jansen,Club Delft,{DAY},Coffee\n",
        encoding="utf-8",
    )
    assert ok(club, "import", "exchanges", str(file), "--dry-run").splitlines()[1] == (
        "Identical rows, both added as their own exchange: lines 2 and 4."
    )
    assert ok(club, "import", "exchanges", str(file), "--dry-run", "--json")["identical_rows"] == [
        [2, 4]
    ]
