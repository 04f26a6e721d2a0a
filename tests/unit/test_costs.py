"""A member's own cost figures: set by themselves or an organiser, checked before writing."""

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.costs import membership_costs, set_membership_costs
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network, leave_network
from tests.conftest import refuses

DAY = date(2026, 3, 12)


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    club = add_network(session=session, name="Club Delft", fee=1250, meeting_hours=2.5)
    coffee = add_network(session=session, name="Open Coffee", kind="open coffee", fee=0)
    assert club.id is not None and coffee.id is not None
    made = {
        "club": club.id,
        "coffee": coffee.id,
        "anna": add_member(
            session=session, name="Anna", network_ids=[club.id], role="organiser"
        ).id,
        "bob": add_member(session=session, name="Bob", network_ids=[club.id, coffee.id]).id,
        "carla": add_member(session=session, name="Carla", network_ids=[club.id]).id,
        "eva": add_member(
            session=session, name="Eva", network_ids=[coffee.id], role="organiser"
        ).id,
    }
    return {key: int(value) for key, value in made.items() if value is not None}


def test_a_member_sets_their_own_fee_and_hours_over_the_networks(
    session: Session, ids: dict[str, int]
) -> None:
    before = membership_costs(session=session, member_id=ids["bob"], network_id=ids["club"])
    assert (before.fee, before.own_fee, before.meeting_hours, before.own_meeting_hours) == (
        1250.0,
        False,
        2.5,
        False,
    )
    figures = set_membership_costs(
        session=session,
        member_id=ids["bob"],
        network_id=ids["club"],
        fee=999.995,
        meeting_hours=3,
        acting_id=ids["bob"],
    )
    assert (figures.fee, figures.own_fee, figures.meeting_hours, figures.own_meeting_hours) == (
        1000.0,
        True,
        3.0,
        True,
    )
    back = set_membership_costs(
        session=session, member_id=ids["bob"], network_id=ids["club"], reset=True
    )
    assert (back.fee, back.own_fee, back.meeting_hours) == (1250.0, False, 2.5)


def test_a_days_other_costs_are_set_again_not_added(
    engine: Engine, session: Session, ids: dict[str, int]
) -> None:
    for amount in (12.5, 14.0):
        set_membership_costs(
            session=session,
            member_id=ids["bob"],
            network_id=ids["coffee"],
            other_costs=amount,
            spent_on=DAY,
        )
    figures = set_membership_costs(
        session=session,
        member_id=ids["bob"],
        network_id=ids["coffee"],
        other_costs=3.5,
        spent_on=DAY - timedelta(days=28),
    )
    assert figures.other_costs == ((DAY, 14.0), (DAY - timedelta(days=28), 3.5))
    assert figures.as_dict()["other_costs"] == [
        {"spent_on": "2026-03-12", "amount": 14.0},
        {"spent_on": "2026-02-12", "amount": 3.5},
    ]
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM other_cost")).scalar_one() == 2


def test_an_organiser_sets_costs_in_their_network_only(
    session: Session, ids: dict[str, int]
) -> None:
    set_membership_costs(
        session=session,
        member_id=ids["bob"],
        network_id=ids["club"],
        fee=800,
        acting_id=ids["anna"],
    )
    with pytest.raises(LedgerError) as refused:
        set_membership_costs(
            session=session,
            member_id=ids["bob"],
            network_id=ids["coffee"],
            fee=10,
            acting_id=ids["anna"],
        )
    assert refused.value.key == "role.member_costs"
    assert str(refused.value) == (
        "Only Bob or an organiser of Open Coffee may see or set Bob's costs in Open Coffee."
    )


def test_a_leaver_keeps_their_costs(session: Session, ids: dict[str, int]) -> None:
    leave_network(
        session=session, member_id=ids["carla"], network_id=ids["club"], left_on=date(2026, 4, 1)
    )
    figures = set_membership_costs(
        session=session,
        member_id=ids["carla"],
        network_id=ids["club"],
        other_costs=45,
        spent_on=date(2026, 3, 20),
    )
    assert figures.other_costs == ((date(2026, 3, 20), 45.0),)


BAD = [
    (
        "a negative fee",
        {"fee": -1.0},
        "The fee must be zero or more, not -1.",
    ),
    (
        "more than 24 hours a meeting",
        {"meeting_hours": 24.5},
        "A meeting takes more than 0 and at most 24 hours, not 24.5.",
    ),
    (
        "negative other costs",
        {"other_costs": -3.5},
        "The other costs must be zero or more, not -3.50.",
    ),
    (
        "other costs in the future",
        {"other_costs": 3.5, "spent_on": date.today() + timedelta(days=1)},
        "is in the future",
    ),
    (
        "a date without an amount",
        {"spent_on": DAY},
        "A date goes with other costs: give the amount spent on 2026-03-12 as well.",
    ),
]


@pytest.mark.parametrize(("what", "typed", "sentence"), BAD, ids=[b[0] for b in BAD])
def test_bad_figures_get_one_sentence_and_change_nothing(
    engine: Engine,
    session: Session,
    ids: dict[str, int],
    what: str,
    typed: dict[str, Any],
    sentence: str,
) -> None:
    # A good fee beside the bad figure: it is not written either.
    figures = {"fee": 1000.0, **typed}
    refuses(
        engine,
        sentence,
        lambda: set_membership_costs(
            session=session, member_id=ids["bob"], network_id=ids["club"], **figures
        ),
    )


def test_a_cost_for_a_network_the_member_never_belonged_to_is_refused(
    engine: Engine, session: Session, ids: dict[str, int]
) -> None:
    refuses(
        engine,
        "Carla has never been a member of Open Coffee, so they have no costs there.",
        lambda: set_membership_costs(
            session=session, member_id=ids["carla"], network_id=ids["coffee"], other_costs=3.5
        ),
    )


def test_a_plain_member_cannot_set_anothers_costs(
    engine: Engine, session: Session, ids: dict[str, int]
) -> None:
    refuses(
        engine,
        "Only Carla or an organiser of Club Delft may see or set Carla's costs in Club Delft.",
        lambda: set_membership_costs(
            session=session,
            member_id=ids["carla"],
            network_id=ids["club"],
            fee=1,
            acting_id=ids["bob"],
        ),
    )
