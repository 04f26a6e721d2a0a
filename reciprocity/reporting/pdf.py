"""The monthly report and the member review as A4 PDF pages (matplotlib ``PdfPages``).

Each page is one ``Figure`` of A4 size: text pages are laid out with ``Figure.text``,
chart pages hold one or two charts as sub-figures. Pages are planned first and drawn
one at a time, so every footer can say "page N of M" and only one page is in memory.
At national size the member table is summarised (top and bottom 20), so the page count
does not grow with the network. Every string is drawn through :func:`style.drawable`, so
a name with characters no font has (or invisible ones) never breaks a page; the
leadership team's report carries its line at the top of every page.
"""

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.i18n import _, format_day
from reciprocity.reporting.style import (
    A4_PORTRAIT,
    GIVER,
    NEUTRAL,
    OKABE_ITO,
    TAKER,
    drawable,
    shorten,
    styled,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase
    from matplotlib.lines import Line2D

    from reciprocity.reporting.coaching import Section
    from reciprocity.reporting.layout import FigureRow, MemberTable

Page = Callable[[], "Figure"]
TONES = {"better": GIVER, "worse": TAKER, "same": "#111111", "maturing": "#777777"}
"""The colour of a key figure's change: blue for good news, vermillion for a drop; a
figure still maturing is never coloured as a drop."""
MATURING = OKABE_ITO["orange"]
ChartDraw = Callable[["FigureBase"], object]

TABLE_ROWS = 50
"""Member rows on one table page: a chapter of up to 50 members fits on one."""
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


def text(page: "FigureBase", x: float, y: float, value: str, **style: Any) -> None:
    """``page.text`` for a string a person typed (or one built from it): drawn safely."""
    page.text(x, y, drawable(value), **style)


def _heading(page: "Figure", title: str, subtitle: str | None = None) -> None:
    text(page, LEFT, 0.955, title, fontsize=15, fontweight="bold", va="top")
    if subtitle:
        text(page, LEFT, 0.925, subtitle, fontsize=9.5, color="#444444", va="top")


def chart_page(title: str, draws: Sequence[ChartDraw]) -> Page:
    """A page of one chart, or two stacked, each drawn into its own sub-figure."""

    def draw() -> "Figure":
        page = a4()
        page.set_layout_engine("constrained")
        # Leave the bottom strip to the footer.
        page.get_layout_engine().set(  # type: ignore[union-attr, call-arg]
            h_pad=0.2, w_pad=0.2, rect=(0.01, 0.035, 0.98, 0.925)
        )
        grid: Any = page.subfigures(len(draws), 1, squeeze=False)
        parts: list[FigureBase] = [grid[index, 0] for index in range(len(draws))]
        for part, chart in zip(parts, draws, strict=True):
            chart(part)
        # Below the leadership line, which runs along the very top of every page.
        page.suptitle(
            shorten(title, 60), x=LEFT, y=0.976, ha="left", va="top", fontsize=9, color="#444444"
        )
        return page

    return draw


@dataclass(frozen=True)
class Cover:
    """What the first page says: who and when, the key figures against the month before,
    notes under them, how to read the report, and what follows."""

    kicker: str
    title: str
    subtitle: str
    warning: str | None
    figures: Sequence["FigureRow"]
    this_month: str
    compared_with: str
    notes: Sequence[str]
    how_to_read: Sequence[tuple[str, str]]
    contents: Sequence[str]


def cover_page(cover: Cover) -> Page:
    """The first page, laid out top to bottom."""

    def draw() -> "Figure":
        page = a4()
        text(page, LEFT, 0.955, cover.kicker, fontsize=11, color="#555555", va="top")
        text(page, LEFT, 0.93, shorten(cover.title, 48), fontsize=22, fontweight="bold", va="top")
        text(page, LEFT, 0.885, cover.subtitle, fontsize=11, va="top")
        y = 0.855
        if cover.warning:
            text(
                page, LEFT, y, cover.warning, fontsize=11, color=TAKER, fontweight="bold", va="top"
            )
            y -= 0.03
        columns = [
            (LEFT, "left", _("Key figure")),
            (0.57, "right", cover.this_month),
            (0.72, "right", cover.compared_with),
            (RIGHT, "right", _("Change")),
        ]
        for x, align, heading in columns:
            text(page, x, y, heading, fontsize=9, fontweight="bold", ha=align, va="top")
        y -= 0.017
        page.add_artist(_rule(page, y))
        y -= 0.007
        for row in cover.figures:
            text(page, LEFT, y, row.label, fontsize=9.5, va="top")
            for x, value in ((0.57, row.now), (0.72, row.before)):
                text(page, x, y, value, fontsize=9.5, ha="right", va="top")
            text(
                page,
                RIGHT,
                y,
                row.change,
                fontsize=8.5,
                ha="right",
                va="top",
                color=TONES[row.tone],
            )
            y -= 0.0175
            if row.hint:
                maturing = row.tone == "maturing"
                text(
                    page,
                    LEFT + 0.012,
                    y + 0.003,
                    row.hint,
                    fontsize=7.5,
                    va="top",
                    style="italic",
                    color=MATURING if maturing else "#666666",
                    fontweight="bold" if maturing else "normal",
                )
                y -= 0.0125
            y -= 0.003
        page.add_artist(_rule(page, y + 0.002))
        y -= 0.008
        for note in cover.notes:
            for line in textwrap.wrap(note, 112):
                text(page, LEFT, y, line, fontsize=8, color="#444444", va="top")
                y -= 0.0135
            y -= 0.004
        y -= 0.012
        box_top = y
        text(
            page,
            LEFT + 0.015,
            y - 0.008,
            _("How to read this report"),
            fontsize=10.5,
            fontweight="bold",
            va="top",
        )
        y -= 0.032
        for term, meaning in cover.how_to_read:
            lines = textwrap.wrap(meaning, 86)
            text(page, LEFT + 0.015, y, term, fontsize=8, fontweight="bold", va="top")
            for line in lines:
                text(page, LEFT + 0.25, y, line, fontsize=8, va="top")
                y -= 0.0135
            y -= 0.004
        _box(page, box_top, y - 0.004)
        y -= 0.03
        text(page, LEFT, y, _("In this report"), fontsize=10.5, fontweight="bold", va="top")
        for line in cover.contents:
            for index, part in enumerate(textwrap.wrap(line, 110)):
                y -= 0.021 if index == 0 else 0.015
                lead = "• " if index == 0 else "   "
                text(page, LEFT + 0.015, y, lead + part, fontsize=8.5, va="top")
        return page

    return draw


def _box(page: "Figure", top: float, bottom: float) -> None:
    from matplotlib.patches import Rectangle

    page.add_artist(
        Rectangle(
            (LEFT, bottom),
            RIGHT - LEFT,
            top - bottom,
            transform=page.transFigure,
            facecolor="#F2F6FA",
            edgecolor=NEUTRAL,
            linewidth=0.6,
            zorder=-1,
        )
    )


def _rule(page: "Figure", y: float) -> "Line2D":
    from matplotlib.lines import Line2D

    return Line2D([LEFT, RIGHT], [y, y], transform=page.transFigure, color=NEUTRAL, lw=0.6)


def table_pages(
    parts: Sequence[tuple[str, Sequence[int]]], table: "MemberTable", legend: str
) -> list[Page]:
    """The member table as a few narrower tables (``parts``: a title and the columns each
    shows), each over as many pages as it needs (at national size, one), so that every
    column heading fits its column at A4."""
    if table.hidden:
        chunks: list[list[list[str] | str]] = [[*table.top, table.gap(), *table.bottom]]
    else:
        rows: list[list[str] | str] = list(table.top)
        chunks = [rows[i : i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]

    def columns(row: list[str] | str, shown: Sequence[int]) -> list[str] | str:
        return row if isinstance(row, str) else [row[index] for index in shown]

    pages = []
    for title, shown in parts:
        for number, chunk in enumerate(chunks, start=1):
            note = table.note()
            if len(chunks) > 1:
                note = _("{note} Part {number} of {total}.").format(
                    note=note, number=number, total=len(chunks)
                )
            pages.append(
                _table_page(
                    title,
                    note,
                    [table.headings[index] for index in shown],
                    [table.widths[index] for index in shown],
                    [columns(row, shown) for row in chunk],
                    legend,
                )
            )
    return pages


HEADING_SIZE = 7.0
"""Points: the member table's column headings, wrapped to their column's width."""
A4_WIDTH_PT = A4_PORTRAIT[0] * 72


def wrap_heading(heading: str, width: float) -> list[str]:
    """A column heading broken into lines that fit ``width`` (a fraction of the page)."""
    characters = max(4, int(width * A4_WIDTH_PT / (HEADING_SIZE * 0.68)))
    return textwrap.wrap(heading, characters, break_long_words=False) or [""]


def _table_page(
    title: str,
    note: str,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[list[str] | str],
    legend: str,
) -> Page:
    def draw() -> "Figure":
        page = a4()
        _heading(page, title, note)
        unit = (RIGHT - LEFT) / sum(widths)
        # The name starts at the left edge; every number ends at its column's right edge,
        # with a small gutter so that neighbouring headings never touch.
        edges = [LEFT + unit * sum(widths[: i + 1]) for i in range(len(widths))]
        xs = [LEFT, *edges[1:]]
        text(
            page,
            LEFT,
            0.035,
            "\n".join(textwrap.wrap(legend, 130)),
            fontsize=7,
            color="#555555",
            va="bottom",
        )
        y = 0.895
        wrapped = [
            wrap_heading(heading, width * unit - (0 if index == 0 else 0.012))
            for index, (heading, width) in enumerate(zip(headings, widths, strict=True))
        ]
        depth = max(len(lines) for lines in wrapped)
        for index, (x, lines) in enumerate(zip(xs, wrapped, strict=True)):
            text(
                page,
                x,
                y - (depth - len(lines)) * 0.0115,
                "\n".join(lines),
                fontsize=HEADING_SIZE,
                fontweight="bold",
                ha="left" if index == 0 else "right",
                multialignment="left" if index == 0 else "right",
                va="top",
                linespacing=1.1,
            )
        y -= 0.0115 * depth + 0.006
        page.add_artist(_rule(page, y))
        y -= 0.006
        if not rows:
            text(page, LEFT, y, _("No members are listed for this period."), fontsize=9, va="top")
        for row in rows:
            if isinstance(row, str):
                text(page, LEFT, y, row, fontsize=7.5, style="italic", color="#555555", va="top")
            else:
                for index, (x, cell) in enumerate(zip(xs, row, strict=True)):
                    text(
                        page,
                        x,
                        y,
                        shorten(cell, 34) if index == 0 else cell,
                        fontsize=7.5,
                        ha="left" if index == 0 else "right",
                        va="top",
                    )
            y -= 0.0152
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
                continued = _("{heading} (continued)").format(heading=section.heading)
                pages.append([("heading", continued)])
            pages[-1].append(line)
    if not sections:
        pages[-1].append(("intro", empty))
    return [_text_page(title, page) for page in pages]


def _text_page(title: str, lines: Sequence[tuple[str, str]]) -> Page:
    def draw() -> "Figure":
        page = a4()
        _heading(page, title)
        y = 0.905
        for kind, line in lines:
            if kind == "heading":
                y -= 0.006
                text(page, LEFT, y, line, fontsize=11.5, fontweight="bold", va="top")
            elif kind == "intro":
                text(page, LEFT, y, line, fontsize=9, color="#444444", style="italic", va="top")
            elif kind == "note":
                text(page, LEFT + 0.01, y, line, fontsize=9.5, va="top")
            y -= 0.0165
        return page

    return draw


def write_pdf(
    path: Path, pages: Sequence[Page], *, title: str, footer: str, banner: str | None = None
) -> Path:
    """Draw the planned pages one by one into an A4 PDF, each with "page N of M" and, if
    given, the ``banner`` line across its top (the leadership team's "not for forwarding")."""
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
                text(
                    page,
                    RIGHT,
                    0.015,
                    _("{footer} · page {number} of {total}").format(
                        footer=footer, number=number, total=len(pages)
                    ),
                    fontsize=7.5,
                    color="#666666",
                    ha="right",
                )
                if banner:
                    text(
                        page,
                        0.5,
                        0.993,
                        banner,
                        fontsize=9,
                        fontweight="bold",
                        color=TAKER,
                        ha="center",
                        va="top",
                    )
                pdf.savefig(page)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def generated_on(today: date | None = None) -> str:
    """The day a report was made, for its footer."""
    return _("made {day}").format(day=format_day(today or date.today()))


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
                    text(
                        page,
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
                text(page, LEFT, y, content, fontsize=11.5, fontweight="bold", va="top")
            elif kind == "para":
                text(page, LEFT, y, content, fontsize=9.5, va="top")
            elif kind == "bullet":
                text(page, LEFT + 0.01, y, content, fontsize=9.5, va="top")
            y -= 0.0165
        return page

    return draw
