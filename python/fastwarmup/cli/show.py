"""``fastwarmup show``: the schedule as built, its phases, the lr at marked steps, and a plot
in the terminal."""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
from typing import Any

import numpy as np

from fastwarmup.cli import schedule, termplot
from fastwarmup.cli.spec import Spec, fail, load

MAX_PHASE_ROWS = 12


def run(args: argparse.Namespace) -> int:
    spec = load(args.spec, step_each_epoch=args.step_each_epoch, steps=args.steps)
    v = compute(spec)
    width = args.width or max(min(shutil.get_terminal_size((80, 24)).columns - 12, 64), 20)
    braille = _can_encode("⣿")
    for line in render(
        spec,
        v,
        plot=not args.no_plot,
        log=args.log,
        width=width,
        height=args.height,
        braille=braille,
    ):
        print(line)
    return 0


def compute(spec: Spec) -> np.ndarray:
    """The run's values; a one-cycle schedule stepped past its total is an error."""
    try:
        return schedule.values(spec.scheduler, spec.steps)
    except ValueError as error:
        past_total(spec, error)
        raise


def past_total(spec: Spec, error: ValueError) -> None:
    """Fails with one line if ``error`` is a one-cycle schedule stepped past its total."""
    past = schedule.past_total(error, spec.scheduler)
    if past is not None:
        hint = f" (--steps {past.valid} at most)" if past.valid else ""
        run = f"a {spec.steps:,}-step run"
        fail(f"{spec.label}: {run} steps past the schedule's total: {error}{hint}")


def _can_encode(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _lr(value: float) -> str:
    return f"{value:.6g}"


def _steps(a: int, b: int) -> str:
    return f"{a:,}" if a == b else f"{a:,}-{b:,}"


def _epochs(spec: Spec, a: int, b: int) -> str:
    per = spec.step_each_epoch
    if not per:
        return ""
    return f"{a / per:g}-{(b + 1) / per:g}"


def header(spec: Spec) -> list[str]:
    lines = []
    if spec.kind == "paddleocr":
        lr_config = spec.config.get("Optimizer", {}).get("lr", {}) or {}
        name = lr_config.get("name") if isinstance(lr_config, dict) else None
        what = f"Optimizer.lr.name {name}" if name else "Optimizer.lr without a name (constant)"
        lines.append(f"{spec.label}: PaddleOCR config, {what}")
        shown = (
            "fastwarmup/cli/example_det.yml in the installed package"
            if not spec.text
            else spec.source
        )
        lines.append(f"  {shown}")
        lines.append(
            f"  {spec.steps:,} steps = Global.epoch_num {spec.epochs} x {spec.step_each_epoch} "
            "steps per epoch (--step-each-epoch)"
        )
    else:
        if spec.kind == "fastwarmup":
            lines.append(f"{spec.label}: fastwarmup spec")
        else:
            lines.append(f"expression: {spec.label}")
        if spec.kind == "fastwarmup":
            lines.append(f"  {spec.source}")
        origin = (
            "--steps or the spec's steps"
            if spec.steps_given
            else "the schedule's own length; --steps to change"
        )
        per = f", {spec.step_each_epoch} steps per epoch" if spec.step_each_epoch else ""
        lines.append(f"  {spec.steps:,} steps ({origin}){per}")
    return lines


def marked_steps(spec: Spec, v: np.ndarray, parts: list[schedule.Phase]) -> list[tuple[int, str]]:
    n = len(v)
    marks: dict[int, str] = {0: "first step"}
    warm = schedule.warmup(schedule.as_scheduler(spec.scheduler))
    if warm is not None and 0 < warm[0] <= n:
        marks[warm[0] - 1] = "last warm-up step"
        if warm[0] < n:
            marks[warm[0]] = "first step after warm-up"
    for before, phase in itertools.pairwise(parts[:MAX_PHASE_ROWS]):
        marks.setdefault(phase.start, _change(before, phase))
    peak = int(np.nanargmax(v)) if n else 0
    marks.setdefault(peak, "highest lr")
    marks[n - 1] = "last step" if n > 1 else "first and last step"
    return sorted(marks.items())


def _change(before: schedule.Phase, phase: schedule.Phase) -> str:
    if phase.kind == "restart":
        return "restart"
    if phase.kind == "constant" and phase.first < before.last:
        return "lr drops (milestone)"
    if phase.kind == "constant" and phase.first > before.last:
        return "lr rises"
    if phase.kind == "constant":
        return "lr stops changing"
    return f"{phase.kind} starts"


def render(
    spec: Spec,
    v: np.ndarray,
    *,
    plot: bool = True,
    log: bool = False,
    width: int = 64,
    height: int = 12,
    braille: bool = True,
) -> list[str]:
    out = header(spec)
    out += ["", "schedule"]
    out += [f"  {line}" for line in schedule.describe(spec.scheduler)]

    parts = schedule.phases(v)
    with_epochs = bool(spec.step_each_epoch)
    out += ["", "phases"]
    rows: list[list[str]] = [
        ["steps"]
        + (["epochs"] if with_epochs else [])
        + ["phase", "start lr", "end lr", "min", "max"]
    ]
    shown = parts if len(parts) <= MAX_PHASE_ROWS else parts[: MAX_PHASE_ROWS - 1]
    for p in shown:
        rows.append(
            [_steps(p.start, p.end)]
            + ([_epochs(spec, p.start, p.end)] if with_epochs else [])
            + [p.kind, _lr(p.first), _lr(p.last), _lr(p.low), _lr(p.high)]
        )
    out += _table(rows)
    if len(parts) > len(shown):
        rest = parts[len(shown) :]
        kinds = sorted({p.kind for p in rest})
        out.append(
            f"  ... {len(rest)} more phases ({', '.join(kinds)}) from step {rest[0].start:,} "
            f"to {rest[-1].end:,}"
        )

    out += ["", "marked steps"]
    rows = [["step"] + (["epoch"] if with_epochs else []) + ["lr", ""]]
    for step, what in marked_steps(spec, v, parts):
        epoch = [f"{step / spec.step_each_epoch:g}"] if with_epochs and spec.step_each_epoch else []
        rows.append([f"{step:,}", *epoch, repr(float(v[step])), what])
    out += _table(rows)

    if plot:
        scale = float(spec.step_each_epoch) if spec.step_each_epoch else 1.0
        label = "epoch" if with_epochs else "step"
        out += ["", "learning rate" + (" (log scale)" if log else "")]
        out += [
            f"  {line}"
            for line in termplot.plot(
                v,
                width=width,
                height=height,
                braille=braille,
                log=log,
                x_label=label,
                x_scale=scale,
            )
        ]
    return out


def _table(rows: list[list[Any]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
