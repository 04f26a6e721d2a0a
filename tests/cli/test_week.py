"""A chapter's week scripted through the command line, read back with every ``--json`` list."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from reciprocity.store.engine import make_engine
from tests.conftest import snapshot

Run = Callable[..., Any]


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_a_week_of_a_chapter(run_cli: Run) -> None:
    monday = date.today() - timedelta(days=7)
    day = [str(monday + timedelta(days=n)) for n in range(7)]
    club = ok(run_cli, "network", "add", "Club Delft", "--sla-days", "3", "--json")
    coffee = ok(
        run_cli,
        "network",
        "add",
        "Open Coffee",
        "--kind",
        "open coffee",
        "--weight",
        "help=2",
        "--json",
    )
    anna = ok(
        run_cli,
        "member",
        "add",
        "Anna de Vries",
        "--network",
        "Club",
        "--role",
        "organiser",
        "--category",
        "Accountant",
        "--email",
        "anna@example.nl",
        "--json",
    )
    bob = ok(
        run_cli,
        "member",
        "add",
        "Bob Jansen",
        "--network",
        "Club",
        "--network",
        "Open",
        "--company",
        "Jansen Web",
        "--json",
    )
    carla = ok(run_cli, "member", "add", "Carla Smit", "--network", "Club Delft", "--json")
    eva = ok(run_cli, "member", "add", "Eva Visser", "--network", "Open Coffee", "--json")
    meeting = ok(run_cli, "meeting", "add", "Club", "--date", day[1], "--title", "Week 1", "--json")

    referral = ok(
        run_cli,
        "log",
        "referral",
        "anna",
        "bob",
        "--meeting",
        str(meeting["id"]),
        "--summary",
        "New web shop",
        "--contact",
        "Piet Kok",
        "--contact-details",
        "06-1",
        "--type",
        "inside",
        "--hotness",
        "5",
        "--value",
        "2500",
        "--json",
    )
    ask = ok(run_cli, "ask", "add", "Carla", "Help with LinkedIn", "--network", "Club", "--json")
    helped = ok(
        run_cli,
        "log",
        "help",
        "Bob",
        "Carla",
        "--date",
        day[2],
        "--answers",
        str(ask["id"]),
        "--json",
    )
    intro = ok(
        run_cli, "log", "intro", "Carla", "Anna", "--with", "Bob", "--date", day[3], "--json"
    )
    outside = ok(
        run_cli,
        "log",
        "intro",
        "Eva",
        "Bob",
        "--with-contact",
        "Marieke",
        "--date",
        day[3],
        "--json",
    )
    offer = ok(run_cli, "offer", "add", "Eva", "Bookkeeping check", "--json")
    assert ok(run_cli, "ack", str(referral["id"])).startswith("Acknowledged referral")
    ok(run_cli, "followup", str(referral["id"]), "contacted", "--date", day[2])
    ok(
        run_cli,
        "followup",
        str(referral["id"]),
        "won",
        "--date",
        day[5],
        "--value",
        "3100.50",
        "--business",
        "new",
        "--note",
        "Signed",
    )
    ok(run_cli, "feedback", str(referral["id"]), "5", "--comment", "Called the same day")
    one_to_one = ok(run_cli, "one-to-one", "Anna", "Carla", "--date", day[4], "--json")
    wrong = ok(run_cli, "log", "referral", "Bob", "Anna", "--date", day[4], "--json")
    ok(run_cli, "void", str(wrong["id"]), "--reason", "Logged twice")
    half = ok(run_cli, "void", str(intro["ids"][0]), "--reason", "Wrong pair")
    assert f"half of an introduction with #{intro['ids'][1]}, which stays" in half

    networks = ok(run_cli, "network", "list", "--json")
    assert [(n["id"], n["name"], n["sla_days"], n["weights"]["help"]) for n in networks] == [
        (club["id"], "Club Delft", 3, 1),
        (coffee["id"], "Open Coffee", 2, 2),
    ]
    members = ok(run_cli, "member", "list", "--json")
    assert [m["name"] for m in members] == [
        "Anna de Vries",
        "Bob Jansen",
        "Carla Smit",
        "Eva Visser",
    ]
    assert members[0]["email"] == "anna@example.nl"
    assert members[1]["company"] == "Jansen Web"
    assert [m["id"] for m in ok(run_cli, "member", "list", "--network", "Open", "--json")] == [
        bob["id"],
        eva["id"],
    ]
    meetings = ok(run_cli, "meeting", "list", "--json")
    assert [(m["id"], m["held_on"], m["title"]) for m in meetings] == [
        (meeting["id"], day[1], "Week 1")
    ]

    exchanges = {e["id"]: e for e in ok(run_cli, "exchanges", "--json")}
    assert len(exchanges) == 6
    assert exchanges[intro["ids"][0]]["voided_at"] is not None
    assert exchanges[intro["ids"][1]]["voided_at"] is None
    given = exchanges[referral["id"]]
    assert (given["kind"], given["giver"], given["receiver"], given["network"]) == (
        "referral",
        "Anna de Vries",
        "Bob Jansen",
        "Club Delft",
    )
    assert (given["occurred_on"], given["meeting_id"]) == (day[1], meeting["id"])
    assert (given["contact_name"], given["contact_details"], given["referral_type"]) == (
        "Piet Kok",
        "06-1",
        "inside",
    )
    assert (given["hotness"], given["estimated_value"]) == (5, 2500.0)
    assert given["acknowledged_at"] is not None
    assert exchanges[helped["id"]]["kind"] == "help"
    first, second = (exchanges[i] for i in intro["ids"])
    assert (first["receiver"], second["receiver"]) == ("Anna de Vries", "Bob Jansen")
    assert first["introduction_group"] == second["introduction_group"] is not None
    assert exchanges[outside["id"]]["contact_name"] == "Marieke"
    assert exchanges[outside["id"]]["network"] == "Open Coffee"
    assert exchanges[wrong["id"]]["void_reason"] == "Logged twice"
    assert exchanges[wrong["id"]]["voided_at"] is not None

    asks = ok(run_cli, "ask", "list", "--json")
    assert [(a["id"], a["status"], a["answered_by"]) for a in asks] == [
        (ask["id"], "answered", helped["id"])
    ]
    assert ok(run_cli, "ask", "list", "--open", "--json") == []
    assert [o["id"] for o in ok(run_cli, "offer", "list", "--open", "--json")] == [offer["id"]]
    bobs = ok(run_cli, "exchanges", "--member", "Bob", "--kind", "introduction", "--json")
    assert sorted(e["id"] for e in bobs) == sorted([intro["ids"][1], outside["id"]])
    story = ok(run_cli, "show", str(referral["id"]), "--json")
    assert [(step["status"], step["occurred_on"]) for step in story["steps"]] == [
        ("contacted", day[2]),
        ("won", day[5]),
    ]
    assert (story["steps"][1]["value"], story["steps"][1]["business"]) == (3100.5, "new")
    assert (story["feedback"]["rating"], story["feedback"]["comment"]) == (
        5,
        "Called the same day",
    )
    assert story["exchange"]["giver"] == "Anna de Vries"
    shown = ok(run_cli, "show", str(referral["id"]))
    assert "Anna de Vries → Bob Jansen" in shown
    assert "won" in shown and "5/5 — Called the same day" in shown
    assert [o["id"] for o in ok(run_cli, "one-to-ones", "--member", "Carla", "--json")] == [
        one_to_one["id"]
    ]
    assert anna["id"] != carla["id"]


SOON = str(date.today() + timedelta(days=2))
"""A day after tomorrow: still in the future if the tests run past midnight."""

BAD_INPUTS = [
    (["log", "referral", "Anna", "Anna"], "Anna de Vries cannot give to themselves"),
    (["log", "referral", "Anna", "Zed"], "No member is named 'Zed'"),
    (["log", "referral", "Anna", "B"], "'B' could be Bart Kok, Bob Jansen; type more"),
    (["log", "referral", "Anna", "Bob", "--date", "2026-02-30"], "'2026-02-30' is not a date"),
    (["log", "referral", "Anna", "Bob", "--date", "next week"], "is not a date"),
    (["log", "referral", "Anna", "Bob", "--date", "2999-01-01"], "is in the future"),
    (["log", "referral", "Anna", "Bob", "--value", "-10"], "must be zero or more"),
    (["log", "referral", "Anna", "Bob", "--value", "lots"], "Invalid value for '--value'"),
    (["log", "referral", "Anna", "Bob", "--hotness", "7"], "must be from 1 to 5, not 7"),
    (["log", "referral", "Anna", "Bob", "--type", "both"], "'both' is not one of: inside"),
    (["log", "referral", "Anna", "Bob", "--network", "Chamber"], "No network is named"),
    (["log", "intro", "Anna", "Bob"], "exactly one of: another member, or an outside contact"),
    (["log", "help", "Anna", "Bob", "--answers", "42"], "There is no ask #42."),
    (["followup", "1", "contacted"], "already at 'meeting'; steps move forward only"),
    (["followup", "1", "won", "--value", "10"], "A won step needs its business value"),
    (["followup", "1", "sold"], "'sold' is not one of: contacted"),
    (["followup", "77", "contacted"], "There is no exchange #77."),
    (["feedback", "1", "6"], "The rating must be from 1 to 5, not 6."),
    (["feedback", "2", "4"], "Exchange #2 is a help, not a referral."),
    (["void", "1", "--reason", " "], "Voiding needs a reason"),
    (["void", "3", "--reason", "again"], "Exchange #3 was already voided on"),
    (["ack", "1"], "already at 'meeting'; acknowledging comes first"),
    (["member", "add", "anna de vries"], "A member named 'Anna de Vries' already exists"),
    (["member", "add", "New", "--email", "nope"], "'nope' is not an email address"),
    (["network", "add", "Chamber", "--weight", "referral"], "is not KIND=NUMBER"),
    (["network", "add", "Chamber", "--sla-days", "x"], "Invalid value for '--sla-days'"),
    (["one-to-one", "Bob", "bob jansen"], "cannot have a one-to-one with themselves"),
    (["exchanges", "--from", "2026-13-01"], "The start date '2026-13-01' is not a date"),
    (["ask", "withdraw", "1"], "Ask #1 is already withdrawn; only an open one can be withdrawn."),
    (
        ["log", "help", "Bob", "Anna", "--answers", "1"],
        "Ask #1 is already withdrawn; it cannot be answered",
    ),
    (["member", "deactivate", "Nobody"], "No member is named 'Nobody'"),
    (["log", "referral"], "Missing argument"),
    (["no-such-command"], "No such command"),
    (["export", "exchanges", "/proc/no-such-folder/x.csv"], "does not exist"),
    (["export", "exchanges", "/proc/x.csv"], "could not be written (No such file or directory)"),
    (["export", "exchanges", "/"], "/ is a folder; name a file"),
    (["lgo"], "No such command 'lgo'. Did you mean 'log'? See --help."),
    (["exchanges", "--as", "Anna"], "--as is a global option; put it before the command"),
    (["feedback", "2", "4"], "Exchange #2 is a help, not a referral."),
    (["log", "referral", "Ana", "Bob"], "(did you mean Anna de Vries?)"),
    (["ack", "99999999999999999999"], "Invalid value for 'ID'"),
    (["log", "help", "Anna", "Bob", "--answers", "0"], "Invalid value for '--answers'"),
    (["log", "referral", "Anna", "Bob", "--value", "1e12"], "is more than 1,000,000,000, the most"),
    (["member", "add", "Ctrl\x1b[31mRed"], "contains the control character '\\x1b'"),
    (["log", "referral", "Anna", "Bob", "--summary", "a\x07b"], "control character '\\x07'"),
    (["meeting", "edit", "1", "--title", "x" * 201], "The meeting title is 201 characters long"),
    (["meeting", "edit", "1", "--date", "someday"], "The date 'someday' is not a date"),
    # Dates beyond today, in every command that takes one.
    (["log", "referral", "Anna", "Bob", "--date", SOON], f"The date {SOON} is in the future"),
    (["followup", "1", "proposal", "--date", SOON], f"The step date {SOON} is in the future"),
    (["one-to-one", "Anna", "Bob", "--date", SOON], f"The date {SOON} is in the future"),
    # Ambiguous names, non-numbers and out-of-range scales.
    (["one-to-one", "B", "Anna"], "'B' could be Bart Kok, Bob Jansen; type more"),
    (["log", "referral", "Anna", "Bob", "--hotness", "0"], "must be from 1 to 5, not 0."),
    (["log", "referral", "Anna", "Bob", "--hotness", "hot"], "Invalid value for '--hotness'"),
    (["log", "referral", "Anna", "Bob", "--value", "12abc"], "Invalid value for '--value'"),
    (["feedback", "1", "0"], "The rating must be from 1 to 5, not 0."),
    (["feedback", "1", "five"], "Invalid value for 'rating'"),
    (["followup", "1", "won", "--value", "x", "--business", "new"], "Invalid value for '--value'"),
    (["followup", "1", "won", "--value", "9", "--business", "maybe"], "'maybe' is not one of"),
    # A referral's life moves forward only and stops at its ending.
    (["followup", "1", "meeting"], "already at 'meeting'; steps move forward only"),
    (["followup", "4", "contacted"], "Referral #4 already ended as lost; no step can follow"),
    (["followup", "4", "won", "--value", "5", "--business", "new"], "already ended as lost"),
    (["followup", "3", "proposal"], "Referral #3 is voided; it takes no further steps."),
    (["ack", "2"], "Exchange #2 is a help, not a referral."),
    (["log", "intro", "Anna", "Bob", "--with", "Bob"], "cannot be introduced to themselves"),
    (["ask", "withdraw", "2"], "There is no ask #2."),
    # Files that are empty, huge, or not text at all.
    (["import", "exchanges", "{files}/empty.csv"], "empty.csv is empty; nothing to import."),
    (["import", "members", "{files}/empty.csv"], "empty.csv is empty; nothing to import."),
    (["import", "exchanges", "{files}/huge.csv"], "huge.csv has a cell of more than 131,072"),
    (["import", "exchanges", "{files}/latin1.csv"], "latin1.csv is not UTF-8 text"),
    (["import", "exchanges", "{files}/missing.csv"], "There is no file"),
    (["import", "all", "{files}/missing"], "There is no folder"),
    # Issue 19: one name per person, whatever its spelling, with nothing hidden in it.
    (["member", "add", "ANNA  DE VRIES"], "A member named 'Anna de Vries' already exists (#1)."),
    (["member", "add", "Ａnna de Vries"], "A member named 'Anna de Vries' already exists (#1)."),
    (["network", "add", "CLUB"], "A network named 'Club' already exists (#1)."),
    (["member", "add", "Bob\u200b"], "contains the invisible character U+200B; type the name"),
    (["member", "add", "Eve\u202egnp.exe"], "contains the invisible character U+202E"),
    (["network", "add", "\ufeffClub"], "The network name contains the invisible character U+FEFF"),
    (["member", "add", "Former member #12"], "'Former member #12' are kept for forgotten members"),
    (["member", "edit", "Bob", "--name", "bart kok"], "A member named 'Bart Kok' already exists"),
    (["member", "forget", "Bart", "--yes"], "No member is named exactly 'Bart' (did you mean Bart"),
    (["member", "deactivate", "bo"], "No member is named exactly 'bo' (did you mean Bob Jansen?)"),
    (
        ["member", "edit", "Former member #4", "--name", "Dora Vos"],
        "Member #4 was forgotten; their name and details cannot be set again.",
    ),
    # Amounts in plain numbers.
    (["log", "referral", "Anna", "Bob", "--value", "inf"], "must be an amount from 0 to 1,000,"),
    (["log", "referral", "Anna", "Bob", "--value", "nan"], "must be an amount from 0 to 1,000,"),
    (
        ["log", "referral", "Anna", "Bob", "--value", "9" * 400],
        "an amount from 0 to 1,000,000,000.",
    ),
    (["log", "referral", "Anna", "Bob", "--value", "1000000000.01"], "is more than 1,000,000,000"),
    (["followup", "1", "won", "--value", "-0.5", "--business", "new"], "zero or more, not -0.50."),
    # Files that are no CSV, and a folder that is a link.
    (["import", "exchanges", "/dev/zero"], "zero is not a text file (line 1 holds a NUL"),
    (["import", "members", "{files}/binary.csv"], "binary.csv is not a text file (line 2 holds"),
    (
        ["import", "exchanges", "{files}/one-line.csv"],
        "has a line of more than 4,194,304 characters",
    ),
    (["export", "all", "{files}/link"], "is a link; export into a new or empty folder"),
]

BAD_FILES = [
    (
        ["import", "exchanges", "{files}/void-future.csv"],
        "line 2: The voided_at 9999-12-31T00:00:00+00:00 is in the future; a void is recorded",
    ),
    (
        ["import", "exchanges", "{files}/void-before.csv"],
        "line 2: The voided_at 2020-01-01T00:00:00+00:00 is before the exchange's date 2025-01-02",
    ),
    (
        ["import", "exchanges", "{files}/typo.csv"],
        "line 2: No member is named 'Ana de Vries' (did you mean Anna de Vries?); rerun with",
    ),
    (
        ["import", "exchanges", "{files}/near.csv", "--create-members"],
        "line 2: No member is named 'Bob Janssen', but Bob Jansen is close; use that name, or",
    ),
    (
        ["import", "exchanges", "{files}/reserved.csv", "--create-members"],
        "line 2: Names like 'Former member #9' are kept for forgotten members",
    ),
    (
        ["import", "exchanges", "{files}/hidden.csv", "--create-members"],
        "line 2: The member name contains the invisible character U+200D",
    ),
    (
        ["--as", "Bart", "import", "exchanges", "{files}/others.csv"],
        "line 2: Only Anna de Vries, Bob Jansen or an organiser of Club may log this help",
    ),
    (
        ["--as", "Bart", "import", "exchanges", "{files}/newcomer.csv", "--create-members"],
        "line 2: Only an organiser of Club may add members to Club.",
    ),
    (
        ["--as", "Bart", "import", "members", "{files}/takeover.csv"],
        "line 2: Only Bob Jansen or an organiser of Club may change Bob Jansen's details.",
    ),
    (
        ["--as", "Bart", "import", "members", "{files}/promotion.csv"],
        "line 2: Only an organiser of Club may add members to Club or change their role there.",
    ),
    (
        ["import", "members", "{files}/hidden-member.csv"],
        "line 2: The member name contains the invisible character U+202E",
    ),
]
"""Files an import refuses: one ``line N: …`` sentence per bad row, then the summary."""


@pytest.fixture
def small_chapter(run_cli: Run) -> None:
    today = str(date.today())
    ok(run_cli, "network", "add", "Club")
    ok(run_cli, "meeting", "add", "Club", "--title", "Kick-off")
    for name in ("Anna de Vries", "Bob Jansen", "Bart Kok"):
        ok(run_cli, "member", "add", name, "--network", "Club")
    ok(run_cli, "log", "referral", "Anna", "Bob", "--date", today)
    ok(run_cli, "log", "help", "Bob", "Anna", "--date", today)
    ok(run_cli, "followup", "1", "meeting", "--date", today)
    ok(run_cli, "log", "referral", "Bart", "Bob", "--date", today)
    ok(run_cli, "void", "3", "--reason", "Wrong member")
    ok(run_cli, "ask", "add", "Anna", "Need a lawyer")
    ok(run_cli, "ask", "withdraw", "1")
    ok(run_cli, "log", "referral", "Bob", "Anna", "--date", today)
    ok(run_cli, "followup", "4", "lost", "--date", today)
    ok(run_cli, "member", "add", "Dora Vos", "--network", "Club")
    ok(run_cli, "member", "forget", "Dora Vos", "--yes")


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files no import should take: empty, huge (a 200,000-character cell), latin-1, binary,
    one endless line; and files whose rows break a rule (see :data:`BAD_FILES`)."""
    folder = tmp_path_factory.mktemp("bad-files")
    (folder / "empty.csv").write_bytes(b"")
    header = "kind,giver,receiver,network,occurred_on,summary\n"
    rows = "".join(f"help,Anna de Vries,Bob Jansen,Club,2025-01-0{n},ok\n" for n in range(1, 10))
    huge = header + rows + "help,Anna de Vries,Bob Jansen,Club,2025-01-01," + "x" * 200_000
    (folder / "huge.csv").write_text(huge + "\n", encoding="utf-8")
    latin = header + "help,Anna de Vries,Bob Jansen,Club,2025-01-01,Caf\xe9 cr\xe8me\n"
    (folder / "latin1.csv").write_bytes(latin.encode("latin-1"))
    (folder / "binary.csv").write_bytes(b"name,email\nJPEG\0\x10\x02,x\n")
    (folder / "one-line.csv").write_text("kind,giver," + "x" * 5_000_000, encoding="utf-8")
    (folder / "link").symlink_to(folder / "elsewhere", target_is_directory=True)
    voided = "help,Anna de Vries,Bob Jansen,Club,2025-01-02,,{}T00:00:00+00:00,x"
    files = {
        "void-future.csv": voided.format("9999-12-31"),
        "void-before.csv": voided.format("2020-01-01"),
        "typo.csv": "help,Ana de Vries,Bob Jansen,Club,2025-01-02,,,",
        "near.csv": "help,Anna de Vries,Bob Janssen,Club,2025-01-02,,,",
        "reserved.csv": "help,Anna de Vries,Former member #9,Club,2025-01-02,,,",
        "hidden.csv": "help,Anna de Vries,Zoë\u200dNieuw,Club,2025-01-02,,,",
        "others.csv": "help,Anna de Vries,Bob Jansen,Club,2025-01-02,,,",
        "newcomer.csv": "help,Bart Kok,Zoë Nieuw,Club,2025-01-02,,,",
    }
    for name, row in files.items():
        (folder / name).write_text(
            header.replace("summary", "summary,voided_at,void_reason") + row + "\n",
            encoding="utf-8",
        )
    members = "name,company,email,active,networks,organiser_of\n"
    (folder / "takeover.csv").write_text(members + "Bob Jansen,Evil BV,,,,\n", encoding="utf-8")
    (folder / "promotion.csv").write_text(members + "Bart Kok,,,,,Club\n", encoding="utf-8")
    (folder / "hidden-member.csv").write_text(
        members + "Eve\u202egnp.exe,,,,Club,\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(("args", "sentence"), BAD_INPUTS, ids=lambda v: " ".join(v)[:40])
def test_bad_input_prints_one_sentence_and_changes_nothing(
    run_cli: Run,
    db_url: str,
    small_chapter: None,
    bad_files: Path,
    args: list[str],
    sentence: str,
) -> None:
    engine: Engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*(arg.replace("{files}", str(bad_files)) for arg in args))
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert sentence in message
    assert "\n" not in message
    assert "Traceback" not in message
    assert after == before


