"""The demo's plan: which networks there are, who sits in them, when they meet.

:class:`Builder` writes the networks, their meetings, the members and their memberships,
then hands each network to :class:`~reciprocity.ledger.demo.exchanges.ExchangeFiller`.
Every draw comes from the one :class:`~reciprocity.ledger.demo.draws.Draws`, in a fixed
order.
"""

from datetime import date, timedelta

from reciprocity.ledger.demo.costs import CostDraws
from reciprocity.ledger.demo.draws import Draws
from reciprocity.ledger.demo.exchanges import ExchangeFiller
from reciprocity.ledger.demo.groups import CLUB, COFFEE, Group, Mix
from reciprocity.ledger.demo.people import (
    PROMPT,
    Person,
    Seat,
    contact_pool,
    draw_people,
    member_row,
    share_out,
)
from reciprocity.ledger.demo.vocabulary import CITIES
from reciprocity.store.models import DEFAULT_WEIGHTS, Role
from reciprocity.store.tables import advance_id_sequences

CLUB_MEMBERS = 35
COFFEE_MEMBERS = 65
DEFAULT_MEMBERS = 85
"""The referral club and the open coffee share fifteen members."""
TWO_NETWORKS_MAX_MEMBERS = 120
"""Beyond this the referral club would outgrow a real chapter, so members form chapters."""
CHAPTER_MIN, CHAPTER_MAX = 25, 50
EXCHANGES_PER_SEAT_MONTH = 4.3
"""A referral-club member's gives and takes a month: about one referral a week, as in BNI."""


