"""The members file: one row per member with the networks they are in; a re-import
updates and extends, never duplicates. See ``docs/csv-formats.md``.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import N_, Phrase
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import FORMER_MEMBER
from reciprocity.ledger.roles import organised_network_ids, organiser_phrase
from reciprocity.ledger.rules import (
    NAME_MAX,
    SHORT_TEXT_MAX,
    check_email,
    check_name,
    clean_text,
    line_problem,
    require_text,
)
from reciprocity.ledger.transfer.csvfiles import (
    MEMBER_TABLE,
    MEMBERSHIP_TABLE,
    NETWORK_TABLE,
    _format,
    format_text,
    parse_bool,
    read_data_rows,
    rejected,
    stream_rows,
    write_csv,
    write_in_one_transaction,
    wrong_width,
)
from reciprocity.store.models import (
    Role,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.types import utcnow

# --- Members by name --------------------------------------------------------------------------

MEMBER_COLUMNS: tuple[str, ...] = (
    "name",
    "company",
    "category",
    "email",
    "phone",
    "active",
    "networks",
    "organiser_of",
)
"""The members file's columns; ``networks`` and ``organiser_of`` hold ``;``-separated names."""

NETWORK_SEPARATOR = ";"
_MEMBER_FIELDS = ("company", "category", "email", "phone", "active")


