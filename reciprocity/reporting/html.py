"""The HTML reports: one self-contained file each, rendered with Jinja2 and autoescaped.

Templates live in ``reports/`` (shipped in the wheel, found with
:func:`reciprocity.paths.resource_dir`). Autoescaping is on for every template, so a
member named ``<script>…`` is shown as text. Charts are embedded as base64 PNG (the same
bytes as the PNG files), so the file opens and prints anywhere with no folder beside it.
"""

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.paths import resource_dir

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class EmbeddedChart:
    """A chart as the template shows it: its title and base64 PNG bytes."""

    title: str
    data: str


def embed(png: bytes, title: str) -> EmbeddedChart:
    """PNG bytes as an ``<img>`` source. Base64 holds only ``A-Z a-z 0-9 + / =``, none
    of which HTML escapes, so it is marked safe: escaping would copy a megabyte of chart
    per image to change nothing. (It is never a user's string; the title is escaped.)"""
    from markupsafe import Markup

    return EmbeddedChart(title, Markup(base64.b64encode(png).decode("ascii")))


@cache
def environment() -> "Environment":
    """The Jinja2 environment over ``reports/``, autoescaping everything."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(resource_dir("reports")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_html(path: Path, template: str, context: dict[str, Any]) -> Path:
    """Render ``template`` with ``context`` into ``path`` (written whole or not at all)."""
    text = environment().get_template(template).render(**context)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
