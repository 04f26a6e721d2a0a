"""Members, networks, memberships and meetings through the ledger."""

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import (
    add_member,
    deactivate_member,
    edit_member,
    list_members,
    resolve_member,
)
from reciprocity.ledger.networks import (
    add_meeting,
    add_network,
    deactivate_network,
    edit_network,
    join_network,
    leave_network,
    list_meetings,
    list_networks,
    resolve_network,
)
from reciprocity.store.models import Membership
from tests.conftest import snapshot
from tests.unit.chapter import build_chapter


def test_network_gets_default_weights_and_its_own_overrides(session: Session) -> None:
    chapter = build_chapter(session)
    networks = {n.name: n for n in list_networks(session=session)}
    assert networks["Club Delft"].weights == {"referral": 3, "introduction": 2, "help": 1}
    assert networks["Club Delft"].sla_days == 2
    assert networks["Open Coffee"].weights == {"referral": 3, "introduction": 2, "help": 2}
    assert networks["Open Coffee"].sla_days == 5
    changed = edit_network(session=session, network_id=chapter.club, weights={"referral": 5})
    assert changed.weights == {"referral": 5, "introduction": 2, "help": 1}


def test_members_are_listed_by_name_and_by_network(session: Session) -> None:
    chapter = build_chapter(session)
    everyone = [m.name for m in list_members(session=session)]
    assert everyone == sorted(everyone)
    assert len(everyone) == 6
    coffee = [m.name for m in list_members(session=session, network_id=chapter.coffee)]
    assert coffee == ["Bob Jansen", "Eva Visser", "Frank Mulder"]
    roles = {(m.member_id, m.network_id): m.role for m in session.exec(select(Membership))}
    assert roles[(chapter.anna, chapter.club)] == "organiser"
    assert roles[(chapter.bob, chapter.coffee)] == "member"


def test_exact_name_wins_over_prefix_then_unique_prefix(session: Session) -> None:
    build_chapter(session)
    add_member(session=session, name="Bob")
    assert resolve_member(session=session, name="bob").name == "Bob"
    assert resolve_member(session=session, name="bob j").name == "Bob Jansen"
    assert resolve_member(session=session, name="  EVA ").name == "Eva Visser"


def test_ambiguous_name_lists_the_candidates(session: Session) -> None:
    build_chapter(session)
    add_member(session=session, name="Anton Bakker")
    with pytest.raises(LedgerError) as error:
        resolve_member(session=session, name="an")
    assert str(error.value) == "'an' could be Anna de Vries, Anton Bakker; type more of the name."


def test_unknown_name_says_how_to_add_the_member(session: Session) -> None:
    build_chapter(session)
    with pytest.raises(LedgerError, match=r'No member is named .Zed.; .*member add "Zed"'):
        resolve_member(session=session, name="Zed")


def test_like_wildcards_in_a_name_are_literal(session: Session) -> None:
    build_chapter(session)
    with pytest.raises(LedgerError, match="No member"):
        resolve_member(session=session, name="%")
    with pytest.raises(LedgerError, match="No member"):
        resolve_member(session=session, name="_ob")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "anna DE vries"}, "A member named 'Anna de Vries' already exists"),
        ({"name": "   "}, "The member name must not be empty."),
        ({"name": "X" * 121}, "The member name is 121 characters long; the limit is 120."),
        ({"name": "New Person", "email": "not-an-email"}, "is not an email address"),
    ],
)
def test_bad_member_changes_nothing(
    engine: Engine, session: Session, kwargs: dict[str, str], message: str
) -> None:
    build_chapter(session)
    before = snapshot(engine)
    with pytest.raises(LedgerError, match=message):
        add_member(session=session, **kwargs)  # type: ignore[arg-type]
    assert snapshot(engine) == before


def test_edit_member_validates_everything_before_changing_anything(
    engine: Engine, session: Session
) -> None:
    chapter = build_chapter(session)
    before = snapshot(engine)
    with pytest.raises(LedgerError, match="not an email address"):
        edit_member(session=session, member_id=chapter.bob, name="Robert", email="nope")
    session.rollback()
    assert snapshot(engine) == before
    edited = edit_member(session=session, member_id=chapter.bob, name="Robert Jansen", phone="")
    assert edited.name == "Robert Jansen"
    assert resolve_member(session=session, name="rob").id == chapter.bob


