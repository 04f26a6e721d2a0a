"""``db check`` and ``db backup``: prove the stored ledger still keeps its rules.

The check reads the whole database once; it is an audit tool, not a metric. It reports
each breach as a sentence naming the ids involved.
"""

import json
import os
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger import files
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import (
    MAX_WEIGHT,
    STEP_RANK,
    check_void_moment,
    check_weights,
    latest_today,
)
from reciprocity.store.models import Exchange
from reciprocity.store.tables import guarded_columns, table_of
from reciprocity.store.types import stored_kind

_RANK = (
    "CASE {t}.status "
    + " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in STEP_RANK.items())
    + " END"
)
_NOT_A_MEMBER = (
    # A member of the exchange's network that day, or for a slip between chapters of the
    # other chapter's network (other_network_id).
    "NOT EXISTS (SELECT 1 FROM membership m WHERE m.member_id = e.{side}_id "
    "AND (m.network_id = e.network_id OR m.network_id = e.other_network_id) "
    "AND (m.joined_on IS NULL OR m.joined_on <= e.occurred_on) "
    "AND (m.left_on IS NULL OR m.left_on >= e.occurred_on))"
)

_RULE_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "SELECT id FROM exchange WHERE giver_id = receiver_id",
        "Exchanges where the giver is the receiver: {ids}.",
    ),
    (
        "SELECT id FROM exchange WHERE voided_at IS NOT NULL "
        "AND (void_reason IS NULL OR void_reason = '')",
        "Voided exchanges without a reason: {ids}.",
    ),
    (
        "SELECT e.id FROM exchange e WHERE e.voided_at IS NULL AND ("
        + _NOT_A_MEMBER.format(side="giver")
        + " OR "
        + _NOT_A_MEMBER.format(side="receiver")
        + ")",
        "Exchanges between people who were not both members of the network that day: {ids}.",
    ),
    (
        "SELECT e.id FROM exchange e JOIN meeting mt ON mt.id = e.meeting_id "
        "WHERE mt.network_id <> e.network_id",
        "Exchanges linked to a meeting of another network: {ids}.",
    ),
    (
        "SELECT MIN(id) FROM exchange WHERE introduction_group IS NOT NULL "
        "GROUP BY introduction_group HAVING COUNT(*) <> 2",
        "Introduction groups that do not hold exactly two exchanges (first ids): {ids}.",
    ),
    (
        "SELECT id FROM exchange WHERE occurred_on > :today",
        "Exchanges dated in the future: {ids}.",
    ),
    (
        "SELECT f.id FROM followup f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE f.occurred_on < e.occurred_on",
        "Follow-up steps dated before their referral: {ids}.",
    ),
    (
        "SELECT id FROM followup WHERE occurred_on > :today",
        "Follow-up steps dated in the future: {ids}.",
    ),
    (
        "SELECT f.id FROM followup f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE e.kind <> 'referral'",
        "Follow-up steps on exchanges that are not referrals: {ids}.",
    ),
    (
        "SELECT id FROM followup WHERE (status = 'won') <> "
        "(value IS NOT NULL AND business IS NOT NULL) "
        "OR (status <> 'won' AND (value IS NOT NULL OR business IS NOT NULL))",
        "Follow-up steps whose value and new/repeat business do not match a won step: {ids}.",
    ),
    (
        # Two steps of one referral at the same rank (two endings included), or a lower
        # step dated after a higher one: the referral moved backwards.
        "SELECT DISTINCT a.exchange_id FROM followup a JOIN followup b "
        "ON a.exchange_id = b.exchange_id AND a.id < b.id "
        "WHERE "
        + _RANK.format(t="a")
        + " = "
        + _RANK.format(t="b")
        + " OR ("
        + _RANK.format(t="a")
        + " < "
        + _RANK.format(t="b")
        + " AND a.occurred_on > b.occurred_on) OR ("
        + _RANK.format(t="a")
        + " > "
        + _RANK.format(t="b")
        + " AND a.occurred_on < b.occurred_on)",
        "Referrals whose steps go backwards or follow an ending: {ids}.",
    ),
    (
        "SELECT f.id FROM feedback f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE e.kind <> 'referral'",
        "Feedback on exchanges that are not referrals: {ids}.",
    ),
    (
        "SELECT id FROM membership WHERE fee < 0 OR meeting_hours <= 0 OR meeting_hours > 24",
        "Memberships whose own fee or hours per meeting are out of range: {ids}.",
    ),
    (
        "SELECT c.id FROM other_cost c WHERE NOT EXISTS (SELECT 1 FROM membership m "
        "WHERE m.member_id = c.member_id AND m.network_id = c.network_id)",
        "Other costs of members who never belonged to the network: {ids}.",
    ),
    (
        "SELECT id FROM other_cost WHERE spent_on > :today",
        "Other costs dated in the future: {ids}.",
    ),
)


