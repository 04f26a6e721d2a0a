"""The demo's gives and what follows them: referrals with their steps and feedback, help
(some answering asks or taking up offers), introductions, one-to-ones, and the board.

:class:`ExchangeFiller` fills one network at a time from the shared :class:`Draws`, so the
rows come out in the same order for the same seed.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from reciprocity.ledger.demo.draws import Draws
from reciprocity.ledger.demo.groups import Group
from reciprocity.ledger.demo.people import Contact, Habit, Person, Seat
from reciprocity.ledger.demo.vocabulary import (
    ASK_DETAILS,
    CATEGORIES,
    FEEDBACK,
    HELP,
    INTRO_REASONS,
    ONE_TO_ONE_NOTES,
    PURPOSES,
    REFERRAL_LEADS,
    STEP_NOTES,
    VOID_REASONS,
)
from reciprocity.store.models import (
    Business,
    ExchangeKind,
    FollowupStatus,
    ReferralType,
    RequestStatus,
)


@dataclass(frozen=True)
class Event:
    """One give: who gave, in which network, on which day and meeting, and if it was voided."""

    group: Group
    giver: Person
    day: date
    meeting_id: int | None
    void: tuple[datetime, str] | None


class ExchangeFiller:
    """Draws the exchanges of the networks, one network after the other."""

    def __init__(self, draws: Draws, contacts: list[Contact]) -> None:
        self.rng = draws.rng
        self.writer = draws.writer
        self.start = draws.start
        self.until = draws.until
        self.contacts = contacts
        # The shared draws, bound once: the same calls, in the same order, as one class.
        self._moment = draws.moment
        self._logged = draws.logged
        self._random_day = draws.random_day
        self._uuid = draws.uuid

    def _pick(
        self, seats: list[Seat], weights: list[float], day: date, avoid: tuple[int, ...] = ()
    ) -> int | None:
        """A seat drawn by weight among those active on ``day``; ``None`` if none turns up."""
        total = weights[-1]
        if total <= 0:
            return None
        for _ in range(40):
            index = min(bisect_right(weights, self.rng.random() * total), len(seats) - 1)
            if index not in avoid and seats[index].active(day):
                return index
        return None

    def _receiver(
        self, seats: list[Seat], takes: list[float], giver: int, day: date, avoid: tuple[int, ...]
    ) -> int | None:
        """Members give most to the few they know best, so giving tends to be mutual."""
        favourites = seats[giver].favourites
        if favourites and self.rng.random() < 0.35:
            index = self.rng.choice(favourites)
            if index not in avoid and seats[index].active(day):
                return index
        return self._pick(seats, takes, day, avoid)

    def fill_group(self, group: Group) -> None:
        """Draw ``group.exchanges`` exchanges with their steps, then one-to-ones and the board."""
        rng, mix, seats = self.rng, group.mix, group.seats
        gives = list(accumulate(seat.person.give for seat in seats))
        takes = list(accumulate(seat.person.take for seat in seats))
        remaining, misses = group.exchanges, 0
        # A network in which nobody active can give stops short instead of looping forever.
        while remaining > 0 and misses < 1000:
            meeting_id: int | None = None
            if group.meetings and rng.random() < mix.at_meetings:
                meeting_id, day = rng.choice(group.meetings)
            else:
                day = self._random_day()
            giver = self._pick(seats, gives, day)
            receiver = None if giver is None else self._receiver(seats, takes, giver, day, (giver,))
            if giver is None or receiver is None:
                misses += 1
                continue
            misses = 0
            event = Event(group, seats[giver].person, day, meeting_id, self._void(day))
            roll = rng.random()
            if roll < mix.referral:
                self._referral(event, seats[receiver].person)
                remaining -= 1
            elif roll < mix.referral + mix.help:
                self._help(event, seats[receiver].person)
                remaining -= 1
            else:
                second = None
                if remaining >= 2 and rng.random() < mix.pair_introductions:
                    second = self._receiver(seats, takes, giver, day, (giver, receiver))
                remaining -= self._introduction(
                    event, seats[receiver].person, None if second is None else seats[second].person
                )
        self._one_to_ones(group, round(group.exchanges * 0.13))
        self._board(group)

    def _void(self, day: date) -> tuple[datetime, str] | None:
        """A few entries turn out wrong and are voided, always before the end date."""
        if self.rng.random() >= 0.015 or day >= self.until:
            return None
        voided_on = min(day + timedelta(days=self.rng.randint(0, 7)), self.until - timedelta(1))
        return self._moment(voided_on), self.rng.choice(VOID_REASONS)

    def _exchange(self, event: Event, kind: str, receiver: Person, **fields: Any) -> int:
        exchange_id = self.writer.next_id("exchange")
        logged_by = event.giver.id
        if event.meeting_id is not None and self.rng.random() < 0.2:
            logged_by = event.group.organiser.id
        row = {
            "id": exchange_id,
            "external_id": self._uuid(),
            "kind": kind,
            "giver_id": event.giver.id,
            "receiver_id": receiver.id,
            "network_id": event.group.id,
            "meeting_id": event.meeting_id,
            "occurred_on": event.day,
            "summary": None,
            "contact_name": None,
            "contact_details": None,
            "referral_type": None,
            "hotness": None,
            "estimated_value": None,
            "introduction_group": None,
            "acknowledged_at": None,
            "created_at": self._logged(event.day),
            "created_by": logged_by,
            "voided_at": event.void[0] if event.void else None,
            "void_reason": event.void[1] if event.void else None,
        }
        row.update(fields)
        self.writer.add("exchange", row)
        return exchange_id

    def _referral(self, event: Event, receiver: Person) -> None:
        rng = self.rng
        category = receiver.category
        hotness = rng.choices((1, 2, 3, 4, 5), cum_weights=(10, 30, 65, 87, 100))[0]
        estimate = None
        if rng.random() < 0.45:
            estimate = max(50, round(category.deal * rng.lognormvariate(0, 0.5) / 50) * 50)
        contact, details = None, None
        if rng.random() < 0.2:
            referral_type = ReferralType.INSIDE
            summary = f"For my own company: {category.phrase} for {rng.choice(PURPOSES)}"
        else:
            referral_type = ReferralType.OUTSIDE
            lead = rng.choice(REFERRAL_LEADS)
            summary = f"{lead} {category.phrase} for {rng.choice(PURPOSES)}"
            person = rng.choice(self.contacts)
            contact = person.name
            if rng.random() < 0.7:
                details = person.phone if rng.random() < 0.5 else person.email
        steps: list[tuple[FollowupStatus, date]] = []
        acknowledged: datetime | None = None
        if event.void is None:
            steps, acknowledged = self._referral_life(event.day, hotness, receiver.habit)
        exchange_id = self._exchange(
            event,
            ExchangeKind.REFERRAL,
            receiver,
            summary=summary,
            contact_name=contact,
            contact_details=details,
            referral_type=referral_type,
            hotness=hotness,
            estimated_value=estimate,
            acknowledged_at=acknowledged,
        )
        won = False
        for status, day in steps:
            value, business = None, None
            if status == FollowupStatus.WON:
                won = True
                base = estimate or category.deal * rng.lognormvariate(0, 0.6)
                value = float(max(50, round(base * rng.uniform(0.6, 1.4) / 50) * 50))
                business = Business.REPEAT if rng.random() < 0.25 else Business.NEW
            note = rng.choice(STEP_NOTES[status]) if rng.random() < 0.3 else None
            self.writer.add(
                "followup",
                {
                    "id": self.writer.next_id("followup"),
                    "exchange_id": exchange_id,
                    "status": status,
                    "occurred_on": day,
                    "value": value,
                    "business": business,
                    "note": note,
                    "created_at": self._logged(day),
                },
            )
        if event.void is None and event.day <= self.until - timedelta(7) and rng.random() < 0.45:
            self._feedback(exchange_id, event.day, receiver.habit, steps, won)

    def _referral_life(
        self, given: date, hotness: int, habit: Habit
    ) -> tuple[list[tuple[FollowupStatus, date]], datetime | None]:
        """The receiver's steps (forward only, never after the end date) and acknowledgement."""
        rng = self.rng
        path: list[FollowupStatus] = []
        if rng.random() < habit.follows_up:
            roll = rng.random()
            won = 0.43 + 0.05 * (hotness - 3) + habit.win_bonus
            if roll < won:
                path = [
                    s
                    for s, p in (
                        (FollowupStatus.CONTACTED, 0.85),
                        (FollowupStatus.MEETING, 0.7),
                        (FollowupStatus.PROPOSAL, 0.55),
                    )
                    if rng.random() < p
                ] + [FollowupStatus.WON]
            elif roll < won + 0.22:
                path = [FollowupStatus.CONTACTED] if rng.random() < 0.9 else []
                if rng.random() < 0.5:
                    path.append(FollowupStatus.MEETING)
                    if rng.random() < 0.35:
                        path.append(FollowupStatus.PROPOSAL)
                path.append(FollowupStatus.LOST)
            elif roll < won + 0.22 + 0.12:
                path = [FollowupStatus.CONTACTED] if rng.random() < 0.5 else []
                path.append(FollowupStatus.NO_RESPONSE)
            else:
                path = [FollowupStatus.CONTACTED]
                if rng.random() < 0.45:
                    path.append(FollowupStatus.MEETING)
                    if rng.random() < 0.3:
                        path.append(FollowupStatus.PROPOSAL)
        steps: list[tuple[FollowupStatus, date]] = []
        minimum, mean = habit.first_step
        day = given + timedelta(days=minimum + int(rng.expovariate(1 / mean)))
        for status in path:
            if steps:
                gap = {
                    FollowupStatus.MEETING: (2, 6.0),
                    FollowupStatus.PROPOSAL: (2, 8.0),
                    FollowupStatus.NO_RESPONSE: (7, 14.0),
                }.get(status, (3, 14.0))
                day += timedelta(days=gap[0] + int(rng.expovariate(1 / gap[1])))
            if day > self.until:
                break
            steps.append((status, day))
        acknowledged = None
        latest = min(steps[0][1] if steps else given + timedelta(3), self.until - timedelta(1))
        if rng.random() < habit.acknowledges and latest >= given:
            span = min((latest - given).days, 2)
            acknowledged = self._moment(given + timedelta(days=rng.randint(0, span)))
        return steps, acknowledged

    def _feedback(
        self,
        exchange_id: int,
        given: date,
        habit: Habit,
        steps: list[tuple[FollowupStatus, date]],
        won: bool,
    ) -> None:
        rng = self.rng
        score = habit.rating + (0.8 if won else 0.0) + rng.gauss(0, 0.6)
        if not steps or steps[-1][0] == FollowupStatus.NO_RESPONSE:
            score -= 0.8
        rating = min(5, max(1, round(score)))
        comment = None
        if rng.random() < 0.3:
            band = "good" if rating >= 4 else "mixed" if rating == 3 else "poor"
            comment = rng.choice(FEEDBACK[band])
        rated_on = min(steps[-1][1] if steps else given + timedelta(14), self.until)
        self.writer.add(
            "feedback",
            {
                "id": self.writer.next_id("feedback"),
                "exchange_id": exchange_id,
                "rating": rating,
                "comment": comment,
                "created_at": self._logged(rated_on),
            },
        )

    def _help(self, event: Event, receiver: Person) -> None:
        """Some help answers the receiver's ask, some takes up the giver's offer."""
        rng = self.rng
        event.group.helps += 1
        exchange_id = self._exchange(event, ExchangeKind.HELP, receiver, summary=rng.choice(HELP))
        roll = rng.random()
        if event.void is not None or roll >= 0.3:
            return
        asker, table = (receiver, "ask") if roll < 0.22 else (event.giver, "offer")
        posted = event.day - timedelta(days=rng.randint(1, 14))
        self._post(table, asker, event.group, posted, RequestStatus.ANSWERED, exchange_id)

    def _post(
        self,
        table: str,
        member: Person,
        group: Group,
        posted: date,
        status: str,
        answered_by: int | None,
    ) -> None:
        rng = self.rng
        phrase = member.category.phrase
        if table == "ask":
            wanted = rng.choice(CATEGORIES)
            while wanted is member.category:
                wanted = rng.choice(CATEGORIES)
            phrase = wanted.phrase
            topic = rng.choice(
                (
                    f"Who knows {phrase}?",
                    f"Looking for {phrase} for {rng.choice(PURPOSES)}",
                    f"Recommendation for {phrase}, please",
                )
            )
            details = rng.choice(ASK_DETAILS) if rng.random() < 0.5 else None
        else:
            topic = rng.choice(
                (
                    f"Free first consultation with {phrase}",
                    f"Lunch-and-learn by {phrase}",
                    f"Members' discount from {phrase}",
                )
            )
            details = None
        self.writer.add(
            table,
            {
                "id": self.writer.next_id(table),
                "member_id": member.id,
                "network_id": group.id,
                "topic": topic,
                "details": details,
                "status": status,
                "answered_by": answered_by,
                "created_at": self._logged(posted),
            },
        )

    def _introduction(self, event: Event, first: Person, second: Person | None) -> int:
        """Two members introduced to each other, or one member to an outside contact."""
        rng = self.rng
        if second is None:
            contact = rng.choice(self.contacts)
            self._exchange(
                event,
                ExchangeKind.INTRODUCTION,
                first,
                summary=contact.role,
                contact_name=contact.name,
                contact_details=contact.email if rng.random() < 0.5 else None,
            )
            return 1
        group_id, summary = self._uuid(), rng.choice(INTRO_REASONS)
        for member in (first, second):
            self._exchange(
                event,
                ExchangeKind.INTRODUCTION,
                member,
                summary=summary,
                introduction_group=group_id,
            )
        return 2

    def _one_to_ones(self, group: Group, count: int) -> None:
        rng, seats = self.rng, group.seats
        weights = list(accumulate(1.0 for _ in seats))
        misses = 0
        while count > 0 and misses < 1000:
            day = self._random_day()
            a = self._pick(seats, weights, day)
            b = None if a is None else self._receiver(seats, weights, a, day, (a,))
            if a is None or b is None:
                misses += 1
                continue
            count -= 1
            self.writer.add(
                "one_to_one",
                {
                    "id": self.writer.next_id("one_to_one"),
                    "member_a_id": seats[a].person.id,
                    "member_b_id": seats[b].person.id,
                    "network_id": group.id,
                    "held_on": day,
                    "note": rng.choice(ONE_TO_ONE_NOTES) if rng.random() < 0.4 else None,
                },
            )

    def _board(self, group: Group) -> None:
        """Open asks and offers are recent; withdrawn ones lie anywhere in the period."""
        rng, seats = self.rng, group.seats
        takes = list(accumulate(seat.person.take for seat in seats))
        gives = list(accumulate(seat.person.give for seat in seats))
        recent = max(self.start, self.until - timedelta(45))
        for table, weights, status, share in (
            ("ask", takes, RequestStatus.OPEN, 0.05),
            ("ask", takes, RequestStatus.WITHDRAWN, 0.02),
            ("offer", gives, RequestStatus.OPEN, 0.03),
            ("offer", gives, RequestStatus.WITHDRAWN, 0.01),
        ):
            for _ in range(round(group.helps * share)):
                if status == RequestStatus.OPEN and recent < self.until:
                    posted = recent + timedelta(days=rng.randrange((self.until - recent).days))
                else:
                    posted = self._random_day()
                index = self._pick(seats, weights, posted)
                if index is not None:
                    self._post(table, seats[index].person, group, posted, status, None)
