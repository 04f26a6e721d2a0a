"""Finding a member or a network by the name a user typed, the same way on every face.

Names are compared by their key (:func:`reciprocity.store.name_keys.name_key`: NFKC,
case-folded, white space collapsed, invisible characters dropped), never with the
database's ``lower()``, which folds ASCII only in SQLite and in C-locale PostgreSQL. An
exact key wins, then a unique prefix; an ambiguous name lists the candidates and an
unknown one suggests the closest names. Destructive commands (forget, deactivate) take
an exact name only: a prefix that happens to be unique today is not a sure enough way to
name the person whose data is erased.

Two rows never share a key: the ``name_key`` columns have a UNIQUE index, so when two
processes add one name at once the database refuses the second, and
:func:`refuse_taken_name` turns that refusal into the same sentence a check would give.
"""

from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import NAME_MAX, close_names, require_text, unknown_name_error
from reciprocity.store.models import Member, Network
from reciprocity.store.name_keys import name_key

CANDIDATES_SHOWN = 8


def _names(session: Session, table: type[Member] | type[Network]) -> list[tuple[int, str, str]]:
    query = select(col(table.id), col(table.name), col(table.name_key)).order_by(col(table.name))
    return [(row_id, name, str(key)) for row_id, name, key in session.exec(query).all() if row_id]


def find_id_by_name(
    *,
    session: Session,
    table: type[Member] | type[Network],
    name: str,
    field: str | None = None,
    exact: bool = False,
) -> int:
    """The id of the member or network a user meant by ``name``.

    ``field`` names the input the name was typed in (``giver``, ``receiver`` …); errors carry
    it so a face can place them. It defaults to ``member`` or ``network``. ``exact`` refuses
    a prefix: the name must be the whole name, in any case.
    """
    kind = "member" if table is Member else "network"
    where = field or kind
    try:
        typed = require_text(name, field=f"{kind} name", limit=NAME_MAX)
    except LedgerError as error:
        raise error.for_field(where) from None
    wanted = name_key(typed)
    found = session.exec(select(col(table.id)).where(col(table.name_key) == wanted)).first()
    if found is not None:
        return found
    everyone = _names(session, table)
    matches = [(row_id, stored) for row_id, stored, key in everyone if key.startswith(wanted)]
    if exact:
        close = [stored for _, stored in matches[:CANDIDATES_SHOWN]] or close_names(
            typed, [stored for _, stored, _ in everyone]
        )
        if close:
            raise (
                LedgerError(
                    "name.not_exact_member",
                    "No member is named exactly '{name}' (did you mean {names}?); "
                    "type the whole name.",
                    field=where,
                    name=typed,
                    names=" or ".join(close),
                )
                if kind == "member"
                else LedgerError(
                    "name.not_exact_network",
                    "No network is named exactly '{name}' (did you mean {names}?); type the "
                    "whole name.",
                    field=where,
                    name=typed,
                    names=" or ".join(close),
                )
            )
        matches = []
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise unknown_name_error(
            kind,
            typed,
            [stored for _, stored, _ in everyone],
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


def _taken(session: Session, table: type[Member] | type[Network], name: str) -> tuple[int, str]:
    """The row that holds ``name``'s key, if any."""
    row = session.exec(
        select(col(table.id), col(table.name)).where(col(table.name_key) == name_key(name))
    ).first()
    return (row[0], row[1]) if row is not None and row[0] is not None else (0, "")


def _taken_error(table: type[Member] | type[Network], row_id: int, stored: str) -> LedgerError:
    member = table is Member
    return (
        LedgerError(
            "name.taken_member",
            "A member named '{name}' already exists (#{id}).",
            field="name",
            name=stored,
            id=row_id,
        )
        if member
        else LedgerError(
            "name.taken_network",
            "A network named '{name}' already exists (#{id}).",
            field="name",
            name=stored,
            id=row_id,
        )
    )


def check_name_free(
    *,
    session: Session,
    table: type[Member] | type[Network],
    name: str,
    except_id: int | None = None,
) -> None:
    """Refuse a name that another member (or network) already has, under its key.

    This gives the sentence early; the UNIQUE index decides a race
    (:func:`refuse_taken_name`).
    """
    row_id, stored = _taken(session, table, name)
    if row_id and row_id != except_id:
        raise _taken_error(table, row_id, stored)


def refuse_taken_name(
    *, session: Session, table: type[Member] | type[Network], name: str, error: Exception
) -> LedgerError:
    """After the database refused a write (``error``, rolled back): the sentence for a name
    another process took meanwhile, or ``error`` itself raised again when that was not it."""
    row_id, stored = _taken(session, table, name)
    if not row_id:
        raise error
    return _taken_error(table, row_id, stored)
