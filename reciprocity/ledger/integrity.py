"""``db check`` and ``db backup``: prove the stored ledger still keeps its rules.

The check reads the whole database once; it is an audit tool, not a metric. It reports
each breach as a sentence naming the ids involved.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import STEP_RANK

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
        "SELECT f.id FROM followup f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE f.occurred_on < e.occurred_on",
        "Follow-up steps dated before their referral: {ids}.",
    ),
    (
        "SELECT f.id FROM followup f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE e.kind <> 'referral'",
        "Follow-up steps on exchanges that are not referrals: {ids}.",
    ),
    (
        "SELECT f.id FROM feedback f JOIN exchange e ON e.id = f.exchange_id "
        "WHERE e.kind <> 'referral'",
        "Feedback on exchanges that are not referrals: {ids}.",
    ),
)


def _ids(rows: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in rows[:20])
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _check_step_order(session: Session) -> list[str]:
    rows = session.execute(
        sa.text(
            "SELECT exchange_id, id, status, occurred_on FROM followup ORDER BY exchange_id, id"
        )
    ).all()
    broken: list[int] = []
    last: dict[int, tuple[int, object]] = {}
    for exchange_id, _step_id, status, occurred_on in rows:
        rank = STEP_RANK.get(status, 0)
        previous = last.get(exchange_id)
        if previous is not None and (rank <= previous[0] or str(occurred_on) < str(previous[1])):
            broken.append(exchange_id)
        last[exchange_id] = (rank, occurred_on)
    if not broken:
        return []
    return [f"Referrals whose steps go backwards or follow an ending: {_ids(sorted(set(broken)))}."]


def _check_storage(session: Session) -> list[str]:
    if session.get_bind().dialect.name != "sqlite":
        return []
    problems: list[str] = []
    integrity = [row[0] for row in session.execute(sa.text("PRAGMA integrity_check")).all()]
    if integrity != ["ok"]:
        problems.append(f"SQLite integrity check failed: {'; '.join(map(str, integrity[:5]))}.")
    dangling = session.execute(sa.text("PRAGMA foreign_key_check")).all()
    if dangling:
        tables = sorted({str(row[0]) for row in dangling})
        problems.append(
            f"{len(dangling)} rows point at missing rows (tables: {', '.join(tables)})."
        )
    return problems


def check_ledger(*, session: Session) -> list[str]:
    """Every breach found, one sentence each; an empty list means the ledger is sound."""
    problems = _check_storage(session)
    for query, message in _RULE_QUERIES:
        ids = [int(row[0]) for row in session.execute(sa.text(query)).all()]
        if ids:
            problems.append(message.format(ids=_ids(ids)))
    problems.extend(_check_step_order(session))
    return problems


def backup_sqlite(*, engine: Engine, path: str | Path) -> Path:
    """Copy a SQLite database with SQLite's online backup API, consistent while others write."""
    if engine.dialect.name != "sqlite":
        raise LedgerError(
            "Backups of a PostgreSQL database are made with pg_dump, not by Reciprocity."
        )
    target = Path(path).expanduser()
    if target.exists():
        raise LedgerError(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise LedgerError(f"The folder {target.parent} does not exist.")
    import sqlite3

    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()
    return target
