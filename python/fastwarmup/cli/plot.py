"""``fastwarmup plot``: one or more schedules on one figure, written as PNG, SVG or PDF."""

from __future__ import annotations

import argparse
import itertools
import os
import re
from typing import Any

import numpy as np

from fastwarmup.cli import schedule, show
from fastwarmup.cli.spec import DEFAULT_STEP_EACH_EPOCH, Spec, fail, load

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DPI = 100
MAX_POINTS = 4000  # per schedule: longer runs are drawn as their min/max envelope
MAX_BOUNDARIES = 24  # phase boundaries marked per schedule


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX\u00d7]\s*(\d+)\s*", text)
    if not match:
        fail(f"--size: expected WIDTHxHEIGHT in pixels such as 1000x560, got {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (50 <= width <= 10_000 and 50 <= height <= 10_000):
        fail(f"--size: each side must be 50 to 10000 pixels, got {text!r}")
    return width, height


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        fail("plot needs matplotlib: pip install 'fastwarmup[plot]' (or pip install matplotlib)")
    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    return Figure


def envelope(
    x: np.ndarray, v: np.ndarray, points: int = MAX_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, v)`` thinned to about ``points`` points, keeping each bucket's min and max in
    order, so that jumps and the extremes stay visible."""
    n = len(v)
    if n <= points:
        return x, v
    buckets = points // 2
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    xs, ys = [], []
    for a, b in itertools.pairwise(edges):
        if b <= a:
            continue
        part = v[a:b]
        lo, hi = int(np.argmin(part)), int(np.argmax(part))
        for i in sorted({lo, hi}):
            xs.append(x[a + i])
            ys.append(part[i])
    xs.append(x[-1])
    ys.append(v[-1])
    return np.asarray(xs), np.asarray(ys)


def run(args: argparse.Namespace) -> int:
    output = args.output
    extension = os.path.splitext(output)[1].lower()
    if extension not in FORMATS:
        fail(f"{output}: unknown image type {extension or '(none)'!r}: use .png, .svg or .pdf")
    width, height = _size(args.size)
    specs = [
        load(text, step_each_epoch=args.step_each_epoch, steps=args.steps)
        for text in (args.spec or [None])
    ]
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        fail(f"{output}: cannot write: no such directory {directory}")
    series = [(spec, show.compute(spec)) for spec in specs]
    figure_class = _matplotlib()

    figure = figure_class(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    for spec, v in series:
        draw(axes, spec, v, epochs=args.epochs, default_per_epoch=args.step_each_epoch)
    axes.set_xlabel("epoch" if args.epochs else "step")
    axes.set_ylabel("learning rate")
    if args.log:
        axes.set_yscale("log")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="best", fontsize="small")
    title = args.title
    if title is None:
        title = "learning rate schedule" if len(series) > 1 else series[0][0].label
    axes.set_title(title, fontsize="medium")
    try:
        with open(output, "wb") as stream:
            figure.savefig(stream, format=FORMATS[extension], dpi=DPI)
    except OSError as error:
        fail(f"{output}: cannot write: {error.strerror or error}")
    return 0


def draw(
    axes: Any, spec: Spec, v: np.ndarray, *, epochs: bool, default_per_epoch: int | None
) -> None:
    per_epoch = spec.step_each_epoch or default_per_epoch or DEFAULT_STEP_EACH_EPOCH
    scale = per_epoch if epochs else 1
    steps = np.arange(len(v), dtype=np.float64)
    x = steps / scale if epochs else steps
    xs, ys = envelope(x, v)
    (line,) = axes.plot(xs, ys, label=_legend(spec), linewidth=1.4)
    parts = schedule.phases(v)
    for phase in parts[1 : MAX_BOUNDARIES + 1]:
        axes.axvline(
            phase.start / scale, color=line.get_color(), linestyle=":", linewidth=0.9, alpha=0.7
        )


def _legend(spec: Spec) -> str:
    name = spec.label if len(spec.label) <= 60 else spec.label[:57] + "..."
    return f"{name} ({spec.steps:,} steps)"
