"""The monthly report and the member review as A4 PDF pages (matplotlib ``PdfPages``).

Each page is one ``Figure`` of A4 size: text pages are laid out with ``Figure.text``,
chart pages hold one or two charts as sub-figures. Pages are planned first and drawn
one at a time, so every footer can say "page N of M" and only one page is in memory.
At national size the member table is summarised (top and bottom 20), so the page count
does not grow with the network.
"""

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.reporting.style import A4_PORTRAIT, NEUTRAL, TAKER, shorten, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase
    from matplotlib.lines import Line2D

    from reciprocity.reporting.coaching import Section
    from reciprocity.reporting.layout import FigureRow, MemberTable

Page = Callable[[], "Figure"]
ChartDraw = Callable[["FigureBase"], object]

TABLE_ROWS = 44
"""Member rows on one table page."""
TEXT_LINES = 52
"""Lines of coaching text on one page."""
LEFT = 0.07
RIGHT = 0.95


def a4() -> "Figure":
    """A blank A4 portrait page on the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4_PORTRAIT)
    FigureCanvasAgg(figure)
    return figure


def _heading(page: "Figure", title: str, subtitle: str | None = None) -> None:
    page.text(LEFT, 0.955, title, fontsize=15, fontweight="bold", va="top")
    if subtitle:
        page.text(LEFT, 0.925, subtitle, fontsize=9.5, color="#444444", va="top")


def chart_page(title: str, draws: Sequence[ChartDraw]) -> Page:
    """A page of one chart, or two stacked, each drawn into its own sub-figure."""

    def draw() -> "Figure":
        page = a4()
        page.set_layout_engine("constrained")
        # Leave the bottom strip to the footer.
        page.get_layout_engine().set(  # type: ignore[union-attr, call-arg]
            h_pad=0.2, w_pad=0.2, rect=(0.01, 0.035, 0.98, 0.95)
        )
        grid: Any = page.subfigures(len(draws), 1, squeeze=False)
        parts: list[FigureBase] = [grid[index, 0] for index in range(len(draws))]
        for part, chart in zip(parts, draws, strict=True):
            chart(part)
        page.suptitle(title, x=LEFT, ha="left", fontsize=9, color="#444444")
        return page

    return draw


def cover_page(
    *,
    kicker: str,
    title: str,
    subtitle: str,
    warning: str | None,
    figures: Sequence["FigureRow"],
    compared_with: str,
    contents: Sequence[str],
) -> Page:
    """The first page: who and when, the key figures against the month before, contents."""

    def draw() -> "Figure":
        page = a4()
        page.text(LEFT, 0.955, kicker, fontsize=11, color="#555555", va="top")
        page.text(LEFT, 0.93, shorten(title, 48), fontsize=22, fontweight="bold", va="top")
        page.text(LEFT, 0.885, subtitle, fontsize=11, va="top")
        y = 0.85
        if warning:
            page.text(LEFT, y, warning, fontsize=11, color=TAKER, fontweight="bold", va="top")
            y -= 0.035
        columns = [
            (LEFT, "left", "Key figure"),
            (0.62, "right", "This month"),
            (0.79, "right", compared_with),
            (RIGHT, "right", "Change"),
        ]
        for x, align, text in columns:
            page.text(x, y, text, fontsize=10, fontweight="bold", ha=align, va="top")
        y -= 0.012
        page.add_artist(_rule(page, y))
        y -= 0.01
        for row in figures:
            cells = ((LEFT, row.label), (0.62, row.now), (0.79, row.before), (RIGHT, row.change))
            for x, text in cells:
                page.text(x, y, text, fontsize=10.5, ha="left" if x == LEFT else "right", va="top")
            y -= 0.03
        y -= 0.02
        page.text(LEFT, y, "In this report", fontsize=12, fontweight="bold", va="top")
        for line in contents:
            y -= 0.026
            page.text(LEFT + 0.02, y, f"• {line}", fontsize=10, va="top")
        return page

    return draw


def _rule(page: "Figure", y: float) -> "Line2D":
    from matplotlib.lines import Line2D

    return Line2D([LEFT, RIGHT], [y, y], transform=page.transFigure, color=NEUTRAL, lw=0.6)


def table_pages(title: str, table: "MemberTable") -> list[Page]:
    """The member table over as many pages as it needs (at national size, one)."""
    if table.hidden:
        gap = (
            f"… {table.hidden:,} members in between; every row is in balances.csv, "
            "quality.csv and report.xlsx …"
        )
        chunks: list[list[list[str] | str]] = [[*table.top, gap, *table.bottom]]
        note = f"The {len(table.top)} highest and lowest balances of {table.total:,} members."
    else:
        rows: list[list[str] | str] = list(table.top)
        chunks = [rows[i : i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
        note = f"All {table.total:,} members, highest balance first."
    return [
        _table_page(
            title, f"{note} Part {number} of {len(chunks)}.", table.headings, table.widths, chunk
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def _table_page(
    title: str,
    note: str,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[list[str] | str],
) -> Page:
    from reciprocity.reporting.layout import TABLE_LEGEND

    def draw() -> "Figure":
        page = a4()
        _heading(page, title, note)
        unit = (RIGHT - LEFT) / sum(widths)
        # The name starts at the left edge; every number ends at its column's right edge.
        edges = [LEFT + unit * sum(widths[: i + 1]) for i in range(len(widths))]
        xs = [LEFT, *edges[1:]]
        page.text(
            LEFT,
            0.035,
            "\n".join(textwrap.wrap(TABLE_LEGEND, 130)),
            fontsize=7,
            color="#555555",
            va="bottom",
        )
        y = 0.895
        for x, heading in zip(xs, headings, strict=True):
            page.text(
                x,
                y,
                heading.replace(" ", "\n") if x != LEFT else heading,
                fontsize=7.5,
                fontweight="bold",
                ha="left" if x == LEFT else "right",
                va="top",
                linespacing=1.0,
            )
        y -= 0.032
        page.add_artist(_rule(page, y))
        y -= 0.006
        if not rows:
            page.text(LEFT, y, "No members are listed for this period.", fontsize=9, va="top")
        for row in rows:
            if isinstance(row, str):
                page.text(LEFT, y, row, fontsize=7.5, style="italic", color="#555555", va="top")
            else:
                for index, (x, cell) in enumerate(zip(xs, row, strict=True)):
                    page.text(
                        x,
                        y,
                        shorten(cell, 34) if index == 0 else cell,
                        fontsize=7.5,
                        ha="left" if index == 0 else "right",
                        va="top",
                    )
            y -= 0.0172
        return page

    return draw


def text_pages(title: str, sections: Sequence["Section"], empty: str) -> list[Page]:
    """Headed paragraphs of notes, wrapped; a section starts a new page rather than
    break across one, and one longer than a page carries its heading over."""
    pages: list[list[tuple[str, str]]] = [[]]
    for section in sections:
        lines = [("heading", section.heading)]
        lines.extend(("intro", line) for line in textwrap.wrap(section.intro, 100))
        for note in section.notes:
            wrapped = textwrap.wrap(note, 96)
            lines.append(("note", "• " + wrapped[0]))
            lines.extend(("note", "   " + rest) for rest in wrapped[1:])
        lines.append(("gap", ""))
        if pages[-1] and len(pages[-1]) + len(lines) > TEXT_LINES:
            pages.append([])
        for line in lines:
            if len(pages[-1]) == TEXT_LINES:
                pages.append([("heading", f"{section.heading} (continued)")])
            pages[-1].append(line)
    if not sections:
        pages[-1].append(("intro", empty))
    return [_text_page(title, page) for page in pages]


def _text_page(title: str, lines: Sequence[tuple[str, str]]) -> Page:
    def draw() -> "Figure":
        page = a4()
        _heading(page, title)
        y = 0.905
        for kind, text in lines:
            if kind == "heading":
                y -= 0.006
                page.text(LEFT, y, text, fontsize=11.5, fontweight="bold", va="top")
            elif kind == "intro":
                page.text(LEFT, y, text, fontsize=9, color="#444444", style="italic", va="top")
            elif kind == "note":
                page.text(LEFT + 0.01, y, text, fontsize=9.5, va="top")
            y -= 0.0165
        return page

    return draw


def write_pdf(path: Path, pages: Sequence[Page], *, title: str, footer: str) -> Path:
    """Draw the planned pages one by one into an A4 PDF, each with "page N of M"."""
    from matplotlib.backends.backend_pdf import PdfPages

    partial = path.with_name(path.name + ".part")
    try:
        with (
            styled(),
            PdfPages(
                partial,
                metadata={"Title": title, "Creator": "Reciprocity", "CreationDate": None},
            ) as pdf,
        ):
            for number, draw in enumerate(pages, start=1):
                page = draw()
                page.text(
                    RIGHT,
                    0.015,
                    f"{footer} · page {number} of {len(pages)}",
                    fontsize=7.5,
                    color="#666666",
                    ha="right",
                )
                pdf.savefig(page)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def generated_on(today: date | None = None) -> str:
    """The day a report was made, for its footer."""
    return f"made {(today or date.today()).isoformat()}"


@dataclass(frozen=True)
class Table:
    """A small table in a flowing page: headings, rows of text, alignment and widths."""

    headings: list[str]
    rows: list[list[str]]
    right: list[bool]
    widths: list[float]


Block = tuple[str, "str | Table"]
"""A piece of a flowing text page: ("heading" | "para" | "bullet", text) or ("table", Table)."""
Line = tuple[str, "str | tuple[list[str], Table, bool]"]


def flow_pages(title: str, subtitle: str | None, blocks: Sequence[Block]) -> list[Page]:
    """Headings, paragraphs, bullets and small tables, laid out top to bottom over pages."""
    lines: list[Line] = []
    for kind, content in blocks:
        if isinstance(content, Table):
            lines.append(("row", (content.headings, content, True)))
            lines.extend(("row", (row, content, False)) for row in content.rows)
        elif kind == "heading":
            lines.extend([("gap", ""), ("heading", content)])
        else:
            wrapped = textwrap.wrap(content, 96 if kind == "bullet" else 100)
            first = "• " if kind == "bullet" else ""
            rest = "   " if kind == "bullet" else ""
            lines.extend((kind, (first if i == 0 else rest) + w) for i, w in enumerate(wrapped))
    chunks = [lines[i : i + TEXT_LINES] for i in range(0, len(lines), TEXT_LINES)] or [[]]
    return [
        _flow_page(title, subtitle if number == 0 else None, chunk)
        for number, chunk in enumerate(chunks)
    ]


def _flow_page(title: str, subtitle: str | None, lines: Sequence[Line]) -> Page:
    def draw() -> "Figure":
        page = a4()
        _heading(page, title, subtitle)
        y = 0.895
        for kind, content in lines:
            if isinstance(content, tuple):
                cells, table, bold = content
                unit = (RIGHT - LEFT) / sum(table.widths)
                x = LEFT
                for cell, flush, width in zip(cells, table.right, table.widths, strict=True):
                    page.text(
                        x + width * unit if flush else x,
                        y,
                        shorten(cell, max(6, int(width * unit * 150))),
                        fontsize=9,
                        fontweight="bold" if bold else "normal",
                        ha="right" if flush else "left",
                        va="top",
                    )
                    x += width * unit
            elif kind == "heading":
                page.text(LEFT, y, content, fontsize=11.5, fontweight="bold", va="top")
            elif kind == "para":
                page.text(LEFT, y, content, fontsize=9.5, va="top")
            elif kind == "bullet":
                page.text(LEFT + 0.01, y, content, fontsize=9.5, va="top")
            y -= 0.0165
        return page

    return draw
