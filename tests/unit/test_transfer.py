"""CSV import and export in the ledger: round trips, idempotence, and all-or-nothing checks.

Each test runs on SQLite and, with ``RECIPROCITY_TEST_PG_URL``, on PostgreSQL.
"""

import csv
import gc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.costs import set_membership_costs
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import (
    iter_exchanges,
    log_help,
    log_introduction,
    log_referral,
    void_exchange,
)
from reciprocity.ledger.followups import acknowledge, give_feedback, record_followup
from reciprocity.ledger.members import add_member, deactivate_member, list_members
from reciprocity.ledger.networks import (
    add_meeting,
    add_network,
    deactivate_network,
    edit_network,
    join_network,
    leave_network,
)
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request
from reciprocity.ledger.transfer import (
    EXCHANGE_COLUMNS,
    ImportRejected,
    export_all,
    export_exchanges,
    export_members,
    import_all,
    import_exchanges,
    import_members,
)
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Offer
from tests.conftest import PG_URL, reset_postgres, snapshot

TODAY = date(2026, 1, 15)
HEADER = ",".join(EXCHANGE_COLUMNS)


def ids(*records: Any) -> list[int]:
    found = [record.id for record in records]
    assert None not in found
    return found


@pytest.fixture
def club(session: Session) -> dict[str, int]:
    """A referral club with three members, one of them deactivated: name → id."""
    network = add_network(session=session, name="BNI Zuid")
    assert network.id is not None
    found = {"network": network.id}
    for name in ("Anna de Vries", "Bert Jansen", "Carla Smit"):
        member = add_member(session=session, name=name, network_ids=[network.id])
        assert member.id is not None
        found[name] = member.id
    deactivate_member(session=session, member_id=found["Carla Smit"])
    return found


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_exchanges_export_then_import_into_a_fresh_ledger_gives_the_same_exchanges(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    anna, bert = club["Anna de Vries"], club["Bert Jansen"]
    log_referral(
        session=session,
        giver_id=anna,
        receiver_id=bert,
        occurred_on=date(2025, 3, 4),
        summary='Roof repair, "urgent"\nsecond line',
        contact_name="Eva Visser",
        contact_details="eva@example.nl",
        referral_type="inside",
        hotness=4,
        estimated_value=1234.5,
    )
    log_help(session=session, giver_id=bert, receiver_id=anna, occurred_on=date(2025, 3, 5))
    wrong = log_help(session=session, giver_id=anna, receiver_id=bert, occurred_on=date(2025, 3, 6))
    assert wrong.id is not None
    void_exchange(session=session, exchange_id=wrong.id, reason="Logged twice")
    members_file, exchanges_file = tmp_path / "members.csv", tmp_path / "exchanges.csv"
    assert export_members(session=session, path=members_file) == 3
    assert export_exchanges(session=session, path=exchanges_file) == 3

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with Session(fresh) as other:
        add_network(session=other, name="BNI Zuid")
        members = import_members(session=other, path=members_file)
        result = import_exchanges(session=other, path=exchanges_file, today=TODAY)
        again = tmp_path / "again.csv"
        export_exchanges(session=other, path=again)
    fresh.dispose()

    assert (members.added, result.added, result.already_present) == (3, 3, 0)
    assert rows_of(again) == rows_of(exchanges_file)
    assert rows_of(again)[0]["summary"] == 'Roof repair, "urgent"\nsecond line'
    assert rows_of(again)[2]["void_reason"] == "Logged twice"


def test_reimporting_the_same_file_adds_nothing(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = write(
        tmp_path / "x.csv",
        f"{HEADER}\n"
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"
        "ext-1,help,bert jansen,ANNA DE VRIES,bni zuid,2025-01-03,,,,,,,,,\n",
    )
    first = import_exchanges(session=session, path=file, today=TODAY)
    export_exchanges(session=session, path=tmp_path / "out.csv")
    before = snapshot(engine)
    second = import_exchanges(session=session, path=tmp_path / "out.csv", today=TODAY)
    third = import_exchanges(session=session, path=file, today=TODAY)

    assert (first.added, second.added, second.already_present) == (2, 0, 2)
    # The row without an external_id got a new one, so only ext-1 is recognised again.
    assert (third.added, third.already_present) == (1, 1)
    assert len(snapshot(engine)["exchange"]) == len(before["exchange"]) + 1
    imported = list(iter_exchanges(session=session))
    assert all(row["external_id"] for row in imported)
    assert len({row["external_id"] for row in imported}) == 3


def test_every_bad_row_is_reported_with_its_physical_line_and_nothing_is_written(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = write(
        tmp_path / "bad.csv",
        f"{HEADER}\n"  # line 1
        ",referral,Anna de Vries,Anna de Vries,BNI Zuid,2025-01-02,,,,,,,,,\n"  # 2
        ',help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,"two-line\nsummary",,,,,,,,\n'
        ",referral,Zed,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"  # 5
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-02-30,,,,,,,,,\n"  # 6
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2026-01-16,,,,,,,,,\n"  # 7
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,-5,,,\n"  # 8
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,9,,,,\n"  # 9
        ",gift,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"  # 10
        "dup,help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"  # 11
        "dup,help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"  # 12
        ",help,Anna de Vries,Bert Jansen,Open Coffee,2025-01-02,,,,,,,,,\n"  # 13
        ",help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,2025-01-03,\n",  # 14
    )
    before = snapshot(engine)

    with pytest.raises(ImportRejected) as caught:
        import_exchanges(session=session, path=file, today=TODAY)

    assert caught.value.problems == [
        "line 2: Anna de Vries cannot give to themselves; giver and receiver must differ.",
        "line 5: No member is named 'Zed'; rerun with --create-members or add them first.",
        "line 6: The date '2025-02-30' is not a date; use YYYY-MM-DD or 'today'.",
        "line 7: The date 2026-01-16 is in the future; log it on or after that day.",
        "line 8: The estimated value must be zero or more, not -5.",
        "line 9: The hotness must be from 1 to 5, not 9.",
        "line 10: The kind 'gift' is not one of: referral, help, introduction.",
        "line 12: The external_id 'dup' is also on line 11; each exchange needs its own.",
        "line 13: No network is named 'Open Coffee'; "
        'add it first with: reciprocity network add "Open Coffee".',
        "line 14: A voided exchange needs its void_reason, for the audit trail.",
    ]
    assert caught.value.summary.startswith("bad.csv has 10 bad rows; nothing was imported.")
    assert snapshot(engine) == before


def large_file(path: Path, rows: int, bad: dict[int, str]) -> Path:
    """An exchanges file of ``rows`` good helps and referrals, with the rows of ``bad``
    (by line) replaced: larger than one batch of the column checks."""
    lines = [HEADER]
    for line in range(2, rows + 2):
        giver, receiver = ("Anna de Vries", "Bert Jansen")[:: 1 if line % 2 else -1]
        kind = ",referral," if line % 3 else ",help,"
        extra = ",  Eva Visser ,eva@example.nl,inside,4,1500.5,,," if line % 3 else ",,,,,,,,"
        lines.append(
            bad.get(
                line,
                f"ext-{line}{kind}{giver},{receiver},BNI Zuid,2025-0{1 + line % 9}-02,"
                f" Roofing {line % 5} {extra}",
            )
        )
    return write(path, "\n".join(lines) + "\n")


def test_a_bad_row_deep_in_a_large_file_is_reported_by_its_line_and_nothing_is_written(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = large_file(
        tmp_path / "large.csv",
        25_000,
        {
            3: "ext-3,help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,ok,,,,,,,,",
            17_003: "ext-17003,help,Anna de Vries,anna de vries,BNI Zuid,2025-01-02,,,,,,,,,",
            24_000: "ext-3,help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,",
        },
    )
    before = snapshot(engine)

    with pytest.raises(ImportRejected) as caught:
        import_exchanges(session=session, path=file, today=TODAY)

    assert caught.value.problems == [
        "line 17003: Anna de Vries cannot give to themselves; giver and receiver must differ.",
        "line 24000: The external_id 'ext-3' is also on line 3; each exchange needs its own.",
    ]
    assert snapshot(engine) == before
    assert gc.isenabled(), "the cycle collector runs again after a rejected import"


def test_a_large_file_imports_every_row_as_written_and_again_adds_nothing(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = large_file(tmp_path / "large.csv", 25_000, {})

    first = import_exchanges(session=session, path=file, today=TODAY)
    again = import_exchanges(session=session, path=file, today=TODAY)

    assert (first.added, again.added, again.already_present) == (25_000, 0, 25_000)
    assert gc.isenabled(), "the cycle collector runs again after an import"
    imported = {row["external_id"]: row for row in iter_exchanges(session=session)}
    referral, help_ = imported["ext-2"], imported["ext-3"]
    assert (referral["kind"], referral["giver"], referral["receiver"]) == (
        "referral",
        "Bert Jansen",
        "Anna de Vries",
    )
    assert (referral["summary"], referral["contact_name"], referral["estimated_value"]) == (
        "Roofing 2",
        "Eva Visser",
        1500.5,
    )
    assert (referral["hotness"], referral["referral_type"]) == (4, "inside")
    assert (help_["kind"], help_["occurred_on"], help_["summary"]) == (
        "help",
        date(2025, 4, 2),
        "Roofing 3",
    )


def test_rules_the_log_functions_keep_hold_for_imported_rows(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    outsider = add_member(session=session, name="Olga Outsider")
    assert outsider.id is not None
    file = write(
        tmp_path / "rules.csv",
        f"{HEADER}\n"
        ",help,Anna de Vries,Olga Outsider,BNI Zuid,2025-01-02,,,,,,,,,\n"
        ",help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,3,,,,\n"
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,sideways,,,,,\n"
        f",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,{'x' * 2001},,,,,,,,\n"
        ",referral,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,No reason\n"
        ",referral,Anna de Vries,Bert Jansen\n",
    )
    with pytest.raises(ImportRejected) as caught:
        import_exchanges(session=session, path=file, today=TODAY)
    assert caught.value.problems == [
        "line 2: Olga Outsider is not a member of BNI Zuid; "
        'add them with: reciprocity member join "Olga Outsider" "BNI Zuid".',
        "line 3: A help has no hotness; only referrals carry one.",
        "line 4: The referral type 'sideways' is not one of: inside, outside.",
        "line 5: The summary is 2001 characters long; the limit is 500.",
        "line 6: A void_reason needs the voided_at timestamp it explains.",
        "line 7: The row does not have the header's 15 fields; check its commas and quotes.",
    ]


def test_deactivated_members_and_networks_are_history_and_import_fine(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    deactivate_network(session=session, network_id=club["network"])
    file = write(
        tmp_path / "old.csv",
        "kind,giver,receiver,network,occurred_on,voided_at,void_reason\n"
        "referral,Carla Smit,Anna de Vries,BNI Zuid,2019-05-01,2019-05-02T10:00:00,typo\n",
    )
    result = import_exchanges(session=session, path=file, today=TODAY)
    (row,) = list(iter_exchanges(session=session))
    assert result.added == 1
    assert (row["giver"], row["referral_type"], row["void_reason"]) == (
        "Carla Smit",
        "outside",
        "typo",
    )
    assert row["voided_at"].isoformat() == "2019-05-02T10:00:00+00:00"


def test_dry_run_checks_and_counts_but_writes_nothing(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = write(
        tmp_path / "x.csv",
        f"{HEADER}\n,help,Anna de Vries,Zed Nieuw,BNI Zuid,2025-01-02,,,,,,,,,\n",
    )
    before = snapshot(engine)
    result = import_exchanges(
        session=session, path=file, dry_run=True, create_members=True, today=TODAY
    )
    assert (result.added, result.members_added, result.dry_run) == (1, ["Zed Nieuw"], True)
    assert snapshot(engine) == before


def test_create_members_adds_unknown_names_to_the_rows_network(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    add_network(session=session, name="Open Coffee")
    file = write(
        tmp_path / "x.csv",
        f"{HEADER}\n"
        ",help,Anna de Vries,Zed Nieuw,BNI Zuid,2025-03-02,,,,,,,,,\n"
        ",help,zed nieuw,Anna de Vries,BNI Zuid,2025-01-02,,,,,,,,,\n"
        ",help,Zed Nieuw,Yara Nieuw,Open Coffee,2025-02-01,,,,,,,,,\n",
    )
    result = import_exchanges(session=session, path=file, create_members=True, today=TODAY)

    assert result.members_added == ["Zed Nieuw", "Yara Nieuw"]
    names = [m.name for m in list_members(session=session)]
    assert names.count("Zed Nieuw") == 1
    zed = next(m for m in list_members(session=session) if m.name == "Zed Nieuw")
    assert zed.id is not None
    assert [m.name for m in list_members(session=session, network_id=club["network"])] == [
        "Anna de Vries",
        "Bert Jansen",
        "Carla Smit",
        "Zed Nieuw",
    ]
    assert {r["receiver"] for r in list(iter_exchanges(session=session))} == {
        "Zed Nieuw",
        "Anna de Vries",
        "Yara Nieuw",
    }
    # A member joins on the day of their first exchange in that network.
    joined = join_network(session=session, member_id=zed.id, network_id=club["network"])
    assert joined.joined_on == date(2025, 1, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "x.csv is empty; nothing to import."),
        (
            f"{HEADER}\n,help,Ann\xe9,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n".encode("latin-1"),
            "x.csv is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
        ),
        (
            b"kind,giver,receiver,network,occurred_on\n"
            b'help,"Anna" de Vries,B,BNI Zuid,2025-01-02\n',
            "x.csv is not valid CSV at line 2 (',' expected after '\"'); "
            "check the quotes on that line.",
        ),
    ],
    ids=["empty", "latin-1", "broken-quotes"],
)
def test_files_that_cannot_be_read_are_refused_in_one_sentence(
    engine: Engine,
    session: Session,
    club: dict[str, int],
    tmp_path: Path,
    content: bytes,
    message: str,
) -> None:
    (tmp_path / "x.csv").write_bytes(content)
    before = snapshot(engine)
    with pytest.raises(LedgerError) as caught:
        import_exchanges(session=session, path=tmp_path / "x.csv", today=TODAY)
    assert caught.value.message.splitlines()[-1] == message
    assert snapshot(engine) == before


def test_header_only_imports_nothing_and_excel_files_are_read(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    header_only = write(tmp_path / "h.csv", "\ufeff" + HEADER + "\r\n")
    excel = write(
        tmp_path / "excel.csv",
        "\ufeffKind, Giver ,receiver,network,occurred_on\r\n"
        "help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02\r\n",
    )
    dutch_excel = write(
        tmp_path / "nl.csv",
        "\ufeffkind;giver;receiver;network;occurred_on;summary\r\n"
        "help;Anna de Vries;Bert Jansen;BNI Zuid;2025-01-03;Koffie, en een tip\r\n",
    )
    assert import_exchanges(session=session, path=header_only, today=TODAY).rows == 0
    assert import_exchanges(session=session, path=excel, today=TODAY).added == 1
    assert import_exchanges(session=session, path=dutch_excel, today=TODAY).added == 1
    assert list(iter_exchanges(session=session))[0]["summary"] == "Koffie, en een tip"


def test_header_problems_are_all_named(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = write(tmp_path / "x.csv", "kind,giver,giver,network,colour\n")
    with pytest.raises(ImportRejected) as caught:
        import_exchanges(session=session, path=file, today=TODAY)
    assert caught.value.problems == [
        "line 1: The column 'giver' appears twice.",
        f"line 1: Unknown column 'colour'. The columns are: {', '.join(EXCHANGE_COLUMNS)}.",
        "line 1: The required column 'receiver' is missing.",
        "line 1: The required column 'occurred_on' is missing.",
    ]


# --- Members ---------------------------------------------------------------------------------


def test_members_round_trip_and_a_second_import_changes_nothing(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    add_network(session=session, name="Open Coffee")
    file = write(
        tmp_path / "m.csv",
        "name,company,category,email,phone,active,networks,organiser_of\n"
        "Anna de Vries,De Vries Dak,Roofer,anna@example.nl,+31 6 1,yes,BNI Zuid; Open Coffee,"
        "open coffee\n"
        "Dirk Nieuw,,Baker,,,,Open Coffee,\n"
        "bert jansen,Jansen BV,,,,,,\n",
    )
    first = import_members(session=session, path=file, today=TODAY)
    before = snapshot(engine)
    second = import_members(session=session, path=file, today=TODAY)
    exported = tmp_path / "out.csv"
    export_members(session=session, path=exported)
    third = import_members(session=session, path=exported, today=TODAY)

    assert (first.added, first.updated, first.unchanged, first.memberships_added) == (1, 2, 0, 2)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
    assert (third.added, third.updated, third.unchanged) == (0, 0, 4)
    assert snapshot(engine) == before
    assert rows_of(exported) == [
        {
            "name": "Anna de Vries",
            "company": "De Vries Dak",
            "category": "Roofer",
            "email": "anna@example.nl",
            "phone": "'+31 6 1",  # guarded: a spreadsheet reads a leading + as a formula
            "active": "true",
            "networks": "BNI Zuid; Open Coffee",
            "organiser_of": "Open Coffee",
        },
        {
            "name": "Bert Jansen",
            "company": "Jansen BV",
            "category": "",
            "email": "",
            "phone": "",
            "active": "true",
            "networks": "BNI Zuid",
            "organiser_of": "",
        },
        {
            "name": "Carla Smit",
            "company": "",
            "category": "",
            "email": "",
            "phone": "",
            "active": "false",
            "networks": "BNI Zuid",
            "organiser_of": "",
        },
        {
            "name": "Dirk Nieuw",
            "company": "",
            "category": "Baker",
            "email": "",
            "phone": "",
            "active": "true",
            "networks": "Open Coffee",
            "organiser_of": "",
        },
    ]


def test_members_import_rejoins_and_never_removes(
    session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    bert = club["Bert Jansen"]
    leave_network(session=session, member_id=bert, network_id=club["network"])
    file = write(tmp_path / "m.csv", "name,networks\nBert Jansen,BNI Zuid\nAnna de Vries,\n")
    result = import_members(session=session, path=file, today=TODAY)
    assert (result.updated, result.unchanged) == (1, 1)
    assert [m.name for m in list_members(session=session, network_id=club["network"])] == [
        "Anna de Vries",
        "Bert Jansen",
        "Carla Smit",
    ]


def test_bad_member_rows_are_all_reported(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    file = write(
        tmp_path / "m.csv",
        "name,email,active,networks\n"
        "Eva,eva-at-example,,\n"
        "Frank,,maybe,\n"
        "Gijs,,,Nowhere\n"
        "anna de vries,,,\n"
        "Anna de Vries,,,\n"
        ",,,\n"
        " ,x@y.z,,\n",
    )
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as caught:
        import_members(session=session, path=file, today=TODAY)
    assert caught.value.problems == [
        "line 2: The email 'eva-at-example' is not an email address.",
        "line 3: The active 'maybe' is not true or false.",
        "line 4: No network is named 'Nowhere' (in networks); "
        'add it first with: reciprocity network add "Nowhere".',
        "line 6: Anna de Vries is also on line 5; list each member once.",
        "line 8: The member name must not be empty.",
    ]
    assert snapshot(engine) == before


# --- The whole ledger --------------------------------------------------------------------------


def build_rich_ledger(session: Session) -> None:
    """Every table and every kind of row the ledger functions can write."""
    club = add_network(session=session, name="BNI Zuid", weights={"referral": 5, "help": 2})
    coffee = add_network(session=session, name="Open Coffee Delft", kind="open coffee", sla_days=3)
    gone = add_network(session=session, name="Old Circle")
    anna = add_member(
        session=session,
        name="Anna de Vries",
        company="De Vries Dak",
        category="Roofer",
        email="anna@example.nl",
        phone="+31 6 1234 5678",
        network_ids=ids(club, coffee),
        role="organiser",
        joined_on=date(2024, 1, 1),
    )
    bert = add_member(
        session=session, name="Bert Jansen", network_ids=ids(club, gone), joined_on=date(2024, 2, 1)
    )
    carla = add_member(
        session=session,
        name="Carla Smit",
        network_ids=ids(club, coffee),
        joined_on=date(2024, 3, 1),
    )
    dirk = add_member(
        session=session, name="Dirk Bakker", network_ids=ids(coffee), joined_on=date(2024, 4, 1)
    )
    a, b, c, d = ids(anna, bert, carla, dirk)
    edit_network(
        session=session, network_id=ids(club)[0], fee=1249.99, currency="GBP", meeting_hours=2.25
    )
    set_membership_costs(
        session=session, member_id=c, network_id=ids(club)[0], fee=999.5, meeting_hours=3
    )
    set_membership_costs(
        session=session,
        member_id=d,
        network_id=ids(coffee)[0],
        other_costs=3.8,
        spent_on=date(2025, 3, 6),
    )
    meeting = add_meeting(
        session=session, network_id=ids(club)[0], held_on=date(2025, 3, 4), title="Weekly"
    )
    add_meeting(session=session, network_id=ids(coffee)[0], held_on=date(2027, 1, 1))
    won = log_referral(
        session=session,
        giver_id=a,
        receiver_id=b,
        meeting_id=meeting.id,
        summary='New roof, "asap",\nsecond line',
        contact_name="Eva Visser",
        contact_details="eva@example.nl",
        referral_type="inside",
        hotness=4,
        estimated_value=1234.5,
        created_by=a,
    )
    assert won.id is not None
    acknowledge(session=session, exchange_id=won.id)
    record_followup(
        session=session, exchange_id=won.id, status="contacted", occurred_on=date(2025, 3, 5)
    )
    record_followup(
        session=session, exchange_id=won.id, status="meeting", occurred_on=date(2025, 3, 10)
    )
    record_followup(
        session=session,
        exchange_id=won.id,
        status="won",
        occurred_on=date(2025, 4, 1),
        value=1500.75,
        business="new",
        note="Signed",
    )
    give_feedback(session=session, exchange_id=won.id, rating=5, comment="Fast and kind")
    lost = log_referral(
        session=session,
        giver_id=b,
        receiver_id=c,
        network_id=ids(club)[0],
        occurred_on=date(2025, 5, 1),
    )
    assert lost.id is not None
    record_followup(
        session=session, exchange_id=lost.id, status="lost", occurred_on=date(2025, 5, 9)
    )
    ask = add_request(
        session=session, table=Ask, member_id=c, topic="GDPR advice", network_id=ids(club)[0]
    )
    log_help(
        session=session,
        giver_id=a,
        receiver_id=c,
        answers_ask_id=ask.id,
        occurred_on=date(2025, 6, 1),
    )
    add_request(
        session=session, table=Offer, member_id=b, topic="Bookkeeping tips", details="Free hour"
    )
    log_introduction(
        session=session,
        introducer_id=c,
        member_id=a,
        with_member_id=b,
        network_id=ids(club)[0],
        occurred_on=date(2025, 6, 2),
        summary="Both in building",
    )
    log_introduction(
        session=session,
        introducer_id=c,
        member_id=d,
        with_contact="Fenna (notary)",
        occurred_on=date(2025, 6, 3),
    )
    log_one_to_one(
        session=session, member_a_id=a, member_b_id=d, held_on=date(2025, 7, 1), note="Coffee"
    )
    log_one_to_one(session=session, member_a_id=b, member_b_id=c, held_on=date(2025, 7, 2))
    add_bni_records(
        session, club=ids(club)[0], meeting=meeting.id, anna=a, bert=b, scored=ids(gone)[0]
    )
    wrong = log_help(session=session, giver_id=d, receiver_id=a, occurred_on=date(2025, 7, 3))
    assert wrong.id is not None
    void_exchange(session=session, exchange_id=wrong.id, reason="Logged twice")
    leave_network(session=session, member_id=d, network_id=ids(coffee)[0], left_on=date(2025, 8, 1))
    deactivate_member(session=session, member_id=d)
    deactivate_network(session=session, network_id=ids(gone)[0])


def add_bni_records(
    session: Session, *, club: int, meeting: int | None, anna: int, bert: int, scored: int
) -> None:
    """Attendance, a visitor, CEUs, a chapter's own scoring, and a BNI Connect week with a
    TYFCB and a slip with another chapter, plus BNI's PALMS for it."""
    from tempfile import TemporaryDirectory

    from reciprocity.ledger.attendance import record_attendance
    from reciprocity.ledger.ceus import add_ceu
    from reciprocity.ledger.scoring import set_traffic_lights
    from reciprocity.ledger.transfer.bni_palms import import_bni_palms
    from reciprocity.ledger.transfer.bni_slips import import_bni_slips
    from reciprocity.ledger.visitors import add_visitor
    from tests.bni.files import PALMS_HEADER, SLIP_HEADER, write_xls

    assert meeting is not None
    record_attendance(session=session, meeting_id=meeting, member_id=anna, status="present")
    record_attendance(session=session, meeting_id=meeting, member_id=bert, status="late")
    add_visitor(
        session=session, name="Vera Visitor", meeting_id=meeting, invited_by=bert, company="VV"
    )
    add_ceu(
        session=session, member_id=anna, credits=1.5, network_id=club, earned_on=date(2025, 3, 6)
    )
    set_traffic_lights(
        session=session,
        network_id=scored,
        text="months = 3\n[bands]\ngreen = 10\nyellow = 5\nred = 1\n[points]\n"
        "referrals_per_week = [[0.5, 10]]\n",
    )
    week = [
        SLIP_HEADER,
        ["Bert Jansen", "Anna de Vries", "Referral", "Tier 2 (outside)", "", "", ""],
        ["Anna de Vries", "Bert Jansen", "TYFCB", "", "300.00", "", ""],
        ["", "Anna de Vries", "TYFCB", "", "40.00", "", ""],
        ["Anna de Vries", "Olga Other", "One-to-One", "", "", "", "BNI Far, Oslo, Norway"],
        [
            "Olga Other",
            "Bert Jansen",
            "Referral",
            "Tier 1 (inside)",
            "",
            "",
            "BNI Far, Oslo, Norway",
        ],
        ["Bert Jansen", "", "CEU", "", "", "1", ""],
        ["Anna de Vries", "", "Visitor", "", "", "", ""],
    ]
    palms = [PALMS_HEADER, ["Anna de", "Vries", "1", "0", "0", "0", "0", "0", "0", "0", "1"]]
    with TemporaryDirectory() as folder:
        slips = write_xls(Path(folder) / "slips.xls", week)
        summary = write_xls(Path(folder) / "palms.xls", palms)
        for path in (slips,):
            import_bni_slips(
                session=session,
                paths=[path],
                network_id=club,
                start=date(2025, 3, 3),
                end=date(2025, 3, 9),
                create_members=True,
            )
        import_bni_palms(
            session=session,
            path=summary,
            network_id=club,
            start=date(2025, 3, 3),
            end=date(2025, 3, 9),
        )


@pytest.fixture
def empty_again(db_url: str, tmp_path: Path) -> Callable[[Engine], Engine]:
    """Replace a database by an empty one of the same kind (a new SQLite file, or a reset
    PostgreSQL schema), so a dump can be loaded back and compared."""

    def recreate(old: Engine) -> Engine:
        old.dispose()
        if db_url.startswith("sqlite"):
            return make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        assert PG_URL is not None
        reset_postgres(PG_URL)
        return make_engine(PG_URL)

    return recreate


@pytest.fixture
def rich(engine: Engine, session: Session, tmp_path: Path) -> Iterator[Path]:
    """A rich ledger dumped to a folder, the session closed."""
    build_rich_ledger(session)
    export_all(session=session, directory=tmp_path / "dump")
    session.close()
    yield tmp_path / "dump"


def test_export_all_then_import_all_into_an_empty_database_is_identical(
    engine: Engine, rich: Path, empty_again: Callable[[Engine], Engine]
) -> None:
    original = snapshot(engine)
    target = empty_again(engine)
    with Session(target) as session:
        result = import_all(session=session, directory=rich)
        assert snapshot(target) == original
        assert result.tables["exchange"] == len(original["exchange"]) == 9
        assert all(rows for name, rows in original.items())
        # The sequences moved past the imported ids: the next log gets a fresh id.
        added = log_help(session=session, giver_id=1, receiver_id=2, occurred_on=date(2025, 9, 1))
        assert added.id == max(row[0] for row in original["exchange"]) + 1
    target.dispose()


def test_import_all_refuses_a_database_that_holds_data(engine: Engine, rich: Path) -> None:
    before = snapshot(engine)
    with Session(engine) as session, pytest.raises(LedgerError) as caught:
        import_all(session=session, directory=rich)
    assert caught.value.message == (
        "The database already holds data (network is not empty); import all loads a whole "
        "ledger into an empty database only, so point --db at a new one."
    )
    assert snapshot(engine) == before


def edit_cell(path: Path, row_id: str, column: str, value: str) -> None:
    rows = rows_of(path)
    next(r for r in rows if r["id"] == row_id)[column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_import_all_reports_bad_rows_in_every_file_and_writes_nothing(
    engine: Engine, rich: Path, empty_again: Callable[[Engine], Engine]
) -> None:
    edit_cell(rich / "network.csv", "3", "sla_days", "400")
    edit_cell(rich / "other_cost.csv", "1", "amount", "-2")
    edit_cell(rich / "meeting.csv", "2", "held_on", "2027-13-01")
    edit_cell(rich / "exchange.csv", "6", "receiver_id", "3")  # Carla to herself
    edit_cell(rich / "followup.csv", "2", "occurred_on", "2025-03-01")
    edit_cell(rich / "feedback.csv", "1", "rating", "9")
    target = empty_again(engine)
    with Session(target) as session, pytest.raises(ImportRejected) as caught:
        import_all(session=session, directory=rich)
    assert caught.value.problems == [
        "network.csv line 4: The follow-up SLA must be from 0 to 365 days, not 400.",
        # Bert's membership of that network now points at a network the file lacks.
        "membership.csv line 5: There is no network #3 in network.csv.",
        "other_cost.csv line 2: The other costs must be zero or more, not -2.",
        "meeting.csv line 3: The held_on '2027-13-01' is not a date; use YYYY-MM-DD or 'today'.",
        # Line 8, not 7: the first exchange's summary spans two lines.
        "exchange.csv line 8: Carla Smit cannot give to themselves; "
        "giver and receiver must differ.",
        "followup.csv line 3: The step date 2025-03-01 is before the referral's date 2025-03-04.",
        "feedback.csv line 2: The rating must be from 1 to 5, not 9.",
    ]
    assert (
        caught.value.summary == "dump has 7 bad rows; nothing was imported. Fix and import again."
    )
    assert all(not rows for rows in snapshot(target).values())
    target.dispose()


def test_imported_members_can_log_the_past_and_rows_respect_membership_dates(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    add_network(session=session, name="Chamber")
    roster = write(tmp_path / "roster.csv", "name,networks\nPiet Kok,Chamber\nJoke Smit,Chamber\n")
    import_members(session=session, path=roster)
    piet = list_members(session=session)[1]
    assert piet.name == "Piet Kok"
    made = log_referral(
        session=session,
        giver_id=piet.id,  # type: ignore[arg-type]
        receiver_id=list_members(session=session)[0].id,  # type: ignore[arg-type]
        occurred_on=date(2026, 1, 5),
    )
    assert made.network_id is not None

    from reciprocity.ledger.networks import join_network

    join_network(
        session=session,
        member_id=piet.id,  # type: ignore[arg-type]
        network_id=made.network_id,
        joined_on=date(2026, 1, 5),
    )
    before = snapshot(engine)
    early = write(
        tmp_path / "early.csv",
        "kind,giver,receiver,network,occurred_on\nhelp,Piet Kok,Joke Smit,Chamber,2025-12-31\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_exchanges(session=session, path=early, today=TODAY)
    assert rejected.value.problems == ["line 2: Piet Kok is not a member of Chamber on 2025-12-31."]
    assert snapshot(engine) == before


def test_introduction_groups_in_a_file_pair_exactly_two_halves(
    engine: Engine, session: Session, club: dict[str, int], tmp_path: Path
) -> None:
    before = snapshot(engine)
    header = "kind,giver,receiver,network,occurred_on,contact_name,introduction_group\n"
    rows = (
        "introduction,Anna de Vries,Bert Jansen,BNI Zuid,2026-01-02,,g1\n"
        "introduction,Anna de Vries,Carla Smit,BNI Zuid,2026-01-02,,g1\n"
        "introduction,Bert Jansen,Carla Smit,BNI Zuid,2026-01-02,,g1\n"
        "introduction,Anna de Vries,Bert Jansen,BNI Zuid,2026-01-03,,\n"
        "introduction,Bert Jansen,Anna de Vries,BNI Zuid,2026-01-04,,g2\n"
        "introduction,Carla Smit,Anna de Vries,BNI Zuid,2026-01-05,,g2\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_exchanges(
            session=session, path=write(tmp_path / "i.csv", header + rows), today=TODAY
        )
    assert rejected.value.problems == [
        "line 5: An introduction names an outside contact (contact_name) or pairs two members "
        "(introduction_group).",
        "line 2: the introduction group 'g1' has 3 exchanges; a group pairs exactly two.",
        "line 6: the two halves of introduction group 'g2' differ in introducer, network or date.",
    ]
    assert snapshot(engine) == before