def _ids(rows: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in rows[:20])
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


class _Damaged(Exception):
    """SQLite found the file damaged: the ledger's rules would read broken pages."""


def _check_storage(session: Session) -> list[str]:
    if session.get_bind().dialect.name != "sqlite":
        return []
    problems: list[str] = []
    try:
        integrity = [row[0] for row in session.execute(sa.text("PRAGMA integrity_check")).all()]
    except sa.exc.DatabaseError as error:
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise _Damaged(f"SQLite could not read the database ({detail}).") from None
    if integrity != ["ok"]:
        raise _Damaged(f"SQLite integrity check failed: {'; '.join(map(str, integrity[:5]))}.")
    dangling = session.execute(sa.text("PRAGMA foreign_key_check")).all()
    if dangling:
        tables = sorted({str(row[0]) for row in dangling})
        problems.append(
            f"{len(dangling)} rows point at missing rows (tables: {', '.join(tables)})."
        )
    return problems


_UNREADABLE = {
    # SQLite keeps any text in any column: values SQL wrote that the column cannot hold.
    # date() keeps '2026-02-30' as it is; through julianday it becomes 2026-03-02.
    "date": "{c} IS NOT NULL AND (typeof({c}) <> 'text' OR date(julianday({c})) IS NOT {c})",
    "timestamp": "{c} IS NOT NULL AND (typeof({c}) <> 'text' "
    "OR date(julianday({c})) IS NOT substr({c}, 1, 10))",
    "JSON object of whole numbers": "json_valid({c}) = 0 OR json_type({c}) <> 'object'",
}


def _check_stored_values(session: Session) -> list[str]:
    """Values written outside Reciprocity that a reader could not read, by row."""
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        for table, column in guarded_columns():
            kind = str(stored_kind(column))
            where = _UNREADABLE[kind].format(c=column.name)
            ids = sorted(
                int(row[0])
                for row in session.execute(sa.text(f"SELECT id FROM {table.name} WHERE {where}"))
            )
            if ids:
                problems.append(
                    f"Rows of {table.name} whose {column.name} is not a {kind} (changed outside "
                    f"Reciprocity): {_ids(ids)}."
                )
    if problems:
        return problems
    bad_weights: list[int] = []
    networks = sa.text("SELECT id, CAST(weights AS TEXT) FROM network ORDER BY id")
    for network_id, text in session.execute(networks):
        try:
            check_weights(json.loads(text))
        except (LedgerError, ValueError, TypeError):
            bad_weights.append(int(network_id))
    if bad_weights:
        problems.append(
            "Networks whose weights are not whole numbers from 0 to "
            f"{MAX_WEIGHT} per exchange kind: {_ids(bad_weights)}."
        )
    return problems


