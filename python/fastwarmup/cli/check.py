"""``fastwarmup check``: the mistakes that cost a training run, one line each, naming the file
and key; exit status 0 clean, 1 findings, 2 unusable input."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np

from fastwarmup.cli import schedule
from fastwarmup.cli.spec import (
    DEFAULT_STEP_EACH_EPOCH,
    Node,
    Spec,
    SpecError,
    builtin_path,
    is_paddleocr,
    load,
    parse_expression,
    parse_file,
    yaml_lines,
)

# A schedule "bottoms out early" when it sits at its final minimum for more than this share of
# the steps after its warm-up.
EARLY_MINIMUM_SHARE = 0.5
# "Never decays": after the warm-up, the lowest lr is at least this share of the highest.
NEVER_DECAYS_RATIO = 0.999
# A hand-over jump: the warm-up's end_lr and the next schedule's first value differ by more
# than this (relative).
HANDOVER_TOLERANCE = 1e-6

# What each name of PaddleOCR's ppocr/optimizer/learning_rate.py reads from Optimizer.lr
# (besides name; epochs and step_each_epoch are overwritten by the trainer).
PADDLEOCR_READS: dict[str, frozenset[str]] = {
    "Linear": frozenset({"learning_rate", "end_lr", "power", "warmup_epoch", "last_epoch"}),
    "Cosine": frozenset({"learning_rate", "warmup_epoch", "last_epoch"}),
    "LinearWarmupCosine": frozenset(
        {"learning_rate", "min_lr", "start_lr", "warmup_steps", "last_epoch"}
    ),
    "Step": frozenset({"learning_rate", "step_size", "gamma", "warmup_epoch", "last_epoch"}),
    "Piecewise": frozenset({"decay_epochs", "values", "warmup_epoch", "last_epoch"}),
    "CyclicalCosine": frozenset({"learning_rate", "cycle", "warmup_epoch", "last_epoch"}),
    "OneCycle": frozenset(
        {"max_lr", "anneal_strategy", "three_phase", "warmup_epoch", "last_epoch"}
    ),
    "Const": frozenset({"learning_rate", "warmup_epoch", "last_epoch"}),
    "DecayLearningRate": frozenset({"learning_rate", "factor"}),
    "MultiStepDecay": frozenset(
        {"learning_rate", "milestones", "gamma", "warmup_epoch", "last_epoch"}
    ),
    "TwoStepCosine": frozenset({"learning_rate", "warmup_epoch", "last_epoch"}),
}
_WHY_IGNORED: dict[tuple[str, str], str] = {
    ("DecayLearningRate", "end_lr"): "DecayLearningRate always decays to 0: PaddleOCR takes "
    "end_lr and never uses it",
    ("DecayLearningRate", "warmup_epoch"): "DecayLearningRate has no warm-up: PaddleOCR does "
    "not read warmup_epoch for it",
    ("DecayLearningRate", "power"): "DecayLearningRate's power is called factor",
    ("LinearWarmupCosine", "warmup_epoch"): "LinearWarmupCosine counts its warm-up in steps: "
    "it reads warmup_steps (default 5000), not warmup_epoch",
    ("OneCycle", "learning_rate"): "OneCycle reads max_lr, not learning_rate",
    ("Piecewise", "learning_rate"): "Piecewise takes its rates from values; learning_rate is "
    "not read",
}
for _key in ("eta_min", "min_lr", "end_lr"):
    _WHY_IGNORED[("Cosine", _key)] = (
        f"Cosine always decays to 0: PaddleOCR does not read {_key} (LinearWarmupCosine has min_lr)"
    )
for _key in ("pct_start", "div_factor", "final_div_factor"):
    _WHY_IGNORED[("OneCycle", _key)] = (
        f"PaddleOCR's OneCycle passes only max_lr, anneal_strategy and three_phase: {_key} keeps "
        "its default"
    )


@dataclass
class Finding:
    where: str  # "file:line", "file" or "expression"
    key: str
    message: str
    kind: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key}: {self.message} [{self.kind}]"


def run(args: argparse.Namespace) -> int:
    texts = args.spec or [None]
    findings = 0
    unusable = 0
    for text in texts:
        try:
            found = check(text, step_each_epoch=args.step_each_epoch, steps=args.steps)
        except SpecError as error:
            unusable += 1
            print(f"fastwarmup check: error: {error}", file=sys.stderr)
            continue
        for finding in found:
            print(finding)
        findings += len(found)
    if not args.quiet and len(texts) > unusable:
        checked = len(texts) - unusable
        noun = "spec" if checked == 1 else "specs"
        if findings:
            summary = f"{findings} finding{'s' if findings != 1 else ''} in {checked} {noun}"
        else:
            summary = f"{checked} {noun} checked: no findings"
        if unusable:
            summary += f"; {unusable} unusable"
        print(summary, file=sys.stderr)
    if unusable:
        return 2
    return 1 if findings else 0


# ---------------------------------------------------------------------------------------------


class _Context:
    """Where a spec's findings point, and the facts the checks share."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.findings: list[Finding] = []
        self.explained: set[str] = set()  # keys whose refusal by the builder a finding explains

    def add(self, key: str, message: str, kind: str) -> None:
        line = self.lines.get(key) or self.lines.get(key.split("[")[0])
        if line is None and "." in key:
            line = self.lines.get(key.rsplit(".", 1)[0])
        where = f"{self.source}:{line}" if line else self.source
        self.findings.append(Finding(where, key, message, kind))

    def has(self, *kinds: str) -> bool:
        return any(f.kind in kinds for f in self.findings)


