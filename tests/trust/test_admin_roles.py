"""Administration roles, joining dates and who reads an outside contact.

Networks, meetings and memberships are an organiser's to run; a member's details are
theirs or an organiser's of a network they are in; an outside contact is read only by the
exchange's giver, its receiver, the organisers of its network and the local owner
(``acting_id`` ``None``, the command line without ``--as``). The ledger decides, so these
tests call it directly, then the command line. A refusal is one sentence naming who may
act, and the database is unchanged.
"""

import json
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reciprocity.ledger.exchanges import hide_contact, iter_exchanges, log_referral
from reciprocity.ledger.members import add_member, deactivate_member, edit_member
from reciprocity.ledger.networks import (
    add_meeting,
    add_network,
    deactivate_network,
    edit_meeting,
    edit_network,
    get_network,
    join_network,
    leave_network,
)
from reciprocity.ledger.roles import require_organiser, require_self_or_organiser
from reciprocity.ledger.views import exchange_page
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Member, Membership, Role
from tests.conftest import refuses, snapshot
from tests.unit.chapter import TODAY, Chapter, build_chapter

Run = Callable[..., Any]


@pytest.fixture
def chapter(session: Session) -> Chapter:
    return build_chapter(session)


def _membership(session: Session, member_id: int, network_id: int) -> Membership:
    found = session.exec(
        select(Membership).where(
            Membership.member_id == member_id, Membership.network_id == network_id
        )
    ).one()
    session.refresh(found)
    return found


# --- networks -----------------------------------------------------------------------------


