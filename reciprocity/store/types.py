"""Column types shared by the tables.

Timestamps are stored in UTC and always come back timezone-aware, on SQLite (which keeps
no zone) as on PostgreSQL. Money is a two-decimal numeric read as ``float``.
"""

from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

T = TypeVar("T")


class StoredValueError(Exception):
    """A stored value its column's type cannot hold: the database was edited outside
    Reciprocity (SQLite keeps any text in any column). ``kind`` names what the column
    holds (``date``, ``timestamp``, ``JSON object``); ``raw`` is the value as stored."""

    def __init__(self, kind: str, raw: Any) -> None:
        super().__init__(kind, raw)
        self.kind = kind
        self.raw = raw


class _Guarded(sa.types.TypeDecorator[T]):
    """A type whose reading of a stored value raises :class:`StoredValueError`, never the
    converter's own ``ValueError``, so a reader can name the row (see the workspace)."""

    kind = "value"

    def accepts(self, value: Any) -> bool:
        """Whether a converted value is one this column may hold."""
        return True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        convert = super().result_processor(dialect, coltype)
        kind, accepts = self.kind, self.accepts

        def process(value: Any) -> Any:
            try:
                result = value if convert is None else convert(value)
            except (ValueError, TypeError, OverflowError):
                raise StoredValueError(kind, value) from None
            if result is not None and not accepts(result):
                raise StoredValueError(kind, value)
            return result

        return process


def stored_kind(column: sa.Column[Any]) -> str | None:
    """What a guarded column holds (``date``, ``timestamp`` …), or ``None``."""
    return column.type.kind if isinstance(column.type, _Guarded) else None


class StoredDate(_Guarded[date]):
    """A business date (``occurred_on``, ``held_on`` …)."""

    impl = sa.Date
    cache_ok = True
    kind = "date"


class WeightsJSON(_Guarded[Any]):
    """A network's points per exchange kind: a JSON object of whole numbers."""

    impl = sa.JSON
    cache_ok = True
    kind = "JSON object of whole numbers"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict) and all(
            isinstance(weight, int) and not isinstance(weight, bool) for weight in value.values()
        )


class UTCDateTime(_Guarded[datetime]):
    """A ``timestamp with time zone`` that refuses naive values and returns aware ones."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True
    kind = "timestamp"

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


MONEY = sa.Numeric(14, 2, asdecimal=False)
"""Amounts of business value, exact in PostgreSQL, read as float with two decimals."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