def check(
    text: str | None, *, step_each_epoch: int | None = None, steps: int | None = None
) -> list[Finding]:
    """The findings for one SPEC; :class:`SpecError` when it cannot be read at all."""
    import os

    per_epoch = step_each_epoch or DEFAULT_STEP_EACH_EPOCH
    if text is None or os.path.exists(text):
        path = builtin_path() if text is None else text
        config = parse_file(path)
        ctx = _Context(path, yaml_lines(path))
        if is_paddleocr(config):
            _paddleocr(ctx, text, config, per_epoch, steps)
        elif isinstance(config, dict) and "name" in config:
            _spec(ctx, text, config, step_each_epoch, steps)
        else:
            load(path, step_each_epoch=step_each_epoch, steps=steps)  # raises the reason
        return ctx.findings
    if "(" not in text:
        load(text, step_each_epoch=step_each_epoch, steps=steps)  # raises the reason
        return []
    parse_expression(text)  # unusable: a syntax error, an unknown name
    ctx = _Context("expression", {})
    _spec(ctx, text, None, step_each_epoch, steps)
    return ctx.findings


# --- PaddleOCR configs -----------------------------------------------------------------------


def _paddleocr(
    ctx: _Context, text: str | None, config: dict[str, Any], per_epoch: int, steps: int | None
) -> None:
    global_: dict[str, Any] = config["Global"] if isinstance(config.get("Global"), dict) else {}
    optimizer: dict[str, Any] = (
        config["Optimizer"] if isinstance(config.get("Optimizer"), dict) else {}
    )
    lr = optimizer.get("lr")
    _string_numbers(ctx, "Global.epoch_num", global_.get("epoch_num", 0))
    _string_numbers(ctx, "Optimizer", optimizer)
    epochs = global_.get("epoch_num")
    epochs = epochs if isinstance(epochs, int) and not isinstance(epochs, bool) else None
    if isinstance(lr, dict):
        _paddleocr_static(ctx, lr, epochs, per_epoch, steps)
    try:
        spec = load(text, step_each_epoch=per_epoch, steps=steps)
    except SpecError as error:
        _build_error(ctx, str(error))
        return
    name = lr.get("name", "Const") if isinstance(lr, dict) else "Const"
    warmup_key = (
        "Optimizer.lr.warmup_steps" if name == "LinearWarmupCosine" else "Optimizer.lr.warmup_epoch"
    )
    _values(
        ctx,
        spec,
        blame="Optimizer.lr",
        warmup_key=warmup_key,
        handover_key=warmup_key,
        constant_by_design=name == "Const",
    )


