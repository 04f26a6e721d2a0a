"""The ledger's tables. Their names and columns are the contract of DESIGN.md.

Rules that must hold whatever writes the database are also check constraints here (no
self-exchange, valid kinds and ranges); every other rule, and every user-facing message,
lives in :mod:`reciprocity.ledger`. Schema changes go through an Alembic revision in
``db/versions``; ``create_all`` is for test fixtures only.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from reciprocity.store.name_keys import key_of_inserted_name
from reciprocity.store.types import MONEY, StoredDate, UTCDateTime, WeightsJSON, utcnow

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExchangeKind(StrEnum):
    """What was given."""

    REFERRAL = "referral"
    HELP = "help"
    INTRODUCTION = "introduction"


DEFAULT_WEIGHTS: dict[str, int] = {
    ExchangeKind.REFERRAL: 3,
    ExchangeKind.INTRODUCTION: 2,
    ExchangeKind.HELP: 1,
}
DEFAULT_SLA_DAYS = 2


class ReferralType(StrEnum):
    """BNI convention: ``inside`` is the giver's own business, ``outside`` a third party."""

    INSIDE = "inside"
    OUTSIDE = "outside"


class FollowupStatus(StrEnum):
    """A referral's steps after it was given, in the only order they may happen."""

    CONTACTED = "contacted"
    MEETING = "meeting"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"
    NO_RESPONSE = "no_response"


class Business(StrEnum):
    """Whether won business is new to the receiver or repeat business."""

    NEW = "new"
    REPEAT = "repeat"


class Role(StrEnum):
    """A member's role in a network."""

    MEMBER = "member"
    ORGANISER = "organiser"


class RequestStatus(StrEnum):
    """Life of an ask or an offer."""

    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


def _default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)


DERIVED = "derived"
"""``Column.info`` flag of a column computed from others: no file or JSON output carries it."""


def _name_key_field() -> Any:
    """``name_key``: the name's key (:mod:`reciprocity.store.name_keys`) under a UNIQUE
    index (revision 0008). An insert that does not give it gets the key of its ``name``;
    the ledger sets it again whenever it renames. It is derived (``info["derived"]``), so
    files and JSON leave it out: they carry the name it comes from."""
    return Field(
        default=None,
        nullable=False,
        sa_column_kwargs={
            "default": key_of_inserted_name,
            "index": True,
            "unique": True,
            "info": {DERIVED: True},
        },
    )


def _in(column: str, enum: type[StrEnum]) -> str:
    values = ", ".join(f"'{item.value}'" for item in enum)
    return f"{column} IN ({values})"


class NetworkKind(StrEnum):
    """The sorts of group Reciprocity is made for."""

    REFERRAL_CLUB = "referral club"
    OPEN_COFFEE = "open coffee"
    CHAMBER = "chamber"
    ENTREPRENEUR_CIRCLE = "entrepreneur circle"
    OTHER = "other"


DEFAULT_CURRENCY = "EUR"


class Network(SQLModel, table=True):
    """A group that meets: a referral club, an open coffee, a chamber.

    ``fee`` is the yearly membership fee and ``meeting_hours`` the time one meeting takes
    with travel (revision 0003); both unknown by default. ``currency`` (ISO 4217) is the
    currency of the fee and of every amount logged in the network. Their ranges are the
    ledger's rules: a check constraint would make SQLite rebuild the table every network
    is referenced by, which its foreign keys forbid.
    """

    __tablename__ = "network"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    kind: str = Field(default=NetworkKind.REFERRAL_CLUB)
    weights: dict[str, int] = Field(default_factory=_default_weights, sa_type=WeightsJSON)
    sla_days: int = Field(default=DEFAULT_SLA_DAYS)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    fee: float | None = Field(default=None, sa_type=MONEY)
    currency: str = Field(
        default=DEFAULT_CURRENCY,
        sa_type=sa.String(3),
        sa_column_kwargs={"server_default": DEFAULT_CURRENCY},
    )
    meeting_hours: float | None = Field(default=None)
    traffic_lights: str | None = Field(default=None, sa_type=sa.Text)
    """The chapter's own Traffic Lights scoring table, as TOML text (revision 0005); none
    means the default shipped with Reciprocity (``reciprocity/analytics/traffic_lights.toml``)."""
    name_key: str | None = _name_key_field()


