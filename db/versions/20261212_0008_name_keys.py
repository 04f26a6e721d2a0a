"""names unique under a normalised key; invisible characters out of stored names

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12 09:00:00.000000

``member`` and ``network`` get ``name_key``: the name without format characters
(Unicode Cf), in NFKC, case-folded, white space collapsed
(:func:`reciprocity.store.name_keys.name_key`), under a UNIQUE index. Until now names
were unique only as typed, so two processes adding "Race Person" and "RACE PERSON" at
once could both succeed, and a name could hide a zero-width space or a bidi control.

No row is lost. Each table is read in id order and every name is made fit for the key:

- format characters are removed from the stored name (they are invisible, or reorder
  the text around them); a name made only of them becomes "Member #id" or "Network #id";
- a name whose key an earlier row already holds (the older row keeps its name) gets its
  id appended, visibly: "RACE PERSON" becomes "RACE PERSON (#12)", shortened first if
  needed to stay within 120 characters;
- a member named like a forgotten member ("Former member #87") who is not member #87
  gets the same suffix, so member #87 can still be forgotten.

The renamed rows keep every other value; lists and exports show the new names, which say
which row was renamed. SQLite adds the column in place (``NOT NULL DEFAULT ''`` until the
keys are written; an index, not a table constraint, so no table is rebuilt).
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from reciprocity.store.name_keys import name_key

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("member", "network")
NAME_MAX = 120
_FORGOTTEN = re.compile(r"former member #(\d+)")


def _visible(name: str) -> str:
    return "".join(char for char in name if unicodedata.category(char) != "Cf").strip()


def _with_suffix(name: str, suffix: str) -> str:
    return name[: NAME_MAX - len(suffix)].rstrip() + suffix


def _fit_names(connection: sa.Connection, table: str) -> None:
    """Write every row's key, renaming the rows whose name cannot keep its own."""
    rows = connection.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all()
    taken: set[str] = set()
    fitted: dict[int, tuple[str, str]] = {}
    if table == "member":
        # A forgotten member's own name is theirs by construction: it goes first.
        for row_id, stored in rows:
            if stored == f"Former member #{row_id}":
                fitted[row_id] = (stored, name_key(stored))
                taken.add(name_key(stored))
    for row_id, stored in rows:
        if row_id in fitted:
            continue
        base = _visible(stored) or f"{table.capitalize()} #{row_id}"
        name, key, attempt = base, name_key(base), 1
        while key in taken or (table == "member" and _FORGOTTEN.fullmatch(key)):
            suffix = f" (#{row_id})" if attempt == 1 else f" (#{row_id}-{attempt})"
            name = _with_suffix(base, suffix)
            key, attempt = name_key(name), attempt + 1
        taken.add(key)
        fitted[row_id] = (name, key)
    renamed = [row_id for row_id, stored in rows if fitted[row_id][0] != stored]
    if renamed:
        # Out of the way first: a new name may be one that a later row still holds, and
        # the old unique constraint on ``name`` must never see it twice.
        connection.execute(
            sa.text(f"UPDATE {table} SET name = :name WHERE id = :id"),
            [{"id": row_id, "name": f"\x01renaming #{row_id}"} for row_id in renamed],
        )
    if fitted:
        connection.execute(
            sa.text(f"UPDATE {table} SET name = :name, name_key = :key WHERE id = :id"),
            [{"id": row_id, "name": name, "key": key} for row_id, (name, key) in fitted.items()],
        )


def upgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        op.add_column(table, sa.Column("name_key", sa.String(), server_default="", nullable=False))
        _fit_names(connection, table)
        if connection.dialect.name != "sqlite":
            op.alter_column(table, "name_key", server_default=None)
        op.create_index(op.f(f"ix_{table}_name_key"), table, ["name_key"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_name_key"), table_name=table)
        # SQLite (3.35 and later) drops a column in place; no table is rebuilt.
        op.execute(f"ALTER TABLE {table} DROP COLUMN name_key")