def test_deactivate_keeps_the_member_and_refuses_twice(session: Session) -> None:
    chapter = build_chapter(session)
    deactivate_member(session=session, member_id=chapter.frank)
    assert resolve_member(session=session, name="Frank").active is False
    assert "Frank Mulder" in [m.name for m in list_members(session=session)]
    active = [m.name for m in list_members(session=session, include_inactive=False)]
    assert "Frank Mulder" not in active
    with pytest.raises(LedgerError, match="Frank Mulder is already deactivated."):
        deactivate_member(session=session, member_id=chapter.frank)


def test_membership_join_leave_and_role(session: Session) -> None:
    chapter = build_chapter(session)
    joined = join_network(
        session=session,
        member_id=chapter.eva,
        network_id=chapter.club,
        role="organiser",
        joined_on=date(2026, 3, 1),
    )
    assert joined.role == "organiser"
    left = leave_network(
        session=session, member_id=chapter.eva, network_id=chapter.club, left_on=date(2026, 6, 1)
    )
    assert left.left_on == date(2026, 6, 1)
    with pytest.raises(LedgerError, match="Eva Visser is not a current member of Club Delft."):
        leave_network(session=session, member_id=chapter.eva, network_id=chapter.club)
    rejoined = join_network(session=session, member_id=chapter.eva, network_id=chapter.club)
    assert rejoined.left_on is None
    with pytest.raises(LedgerError, match="leaving date 2026-02-01 is before the joining date"):
        leave_network(
            session=session,
            member_id=chapter.eva,
            network_id=chapter.club,
            left_on=date(2026, 2, 1),
        )
    with pytest.raises(LedgerError, match="is not one of: member, organiser"):
        join_network(session=session, member_id=chapter.eva, network_id=chapter.club, role="boss")


def test_network_names_resolve_and_clash(session: Session) -> None:
    build_chapter(session)
    assert resolve_network(session=session, name="club").name == "Club Delft"
    assert resolve_network(session=session, name="open").name == "Open Coffee"
    with pytest.raises(LedgerError, match="A network named 'Club Delft' already exists"):
        add_network(session=session, name="CLUB DELFT")
    with pytest.raises(LedgerError, match="No network is named 'Chamber'"):
        resolve_network(session=session, name="Chamber")
    with pytest.raises(LedgerError, match="The weight of referral must be from 0 to 100"):
        add_network(session=session, name="Chamber", weights={"referral": -1})
    with pytest.raises(LedgerError, match="'gift' is not one of: referral, help, introduction"):
        add_network(session=session, name="Chamber", weights={"gift": 1})
    with pytest.raises(LedgerError, match="SLA must be from 0 to 365 days, not -2"):
        add_network(session=session, name="Chamber", sla_days=-2)


def test_deactivated_network_is_kept_and_refused_twice(session: Session) -> None:
    chapter = build_chapter(session)
    deactivate_network(session=session, network_id=chapter.coffee)
    with pytest.raises(LedgerError, match="Open Coffee is already deactivated."):
        deactivate_network(session=session, network_id=chapter.coffee)


def test_meetings_are_listed_newest_first(session: Session) -> None:
    chapter = build_chapter(session)
    add_meeting(session=session, network_id=chapter.club, held_on=date(2026, 11, 5))
    add_meeting(
        session=session, network_id=chapter.club, held_on=date(2026, 11, 12), title="Week 46"
    )
    add_meeting(session=session, network_id=chapter.coffee, held_on=date(2026, 11, 1))
    club = list_meetings(session=session, network_id=chapter.club)
    assert [(m.held_on, m.title) for m in club] == [
        (date(2026, 11, 12), "Week 46"),
        (date(2026, 11, 5), None),
    ]
    assert len(list_meetings(session=session)) == 3


def test_names_match_beyond_ascii_and_in_either_unicode_form(session: Session) -> None:
    build_chapter(session)
    elodie = add_member(session=session, name="Élodie Martin")
    assert resolve_member(session=session, name="élodie martin").id == elodie.id
    assert resolve_member(session=session, name="ÉLO").id == elodie.id
    decomposed = "E\u0301lodie Martin"
    assert resolve_member(session=session, name=decomposed).id == elodie.id
    with pytest.raises(LedgerError, match="A member named 'Élodie Martin' already exists"):
        add_member(session=session, name=decomposed.lower())


