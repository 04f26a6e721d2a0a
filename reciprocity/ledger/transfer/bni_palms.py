"""BNI Connect's PALMS summary into the ledger, as a baseline beside Reciprocity's own PALMS.

The summary has one row per member (``First Name, Last Name, P, A, L, M, S, RGI, RGO,
RRI, RRO, V, 1-2-1, TYFCB, CEU, Custom``) and, like the slips report, no dates: the
importer is told the period it covers. Members are matched on First + Last Name with
normalised whitespace and case (a first name may hold two words) or, with
``create_members``, added to the chapter. Importing the same period again replaces that
period's figures, so it is idempotent; the database settles it (one row per network,
member and period, written as an upsert).
"""

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from reciprocity.i18n import N_, Phrase, Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import get_network
from reciprocity.ledger.roles import require_organiser_of
from reciprocity.ledger.rules import (
    NAME_MAX,
    check_amount,
    check_name,
    line_problem,
    require_text,
)
from reciprocity.ledger.slips import PALMS_COUNTS, check_count, check_period, tidy_name
from reciprocity.ledger.transfer.bni_slips import bni_number
from reciprocity.ledger.transfer.csvfiles import (
    MEMBER_TABLE,
    MEMBERSHIP_TABLE,
    rejected,
    write_in_one_transaction,
)
from reciprocity.ledger.transfer.spreadsheets import rows_under_header
from reciprocity.store.models import PalmsBaseline, Role
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

PALMS_FILE_HEADER: tuple[str, ...] = (
    "First Name",
    "Last Name",
    "P",
    "A",
    "L",
    "M",
    "S",
    "RGI",
    "RGO",
    "RRI",
    "RRO",
    "V",
    "1-2-1",
    "TYFCB",
    "CEU",
    "Custom",
)
"""The PALMS summary's columns; ``Custom`` may be left out."""
BASELINE = table_of(PalmsBaseline)