CLICK_SENTENCES = ("Invalid value for", "Missing argument", "No such command")
"""Click's own usage sentences, which its own catalogue (not ours) would translate."""


@pytest.mark.parametrize(("args", "sentence"), BAD_INPUTS, ids=lambda v: " ".join(v)[:40])
def test_bad_input_in_dutch_is_one_dutch_sentence_and_changes_nothing(
    run_cli: Run,
    db_url: str,
    small_chapter: None,
    bad_files: Path,
    args: list[str],
    sentence: str,
) -> None:
    """The same refusals with ``--lang nl``: ``Fout: `` and the ledger's sentence in Dutch."""
    engine: Engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli("--lang", "nl", *(arg.replace("{files}", str(bad_files)) for arg in args))
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Fout: ")
    assert "Error" not in message
    assert "\n" not in message
    assert "Traceback" not in message
    if not sentence.startswith(CLICK_SENTENCES):
        assert sentence not in message, "the English sentence came through untranslated"
    assert after == before


@pytest.mark.parametrize(("args", "problem"), BAD_FILES, ids=lambda v: " ".join(v)[:40])
def test_a_bad_file_lists_its_rows_and_changes_nothing(
    run_cli: Run,
    db_url: str,
    small_chapter: None,
    bad_files: Path,
    args: list[str],
    problem: str,
) -> None:
    engine: Engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*(arg.replace("{files}", str(bad_files)) for arg in args))
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    *problems, summary = result.stderr.strip().splitlines()
    assert problems[0].startswith(problem), problems[0]
    assert summary.startswith("Error: ") and "nothing was imported" in summary
    assert "Traceback" not in result.stderr
    assert after == before
