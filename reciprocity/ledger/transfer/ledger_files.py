"""The whole ledger by id: one CSV file per table, loaded only into an empty database,
which it then reproduces row for row. See ``docs/csv-formats.md``.
"""

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import Term
from reciprocity.ledger import files
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import FORMER_MEMBER
from reciprocity.ledger.rules import (
    LONG_TEXT_MAX,
    MAX_ID,
    NAME_MAX,
    SHORT_TEXT_MAX,
    IntroductionHalf,
    check_amount,
    check_choice,
    check_currency,
    check_email,
    check_introduction_pairs,
    check_meeting_hours,
    check_name,
    check_next_step,
    check_not_future,
    check_not_self,
    check_scale,
    check_sla_days,
    check_void_moment,
    check_weights,
    clean_exchange_fields,
    clean_text,
    field_key,
    is_member_on,
    latest_today,
    line_problem,
    require_text,
)
from reciprocity.ledger.scoring import parse_scoring
from reciprocity.ledger.slips import (
    PALMS_COUNTS,
    check_count,
    check_credits,
    check_period,
)
from reciprocity.ledger.transfer.csvfiles import (
    BATCH_ROWS,
    EXCHANGE_TABLE,
    THIRD_PARTY_COLUMNS,
    cell_formatters,
    parse_bool,
    parse_day,
    parse_int,
    parse_json,
    parse_moment,
    parse_number,
    read_data_rows,
    rejected,
    stream_rows,
    write_csv,
    write_in_one_transaction,
    wrong_width,
)
from reciprocity.store.models import (
    DEFAULT_CURRENCY,
    TABLES_IN_DEPENDENCY_ORDER,
    AttendanceStatus,
    Business,
    ExchangeKind,
    FollowupStatus,
    ReferralType,
    RequestStatus,
    Role,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import advance_id_sequences, stored_columns, table_of
from reciprocity.store.types import UTCDateTime

# --- The whole ledger by id -----------------------------------------------------------------


@dataclass(frozen=True)
class LedgerTransfer:
    """What ``export all`` or ``import all`` moved: rows per table."""

    directory: str
    tables: dict[str, int]
    dry_run: bool = False

    @property
    def rows(self) -> int:
        """Rows in every table together."""
        return sum(self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` summary."""
        return {
            "directory": self.directory,
            "tables": self.tables,
            "rows": self.rows,
            "dry_run": self.dry_run,
        }


def export_all(
    *, session: Session, directory: str | Path, for_sharing: bool = False
) -> LedgerTransfer:
    """Write every table to ``DIR/<table>.csv`` with raw columns and ids, from one snapshot.

    ``for_sharing`` leaves the exchanges' outside contacts (names and details) empty.
    """
    folder = Path(directory).expanduser()
    if folder.is_symlink():
        raise LedgerError(
            "export.folder_is_link",
            "{folder} is a link; export into a new or empty folder that is not a link.",
            field="folder",
            folder=str(folder),
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise LedgerError(
            "export.folder_not_empty",
            "{folder} is not an empty folder; export into a new or empty one.",
            field="folder",
            folder=str(folder),
        )
    # The files are written into a new hidden folder beside the target, which becomes the
    # target once every file is complete: a failed export leaves no file behind, and the
    # same command can simply run again (an empty target folder is replaced, POSIX rename).
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = files.sibling(folder)
        files.make_folder(staging)
    except OSError as error:
        raise files.write_failed(folder, error) from None
    try:
        counts = _export_tables(session, staging, folder, for_sharing=for_sharing)
        os.rename(staging, folder)
    except OSError as error:
        raise files.write_failed(folder, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return LedgerTransfer(directory=str(folder), tables=counts)


def _export_tables(
    session: Session, staging: Path, folder: Path, *, for_sharing: bool
) -> dict[str, int]:
    counts: dict[str, int] = {}
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    # One snapshot for every table, or a step written meanwhile could lack its referral.
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            connection.exec_driver_sql("BEGIN")
        for model in TABLES_IN_DEPENDENCY_ORDER:
            table = table_of(model)
            columns = stored_columns(table)
            query = sa.select(
                *(
                    sa.null().label(column.name)
                    if for_sharing
                    and table is EXCHANGE_TABLE
                    and column.name in THIRD_PARTY_COLUMNS
                    else column
                    for column in columns
                )
            ).order_by(table.c.id)
            counts[table.name] = write_csv(
                staging / f"{table.name}.csv",
                [column.name for column in columns],
                stream_rows(connection, query),
                formats=cell_formatters(query),
                overwrite=False,
                shown_as=folder / f"{table.name}.csv",
            )
    return counts


class _Parse(Protocol):
    def __call__(self, text: str, *, field: str) -> Any: ...


def _parse_text(text: str, *, field: str) -> str:
    return text


def _parse_id(text: str, *, field: str) -> int:
    value = parse_int(text, field=field)
    if not 1 <= value <= MAX_ID:
        raise LedgerError(
            "id.range",
            "The {label} {value} is not an id; ids run from 1 to {limit:,}.",
            field=field_key(field),
            label=Term(field),
            value=value,
            limit=MAX_ID,
        )
    return value


def _column_parser(column: sa.Column[Any]) -> _Parse:
    """How to read a cell of this column from its SQL type."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return parse_moment
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.JSON):
        return parse_json
    if isinstance(kind, sa.Boolean):
        return parse_bool
    if isinstance(kind, sa.Integer):
        if column.primary_key or column.foreign_keys:
            return _parse_id
        return parse_int
    if isinstance(kind, sa.Numeric | sa.Float):
        return parse_number
    if isinstance(kind, sa.Date):
        return parse_day
    if isinstance(kind, sa.String):
        return _parse_text
    raise TypeError(f"No CSV reader for {column.table.name}.{column.name} ({kind!r}).")


class _LedgerChecker:
    """Checks a full export table by table, parents first, with the ledger's rules.

    Each check cleans its row in place and remembers what later tables refer to. Rows
    are checked in id order: the order they were written, which is the order follow-up
    steps must keep.
    """

    def __init__(self, *, today: date) -> None:
        self.today = today
        self.network_names: dict[int, str] = {}
        self.member_names: dict[int, str] = {}
        self.memberships: dict[tuple[int, int], tuple[date | None, date | None]] = {}
        self.introductions: dict[str, list[IntroductionHalf]] = {}
        self.meeting_networks: dict[int, int] = {}
        self.meeting_days: dict[int, date] = {}
        self.exchanges: dict[int, tuple[str, date, int, int]] = {}
        self.last_steps: dict[int, tuple[str, date]] = {}
        self.lines: dict[str, dict[Any, int]] = {}
        self.checks: dict[str, Callable[[int, dict[str, Any]], None]] = {
            "network": self._network,
            "member": self._member,
            "membership": self._membership,
            "other_cost": self._other_cost,
            "meeting": self._meeting,
            "exchange": self._exchange,
            "followup": self._followup,
            "feedback": self._feedback,
            "one_to_one": self._one_to_one,
            "ask": self._ask,
            "offer": self._offer,
            "attendance": self._attendance,
            "visitor": self._visitor,
            "ceu": self._ceu,
            "closed_business": self._closed_business,
            "palms_baseline": self._palms_baseline,
        }

    def _first_line(self, what: str, key: Any, line: int) -> int | None:
        """The line ``key`` was first seen on, if not this one: ``None`` the first time."""
        first = self.lines.setdefault(what, {}).setdefault(key, line)
        return None if first == line else first

    def _member_name(self, ref: int, *, field: str) -> str:
        name = self.member_names.get(ref)
        if name is None:
            raise LedgerError(
                "import.no_member_row",
                "There is no member #{id} in member.csv.",
                field=field,
                id=ref,
            )
        return name

    def _network_name(self, ref: int, *, field: str) -> str:
        name = self.network_names.get(ref)
        if name is None:
            raise LedgerError(
                "import.no_network_row",
                "There is no network #{id} in network.csv.",
                field=field,
                id=ref,
            )
        return name

    def _require_membership(
        self, member_id: int, network_id: int, day: date | None = None, *, field: str
    ) -> None:
        span = self.memberships.get((member_id, network_id))
        if span is not None and (day is None or is_member_on(*span, day)):
            return
        member = self._member_name(member_id, field=field)
        network = self._network_name(network_id, field="network_id")
        if day is None:
            raise LedgerError(
                "import.no_membership_row",
                "{member} is not a member of {network} in membership.csv.",
                field=field,
                member=member,
                network=network,
            )
        raise LedgerError(
            "import.no_membership_row_on",
            "{member} is not a member of {network} on {day} in membership.csv.",
            field=field,
            member=member,
            network=network,
            day=day.isoformat(),
        )

    def _network(self, line: int, row: dict[str, Any]) -> None:
        row["name"] = check_name(row["name"], field="network name")
        first = self._first_line("network", name_key(row["name"]), line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_network",
                "A network is named '{name}' (also on line {first}).",
                field="name",
                name=row["name"],
                first=first,
            )
        # Kinds stay as written: ledgers from before the list of kinds keep their own.
        row["kind"] = require_text(row["kind"], field="network kind", limit=SHORT_TEXT_MAX)
        row["weights"] = check_weights(row["weights"])
        row["sla_days"] = check_sla_days(row["sla_days"])
        row["fee"] = check_amount(row.get("fee"), field="fee")
        row["currency"] = check_currency(row.get("currency") or DEFAULT_CURRENCY)
        row["meeting_hours"] = check_meeting_hours(row.get("meeting_hours"))
        if row.get("traffic_lights") is not None:
            parse_scoring(row["traffic_lights"])
        self.network_names[row["id"]] = row["name"]

    def _member(self, line: int, row: dict[str, Any]) -> None:
        name = require_text(row["name"], field="member name", limit=NAME_MAX)
        # A forgotten member keeps the one name that is reserved for them.
        if name != FORMER_MEMBER.format(id=row["id"]):
            name = check_name(name, field="member name")
        row["name"] = name
        first = self._first_line("member", name_key(name), line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_member",
                "A member is named '{name}' (also on line {first}).",
                field="name",
                name=row["name"],
                first=first,
            )
        for name in ("company", "category", "phone"):
            row[name] = clean_text(row[name], field=name, limit=SHORT_TEXT_MAX)
        row["email"] = check_email(row["email"])
        self.member_names[row["id"]] = row["name"]

    def _membership(self, line: int, row: dict[str, Any]) -> None:
        member = self._member_name(row["member_id"], field="member_id")
        network = self._network_name(row["network_id"], field="network_id")
        row["role"] = check_choice(row["role"], field="role", choices=Role)
        pair = (row["member_id"], row["network_id"])
        first = self._first_line("membership", pair, line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_membership",
                "{member} is in {network} twice (also on line {first}).",
                field="member_id",
                member=member,
                network=network,
                first=first,
            )
        joined, left = row["joined_on"], row["left_on"]
        if joined is not None and left is not None and left < joined:
            raise LedgerError(
                "membership.left_before_joined",
                "The leaving date {left} is before the joining date {joined}.",
                field="left_on",
                left=left.isoformat(),
                joined=joined.isoformat(),
            )
        row["fee"] = check_amount(row.get("fee"), field="fee")
        row["meeting_hours"] = check_meeting_hours(row.get("meeting_hours"))
        self.memberships[pair] = (joined, left)

    def _other_cost(self, line: int, row: dict[str, Any]) -> None:
        self._require_membership(row["member_id"], row["network_id"], field="member_id")
        pair = (row["member_id"], row["network_id"], row["spent_on"])
        first = self._first_line("other_cost", pair, line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_other_cost",
                "{member} has other costs in {network} on {day} twice (also on line {first}).",
                field="spent_on",
                member=self.member_names[row["member_id"]],
                network=self.network_names[row["network_id"]],
                day=row["spent_on"].isoformat(),
                first=first,
            )
        row["amount"] = check_amount(row["amount"], field="other costs")
        check_not_future(row["spent_on"], what="cost date", today=self.today)

    def _meeting(self, line: int, row: dict[str, Any]) -> None:
        self._network_name(row["network_id"], field="network_id")
        row["title"] = clean_text(row["title"], field="meeting title", limit=SHORT_TEXT_MAX)
        self.meeting_networks[row["id"]] = row["network_id"]
        self.meeting_days[row["id"]] = row["held_on"]

    def _exchange(self, line: int, row: dict[str, Any]) -> None:
        row["external_id"] = require_text(
            row["external_id"], field="external_id", limit=SHORT_TEXT_MAX
        )
        first = self._first_line("external_id", row["external_id"], line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_external_id",
                "The external_id '{external_id}' (also on line {first}).",
                field="external_id",
                external_id=row["external_id"],
                first=first,
            )
        kind = row["kind"] = check_choice(row["kind"], field="kind", choices=ExchangeKind)
        giver = self._member_name(row["giver_id"], field="giver_id")
        self._member_name(row["receiver_id"], field="receiver_id")
        check_not_self(row["giver_id"], row["receiver_id"], name=giver)
        network = self._network_name(row["network_id"], field="network_id")
        # A voided exchange left the metrics; the rules it broke need not hold any more.
        day = None if row["voided_at"] is not None else row["occurred_on"]
        other = self._other_network(row)
        self._require_party(row["giver_id"], row["network_id"], other, day, field="giver_id")
        self._require_party(row["receiver_id"], row["network_id"], other, day, field="receiver_id")
        meeting_id = row["meeting_id"]
        if meeting_id is not None:
            if meeting_id not in self.meeting_networks:
                raise LedgerError(
                    "import.no_meeting_row",
                    "There is no meeting #{id} in meeting.csv.",
                    field="meeting_id",
                    id=meeting_id,
                )
            if self.meeting_networks[meeting_id] != row["network_id"]:
                raise LedgerError(
                    "import.meeting_other_network",
                    "Meeting #{id} belongs to another network than {network}.",
                    field="meeting_id",
                    id=meeting_id,
                    network=network,
                )
        check_not_future(row["occurred_on"], what="date", today=self.today)
        if row["voided_at"] is not None:
            check_void_moment(row["voided_at"], row["occurred_on"])
        if row["created_by"] is not None:
            self._member_name(row["created_by"], field="created_by")
        if row["referral_type"] is not None:
            row["referral_type"] = check_choice(
                row["referral_type"], field="referral type", choices=ReferralType
            )
        clean_exchange_fields(kind, row)
        if row["introduction_group"] is not None:
            self.introductions.setdefault(row["introduction_group"], []).append(
                (line, row["giver_id"], row["network_id"], row["occurred_on"])
            )
        self.exchanges[row["id"]] = (kind, row["occurred_on"], row["giver_id"], row["receiver_id"])

    def _referral(self, exchange_id: int) -> date:
        found = self.exchanges.get(exchange_id)
        if found is None:
            raise LedgerError(
                "import.no_exchange_row",
                "There is no exchange #{id} in exchange.csv.",
                field="exchange_id",
                id=exchange_id,
            )
        if found[0] != ExchangeKind.REFERRAL:
            raise LedgerError(
                "import.not_referral",
                "Exchange #{id} is a {kind}, not a referral.",
                field="exchange_id",
                id=exchange_id,
                kind=Term(found[0]),
            )
        return found[1]

    def _followup(self, line: int, row: dict[str, Any]) -> None:
        referral_date = self._referral(row["exchange_id"])
        row["status"] = check_choice(row["status"], field="status", choices=FollowupStatus)
        if row["business"] is not None:
            row["business"] = check_choice(row["business"], field="business", choices=Business)
        row["value"] = check_amount(row["value"], field="value")
        row["note"] = clean_text(row["note"], field="note", limit=LONG_TEXT_MAX)
        previous = self.last_steps.get(row["exchange_id"])
        check_next_step(
            exchange_id=row["exchange_id"],
            last_status=previous[0] if previous else None,
            last_date=previous[1] if previous else None,
            referral_date=referral_date,
            status=row["status"],
            occurred_on=row["occurred_on"],
            value=row["value"],
            business=row["business"],
            today=self.today,
        )
        self.last_steps[row["exchange_id"]] = (row["status"], row["occurred_on"])

    def _feedback(self, line: int, row: dict[str, Any]) -> None:
        self._referral(row["exchange_id"])
        first = self._first_line("feedback", row["exchange_id"], line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_feedback",
                "Referral #{id} is rated twice (also on line {first}).",
                field="exchange_id",
                id=row["exchange_id"],
                first=first,
            )
        row["rating"] = check_scale(row["rating"], field="rating")
        row["comment"] = clean_text(row["comment"], field="comment", limit=LONG_TEXT_MAX)

    def _one_to_one(self, line: int, row: dict[str, Any]) -> None:
        first = self._member_name(row["member_a_id"], field="member_a_id")
        self._member_name(row["member_b_id"], field="member_b_id")
        if row["member_a_id"] == row["member_b_id"]:
            raise LedgerError(
                "one_to_one.self",
                "{name} cannot have a one-to-one with themselves.",
                field="member_b_id",
                name=first,
            )
        other = self._other_network(row)
        if row["network_id"] is not None:
            self._network_name(row["network_id"], field="network_id")
            for column in ("member_a_id", "member_b_id"):
                self._require_party(
                    row[column], row["network_id"], other, row["held_on"], field=column
                )
        check_not_future(row["held_on"], what="date", today=self.today)
        row["note"] = clean_text(row["note"], field="note", limit=LONG_TEXT_MAX)
        self._external_id("one_to_one", row, line)

    def _ask(self, line: int, row: dict[str, Any]) -> None:
        self._post(row, label="ask")

    def _offer(self, line: int, row: dict[str, Any]) -> None:
        self._post(row, label="offer")

    def _post(self, row: dict[str, Any], *, label: str) -> None:
        self._member_name(row["member_id"], field="member_id")
        if row["network_id"] is not None:
            self._network_name(row["network_id"], field="network_id")
            self._require_membership(row["member_id"], row["network_id"], field="member_id")
        row["topic"] = require_text(row["topic"], field="topic", limit=SHORT_TEXT_MAX)
        row["details"] = clean_text(row["details"], field="details", limit=LONG_TEXT_MAX)
        row["status"] = check_choice(row["status"], field="status", choices=RequestStatus)
        ask = label == "ask"
        answered_by = row["answered_by"]
        if (row["status"] == RequestStatus.ANSWERED) != (answered_by is not None):
            raise (
                LedgerError(
                    "import.ask_answered_by",
                    "An ask has answered_by exactly when its status is answered.",
                    field="answered_by",
                )
                if ask
                else LedgerError(
                    "import.offer_answered_by",
                    "An offer has answered_by exactly when its status is answered.",
                    field="answered_by",
                )
            )
        if answered_by is None:
            return
        found = self.exchanges.get(answered_by)
        if found is None:
            raise LedgerError(
                "import.no_exchange_row",
                "There is no exchange #{id} in exchange.csv.",
                field="answered_by",
                id=answered_by,
            )
        kind, _, giver_id, receiver_id = found
        party = receiver_id if ask else giver_id
        if kind != ExchangeKind.HELP or party != row["member_id"]:
            raise (
                LedgerError(
                    "import.ask_not_answered_by_help",
                    "Exchange #{id} is not a help to the member of this ask.",
                    field="answered_by",
                    id=answered_by,
                )
                if ask
                else LedgerError(
                    "import.offer_not_answered_by_help",
                    "Exchange #{id} is not a help from the member of this offer.",
                    field="answered_by",
                    id=answered_by,
                )
            )

    def _require_party(
        self, member_id: int, network_id: int, other: int | None, day: date | None, *, field: str
    ) -> None:
        """A member of the network, or for a slip between chapters of the other chapter."""
        span = self.memberships.get((member_id, other)) if other is not None else None
        if span is not None and (day is None or is_member_on(*span, day)):
            return
        self._require_membership(member_id, network_id, day, field=field)

    def _other_network(self, row: dict[str, Any]) -> int | None:
        other: int | None = row.get("other_network_id")
        if other is not None:
            self._network_name(other, field="other_network_id")
        return other

    def _external_id(self, table: str, row: dict[str, Any], line: int) -> None:
        row["external_id"] = clean_text(
            row.get("external_id"), field="external_id", limit=SHORT_TEXT_MAX
        )
        if row["external_id"] is None:
            return
        first = self._first_line(f"{table}.external_id", row["external_id"], line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_external_id",
                "The external_id '{external_id}' (also on line {first}).",
                field="external_id",
                external_id=row["external_id"],
                first=first,
            )

    def _attendance(self, line: int, row: dict[str, Any]) -> None:
        meeting_id = row["meeting_id"]
        if meeting_id not in self.meeting_networks:
            raise LedgerError(
                "import.no_meeting_row",
                "There is no meeting #{id} in meeting.csv.",
                field="meeting_id",
                id=meeting_id,
            )
        row["status"] = check_choice(row["status"], field="status", choices=AttendanceStatus)
        first = self._first_line("attendance", (meeting_id, row["member_id"]), line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_attendance",
                "{member} has two attendance rows for meeting #{id} (also on line {first}).",
                field="member_id",
                member=self._member_name(row["member_id"], field="member_id"),
                id=meeting_id,
                first=first,
            )
        self._require_membership(
            row["member_id"],
            self.meeting_networks[meeting_id],
            self.meeting_days[meeting_id],
            field="member_id",
        )

    def _visitor(self, line: int, row: dict[str, Any]) -> None:
        self._network_name(row["network_id"], field="network_id")
        other = self._other_network(row)
        meeting_id = row["meeting_id"]
        if meeting_id is not None and self.meeting_networks.get(meeting_id) != row["network_id"]:
            raise LedgerError(
                "import.visitor_meeting",
                "Meeting #{id} is not a meeting of the visitor's network.",
                field="meeting_id",
                id=meeting_id,
            )
        self._require_party(
            row["invited_by"], row["network_id"], other, row["visited_on"], field="invited_by"
        )
        check_not_future(row["visited_on"], what="visit date", today=self.today)
        row["name"] = clean_text(row["name"], field="member name")
        row["company"] = clean_text(row["company"], field="company")
        self._external_id("visitor", row, line)

    def _ceu(self, line: int, row: dict[str, Any]) -> None:
        self._network_name(row["network_id"], field="network_id")
        other = self._other_network(row)
        self._require_party(
            row["member_id"], row["network_id"], other, row["earned_on"], field="member_id"
        )
        check_not_future(row["earned_on"], what="date", today=self.today)
        row["credits"] = check_credits(row["credits"])
        self._external_id("ceu", row, line)

    def _closed_business(self, line: int, row: dict[str, Any]) -> None:
        self._network_name(row["network_id"], field="network_id")
        other = self._other_network(row)
        self._require_party(
            row["member_id"], row["network_id"], other, row["closed_on"], field="member_id"
        )
        if row["thanked_by"] is not None:
            self._member_name(row["thanked_by"], field="thanked_by")
        if row["exchange_id"] is not None:
            self._referral(row["exchange_id"])
        check_not_future(row["closed_on"], what="date", today=self.today)
        row["amount"] = check_amount(row["amount"], field="amount")
        self._external_id("closed_business", row, line)

    def _palms_baseline(self, line: int, row: dict[str, Any]) -> None:
        network = self._network_name(row["network_id"], field="network_id")
        member = self._member_name(row["member_id"], field="member_id")
        check_period(row["period_start"], row["period_end"])
        key = (row["network_id"], row["member_id"], row["period_start"], row["period_end"])
        first = self._first_line("palms_baseline", key, line)
        if first is not None:
            raise LedgerError(
                "import.duplicate_palms",
                "{member} has two PALMS rows in {network} for one period (also on line {first}).",
                field="member_id",
                member=member,
                network=network,
                first=first,
            )
        for name in PALMS_COUNTS:
            row[name] = check_count(row[name], field=name)
        row["tyfcb"] = check_amount(row["tyfcb"], field="tyfcb")
        row["ceu"] = check_amount(row["ceu"], field="ceu")
        row["custom"] = clean_text(row["custom"], field="custom", limit=SHORT_TEXT_MAX)

    def load(self, path: Path, table: sa.Table, problems: list[str]) -> list[dict[str, Any]]:
        """The table's checked rows; each bad row adds ``<file> line N: sentence``."""
        if not path.is_file():
            raise LedgerError(
                "import.missing_table_file",
                "{folder} has no {file}; import all reads the folder that export all writes.",
                field="folder",
                folder=str(path.parent),
                file=path.name,
            )
        columns = [(c.name, _column_parser(c), c.nullable) for c in stored_columns(table)]
        names = [name for name, _, _ in columns]
        width, rows = read_data_rows(path, known=names, required=names)
        parsed: list[tuple[int, dict[str, Any]]] = []
        bad: list[tuple[int, LedgerError]] = []
        for line, cells in rows:
            try:
                if not cells:
                    raise wrong_width(width)
                row: dict[str, Any] = {}
                for (name, parse, nullable), raw in zip(columns, cells, strict=False):
                    if raw == "":
                        if not nullable:
                            raise LedgerError(
                                "text.empty",
                                "The {label} must not be empty.",
                                field=name,
                                label=Term(name),
                            )
                        row[name] = None
                    else:
                        row[name] = parse(raw, field=name)
                first = self._first_line(f"{table.name}.id", row["id"], line)
                if first is not None:
                    raise LedgerError(
                        "import.duplicate_id",
                        "The id {id} (also on line {first}).",
                        field="id",
                        id=row["id"],
                        first=first,
                    )
            except LedgerError as error:
                bad.append((line, error))
                continue
            parsed.append((line, row))
        check = self.checks[table.name]
        kept: list[dict[str, Any]] = []
        for line, row in sorted(parsed, key=lambda item: int(item[1]["id"])):
            try:
                check(line, row)
            except LedgerError as error:
                bad.append((line, error))
                continue
            kept.append(row)
        # A line is bad at most once (a row that fails to parse is never checked).
        bad.sort(key=itemgetter(0))
        problems.extend(line_problem(line, error, file=path.name) for line, error in bad)
        return kept


def _require_empty(session: Session) -> None:
    for model in TABLES_IN_DEPENDENCY_ORDER:
        table = table_of(model)
        if session.execute(sa.select(table.c.id).limit(1)).first() is not None:
            raise LedgerError(
                "import.database_not_empty",
                "The database already holds data ({table} is not empty); import all loads a "
                "whole ledger into an empty database only, so point --db at a new one.",
                table=table.name,
            )


def import_all(
    *,
    session: Session,
    directory: str | Path,
    dry_run: bool = False,
    today: date | None = None,
) -> LedgerTransfer:
    """Load a folder written by :func:`export_all` into an empty database, row for row.

    Ids, values and timestamps are kept. Every row of every file is checked first, and the
    tables are written in one transaction, so a bad row anywhere means nothing is written.
    """
    folder = Path(directory).expanduser()
    if not folder.is_dir():
        raise LedgerError(
            "import.no_folder", "There is no folder {folder}.", field="folder", folder=str(folder)
        )
    _require_empty(session)
    checker = _LedgerChecker(today=today or latest_today())
    problems: list[str] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in TABLES_IN_DEPENDENCY_ORDER:
        table = table_of(model)
        tables[table.name] = checker.load(folder / f"{table.name}.csv", table, problems)
    problems.extend(check_introduction_pairs(checker.introductions, file="exchange.csv"))
    if problems:
        raise rejected(folder.name, problems, field="folder")
    if not dry_run:
        write_in_one_transaction(session, lambda: _write_all(session, tables))
    return LedgerTransfer(
        directory=str(folder),
        tables={name: len(rows) for name, rows in tables.items()},
        dry_run=dry_run,
    )


def _write_all(session: Session, tables: dict[str, list[dict[str, Any]]]) -> None:
    for model in TABLES_IN_DEPENDENCY_ORDER:
        table = table_of(model)
        rows = tables[table.name]
        for start in range(0, len(rows), BATCH_ROWS):
            session.execute(sa.insert(table), rows[start : start + BATCH_ROWS])
    # Rows came with their ids, so PostgreSQL's sequences never advanced.
    advance_id_sequences(session)
