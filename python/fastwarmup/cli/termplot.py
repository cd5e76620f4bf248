"""A small line plot for the terminal: Unicode braille (2 x 4 dots a character), or ``*``
where the output cannot encode braille."""

from __future__ import annotations

import math

import numpy as np

_DOT = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] in a cell


def _label(value: float) -> str:
    return f"{value:.3g}"


def plot(
    v: np.ndarray,
    *,
    width: int = 64,
    height: int = 12,
    braille: bool = True,
    log: bool = False,
    x_label: str = "step",
    x_scale: float = 1.0,
) -> list[str]:
    """Lines of text drawing ``v`` against its index, with min/max on the y axis and the
    first and last index (divided by ``x_scale``) on the x axis."""
    n = len(v)
    if n == 0:
        return []
    y = np.asarray(v, dtype=np.float64)
    if log:
        positive = y[y > 0]
        floor = float(positive.min()) if positive.size else 1.0
        y = np.log10(np.where(y > 0, y, floor))
    finite = y[np.isfinite(y)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    span = high - low or 1.0
    dots_x = width * (2 if braille else 1)
    dots_y = height * (4 if braille else 1)
    # each dot column covers a range of steps: draw from its min to its max, joined to the
    # previous column so that jumps show as vertical lines
    edges = np.linspace(0, n, dots_x + 1).astype(np.int64)
    grid = np.zeros((dots_y, dots_x), dtype=bool)
    previous: int | None = None
    for column in range(dots_x):
        a, b = int(edges[column]), max(int(edges[column + 1]), int(edges[column]) + 1)
        part = y[a : min(b, n)]
        part = part[np.isfinite(part)]
        if part.size == 0:
            previous = None
            continue
        top = _row(float(part.max()), low, span, dots_y)
        bottom = _row(float(part.min()), low, span, dots_y)
        if previous is not None:
            top, bottom = min(top, previous), max(bottom, previous)
        grid[top : bottom + 1, column] = True
        previous = _row(float(part[-1]), low, span, dots_y)
    lines = _render(grid, width, height, braille)
    top_label = _label(10**high if log else high)
    bottom_label = _label(10**low if log else low)
    margin = max(len(top_label), len(bottom_label))
    out = []
    for index, line in enumerate(lines):
        label = top_label if index == 0 else bottom_label if index == len(lines) - 1 else ""
        tick = ("┤" if label else "│") if braille else "|"
        out.append(f"{label:>{margin}} {tick}{line}".rstrip())
    corner = "└" if braille else "+"
    rule = "─" if braille else "-"
    out.append(" " * margin + " " + corner + rule * width)
    first = _x_label(0, x_scale)
    last = _x_label(n - 1 if x_scale == 1.0 else n, x_scale)
    gap = max(width - len(first) - len(last) - len(x_label) - 2, 1)
    left = gap // 2
    out.append(" " * (margin + 2) + first + " " * left + x_label + " " * (gap - left + 2) + last)
    return out


def _x_label(index: int, scale: float) -> str:
    if scale == 1.0:
        return f"{index:,}"
    return f"{index / scale:g}"


def _row(value: float, low: float, span: float, dots: int) -> int:
    fraction = (value - low) / span
    return min(max(dots - 1 - math.floor(fraction * (dots - 1) + 0.5), 0), dots - 1)


def _render(grid: np.ndarray, width: int, height: int, braille: bool) -> list[str]:
    if not braille:
        return ["".join("*" if cell else " " for cell in row) for row in grid]
    lines = []
    for row in range(height):
        chars = []
        for column in range(width):
            code = 0
            for dy in range(4):
                for dx in range(2):
                    if grid[row * 4 + dy, column * 2 + dx]:
                        code |= _DOT[dy][dx]
            chars.append(chr(0x2800 + code) if code else " ")
        lines.append("".join(chars))
    return lines