def _paddleocr_static(
    ctx: _Context, lr: dict[str, Any], epochs: int | None, per_epoch: int, steps: int | None
) -> None:
    name = lr.get("name", "Const")
    if not isinstance(name, str) or name not in PADDLEOCR_READS:
        return  # the build names it
    reads = PADDLEOCR_READS[name]
    for key in lr:
        if key == "name" or key in reads:
            continue
        full = f"Optimizer.lr.{key}"
        if key == "epochs":
            ctx.add(full, "ignored: PaddleOCR replaces it with Global.epoch_num", "ignored-key")
        elif key == "step_each_epoch":
            ctx.add(
                full,
                "ignored: PaddleOCR replaces it with the length of the training data loader",
                "ignored-key",
            )
        else:
            why = _WHY_IGNORED.get((name, key), f"{name} does not read {key}: PaddleOCR ignores it")
            ctx.add(full, f"ignored: {why}", "ignored-key")

    total = steps if steps is not None else (epochs * per_epoch if epochs else None)
    warmup_steps = 0
    if "warmup_epoch" in reads:
        value = lr.get("warmup_epoch", 0)
        if _is_number(value) and value > 0:
            warmup_steps = round(value * per_epoch)
            if warmup_steps == 0:
                ctx.add(
                    "Optimizer.lr.warmup_epoch",
                    f"{value!r} epochs x {per_epoch} steps per epoch rounds to 0 warm-up steps "
                    "(round() halves to even): there is no warm-up at all",
                    "warmup-rounds-to-zero",
                )
    elif name == "LinearWarmupCosine":
        value = lr.get("warmup_steps", 5000)
        warmup_steps = int(value) if _is_number(value) else 0
    warmup_key = "warmup_steps" if name == "LinearWarmupCosine" else "warmup_epoch"
    if total is not None and warmup_steps >= total > 0:
        ctx.add(
            f"Optimizer.lr.{warmup_key}",
            f"the warm-up ({warmup_steps:,} steps) is as long as the run or longer "
            f"({total:,} steps): the peak lr is never reached and nothing decays",
            "warmup-too-long",
        )

    if name == "Piecewise":
        bounds, values = lr.get("decay_epochs"), lr.get("values")
        if isinstance(bounds, list) and isinstance(values, list):
            _list_lengths(ctx, "Optimizer.lr.decay_epochs", bounds, "Optimizer.lr.values", values)
    lists = {"Piecewise": "decay_epochs", "MultiStepDecay": "milestones"}
    if name in lists and total:
        marks = lr.get(lists[name])
        if isinstance(marks, list):
            for index, mark in enumerate(marks):
                if _is_number(mark):
                    _past_end(
                        ctx,
                        f"Optimizer.lr.{lists[name]}[{index}]",
                        mark,
                        mark * per_epoch,
                        warmup_steps,
                        total,
                        epochs,
                        per_epoch,
                    )
    if name == "Step" and total:
        size = lr.get("step_size")
        if _is_number(size) and size > 0:
            _past_end(
                ctx,
                "Optimizer.lr.step_size",
                size,
                size * per_epoch,
                warmup_steps,
                total,
                epochs,
                per_epoch,
                what="the first decay",
            )
    if name == "TwoStepCosine" and epochs is not None and epochs <= 200:
        ctx.add(
            "Optimizer.lr.name",
            f"TwoStepCosine's first cosine is fixed at 200 epochs: with Global.epoch_num {epochs} "
            "the second one never starts (PaddleOCR's quirk)",
            "boundary-past-end",
        )
    if name == "CyclicalCosine" and epochs is not None:
        cycle = lr.get("cycle")
        if _is_number(cycle) and cycle * per_epoch + warmup_steps >= epochs * per_epoch:
            ctx.add(
                "Optimizer.lr.cycle",
                f"a cycle of {cycle!r} epochs does not end within the run "
                f"(Global.epoch_num {epochs}): no restart happens",
                "boundary-past-end",
            )


def _past_end(
    ctx: _Context,
    key: str,
    given: float,
    offset: float,
    warmup_steps: int,
    total: int,
    epochs: int | None,
    per_epoch: int,
    what: str = "this decay",
) -> None:
    at = warmup_steps + offset
    if at < total:
        return
    if epochs is not None and given >= epochs:
        reason = f"is at or past the last epoch (Global.epoch_num {epochs})"
    else:
        reason = (
            f"falls at step {int(at):,} (after the {warmup_steps:,}-step warm-up), past the "
            f"last step {total - 1:,}"
        )
    ctx.add(key, f"{given!r} {reason}: {what} never happens", "boundary-past-end")


# --- fastwarmup specs and expressions ----------------------------------------------------------


def _spec(
    ctx: _Context, text: str | None, raw: Any, step_each_epoch: int | None, steps: int | None
) -> None:
    """A fastwarmup spec (``raw``: the parsed file) or an expression."""
    try:
        spec = load(text, step_each_epoch=step_each_epoch, steps=steps)
    except SpecError as error:
        if isinstance(raw, dict):
            _string_numbers(ctx, "", {k: v for k, v in raw.items() if k != "name"})
        _build_error(ctx, str(error))
        return
    _tree_checks(ctx, spec)


