"""What belonging costs in the demo: fees, hours per meeting and other costs by day.

A referral club charges a yearly fee of €1,000 to €1,500 and meets weekly for an hour and
a half with travel; some members pay less (a first-year discount) or travel longer, and
most go to the Christmas dinner, some to a regional conference day. The open coffee is
free: a member pays for their coffee at each meeting they go to (other costs on the
meeting's day).

Costs are drawn from their own generator, seeded from the demo's seed, so adding them left
every other row of the demo as it was: the same seed gives the same exchanges as before.
"""

from datetime import UTC, date, datetime
from random import Random
from typing import Any

from reciprocity.ledger.demo.draws import Draws
from reciprocity.ledger.demo.groups import CLUB, Group, Mix
from reciprocity.ledger.demo.people import Seat

CURRENCY = "EUR"
CLUB_FEES = tuple(range(1000, 1501, 50))
"""A referral club's yearly fee, in euros."""
CLUB_HOURS = 1.5
COFFEE_HOURS = 1.25
DISCOUNT = 0.8
"""A first-year member's share of the fee."""
DISCOUNTED = 0.1
LONGER_TRAVEL = 0.15
TRAVEL_HOURS = (2.0, 2.5, 3.0)
DINNER, DINNER_SHARE = 45.0, 0.6
CONFERENCE, CONFERENCE_SHARE = 95.0, 0.2
COFFEES = (3.2, 3.5, 3.8, 4.5)
"""A coffee, a cappuccino, a coffee with a croissant."""


class CostDraws:
    """Draws the demo's costs from a generator of their own, in a fixed order."""

    def __init__(self, draws: Draws, seed: int) -> None:
        self.rng = Random(f"costs-{seed}")
        self.writer = draws.writer
        self.now = draws.now

    def network_figures(self, mix: Mix) -> dict[str, Any]:
        """A network row's yearly fee, currency and hours per meeting."""
        if mix is CLUB:
            return {
                "fee": float(self.rng.choice(CLUB_FEES)),
                "currency": CURRENCY,
                "meeting_hours": CLUB_HOURS,
            }
        return {"fee": 0.0, "currency": CURRENCY, "meeting_hours": COFFEE_HOURS}

    def own_figures(self, mix: Mix, network_fee: float) -> dict[str, Any]:
        """A membership row's own fee and hours: mostly the network's (``None``)."""
        fee = hours = None
        if mix is CLUB and self.rng.random() < DISCOUNTED:
            fee = round(network_fee * DISCOUNT, 2)
        if self.rng.random() < LONGER_TRAVEL:
            hours = self.rng.choice(TRAVEL_HOURS)
        return {"fee": fee, "meeting_hours": hours}

    def write_other_costs(self, group: Group) -> None:
        """The dated other costs of every seat in the network."""
        days = [day for _meeting_id, day in group.meetings]
        if not days:
            return
        for seat in group.seats:
            attended = [day for day in days if seat.first <= day <= seat.last]
            if group.mix is CLUB:
                self._club_costs(group, seat, attended)
            else:
                for day in attended:
                    self._add(group, seat, day, self.rng.choice(COFFEES))

    def _club_costs(self, group: Group, seat: Seat, attended: list[date]) -> None:
        decembers = [day for day in attended if day.month == 12]
        dinner = decembers[-1] if decembers else None
        if dinner is not None and self.rng.random() < DINNER_SHARE:
            self._add(group, seat, dinner, DINNER)
        others = [day for day in attended if day != dinner]
        if others and self.rng.random() < CONFERENCE_SHARE:
            self._add(group, seat, self.rng.choice(others), CONFERENCE)

    def _add(self, group: Group, seat: Seat, day: date, amount: float) -> None:
        written = datetime(day.year, day.month, day.day, 21, 0, tzinfo=UTC)
        self.writer.add(
            "other_cost",
            {
                "id": self.writer.next_id("other_cost"),
                "member_id": seat.person.id,
                "network_id": group.id,
                "spent_on": day,
                "amount": amount,
                "created_at": min(written, self.now),
            },
        )
