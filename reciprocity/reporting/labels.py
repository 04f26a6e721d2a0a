"""Names beside the points of a scatter, none over another, none over a point.

A greedy placement with matplotlib's own annotation offsets: the layout is settled first
(so display coordinates are final), each label's size is measured once, and for each
point (largest imbalance first) the first offset around it whose box stays inside the
axes and overlaps no placed label, no point and no other text is taken. Offsets grow
in rings; a label set further out gets a thin leader line to its point. Members at the
same point share one label ("Anna, Bob and 2 more"). Deterministic: the same data give
the same picture.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reciprocity.i18n import format_number, ngettext
from reciprocity.reporting.style import shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

RINGS = (4.0, 9.0, 16.0, 26.0, 38.0, 52.0)
"""Distances (points) from a point to its label's nearest corner, tried in turn."""
DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
"""Right-above first, the usual place for a label."""
LEADER_FROM = 10.0
"""Labels further out than this (points) get a leader line."""
POINT_RADIUS = 3.5
"""Points: half a marker, kept clear of labels."""
FONT_SIZE = 7.5


def label_text(names: Sequence[str]) -> str:
    """One label for the members at one point."""
    short = [shorten(name, 22) for name in names]
    if len(short) <= 2:
        return ", ".join(short)
    more = len(short) - 2
    return ngettext("{names} and {count} more", "{names} and {count} more", more).format(
        names=", ".join(short[:2]), count=format_number(more)
    )


def place_labels(
    ax: "Axes", points: Sequence[tuple[float, float, str]], *, avoid: Sequence[tuple[float, float]]
) -> None:
    """Name each of ``points`` (x, y, name) beside it; ``avoid`` are every drawn point."""
    from matplotlib.transforms import Bbox

    if not points:
        return
    figure = ax.get_figure(root=True)
    assert figure is not None
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    scale = figure.dpi / 72
    radius = POINT_RADIUS * scale
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = [text.get_window_extent(renderer) for text in ax.texts]
    taken.append(ax.title.get_window_extent(renderer))
    for x, y in ax.transData.transform(list(avoid)):
        taken.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    groups: dict[tuple[float, float], list[str]] = {}
    for x, y, name in points:
        groups.setdefault((x, y), []).append(name)
    order = sorted(groups, key=lambda point: (-abs(point[1] - point[0]), point))
    for point in order:
        text = label_text(groups[point])
        probe = ax.annotate(text, point, fontsize=FONT_SIZE)
        box = probe.get_window_extent(renderer)
        probe.remove()
        width, height = box.width, box.height
        anchor_x, anchor_y = ax.transData.transform(point)
        best: tuple[float, float, float, Bbox] | None = None
        for ring in RINGS:
            for dx, dy in DIRECTIONS:
                offset_x, offset_y = dx * ring * scale, dy * ring * scale
                left = anchor_x + offset_x - (width if dx < 0 else width / 2 if dx == 0 else 0)
                bottom = anchor_y + offset_y - (height if dy < 0 else height / 2 if dy == 0 else 0)
                candidate = Bbox.from_bounds(left, bottom, width, height)
                inside = frame.containsx(left) and frame.containsx(left + width)
                inside = inside and frame.containsy(bottom) and frame.containsy(bottom + height)
                overlap = sum(_overlap(candidate, other) for other in taken)
                if not inside:
                    overlap += width * height
                if best is None or overlap < best[0]:
                    best = (overlap, dx * ring, dy * ring, candidate)
                if overlap == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, offset_x, offset_y, chosen = best
        far = max(abs(offset_x), abs(offset_y)) > LEADER_FROM
        label = ax.annotate(
            text,
            point,
            xytext=(offset_x, offset_y),
            textcoords="offset points",
            ha="right" if offset_x < 0 else "center" if offset_x == 0 else "left",
            va="top" if offset_y < 0 else "center" if offset_y == 0 else "bottom",
            fontsize=FONT_SIZE,
            arrowprops=(
                {"arrowstyle": "-", "color": "#777777", "linewidth": 0.5, "shrinkB": radius}
                if far
                else None
            ),
        )
        label.set_in_layout(False)
        taken.append(chosen)


def _overlap(first: "Bbox", second: "Bbox") -> float:
    width = min(first.x1, second.x1) - max(first.x0, second.x0)
    height = min(first.y1, second.y1) - max(first.y0, second.y0)
    return width * height if width > 0 and height > 0 else 0.0
