"""The one visual style of every chart: fonts, the colour-blind-safe palette, figure sizes.

The rc settings live in ``reports/reciprocity.mplstyle`` (shipped with the wheel); this
module applies them around the drawing of a figure without touching pyplot or the
process-wide ``rcParams``, so a chart drawn inside the TUI leaves its host alone.

Names come in every script. The style's font (DejaVu Sans, shipped with matplotlib) is
followed by whichever wide-coverage fonts the machine has (Noto, Arial Unicode, Segoe UI
Symbol…), which matplotlib falls back to glyph by glyph; :func:`drawable` then turns what
no font can draw into "□" and drops invisible format characters (a byte-order mark, a
zero-width joiner, bidi controls), so a report never fails on a name and never prints
"Glyph missing" on stderr. Only what is drawn changes: the CSV and XLSX files keep every
name exactly as typed.
"""

import unicodedata
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


FALLBACK_FONTS = (
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
    "Noto Emoji",
    "Arial Unicode MS",
    "Segoe UI Symbol",
    "Segoe UI Emoji",
    "Microsoft YaHei",
)
"""Fonts tried after the style's own for a glyph it lacks, when installed. Colour
(bitmap) emoji fonts are left out: matplotlib cannot scale them."""
MISSING_GLYPH = "□"


@cache
def fonts() -> tuple[list[str], frozenset[int]]:
    """The font families to draw with (the style's first, then the installed fallbacks)
    and every code point one of them has."""
    from matplotlib import font_manager, ft2font

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    families = ["DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed)]
    covered: set[int] = set()
    for family in families:
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        covered.update(ft2font.FT2Font(path).get_charmap())
    return families, frozenset(covered)


def drawable(text: str) -> str:
    """``text`` as a chart or PDF page can draw it: format characters (category Cf, such
    as U+FEFF or U+200D) dropped, other control characters made spaces, and characters no
    available font has shown as "□". Line breaks stay."""
    _, covered = fonts()
    if text.isascii() and text.isprintable():
        return text
    out = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        if character == "\n":
            out.append(character)
        elif category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif character.isspace() or ord(character) in covered:
            out.append(character)
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


@cache
def _rc() -> dict[str, Any]:
    from matplotlib import rc_params_from_file

    params = rc_params_from_file(str(style_file()), use_default_template=False)
    settings: dict[str, Any] = {key: params[key] for key in params}
    settings["font.family"] = fonts()[0]
    return settings


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
    """A name cut to fit a chart label or a table cell, with an ellipsis; drawable."""
    name = drawable(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"
