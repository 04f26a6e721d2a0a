"""Demo data: a realistic ledger to explore Reciprocity without typing a single row.

``reciprocity demo`` and the first use of ``reciprocity --demo`` fill an empty database with
networks, members, weekly meetings, months of referrals, help and introductions, the
referrals' follow-up steps and feedback, one-to-ones, and the asks and offers board.

Everything is drawn from one ``random.Random(seed)``, and Faker is seeded from it, so the
same seed and end date give the same rows. Only ``created_at`` stamps differ: they say when
a row was written and are never later than the moment the demo ran.

Rows are written with SQLAlchemy Core ``insert()`` in executemany batches, and the demo
numbers them itself so that children can point at parents without reading anything back.
That is what lets a national network of a million exchanges load in minutes, and it is
why the demo only ever fills an empty database: it must never interleave with real rows.
"""

import calendar
import unicodedata
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from random import Random
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.store.models import (
    DEFAULT_WEIGHTS,
    TABLES_IN_DEPENDENCY_ORDER,
    Business,
    ExchangeKind,
    FollowupStatus,
    Member,
    Membership,
    Network,
    ReferralType,
    RequestStatus,
    Role,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import advance_id_sequences, table_of
from reciprocity.store.types import utcnow

DEFAULT_SEED = 7
DEFAULT_MONTHS = 12
MAX_MONTHS = 120
CLUB_MEMBERS = 35
COFFEE_MEMBERS = 60
DEFAULT_MEMBERS = 85
"""The referral club and the open coffee share ten members."""
TWO_NETWORKS_MAX_MEMBERS = 120
"""Beyond this the referral club would outgrow a real chapter, so members form chapters."""
CHAPTER_MIN, CHAPTER_MAX = 25, 50
EXCHANGES_PER_SEAT_MONTH = 4.3
"""A referral-club member's gives and takes a month: about one referral a week, as in BNI."""
BATCH_ROWS = 10_000

_SAT, _SUN = 5, 6


@dataclass(frozen=True)
class DemoSummary:
    """What a demo run made: its parameters and the rows written to each table."""

    seed: int
    start: date
    until: date
    organiser: str
    rows: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``reciprocity demo --json``."""
        return {
            "seed": self.seed,
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
            "organiser": self.organiser,
            "rows": dict(self.rows),
        }


@dataclass(frozen=True)
class _Category:
    """A profession: BNI chapters admit one member per category."""

    name: str
    phrase: str
    suffix: str
    deal: int


_CATEGORIES = tuple(
    _Category(*fields)
    for fields in (
        ("Accountant", "an accountant", "Accountancy", 3000),
        ("Tax adviser", "a tax adviser", "Belastingadvies", 2000),
        ("Bookkeeper", "a bookkeeper", "Administratie", 1500),
        ("Mortgage adviser", "a mortgage adviser", "Hypotheken", 2500),
        ("Financial planner", "a financial planner", "Financiële Planning", 2000),
        ("Insurance broker", "an insurance broker", "Verzekeringen", 1200),
        ("Pension adviser", "a pension adviser", "Pensioenadvies", 3000),
        ("Estate agent", "an estate agent", "Makelaardij", 6000),
        ("Commercial property agent", "a commercial property agent", "Bedrijfshuisvesting", 9000),
        ("Notary", "a notary", "Notariaat", 1500),
        ("Employment lawyer", "an employment lawyer", "Arbeidsrecht", 4000),
        ("Business lawyer", "a business lawyer", "Advocatuur", 5000),
        ("Web designer", "a web designer", "Webdesign", 4500),
        ("Software developer", "a software developer", "Software", 12000),
        ("IT support", "IT support", "ICT Beheer", 3000),
        ("Cyber security consultant", "a cyber security consultant", "Security", 6000),
        ("Photographer", "a photographer", "Fotografie", 1200),
        ("Video producer", "a video producer", "Videoproducties", 3500),
        ("Graphic designer", "a graphic designer", "Ontwerp", 2000),
        ("Copywriter", "a copywriter", "Tekstbureau", 1500),
        ("Translator", "a translator", "Vertalingen", 900),
        ("Marketing consultant", "a marketing consultant", "Marketing", 5000),
        ("Social media manager", "a social media manager", "Social Media", 2500),
        ("Printer", "a printer", "Drukwerk", 1800),
        ("Sign maker", "a sign maker", "Reclame", 2200),
        ("Promotional products", "promotional products", "Relatiegeschenken", 1500),
        ("Event planner", "an event planner", "Events", 6000),
        ("Caterer", "a caterer", "Catering", 2500),
        ("Florist", "a florist", "Bloemen", 400),
        ("Travel agent", "a travel agent", "Reizen", 3000),
        ("Recruiter", "a recruiter", "Recruitment", 7000),
        ("HR consultant", "an HR consultant", "HR Advies", 4000),
        ("Business coach", "a business coach", "Coaching", 2500),
        ("Sales trainer", "a sales trainer", "Training", 3500),
        ("Virtual assistant", "a virtual assistant", "Office Support", 1800),
        ("Office furniture", "office furniture", "Kantoorinrichting", 6000),
        ("Office supplies", "office supplies", "Kantoorartikelen", 1500),
        ("Interior designer", "an interior designer", "Interieur", 7000),
        ("Architect", "an architect", "Architecten", 15000),
        ("Builder", "a builder", "Bouw", 25000),
        ("Electrician", "an electrician", "Elektrotechniek", 3000),
        ("Plumber", "a plumber", "Installatietechniek", 2500),
        ("Solar panel installer", "a solar panel installer", "Zonne-energie", 9000),
        ("Painter", "a painter", "Schilderwerken", 4000),
        ("Garden designer", "a garden designer", "Tuinen", 6000),
        ("Cleaning company", "a cleaning company", "Schoonmaak", 5000),
        ("Removals company", "a removals company", "Verhuizingen", 1800),
        ("Locksmith", "a locksmith", "Sloten", 400),
        ("Security company", "a security company", "Beveiliging", 6000),
        ("Car dealer", "a car dealer", "Auto's", 20000),
        ("Lease company", "a lease company", "Lease", 12000),
        ("Telecom provider", "a telecom provider", "Telecom", 4000),
        ("Energy broker", "an energy broker", "Energie", 3500),
        ("Subsidy adviser", "a subsidy adviser", "Subsidieadvies", 5000),
        ("Debt collection agency", "a debt collection agency", "Incasso", 2000),
        ("Physiotherapist", "a physiotherapist", "Fysiotherapie", 800),
        ("Chiropractor", "a chiropractor", "Chiropractie", 700),
        ("Dentist", "a dentist", "Tandartspraktijk", 900),
        ("Personal trainer", "a personal trainer", "Personal Training", 1200),
        ("Optician", "an optician", "Optiek", 600),
        ("Wine merchant", "a wine merchant", "Wijnen", 1500),
    )
)

_LOCALES = ("nl_NL", "nl_BE", "en_GB", "de_DE", "fr_FR", "pl_PL", "tr_TR", "es_ES", "it_IT")
_LOCALE_CUM = tuple(accumulate((52, 8, 11, 10, 7, 4, 4, 2, 2)))
_INITIALS = "ABCDEFGHIJKLMNOPRSTVWZ"
_FREE_MAIL = ("gmail.com", "outlook.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "icloud.com")


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|"))


_CITIES = _phrases(
    "Utrecht | Amersfoort | Amsterdam | Rotterdam | Den Haag | Eindhoven | Groningen | Arnhem"
    "| Nijmegen | Haarlem | Leiden | Delft | Breda | Tilburg | Zwolle | Apeldoorn | Enschede"
    "| Maastricht | Den Bosch | Almere | Deventer | Alkmaar | Dordrecht | Gouda | Ede"
    "| Leeuwarden | Hilversum | Zeist | Venlo | Middelburg"
)
_REFERRAL_LEADS = _phrases("Needs | Looking for | Asked me about | Wants quotes from | Could use")
_PURPOSES = _phrases(
    "a new office | their start-up | the family business | a house move | a product launch"
    "| an expansion into Germany | the company's 25th anniversary | a new shop in the centre"
    "| a second location | a rebranding | the year-end rush | a care home | a dental practice"
    "| a law firm | a webshop | a sports club | a restaurant opening | a primary school"
    "| a housing association | a logistics firm"
)
_HELP = _phrases(
    "Reviewed their LinkedIn profile | Shared a contract template"
    "| Gave feedback on the new website | Lent a projector for a workshop"
    "| Explained the new VAT rules | Tested their booking flow | Recommended a bookkeeping app"
    "| Proofread a tender | Helped plan a trade-fair stand | Shared a list of local suppliers"
    "| Sat in on a sales pitch rehearsal | Checked a quote before it went out"
    "| Posted their vacancy in my network | Gave a second opinion on a lease"
    "| Shared tips on getting paid on time | Helped set up the newsletter"
    "| Walked them through a subsidy application | Lent a meeting room for a client"
    "| Took product photos for the webshop | Shared a speaker slot at an event"
)
_INTRO_REASONS = _phrases(
    "Both work with start-ups | Could team up on office refurbishments | Both serve care homes"
    "| Thought they should share a stand at the trade fair"
    "| Same ideal client, different services | Could bundle their offers for webshops"
    "| Both looking for a referral partner in hospitality | Both moving into sustainability"
    "| Could run a joint workshop | Both need a partner for larger tenders"
)
_TRADES = _phrases(
    "Groep | Logistiek | Bouw | Zorggroep | Techniek | Holding | & Zonen | Retail | Vastgoed"
    "| Hospitality | Installaties | Transport"
)
_CONTACT_ROLES = _phrases(
    "purchasing manager | HR director | owner | facility manager | operations director"
    "| marketing lead | founder | office manager | managing partner | CFO"
)
_VOID_REASONS = _phrases(
    "Logged twice by mistake | Wrong receiver; logged again for the right member"
    "| The contact asked not to be referred | Entered in the wrong network"
    "| Test entry during the training evening"
)
_STEP_NOTES: dict[str, tuple[str, ...]] = {
    FollowupStatus.CONTACTED: _phrases(
        "Called the same day | Sent an email, they replied | Left a voicemail, then reached them"
    ),
    FollowupStatus.MEETING: _phrases("Met at their office | Video call of an hour | Site visit"),
    FollowupStatus.PROPOSAL: _phrases(
        "Sent a quote | Proposal in two options | Offer sent after the site visit"
    ),
    FollowupStatus.WON: _phrases("Signed this week | First order in | Contract for a year"),
    FollowupStatus.LOST: _phrases(
        "Went with a cheaper supplier | Project postponed | Chose an existing contact"
    ),
    FollowupStatus.NO_RESPONSE: _phrases("Three attempts, no reply | No answer to calls or email"),
}
_FEEDBACK = {
    "good": _phrases(
        "Quick and professional, thank you | My contact was delighted"
        "| Exactly how a referral should be handled"
    ),
    "mixed": _phrases("Took a while, but it got there | Would have liked an update sooner"),
    "poor": _phrases("My contact never heard back | Not followed up; this costs me goodwill"),
}
_ONE_TO_ONE_NOTES = _phrases(
    "Coffee near the station | Walked through each other's ideal client | Visited the workshop"
    "| Swapped three contacts each | Lunch; talked about referral partners | Video call"
    "| Planned a joint workshop"
)
_ASK_DETAILS = _phrases(
    "Preferably someone who has done this before for a small firm."
    "| Budget is modest; happy to hear options. | Needed within the next few weeks."
)


@dataclass(frozen=True)
class _Style:
    """How a member gives and takes, drawn once per member."""

    share: float
    give: tuple[float, float]
    take: tuple[float, float]
    free_rider: bool = False


_STYLES = (
    _Style(0.12, give=(2.2, 3.5), take=(0.6, 1.0)),  # strong giver
    _Style(0.66, give=(0.7, 1.3), take=(0.7, 1.3)),  # balanced
    _Style(0.10, give=(0.25, 0.5), take=(1.2, 1.8)),  # taker
    _Style(0.07, give=(0.0, 0.0), take=(1.0, 1.6), free_rider=True),
    _Style(0.05, give=(0.15, 0.3), take=(0.15, 0.3)),  # quiet
)
_BALANCED = _STYLES[1]


@dataclass(frozen=True)
class _Habit:
    """How a member treats the referrals they receive, which their givers rate."""

    share: float
    follows_up: float
    first_step: tuple[int, float]
    """Minimum days before the first step, and the mean of the extra days."""
    acknowledges: float
    win_bonus: float
    rating: float


_HABITS = (  # prompt, steady, slow, careless
    _Habit(
        0.35, follows_up=0.97, first_step=(0, 1.0), acknowledges=0.8, win_bonus=0.04, rating=4.4
    ),
    _Habit(0.40, follows_up=0.90, first_step=(1, 3.0), acknowledges=0.5, win_bonus=0.0, rating=3.7),
    _Habit(
        0.15, follows_up=0.75, first_step=(4, 10.0), acknowledges=0.3, win_bonus=-0.08, rating=2.8
    ),
    _Habit(
        0.10, follows_up=0.40, first_step=(6, 20.0), acknowledges=0.1, win_bonus=-0.15, rating=1.9
    ),
)
_HABIT_CUM = tuple(accumulate(habit.share for habit in _HABITS))
_PROMPT = _HABITS[0]


@dataclass(frozen=True)
class _Mix:
    """What a kind of network exchanges, and how often and where."""

    kind: str
    referral: float
    help: float
    pair_introductions: float
    at_meetings: float
    activity: float
    meeting_every: int
    sla_days: int


_CLUB = _Mix("referral club", 0.58, 0.22, 0.7, 0.65, 1.0, 7, 2)
_COFFEE = _Mix("open coffee", 0.30, 0.40, 0.7, 0.40, 0.3, 14, 5)


@dataclass
class _Person:
    """A member and the traits that shape what they give, take and follow up."""

    id: int
    name: str
    first: str
    last: str
    category: _Category
    give: float
    take: float
    habit: _Habit


@dataclass(frozen=True)
class _Contact:
    """Someone outside the networks: the business a referral or introduction leads to."""

    name: str
    role: str
    email: str
    phone: str


@dataclass
class _Seat:
    """A person in one network, active from ``first`` to ``last`` within the period."""

    person: _Person
    joined: date
    left: date | None
    first: date
    last: date
    favourites: list[int] = field(default_factory=list)

    def active(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass
class _Group:
    """A network being filled: who sits in it, when it met, and how much it exchanges."""

    id: int
    mix: _Mix
    seats: list[_Seat]
    organiser: _Person
    meetings: list[tuple[int, date]] = field(default_factory=list)
    exchanges: int = 0
    helps: int = 0


class _Writer:
    """Numbers rows and inserts them in executemany batches, parents before children."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._tables: dict[str, sa.Table] = {
            table_of(model).name: table_of(model) for model in TABLES_IN_DEPENDENCY_ORDER
        }
        self._pending: dict[str, list[dict[str, Any]]] = {name: [] for name in self._tables}
        self._waiting = 0
        self._last_id: dict[str, int] = dict.fromkeys(self._tables, 0)
        self.rows: dict[str, int] = dict.fromkeys(self._tables, 0)

    def next_id(self, table: str) -> int:
        self._last_id[table] += 1
        return self._last_id[table]

    def add(self, table: str, row: dict[str, Any]) -> None:
        self._pending[table].append(row)
        self.rows[table] += 1
        self._waiting += 1
        if self._waiting >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        for name, rows in self._pending.items():
            if rows:
                self.connection.execute(sa.insert(self._tables[name]), rows)
                rows.clear()
        self._waiting = 0


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _capitalised(surname: str) -> str:
    """Dutch capitalises ``van``/``de`` when the surname comes first: Van Dijk Bouw."""
    return surname[:1].upper() + surname[1:]


