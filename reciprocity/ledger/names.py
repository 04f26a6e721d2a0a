"""Finding a member or a network by the name a user typed, the same way on every face.

An exact name in any case wins, then a unique prefix; an ambiguous name lists the
candidates and an unknown one suggests the closest names. Names are compared in Python
(NFC, ``str.lower``), not with the database's ``lower()``, which folds ASCII only in
SQLite and in PostgreSQL databases with a C locale.
"""

from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import NAME_MAX, require_text, unknown_name_error
from reciprocity.store.models import Member, Network

CANDIDATES_SHOWN = 8


def _names(session: Session, table: type[Member] | type[Network]) -> list[tuple[int, str]]:
    rows = session.exec(select(col(table.id), col(table.name)).order_by(col(table.name))).all()
    return [(row_id, name) for row_id, name in rows if row_id is not None]


def find_id_by_name(
    *,
    session: Session,
    table: type[Member] | type[Network],
    name: str,
    field: str | None = None,
) -> int:
    """The id of the member or network a user meant by ``name``.

    ``field`` names the input the name was typed in (``giver``, ``receiver`` …); errors carry
    it so a face can place them. It defaults to ``member`` or ``network``.
    """
    kind = "member" if table is Member else "network"
    where = field or kind
    try:
        typed = require_text(name, field=f"{kind} name", limit=NAME_MAX)
    except LedgerError as error:
        raise error.for_field(where) from None
    wanted = typed.lower()
    everyone = _names(session, table)
    for row_id, stored in everyone:
        if stored.lower() == wanted:
            return row_id
    matches = [(row_id, stored) for row_id, stored in everyone if stored.lower().startswith(wanted)]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise unknown_name_error(
            kind,
            typed,
            [stored for _, stored in everyone],
            add_command=f"reciprocity {kind} add",
            field=where,
        )
    shown = ", ".join(stored for _, stored in matches[:CANDIDATES_SHOWN])
    if len(matches) > CANDIDATES_SHOWN:
        raise LedgerError(
            "name.ambiguous_more",
            "'{name}' could be {names} and more; type more of the name.",
            field=where,
            name=typed,
            names=shown,
        )
    raise LedgerError(
        "name.ambiguous",
        "'{name}' could be {names}; type more of the name.",
        field=where,
        name=typed,
        names=shown,
    )


def check_name_free(
    *,
    session: Session,
    table: type[Member] | type[Network],
    name: str,
    except_id: int | None = None,
) -> None:
    """Refuse a name that another member (or network) already has, in any case."""
    kind = "member" if table is Member else "network"
    wanted = name.lower()
    for row_id, stored in _names(session, table):
        if stored.lower() == wanted and row_id != except_id:
            raise LedgerError(
                "name.taken_member" if kind == "member" else "name.taken_network",
                "A member named '{name}' already exists (#{id})."
                if kind == "member"
                else "A network named '{name}' already exists (#{id}).",
                field="name",
                name=stored,
                id=row_id,
            )
