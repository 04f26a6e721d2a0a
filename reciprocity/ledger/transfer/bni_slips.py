"""BNI Connect's Slips Audit Report into the ledger: referrals, one-to-ones, TYFCBs, CEUs and
visitors of one chapter and period. docs/bni.md describes the mapping for users.

The report has no dates and names people, not ids. So the importer is told the chapter
(``network``) and the period the report was exported for, dates every row with the
chapter's first meeting in that period (else the period's first day), and matches names
on normalised whitespace and case. A person from another chapter (the row's Detail names
it) is a member of a network for that chapter, never refused for sharing no network; the
row is kept, counted and marked with ``other_network_id``.

What this module must never do:

- Write part of a file. Every row of every file is checked first; one bad row means
  nothing is written, and every bad row is reported as ``line N: …``.
- Import a slip twice. Each row's ``external_id`` is a digest of the chapter, the period
  and the row's cleaned cells, plus how many identical rows came before it in its file:
  importing the same report again (or its ``.xlsx`` or ``.csv`` re-save) adds nothing,
  while two identical referrals in one week are both kept.
- Query per row. Names, memberships, known keys and open referrals are read once; rows
  are written with Core ``executemany`` in one transaction.
"""

import hashlib
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import N_, Phrase, Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import get_network
from reciprocity.ledger.roles import require_organiser_of
from reciprocity.ledger.rules import (
    NAME_MAX,
    check_amount,
    check_name,
    check_not_future,
    is_member_on,
    line_problem,
    require_text,
)
from reciprocity.ledger.slips import check_credits, check_period, tidy_name
from reciprocity.ledger.transfer.csvfiles import (
    BATCH_ROWS,
    EXCHANGE_TABLE,
    MEMBER_TABLE,
    MEMBERSHIP_TABLE,
    NETWORK_TABLE,
    parse_number,
    rejected,
    write_in_one_transaction,
)
from reciprocity.ledger.transfer.spreadsheets import rows_under_header
from reciprocity.store.models import (
    DEFAULT_WEIGHTS,
    Ceu,
    ClosedBusiness,
    ExchangeKind,
    Followup,
    FollowupStatus,
    Meeting,
    NetworkKind,
    OneToOne,
    ReferralType,
    Role,
    Visitor,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

SLIP_HEADER: tuple[str, ...] = (
    "From",
    "To",
    "Slip Type",
    "Inside/Outside",
    "TYFCB Amount",
    "CEU Credits",
    "Detail",
)
"""The Slips Audit Report's columns, in BNI Connect's order."""

SLIP_TYPES: tuple[str, ...] = ("Referral", "One-to-One", "TYFCB", "CEU", "Visitor")
"""BNI Connect's slip types, as the summary names them."""
_TYPE_BY_KEY = {
    "referral": "Referral",
    "one-to-one": "One-to-One",
    "one to one": "One-to-One",
    "1-2-1": "One-to-One",
    "tyfcb": "TYFCB",
    "ceu": "CEU",
    "visitor": "Visitor",
}
_TIERS = {
    "tier 1 (inside)": ReferralType.INSIDE,
    "tier 2 (outside)": ReferralType.OUTSIDE,
    "inside": ReferralType.INSIDE,
    "outside": ReferralType.OUTSIDE,
}
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
KEY_PREFIX = "bni:"
TYFCB_NOTE = "Closed business from BNI Connect (TYFCB)"

ONE_TO_ONE_TABLE = table_of(OneToOne)
VISITOR_TABLE = table_of(Visitor)
CEU_TABLE = table_of(Ceu)
CLOSED_TABLE = table_of(ClosedBusiness)
FOLLOWUP_TABLE = table_of(Followup)
MEETING_TABLE = table_of(Meeting)


@dataclass(frozen=True)
class SlipImport:
    """What a slips import did (or, on a dry run, would do).

    ``slips`` counts per slip type the rows read, the rows ``added`` and those
    ``already_present``; ``cross_chapter`` counts rows with a person from another chapter.
    """

    files: list[str]
    network: str
    period_start: date
    period_end: date
    dated_on: date
    rows: int
    added: int
    already_present: int
    cross_chapter: int
    tyfcb_matched: int
    slips: dict[str, dict[str, int]]
    members_added: list[str]
    networks_added: list[str]
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` summary: every field, by name."""
        return asdict(self)


@dataclass
class _Row:
    """One checked slip, its people as ledger ids (negative: made by this import)."""

    kind: str
    key: str
    first: int | None
    second: int | None
    referral_type: str | None = None
    amount: float | None = None
    credits: float | None = None
    visitor: str | None = None
    other: int | None = None


@dataclass
class _People:
    """Members, networks and memberships, read once; new ones get negative ids."""

    network_id: int
    network_name: str
    day: date
    create: bool
    members: dict[str, tuple[int, str]]
    networks: dict[str, tuple[int, str]]
    spans: dict[tuple[int, int], tuple[date | None, date | None]]
    new_members: dict[int, str] = field(default_factory=dict)
    new_networks: dict[int, str] = field(default_factory=dict)
    new_memberships: set[tuple[int, int]] = field(default_factory=set)

    def member_of(self, member_id: int, network_id: int) -> bool:
        if (member_id, network_id) in self.new_memberships:
            return True
        span = self.spans.get((member_id, network_id))
        return span is not None and is_member_on(*span, self.day)

    def find(self, raw: str, *, role: str) -> tuple[int, str] | None:
        name = require_text(tidy_name(raw), field=role, limit=NAME_MAX)
        return self.members.get(name_key(name))

    def create_member(self, raw: str) -> tuple[int, str]:
        name = check_name(tidy_name(raw), field="member name")
        made = (-(len(self.new_members) + 1), name)
        self.members[name_key(name)] = made
        self.new_members[made[0]] = name
        return made

    def chapter(self, detail: str) -> tuple[int, str] | None:
        """The network a row's Detail names, if it names another chapter than this one."""
        name = tidy_name(detail)
        if not name:
            return None
        key = name_key(name)
        own = name_key(self.network_name)
        if key == own or name_key(name.split(",")[0]) == own:
            return (self.network_id, self.network_name)
        found = self.networks.get(key)
        if found is not None:
            return found
        require_text(name, field="network name", limit=NAME_MAX)
        if not self.create:
            raise LedgerError(
                "bni.unknown_chapter",
                "No network is named '{chapter}' (the chapter the row's Detail names); rerun "
                "with --create-members to add it.",
                field="file",
                chapter=name,
            )
        made = (-(len(self.new_networks) + 1), name)
        self.networks[key] = made
        self.new_networks[made[0]] = name
        return made


def _dated_on(session: Session, network_id: int, start: date, end: date) -> tuple[date, int | None]:
    """The chapter's first meeting in the period (its day and id), else the period's start."""
    found = session.execute(
        sa.select(MEETING_TABLE.c.held_on, MEETING_TABLE.c.id)
        .where(
            MEETING_TABLE.c.network_id == network_id,
            MEETING_TABLE.c.held_on >= start,
            MEETING_TABLE.c.held_on <= end,
        )
        .order_by(MEETING_TABLE.c.held_on, MEETING_TABLE.c.id)
        .limit(1)
    ).first()
    return (start, None) if found is None else (found[0], found[1])


def _load_people(
    session: Session, *, network_id: int, name: str, day: date, create: bool
) -> _People:
    return _People(
        network_id=network_id,
        network_name=name,
        day=day,
        create=create,
        members={
            name_key(member): (member_id, member)
            for member_id, member in session.execute(
                sa.select(MEMBER_TABLE.c.id, MEMBER_TABLE.c.name)
            )
        },
        networks={
            name_key(network): (found_id, network)
            for found_id, network in session.execute(
                sa.select(NETWORK_TABLE.c.id, NETWORK_TABLE.c.name)
            )
        },
        spans={
            (member_id, found_id): (joined, left)
            for member_id, found_id, joined, left in session.execute(
                sa.select(
                    MEMBERSHIP_TABLE.c.member_id,
                    MEMBERSHIP_TABLE.c.network_id,
                    MEMBERSHIP_TABLE.c.joined_on,
                    MEMBERSHIP_TABLE.c.left_on,
                )
            )
        },
    )


def _known_keys(session: Session) -> set[str]:
    """Every BNI key the ledger holds already, in any of the tables slips go to."""
    keys: set[str] = set()
    for table in (EXCHANGE_TABLE, ONE_TO_ONE_TABLE, VISITOR_TABLE, CEU_TABLE, CLOSED_TABLE):
        keys.update(
            session.scalars(
                sa.select(table.c.external_id).where(table.c.external_id.like(f"{KEY_PREFIX}%"))
            )
        )
    return keys


def _text(cell: str) -> str:
    return " ".join(cell.split())


def bni_number(raw: str, *, label: str) -> float:
    """A number as BNI Connect or Excel writes it: ``850.00``, ``1,200.50`` or ``2``."""
    text = raw.strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return parse_number(text, field=label)


class _SlipChecker:
    """Checks rows one by one against what the ledger holds, never querying per row."""

    def __init__(self, people: _People, *, network_id: int, start: date, end: date) -> None:
        self.people = people
        self.scope = f"{network_id}|{start.isoformat()}|{end.isoformat()}"

    def key(self, cells: tuple[str, ...], kind: str, seen: Counter[str]) -> str:
        """The row's idempotency key: a digest of what it says, and its repeat number."""
        digest = hashlib.sha256(
            "\x1f".join((self.scope, kind, *(name_key(cell) for cell in cells))).encode()
        ).hexdigest()[:40]
        seen[digest] += 1
        return f"{KEY_PREFIX}{digest}:{seen[digest]}"

    def check(self, cells: list[str], seen: Counter[str]) -> _Row:
        giver, receiver, kind_raw, tier, amount, credits, detail = cells[:7]
        kind = _TYPE_BY_KEY.get(_text(kind_raw).casefold())
        if kind is None:
            raise LedgerError(
                "bni.unknown_slip_type",
                "The slip type '{slip_type}' is not one of: {types}.",
                field="slip_type",
                slip_type=_text(kind_raw),
                types=", ".join(SLIP_TYPES),
            )
        row = _Row(kind=kind, key="", first=None, second=None)
        clean_amount = clean_credits = ""
        if kind == "Referral":
            self._need(receiver, kind, "To")
            self._need(giver, kind, "From")
            found = _TIERS.get(_text(tier).casefold())
            if found is None:
                raise LedgerError(
                    "bni.unknown_tier",
                    "The Inside/Outside '{tier}' of a Referral is not Tier 1 (inside) or "
                    "Tier 2 (outside).",
                    field="referral_type",
                    tier=_text(tier),
                )
            row.referral_type = found.value
        elif kind == "One-to-One":
            self._need(giver, kind, "From")
            self._need(receiver, kind, "To")
        elif kind == "TYFCB":
            self._need(receiver, kind, "To")
            self._need(amount, kind, "TYFCB Amount")
            row.amount = check_amount(
                bni_number(amount, label="TYFCB amount"), field="TYFCB amount"
            )
            clean_amount = f"{row.amount:.2f}"
        elif kind == "CEU":
            self._need(giver, kind, "From")
            self._need(credits, kind, "CEU Credits")
            row.credits = check_credits(bni_number(credits, label="CEU credits"))
            clean_credits = f"{row.credits:.2f}"
        else:
            self._need(giver, kind, "From")
            visitor = tidy_name(receiver)
            row.visitor = require_text(visitor, field="member name") if visitor else None
        people = self._people(kind, giver, receiver, detail)
        row.first, row.second, row.other = people
        cleaned = (giver, receiver, row.referral_type or "", clean_amount, clean_credits, detail)
        row.key = self.key(cleaned, kind, seen)
        return row

    @staticmethod
    def _need(cell: str, kind: str, column: str) -> None:
        if not cell.strip():
            raise LedgerError(
                "bni.cell_empty",
                "A {slip_type} slip needs its {column}; this row leaves it empty.",
                field=column.lower().replace(" ", "_").replace("/", "_"),
                slip_type=kind,
                column=column,
            )

    def _people(
        self, kind: str, giver: str, receiver: str, detail: str
    ) -> tuple[int | None, int | None, int | None]:
        """The row's people as ids, and the other chapter's network if one belongs there."""
        slots: list[tuple[str, str]] = []
        if giver.strip():
            slots.append((giver, "giver"))
        if kind in {"Referral", "One-to-One", "TYFCB"} and receiver.strip():
            slots.append((receiver, "receiver"))
        found = [self.people.find(raw, role=role) for raw, role in slots]
        own = self.people.network_id
        outside = {
            index
            for index, person in enumerate(found)
            if person is None or not self.people.member_of(person[0], own)
        }
        if len(slots) == 2 and len(outside) == 2:
            raise LedgerError(
                "bni.nobody_in_chapter",
                "Neither {first} nor {second} is a member of {network}; a slip in its report "
                "has at least one.",
                field="giver",
                first=tidy_name(giver),
                second=tidy_name(receiver),
                network=self.people.network_name,
            )
        other: int | None = None
        chapter: str | None = None
        if outside:
            named = self.people.chapter(detail)
            if named is not None and named[0] != own:
                other, chapter = named
        ids: list[int | None] = [None, None]
        for index, (raw, role) in enumerate(slots):
            person = found[index]
            if index in outside:
                person = self._place(raw, role, person, own if other is None else other, chapter)
            assert person is not None
            ids[0 if role == "giver" else 1] = person[0]
        if ids[0] is not None and ids[0] == ids[1]:
            raise LedgerError(
                "exchange.self",
                "{name} cannot give to themselves; giver and receiver must differ.",
                field="receiver",
                name=tidy_name(giver),
            )
        return ids[0], ids[1], other

    def _place(
        self,
        raw: str,
        role: str,
        person: tuple[int, str] | None,
        network_id: int,
        chapter: str | None,
    ) -> tuple[int, str]:
        """A person not in this chapter, made a member of ``network_id`` if allowed."""
        people = self.people
        if person is not None and people.member_of(person[0], network_id):
            return person
        if not people.create:
            if person is None:
                raise LedgerError(
                    "import.unknown_member",
                    "No member is named '{name}'; rerun with --create-members or add them first.",
                    field=role,
                    name=tidy_name(raw),
                )
            if chapter is None:
                raise LedgerError(
                    "network.not_member_on",
                    "{member} is not a member of {network} on {day}.",
                    field=role,
                    member=person[1],
                    network=people.network_name,
                    day=people.day.isoformat(),
                )
            raise LedgerError(
                "bni.not_in_chapter",
                "{member} is not a member of {chapter} (the chapter the row's Detail names); "
                "rerun with --create-members to add them.",
                field=role,
                member=person[1],
                chapter=chapter,
            )
        if person is None:
            person = people.create_member(raw)
        elif chapter is None:
            raise LedgerError(
                "network.not_member_on",
                "{member} is not a member of {network} on {day}.",
                field=role,
                member=person[1],
                network=people.network_name,
                day=people.day.isoformat(),
            )
        people.new_memberships.add((person[0], network_id))
        return person


def import_bni_slips(
    *,
    session: Session,
    paths: Iterable[str | Path],
    network_id: int,
    start: date,
    end: date,
    create_members: bool = False,
    dry_run: bool = False,
    acting_id: int | None = None,
    today: date | None = None,
) -> SlipImport:
    """Check every row of one or more Slips Audit Reports of a chapter, then add the new
    ones in one transaction.

    Only an organiser of the chapter's network (or the local owner) imports its slips.
    Raises :class:`~reciprocity.ledger.errors.ImportRejected` listing every bad row, or a
    :class:`LedgerError` for a file that cannot be read; the database is then unchanged.
    """
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(N_("import BNI Connect slips into {network}"), network=network.name),
    )
    check_period(start, end)
    day, meeting_id = _dated_on(session, network_id, start, end)
    check_not_future(day, what="date", today=today)
    sources = [Path(path).expanduser() for path in paths]
    people = _load_people(
        session, network_id=network_id, name=network.name, day=day, create=create_members
    )
    checker = _SlipChecker(people, network_id=network_id, start=start, end=end)
    known = _known_keys(session)
    problems: list[str] = []
    fresh: list[_Row] = []
    counts = {kind: {"rows": 0, "added": 0, "already_present": 0} for kind in SLIP_TYPES}
    cross = 0
    several = len(sources) > 1
    for source in sources:
        _header, rows = rows_under_header(
            source, SLIP_HEADER, report=Term("BNI Connect Slips Audit Report")
        )
        seen: Counter[str] = Counter()
        for line, cells in rows:
            try:
                row = checker.check(cells, seen)
            except LedgerError as error:
                problems.append(line_problem(line, error, file=source.name if several else None))
                continue
            counts[row.kind]["rows"] += 1
            cross += row.other is not None
            if row.key in known:
                counts[row.kind]["already_present"] += 1
                continue
            known.add(row.key)
            counts[row.kind]["added"] += 1
            fresh.append(row)
    if problems:
        raise rejected(sources[0].name if len(sources) == 1 else "The files", problems)
    plan = _Plan(session, people, network_id=network_id, day=day, meeting_id=meeting_id)
    matched = plan.match_tyfcbs(fresh)
    if not dry_run and fresh:
        write_in_one_transaction(session, lambda: plan.write(fresh, created_by=acting_id))
    return SlipImport(
        files=[str(source) for source in sources],
        network=network.name,
        period_start=start,
        period_end=end,
        dated_on=day,
        rows=sum(count["rows"] for count in counts.values()),
        added=len(fresh),
        already_present=sum(count["already_present"] for count in counts.values()),
        cross_chapter=cross,
        tyfcb_matched=matched,
        slips=counts,
        members_added=list(people.new_members.values()),
        networks_added=list(people.new_networks.values()),
        dry_run=dry_run,
    )


class _Plan:
    """Turns checked rows into table rows and writes them, new people first."""

    def __init__(
        self,
        session: Session,
        people: _People,
        *,
        network_id: int,
        day: date,
        meeting_id: int | None,
    ) -> None:
        self.session = session
        self.people = people
        self.network_id = network_id
        self.day = day
        self.meeting_id = meeting_id
        self.matches: dict[int, tuple[str, Any]] = {}
        """Row index of a TYFCB → ``("ledger", referral id)`` or ``("row", row index)``."""

    def _open_referrals(self) -> dict[tuple[int, int], deque[int]]:
        """Live referrals of the chapter by (giver, receiver), oldest first, that could still
        be won on the import's day and carry no TYFCB yet."""
        steps = FOLLOWUP_TABLE.c
        ended = (
            sa.select(steps.exchange_id)
            .where(
                steps.status.in_(
                    [FollowupStatus.WON, FollowupStatus.LOST, FollowupStatus.NO_RESPONSE]
                )
            )
            .scalar_subquery()
        )
        later = sa.select(steps.exchange_id).where(steps.occurred_on > self.day).scalar_subquery()
        thanked = (
            sa.select(CLOSED_TABLE.c.exchange_id)
            .where(CLOSED_TABLE.c.exchange_id.is_not(None))
            .scalar_subquery()
        )
        row = EXCHANGE_TABLE.c
        query = (
            sa.select(row.giver_id, row.receiver_id, row.id)
            .where(
                row.network_id == self.network_id,
                row.kind == ExchangeKind.REFERRAL,
                row.voided_at.is_(None),
                row.occurred_on <= self.day,
                row.id.not_in(ended),
                row.id.not_in(later),
                row.id.not_in(thanked),
            )
            .order_by(row.occurred_on, row.id)
        )
        found: dict[tuple[int, int], deque[int]] = {}
        for giver, receiver, referral in self.session.execute(query):
            found.setdefault((giver, receiver), deque()).append(referral)
        return found

    def match_tyfcbs(self, rows: list[_Row]) -> int:
        """Pair each new TYFCB that names who thanked with an open referral from the member
        thanked to them: the ledger's oldest first, then one of the same import."""
        wanting = [
            index
            for index, row in enumerate(rows)
            if row.kind == "TYFCB" and row.first is not None and row.second is not None
        ]
        if not wanting:
            return 0
        ledger = self._open_referrals()
        in_file: dict[tuple[int, int], deque[int]] = {}
        for index, row in enumerate(rows):
            if row.kind == "Referral":
                assert row.first is not None and row.second is not None
                in_file.setdefault((row.first, row.second), deque()).append(index)
        for index in wanting:
            row = rows[index]
            assert row.first is not None and row.second is not None
            # The member thanked (To) gave the referral to the one who closed it (From).
            pair = (row.second, row.first)
            if ledger.get(pair):
                self.matches[index] = ("ledger", ledger[pair].popleft())
            elif in_file.get(pair):
                self.matches[index] = ("row", in_file[pair].popleft())
        return len(self.matches)

    def write(self, rows: list[_Row], *, created_by: int | None) -> None:
        now = utcnow()
        session = self.session
        networks = self._insert_named(
            NETWORK_TABLE,
            self.people.new_networks,
            lambda name: {
                "name": name,
                "kind": NetworkKind.REFERRAL_CLUB.value,
                "weights": dict(DEFAULT_WEIGHTS),
                "sla_days": 2,
                "active": True,
                "created_at": now,
                "currency": "EUR",
            },
        )
        members = self._insert_named(
            MEMBER_TABLE,
            self.people.new_members,
            lambda name: {"name": name, "active": True, "created_at": now},
        )

        def member(ref: int | None) -> int | None:
            return None if ref is None else members.get(ref, ref)

        def place(ref: int | None) -> int | None:
            return None if ref is None else networks.get(ref, ref)

        if self.people.new_memberships:
            session.execute(
                sa.insert(MEMBERSHIP_TABLE),
                [
                    {
                        "member_id": member(person),
                        "network_id": place(network),
                        "role": Role.MEMBER.value,
                        "joined_on": None,
                        "left_on": None,
                    }
                    for person, network in sorted(self.people.new_memberships)
                ],
            )
        base = {"network_id": self.network_id, "created_at": now}
        referral_ids = self._insert_referrals(rows, member, place, created_by, now)
        batches: dict[sa.Table, list[dict[str, Any]]] = {
            ONE_TO_ONE_TABLE: [],
            VISITOR_TABLE: [],
            CEU_TABLE: [],
            CLOSED_TABLE: [],
            FOLLOWUP_TABLE: [],
        }
        for index, row in enumerate(rows):
            common = {"other_network_id": place(row.other), "external_id": row.key}
            if row.kind == "One-to-One":
                batches[ONE_TO_ONE_TABLE].append(
                    {
                        "member_a_id": member(row.first),
                        "member_b_id": member(row.second),
                        "network_id": self.network_id,
                        "held_on": self.day,
                        "note": None,
                        **common,
                    }
                )
            elif row.kind == "Visitor":
                batches[VISITOR_TABLE].append(
                    {
                        **base,
                        "meeting_id": self.meeting_id,
                        "visited_on": self.day,
                        "name": row.visitor,
                        "company": None,
                        "invited_by": member(row.first),
                        **common,
                    }
                )
            elif row.kind == "CEU":
                batches[CEU_TABLE].append(
                    {
                        **base,
                        "member_id": member(row.first),
                        "earned_on": self.day,
                        "credits": row.credits,
                        **common,
                    }
                )
            elif row.kind == "TYFCB":
                referral = self._matched(index, referral_ids)
                batches[CLOSED_TABLE].append(
                    {
                        **base,
                        "member_id": member(row.second),
                        "thanked_by": member(row.first),
                        "exchange_id": referral,
                        "closed_on": self.day,
                        "amount": row.amount,
                        **common,
                    }
                )
                if referral is not None:
                    batches[FOLLOWUP_TABLE].append(
                        {
                            "exchange_id": referral,
                            "status": FollowupStatus.WON.value,
                            "occurred_on": self.day,
                            "value": row.amount,
                            "business": "new",
                            "note": TYFCB_NOTE,
                            "created_at": now,
                        }
                    )
        for table, batch in batches.items():
            for start in range(0, len(batch), BATCH_ROWS):
                session.execute(sa.insert(table), batch[start : start + BATCH_ROWS])

    def _matched(self, index: int, referral_ids: dict[int, int]) -> int | None:
        found = self.matches.get(index)
        if found is None:
            return None
        where, ref = found
        return int(ref) if where == "ledger" else referral_ids[int(ref)]

    def _insert_named(
        self, table: sa.Table, names: dict[int, str], values: Callable[[str], dict[str, Any]]
    ) -> dict[int, int]:
        """Insert rows made by this import; their placeholder ids → the ids the database gave."""
        if not names:
            return {}
        placeholders = list(names)
        inserted = self.session.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values(names[placeholder]) for placeholder in placeholders],
        )
        return dict(zip(placeholders, inserted.scalars(), strict=True))

    def _insert_referrals(
        self,
        rows: list[_Row],
        member: Callable[[int | None], int | None],
        place: Callable[[int | None], int | None],
        created_by: int | None,
        now: Any,
    ) -> dict[int, int]:
        """Insert the referrals; the row index of each one a TYFCB matched → its new id."""
        wanted = {int(ref) for where, ref in self.matches.values() if where == "row"}
        indexes = [index for index, row in enumerate(rows) if row.kind == "Referral"]
        values = [
            {
                "external_id": rows[index].key,
                "kind": ExchangeKind.REFERRAL.value,
                "giver_id": member(rows[index].first),
                "receiver_id": member(rows[index].second),
                "network_id": self.network_id,
                "other_network_id": place(rows[index].other),
                "meeting_id": self.meeting_id,
                "occurred_on": self.day,
                "referral_type": rows[index].referral_type,
                "created_at": now,
                "created_by": created_by,
            }
            for index in indexes
        ]
        if not values:
            return {}
        if not wanted:
            for start in range(0, len(values), BATCH_ROWS):
                self.session.execute(sa.insert(EXCHANGE_TABLE), values[start : start + BATCH_ROWS])
            return {}
        inserted = self.session.execute(
            sa.insert(EXCHANGE_TABLE).returning(EXCHANGE_TABLE.c.id, sort_by_parameter_order=True),
            values,
        )
        return dict(zip(indexes, inserted.scalars(), strict=True))
