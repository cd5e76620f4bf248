"""What the commands compute from a built schedule: its constructor arguments, a natural run
length, its values (whole or in exact chunks), and its phases."""

from __future__ import annotations

import copy
import inspect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

_HIDDEN_PARAMS = ("last_epoch", "verbose")
_PAST_TOTAL = re.compile(r"Tried to step (\d+) times\. However the number of total steps is (\d+)")


class Constant:
    """A constant learning rate (PaddleOCR's ``Const`` without warm-up builds a float)."""

    def __init__(self, value: float) -> None:
        self.value = float(value)
        self.last_epoch = 0

    def __call__(self) -> float:
        return self.value

    def step(self, epoch: int | None = None) -> None:
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch

    def precompute(self, n: int, *, dtype: Any = None) -> np.ndarray:
        return np.full(n, self.value, dtype=dtype or np.float64)

    def __repr__(self) -> str:
        return f"Constant({self.value!r})"


def as_scheduler(value: Any) -> Any:
    """A scheduler for a built value (a float becomes a :class:`Constant`)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Constant(value)
    return value


# ---------------------------------------------------------------------------------------------
# Structure


def construction(sched: Any) -> tuple[str, dict[str, Any]]:
    """The class name and the constructor arguments a scheduler was made with (defaults
    included, ``last_epoch``/``verbose`` left out)."""
    if isinstance(sched, Constant):
        return "Constant", {"value": sched.value}
    try:  # the portable config (fastwarmup's schedulers whose arguments are all plain values)
        config = dict(sched.to_config())
        if config.get("scale_fn", 0) is None:
            del config["scale_fn"]
        return str(config.pop("name")), config
    except (AttributeError, TypeError):
        pass
    # Otherwise (a Python function among the arguments, a foreign scheduler): its attributes.
    name = type(sched).__name__
    try:
        params = inspect.signature(type(sched)).parameters
    except (TypeError, ValueError):
        return name, {}
    args: dict[str, Any] = {}
    for param in params.values():
        if param.name in _HIDDEN_PARAMS or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if hasattr(sched, param.name):
            args[param.name] = getattr(sched, param.name)
        elif param.name == "learning_rate":
            args[param.name] = sched.base_lr
        elif param.default is not param.empty:
            if param.name == "scale_fn" and param.default is None:
                continue
            args[param.name] = param.default
    return name, args


def nested(sched: Any) -> Any | None:
    """The scheduler nested in a ``LinearWarmup`` (a float becomes a :class:`Constant`)."""
    if type(sched).__name__ != "LinearWarmup":
        return None
    return as_scheduler(sched.learning_rate)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list) and len(value) > 8:
        head = ", ".join(_shown(v) for v in value[:6])
        return f"[{head}, ... ({len(value)} items)]"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return repr(value)


def describe(sched: Any) -> list[str]:
    """The class tree with its arguments, one scheduler a line."""
    lines: list[str] = []
    for depth, (_, current) in enumerate(chain(sched)):
        prefix = "   " * (depth - 1) + "└─ learning_rate: " if depth else ""
        if isinstance(current, Constant):
            lines.append(f"{prefix}{current.value!r} (constant)")
            continue
        name, args = construction(current)
        inner = nested(current) is not None
        shown = ", ".join(
            f"{k}={_shown(v)}" for k, v in args.items() if not (inner and k == "learning_rate")
        )
        lines.append(f"{prefix}{name}({shown})")
    return lines


def warmup(sched: Any) -> tuple[int, float, float] | None:
    """``(warmup_steps, start_lr, end_lr)`` of a top-level ``LinearWarmup``."""
    if type(sched).__name__ != "LinearWarmup":
        return None
    return int(sched.warmup_steps), float(sched.start_lr), float(sched.end_lr)


def chain(sched: Any) -> list[tuple[int, Any]]:
    """Each scheduler down the ``LinearWarmup`` nesting with the step its step 0 falls on."""
    out: list[tuple[int, Any]] = []
    offset = 0
    current: Any = as_scheduler(sched)
    while current is not None:
        out.append((offset, current))
        inner = nested(current)
        if inner is not None:
            offset += int(current.warmup_steps)
        current = inner
    return out


def natural_length(sched: Any) -> int:
    """A run length that shows a schedule whole, from its arguments (for specs that give none)."""
    total = 0
    for offset, current in chain(sched):
        name, args = construction(current)
        total = offset + _own_length(name, args, current)
        if name == "LinearWarmup" and not isinstance(nested(current), Constant):
            continue
        if name == "LinearWarmup":
            total = offset + max(2 * int(args.get("warmup_steps", 0)), 10)
            break
    return max(1, min(total, 10_000_000))


def _own_length(name: str, args: dict[str, Any], sched: Any) -> int:
    def number(key: str, default: float = 0.0) -> float:
        value = args.get(key, default)
        return float(value) if isinstance(value, (int, float)) else default

    def decay_steps(factor: float) -> int:
        # steps until the rate falls by ``factor`` for a per-step rate ``gamma``
        return int(min(max(factor, 10), 1_000_000))

    if name in ("PolynomialDecay",):
        steps = int(number("decay_steps", 1000))
        return 3 * steps if args.get("cycle") else steps
    if name in ("CosineAnnealingDecay", "CyclicalCosineDecay"):
        cycle = number("cycle", 0)
        if name == "CyclicalCosineDecay" and cycle > 0:
            return int(3 * cycle)
        return int(number("T_max", 1000))
    if name == "TwoStepCosineDecay":
        return int(max(number("T_max1", 1000), number("T_max2", 1000)))
    if name in ("LinearLR", "OneCycleLR"):
        return int(number("total_steps", 1000))
    if name == "OneCycleDecay":
        return int(getattr(sched, "total_steps", 1000))
    if name == "CosineAnnealingWarmRestarts":
        t0, mult = number("T_0", 100), max(number("T_mult", 1), 1)
        return int(t0 * (1 + mult + mult * mult))
    if name == "CyclicLR":
        up = number("step_size_up", 100)
        down = args.get("step_size_down")
        down = up if down is None else float(down)
        return int(2 * (up + down))
    if name in ("PiecewiseDecay", "MultiStepDecay"):
        marks = args.get("boundaries" if name == "PiecewiseDecay" else "milestones") or [1000]
        last = max(int(m) for m in marks)
        return max(last + max(last // 4, 1), 1)
    if name == "StepDecay":
        return int(4 * number("step_size", 100))
    gamma = number("gamma", 0.0)
    if name == "ExponentialDecay" and 0 < gamma < 1:
        return decay_steps(math.log(0.01) / math.log(gamma))
    if name == "NaturalExpDecay" and gamma > 0:
        return decay_steps(math.log(100) / gamma)
    if name == "InverseTimeDecay" and gamma > 0:
        return decay_steps(99 / gamma)
    if name == "NoamDecay":
        return int(10 * number("warmup_steps", 100))
    if name == "LinearWarmup":
        return int(number("warmup_steps", 0))
    return _warmup_schedule_length(name, number)


def _warmup_schedule_length(name: str, number: Callable[[str, float], float]) -> int:
    """The length of fastwarmup's own warm-up schedules (``lr.WARMUP_SCHEDULES``): to the end
    of the decay; 1000 for a class that is none of them."""
    warmup = number("warmup_steps", 0)
    if name == "WarmupStableDecay":
        return int(warmup + number("stable_steps", 0) + number("decay_steps", 0)) + 1
    if name in (
        "WarmupLinearDecay",
        "WarmupCosineDecay",
        "CosineWarmupWithMinLR",
        "CosineWithHardRestarts",
        "WarmupPolynomialDecay",
    ):
        return int(number("total_steps", 1000)) + 1
    if name == "InverseSqrtDecay":
        return int(10 * max(warmup, number("timescale", 0), 100))
    if name == "ConstantWithWarmup":
        return int(max(2 * warmup, 10))
    return 1000


# ---------------------------------------------------------------------------------------------
# Values


class PastTotal(ValueError):
    """Stepping (``OneCycleLR``/``OneCycleDecay``) past its total steps."""

    def __init__(self, message: str, valid: int | None) -> None:
        super().__init__(message)
        self.valid = valid  # how many values precede the failing step


def past_total(error: BaseException, sched: Any) -> PastTotal | None:
    """The error of a one-cycle schedule stepped past its total, with the number of values
    that can be computed (steps ``0 .. valid - 1``)."""
    message = str(error)
    match = _PAST_TOTAL.search(message)
    if match is None and "total" not in message:
        return None
    valid = None
    for offset, current in chain(sched):
        total = getattr(current, "total_steps", None)
        if isinstance(total, int):
            # OneCycleLR raises on the step after ``total_steps - 1``; PaddleOCR's
            # OneCycleDecay on the step after ``total_steps``.
            valid = offset + total + (1 if type(current).__name__ == "OneCycleDecay" else 0)
            break
    return PastTotal(message, valid)


def values(sched: Any, n: int, dtype: Any = np.float64) -> np.ndarray:
    """``precompute(n)`` of the schedule (a float is a constant)."""
    return as_scheduler(sched).precompute(n, dtype=dtype)


# Classes whose value after ``step(e)`` is the value after ``e`` steps from the start, bit for
# bit: paddle computes them from ``last_epoch`` alone (``LinearWarmup`` steps its nested
# schedule with an explicit epoch on both paths).
_BY_EPOCH = frozenset(
    {
        "NoamDecay",
        "PiecewiseDecay",
        "NaturalExpDecay",
        "InverseTimeDecay",
        "PolynomialDecay",
        "LinearWarmup",
        "ExponentialDecay",
        "MultiStepDecay",
        "StepDecay",
        "LambdaDecay",
        "OneCycleLR",
        "CyclicLR",
        "CyclicalCosineDecay",
        "OneCycleDecay",
        # fastwarmup's own (lr.WARMUP_SCHEDULES): pure functions of the epoch
        "WarmupLinearDecay",
        "WarmupCosineDecay",
        "CosineWarmupWithMinLR",
        "CosineWithHardRestarts",
        "WarmupPolynomialDecay",
        "InverseSqrtDecay",
        "ConstantWithWarmup",
        "WarmupStableDecay",
    }
)
# Recurrences whose whole state is (last_epoch, last_lr): a jump loads that state (step(e)
# would take the closed form, whose last bits differ). CosineAnnealingWarmRestarts rebuilds
# T_cur and T_i from last_epoch as stepping leaves them.
_BY_STATE = frozenset(
    {"CosineAnnealingDecay", "LinearLR", "TwoStepCosineDecay", "CosineAnnealingWarmRestarts"}
)
_HOLDS = frozenset({"ReduceOnPlateau", "Constant"})


def _native(sched: Any) -> bool:
    module = type(sched).__module__ or ""
    return module in ("fastwarmup.lr", "fastwarmup.ocr", "fastwarmup._fastwarmup") or isinstance(
        sched, Constant
    )


def advance(sched: Any, k: int, value_after: float) -> None:
    """Steps ``sched`` ``k`` times, exactly; ``value_after`` is its value after them (from a
    ``precompute`` of ``k + 1`` values), used by the recurrences."""
    name = type(sched).__name__
    if not _native(sched):
        for _ in range(k):
            sched.step()
    elif name in _BY_EPOCH:
        sched.step(sched.last_epoch + k)
    elif name in _BY_STATE:
        state = sched.state_dict()
        state.pop("T_cur", None)
        state.pop("T_i", None)
        state["last_epoch"] = sched.last_epoch + k
        state["last_lr"] = value_after
        sched.set_state_dict(state)
    elif name in _HOLDS:
        pass
    else:
        for _ in range(k):
            sched.step()


def chunks(sched: Any, n: int, size: int, dtype: Any = np.float64) -> Iterator[np.ndarray]:
    """The ``n`` values of ``precompute(n)``, as consecutive arrays of at most ``size``, from a
    copy of the schedule advanced chunk by chunk (memory stays at one chunk)."""
    current = copy.deepcopy(as_scheduler(sched))
    done = 0
    while done < n:
        k = min(size, n - done)
        if done + k == n:
            yield current.precompute(k, dtype=dtype)
            return
        block = current.precompute(k + 1)
        after = float(block[k])
        yield block[:k] if dtype is np.float64 else block[:k].astype(dtype)
        advance(current, k, after)
        done += k


# ---------------------------------------------------------------------------------------------
# Phases


@dataclass
class Phase:
    start: int  # first step
    end: int  # last step
    kind: str  # warmup, rise, decay, constant, restart
    first: float
    last: float
    low: float
    high: float


def phases(v: np.ndarray) -> list[Phase]:
    """The schedule cut where it changes direction: warmup (rising first), rise, decay,
    constant, restart (a jump up, then a decay). A one-step drop between constant runs (a
    piecewise boundary) starts a new constant phase."""
    n = len(v)
    if n == 0:
        return []
    if n == 1:
        x = float(v[0])
        return [Phase(0, 0, "constant", x, x, x, x)]
    d = np.diff(v)
    sign = np.where(d > 0, 1, np.where(d < 0, -1, 0)).astype(np.int8)
    change = np.flatnonzero(sign[1:] != sign[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(sign)]))
    # runs of transitions [s, e) in one direction: steps s .. e - 1 (the last: .. n - 1)
    runs = _merge_flats([[int(s), int(e), int(sign[s])] for s, e in zip(starts, ends, strict=True)])
    cuts: list[tuple[int, str]] = []  # (first step, kind)
    index = 0
    while index < len(runs):
        s, e, direction = runs[index]
        if e - s == 1 and direction != 0 and len(runs) > 1:
            # a one-step jump ends the phase before it; the next phase starts at e
            if index == 0:
                cuts.append((0, "warmup" if direction > 0 else "constant"))
            following = runs[index + 1][2] if index + 1 < len(runs) else 0
            if direction > 0 and following < 0:
                kind = "restart"
            else:
                kind = _kind(following, cuts)
            cuts.append((e, kind))
            index += 2
            continue
        cuts.append((s, _kind(direction, cuts)))
        index += 1
    out: list[Phase] = []
    cuts = [
        c for i, c in enumerate(cuts) if c[0] < n and (i + 1 == len(cuts) or cuts[i + 1][0] != c[0])
    ]
    for i, (start, kind) in enumerate(cuts):
        end = cuts[i + 1][0] - 1 if i + 1 < len(cuts) else n - 1
        part = v[start : end + 1]
        out.append(
            Phase(
                start,
                end,
                kind,
                float(part[0]),
                float(part[-1]),
                float(np.nanmin(part)),
                float(np.nanmax(part)),
            )
        )
    return out


def _kind(direction: int, before: list[tuple[int, str]]) -> str:
    if direction > 0:
        return "warmup" if all(kind == "constant" for _, kind in before) else "rise"
    return "decay" if direction < 0 else "constant"


def _merge_flats(runs: list[list[int]]) -> list[list[int]]:
    """Joins a flat of at most two transitions into the same-direction runs around it, and
    then neighbours of the same direction."""
    out: list[list[int]] = []
    for run in runs:
        if (
            len(out) >= 2
            and out[-1][2] == 0
            and out[-1][1] - out[-1][0] <= 2
            and out[-2][2] == run[2] != 0
            and run[1] - run[0] > 1
            and out[-2][1] - out[-2][0] > 1
        ):
            out.pop()
            out[-1][1] = run[1]
            continue
        if out and out[-1][2] == run[2]:
            out[-1][1] = run[1]
            continue
        out.append(list(run))
    return out