class Builder:
    """Writes the whole demo from one set of draws, in a fixed order."""

    def __init__(self, draws: Draws, costs: CostDraws) -> None:
        self.draws = draws
        self.costs = costs
        self.rng = draws.rng
        self.writer = draws.writer
        self.start = draws.start
        self.until = draws.until
        self.days = draws.days

    def build(self, size: int, months: int, exchanges: int | None) -> str:
        """Write everything; returns the name of the first network's organiser."""
        national = size > TWO_NETWORKS_MAX_MEMBERS
        plans = self._plan_networks(size, national)
        people = draw_people(
            self.draws, size, [indexes for _name, mix, indexes in plans if mix is CLUB]
        )
        groups = self._write_networks(plans, people, national)
        self._write_members(people, groups)
        for group in groups:
            self.costs.write_other_costs(group)
        filler = ExchangeFiller(self.draws, contact_pool(self.draws))
        weights = [len(group.seats) * group.mix.activity for group in groups]
        if exchanges is None:
            exchanges = round(sum(weights) * months * EXCHANGES_PER_SEAT_MONTH)
        if national:
            weights = [weight * self.rng.uniform(0.6, 1.4) for weight in weights]
        for group, share in zip(groups, share_out(exchanges, weights), strict=True):
            group.exchanges = share
            filler.fill_group(group)
        self.writer.flush()
        advance_id_sequences(self.writer.connection)
        return groups[0].organiser.name

    def _plan_networks(self, size: int, national: bool) -> list[tuple[str, Mix, list[int]]]:
        """Network names and kinds, each with the indexes of the people in it."""
        if not national:
            club = max(2, round(size * CLUB_MEMBERS / DEFAULT_MEMBERS))
            coffee = max(2, round(size * COFFEE_MEMBERS / DEFAULT_MEMBERS), size - club)
            both = club + coffee - size
            return [
                ("Referral Club Utrecht Domstad", CLUB, list(range(club))),
                ("Open Coffee Utrecht", COFFEE, list(range(club - both, size))),
            ]
        count = min(max(round(size / 37.5), -(-size // CHAPTER_MAX)), size // CHAPTER_MIN)
        sizes = [CHAPTER_MIN] * count
        spare = size - CHAPTER_MIN * count
        pulls = [self.rng.random() for _ in range(count)]
        for i, extra in enumerate(share_out(spare, pulls)):
            sizes[i] += min(extra, CHAPTER_MAX - CHAPTER_MIN)
        room = [i for i in range(count) if sizes[i] < CHAPTER_MAX]
        while sum(sizes) < size:
            i = self.rng.choice(room)
            sizes[i] += 1
            if sizes[i] == CHAPTER_MAX:
                room.remove(i)
        plans: list[tuple[str, Mix, list[int]]] = []
        per_city: dict[str, int] = {}
        offset = 0
        for n, chapter_size in enumerate(sizes):
            city = CITIES[n % len(CITIES)]
            per_city[city] = per_city.get(city, 0) + 1
            members = list(range(offset, offset + chapter_size))
            plans.append((f"Referral Club {city} {per_city[city]}", CLUB, members))
            offset += chapter_size
        return plans

    def _write_networks(
        self, plans: list[tuple[str, Mix, list[int]]], people: list[Person], national: bool
    ) -> list[Group]:
        rng, writer = self.rng, self.writer
        long_ago = self.start - timedelta(days=6 * 365)
        groups: list[Group] = []
        for name, mix, indexes in plans:
            network_id = writer.next_id("network")
            figures = self.costs.network_figures(mix)
            writer.add(
                "network",
                {
                    "id": network_id,
                    "name": name,
                    "kind": mix.kind,
                    "weights": dict(DEFAULT_WEIGHTS),
                    "sla_days": mix.sla_days,
                    "active": True,
                    "created_at": self.draws.logged(self.start),
                    **figures,
                },
            )
            candidates = [i for i in indexes if people[i].give >= 2.0] or indexes
            organiser = people[rng.choice(candidates)]
            organiser.habit = PROMPT
            churn = len(indexes) >= 10 and len(self.days) >= 120
            seats = [
                self._seat(people[i], churn and people[i] is not organiser, long_ago)
                for i in indexes
            ]
            for _ in range(len(seats) * 2):
                a, b = rng.sample(range(len(seats)), 2)
                seats[a].favourites.append(b)
                seats[b].favourites.append(a)
            group = Group(network_id, mix, seats, organiser, fee=figures["fee"])
            self._write_meetings(group, self.rng.randrange(5) if national else None)
            groups.append(group)
        return groups

    def _seat(self, person: Person, churn: bool, long_ago: date) -> Seat:
        """Most members joined before the period; with churn, some join or leave during it."""
        rng = self.rng
        period = len(self.days)
        joined = long_ago + timedelta(days=rng.randrange((self.start - long_ago).days))
        left = None
        roll = rng.random()
        if churn and roll < 0.12:
            joined = self.start + timedelta(days=rng.randrange(period - 60))
        elif churn and roll < 0.17:
            left = self.start + timedelta(days=rng.randint(60, period - 14))
        first = max(joined, self.start)
        return Seat(person, joined, left, first, left or self.until)

    def _write_meetings(self, group: Group, weekday: int | None) -> None:
        """The club meets on Thursday mornings, the open coffee every other Friday."""
        writer = self.writer
        if weekday is None:
            weekday = 3 if group.mix is CLUB else 4
        day = self.start + timedelta(days=(weekday - self.start.weekday()) % 7)
        number = 0
        while day <= self.until:
            christmas = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
            if not christmas:
                number += 1
                meeting_id = writer.next_id("meeting")
                if group.mix is COFFEE:
                    title = f"Open Coffee #{number}"
                elif number % 6 == 0:
                    title = "Visitors' day"
                else:
                    title = "Weekly meeting"
                writer.add(
                    "meeting",
                    {"id": meeting_id, "network_id": group.id, "held_on": day, "title": title},
                )
                group.meetings.append((meeting_id, day))
            day += timedelta(days=group.mix.meeting_every)

    def _write_members(self, people: list[Person], groups: list[Group]) -> None:
        still_in: set[int] = set()
        joined: dict[int, date] = {}
        for group in groups:
            for seat in group.seats:
                if seat.left is None:
                    still_in.add(seat.person.id)
                joined[seat.person.id] = min(joined.get(seat.person.id, seat.first), seat.first)
        partners = self.draws.faker("nl_NL")
        for person in people:
            self.writer.add(
                "member",
                member_row(
                    self.draws,
                    person,
                    active=person.id in still_in,
                    joined=joined[person.id],
                    partners=partners,
                ),
            )
        for group in groups:
            for seat in group.seats:
                self.writer.add(
                    "membership",
                    {
                        "id": self.writer.next_id("membership"),
                        "member_id": seat.person.id,
                        "network_id": group.id,
                        "role": Role.ORGANISER if seat.person is group.organiser else Role.MEMBER,
                        "joined_on": seat.joined,
                        "left_on": seat.left,
                        **self.costs.own_figures(group.mix, group.fee),
                    },
                )