def _tree_checks(ctx: _Context, spec: Spec) -> None:
    node = spec.node
    assert node is not None
    _string_numbers(ctx, "", {k: v for k, v in node.kwargs.items()})
    total = spec.steps
    offset = 0
    current: Node | None = node
    warmup_key = handover_key = blame = "name"
    while current is not None:
        args = _named_args(current)
        name = current.name
        if name == "PiecewiseDecay":
            bounds, values = args.get("boundaries"), args.get("values")
            if isinstance(bounds, list) and isinstance(values, list):
                _list_lengths(ctx, current.key("boundaries"), bounds, current.key("values"), values)
        marks_key = {"PiecewiseDecay": "boundaries", "MultiStepDecay": "milestones"}.get(name)
        if marks_key and isinstance(args.get(marks_key), list):
            for index, mark in enumerate(args[marks_key]):
                if _is_number(mark) and offset + mark >= total:
                    _step_past_end(ctx, current.key(f"{marks_key}[{index}]"), mark, offset, total)
        if name == "StepDecay" and _is_number(args.get("step_size")):
            size = args["step_size"]
            if offset + size >= total:
                _step_past_end(
                    ctx, current.key("step_size"), size, offset, total, "the first decay"
                )
        if name == "LinearWarmup":
            warm = args.get("warmup_steps")
            if offset == 0:
                warmup_key = current.key("warmup_steps")
                handover_key = current.key("end_lr")
            if _is_number(warm):
                if offset == 0 and warm >= total > 0:
                    ctx.add(
                        current.key("warmup_steps"),
                        f"the warm-up ({warm:,} steps) is as long as the run or longer "
                        f"({total:,} steps): the peak lr is never reached",
                        "warmup-too-long",
                    )
                offset += int(warm)
            inner = args.get("learning_rate")
            current = inner if isinstance(inner, Node) else None
            if current is not None:
                blame = current.key("name")
            continue
        blame = current.key("name") if current.path else "name"
        current = None
    innermost = schedule.chain(spec.scheduler)[-1][1]
    by_design = (
        isinstance(innermost, schedule.Constant) or type(innermost).__name__ == "ReduceOnPlateau"
    )
    _values(
        ctx,
        spec,
        blame=blame,
        warmup_key=warmup_key,
        handover_key=handover_key,
        constant_by_design=by_design,
    )


def _named_args(node: Node) -> dict[str, Any]:
    import inspect

    from fastwarmup.cli.spec import scheduler_class

    args = dict(node.kwargs)
    try:
        params = list(inspect.signature(scheduler_class(node.name)).parameters)
    except (KeyError, TypeError, ValueError):
        return args
    for index, value in enumerate(node.args):
        if index < len(params):
            args[params[index]] = value
    return args


def _step_past_end(
    ctx: _Context, key: str, mark: float, offset: int, total: int, what: str = "this decay"
) -> None:
    after = f" (after the {offset:,}-step warm-up)" if offset else ""
    ctx.add(
        key,
        f"{mark!r} falls at step {int(offset + mark):,}{after}, at or past the end of the "
        f"{total:,}-step run: {what} never happens",
        "boundary-past-end",
    )


# --- shared ------------------------------------------------------------------------------------


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _list_lengths(
    ctx: _Context, bounds_key: str, bounds: list[Any], values_key: str, values: list[Any]
) -> None:
    if len(values) == len(bounds) + 1:
        return
    ctx.explained.update((bounds_key, values_key))
    if len(values) <= len(bounds):
        ctx.add(
            bounds_key,
            f"{len(bounds)} boundaries for {len(values)} values: one value is needed before each "
            f"boundary and one after the last ({len(bounds) + 1}), so "
            f"{'the last boundary has' if len(values) == len(bounds) else 'boundaries have'} no "
            "value to switch to",
            "list-length",
        )
    else:
        ctx.add(
            values_key,
            f"{len(values)} values for {len(bounds)} boundaries: only {len(bounds) + 1} can be "
            "used (one before each boundary and one after the last)",
            "list-length",
        )


