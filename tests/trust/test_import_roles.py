"""Imports apply the rules of the direct commands, row by row, to the acting member.

Issue 19: as a plain member, ``import members`` made Lucas an organiser and rewrote other
members' email, company and active flag; ``import exchanges`` logged a referral between
two other members, which ``log`` refuses; and ``--create-members`` added members. Each
row is now held to the rule of the command that would make the same change by hand:
``member add`` / ``edit`` / ``join`` / ``deactivate`` for members, ``log`` and ``void``
for exchanges, ``member add`` for the members an exchange file creates. A refused file
changes nothing; the organiser of a network, and the owner, may import the same file.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import snapshot

Run = Callable[..., Any]
DAY = "2026-01-05"
EXCHANGES = "kind,giver,receiver,network,occurred_on,voided_at,void_reason\n"
MEMBERS = "name,company,email,active,networks,organiser_of\n"


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout.strip()


def refused_lines(run: Run, engine: Engine, *args: str) -> list[str]:
    """The ``line N: …`` problems of a refused import; the database stays as it was."""
    before = snapshot(engine)
    result = run(*args)
    assert result.exit_code == 1, result.stdout
    assert snapshot(engine) == before
    assert "Traceback" not in result.stderr
    lines: list[str] = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ")
    return lines[:-1]


@pytest.fixture
def chapter(run_cli: Run, engine: Engine) -> Run:
    """Club Delft, organised by Anna; Lucas, Bob and Carla are plain members; Open Coffee
    is organised by Eva, and Bob is in it too."""
    ok(run_cli, "network", "add", "Club Delft")
    ok(run_cli, "network", "add", "Open Coffee")
    ok(run_cli, "member", "add", "Anna de Vries", "--network", "Club Delft", "--role", "organiser")
    for name in ("Lucas Martel", "Bob Jansen", "Carla Smit"):
        ok(run_cli, "member", "add", name, "--network", "Club Delft")
    ok(run_cli, "member", "add", "Eva Visser", "--network", "Open Coffee", "--role", "organiser")
    ok(run_cli, "member", "join", "Bob Jansen", "Open Coffee")
    return run_cli


def _file(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_member_cannot_make_themself_organiser_or_change_others_through_a_file(
    chapter: Run, engine: Engine, tmp_path: Path
) -> None:
    file = _file(
        tmp_path,
        "members.csv",
        MEMBERS
        + "Lucas Martel,,,,,Club Delft\n"  # makes himself an organiser
        + "Bob Jansen,Takeover BV,bob@evil.example,,,\n"  # rewrites another's details
        + "Carla Smit,,,false,,\n"  # deactivates another
        + "Nina Nieuw,,,,Club Delft,\n"  # adds a member
        + "Lucas Martel II,,,,,\n",  # a member outside any network
    )
    # Each row reads as the command a plain member would be refused by hand.
    assert refused_lines(chapter, engine, "--as", "Lucas Martel", "import", "members", file) == [
        "line 2: Only an organiser of Club Delft may add members to Club Delft or change their "
        "role there.",
        "line 3: Only Bob Jansen or an organiser of Club Delft or Open Coffee may change Bob "
        "Jansen's details.",
        "line 4: Only Carla Smit or an organiser of every network they are in (Club Delft) may "
        "deactivate Carla Smit.",
        "line 5: Only an organiser of Club Delft may add members to Club Delft.",
        "line 6: Only the ledger's owner may add a member outside any network; name a network "
        "you organise.",
    ]


def test_a_member_changes_their_own_details_and_an_organiser_their_network(
    chapter: Run, tmp_path: Path
) -> None:
    own = _file(tmp_path, "own.csv", MEMBERS + "Lucas Martel,Martel BV,lucas@martel.example,,,\n")
    ok(chapter, "--as", "Lucas Martel", "import", "members", own)
    club = _file(
        tmp_path,
        "club.csv",
        MEMBERS
        + "Lucas Martel,,,,,Club Delft\n"
        + "Carla Smit,Smit Notarissen,,false,,\n"
        + "Nina Nieuw,,,,Club Delft,\n",
    )
    assert ok(chapter, "--as", "Anna de Vries", "import", "members", club, "--json")["added"] == 1
    members = {m["name"]: m for m in ok(chapter, "member", "list", "--json")}
    assert members["Lucas Martel"]["company"] == "Martel BV"
    assert (members["Carla Smit"]["company"], members["Carla Smit"]["active"]) == (
        "Smit Notarissen",
        False,
    )
    assert "Nina Nieuw" in members
    # Bob is also in Open Coffee, which Anna does not organise: his details are not hers.
    bob = _file(tmp_path, "bob.csv", MEMBERS + "Bob Jansen,,,false,,\n")
    result = chapter("--as", "Anna de Vries", "import", "members", bob)
    assert result.exit_code == 1
    assert "Only Bob Jansen or an organiser of every network they are in" in result.stderr


def test_a_member_imports_only_what_they_give_or_receive(
    chapter: Run, engine: Engine, tmp_path: Path
) -> None:
    file = _file(
        tmp_path,
        "exchanges.csv",
        EXCHANGES
        + f"referral,Bob Jansen,Carla Smit,Club Delft,{DAY},,\n"  # between two others
        + f"help,Bob Jansen,Lucas Martel,Club Delft,{DAY},2026-01-06T10:00:00+00:00,Wrong\n"
        + f"help,Lucas Martel,Nina Nieuw,Club Delft,{DAY},,\n"  # a new member
        + f"help,Lucas Martel,Bob Jansen,Club Delft,{DAY},,\n",  # his own: fine on its own
    )
    args = ("--as", "Lucas Martel", "import", "exchanges", file, "--create-members")
    assert refused_lines(chapter, engine, *args) == [
        "line 2: Only Bob Jansen, Carla Smit or an organiser of Club Delft may log this "
        "referral: members log what they give or receive.",
        "line 3: Only its giver, Bob Jansen, or an organiser of Club Delft may void this help; "
        "leave voided_at and void_reason empty.",
        "line 4: Only an organiser of Club Delft may add members to Club Delft.",
    ]
    # The organiser of Club Delft may import the very same file; Eva, of Open Coffee, not.
    assert refused_lines(chapter, engine, "--as", "Eva Visser", *args[2:])[0].startswith(
        "line 2: Only Bob Jansen, Carla Smit or an organiser of Club Delft"
    )
    imported = ok(chapter, "--as", "Anna de Vries", *args[2:], "--json")
    assert (imported["added"], imported["members_added"]) == (4, ["Nina Nieuw"])
    logged = ok(chapter, "exchanges", "--json")
    assert {e["created_by"] for e in logged} == {1}
