"""The exchanges file: one row per give, members and networks by name, idempotent by
``external_id``. See ``docs/csv-formats.md``.
"""

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import N_, Phrase, Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import new_external_id
from reciprocity.ledger.roles import organised_network_ids, organiser_phrase
from reciprocity.ledger.rules import (
    NAME_MAX,
    SHORT_TEXT_MAX,
    IntroductionHalf,
    check_choice,
    check_introduction_pairs,
    check_name,
    check_not_future,
    check_not_self,
    check_void_moment,
    clean_exchange_fields,
    clean_text,
    close_names,
    is_member_on,
    latest_today,
    line_problem,
    parse_date,
    require_text,
)
from reciprocity.ledger.transfer.csvfiles import (
    BATCH_ROWS,
    EXCHANGE_TABLE,
    MEMBER_TABLE,
    MEMBERSHIP_TABLE,
    NETWORK_TABLE,
    REBUILD_INDEXES_FROM,
    THIRD_PARTY_COLUMNS,
    cell_formatters,
    parse_int,
    parse_moment,
    parse_number,
    read_data_rows,
    rejected,
    secondary_indexes_rebuilt,
    stream_rows,
    write_csv,
    write_in_one_transaction,
    wrong_width,
)
from reciprocity.store.models import (
    ExchangeKind,
    ReferralType,
    Role,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.types import utcnow

T = TypeVar("T")

# --- Exchanges by name ----------------------------------------------------------------------

EXCHANGE_COLUMNS: tuple[str, ...] = (
    "external_id",
    "kind",
    "giver",
    "receiver",
    "network",
    "occurred_on",
    "summary",
    "contact_name",
    "contact_details",
    "referral_type",
    "hotness",
    "estimated_value",
    "introduction_group",
    "voided_at",
    "void_reason",
)
"""The exchanges file's columns, in the order an export writes them."""

EXCHANGE_REQUIRED: tuple[str, ...] = ("kind", "giver", "receiver", "network", "occurred_on")

EXCHANGE_KEYS: tuple[str, ...] = tuple(
    f"{column}_id" if column in ("giver", "receiver", "network") else column
    for column in EXCHANGE_COLUMNS
)
"""The exchange columns a checked row fills, in the order of its tuple."""

SIMILAR_SCORE = 85
"""How alike (rapidfuzz ``ratio`` of the two keys, 0–100) a new name may be to a member's
before ``--create-members`` asks for ``--allow-similar``: "Jan Jansen" and "Jan Janssen"
score 95, "Anna de Vries" and "Ana de Vries" 96, "Bob Jansen" and "Eva Visser" 30."""


@dataclass(frozen=True)
class ExchangeImport:
    """What an exchanges import did (or, on a dry run, would do)."""

    file: str
    rows: int
    added: int
    already_present: int
    members_added: list[str]
    dry_run: bool
    identical_rows: list[tuple[int, int]] = field(default_factory=list)
    """Rows without an ``external_id`` that repeat an earlier row cell for cell, as
    ``(earlier line, line)``: each is added, so a dry run names them."""

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` summary: every field, by name."""
        return asdict(self)


class _Memo(Generic[T]):
    """A pure check remembered by its raw text: a large file repeats the same few values."""

    def __init__(self, check: Callable[[str], T]) -> None:
        self._check = check
        self._seen: dict[str, T] = {}

    def __call__(self, raw: str) -> T:
        try:
            return self._seen[raw]
        except KeyError:
            value = self._seen[raw] = self._check(raw)
            return value


class _ExchangeChecker:
    """Checks exchange rows against the ledger loaded once; never queries per row.

    Members the file creates (``--create-members``) get negative placeholder ids until
    they are written, so the self-give check and memberships work before they exist.
    """

    def __init__(
        self,
        session: Session,
        *,
        create_members: bool,
        allow_similar: bool,
        writer_id: int | None,
        today: date | None,
    ) -> None:
        self.create_members = create_members
        self.allow_similar = allow_similar
        self.members: dict[str, tuple[int, str]] = {
            key: (member_id, name)
            for member_id, name, key in session.execute(
                sa.select(MEMBER_TABLE.c.id, MEMBER_TABLE.c.name, MEMBER_TABLE.c.name_key)
            )
        }
        self.networks: dict[str, tuple[int, str]] = {
            key: (network_id, name)
            for network_id, name, key in session.execute(
                sa.select(NETWORK_TABLE.c.id, NETWORK_TABLE.c.name, NETWORK_TABLE.c.name_key)
            )
        }
        # Who writes, and where they organise: the rules of ``log``, read once for the file.
        self.writer_id = writer_id
        self.organised: set[int] = (
            set()
            if writer_id is None
            else organised_network_ids(session=session, member_id=writer_id)
        )
        self._refused: dict[str, LedgerError] = {}
        self._keys: list[str] | None = None
        self.memberships: dict[tuple[int, int], tuple[date | None, date | None]] = {
            (member_id, network_id): (joined_on, left_on)
            for member_id, network_id, joined_on, left_on in session.execute(
                sa.select(
                    MEMBERSHIP_TABLE.c.member_id,
                    MEMBERSHIP_TABLE.c.network_id,
                    MEMBERSHIP_TABLE.c.joined_on,
                    MEMBERSHIP_TABLE.c.left_on,
                )
            )
        }
        self.present: set[str] = set(session.scalars(sa.select(EXCHANGE_TABLE.c.external_id)))
        self.first_line: dict[str, int] = {}
        self.introductions: dict[str, list[IntroductionHalf]] = {}
        self.stored_groups: dict[str, list[IntroductionHalf]] = {}
        for group, giver_id, network_id, day in session.execute(
            sa.select(
                EXCHANGE_TABLE.c.introduction_group,
                EXCHANGE_TABLE.c.giver_id,
                EXCHANGE_TABLE.c.network_id,
                EXCHANGE_TABLE.c.occurred_on,
            ).where(EXCHANGE_TABLE.c.introduction_group.is_not(None))
        ):
            self.stored_groups.setdefault(group, []).append((0, giver_id, network_id, day))
        self.new_members: dict[int, str] = {}
        self.new_memberships: dict[tuple[int, int], date] = {}
        self._names: dict[str, tuple[int, str]] = {}
        self._seen_free: dict[tuple[str, ...], dict[str, Any]] = {}
        self._places: dict[str, tuple[int, str]] = {}
        self._kinds = _Memo(lambda raw: check_choice(raw, field="kind", choices=ExchangeKind))
        self._referral_types = _Memo(
            lambda raw: check_choice(raw, field="referral type", choices=ReferralType)
        )
        # "today" is this machine's date; the future starts where no time zone has been.
        local, latest = today or date.today(), today or latest_today()
        self._dates = _Memo(
            lambda raw: check_not_future(
                parse_date(raw, field="date", today=local), what="date", today=latest
            )
        )

    def _member(self, raw: str, role: str) -> tuple[int, str]:
        found = self._names.get(raw)
        if found is not None:
            return found
        refused = self._refused.get(raw)
        if refused is not None:
            raise refused.for_field(role)
        try:
            found = self._find_or_plan_member(raw)
        except LedgerError as error:
            # A large file repeats a bad name on many rows: work its sentence out once.
            self._refused[raw] = error
            raise error.for_field(role) from None
        self._names[raw] = found
        return found

    def _find_or_plan_member(self, raw: str) -> tuple[int, str]:
        name = require_text(raw, field="member name", limit=NAME_MAX)
        key = name_key(name)
        found = self.members.get(key)
        if found is not None:
            return found
        if not self.create_members:
            close = close_names(name, [known for _, known in self.members.values()])
            raise (
                LedgerError(
                    "import.unknown_member_close",
                    "No member is named '{name}' (did you mean {close}?); rerun with "
                    "--create-members or add them first.",
                    name=name,
                    close=" or ".join(close),
                )
                if close
                else LedgerError(
                    "import.unknown_member",
                    "No member is named '{name}'; rerun with --create-members or add them first.",
                    name=name,
                    close=" or ".join(close),
                )
            )
        name = check_name(name, field="member name")
        if not self.allow_similar:
            self._refuse_similar(name, key)
        found = (-(len(self.new_members) + 1), name)
        self.members[key] = found
        self.new_members[found[0]] = name
        if self._keys is not None:
            insort(self._keys, key)
        return found

    def _refuse_similar(self, name: str, key: str) -> None:
        """A new name that starts an existing one, or is nearly one, is most likely that
        member mistyped: ``--create-members`` adds it only with ``--allow-similar``."""
        from rapidfuzz import fuzz, process

        if self._keys is None:
            self._keys = sorted(self.members)
        at = bisect_left(self._keys, key)
        similar = (
            self._keys[at] if at < len(self._keys) and self._keys[at].startswith(key) else None
        )
        if similar is None:
            best = process.extractOne(
                key, self._keys, scorer=fuzz.ratio, score_cutoff=SIMILAR_SCORE
            )
            similar = None if best is None else best[0]
        if similar is not None:
            raise LedgerError(
                "import.similar_member",
                "No member is named '{name}', but {similar} is close; use that name, or rerun "
                "with --allow-similar to add '{name}' as a new member.",
                name=name,
                similar=self.members[similar][1],
            )

    def _check_writer(
        self,
        kind: str,
        giving: tuple[int, str],
        receiving: tuple[int, str],
        place: tuple[int, str],
        *,
        voided: bool,
    ) -> None:
        """The rules of the direct commands, for the acting member, with no query: an
        organiser may do anything in their network; a member logs only what they give or
        receive, records as voided only what they gave, and adds no members."""
        writer = self.writer_id
        if writer is None or place[0] in self.organised:
            return
        organiser = organiser_phrase([place[1]])
        adding = Phrase(N_("add members to {network}"), network=place[1])
        for member in (giving, receiving):
            if member[0] < 0:
                raise LedgerError(
                    "role.organiser_of",
                    "Only {organiser} may {doing}.",
                    organiser=organiser,
                    doing=adding,
                )
        if writer not in (giving[0], receiving[0]):
            raise LedgerError(
                "role.log_exchange",
                "Only {names} or an organiser of {network} may log this {kind}: "
                "members log what they give or receive.",
                names=f"{giving[1]}, {receiving[1]}",
                network=place[1],
                kind=Term(kind),
            )
        if voided and writer != giving[0]:
            raise LedgerError(
                "role.import_voided",
                "Only its giver, {who}, or {organiser} may void this {kind}; leave voided_at "
                "and void_reason empty.",
                who=giving[1],
                organiser=organiser,
                kind=Term(kind),
            )

    def _network(self, raw: str) -> tuple[int, str]:
        found = self._places.get(raw)
        if found is not None:
            return found
        name = require_text(raw, field="network", limit=NAME_MAX)
        found = self.networks.get(name_key(name))
        if found is None:
            raise LedgerError(
                "name.unknown_network",
                "No network is named '{name}'; add it first with: {command}.",
                field="network",
                name=name,
                command=f'reciprocity network add "{name}"',
            )
        self._places[raw] = found
        return found

    def _require_membership(
        self, member: tuple[int, str], network: tuple[int, str], day: date | None, *, role: str
    ) -> None:
        span = self.memberships.get((member[0], network[0]))
        if span is not None:
            if day is None or is_member_on(*span, day):
                return
            raise LedgerError(
                "network.not_member_on",
                "{member} is not a member of {network} on {day}.",
                field=role,
                member=member[1],
                network=network[1],
                day=day.isoformat(),
            )
        if member[0] < 0:
            return  # a member this import creates joins the row's network (see check_row)
        raise LedgerError(
            "import.not_member",
            "{member} is not a member of {network}; add them with: {command}.",
            field=role,
            member=member[1],
            network=network[1],
            command=f'reciprocity member join "{member[1]}" "{network[1]}"',
        )

    def _free_fields(self, free: tuple[str, ...]) -> dict[str, Any]:
        """The cleaned free fields of a row, from its kind and raw cells (a pure function)."""
        (
            kind,
            summary,
            contact_name,
            contact_details,
            referral_type,
            hotness,
            estimated_value,
            introduction_group,
            voided_at,
            void_reason,
        ) = free
        fields: dict[str, Any] = {
            "summary": summary,
            "contact_name": contact_name,
            "contact_details": contact_details,
            "referral_type": self._referral_types(referral_type) if referral_type.strip() else None,
            "hotness": parse_int(hotness, field="hotness") if hotness.strip() else None,
            "estimated_value": (
                parse_number(estimated_value, field="estimated value")
                if estimated_value.strip()
                else None
            ),
            "introduction_group": introduction_group,
            "voided_at": parse_moment(voided_at, field="voided_at") if voided_at.strip() else None,
            "void_reason": void_reason,
        }
        clean_exchange_fields(kind, fields)
        if kind == ExchangeKind.REFERRAL and fields["referral_type"] is None:
            fields["referral_type"] = ReferralType.OUTSIDE.value  # log_referral's default
        return fields

    def check_row(self, line: int, cells: tuple[str, ...]) -> tuple[Any, ...] | None:
        """The row as values in :data:`EXCHANGE_KEYS` order, or ``None`` if already present."""
        (
            external_id,
            kind,
            giver,
            receiver,
            network,
            occurred_on,
            summary,
            contact_name,
            contact_details,
            referral_type,
            hotness,
            estimated_value,
            introduction_group,
            voided_at,
            void_reason,
        ) = cells
        clean_id = clean_text(external_id, field="external_id", limit=SHORT_TEXT_MAX)
        if clean_id is not None:
            first = self.first_line.setdefault(clean_id, line)
            if first != line:
                raise LedgerError(
                    "import.external_id_twice",
                    "The external_id '{external_id}' is also on line {first}; each exchange "
                    "needs its own.",
                    field="external_id",
                    external_id=clean_id,
                    first=first,
                )
            if clean_id in self.present:
                # The ledger already holds this exchange: re-importing adds nothing, and a
                # member renamed since the export must not make an old file fail.
                return None
        clean_kind = self._kinds(kind)
        giving = self._member(giver, "giver")
        receiving = self._member(receiver, "receiver")
        place = self._network(network)
        check_not_self(giving[0], receiving[0], name=giving[1])
        self._check_writer(clean_kind, giving, receiving, place, voided=bool(voided_at.strip()))
        when = self._dates(occurred_on)
        # A voided exchange has left the metrics: its members need a membership, not one
        # that covers its date.
        day = None if voided_at.strip() else when
        self._require_membership(giving, place, day, role="giver")
        self._require_membership(receiving, place, day, role="receiver")
        free = (
            clean_kind,
            summary,
            contact_name,
            contact_details,
            referral_type,
            hotness,
            estimated_value,
            introduction_group,
            voided_at,
            void_reason,
        )
        fields: dict[str, Any] | None = None
        if not (contact_name or contact_details):
            # Helps and introductions repeat a few stock summaries: clean each once (an
            # outside contact makes a row as good as unique, so those are not kept).
            fields = self._seen_free.get(free)
        if fields is None:
            fields = self._free_fields(free)
            if not (contact_name or contact_details):
                self._seen_free[free] = fields
        if fields["voided_at"] is not None:
            check_void_moment(fields["voided_at"], when)
        if fields["introduction_group"] is not None:
            group = fields["introduction_group"]
            if group not in self.introductions:
                self.introductions[group] = list(self.stored_groups.get(group, []))
            self.introductions[group].append((line, giving[0], place[0], when))
        for member_id in (giving[0], receiving[0]):
            if member_id < 0:
                key = (member_id, place[0])
                self.new_memberships[key] = min(self.new_memberships.get(key, when), when)
        return (
            clean_id or new_external_id(),
            clean_kind,
            giving[0],
            receiving[0],
            place[0],
            when,
            fields["summary"],
            fields["contact_name"],
            fields["contact_details"],
            fields["referral_type"],
            fields["hotness"],
            fields["estimated_value"],
            fields["introduction_group"],
            fields["voided_at"],
            fields["void_reason"],
        )


def import_exchanges(
    *,
    session: Session,
    path: str | Path,
    create_members: bool = False,
    allow_similar: bool = False,
    dry_run: bool = False,
    created_by: int | None = None,
    today: date | None = None,
) -> ExchangeImport:
    """Check every row of an exchanges file, then add the new ones in one transaction.

    ``created_by`` is the acting member (``None``: the ledger's owner), held to the rules of
    ``log`` row by row: a member imports only what they give or receive, and only an
    organiser of a row's network adds members there (``create_members``). A new name that
    starts or nearly matches a member's is refused unless ``allow_similar``.

    Raises :class:`ImportRejected` listing every bad row, or :class:`LedgerError` for a
    file that cannot be read; in both cases the database is unchanged.
    """
    source = Path(path).expanduser()
    width, rows = read_data_rows(source, known=EXCHANGE_COLUMNS, required=EXCHANGE_REQUIRED)
    checker = _ExchangeChecker(
        session,
        create_members=create_members,
        allow_similar=allow_similar,
        writer_id=created_by,
        today=today,
    )
    # Tuples, not dicts: a million checked rows must fit in memory until the last is read.
    checked: list[tuple[Any, ...]] = []
    problems: list[str] = []
    first_of_row: dict[int, int] = {}
    identical: list[tuple[int, int]] = []
    seen = skipped = 0
    for line, cells in rows:
        seen += 1
        if cells and not cells[0].strip():
            # Only rows without an external_id can repeat one another unnoticed (a repeated
            # id is an error); a 64-bit hash is enough to tell a million rows apart.
            first = first_of_row.setdefault(hash(cells), line)
            if first != line:
                identical.append((first, line))
        try:
            if not cells:
                raise wrong_width(width)
            row = checker.check_row(line, cells)
        except LedgerError as error:
            problems.append(line_problem(line, error))
            checked.clear()  # nothing will be written: stop holding rows
            continue
        if row is None:
            skipped += 1
        elif not problems:
            checked.append(row)
    problems.extend(check_introduction_pairs(checker.introductions))
    if problems:
        raise rejected(source.name, problems)
    added = seen - skipped
    if not dry_run and added:
        write_in_one_transaction(
            session, lambda: _write_exchanges(session, checker, checked, created_by=created_by)
        )
    return ExchangeImport(
        file=str(source),
        rows=seen,
        added=added,
        already_present=skipped,
        members_added=list(checker.new_members.values()),
        dry_run=dry_run,
        identical_rows=identical,
    )


def _write_exchanges(
    session: Session,
    checker: _ExchangeChecker,
    rows: list[tuple[Any, ...]],
    *,
    created_by: int | None,
) -> None:
    now = utcnow()
    new_ids: dict[int, int] = {}
    if checker.new_members:
        placeholders = list(checker.new_members)
        inserted = session.execute(
            sa.insert(MEMBER_TABLE).returning(MEMBER_TABLE.c.id, sort_by_parameter_order=True),
            [
                {"name": checker.new_members[p], "active": True, "created_at": now}
                for p in placeholders
            ],
        )
        new_ids = dict(zip(placeholders, inserted.scalars(), strict=True))
        session.execute(
            sa.insert(MEMBERSHIP_TABLE),
            [
                {
                    "member_id": new_ids[member],
                    "network_id": network,
                    "role": Role.MEMBER.value,
                    "joined_on": joined,
                    "left_on": None,
                }
                for (member, network), joined in checker.new_memberships.items()
            ],
        )
    rows_out = _with_member_ids(rows, new_ids)
    connection = session.connection()
    with secondary_indexes_rebuilt(
        connection, EXCHANGE_TABLE.name, rebuild=len(rows) >= REBUILD_INDEXES_FROM
    ):
        if connection.dialect.name == "sqlite":
            _insert_sqlite(connection, rows_out, now=now, created_by=created_by)
            return
        insert = sa.insert(EXCHANGE_TABLE)
        extra = {"created_at": now, "created_by": created_by}
        batch: list[dict[str, Any]] = []
        for row in rows_out:
            batch.append({**dict(zip(EXCHANGE_KEYS, row, strict=True)), **extra})
            if len(batch) == BATCH_ROWS:
                session.execute(insert, batch)
                batch = []
        if batch:
            session.execute(insert, batch)


def _with_member_ids(
    rows: list[tuple[Any, ...]], new_ids: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    """The checked rows with the placeholder ids of members this import created replaced."""
    if not new_ids:
        yield from rows
        return
    for row in rows:
        giver, receiver = row[2], row[3]
        if giver in new_ids or receiver in new_ids:
            row = (*row[:2], new_ids.get(giver, giver), new_ids.get(receiver, receiver), *row[4:])
        yield row


def _insert_sqlite(
    connection: sa.Connection,
    rows: Iterable[tuple[Any, ...]],
    *,
    now: datetime,
    created_by: int | None,
) -> None:
    """Hand the rows to the driver's ``executemany`` in batches, already in stored form.

    Core would run every value through its type's bind processor one row at a time; only
    the date, money and timestamp columns have one on SQLite, and a file repeats the same
    few hundred dates, so each is converted once here with the very same processors.
    """
    dialect = connection.dialect
    columns = EXCHANGE_TABLE.c

    def processor(name: str) -> Callable[[Any], Any]:
        process = columns[name].type.dialect_impl(dialect).bind_processor(dialect)
        assert process is not None, f"{name} is stored as it is"
        return process

    day, money, moment = (
        processor("occurred_on"),
        processor("estimated_value"),
        processor("voided_at"),
    )
    days: dict[date, Any] = {}
    stamp = processor("created_at")(now)
    keys = (*EXCHANGE_KEYS, "created_at", "created_by")
    statement = (
        f"INSERT INTO {EXCHANGE_TABLE.name} ({', '.join(keys)}) "
        f"VALUES ({', '.join('?' for _ in keys)})"
    )
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        when = row[5]
        stored = days.get(when)
        if stored is None:
            stored = days[when] = day(when)
        value, voided = row[11], row[13]
        batch.append(
            (
                *row[:5],
                stored,
                *row[6:11],
                None if value is None else money(value),
                row[12],
                None if voided is None else moment(voided),
                row[14],
                stamp,
                created_by,
            )
        )
        if len(batch) == BATCH_ROWS:
            connection.exec_driver_sql(statement, batch)
            batch = []
    if batch:
        connection.exec_driver_sql(statement, batch)


def export_exchanges(
    *,
    session: Session,
    path: str | Path,
    network_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    overwrite: bool = False,
    for_sharing: bool = False,
) -> int:
    """Write exchanges (voided ones included, for the audit trail) oldest first; the count.

    ``for_sharing`` leaves the outside contacts' names and details empty: a file for
    other members, not a copy of the ledger.
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        raise LedgerError(
            "period.starts_after_end",
            "The period starts {start} after it ends {end}.",
            field="period",
            start=date_from.isoformat(),
            end=date_to.isoformat(),
        )
    giver = MEMBER_TABLE.alias("giver")
    receiver = MEMBER_TABLE.alias("receiver")
    row = EXCHANGE_TABLE.c
    query = (
        sa.select(
            row.external_id,
            row.kind,
            giver.c.name,
            receiver.c.name,
            NETWORK_TABLE.c.name,
            row.occurred_on,
            row.summary,
            *(
                sa.null().label(column) if for_sharing else row[column]
                for column in THIRD_PARTY_COLUMNS
            ),
            row.referral_type,
            row.hotness,
            row.estimated_value,
            row.introduction_group,
            row.voided_at,
            row.void_reason,
        )
        .join(giver, giver.c.id == row.giver_id)
        .join(receiver, receiver.c.id == row.receiver_id)
        .join(NETWORK_TABLE, NETWORK_TABLE.c.id == row.network_id)
        .order_by(row.occurred_on, row.id)
    )
    if network_id is not None:
        query = query.where(row.network_id == network_id)
    if date_from is not None:
        query = query.where(row.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(row.occurred_on <= date_to)
    return write_csv(
        Path(path).expanduser(),
        EXCHANGE_COLUMNS,
        stream_rows(session.connection(), query),
        formats=cell_formatters(query),
        overwrite=overwrite,
    )
