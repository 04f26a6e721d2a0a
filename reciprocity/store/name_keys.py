"""The key under which a member's or a network's name is unique.

Two names that a person reads as the same name must never belong to two rows: "Race
Person" and "RACE PERSON", "Anna  de Vries" and "Anna de Vries", "Ｂｏｂ" and "Bob", or
"Bob" and "Bob" followed by an invisible zero-width space. :func:`name_key` maps all of
them to one key, and the ``name_key`` columns of ``member`` and ``network`` carry a
UNIQUE index on it (revision 0008), so the database itself refuses the second of two
such names, even when two processes add them at the same moment.

The key is the name with format characters (Unicode category Cf: zero-width spaces and
joiners, bidi controls, the byte-order mark) removed, in Unicode NFKC, case-folded, with
every run of white space collapsed to one space. It is computed in Python, never with the
database's ``lower()``, which folds ASCII only in SQLite and in C-locale PostgreSQL.
The ledger refuses format characters in new names; the key drops them so that names
stored before that rule still collide with the name they imitate.

This module only computes; it never reads or writes the database.
"""

import unicodedata
from typing import Any


def name_key(name: str) -> str:
    """The key under which ``name`` is unique: ``" Race  PERSON"`` → ``"race person"``."""
    if name.isascii():
        return " ".join(name.lower().split())
    visible = "".join(char for char in name if unicodedata.category(char) != "Cf")
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    return " ".join(folded.split())


def key_of_inserted_name(context: Any) -> str:
    """A column default: the key of the ``name`` an INSERT writes, for every insert path
    (the ORM, Core ``executemany`` batches, ``import all``) that does not give its own."""
    return name_key(str(context.get_current_parameters()["name"]))