def test_only_an_organiser_changes_or_deactivates_a_network(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    for who in (chapter.bob, chapter.carla):
        refuses(
            engine,
            "Only an organiser of Club Delft may change Club Delft.",
            partial(
                edit_network,
                session=session,
                network_id=chapter.club,
                weights={"referral": 9},
                acting_id=who,
            ),
        )
        refuses(
            engine,
            "Only an organiser of Club Delft may deactivate Club Delft.",
            partial(deactivate_network, session=session, network_id=chapter.club, acting_id=who),
        )
    refuses(  # organising one network gives no rights in another
        engine,
        "Only an organiser of Open Coffee may change Open Coffee.",
        lambda: edit_network(
            session=session, network_id=chapter.coffee, sla_days=1, acting_id=chapter.anna
        ),
    )
    edit_network(session=session, network_id=chapter.club, sla_days=4, acting_id=chapter.anna)
    edit_network(session=session, network_id=chapter.coffee, sla_days=3)  # the owner
    assert get_network(session=session, network_id=chapter.club).sla_days == 4
    deactivate_network(session=session, network_id=chapter.club, acting_id=chapter.anna)
    assert not get_network(session=session, network_id=chapter.club).active


def test_only_the_owner_adds_a_network(engine: Engine, session: Session, chapter: Chapter) -> None:
    for who in (chapter.bob, chapter.anna):
        refuses(
            engine,
            "Only the ledger's owner may add a network; ask them to add it and make you its "
            "organiser.",
            partial(add_network, session=session, name="Chamber", acting_id=who),
        )
    refuses(
        engine,
        "There is no member #999.",
        lambda: add_network(session=session, name="Chamber", acting_id=999),
    )
    assert add_network(session=session, name="Chamber").id is not None


def test_only_an_organiser_plans_and_changes_meetings(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only an organiser of Club Delft may add a meeting of Club Delft.",
        lambda: add_meeting(
            session=session, network_id=chapter.club, held_on=TODAY, acting_id=chapter.bob
        ),
    )
    refuses(
        engine,
        "Only an organiser of Open Coffee may add a meeting of Open Coffee.",
        lambda: add_meeting(
            session=session, network_id=chapter.coffee, held_on=TODAY, acting_id=chapter.anna
        ),
    )
    meeting = add_meeting(
        session=session, network_id=chapter.club, held_on=TODAY, acting_id=chapter.anna
    )
    assert meeting.id is not None
    refuses(
        engine,
        f"Only an organiser of Club Delft may change meeting #{meeting.id} of Club Delft.",
        lambda: edit_meeting(
            session=session, meeting_id=meeting.id or 0, title="Mine", acting_id=chapter.dirk
        ),
    )
    changed = edit_meeting(
        session=session, meeting_id=meeting.id, title="Week 48", acting_id=chapter.anna
    )
    assert changed.title == "Week 48"


# --- memberships ----------------------------------------------------------------------------


def test_only_an_organiser_decides_who_is_in_a_network(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(  # a plain member cannot bring anyone in, themself included
        engine,
        "Only an organiser of Open Coffee may add members to Open Coffee or change their role "
        "there.",
        lambda: join_network(
            session=session,
            member_id=chapter.dirk,
            network_id=chapter.coffee,
            acting_id=chapter.bob,
        ),
    )
    refuses(
        engine,
        "Only an organiser of Open Coffee may add members to Open Coffee",
        lambda: join_network(
            session=session,
            member_id=chapter.carla,
            network_id=chapter.coffee,
            acting_id=chapter.anna,
        ),
    )
    refuses(  # nor promote themself
        engine,
        "Only an organiser of Club Delft may add members to Club Delft or change their role",
        lambda: join_network(
            session=session,
            member_id=chapter.bob,
            network_id=chapter.club,
            role=Role.ORGANISER,
            acting_id=chapter.bob,
        ),
    )
    join_network(
        session=session,
        member_id=chapter.eva,
        network_id=chapter.club,
        acting_id=chapter.anna,
        today=TODAY,
    )
    refuses(
        engine,
        "Only Carla Smit or an organiser of Club Delft may record that they left Club Delft.",
        lambda: leave_network(
            session=session, member_id=chapter.carla, network_id=chapter.club, acting_id=chapter.bob
        ),
    )
    leave_network(
        session=session,
        member_id=chapter.carla,
        network_id=chapter.club,
        left_on=TODAY,
        acting_id=chapter.carla,
    )
    leave_network(
        session=session,
        member_id=chapter.dirk,
        network_id=chapter.club,
        left_on=TODAY,
        acting_id=chapter.anna,
    )


def test_an_organiser_adds_members_only_to_networks_they_organise(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only an organiser of Club Delft may add members to Club Delft.",
        lambda: add_member(
            session=session, name="Xander", network_ids=[chapter.club], acting_id=chapter.bob
        ),
    )
    refuses(
        engine,
        "Only an organiser of Open Coffee may add members to Open Coffee.",
        lambda: add_member(
            session=session,
            name="Xander",
            network_ids=[chapter.club, chapter.coffee],
            acting_id=chapter.anna,
        ),
    )
    refuses(
        engine,
        "Only the ledger's owner may add a member outside any network; name a network you "
        "organise.",
        lambda: add_member(session=session, name="Xander", acting_id=chapter.anna),
    )
    added = add_member(
        session=session,
        name="Xander",
        network_ids=[chapter.club],
        acting_id=chapter.anna,
        today=TODAY,
    )
    assert added.id is not None
    assert _membership(session, added.id, chapter.club).role == Role.MEMBER
    assert add_member(session=session, name="Yara").id is not None  # the owner, no network


# --- a member's details ---------------------------------------------------------------------


def test_a_member_edits_themself_and_an_organiser_their_members(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Carla Smit or an organiser of Club Delft may change Carla Smit's details.",
        lambda: edit_member(
            session=session, member_id=chapter.carla, phone="123", acting_id=chapter.bob
        ),
    )
    refuses(  # Eva is only in Open Coffee, which Anna does not organise
        engine,
        "Only Eva Visser or an organiser of Open Coffee may change Eva Visser's details.",
        lambda: edit_member(
            session=session, member_id=chapter.eva, phone="123", acting_id=chapter.anna
        ),
    )
    edit_member(session=session, member_id=chapter.bob, phone="+31 6 1", acting_id=chapter.bob)
    edit_member(session=session, member_id=chapter.bob, company="Web", acting_id=chapter.anna)
    bob = session.get(Member, chapter.bob)
    assert bob is not None and (bob.phone, bob.company) == ("+31 6 1", "Web")


def test_deactivating_takes_the_member_or_an_organiser_of_every_network_they_are_in(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Carla Smit or an organiser of every network they are in (Club Delft) may "
        "deactivate Carla Smit.",
        lambda: deactivate_member(session=session, member_id=chapter.carla, acting_id=chapter.dirk),
    )
    refuses(  # Bob is in Open Coffee too: Anna makes him leave Club Delft instead
        engine,
        "Only Bob Jansen or an organiser of every network they are in (Club Delft, Open Coffee) "
        "may deactivate Bob Jansen.",
        lambda: deactivate_member(session=session, member_id=chapter.bob, acting_id=chapter.anna),
    )
    deactivate_member(session=session, member_id=chapter.carla, acting_id=chapter.anna)
    deactivate_member(session=session, member_id=chapter.dirk, acting_id=chapter.dirk)
    refuses(  # a deactivated member does not undo it alone
        engine,
        "Only an organiser of every network they are in (Club Delft) may reactivate Dirk Bakker.",
        lambda: edit_member(
            session=session, member_id=chapter.dirk, active=True, acting_id=chapter.dirk
        ),
    )
    edit_member(session=session, member_id=chapter.dirk, active=True, acting_id=chapter.anna)
    dirk = session.get(Member, chapter.dirk)
    assert dirk is not None and dirk.active


# --- joining dates ---------------------------------------------------------------------------


def test_a_member_added_without_a_date_counts_from_the_start_and_a_rejoining_from_today(
    session: Session, chapter: Chapter
) -> None:
    # Setting up an existing group: no joining date, so its history can be logged.
    added = add_member(session=session, name="Xander", network_ids=[chapter.club], today=TODAY)
    assert added.id is not None
    assert _membership(session, added.id, chapter.club).joined_on is None
    made = log_referral(
        session=session, giver_id=added.id, receiver_id=chapter.bob, occurred_on=date(2026, 1, 6)
    )
    assert made.network_id == chapter.club
    join_network(session=session, member_id=added.id, network_id=chapter.coffee, today=TODAY)
    assert _membership(session, added.id, chapter.coffee).joined_on is None
    # A current member keeps their date and role when only something else changes.
    join_network(session=session, member_id=chapter.anna, network_id=chapter.club, today=TODAY)
    anna = _membership(session, chapter.anna, chapter.club)
    assert (anna.joined_on, anna.role) == (date(2026, 1, 1), Role.ORGANISER)
    # A rejoining starts a new stint today; an explicit date wins.
    leave_network(session=session, member_id=added.id, network_id=chapter.coffee)
    join_network(session=session, member_id=added.id, network_id=chapter.coffee, today=TODAY)
    assert _membership(session, added.id, chapter.coffee).joined_on == TODAY
    early = add_member(
        session=session, name="Yara", network_ids=[chapter.club], joined_on=date(2025, 5, 1)
    )
    assert early.id is not None
    assert _membership(session, early.id, chapter.club).joined_on == date(2025, 5, 1)


def test_a_past_exchange_of_a_member_added_today_names_their_joining_date(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    today = date.today()  # the hint is for members who joined today, by the clock
    added = add_member(session=session, name="Xander", network_ids=[chapter.club], joined_on=today)
    assert added.id is not None
    last_month = today - timedelta(days=30)
    refuses(
        engine,
        f"Xander is not a member of Club Delft on {last_month}: they joined today; if they "
        "joined earlier, give their joining date first.",
        lambda: log_referral(
            session=session,
            giver_id=added.id or 0,
            receiver_id=chapter.bob,
            occurred_on=last_month,
        ),
    )
    join_network(session=session, member_id=added.id, network_id=chapter.club, joined_on=last_month)
    made = log_referral(
        session=session, giver_id=added.id, receiver_id=chapter.bob, occurred_on=last_month
    )
    assert made.network_id == chapter.club


def test_a_future_joining_date_is_refused(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "The joining date 2026-11-27 is in the future",
        lambda: add_member(
            session=session, name="Xander", joined_on=date(2026, 11, 27), today=TODAY
        ),
    )


# --- outside contacts -----------------------------------------------------------------------


def _contact_referral(session: Session, chapter: Chapter) -> int:
    made = log_referral(
        session=session,
        giver_id=chapter.bob,
        receiver_id=chapter.carla,
        network_id=chapter.club,
        contact_name="Cato Schellekens",
        contact_details="+31 6 5555 0101",
        today=TODAY,
    )
    assert made.id is not None
    return made.id


def test_only_the_parties_and_organisers_read_an_outside_contact(
    session: Session, chapter: Chapter
) -> None:
    referral = _contact_referral(session, chapter)
    plain = log_referral(
        session=session, giver_id=chapter.dirk, receiver_id=chapter.bob, today=TODAY
    )
    contact = ("Cato Schellekens", "+31 6 5555 0101", False)
    blank = (None, None, True)
    expected = {
        None: contact,
        chapter.bob: contact,
        chapter.carla: contact,
        chapter.anna: contact,
        chapter.dirk: blank,  # same network, not a party
        chapter.eva: blank,  # another network
    }
    for who, seen in expected.items():
        rows = {row["id"]: row for row in iter_exchanges(session=session, acting_id=who)}
        row = rows[referral]
        assert (row["contact_name"], row["contact_details"], row["contact_hidden"]) == seen, who
        assert rows[plain.id]["contact_hidden"] is False  # nothing to hide
        (owner_row,) = iter_exchanges(session=session, exchange_id=referral)
        shown = hide_contact(session=session, exchange=owner_row, acting_id=who)
        assert (shown["contact_name"], shown["contact_details"], shown["contact_hidden"]) == seen
        assert shown["summary"] == owner_row["summary"]
        # The TUI's exchange pages show the same, and a hidden contact is not searchable.
        page = {row["id"]: row for row in exchange_page(session=session, acting_id=who)}
        assert (page[referral]["contact_name"], page[referral]["contact_hidden"]) == seen[::2]
        found = [row["id"] for row in exchange_page(session=session, acting_id=who, text="cato")]
        assert found == ([] if seen == blank else [referral]), who


# --- the report commands' checks --------------------------------------------------------------


def test_require_organiser_for_one_network_or_all(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    require_organiser(session=session, acting_id=None, network_id=None)
    require_organiser(session=session, acting_id=None, network_id=chapter.coffee)
    require_organiser(session=session, acting_id=chapter.anna, network_id=chapter.club)
    refuses(
        engine,
        "Only an organiser of Open Coffee may see its report.",
        lambda: require_organiser(
            session=session, acting_id=chapter.anna, network_id=chapter.coffee
        ),
    )
    refuses(
        engine,
        "Only an organiser of Club Delft may see its report.",
        lambda: require_organiser(session=session, acting_id=chapter.bob, network_id=chapter.club),
    )
    all_networks = (
        "Only an organiser of every network may see the report of all networks; "
        "choose a network you organise."
    )
    refuses(
        engine,
        all_networks,
        lambda: require_organiser(session=session, acting_id=chapter.anna, network_id=None),
    )
    refuses(
        engine,
        "There is no network #99.",
        lambda: require_organiser(session=session, acting_id=chapter.anna, network_id=99),
    )
    join_network(
        session=session,
        member_id=chapter.anna,
        network_id=chapter.coffee,
        role=Role.ORGANISER,
        today=TODAY,
    )
    require_organiser(session=session, acting_id=chapter.anna, network_id=None)
    leave_network(session=session, member_id=chapter.anna, network_id=chapter.club, left_on=TODAY)
    refuses(
        engine,
        all_networks,
        lambda: require_organiser(session=session, acting_id=chapter.anna, network_id=None),
    )


def test_require_self_or_organiser_for_a_members_review(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    require_self_or_organiser(session=session, acting_id=chapter.bob, member_id=chapter.bob)
    require_self_or_organiser(session=session, acting_id=chapter.anna, member_id=chapter.bob)
    require_self_or_organiser(session=session, acting_id=None, member_id=chapter.eva)
    refuses(
        engine,
        "Only Eva Visser or an organiser of Open Coffee may see their review.",
        lambda: require_self_or_organiser(
            session=session, acting_id=chapter.anna, member_id=chapter.eva
        ),
    )
    refuses(
        engine,
        "Only Bob Jansen or an organiser of Club Delft or Open Coffee may see their review.",
        lambda: require_self_or_organiser(
            session=session, acting_id=chapter.dirk, member_id=chapter.bob
        ),
    )
    loner = add_member(session=session, name="Xander")
    refuses(
        engine,
        "Only Xander or the ledger's owner may see their review.",
        lambda: require_self_or_organiser(
            session=session, acting_id=chapter.anna, member_id=loner.id or 0
        ),
    )
    refuses(
        engine,
        "There is no member #999.",
        lambda: require_self_or_organiser(session=session, acting_id=None, member_id=999),
    )


# --- the command line -----------------------------------------------------------------------


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.fixture
def clubs(run_cli: Run) -> None:
    """Club Delft (Anna organises; Bob, Carla) and Open Coffee (Eva organises; Bob, Frank).

    #1 is Bob → Carla in Club Delft with an outside contact; #1 is meeting 1 of Club Delft.
    """
    ok(run_cli, "network", "add", "Club Delft")
    ok(run_cli, "network", "add", "Open Coffee")
    ok(run_cli, "member", "add", "Anna de Vries", "--network", "Club", "--role", "organiser")
    ok(run_cli, "member", "add", "Eva Visser", "--network", "Open", "--role", "organiser")
    joined = ("--joined", "today")  # newcomers: they are not members of earlier days
    ok(run_cli, "member", "add", "Bob Jansen", "--network", "Club", "--network", "Open", *joined)
    ok(run_cli, "member", "add", "Carla Smit", "--network", "Club", *joined)
    ok(run_cli, "member", "add", "Frank Mulder", "--network", "Open")
    ok(run_cli, "meeting", "add", "Club", "--title", "Kick-off")
    ok(
        run_cli,
        "--as",
        "Bob",
        "log",
        "referral",
        "Bob",
        "Carla",
        "--network",
        "Club",
        "--contact",
        "Cato Schellekens",
        "--contact-details",
        "+31 6 5555 0101",
    )


ADMIN_REFUSALS = [
    (
        ["--as", "Bob", "network", "edit", "Club Delft", "--sla-days", "2"],
        "Only an organiser of Club Delft may change Club Delft.",
    ),
    (
        ["--as", "Bob", "network", "edit", "Club", "--weight", "referral=9"],
        "Only an organiser of Club Delft may change Club Delft.",
    ),
    (
        ["--as", "Bob", "network", "deactivate", "Club"],
        "Only an organiser of Club Delft may deactivate Club Delft.",
    ),
    (
        ["--as", "Anna", "network", "deactivate", "Open"],
        "Only an organiser of Open Coffee may deactivate Open Coffee.",
    ),
    (["--as", "Anna", "network", "add", "Chamber"], "Only the ledger's owner may add a network"),
    (
        ["--as", "Carla", "meeting", "add", "Open Coffee", "--title", "Mine"],
        "Only an organiser of Open Coffee may add a meeting of Open Coffee.",
    ),
    (
        ["--as", "Bob", "meeting", "edit", "1", "--title", "Mine"],
        "Only an organiser of Club Delft may change meeting #1 of Club Delft.",
    ),
    (
        ["--as", "Bob", "member", "add", "Xander", "--network", "Club"],
        "Only an organiser of Club Delft may add members to Club Delft.",
    ),
    (
        ["--as", "Anna", "member", "add", "Xander", "--network", "Open"],
        "Only an organiser of Open Coffee may add members to Open Coffee.",
    ),
    (
        ["--as", "Anna", "member", "join", "Carla", "Open Coffee"],
        "Only an organiser of Open Coffee may add members to Open Coffee",
    ),
    (
        ["--as", "Bob", "member", "join", "Bob", "Club", "--role", "organiser"],
        "Only an organiser of Club Delft may add members to Club Delft or change their role",
    ),
    (
        ["--as", "Bob", "member", "leave", "Carla", "Club"],
        "Only Carla Smit or an organiser of Club Delft may record that they left Club Delft.",
    ),
    (
        ["--as", "Bob", "member", "edit", "Carla", "--phone", "123"],
        "Only Carla Smit or an organiser of Club Delft may change Carla Smit's details.",
    ),
    (
        ["--as", "Anna", "member", "edit", "Frank", "--phone", "123"],
        "Only Frank Mulder or an organiser of Open Coffee may change Frank Mulder's details.",
    ),
    (
        ["--as", "Bob", "member", "deactivate", "Carla Smit"],
        "Only Carla Smit or an organiser of every network they are in (Club Delft) may "
        "deactivate Carla Smit.",
    ),
    (
        ["--as", "Anna", "member", "deactivate", "Bob Jansen"],
        "(Club Delft, Open Coffee) may deactivate Bob Jansen.",
    ),
    (
        ["--as", "Bob", "export", "exchanges", "out.csv"],
        "Only an organiser of every network may export outside contacts' details of all "
        "networks; add --for-sharing to leave them out.",
    ),
    (
        ["--as", "Eva", "export", "exchanges", "out.csv", "--network", "Club"],
        "Only an organiser of Club Delft may export its outside contacts' details; add "
        "--for-sharing to leave them out.",
    ),
    (
        ["--as", "Anna", "export", "all", "out"],
        "Only an organiser of every network may export the whole ledger.",
    ),
    (
        ["--as", "Bob", "export", "members", "out.csv"],
        "Only an organiser of every network may export every member's details.",
    ),
    (
        ["member", "add", "Xander", "--network", "Club", "--joined", "2999-01-01"],
        "The joining date 2999-01-01 is in the future",
    ),
    (
        ["member", "add", "Xander", "--network", "Club", "--joined", "soon"],
        "The joining date 'soon' is not a date",
    ),
    (
        ["log", "referral", "Bob", "Carla", "--network", "Club", "--date", "2020-01-01"],
        "Bob Jansen is not a member of Club Delft on 2020-01-01: they joined today; if they "
        "joined earlier, give their joining date first.",
    ),
    (
        ["log", "referral", "Carla", "Bob", "--date", "2020-01-02"],
        "Carla Smit is not a member of Club Delft on 2020-01-02: they joined today",
    ),
]


@pytest.mark.parametrize(("args", "sentence"), ADMIN_REFUSALS, ids=lambda v: " ".join(v)[:48])
def test_the_command_line_refuses_administration_by_others(
    run_cli: Run, db_url: str, clubs: None, args: list[str], sentence: str
) -> None:
    engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*args)
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ") and sentence in message
    assert "\n" not in message and message.endswith(".")
    assert after == before


def test_the_command_line_lets_organisers_and_members_administer_their_own(
    run_cli: Run, clubs: None
) -> None:
    ok(run_cli, "--as", "Anna", "network", "edit", "Club", "--sla-days", "4")
    ok(run_cli, "--as", "Anna", "meeting", "add", "Club", "--title", "Week 2")
    ok(run_cli, "--as", "Anna", "meeting", "edit", "1", "--title", "Week 1")
    ok(run_cli, "--as", "Anna", "member", "add", "Xander", "--network", "Club")
    ok(run_cli, "--as", "Eva", "member", "join", "Carla", "Open Coffee")
    ok(run_cli, "--as", "Carla", "member", "edit", "Carla", "--phone", "+31 6 1")
    ok(run_cli, "--as", "Anna", "member", "edit", "Bob", "--company", "Jansen Web")
    ok(run_cli, "--as", "Eva", "member", "deactivate", "Frank Mulder")
    ok(run_cli, "--as", "Carla", "member", "leave", "Carla", "Open")
    ok(run_cli, "--as", "Anna", "member", "join", "Xander", "Club", "--role", "organiser")
    networks = {n["name"]: n for n in ok(run_cli, "network", "list", "--json")}
    assert networks["Club Delft"]["sla_days"] == 4
    members = {m["name"]: m for m in ok(run_cli, "member", "list", "--json")}
    assert members["Carla Smit"]["phone"] == "+31 6 1"
    assert members["Bob Jansen"]["company"] == "Jansen Web"
    assert members["Frank Mulder"]["active"] is False


def test_organisers_export_their_networks_contacts_and_members_export_for_sharing(
    run_cli: Run, clubs: None, tmp_path: Any
) -> None:
    mine = tmp_path / "club.csv"
    ok(run_cli, "--as", "Anna", "export", "exchanges", str(mine), "--network", "Club")
    assert "Cato Schellekens" in mine.read_text(encoding="utf-8")
    shared = tmp_path / "shared.csv"
    ok(run_cli, "--as", "Frank", "export", "exchanges", str(shared), "--for-sharing")
    text = shared.read_text(encoding="utf-8")
    assert "Bob Jansen" in text and "Cato Schellekens" not in text


def test_member_add_and_join_record_the_joining_day(run_cli: Run, engine: Engine) -> None:
    today = date.today()
    ok(run_cli, "network", "add", "Club")
    ok(run_cli, "member", "add", "Anna", "--network", "Club", "--joined", "today")
    ok(run_cli, "member", "add", "Bob", "--network", "Club", "--joined", "2025-02-03")
    ok(run_cli, "member", "add", "Carla")
    said = ok(run_cli, "member", "join", "Carla", "Club", "--joined", "today")
    assert said == f"Carla is now a member of Club since {today}.\n"
    assert ok(run_cli, "member", "join", "Bob", "Club", "--role", "organiser") == (
        "Bob is now an organiser of Club since 2025-02-03.\n"
    )
    ok(run_cli, "member", "add", "Dirk", "--network", "Club")
    assert ok(run_cli, "member", "join", "Dirk", "Club") == "Dirk is now a member of Club.\n"
    with Session(engine) as session:
        joined = {
            m.member_id: (m.joined_on, m.role) for m in session.exec(select(Membership)).all()
        }
    assert joined == {
        1: (today, Role.MEMBER),
        2: (date(2025, 2, 3), Role.ORGANISER),
        3: (today, Role.MEMBER),
        4: (None, Role.MEMBER),
    }
    # Last month lists Bob, who was there, and Dirk, whose joining date is unknown.
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    rows = ok(run_cli, "balance", "--network", "Club", "--month", last_month, "--json")
    assert sorted(row["member"] for row in rows) == ["Bob", "Dirk"]


def test_show_and_exchanges_hide_an_outside_contact_from_others(run_cli: Run, clubs: None) -> None:
    for who in ("Bob", "Carla", "Anna"):
        shown = ok(run_cli, "--as", who, "show", "1")
        assert "Contact: Cato Schellekens, +31 6 5555 0101" in shown
    assert "Cato" in ok(run_cli, "show", "1")  # the owner
    for who in ("Eva", "Frank"):
        shown = ok(run_cli, "--as", who, "show", "1")
        assert "Cato" not in shown and "5555" not in shown
        assert (
            "Contact: (only the giver, the receiver and the organisers of Club Delft see it)"
            in shown
        )
        story = ok(run_cli, "--as", who, "show", "1", "--json")
        assert (story["exchange"]["contact_name"], story["exchange"]["contact_hidden"]) == (
            None,
            True,
        )
        (listed,) = ok(run_cli, "--as", who, "exchanges", "--json")
        assert (listed["contact_name"], listed["contact_details"], listed["contact_hidden"]) == (
            None,
            None,
            True,
        )
    (listed,) = ok(run_cli, "exchanges", "--json")
    assert (listed["contact_name"], listed["contact_hidden"]) == ("Cato Schellekens", False)
