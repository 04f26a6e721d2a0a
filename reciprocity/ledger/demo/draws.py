"""The demo's one random generator, its calendar, and the writer its rows go through.

Every draw of the demo comes from :class:`Draws`, in a fixed order, so the same seed and
end date give the same rows. :class:`Writer` numbers rows itself and inserts them in
executemany batches, parents before children, so children can point at parents without
reading anything back.
"""

import uuid
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from random import Random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

BATCH_ROWS = 10_000

_SAT, _SUN = 5, 6


class Writer:
    """Numbers rows and inserts them in executemany batches, parents before children."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._tables: dict[str, sa.Table] = {
            table_of(model).name: table_of(model) for model in TABLES_IN_DEPENDENCY_ORDER
        }
        self._pending: dict[str, list[dict[str, Any]]] = {name: [] for name in self._tables}
        self._waiting = 0
        self._last_id: dict[str, int] = dict.fromkeys(self._tables, 0)
        self.rows: dict[str, int] = dict.fromkeys(self._tables, 0)

    def next_id(self, table: str) -> int:
        self._last_id[table] += 1
        return self._last_id[table]

    def add(self, table: str, row: dict[str, Any]) -> None:
        self._pending[table].append(row)
        self.rows[table] += 1
        self._waiting += 1
        if self._waiting >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        for name, rows in self._pending.items():
            if rows:
                self.connection.execute(sa.insert(self._tables[name]), rows)
                rows.clear()
        self._waiting = 0


class Draws:
    """The random generator, the days of the period and the moments rows were written."""

    def __init__(self, connection: Connection, *, seed: int, start: date, until: date) -> None:
        self.rng = Random(seed)
        self.writer = Writer(connection)
        self.now = utcnow()
        self.start = start
        self.until = until
        self.days = [self.start + timedelta(days=n) for n in range((until - self.start).days + 1)]
        self.day_weights = list(accumulate(self._day_weight(day) for day in self.days))
        self._fakers: dict[str, Any] = {}

    @staticmethod
    def _day_weight(day: date) -> float:
        """Business happens on weekdays, and slows down in summer and over Christmas."""
        weight = {_SAT: 0.2, _SUN: 0.1}.get(day.weekday(), 1.0)
        if day.month in (7, 8):
            weight *= 0.6
        if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
            weight *= 0.3
        return weight

    def faker(self, locale: str) -> Any:
        """Faker for ``locale``, seeded from the generator the first time it is asked for."""
        if locale not in self._fakers:
            from faker import Faker

            fake = Faker(locale)
            fake.seed_instance(self.rng.getrandbits(64))
            self._fakers[locale] = fake
        return self._fakers[locale]

    def uuid(self) -> str:
        """A random uuid4 as hex, drawn from the generator."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def moment(self, day: date) -> datetime:
        """A time of that day between 07:00 and 22:00 UTC, when people log their work."""
        minute = int(self.rng.random() * 15 * 60)
        return datetime(day.year, day.month, day.day, 7 + minute // 60, minute % 60, tzinfo=UTC)

    def logged(self, day: date) -> datetime:
        """When a row about ``day`` was written: that day, but never after the demo ran."""
        return min(self.moment(day), self.now)

    def random_day(self) -> date:
        """A day of the period, weekdays and busy seasons more likely."""
        weights = self.day_weights
        index = bisect_right(weights, self.rng.random() * weights[-1])
        return self.days[min(index, len(self.days) - 1)]