@dataclass(frozen=True)
class MemberImport:
    """What a members import did (or, on a dry run, would do)."""

    file: str
    rows: int
    added: int
    updated: int
    unchanged: int
    memberships_added: int
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` summary: every field, by name."""
        return asdict(self)


@dataclass
class _MemberPlan:
    """Everything a members import will write, worked out before anything is."""

    new_members: list[dict[str, Any]] = field(default_factory=list)
    member_updates: list[dict[str, Any]] = field(default_factory=list)
    new_memberships: list[dict[str, Any]] = field(default_factory=list)
    membership_updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0


class _MemberChecker:
    """Checks member rows against members, networks and memberships loaded once.

    The acting member (``writer_id``; ``None`` is the owner) is held to the rules of the
    direct commands for what each row changes, from the same loaded sets, with no query
    per row: ``member add`` for a new member, ``member edit`` for changed details,
    deactivating and reactivating for ``active``, and ``member join`` for a membership
    joined, rejoined or made an organiser's. A row that changes nothing needs no right.
    """

    def __init__(self, session: Session, *, today: date, writer_id: int | None) -> None:
        self.today = today
        self.members: dict[str, dict[str, Any]] = {
            row.name_key: dict(row._mapping)
            for row in session.execute(
                sa.select(
                    MEMBER_TABLE.c.id,
                    MEMBER_TABLE.c.name,
                    MEMBER_TABLE.c.name_key,
                    *(MEMBER_TABLE.c[f] for f in _MEMBER_FIELDS),
                )
            )
        }
        self.networks: dict[str, tuple[int, str]] = {
            key: (network_id, name)
            for network_id, name, key in session.execute(
                sa.select(NETWORK_TABLE.c.id, NETWORK_TABLE.c.name, NETWORK_TABLE.c.name_key)
            )
        }
        self.network_names = dict(self.networks.values())
        self.writer_id = writer_id
        self.organised: set[int] = (
            set()
            if writer_id is None
            else organised_network_ids(session=session, member_id=writer_id)
        )
        self.memberships: dict[tuple[int, int], tuple[int, str, date | None]] = {
            (member_id, network_id): (membership_id, role, left_on)
            for membership_id, member_id, network_id, role, left_on in session.execute(
                sa.select(
                    MEMBERSHIP_TABLE.c.id,
                    MEMBERSHIP_TABLE.c.member_id,
                    MEMBERSHIP_TABLE.c.network_id,
                    MEMBERSHIP_TABLE.c.role,
                    MEMBERSHIP_TABLE.c.left_on,
                )
            )
        }
        self._current_networks: dict[int, set[int]] | None = None
        self.first_line: dict[str, int] = {}
        self.plan = _MemberPlan()

    def _network_ids(self, cell: str, *, column: str) -> list[int]:
        ids: list[int] = []
        for part in cell.split(NETWORK_SEPARATOR):
            name = part.strip()
            if not name:
                continue
            found = self.networks.get(name_key(name))
            if found is None:
                raise LedgerError(
                    "import.unknown_network_in",
                    "No network is named '{name}' (in {column}); add it first with: {command}.",
                    field=column,
                    name=name,
                    column=column,
                    command=f'reciprocity network add "{name}"',
                )
            ids.append(found[0])
        return ids

    def check_row(self, line: int, cells: tuple[str, ...]) -> None:
        """Check one row and add what it changes to the plan."""
        name, company, category, email, phone, active, networks, organiser_of = cells
        clean_name = require_text(name, field="member name", limit=NAME_MAX)
        key = name_key(clean_name)
        first = self.first_line.setdefault(key, line)
        if first != line:
            raise LedgerError(
                "import.member_twice",
                "{name} is also on line {first}; list each member once.",
                field="name",
                name=clean_name,
                first=first,
            )
        values: dict[str, Any] = {
            "company": clean_text(company, field="company", limit=SHORT_TEXT_MAX),
            "category": clean_text(category, field="category", limit=SHORT_TEXT_MAX),
            "email": check_email(email),
            "phone": clean_text(phone, field="phone", limit=SHORT_TEXT_MAX),
            "active": parse_bool(active, field="active") if active.strip() else None,
        }
        organiser_ids = set(self._network_ids(organiser_of, column="organiser_of"))
        wanted = dict.fromkeys(self._network_ids(networks, column="networks"), Role.MEMBER.value)
        wanted.update(dict.fromkeys(organiser_ids, Role.ORGANISER.value))
        existing = self.members.get(key)
        if existing is None:
            self._plan_new(check_name(clean_name, field="member name"), values, wanted)
        else:
            self._plan_update(existing, values, wanted)

    # -- the acting member's rights, from the loaded sets ----------------------------------

    def _current(self, member_id: int) -> set[int]:
        """The networks the member is in now, before this import."""
        if self._current_networks is None:
            self._current_networks = {}
            for (member, network_id), (_, _, left_on) in self.memberships.items():
                if left_on is None:
                    self._current_networks.setdefault(member, set()).add(network_id)
        return self._current_networks.get(member_id, set())

    def _names_of(self, network_ids: set[int]) -> str:
        return ", ".join(sorted(self.network_names[n] for n in network_ids))

    def _require_may_add(self, wanted: dict[int, str]) -> None:
        """``member add``: an organiser of every network named; outside any, the owner."""
        if self.writer_id is None:
            return
        if not wanted:
            raise LedgerError(
                "role.owner_adds_member_outside_network",
                "Only the ledger's owner may add a member outside any network; "
                "name a network you organise.",
            )
        self._require_may_join(wanted, doing=N_("add members to {network}"))

    def _require_may_join(self, network_ids: Iterable[int], *, doing: str) -> None:
        """``member join``: an organiser of each network (for joining oneself too)."""
        for network_id in network_ids:
            if self.writer_id is not None and network_id not in self.organised:
                network = self.network_names[network_id]
                raise LedgerError(
                    "role.organiser_of",
                    "Only {organiser} may {doing}.",
                    organiser=organiser_phrase([network]),
                    doing=Phrase(doing, network=network),
                )

    def _require_may_edit(self, existing: dict[str, Any]) -> None:
        """``member edit``: the member themself or an organiser of a network they are in."""
        member_id, name = existing["id"], existing["name"]
        if self.writer_id in (None, member_id):
            return
        theirs = self._current(member_id)
        if theirs & self.organised:
            return
        doing = Phrase(N_("change {name}'s details"), name=name)
        if not theirs:
            raise LedgerError(
                "role.self_or_owner",
                "Only {name} or the ledger's owner may {doing}.",
                name=name,
                doing=doing,
            )
        raise LedgerError(
            "role.self_or_organiser",
            "Only {name} or {organiser} may {doing}.",
            name=name,
            organiser=organiser_phrase([self.network_names[n] for n in theirs]),
            doing=doing,
        )

    def _require_may_set_active(self, existing: dict[str, Any], active: bool) -> None:
        """Deactivating: the member or an organiser of every network they are in now;
        reactivating: such an organiser only (a member cannot undo it alone)."""
        member_id, name = existing["id"], existing["name"]
        or_self = not active
        if self.writer_id is None or (or_self and self.writer_id == member_id):
            return
        theirs = self._current(member_id)
        if theirs and theirs <= self.organised:
            return
        doing = f"{'reactivate' if active else 'deactivate'} {name}"
        if not theirs:
            raise (
                LedgerError(
                    "role.self_or_owner_no_network",
                    "Only {name} or the ledger's owner may {doing}: they are in no network.",
                    name=name,
                    doing=doing,
                )
                if or_self
                else LedgerError(
                    "role.owner_no_network",
                    "Only the ledger's owner may {doing}: they are in no network.",
                    name=name,
                    doing=doing,
                )
            )
        raise (
            LedgerError(
                "role.self_or_organiser_of_all",
                "Only {name} or an organiser of every network they are in ({networks}) "
                "may {doing}.",
                name=name,
                networks=self._names_of(theirs),
                doing=doing,
            )
            if or_self
            else LedgerError(
                "role.organiser_of_all",
                "Only an organiser of every network they are in ({networks}) may {doing}.",
                name=name,
                networks=self._names_of(theirs),
                doing=doing,
            )
        )

    # -- the plan ----------------------------------------------------------------------------

    def _plan_new(self, name: str, values: dict[str, Any], wanted: dict[int, str]) -> None:
        self._require_may_add(wanted)
        placeholder = -(len(self.plan.new_members) + 1)  # real once written
        self.plan.new_members.append(
            {**values, "name": name, "active": values["active"] is not False}
        )
        self.plan.new_memberships.extend(
            {"member_id": placeholder, "network_id": network_id, "role": role}
            for network_id, role in wanted.items()
        )

    def _plan_update(
        self, existing: dict[str, Any], values: dict[str, Any], wanted: dict[int, str]
    ) -> None:
        # An empty cell keeps what the ledger has: a sparse file never wipes details.
        merged = {f: existing[f] if values[f] is None else values[f] for f in _MEMBER_FIELDS}
        details = [f for f in _MEMBER_FIELDS if f != "active" and merged[f] != existing[f]]
        activity = merged["active"] != existing["active"]
        joins: list[int] = []
        updates: list[dict[str, Any]] = []
        new_memberships: list[dict[str, Any]] = []
        for network_id, role in wanted.items():
            current = self.memberships.get((existing["id"], network_id))
            if current is None:
                joins.append(network_id)
                new_memberships.append(
                    {"member_id": existing["id"], "network_id": network_id, "role": role}
                )
                continue
            membership_id, current_role, left_on = current
            # Extend only: a listed network is rejoined and organiser_of promotes, but a
            # file never demotes an organiser or removes anyone from a network.
            new_role = Role.ORGANISER.value if role == Role.ORGANISER else current_role
            if left_on is not None or new_role != current_role:
                joins.append(network_id)
                updates.append({"membership_id": membership_id, "role": new_role})
        if not (details or activity or joins):
            self.plan.unchanged += 1
            return
        if existing["name"] == FORMER_MEMBER.format(id=existing["id"]):
            raise LedgerError(
                "member.forgotten_unchanged",
                "Member #{id} was forgotten; their name and details cannot be set again.",
                field="name",
                id=existing["id"],
            )
        if details:
            self._require_may_edit(existing)
        if activity:
            self._require_may_set_active(existing, bool(merged["active"]))
        self._require_may_join(
            joins, doing=N_("add members to {network} or change their role there")
        )
        if details or activity:
            self.plan.member_updates.append({"member_id": existing["id"], **merged})
        self.plan.new_memberships.extend(new_memberships)
        self.plan.membership_updates.extend(updates)


def import_members(
    *,
    session: Session,
    path: str | Path,
    dry_run: bool = False,
    acting_id: int | None = None,
    today: date | None = None,
) -> MemberImport:
    """Add the file's new members and update or extend the known ones, all or nothing.

    Members are matched by their whole name, in any case (its key). A known member's empty
    cells keep their values, and listed networks are joined (or rejoined). Nothing is ever
    removed. ``acting_id`` (``None``: the owner) may change, row by row, only what the
    direct commands let them change.
    """
    source = Path(path).expanduser()
    width, rows = read_data_rows(source, known=MEMBER_COLUMNS, required=("name",))
    checker = _MemberChecker(session, today=today or date.today(), writer_id=acting_id)
    problems: list[str] = []
    seen = 0
    for line, cells in rows:
        seen += 1
        try:
            if not cells:
                raise wrong_width(width)
            checker.check_row(line, cells)
        except LedgerError as error:
            problems.append(line_problem(line, error))
    if problems:
        raise rejected(source.name, problems)
    plan = checker.plan
    if not dry_run:
        write_in_one_transaction(
            session, lambda: _write_members(session, plan, rejoined_on=checker.today)
        )
    return MemberImport(
        file=str(source),
        rows=seen,
        added=len(plan.new_members),
        updated=seen - len(plan.new_members) - plan.unchanged,
        unchanged=plan.unchanged,
        memberships_added=len(plan.new_memberships),
        dry_run=dry_run,
    )


def _real_id(member_id: int, new_ids: list[int]) -> int:
    """A negative placeholder ``-n`` stands for the n-th member this import adds."""
    return new_ids[-member_id - 1] if member_id < 0 else member_id


def _write_members(session: Session, plan: _MemberPlan, *, rejoined_on: date) -> None:
    """Write the plan. A new membership's joining date stays unknown, as with ``member add``;
    a member who had left and is listed again rejoins on the day of the import."""
    now = utcnow()
    new_ids: list[int] = []
    if plan.new_members:
        inserted = session.execute(
            sa.insert(MEMBER_TABLE).returning(MEMBER_TABLE.c.id, sort_by_parameter_order=True),
            [{**member, "created_at": now} for member in plan.new_members],
        )
        new_ids = list(inserted.scalars())
    if plan.member_updates:
        session.execute(
            sa.update(MEMBER_TABLE)
            .where(MEMBER_TABLE.c.id == sa.bindparam("member_id"))
            .values({f: sa.bindparam(f) for f in _MEMBER_FIELDS}),
            plan.member_updates,
        )
    if plan.new_memberships:
        session.execute(
            sa.insert(MEMBERSHIP_TABLE),
            [
                {
                    **membership,
                    "member_id": _real_id(membership["member_id"], new_ids),
                    "joined_on": None,
                    "left_on": None,
                }
                for membership in plan.new_memberships
            ],
        )
    if plan.membership_updates:
        session.execute(
            sa.update(MEMBERSHIP_TABLE)
            .where(MEMBERSHIP_TABLE.c.id == sa.bindparam("membership_id"))
            .values(
                role=sa.bindparam("role"),
                joined_on=sa.case(
                    (MEMBERSHIP_TABLE.c.left_on.is_not(None), rejoined_on),
                    else_=MEMBERSHIP_TABLE.c.joined_on,
                ),
                left_on=None,
            ),
            plan.membership_updates,
        )


def export_members(*, session: Session, path: str | Path, overwrite: bool = False) -> int:
    """Write every member by name with the networks they are in now; the count."""
    networks_of: dict[int, list[tuple[str, str]]] = {}
    current = (
        sa.select(MEMBERSHIP_TABLE.c.member_id, NETWORK_TABLE.c.name, MEMBERSHIP_TABLE.c.role)
        .join(NETWORK_TABLE, NETWORK_TABLE.c.id == MEMBERSHIP_TABLE.c.network_id)
        .where(MEMBERSHIP_TABLE.c.left_on.is_(None))
        .order_by(NETWORK_TABLE.c.name)
    )
    for member_id, network, role in session.execute(current):
        if NETWORK_SEPARATOR in network:
            raise LedgerError(
                "export.separator_in_network_name",
                "The network name '{name}' contains '{separator}', which the members file uses "
                "between names; rename the network first.",
                name=network,
                separator=NETWORK_SEPARATOR,
            )
        networks_of.setdefault(member_id, []).append((network, role))
    query = sa.select(
        MEMBER_TABLE.c.id, MEMBER_TABLE.c.name, *(MEMBER_TABLE.c[f] for f in _MEMBER_FIELDS)
    )
    rows = (
        (
            *row[1:],
            f"{NETWORK_SEPARATOR} ".join(name for name, _ in networks_of.get(row[0], [])),
            f"{NETWORK_SEPARATOR} ".join(
                name for name, role in networks_of.get(row[0], []) if role == Role.ORGANISER
            ),
        )
        for row in stream_rows(session.connection(), query.order_by(MEMBER_TABLE.c.name))
    )
    return write_csv(
        Path(path).expanduser(),
        MEMBER_COLUMNS,
        rows,
        formats=[_format if column == "active" else format_text for column in MEMBER_COLUMNS],
        overwrite=overwrite,
    )
