"""Eight processes run the same command at the same moment: the database settles it.

The trust probe of issue 19 found that eight ``followup 12 contacted`` started together
gave one referral up to four ``contacted`` steps, four ``followup 12 won`` two ``won``
rows (so the business value counted twice), four ``void``\\s all printed "Voided", and
"Race Person" / "RACE PERSON" became two members. Each test below releases eight real
command-line processes at a barrier (:mod:`tests.trust.racing`) and then asks what a
user would notice: one step, one ending, one rating, one void and one member per name;
every loser gets one sentence, never a traceback; ``db check`` calls the ledger sound;
and ``export all`` → ``import all`` gives back the same ledger, row for row.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from tests.trust.racing import WORKERS, Outcome, cli, race, round_trip

REFERRALS = 8
ROUNDS = 3
"""Races per test, each on referrals of its own: with one, the old code's follow-up race
on SQLite showed in one run of two; with three, in every run."""
DAY = (date.today() - timedelta(days=30)).isoformat()
STEP_DAY = (date.today() - timedelta(days=20)).isoformat()


def _club(url: str) -> None:
    cli(url, "network", "add", "Club Delft")
    cli(url, "member", "add", "Anna de Vries", "--network", "Club Delft", "--role", "organiser")
    cli(url, "member", "add", "Bob Jansen", "--network", "Club Delft")


def _referrals(url: str, count: int = REFERRALS) -> list[int]:
    return [
        cli(url, "log", "referral", "Anna de Vries", "Bob Jansen", "--date", DAY, "--json")["id"]
        for _ in range(count)
    ]


def _shuffled(ids: list[int], seed: int) -> list[int]:
    order = list(ids)
    random.Random(seed).shuffle(order)
    return order


def _no_tracebacks(outcomes: list[Outcome]) -> None:
    escaped = [o for o in outcomes if o.escaped]
    assert escaped == [], escaped[0].stderr
    for outcome in outcomes:
        if outcome.code == 1:
            message = outcome.stderr.strip()
            assert message.startswith("Error: ") and "\n" not in message, message


def _sound_and_round_trips(url: str, folder: Path) -> None:
    problems, before, after = round_trip(url, folder)
    assert problems == []
    assert after == before


def test_eight_processes_step_the_same_referrals_forward_once(db_url: str, tmp_path: Path) -> None:
    _club(db_url)
    rounds = [_referrals(db_url) for _ in range(ROUNDS)]
    ids = [i for batch in rounds for i in batch]
    won = ("won", "--date", STEP_DAY, "--value", "1000", "--business", "new")
    commands = [
        [
            [["followup", str(i), "contacted", "--date", STEP_DAY] for i in _shuffled(batch, w)]
            + [["followup", str(i), *won] for i in _shuffled(batch, -w)]
            for batch in rounds
        ]
        for w in range(WORKERS)
    ]
    outcomes = race(db_url, commands)

    _no_tracebacks(outcomes)
    wins = sorted(int(o.args[1]) for o in outcomes if o.code == 0 and o.args[2] == "won")
    assert wins == sorted(ids), "each referral is won exactly once"
    for refused in (o for o in outcomes if o.code == 1):
        assert "already" in refused.stderr, refused.stderr
    for referral in ids:
        steps = [s["status"] for s in cli(db_url, "show", str(referral), "--json")["steps"]]
        assert steps in (["contacted", "won"], ["won"]), (referral, steps)
    (bob,) = cli(db_url, "balance", "--member", "Bob Jansen", "--json")
    assert bob["value_received"] == 1000 * len(ids)
    _sound_and_round_trips(db_url, tmp_path)


def test_eight_processes_rate_and_void_the_same_exchanges_once(db_url: str, tmp_path: Path) -> None:
    _club(db_url)
    rounds = [(_referrals(db_url), _referrals(db_url)) for _ in range(ROUNDS)]
    rated = [i for batch, _ in rounds for i in batch]
    voided = [i for _, batch in rounds for i in batch]
    commands = [
        [
            [["feedback", str(i), str(1 + w % 5)] for i in _shuffled(to_rate, w)]
            + [["void", str(i), "--reason", f"Wrong, says {w}"] for i in _shuffled(to_void, w)]
            for to_rate, to_void in rounds
        ]
        for w in range(WORKERS)
    ]
    outcomes = race(db_url, commands)

    _no_tracebacks(outcomes)
    # A later rating replaces the first, so every feedback succeeds; each referral keeps one.
    assert all(o.code == 0 for o in outcomes if o.args[0] == "feedback")
    voids = [o for o in outcomes if o.args[0] == "void" and o.code == 0]
    assert sorted(int(o.args[1]) for o in voids) == sorted(voided), "each void succeeds once"
    exchanges = {e["id"]: e for e in cli(db_url, "exchanges", "--json")}
    for outcome in voids:
        assert exchanges[int(outcome.args[1])]["void_reason"] == outcome.args[3]
    for referral in rated:
        story = cli(db_url, "show", str(referral), "--json")
        assert story["feedback"] is not None
    _sound_and_round_trips(db_url, tmp_path)


RACE_PERSON = [
    "Race Person",
    "RACE PERSON",
    "race person",
    "Race  Person",
    "rACE pERSON",
    "Ｒace Person",  # a fullwidth R: the same name under NFKC
    "RACE person",
    "race PERSON",
]
NEW_MEMBER = [spelling.replace("ace", "ookie").replace("ACE", "OOKIE") for spelling in RACE_PERSON]
RACE_CLUB = [
    "Race Club",
    "RACE CLUB",
    "race club",
    "Race  Club",
    "rACE cLUB",
    "Ｒace Club",
    "RACE club",
    "race CLUB",
]


def test_eight_processes_add_one_name_in_eight_spellings_and_one_wins(
    db_url: str, tmp_path: Path
) -> None:
    _club(db_url)
    header = "kind,giver,receiver,network,occurred_on\n"
    files = []
    for worker, newcomer in enumerate(NEW_MEMBER):
        file = tmp_path / f"import-{worker}.csv"
        file.write_text(header + f"help,Anna de Vries,{newcomer},Club Delft,{DAY}\n")
        files.append(file)
    commands = [
        [
            [["member", "add", spelling, "--network", "Club Delft"]],
            [["network", "add", RACE_CLUB[worker]]],
            [["import", "exchanges", str(files[worker]), "--create-members"]],
        ]
        for worker, spelling in enumerate(RACE_PERSON)
    ]
    outcomes = race(db_url, commands)

    _no_tracebacks(outcomes)
    for command in ("member", "network"):
        wins = [o for o in outcomes if o.args[0] == command and o.code == 0]
        assert len(wins) == 1, (command, [o.stderr for o in outcomes if o.args[0] == command])
        for lost in (o for o in outcomes if o.args[0] == command and o.code == 1):
            assert "named" in lost.stderr and "already exists" in lost.stderr, lost.stderr
    # An import that comes after the winner's finds the member and only adds its exchange.
    imports = [o for o in outcomes if o.args[0] == "import"]
    assert len([o for o in imports if "Added 1 new member" in o.stdout]) == 1
    for lost in (o for o in imports if o.code == 1):
        assert "Someone else wrote to the ledger during the import" in lost.stderr
    members = [m["name"].casefold() for m in cli(db_url, "member", "list", "--json")]
    networks = [n["name"].casefold() for n in cli(db_url, "network", "list", "--json")]
    assert len([m for m in members if m.endswith("person") and "ace" in m]) == 1
    assert len([m for m in members if m.endswith("person") and "ookie" in m]) == 1
    assert len([n for n in networks if n.endswith("club") and "ace" in n]) == 1
    _sound_and_round_trips(db_url, tmp_path)