def _domain(company: str) -> str:
    words = [word for word in map(_ascii, company.split()) if word]
    return "-".join(words[:2]) + ".nl"


def _share_out(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _check_options(members: int, months: int, exchanges: int | None, until: date) -> None:
    if members < 2:
        raise LedgerError(
            "demo.too_few_members",
            "The demo needs at least 2 members, not {members}.",
            field="members",
            members=members,
        )
    if not 1 <= months <= MAX_MONTHS:
        raise LedgerError(
            "demo.months_range",
            "The demo covers 1 to {limit} months, not {months}.",
            field="months",
            limit=MAX_MONTHS,
            months=months,
        )
    if exchanges is not None and exchanges < 0:
        raise LedgerError(
            "demo.exchanges_negative",
            "The number of exchanges must be zero or more, not {exchanges}.",
            field="exchanges",
            exchanges=exchanges,
        )
    if until > date.today():
        raise LedgerError(
            "demo.until_future",
            "The end date {day} is in the future; the demo ends today at the latest.",
            field="until",
            day=until.isoformat(),
        )


def _refuse_filled_database(session: Session) -> None:
    for table in (Member, Network):
        count = session.exec(select(func.count()).select_from(table)).one()
        if not count:
            continue
        one = count == 1
        if table is Member:
            raise LedgerError(
                "demo.database_has_member" if one else "demo.database_has_members",
                "The database already holds {count} member; the demo fills an empty database "
                "(use --db with a new file, or --demo)."
                if one
                else "The database already holds {count} members; the demo fills an empty "
                "database (use --db with a new file, or --demo).",
                field=None,
                count=count,
            )
        raise LedgerError(
            "demo.database_has_network" if one else "demo.database_has_networks",
            "The database already holds {count} network; the demo fills an empty database "
            "(use --db with a new file, or --demo)."
            if one
            else "The database already holds {count} networks; the demo fills an empty "
            "database (use --db with a new file, or --demo).",
            field=None,
            count=count,
        )


def create_demo(
    *,
    session: Session,
    members: int | None = None,
    months: int = DEFAULT_MONTHS,
    seed: int = DEFAULT_SEED,
    exchanges: int | None = None,
    until: date | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo ledger ending on ``until`` (default today).

    Up to 120 members make a referral club and an open coffee that share some members;
    more are spread over referral-club chapters of 25 to 50. Without ``exchanges`` their
    number grows with members and months (about 2,700 for the default year).
    """
    end = until or date.today()
    size = DEFAULT_MEMBERS if members is None else members
    _check_options(size, months, exchanges, end)
    _refuse_filled_database(session)
    try:
        start = _months_before(end, months) + timedelta(days=1)
        builder = _Builder(session.connection(), seed=seed, start=start, until=end)
        organiser = builder.build(size, months, exchanges)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(
        seed=seed,
        start=builder.start,
        until=end,
        organiser=organiser,
        rows=dict(builder.writer.rows),
    )


def ensure_demo_data(*, session: Session) -> None:
    """Seed the default demo on first use: only when the database holds no members."""
    if session.exec(select(func.count()).select_from(Member)).one() == 0:
        create_demo(session=session)


def demo_organiser(*, session: Session) -> Member | None:
    """The organiser of the first network (the demo's referral club), whom ``--demo`` acts as."""
    query = (
        select(Member)
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.role == Role.ORGANISER)
        .order_by(col(Membership.network_id), col(Membership.id))
        .limit(1)
    )
    return session.exec(query).first()


@dataclass(frozen=True)
class _Event:
    """One give: who gave, in which network, on which day and meeting, and if it was voided."""

    group: _Group
    giver: _Person
    day: date
    meeting_id: int | None
    void: tuple[datetime, str] | None


class _Builder:
    """Draws the whole demo from one random generator, in a fixed order."""

    def __init__(self, connection: Connection, *, seed: int, start: date, until: date) -> None:
        self.rng = Random(seed)
        self.writer = _Writer(connection)
        self.now = utcnow()
        self.start = start
        self.until = until
        self.days = [self.start + timedelta(days=n) for n in range((until - self.start).days + 1)]
        self.day_weights = list(accumulate(self._day_weight(day) for day in self.days))
        self._fakers: dict[str, Any] = {}
        self.contacts: list[_Contact] = []

    @staticmethod
    def _day_weight(day: date) -> float:
        """Business happens on weekdays, and slows down in summer and over Christmas."""
        weight = {_SAT: 0.2, _SUN: 0.1}.get(day.weekday(), 1.0)
        if day.month in (7, 8):
            weight *= 0.6
        if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
            weight *= 0.3
        return weight

    def _faker(self, locale: str) -> Any:
        if locale not in self._fakers:
            from faker import Faker

            fake = Faker(locale)
            fake.seed_instance(self.rng.getrandbits(64))
            self._fakers[locale] = fake
        return self._fakers[locale]

    def _uuid(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def _moment(self, day: date) -> datetime:
        """A time of that day between 07:00 and 22:00 UTC, when people log their work."""
        minute = int(self.rng.random() * 15 * 60)
        return datetime(day.year, day.month, day.day, 7 + minute // 60, minute % 60, tzinfo=UTC)

    def _logged(self, day: date) -> datetime:
        """When a row about ``day`` was written: that day, but never after the demo ran."""
        return min(self._moment(day), self.now)

    def _random_day(self) -> date:
        weights = self.day_weights
        index = bisect_right(weights, self.rng.random() * weights[-1])
        return self.days[min(index, len(self.days) - 1)]

    # -- networks and people ---------------------------------------------------------

    def build(self, size: int, months: int, exchanges: int | None) -> str:
        """Write everything; returns the name of the first network's organiser."""
        national = size > TWO_NETWORKS_MAX_MEMBERS
        plans = self._plan_networks(size, national)
        people = self._people(size, plans)
        groups = self._write_networks(plans, people, national)
        self._write_members(people, groups)
        self.contacts = self._contact_pool()
        weights = [len(group.seats) * group.mix.activity for group in groups]
        if exchanges is None:
            exchanges = round(sum(weights) * months * EXCHANGES_PER_SEAT_MONTH)
        if national:
            weights = [weight * self.rng.uniform(0.6, 1.4) for weight in weights]
        for group, share in zip(groups, _share_out(exchanges, weights), strict=True):
            group.exchanges = share
            self._fill_group(group)
        self.writer.flush()
        advance_id_sequences(self.writer.connection)
        return groups[0].organiser.name

    def _plan_networks(self, size: int, national: bool) -> list[tuple[str, _Mix, list[int]]]:
        """Network names and kinds, each with the indexes of the people in it."""
        if not national:
            club = max(2, round(size * CLUB_MEMBERS / DEFAULT_MEMBERS))
            coffee = max(2, round(size * COFFEE_MEMBERS / DEFAULT_MEMBERS), size - club)
            both = club + coffee - size
            return [
                ("Referral Club Utrecht Domstad", _CLUB, list(range(club))),
                ("Open Coffee Utrecht", _COFFEE, list(range(club - both, size))),
            ]
        count = min(max(round(size / 37.5), -(-size // CHAPTER_MAX)), size // CHAPTER_MIN)
        sizes = [CHAPTER_MIN] * count
        spare = size - CHAPTER_MIN * count
        pulls = [self.rng.random() for _ in range(count)]
        for i, extra in enumerate(_share_out(spare, pulls)):
            sizes[i] += min(extra, CHAPTER_MAX - CHAPTER_MIN)
        room = [i for i in range(count) if sizes[i] < CHAPTER_MAX]
        while sum(sizes) < size:
            i = self.rng.choice(room)
            sizes[i] += 1
            if sizes[i] == CHAPTER_MAX:
                room.remove(i)
        plans: list[tuple[str, _Mix, list[int]]] = []
        per_city: dict[str, int] = {}
        offset = 0
        for n, chapter_size in enumerate(sizes):
            city = _CITIES[n % len(_CITIES)]
            per_city[city] = per_city.get(city, 0) + 1
            members = list(range(offset, offset + chapter_size))
            plans.append((f"Referral Club {city} {per_city[city]}", _CLUB, members))
            offset += chapter_size
        return plans

    def _people(self, size: int, plans: list[tuple[str, _Mix, list[int]]]) -> list[_Person]:
        rng, writer = self.rng, self.writer
        categories: list[_Category | None] = [None] * size
        for _name, mix, indexes in plans:
            if mix is _CLUB:
                for index, category in zip(
                    indexes, rng.sample(_CATEGORIES, len(indexes)), strict=True
                ):
                    categories[index] = categories[index] or category
        styles = [_BALANCED] * size
        if size >= 10:
            counts = _share_out(size, [style.share for style in _STYLES])
            styles = [style for style, n in zip(_STYLES, counts, strict=True) for _ in range(n)]
            rng.shuffle(styles)
        taken: set[str] = set()
        people: list[_Person] = []
        for index, style in enumerate(styles):
            locale = rng.choices(_LOCALES, cum_weights=_LOCALE_CUM)[0]
            fake = self._faker(locale)
            first, last = fake.first_name(), fake.last_name()
            name, attempts = f"{first} {last}", 0
            while name_key(name) in taken:
                attempts += 1
                initials = " ".join(f"{rng.choice(_INITIALS)}." for _ in range(1 + attempts // 10))
                name = f"{first} {initials} {last}"
            taken.add(name_key(name))
            habit = rng.choices(_HABITS, cum_weights=_HABIT_CUM)[0]
            if style.free_rider:
                habit = rng.choice(_HABITS[2:])
            people.append(
                _Person(
                    id=writer.next_id("member"),
                    name=name,
                    first=first,
                    last=last,
                    category=categories[index] or rng.choice(_CATEGORIES),
                    give=rng.uniform(*style.give),
                    take=rng.uniform(*style.take),
                    habit=habit,
                )
            )
        return people

    def _write_networks(
        self, plans: list[tuple[str, _Mix, list[int]]], people: list[_Person], national: bool
    ) -> list[_Group]:
        rng, writer = self.rng, self.writer
        long_ago = self.start - timedelta(days=6 * 365)
        groups: list[_Group] = []
        for name, mix, indexes in plans:
            network_id = writer.next_id("network")
            writer.add(
                "network",
                {
                    "id": network_id,
                    "name": name,
                    "kind": mix.kind,
                    "weights": dict(DEFAULT_WEIGHTS),
                    "sla_days": mix.sla_days,
                    "active": True,
                    "created_at": self._logged(self.start),
                },
            )
            candidates = [i for i in indexes if people[i].give >= 2.0] or indexes
            organiser = people[rng.choice(candidates)]
            organiser.habit = _PROMPT
            churn = len(indexes) >= 10 and len(self.days) >= 120
            seats = [
                self._seat(people[i], churn and people[i] is not organiser, long_ago)
                for i in indexes
            ]
            for _ in range(len(seats) * 2):
                a, b = rng.sample(range(len(seats)), 2)
                seats[a].favourites.append(b)
                seats[b].favourites.append(a)
            group = _Group(network_id, mix, seats, organiser)
            self._write_meetings(group, self.rng.randrange(5) if national else None)
            groups.append(group)
        return groups

    def _seat(self, person: _Person, churn: bool, long_ago: date) -> _Seat:
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
        return _Seat(person, joined, left, first, left or self.until)

    def _write_meetings(self, group: _Group, weekday: int | None) -> None:
        """The club meets on Thursday mornings, the open coffee every other Friday."""
        writer = self.writer
        if weekday is None:
            weekday = 3 if group.mix is _CLUB else 4
        day = self.start + timedelta(days=(weekday - self.start.weekday()) % 7)
        number = 0
        while day <= self.until:
            christmas = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
            if not christmas:
                number += 1
                meeting_id = writer.next_id("meeting")
                if group.mix is _COFFEE:
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

    def _write_members(self, people: list[_Person], groups: list[_Group]) -> None:
        rng = self.rng
        still_in: set[int] = set()
        joined: dict[int, date] = {}
        for group in groups:
            for seat in group.seats:
                if seat.left is None:
                    still_in.add(seat.person.id)
                joined[seat.person.id] = min(joined.get(seat.person.id, seat.first), seat.first)
        partners = self._faker("nl_NL")
        for person in people:
            roll, surname = rng.random(), _capitalised(person.last)
            if roll < 0.6:
                company = f"{surname} {person.category.suffix}"
            elif roll < 0.8:
                company = f"{person.category.suffix} {rng.choice(_CITIES)}"
            else:
                company = f"{surname} & {_capitalised(partners.last_name())}"
            if rng.random() < 0.75:
                email = f"{_ascii(person.first)}@{_domain(company)}"
            else:
                email = f"{_ascii(person.first)}.{_ascii(person.last)}@{rng.choice(_FREE_MAIL)}"
            number = rng.randrange(10**8)
            self.writer.add(
                "member",
                {
                    "id": person.id,
                    "name": person.name,
                    "company": company,
                    "category": person.category.name,
                    "email": email,
                    "phone": f"+31 6 {number // 10**4:04d} {number % 10**4:04d}",
                    "active": person.id in still_in,
                    "created_at": self._logged(joined[person.id]),
                },
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
                    },
                )

    def _contact_pool(self) -> list[_Contact]:
        """Outside people that referrals and introductions name."""
        rng = self.rng
        pool = []
        for _ in range(400):
            fake = self._faker(rng.choices(_LOCALES, cum_weights=_LOCALE_CUM)[0])
            first, last = fake.first_name(), fake.last_name()
            company = f"{_capitalised(fake.last_name())} {rng.choice(_TRADES)}"
            number = rng.randrange(10**8)
            pool.append(
                _Contact(
                    name=f"{first} {last}",
                    role=f"{rng.choice(_CONTACT_ROLES).capitalize()} at {company}",
                    email=f"{_ascii(first)}.{_ascii(last)}@{_domain(company)}",
                    phone=f"+31 6 {number // 10**4:04d} {number % 10**4:04d}",
                )
            )
        return pool

    # -- exchanges -------------------------------------------------------------------

    def _pick(
        self, seats: list[_Seat], weights: list[float], day: date, avoid: tuple[int, ...] = ()
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
        self, seats: list[_Seat], takes: list[float], giver: int, day: date, avoid: tuple[int, ...]
    ) -> int | None:
        """Members give most to the few they know best, so giving tends to be mutual."""
        favourites = seats[giver].favourites
        if favourites and self.rng.random() < 0.35:
            index = self.rng.choice(favourites)
            if index not in avoid and seats[index].active(day):
                return index
        return self._pick(seats, takes, day, avoid)

    def _fill_group(self, group: _Group) -> None:
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
            event = _Event(group, seats[giver].person, day, meeting_id, self._void(day))
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
        return self._moment(voided_on), self.rng.choice(_VOID_REASONS)

    def _exchange(self, event: _Event, kind: str, receiver: _Person, **fields: Any) -> int:
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

    def _referral(self, event: _Event, receiver: _Person) -> None:
        rng = self.rng
        category = receiver.category
        hotness = rng.choices((1, 2, 3, 4, 5), cum_weights=(10, 30, 65, 87, 100))[0]
        estimate = None
        if rng.random() < 0.45:
            estimate = max(50, round(category.deal * rng.lognormvariate(0, 0.5) / 50) * 50)
        contact, details = None, None
        if rng.random() < 0.2:
            referral_type = ReferralType.INSIDE
            summary = f"For my own company: {category.phrase} for {rng.choice(_PURPOSES)}"
        else:
            referral_type = ReferralType.OUTSIDE
            lead = rng.choice(_REFERRAL_LEADS)
            summary = f"{lead} {category.phrase} for {rng.choice(_PURPOSES)}"
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
            note = rng.choice(_STEP_NOTES[status]) if rng.random() < 0.3 else None
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
        self, given: date, hotness: int, habit: _Habit
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
        habit: _Habit,
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
            comment = rng.choice(_FEEDBACK[band])
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

    def _help(self, event: _Event, receiver: _Person) -> None:
        """Some help answers the receiver's ask, some takes up the giver's offer."""
        rng = self.rng
        event.group.helps += 1
        exchange_id = self._exchange(event, ExchangeKind.HELP, receiver, summary=rng.choice(_HELP))
        roll = rng.random()
        if event.void is not None or roll >= 0.3:
            return
        asker, table = (receiver, "ask") if roll < 0.22 else (event.giver, "offer")
        posted = event.day - timedelta(days=rng.randint(1, 14))
        self._post(table, asker, event.group, posted, RequestStatus.ANSWERED, exchange_id)

    def _post(
        self,
        table: str,
        member: _Person,
        group: _Group,
        posted: date,
        status: str,
        answered_by: int | None,
    ) -> None:
        rng = self.rng
        phrase = member.category.phrase
        if table == "ask":
            wanted = rng.choice(_CATEGORIES)
            while wanted is member.category:
                wanted = rng.choice(_CATEGORIES)
            phrase = wanted.phrase
            topic = rng.choice(
                (
                    f"Who knows {phrase}?",
                    f"Looking for {phrase} for {rng.choice(_PURPOSES)}",
                    f"Recommendation for {phrase}, please",
                )
            )
            details = rng.choice(_ASK_DETAILS) if rng.random() < 0.5 else None
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

    def _introduction(self, event: _Event, first: _Person, second: _Person | None) -> int:
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
        group_id, summary = self._uuid(), rng.choice(_INTRO_REASONS)
        for member in (first, second):
            self._exchange(
                event,
                ExchangeKind.INTRODUCTION,
                member,
                summary=summary,
                introduction_group=group_id,
            )
        return 2

    def _one_to_ones(self, group: _Group, count: int) -> None:
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
                    "note": rng.choice(_ONE_TO_ONE_NOTES) if rng.random() < 0.4 else None,
                },
            )

    def _board(self, group: _Group) -> None:
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