@dataclass(frozen=True)
class PalmsImport:
    """What a PALMS import did (or, on a dry run, would do)."""

    file: str
    network: str
    period_start: date
    period_end: date
    rows: int
    replaced: int
    members_added: list[str]
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` summary: every field, by name."""
        return asdict(self)


def _whole(raw: str, *, label: str) -> int:
    value = bni_number(raw, label=label) if raw.strip() else 0.0
    if not value.is_integer():
        raise LedgerError(
            "number.not_whole",
            "The {label} '{text}' is not a whole number.",
            field=label,
            label=Term(label),
            text=raw.strip(),
        )
    return check_count(int(value), field=label)


def import_bni_palms(
    *,
    session: Session,
    path: str | Path,
    network_id: int,
    start: date,
    end: date,
    create_members: bool = False,
    dry_run: bool = False,
    acting_id: int | None = None,
) -> PalmsImport:
    """Check every row of a PALMS summary, then keep its figures for the period.

    Only an organiser of the network (or the local owner) may. All or nothing: a bad row
    is reported as ``line N: …`` and nothing is written.
    """
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(N_("import BNI Connect's PALMS into {network}"), network=network.name),
    )
    check_period(start, end)
    source = Path(path).expanduser()
    _header, rows = rows_under_header(
        source, PALMS_FILE_HEADER, optional=1, report=Term("BNI Connect PALMS summary")
    )
    members = {
        name_key(name): (member_id, name)
        for member_id, name in session.execute(sa.select(MEMBER_TABLE.c.id, MEMBER_TABLE.c.name))
    }
    in_network = set(
        session.scalars(
            sa.select(MEMBERSHIP_TABLE.c.member_id).where(
                MEMBERSHIP_TABLE.c.network_id == network_id
            )
        )
    )
    new_members: dict[int, str] = {}
    joining: set[int] = set()
    first_line: dict[int, int] = {}
    checked: list[dict[str, Any]] = []
    problems: list[str] = []
    for line, cells in rows:
        first, last = cells[0], cells[1]
        if not (first.strip() or last.strip()):
            continue  # a totals row, or a blank one
        try:
            name = require_text(tidy_name(f"{first} {last}"), field="member name", limit=NAME_MAX)
            found = members.get(name_key(name))
            if found is None:
                if not create_members:
                    raise LedgerError(
                        "import.unknown_member",
                        "No member is named '{name}'; rerun with --create-members or add "
                        "them first.",
                        field="member",
                        name=name,
                    )
                name = check_name(name, field="member name")
                found = members[name_key(name)] = (-(len(new_members) + 1), name)
                new_members[found[0]] = name
            if found[0] > 0 and found[0] not in in_network:
                if not create_members:
                    raise LedgerError(
                        "import.not_member",
                        "{member} is not a member of {network}; add them with: {command}.",
                        field="member",
                        member=found[1],
                        network=network.name,
                        command=f'reciprocity member join "{found[1]}" "{network.name}"',
                    )
                joining.add(found[0])
            earlier = first_line.setdefault(found[0], line)
            if earlier != line:
                raise LedgerError(
                    "palms.member_twice",
                    "{member} is also on line {first}; a PALMS summary has one row a member.",
                    field="member",
                    member=found[1],
                    first=earlier,
                )
            figures: dict[str, Any] = {
                key: _whole(cell, label=header)
                for key, header, cell in zip(
                    PALMS_COUNTS, PALMS_FILE_HEADER[2:13], cells[2:13], strict=True
                )
            }
            figures["tyfcb"] = check_amount(
                bni_number(cells[13], label="TYFCB") if cells[13].strip() else 0.0, field="TYFCB"
            )
            figures["ceu"] = check_amount(
                bni_number(cells[14], label="CEU") if cells[14].strip() else 0.0, field="CEU"
            )
            custom = cells[15].strip() if len(cells) > 15 else ""
            figures["custom"] = custom[:200] or None
        except LedgerError as error:
            problems.append(line_problem(line, error))
            continue
        checked.append({"member_id": found[0], **figures})
    if problems:
        raise rejected(source.name, problems)
    known = {
        member_id
        for (member_id,) in session.execute(
            sa.select(BASELINE.c.member_id).where(
                BASELINE.c.network_id == network_id,
                BASELINE.c.period_start == start,
                BASELINE.c.period_end == end,
            )
        )
    }
    if not dry_run and checked:
        write_in_one_transaction(
            session,
            lambda: _write(session, checked, new_members, joining, network_id, start, end),
        )
    return PalmsImport(
        file=str(source),
        network=network.name,
        period_start=start,
        period_end=end,
        rows=len(checked),
        replaced=sum(row["member_id"] in known for row in checked),
        members_added=list(new_members.values()),
        dry_run=dry_run,
    )


def _write(
    session: Session,
    rows: list[dict[str, Any]],
    new_members: dict[int, str],
    joining: set[int],
    network_id: int,
    start: date,
    end: date,
) -> None:
    ids: dict[int, int] = {}
    if new_members:
        placeholders = list(new_members)
        now = utcnow()
        inserted = session.execute(
            sa.insert(MEMBER_TABLE).returning(MEMBER_TABLE.c.id, sort_by_parameter_order=True),
            [{"name": new_members[p], "active": True, "created_at": now} for p in placeholders],
        )
        ids = dict(zip(placeholders, inserted.scalars(), strict=True))
    joined = [ids.get(member, member) for member in (*new_members, *sorted(joining))]
    if joined:
        session.execute(
            sa.insert(MEMBERSHIP_TABLE),
            [
                {
                    "member_id": member,
                    "network_id": network_id,
                    "role": Role.MEMBER.value,
                    "joined_on": None,
                    "left_on": None,
                }
                for member in joined
            ],
        )
    values = [
        {
            **row,
            "member_id": ids.get(row["member_id"], row["member_id"]),
            "network_id": network_id,
            "period_start": start,
            "period_end": end,
        }
        for row in rows
    ]
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BASELINE)
    changing = [*PALMS_COUNTS, "tyfcb", "ceu", "custom"]
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["network_id", "member_id", "period_start", "period_end"],
            set_={column: insert.excluded[column] for column in changing},
        ),
        values,
    )