def _walk(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{prefix}.{key}" if prefix else str(key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(f"{prefix}[{index}]", item)
    elif isinstance(value, Node):
        yield from _walk(value.path, value.kwargs)
    else:
        yield prefix, value


def _string_numbers(ctx: _Context, prefix: str, section: Any) -> None:
    for key, value in _walk(prefix, section):
        if not isinstance(value, str):
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if not math.isfinite(number) and value.strip().lower() not in ("inf", "nan"):
            continue
        ctx.explained.add(key)
        ctx.add(
            key,
            f"{value!r} is a string, not a number: YAML 1.1 reads a number without a dot such "
            f"as 1e-4 as text; write it with a dot ({_with_dot(value)})",
            "string-number",
        )


def _with_dot(text: str) -> str:
    lower = text.strip().lower()
    if "e" in lower and "." not in lower:
        mantissa, exponent = lower.split("e", 1)
        return f"{mantissa}.0e{exponent}"
    return text.strip()


def _build_error(ctx: _Context, message: str) -> None:
    """A value the builder refuses, as a finding (unless a finding already names its key)."""
    text = message
    if text.startswith(ctx.source + ": "):
        text = text[len(ctx.source) + 2 :]
    elif text.startswith(ctx.source + ", "):
        text = text[len(ctx.source) + 2 :]
    key, _, rest = text.partition(": ")
    if not rest or " " in key.strip():
        key, rest = "(config)", text
    base = key.split("[")[0]
    if key in ctx.explained or base in ctx.explained:
        return
    if any(f.key == key or f.key.startswith(key + "[") for f in ctx.findings):
        return
    ctx.add(key, f"refused: {rest}", "build-error")


def _values(
    ctx: _Context,
    spec: Spec,
    *,
    blame: str,
    warmup_key: str,
    handover_key: str,
    constant_by_design: bool,
) -> None:
    sched = schedule.as_scheduler(spec.scheduler)
    n = spec.steps
    try:
        v = schedule.values(sched, n)
    except ValueError as error:
        past = schedule.past_total(error, sched)
        if past is None:
            ctx.add(blame, f"refused while stepping: {error}", "build-error")
            return
        limit = f" (its last step is {past.valid - 1:,})" if past.valid else ""
        ctx.add(
            blame,
            f"a {n:,}-step run steps the one-cycle schedule past its total{limit}: {error}",
            "onecycle-past-total",
        )
        if not past.valid:
            return
        n = min(past.valid, n)
        v = schedule.values(sched, n)
    warm = schedule.warmup(sched)
    w = warm[0] if warm is not None else 0

    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        first = int(np.argmax(bad))
        ctx.add(
            blame,
            f"lr is {float(v[first])!r} at step {first:,}"
            + (f" and {int(bad.sum()) - 1:,} more steps" if bad.sum() > 1 else ""),
            "bad-value",
        )
    zero = v == 0
    if warm is not None and warm[1] == 0.0 and w > 0:
        zero[0] = False  # a warm-up starting at 0 is the convention
    if zero.any():
        first = int(np.argmax(zero))
        after = np.flatnonzero(~zero[first:])
        last = first + int(after[0]) - 1 if after.size else n - 1
        count = int(zero.sum())
        span = f"step {first:,}" if first == last else f"steps {first:,}-{last:,}"
        more = f" ({count:,} steps in all)" if count > last - first + 1 else ""
        ctx.add(
            blame,
            f"lr is 0 at {span}{more}, {100 * count / n:.3g}% of the run: those steps "
            "train nothing",
            "zero-lr",
        )
    if warm is not None and 0 < w < n:
        first_after = float(v[w])
        end_lr = warm[2]
        if not math.isclose(first_after, end_lr, rel_tol=HANDOVER_TOLERANCE, abs_tol=0.0):
            ratio = f" ({first_after / end_lr:.3g}x)" if end_lr else ""
            ctx.add(
                handover_key,
                f"the warm-up ends at end_lr={end_lr!r} but the schedule it hands over to starts "
                f"at {first_after!r}{ratio}: the lr jumps at step {w:,}",
                "handover-jump",
            )
    post = v[w:] if w < n else v[:0]
    if (
        post.size > 1
        and not constant_by_design
        and not ctx.has("boundary-past-end", "warmup-too-long")
    ):
        low, high = float(np.nanmin(post)), float(np.nanmax(post))
        if high > 0 and low >= high * NEVER_DECAYS_RATIO:
            where = f"after the warm-up (step {w:,})" if w else "from the first step"
            stays = f"stays at {high!r}" if low == high else f"stays between {low!r} and {high!r}"
            ctx.add(blame, f"the lr never decays: it {stays} {where} to the end", "never-decays")
        elif low < high and float(v[-1]) == low and not ctx.has("zero-lr"):
            above = np.flatnonzero(post != low)
            start = w + int(above[-1]) + 1 if above.size else w
            tail = n - start
            if tail > EARLY_MINIMUM_SHARE * len(post):
                epoch = spec.epoch_of(start)
                at = f"step {start:,}" + (f" (epoch {epoch:g})" if epoch is not None else "")
                ctx.add(
                    blame,
                    f"the lr reaches its minimum {low!r} at {at} and stays there for the last "
                    f"{tail:,} steps ({100 * tail / n:.3g}% of the run)",
                    "early-minimum",
                )
