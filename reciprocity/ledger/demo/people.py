"""The demo's people: how each member gives, takes and follows up, and who they are.

A :class:`Person` is drawn once, with a giving :class:`Style` and a follow-up
:class:`Habit`; a :class:`Seat` places a person in one network for part of the period.
Outside contacts (:class:`Contact`) are the businesses referrals lead to.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from typing import Any

from reciprocity.ledger.demo.draws import Draws
from reciprocity.ledger.demo.vocabulary import (
    CATEGORIES,
    CITIES,
    CONTACT_ROLES,
    FREE_MAIL,
    INITIALS,
    LOCALE_CUM,
    LOCALES,
    TRADES,
    Category,
)
from reciprocity.store.name_keys import name_key


@dataclass(frozen=True)
class Style:
    """How a member gives and takes, drawn once per member."""

    share: float
    give: tuple[float, float]
    take: tuple[float, float]
    free_rider: bool = False


STYLES = (
    Style(0.12, give=(2.2, 3.5), take=(0.6, 1.0)),  # strong giver
    Style(0.66, give=(0.7, 1.3), take=(0.7, 1.3)),  # balanced
    Style(0.10, give=(0.25, 0.5), take=(1.2, 1.8)),  # taker
    Style(0.07, give=(0.0, 0.0), take=(1.0, 1.6), free_rider=True),
    Style(0.05, give=(0.15, 0.3), take=(0.15, 0.3)),  # quiet
)
BALANCED = STYLES[1]


@dataclass(frozen=True)
class Habit:
    """How a member treats the referrals they receive, which their givers rate."""

    share: float
    follows_up: float
    first_step: tuple[int, float]
    """Minimum days before the first step, and the mean of the extra days."""
    acknowledges: float
    win_bonus: float
    rating: float


HABITS = (  # prompt, steady, slow, careless
    Habit(0.35, follows_up=0.97, first_step=(0, 1.0), acknowledges=0.8, win_bonus=0.04, rating=4.4),
    Habit(0.40, follows_up=0.90, first_step=(1, 3.0), acknowledges=0.5, win_bonus=0.0, rating=3.7),
    Habit(
        0.15, follows_up=0.75, first_step=(4, 10.0), acknowledges=0.3, win_bonus=-0.08, rating=2.8
    ),
    Habit(
        0.10, follows_up=0.40, first_step=(6, 20.0), acknowledges=0.1, win_bonus=-0.15, rating=1.9
    ),
)
HABIT_CUM = tuple(accumulate(habit.share for habit in HABITS))
PROMPT = HABITS[0]


@dataclass
class Person:
    """A member and the traits that shape what they give, take and follow up."""

    id: int
    name: str
    first: str
    last: str
    category: Category
    give: float
    take: float
    habit: Habit


@dataclass(frozen=True)
class Contact:
    """Someone outside the networks: the business a referral or introduction leads to."""

    name: str
    role: str
    email: str
    phone: str


@dataclass
class Seat:
    """A person in one network, active from ``first`` to ``last`` within the period."""

    person: Person
    joined: date
    left: date | None
    first: date
    last: date
    favourites: list[int] = field(default_factory=list)

    def active(self, day: date) -> bool:
        return self.first <= day <= self.last


def ascii_letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def capitalised(surname: str) -> str:
    """Dutch capitalises ``van``/``de`` when the surname comes first: Van Dijk Bouw."""
    return surname[:1].upper() + surname[1:]


def domain(company: str) -> str:
    words = [word for word in map(ascii_letters, company.split()) if word]
    return "-".join(words[:2]) + ".nl"


def share_out(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def draw_people(draws: Draws, size: int, club_seats: list[list[int]]) -> list[Person]:
    """``size`` people with unique names; those in a referral club get distinct categories.

    ``club_seats`` holds, per referral club, the indexes of the people in it.
    """
    rng, writer = draws.rng, draws.writer
    categories: list[Category | None] = [None] * size
    for indexes in club_seats:
        for index, category in zip(indexes, rng.sample(CATEGORIES, len(indexes)), strict=True):
            categories[index] = categories[index] or category
    styles = [BALANCED] * size
    if size >= 10:
        counts = share_out(size, [style.share for style in STYLES])
        styles = [style for style, n in zip(STYLES, counts, strict=True) for _ in range(n)]
        rng.shuffle(styles)
    taken: set[str] = set()
    people: list[Person] = []
    for index, style in enumerate(styles):
        locale = rng.choices(LOCALES, cum_weights=LOCALE_CUM)[0]
        fake = draws.faker(locale)
        first, last = fake.first_name(), fake.last_name()
        name, attempts = f"{first} {last}", 0
        while name_key(name) in taken:
            attempts += 1
            initials = " ".join(f"{rng.choice(INITIALS)}." for _ in range(1 + attempts // 10))
            name = f"{first} {initials} {last}"
        taken.add(name_key(name))
        habit = rng.choices(HABITS, cum_weights=HABIT_CUM)[0]
        if style.free_rider:
            habit = rng.choice(HABITS[2:])
        people.append(
            Person(
                id=writer.next_id("member"),
                name=name,
                first=first,
                last=last,
                category=categories[index] or rng.choice(CATEGORIES),
                give=rng.uniform(*style.give),
                take=rng.uniform(*style.take),
                habit=habit,
            )
        )
    return people


def member_row(
    draws: Draws, person: Person, *, active: bool, joined: date, partners: Any
) -> dict[str, Any]:
    """A person's ``member`` row: a company, an email address and a phone number.

    ``partners`` is the Faker that names a business partner in "Surname & Partner".
    """
    rng = draws.rng
    roll, surname = rng.random(), capitalised(person.last)
    if roll < 0.6:
        company = f"{surname} {person.category.suffix}"
    elif roll < 0.8:
        company = f"{person.category.suffix} {rng.choice(CITIES)}"
    else:
        company = f"{surname} & {capitalised(partners.last_name())}"
    if rng.random() < 0.75:
        email = f"{ascii_letters(person.first)}@{domain(company)}"
    else:
        email = (
            f"{ascii_letters(person.first)}.{ascii_letters(person.last)}@{rng.choice(FREE_MAIL)}"
        )
    number = rng.randrange(10**8)
    return {
        "id": person.id,
        "name": person.name,
        "company": company,
        "category": person.category.name,
        "email": email,
        "phone": f"+31 6 {number // 10**4:04d} {number % 10**4:04d}",
        "active": active,
        "created_at": draws.logged(joined),
    }


def contact_pool(draws: Draws) -> list[Contact]:
    """Outside people that referrals and introductions name."""
    rng = draws.rng
    pool = []
    for _ in range(400):
        fake = draws.faker(rng.choices(LOCALES, cum_weights=LOCALE_CUM)[0])
        first, last = fake.first_name(), fake.last_name()
        company = f"{capitalised(fake.last_name())} {rng.choice(TRADES)}"
        number = rng.randrange(10**8)
        pool.append(
            Contact(
                name=f"{first} {last}",
                role=f"{rng.choice(CONTACT_ROLES).capitalize()} at {company}",
                email=f"{ascii_letters(first)}.{ascii_letters(last)}@{domain(company)}",
                phone=f"+31 6 {number // 10**4:04d} {number % 10**4:04d}",
            )
        )
    return pool