class Member(SQLModel, table=True):
    """A person tracked by the ledger."""

    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    company: str | None = None
    category: str | None = None
    email: str | None = None
    phone: str | None = None
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    name_key: str | None = _name_key_field()


class Membership(SQLModel, table=True):
    """A member in a network, with a role and the dates they joined and left.

    ``fee`` and ``meeting_hours`` are the member's own yearly fee and hours per meeting
    (revision 0004), in the network's currency; ``None`` takes the network's. Their ranges
    are the ledger's rules, as for the network's.
    """

    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "network_id"),
        sa.CheckConstraint(_in("role", Role), name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    network_id: int = Field(foreign_key="network.id", index=True)
    role: str = Field(default=Role.MEMBER)
    joined_on: date | None = Field(default=None, sa_type=StoredDate)
    left_on: date | None = Field(default=None, sa_type=StoredDate)
    fee: float | None = Field(default=None, sa_type=MONEY)
    meeting_hours: float | None = Field(default=None)


class OtherCost(SQLModel, table=True):
    """What a member spent on a network on one day besides the fee: travel, meals, events.

    One row per member, network and day (revision 0004): setting the other costs of a day
    again replaces the amount, and the UNIQUE constraint settles two writers at once.
    """

    __tablename__ = "other_cost"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "network_id", "spent_on"),
        sa.Index(None, "network_id", "spent_on"),
        sa.CheckConstraint("amount >= 0", name="amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    network_id: int = Field(foreign_key="network.id")
    spent_on: date = Field(sa_type=StoredDate)
    amount: float = Field(sa_type=MONEY)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Meeting(SQLModel, table=True):
    """One meeting of a network."""

    __tablename__ = "meeting"
    __table_args__ = (sa.Index(None, "network_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id")
    held_on: date = Field(sa_type=StoredDate)
    title: str | None = None


class Exchange(SQLModel, table=True):
    """One give from one member to another: a referral, a help or an introduction."""

    __tablename__ = "exchange"
    __table_args__ = (
        sa.Index(None, "network_id", "occurred_on"),
        # Covering indexes for the metrics (revision 0002): each side's GROUP BY member,
        # network and kind reads one in order, period and voided_at checked in the index,
        # so no table row is read and nothing is sorted. Led by the member, they also find
        # a member's exchanges (voided ones too), as the (member, day) indexes they
        # replace did.
        sa.Index(None, "giver_id", "network_id", "kind", "occurred_on", "voided_at"),
        sa.Index(None, "receiver_id", "network_id", "kind", "occurred_on", "voided_at"),
        sa.CheckConstraint("giver_id <> receiver_id", name="not_self"),
        sa.CheckConstraint(_in("kind", ExchangeKind), name="kind"),
        sa.CheckConstraint(
            "referral_type IS NULL OR " + _in("referral_type", ReferralType), name="referral_type"
        ),
        sa.CheckConstraint("hotness IS NULL OR hotness BETWEEN 1 AND 5", name="hotness"),
        sa.CheckConstraint(
            "estimated_value IS NULL OR estimated_value >= 0", name="estimated_value"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(sa_column_kwargs={"unique": True})
    kind: str
    giver_id: int = Field(foreign_key="member.id")
    receiver_id: int = Field(foreign_key="member.id")
    network_id: int = Field(foreign_key="network.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    occurred_on: date = Field(sa_type=StoredDate)
    summary: str | None = None
    contact_name: str | None = None
    contact_details: str | None = None
    referral_type: str | None = None
    hotness: int | None = None
    estimated_value: float | None = Field(default=None, sa_type=MONEY)
    introduction_group: str | None = Field(default=None, index=True)
    other_network_id: int | None = Field(default=None, foreign_key="network.id")
    """For a slip between chapters (revision 0005): the network of the party who belongs
    to another chapter than ``network_id``. That party is a member of this network on the
    exchange's date instead of ``network_id``."""
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    void_reason: str | None = None


class Followup(SQLModel, table=True):
    """One dated step in a referral's life."""

    __tablename__ = "followup"
    __table_args__ = (
        # A referral's steps in date order with their status (revision 0002): the first
        # step and the endings reached come from the index alone.
        sa.Index(None, "exchange_id", "occurred_on", "status"),
        sa.Index(None, "status", "exchange_id", "value"),
        sa.CheckConstraint(_in("status", FollowupStatus), name="status"),
        sa.CheckConstraint("business IS NULL OR " + _in("business", Business), name="business"),
        sa.CheckConstraint("value IS NULL OR value >= 0", name="value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id")
    status: str
    occurred_on: date = Field(sa_type=StoredDate)
    value: float | None = Field(default=None, sa_type=MONEY)
    business: str | None = None
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Feedback(SQLModel, table=True):
    """The giver's rating of how the receiver treated a referral; one per referral."""

    __tablename__ = "feedback"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id", sa_column_kwargs={"unique": True})
    rating: int
    comment: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OneToOne(SQLModel, table=True):
    """Two members met to learn each other's business."""

    __tablename__ = "one_to_one"
    __table_args__ = (
        sa.CheckConstraint("member_a_id <> member_b_id", name="not_self"),
        sa.Index(None, "member_a_id", "held_on"),
        sa.Index(None, "member_b_id", "held_on"),
        sa.Index(None, "external_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_a_id: int = Field(foreign_key="member.id")
    member_b_id: int = Field(foreign_key="member.id")
    network_id: int | None = Field(default=None, foreign_key="network.id")
    held_on: date = Field(sa_type=StoredDate)
    note: str | None = None
    other_network_id: int | None = Field(default=None, foreign_key="network.id")
    """As on an exchange: the chapter of the party from another chapter (revision 0005)."""
    external_id: str | None = Field(default=None)
    """Set for one-to-ones imported from BNI Connect, so a re-import adds nothing."""


class BoardPost(SQLModel):
    """The columns an ask and an offer share: a topic on the board, open until answered."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="network.id")
    topic: str
    details: str | None = None
    status: str = Field(default=RequestStatus.OPEN)
    answered_by: int | None = Field(default=None, foreign_key="exchange.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Ask(BoardPost, table=True):
    """An open request for help, answered by a help exchange to the asker."""

    __tablename__ = "ask"
    __table_args__ = (sa.CheckConstraint(_in("status", RequestStatus), name="status"),)


class Offer(BoardPost, table=True):
    """An offer of expertise, taken up by a help exchange from the offering member."""

    __tablename__ = "offer"
    __table_args__ = (sa.CheckConstraint(_in("status", RequestStatus), name="status"),)


class AttendanceStatus(StrEnum):
    """BNI's PALMS: how a member attended a meeting."""

    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    MEDICAL = "medical"
    SUBSTITUTE = "substitute"


class Attendance(SQLModel, table=True):
    """How one member attended one meeting (revision 0005); one row per member and meeting."""

    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "member_id"),
        sa.CheckConstraint(_in("status", AttendanceStatus), name="status"),
        sa.Index(None, "member_id", "meeting_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    member_id: int = Field(foreign_key="member.id")
    status: str
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Visitor(SQLModel, table=True):
    """A visitor a member brought to a network's meeting (revision 0005).

    ``name`` is empty for a visitor counted from a BNI Visitor slip that names nobody.
    """

    __tablename__ = "visitor"
    __table_args__ = (
        sa.Index(None, "network_id", "visited_on"),
        sa.Index(None, "invited_by", "visited_on"),
        sa.Index(None, "external_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    visited_on: date = Field(sa_type=StoredDate)
    name: str | None = None
    company: str | None = None
    invited_by: int = Field(foreign_key="member.id")
    other_network_id: int | None = Field(default=None, foreign_key="network.id")
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Ceu(SQLModel, table=True):
    """Continuing education credits a member earned (BNI's CEU), revision 0005."""

    __tablename__ = "ceu"
    __table_args__ = (
        sa.Index(None, "member_id", "earned_on"),
        sa.Index(None, "network_id", "earned_on"),
        sa.Index(None, "external_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    network_id: int = Field(foreign_key="network.id")
    earned_on: date = Field(sa_type=StoredDate)
    credits: float = Field(sa_type=MONEY)
    other_network_id: int | None = Field(default=None, foreign_key="network.id")
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ClosedBusiness(SQLModel, table=True):
    """A BNI TYFCB ("thank you for closed business"), revision 0005.

    ``member_id`` is the member thanked: the one whose referral brought the business, who
    is credited with the amount in PALMS. ``thanked_by`` closed the business (BNI Connect
    often leaves it out). ``exchange_id`` is the referral it was matched to, which then
    carries a ``won`` step of the same amount (see docs/bni.md).
    """

    __tablename__ = "closed_business"
    __table_args__ = (
        sa.Index(None, "member_id", "closed_on"),
        sa.Index(None, "network_id", "closed_on"),
        sa.Index(None, "external_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id")
    member_id: int = Field(foreign_key="member.id")
    thanked_by: int | None = Field(default=None, foreign_key="member.id")
    exchange_id: int | None = Field(default=None, foreign_key="exchange.id", index=True)
    closed_on: date = Field(sa_type=StoredDate)
    amount: float = Field(sa_type=MONEY)
    other_network_id: int | None = Field(default=None, foreign_key="network.id")
    external_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PalmsBaseline(SQLModel, table=True):
    """BNI Connect's own PALMS figures for one member and period (revision 0005), kept so
    a report can set them beside the ones Reciprocity computes."""

    __tablename__ = "palms_baseline"
    __table_args__ = (sa.UniqueConstraint("network_id", "member_id", "period_start", "period_end"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    period_start: date = Field(sa_type=StoredDate)
    period_end: date = Field(sa_type=StoredDate)
    present: int = 0
    absent: int = 0
    late: int = 0
    medical: int = 0
    substitute: int = 0
    referrals_given_inside: int = 0
    referrals_given_outside: int = 0
    referrals_received_inside: int = 0
    referrals_received_outside: int = 0
    visitors: int = 0
    one_to_ones: int = 0
    tyfcb: float = Field(default=0, sa_type=MONEY)
    ceu: float = Field(default=0, sa_type=MONEY)
    custom: str | None = None


class SignInEvent(StrEnum):
    """What the sign-in log records."""

    SIGNED_IN = "signed_in"
    FAILED = "failed"
    LOCKED = "locked"
    REFUSED = "refused"
    PASSWORD_SET = "password_set"
    INVITED = "invited"
    REVOKED = "revoked"
    UNLOCKED = "unlocked"
    SIGNED_OUT = "signed_out"
    TIMED_OUT = "timed_out"


class Credential(SQLModel, table=True):
    """How a member signs in to the served app (revision 0007).

    Only argon2id hashes are stored, never a password or a code. ``failed_count`` counts
    wrong passwords in a row; at five, ``locked_until`` holds the member out for 15 minutes,
    even against the right password. A member without a row has never been invited.
    """

    __tablename__ = "credential"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    password_hash: str | None = None
    password_set_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_count: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A one-time code that lets a member choose a password; one per member at most."""

    __tablename__ = "invitation"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    code_hash: str
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="member.id")


class SignIn(SQLModel, table=True):
    """One line of the sign-in log: who, when, what happened (never what was typed)."""

    __tablename__ = "sign_in"
    __table_args__ = (
        sa.CheckConstraint(_in("event", SignInEvent), name="event"),
        sa.Index(None, "member_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    event: str
    by_id: int | None = Field(default=None, foreign_key="member.id")


TABLES_IN_DEPENDENCY_ORDER: tuple[type[SQLModel], ...] = (
    Network,
    Member,
    Membership,
    OtherCost,
    Meeting,
    Exchange,
    Followup,
    Feedback,
    OneToOne,
    Ask,
    Offer,
    Attendance,
    Visitor,
    Ceu,
    ClosedBusiness,
    PalmsBaseline,
)
"""Every ledger table, parents before children: the order to load or dump the whole ledger.

The sign-in tables (:class:`Credential`, :class:`Invitation`, :class:`SignIn`) are not
ledger data and stay out: an exported folder never carries a password hash, and after
``import all`` members are invited again. ``db backup`` copies them with the file."""
