"""The demo's networks: what each kind exchanges and how often it meets, and the seats in
a network while it is being filled."""

from dataclasses import dataclass, field
from datetime import date

from reciprocity.ledger.demo.people import Person, Seat


@dataclass(frozen=True)
class Mix:
    """What a kind of network exchanges, and how often and where."""

    kind: str
    referral: float
    help: float
    pair_introductions: float
    at_meetings: float
    activity: float
    meeting_every: int
    sla_days: int


CLUB = Mix("referral club", 0.58, 0.22, 0.7, 0.65, 1.0, 7, 2)
COFFEE = Mix("open coffee", 0.30, 0.40, 0.7, 0.40, 0.3, 14, 5)


@dataclass
class Group:
    """A network being filled: who sits in it, when it met, and how much it exchanges."""

    id: int
    mix: Mix
    seats: list[Seat]
    organiser: Person
    fee: float
    """The network's yearly fee."""
    meetings: list[tuple[int, date]] = field(default_factory=list)
    exchanges: int = 0
    helps: int = 0