def test_multi_line_text_keeps_its_lines_but_names_stay_on_one(session: Session) -> None:
    from reciprocity.ledger.rules import clean_text

    assert clean_text("first\r\nsecond\tthird", field="summary") == "first\nsecond\tthird"
    with pytest.raises(LedgerError, match="The member name contains the control character"):
        add_member(session=session, name="Two\nLines")


def test_deactivated_network_takes_no_members_or_meetings(session: Session) -> None:
    chapter = build_chapter(session)
    deactivate_network(session=session, network_id=chapter.coffee)
    with pytest.raises(LedgerError, match="Open Coffee is deactivated and takes no new members."):
        join_network(session=session, member_id=chapter.anna, network_id=chapter.coffee)
    with pytest.raises(LedgerError, match="Open Coffee is deactivated and holds no new meetings."):
        add_meeting(session=session, network_id=chapter.coffee, held_on=date(2026, 11, 1))


def test_joining_dates_are_not_in_the_future_and_can_be_corrected(session: Session) -> None:
    chapter = build_chapter(session)
    with pytest.raises(LedgerError, match="The joining date 2999-01-01 is in the future"):
        join_network(
            session=session,
            member_id=chapter.eva,
            network_id=chapter.club,
            joined_on=date(2999, 1, 1),
        )
    corrected = join_network(
        session=session, member_id=chapter.bob, network_id=chapter.club, joined_on=date(2026, 2, 2)
    )
    assert corrected.joined_on == date(2026, 2, 2)
    with pytest.raises(LedgerError, match="The role 'boss' is not one of: member, organiser."):
        add_member(session=session, name="Zoe", role="boss")


def test_a_typo_suggests_the_closest_names(session: Session) -> None:
    build_chapter(session)
    with pytest.raises(LedgerError) as error:
        resolve_member(session=session, name="Ana de Fries")
    assert str(error.value) == (
        "No member is named 'Ana de Fries' (did you mean Anna de Vries?); "
        'add them first with: reciprocity member add "Ana de Fries".'
    )
    with pytest.raises(LedgerError, match=r"did you mean Open Coffee\?"):
        resolve_network(session=session, name="Opem Cofee")


def test_leaving_and_joining_dates_must_cover_the_members_exchanges(session: Session) -> None:
    from reciprocity.ledger.exchanges import log_referral

    chapter = build_chapter(session)
    given = log_referral(
        session=session,
        giver_id=chapter.bob,
        receiver_id=chapter.anna,
        network_id=chapter.club,
        occurred_on=date(2026, 9, 1),
    )
    with pytest.raises(LedgerError, match="The leaving date 2999-01-01 is in the future"):
        leave_network(
            session=session,
            member_id=chapter.bob,
            network_id=chapter.club,
            left_on=date(2999, 1, 1),
        )
    with pytest.raises(LedgerError, match=f"#{given.id} on 2026-09-01 is later in this network"):
        leave_network(
            session=session,
            member_id=chapter.bob,
            network_id=chapter.club,
            left_on=date(2026, 3, 1),
        )
    with pytest.raises(LedgerError, match=f"#{given.id} on 2026-09-01 is earlier in this network"):
        join_network(
            session=session,
            member_id=chapter.bob,
            network_id=chapter.club,
            joined_on=date(2026, 10, 1),
        )
    left = leave_network(
        session=session, member_id=chapter.carla, network_id=chapter.club, left_on=date(2026, 6, 1)
    )
    assert left.left_on == date(2026, 6, 1)
    rejoined = join_network(
        session=session,
        member_id=chapter.carla,
        network_id=chapter.club,
        joined_on=date(2026, 10, 1),
    )
    assert (rejoined.joined_on, rejoined.left_on) == (date(2026, 10, 1), None)
    with pytest.raises(LedgerError, match="Carla Smit is not a member of Club Delft on 2026-08-01"):
        log_referral(
            session=session,
            giver_id=chapter.anna,
            receiver_id=chapter.carla,
            network_id=chapter.club,
            occurred_on=date(2026, 8, 1),
        )
