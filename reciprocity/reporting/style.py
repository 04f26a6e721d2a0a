"""The one visual style of every chart: fonts, the colour-blind-safe palette, figure sizes.

The rc settings live in ``reports/reciprocity.mplstyle`` (shipped with the wheel); this
module applies them around the drawing of a figure without touching pyplot or the
process-wide ``rcParams``, so a chart drawn inside the TUI leaves its host alone.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from reciprocity.paths import resource_dir

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
GIVER = OKABE_ITO["blue"]
"""Members who gave more than they took."""
TAKER = OKABE_ITO["vermillion"]
"""Members who took more than they gave."""
NEUTRAL = "#999999"
KIND_COLOURS = {
    "referral": OKABE_ITO["blue"],
    "help": OKABE_ITO["orange"],
    "introduction": OKABE_ITO["green"],
}
HEATMAP_CMAP = "cividis_r"
"""Light for little, dark for much: empty cells stay white and small flows still show."""

A4_PORTRAIT = (8.27, 11.69)
"""Inches."""
CHART_SIZE = (8.0, 5.0)
"""A chart on its own: a PNG file or a figure in the HTML report."""
PNG_DPI = 150

P = ParamSpec("P")
R = TypeVar("R")


def style_file() -> Path:
    """The shipped matplotlib style sheet."""
    return resource_dir("reports") / "reciprocity.mplstyle"


@cache
def _rc() -> dict[str, Any]:
    from matplotlib import rc_params_from_file

    params = rc_params_from_file(str(style_file()), use_default_template=False)
    return {key: params[key] for key in params}


@contextmanager
def styled() -> Iterator[None]:
    """Draw with the house style; the process-wide settings are restored afterwards."""
    import matplotlib

    settings: Any = _rc()
    with matplotlib.rc_context(settings):
        yield


def with_style(function: Callable[P, R]) -> Callable[P, R]:
    """Run a chart function inside :func:`styled`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with styled():
            return function(*args, **kwargs)

    return wrapper


def shorten(name: str, limit: int = 28) -> str:
    """A name cut to fit a chart label or a table cell, with an ellipsis."""
    return name if len(name) <= limit else name[: limit - 1] + "…"