def check_ledger(*, session: Session, today: date | None = None) -> list[str]:
    """Every breach found, one sentence each; an empty list means the ledger is sound.

    Each rule is one SQL query, so the check runs in the database, not in memory. A file
    SQLite finds damaged is reported alone: the rules would read its broken pages.
    """
    try:
        problems = _check_storage(session)
    except _Damaged as damaged:
        return [str(damaged), "Restore the database from a backup (reciprocity db backup)."]
    unreadable = _check_stored_values(session)
    if unreadable:
        # The rules below read these columns: correct the rows first.
        return problems + unreadable
    day = today or latest_today()
    for query, message in _RULE_QUERIES:
        statement = sa.text(query)
        parameters = {"today": day} if ":today" in query else {}
        ids = sorted(int(row[0]) for row in session.execute(statement, parameters).all())
        if ids:
            problems.append(message.format(ids=_ids(ids)))
    problems.extend(_check_void_moments(session))
    return problems


def _check_void_moments(session: Session) -> list[str]:
    """Voids dated in the future or before the exchange they void (the import's rule)."""
    exchanges = table_of(Exchange)
    voided = sa.select(exchanges.c.id, exchanges.c.voided_at, exchanges.c.occurred_on).where(
        exchanges.c.voided_at.is_not(None)
    )
    found: dict[str, list[int]] = {}
    for exchange_id, voided_at, occurred_on in session.execute(voided):
        try:
            check_void_moment(voided_at, occurred_on)
        except LedgerError as error:
            found.setdefault(error.key, []).append(int(exchange_id))
    sentences = {
        "void.in_future": "Exchanges voided at a moment in the future: {ids}.",
        "void.before_exchange": "Exchanges voided before their own date: {ids}.",
    }
    return [sentences[key].format(ids=_ids(sorted(ids))) for key, ids in sorted(found.items())]


def backup_sqlite(*, engine: Engine, path: str | Path) -> Path:
    """Copy a SQLite database with SQLite's online backup API, consistent while others write.

    The copy is made under a new hidden name beside ``path`` and checked with SQLite's
    ``PRAGMA integrity_check``; only a sound, complete copy gets the name ``path``
    (:mod:`reciprocity.ledger.files`). A backup killed half-way leaves no file at ``path``
    that could open as an empty ledger, and a damaged database is refused rather than
    copied as if it were a backup.
    """
    if engine.dialect.name != "sqlite":
        raise LedgerError(
            "backup.not_sqlite",
            "Backups of a PostgreSQL database are made with pg_dump, not by Reciprocity.",
            field=None,
        )
    target = Path(path).expanduser()
    if os.path.lexists(target):
        raise LedgerError(
            "backup.exists",
            "{path} already exists; choose a new file name.",
            field="file",
            path=str(target),
        )
    if not target.parent.is_dir():
        raise LedgerError(
            "backup.no_folder",
            "The folder {folder} does not exist.",
            field="file",
            folder=str(target.parent),
        )
    import sqlite3

    partial = files.sibling(target)
    raw = engine.raw_connection()
    try:
        os.close(files.create(partial))
        destination = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
            try:
                found = [str(row[0]) for row in destination.execute("PRAGMA integrity_check")]
            except sqlite3.DatabaseError as error:  # too damaged to be checked at all
                found = [str(error)]
        finally:
            destination.close()
        if found != ["ok"]:
            raise LedgerError(
                "backup.damaged",
                "The database is damaged ({problem}); its copy fails SQLite's integrity "
                "check, so no backup was written. Restore an earlier backup.",
                field=None,
                problem="; ".join(found[:3]),
            )
        files.place(partial, target, overwrite=False)
    except sqlite3.Error as error:
        raise LedgerError(
            "backup.write_failed",
            "The backup {path} could not be written ({reason}).",
            field="file",
            path=str(target),
            reason=str(error),
        ) from None
    except OSError as error:
        raise LedgerError(
            "backup.write_failed",
            "The backup {path} could not be written ({reason}).",
            field="file",
            path=str(target),
            reason=error.strerror or str(error),
        ) from None
    finally:
        raw.close()
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return target
