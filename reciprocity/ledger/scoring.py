"""A Traffic Lights scoring table: the points BNI leadership teams give for attendance,
referrals, visitors, one-to-ones, CEUs and closed business, and the bands they colour.

Regions score differently, so the table is a TOML file (documented in docs/bni.md; the
default ships as ``reciprocity/analytics/traffic_lights.toml``). A chapter may keep its
own table as a setting of its network (:func:`set_traffic_lights`); a run may name a
file (``--scoring FILE``). This module reads and checks a table and stores the setting;
the scores themselves are computed in :mod:`reciprocity.analytics.traffic_lights`.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from reciprocity.i18n import N_, Phrase
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import get_network
from reciprocity.ledger.roles import require_organiser_of
from reciprocity.store.models import Network

MEASURES: tuple[str, ...] = (
    "absences",
    "lates",
    "referrals_per_week",
    "visitors_per_week",
    "one_to_ones_per_week",
    "ceu_per_week",
    "tyfcb",
)
"""What a table may score, per member over the window (docs/bni.md defines each)."""
AT_MOST = frozenset({"absences", "lates"})
"""Measures where less is better: a step gives its points up to its value."""
LIGHTS: tuple[str, ...] = ("green", "yellow", "red")
"""The bands a table sets, best first; below the lowest is ``grey``."""
GREY = "grey"
MAX_TABLE_CHARS = 20_000


@dataclass(frozen=True)
class Scoring:
    """A checked scoring table."""

    months: int
    bands: tuple[tuple[str, int], ...]
    """``(light, lowest score)``, best first."""
    steps: dict[str, tuple[tuple[float, int], ...]]
    """Per measure: ``(value, points)`` steps."""

    def points(self, measure: str, value: float) -> int:
        """The points ``value`` earns: the best step it reaches (0 when it reaches none)."""
        earned = 0
        for threshold, points in self.steps.get(measure, ()):
            reached = value <= threshold if measure in AT_MOST else value >= threshold
            if reached:
                earned = max(earned, points)
        return earned

    @property
    def max_score(self) -> int:
        """The most a member can score."""
        return sum(max(points for _, points in steps) for steps in self.steps.values())

    def light(self, score: int) -> str:
        """The band of a score: ``green``, ``yellow``, ``red`` or ``grey``."""
        for light, lowest in self.bands:
            if score >= lowest:
                return light
        return GREY


def _bad(detail: str) -> LedgerError:
    return LedgerError(
        "scoring.invalid",
        "The Traffic Lights scoring table is not valid: {detail}. See docs/bni.md.",
        field="scoring",
        detail=detail,
    )


def parse_scoring(text: str) -> Scoring:
    """Read and check a scoring table; one sentence names the first thing wrong."""
    if len(text) > MAX_TABLE_CHARS:
        raise _bad(f"it is longer than {MAX_TABLE_CHARS:,} characters")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LedgerError(
            "scoring.not_toml",
            "The Traffic Lights scoring table is not TOML ({detail}).",
            field="scoring",
            detail=str(error),
        ) from None
    unknown = sorted(set(table) - {"months", "bands", "points"})
    if unknown:
        raise _bad(f"unknown key '{unknown[0]}' (the keys are months, bands and points)")
    months = table.get("months", 6)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 24:
        raise _bad("months must be a whole number from 1 to 24")
    bands = _bands(table.get("bands"))
    points = table.get("points")
    if not isinstance(points, dict) or not points:
        raise _bad("[points] must list at least one measure")
    steps: dict[str, tuple[tuple[float, int], ...]] = {}
    for measure, rows in points.items():
        if measure not in MEASURES:
            raise _bad(f"'{measure}' is not a measure; use {', '.join(MEASURES)}")
        steps[measure] = _steps(measure, rows)
    return Scoring(months=months, bands=bands, steps=steps)


def _bands(bands: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(bands, dict) or set(bands) != set(LIGHTS):
        raise _bad("[bands] must give green, yellow and red their lowest scores")
    values = [bands[light] for light in LIGHTS]
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values):
        raise _bad("band scores must be whole numbers of 0 or more")
    if not values[0] >= values[1] >= values[2]:
        raise _bad("green must need at least the score of yellow, and yellow of red")
    return tuple(zip(LIGHTS, values, strict=True))


def _steps(measure: str, rows: Any) -> tuple[tuple[float, int], ...]:
    if not isinstance(rows, list) or not rows:
        raise _bad(f"{measure} must be a list of [value, points] pairs")
    steps: list[tuple[float, int]] = []
    for row in rows:
        if (
            not isinstance(row, list)
            or len(row) != 2
            or isinstance(row[0], bool)
            or not isinstance(row[0], int | float)
            or isinstance(row[1], bool)
            or not isinstance(row[1], int)
            or row[0] < 0
            or row[1] < 0
        ):
            raise _bad(f"{measure} has {row!r}; each step is [value, whole points], both ≥ 0")
        steps.append((float(row[0]), int(row[1])))
    return tuple(steps)


def read_scoring_file(path: str | Path) -> str:
    """The text of a scoring file a user named, checked."""
    source = Path(path).expanduser()
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LedgerError(
            "import.no_file", "There is no file {path}.", field="file", path=str(source)
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(
            "import.unreadable",
            "{path} cannot be read ({reason}).",
            field="file",
            path=str(source),
            reason=getattr(error, "strerror", None) or str(error),
        ) from None
    parse_scoring(text)
    return text


def set_traffic_lights(
    *, session: Session, network_id: int, text: str | None, acting_id: int | None = None
) -> Network:
    """Keep ``text`` as the network's own scoring table (``None``: back to the default).

    Only an organiser of the network (or the local owner) may: it decides every member's
    light.
    """
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(N_("change the Traffic Lights scoring of {network}"), network=network.name),
    )
    if text is not None:
        parse_scoring(text)
    network.traffic_lights = text
    session.add(network)
    session.commit()
    session.refresh(network)
    return network
