"""A small, hand-built chapter for ledger tests: two networks and six members.

Club Delft (referral club): Anna (organiser), Bob, Carla, Dirk.
Open Coffee: Bob, Eva, Frank. Bob is in both; Frank is deactivated later by some tests.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.store.models import Role

TODAY = date(2026, 11, 26)
"""The day the tests pretend it is; dates beyond it are 'the future'."""


@dataclass(frozen=True)
class Chapter:
    """Ids of the fixture's networks and members."""

    club: int
    coffee: int
    anna: int
    bob: int
    carla: int
    dirk: int
    eva: int
    frank: int


def build_chapter(session: Session) -> Chapter:
    """Create the fixture through the ledger, as a user would."""
    club = add_network(session=session, name="Club Delft", kind="referral club")
    coffee = add_network(
        session=session, name="Open Coffee", kind="open coffee", sla_days=5, weights={"help": 2}
    )
    assert club.id is not None and coffee.id is not None
    joined = date(2026, 1, 1)

    def member(name: str, networks: list[int], role: str = Role.MEMBER, *, category: str) -> int:
        made = add_member(
            session=session,
            name=name,
            network_ids=networks,
            role=role,
            joined_on=joined,
            category=category,
        )
        assert made.id is not None
        return made.id

    return Chapter(
        club=club.id,
        coffee=coffee.id,
        anna=member("Anna de Vries", [club.id], Role.ORGANISER, category="Accountant"),
        bob=member("Bob Jansen", [club.id, coffee.id], category="Web designer"),
        carla=member("Carla Smit", [club.id], category="Notary"),
        dirk=member("Dirk Bakker", [club.id], category="Photographer"),
        eva=member("Eva Visser", [coffee.id], category="Accountant"),
        frank=member("Frank Mulder", [coffee.id], category="Printer"),
    )
