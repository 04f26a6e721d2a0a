"""The exchanges file: one row per give, members and networks by name, idempotent by
``external_id``. See ``docs/csv-formats.md``.
"""

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import compress, islice, repeat
from operator import eq, is_
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
    check_amount,
    check_choice,
    check_introduction_pairs,
    check_name,
    check_not_future,
    check_not_self,
    check_scale,
    check_void_moment,
    clean_column,
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
    cycles_not_collected,
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

_FREE_KEYS: tuple[str, ...] = EXCHANGE_KEYS[6:]
"""The free fields of a row, after its kind, members, network and day."""

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
        # For the column checks: name cells of members the ledger holds, and memberships
        # with no end that began on or before ``_open_since`` (they cover any later day).
        self._member_ids: dict[str, int] = {}
        self._open: set[tuple[int, int]] = set()
        self._open_since = date.max
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

    def _known_member(self, raw: str) -> tuple[int, str] | None:
        """The member a name cell resolves to without planning a new one; ``None`` when it
        names nobody yet (or nobody at all)."""
        found = self._names.get(raw)
        if found is not None or raw in self._refused:
            return found
        try:
            key = name_key(require_text(raw, field="member name", limit=NAME_MAX))
        except LedgerError:
            return None
        if key not in self.members:
            return None
        return self._member(raw, "giver")

    def check_columns(
        self, lines: Sequence[int], rows: Sequence[tuple[str, ...]]
    ) -> list[tuple[Any, ...] | None] | None:
        """A batch of rows checked a column at a time: what :meth:`check_row` returns for
        each row, or ``None`` when any row of the batch needs :meth:`check_row` itself.

        Every rule of :meth:`check_row` holds, as set operations over the batch: each
        distinct name, network, kind, date and number is checked once, memberships once
        per (member, network, day), the text columns in one pass each
        (:func:`clean_column`), and the rules between free fields once per pattern of
        empty and filled cells. Nothing about the batch is remembered unless all of it
        passes, so a batch that fails is checked again row by row, which words each
        problem exactly as it always has. An acting member other than the owner, and
        names ``--create-members`` would add, always take the row-by-row way.
        """
        if self.writer_id is not None:
            return None
        ids = clean_column([row[0] for row in rows], field="external_id")
        if ids is None:
            return None
        named = [value for value in ids if value is not None]
        if len(set(named)) != len(named) or not self.first_line.keys().isdisjoint(named):
            return None
        present = self.present.intersection(named)
        if present:
            keep = [value is None or value not in present for value in ids]
            checked = self._check_new_rows(
                list(compress(lines, keep)), list(compress(ids, keep)), list(compress(rows, keep))
            )
        else:
            checked = self._check_new_rows(lines, ids, rows)
        if checked is None:
            return None
        self.first_line.update(
            (value, line) for value, line in zip(ids, lines, strict=True) if value is not None
        )
        if not present:
            return list(checked)
        results = iter(checked)
        return [next(results) if wanted else None for wanted in keep]

    def _members_on(
        self,
        giver_ids: list[int],
        receiver_ids: list[int],
        network_ids: list[int],
        days: list[date],
        voided: list[datetime | None],
    ) -> bool:
        """Whether every row's giver and receiver are members of its network on its day
        (a voided row's, at any time): every (member, network) pair must be a membership,
        and only the pairs whose span does not cover the batch's first to last day are
        looked at row by row."""
        pairs = set(zip(giver_ids, network_ids, strict=True))
        pairs.update(zip(receiver_ids, network_ids, strict=True))
        spans = self.memberships
        if not pairs <= spans.keys():
            return False
        first, last = min(days), max(days)
        if first < self._open_since:
            # Memberships found open since an earlier batch's first day may have begun
            # after this one's: look at every pair again.
            self._open, self._open_since = set(), first
        partial: set[tuple[int, int]] = set()
        for pair in pairs - self._open:
            joined, left = spans[pair]
            if left is None and (joined is None or joined <= self._open_since):
                self._open.add(pair)
            elif not (joined or date.min) <= first or not last <= (left or date.max):
                partial.add(pair)
        if not partial:
            return True
        for member_ids in (giver_ids, receiver_ids):
            for pair, day, moment in zip(
                zip(member_ids, network_ids, strict=True), days, voided, strict=True
            ):
                if pair in partial and moment is None and not is_member_on(*spans[pair], day):
                    return False
        return True

    def _check_new_rows(
        self,
        lines: Sequence[int],
        ids: Sequence[str | None],
        rows: Sequence[tuple[str, ...]],
    ) -> list[tuple[Any, ...]] | None:
        """:meth:`check_columns` for rows the ledger does not hold yet, with their clean
        external ids; ``None`` as there. Remembers the batch's introductions on success."""
        if not rows:
            return []
        (
            _ids,
            kind_cells,
            givers,
            receivers,
            network_cells,
            day_cells,
            *free_cells,
        ) = zip(*rows, strict=True)
        (
            summaries,
            contact_names,
            contact_details,
            type_cells,
            hotness_cells,
            value_cells,
            group_cells,
            voided_cells,
            reason_cells,
        ) = free_cells
        try:
            kind_of = {raw: self._kinds(raw) for raw in set(kind_cells)}
            place_of = {raw: self._network(raw)[0] for raw in set(network_cells)}
            day_of = {raw: self._dates(raw) for raw in set(day_cells)}
            type_of = {raw: self._referral_types(raw) for raw in set(type_cells) if raw.strip()}
            hotness_of = {
                raw: check_scale(parse_int(raw, field="hotness"), field="hotness")
                for raw in set(hotness_cells)
                if raw.strip()
            }
            value_of = {
                raw: check_amount(
                    parse_number(raw, field="estimated value"), field="estimated value"
                )
                for raw in set(value_cells)
                if raw.strip()
            }
            moment_of = {
                raw: parse_moment(raw, field="voided_at")
                for raw in set(voided_cells)
                if raw.strip()
            }
        except LedgerError:
            return None
        member_of = self._member_ids
        for raw in (set(givers) | set(receivers)) - member_of.keys():
            found = self._known_member(raw)
            if found is None or found[0] < 0:
                return None
            member_of[raw] = found[0]
        texts: list[list[str | None]] = []
        for cells, label in (
            (summaries, "summary"),
            (contact_names, "contact name"),
            (contact_details, "contact details"),
            (group_cells, "introduction group"),
            (reason_cells, "void reason"),
        ):
            column = clean_column(cells, field=label)
            if column is None:
                return None
            texts.append(column)
        summary, contact, details, group, reason = texts
        giver_ids = list(map(member_of.__getitem__, givers))
        receiver_ids = list(map(member_of.__getitem__, receivers))
        if any(map(eq, giver_ids, receiver_ids)):
            return None
        network_ids = list(map(place_of.__getitem__, network_cells))
        days = list(map(day_of.__getitem__, day_cells))
        kinds = list(map(kind_of.__getitem__, kind_cells))
        voided = list(map(moment_of.get, voided_cells))
        if not self._members_on(giver_ids, receiver_ids, network_ids, days, voided):
            return None
        types = list(map(type_of.get, type_cells))
        hotness = list(map(hotness_of.get, hotness_cells))
        values = list(map(value_of.get, value_cells))
        free: tuple[list[Any], ...] = (
            summary,
            contact,
            details,
            types,
            hotness,
            values,
            group,
            voided,
            reason,
        )
        # The rules between fields depend on the kind and on which cells are empty: check
        # each pattern once, on a row that has it.
        empty = [list(map(is_, column, repeat(None))) for column in free]
        patterns = dict(
            zip(zip(kinds, *empty, strict=True), zip(kinds, *free, strict=True), strict=True)
        )
        try:
            for kind, *fields in patterns.values():
                clean_exchange_fields(kind, dict(zip(_FREE_KEYS, fields, strict=True)))
            if moment_of:
                for moment, day in zip(voided, days, strict=True):
                    if moment is not None:
                        check_void_moment(moment, day)
        except LedgerError:
            return None
        if any(key[0] == ExchangeKind.REFERRAL and key[4] for key in patterns):  # no type
            types = [
                ReferralType.OUTSIDE.value
                if kind_type is None and kind == ExchangeKind.REFERRAL
                else kind_type
                for kind, kind_type in zip(kinds, types, strict=True)
            ]
        if any(value is not None for value in group):
            for line, giver_id, network_id, day, intro in zip(
                lines, giver_ids, network_ids, days, group, strict=True
            ):
                if intro is not None:
                    if intro not in self.introductions:
                        self.introductions[intro] = list(self.stored_groups.get(intro, []))
                    self.introductions[intro].append((line, giver_id, network_id, day))
        filled = [value or new_external_id() for value in ids] if None in ids else ids
        return list(
            zip(
                filled,
                kinds,
                giver_ids,
                receiver_ids,
                network_ids,
                days,
                summary,
                contact,
                details,
                types,
                hotness,
                values,
                group,
                voided,
                reason,
                strict=True,
            )
        )

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
    with cycles_not_collected():
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
        while batch := list(islice(rows, BATCH_ROWS)):
            seen += len(batch)
            for line, cells in batch:
                if cells and not cells[0].strip():
                    # Only rows without an external_id can repeat one another unnoticed (a
                    # repeated id is an error); a 64-bit hash tells a million rows apart.
                    first = first_of_row.setdefault(hash(cells), line)
                    if first != line:
                        identical.append((first, line))
            lines, cells_of = zip(*batch, strict=True)
            fast = None if not all(cells_of) else checker.check_columns(lines, cells_of)
            if fast is not None:
                skipped += fast.count(None)
                if not problems:
                    checked.extend(row for row in fast if row is not None)
                continue
            for line, cells in batch:
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
    voided: bool = True,
) -> int:
    """Write exchanges (voided ones included, for the audit trail) oldest first; the count.

    ``for_sharing`` leaves the outside contacts' names and details empty: a file for
    other members, not a copy of the ledger. ``voided=False`` leaves voided exchanges out
    (the report's file: exactly the exchanges its metrics count).
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
    if not voided:
        query = query.where(row.voided_at.is_(None))
    return write_csv(
        Path(path).expanduser(),
        EXCHANGE_COLUMNS,
        stream_rows(session.connection(), query),
        formats=cell_formatters(query),
        overwrite=overwrite,
    )
