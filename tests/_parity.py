"""The parity driver: one configuration built in paddle and in fastwarmup, the same operations
applied to both, everything observable compared bit for bit after every operation.

Operations (plain tuples, printed on mismatch):

- ``("step",)``: ``step()``; for ReduceOnPlateau ``("step", None, metrics)``: ``step(metrics)``
- ``("jump", epoch, metrics_or_None, keyword)``: ``step(epoch)`` or ``step(epoch=epoch)``
  (ReduceOnPlateau: ``step(metrics, epoch)``)
- ``("cross", "pd2fw" | "fw2pd", method)``: a fresh scheduler of the same configuration in the
  other library loads the state dict (``method``: ``set_state_dict`` or ``set_dict``) and
  replaces that side; where paddle's state dict is incomplete (CosineAnnealingWarmRestarts) both
  sides are rebuilt from the dict restricted to paddle's keys.
- ``("reload", method)``: both sides are rebuilt fresh and load their own state dict (where
  paddle's state dict is complete; else a no-op).
- ``("keys",)``: ``state_keys()`` on both (paddle's keys must be among fastwarmup's).
- ``("set", depth, attr, value)``: ``attr = value`` (``base_lr`` or ``verbose``) on the scheduler
  at nesting level ``depth`` (0: the outer one). Kept for the rest of the run: a scheduler
  rebuilt by ``cross`` or ``reload`` gets it again, as a user re-creating their schedule would.

``get_lr()`` is never called: it has side effects in paddle's LinearWarmup.
"""

from __future__ import annotations

import copy
import io
import pickle
import random
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from _configs import (
    Config,
    build,
    cap,
    complete_state,
    initial_epoch,
    landmarks,
    uses_metrics,
    walk,
)
from _libs import SEED, SELFCHECK

Op = tuple

STEP: Op = ("step",)


def jump(epoch: int, keyword: bool = False) -> Op:
    return ("jump", epoch, None, keyword)


def steps(n: int) -> list[Op]:
    return [STEP] * n


# --- comparison -----------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Equal value and type, floats bit for bit; for dicts only ``a``'s (paddle's) keys."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a.hex() == b.hex()
    if isinstance(a, dict):
        return all(k in b and same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def is_tensor(value: Any) -> bool:
    return type(value).__name__ == "Tensor" and type(value).__module__.startswith("paddle")


def show(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _both(pd_value: Any, fw_value: Any) -> str:
    return f"paddle={show(pd_value)} fastwarmup={show(fw_value)}"


def canon(sched: Any) -> str:
    """A scheduler's whole observable state as text (to check that a call changed nothing)."""
    parts = []
    node = sched
    while hasattr(node, "state_dict") and callable(node):
        parts.append(
            repr(
                (
                    type(node).__name__,
                    node.last_epoch,
                    node.last_lr,
                    node.base_lr,
                    sorted(node.state_dict().items()),
                )
            )
        )
        node = getattr(node, "learning_rate", None)
    return "\n".join(parts)


class Mismatch(AssertionError):
    pass


# --- operations -----------------------------------------------------------------------------


def _tensor(dtype: str, shape: tuple[int, ...]) -> Callable[[float | int], Any]:
    def make(x: float | int) -> Any:
        import paddle  # the oracle, installed wherever the parity tests run

        return paddle.to_tensor(np.full(shape, x), dtype=dtype)

    return make


# How a training loop hands its metric over: a Python number, a NumPy scalar (float32 ones
# compare in float32), a size-1 array, or a paddle Tensor; with how often a run draws each.
METRIC_KINDS: dict[str, tuple[Callable[[float | int], Any], int]] = {
    "Python number": (lambda x: x, 4),
    "np.float32": (np.float32, 2),
    "np.float64": (np.float64, 1),
    "float32 array": (lambda x: np.array([x], dtype=np.float32), 1),
    "float32 Tensor": (_tensor("float32", ()), 1),
    "float64 Tensor": (_tensor("float64", ()), 1),
}


def _metrics_source(rng: random.Random) -> Callable[[], Any]:
    """Metrics for ReduceOnPlateau: a small pool with repeats, so plateaus happen."""
    pool = [round(rng.uniform(0, 2), 2) for _ in range(4)] + [1, 2, 0, 0.5]
    last = [rng.choice(pool)]
    makers, weights = zip(*METRIC_KINDS.values(), strict=True)
    kind = rng.choices(makers, weights=weights)[0]  # one kind per run

    def draw() -> Any:
        if rng.random() < 0.5:
            last[0] = rng.choice(pool)
        return kind(last[0])

    return draw


def _pick_epoch(rng: random.Random, epoch: int, marks: list[int], limit: int | None) -> int:
    horizon = limit if limit is not None else max([*marks, 10]) * 2 + 20
    r = rng.random()
    if r < 0.12:
        target = 0
    elif r < 0.55:
        target = rng.choice(marks) if marks else 0
    elif r < 0.75:
        target = epoch + rng.randint(-5, 5)
    elif r < 0.97 or limit is not None:
        target = rng.randint(0, horizon)
    else:
        target = rng.choice((10**6, 10**9 + 7, 2**40 + 3))
    target = max(0, target)
    return target if limit is None else min(target, limit)


def make_ops(cfg: Config, rng: random.Random, count: int, start: int | None = None) -> list[Op]:
    """A random operation sequence for ``cfg`` from epoch ``start`` (default: the epoch after
    construction): epochs stay >= 0 and within the config's cap."""
    epoch = initial_epoch(cfg) if start is None else start
    limit, marks = cap(cfg), landmarks(cfg)
    metrics = _metrics_source(rng) if uses_metrics(cfg) else None
    # paddle's LinearWarmup.set_dict is LRScheduler.set_state_dict (the alias is bound in the
    # base class): it does not load the nested state, so it is not a way to continue a run
    methods = ("set_state_dict",) if cfg.cls == "LinearWarmup" else ("set_state_dict", "set_dict")
    # LRScheduler.step(sched), paddle's base step whatever the class. Not on a top-level
    # CosineAnnealingWarmRestarts: the base step leaves its cycle position behind last_epoch,
    # which paddle's state dict (without T_cur) cannot carry across, by design.
    base_steps = not metrics and cfg.cls != "CosineAnnealingWarmRestarts"
    ops: list[Op] = []
    for _ in range(count):
        r = rng.random()
        if r < 0.70 and (limit is None or epoch < limit):
            if metrics:
                ops.append(("step", None, metrics()))
            elif base_steps and rng.random() < 0.03:
                ops.append(("base", None))
            else:
                ops.append(STEP)
            epoch += 1
        elif r < 0.90:
            epoch = _pick_epoch(rng, epoch, marks, limit)
            if base_steps and rng.random() < 0.03:
                ops.append(("base", epoch))
            else:
                ops.append(("jump", epoch, metrics() if metrics else None, rng.random() < 0.5))
        elif r < 0.95:
            ops.append(("cross", rng.choice(("pd2fw", "fw2pd")), rng.choice(methods)))
        elif r < 0.965:
            ops.append(("reload", rng.choice(methods)))
        elif r < 0.975:
            ops.append(("pickle", rng.randint(0, pickle.HIGHEST_PROTOCOL)))
        elif r < 0.985:
            ops.append(("keys",))
        else:
            depth = rng.randrange(len(list(walk(cfg))))
            if rng.random() < 0.5:
                ops.append(("set", depth, "base_lr", rng.choice((0.5, 1.0, 2.0, 1e-3))))
            else:
                ops.append(("set", depth, "verbose", rng.random() < 0.5))
    return ops


def at_depth(sched: Any, depth: int) -> Any:
    """The scheduler ``depth`` levels of ``learning_rate`` below ``sched``."""
    for _ in range(depth):
        sched = sched.learning_rate
    return sched


def base_class(sched: Any) -> type:
    """The ``LRScheduler`` of ``sched``'s library."""
    return next(c for c in type(sched).__mro__ if c.__name__ == "LRScheduler")


def apply_op(sched: Any, op: Op) -> None:
    if op[0] == "base":
        args = () if op[1] is None else (op[1],)
        base_class(sched).step(sched, *args)
    elif op[0] == "step":
        if len(op) > 1:
            sched.step(op[2])
        else:
            sched.step()
    elif op[2] is not None:  # jump with metrics
        sched.step(op[2], epoch=op[1]) if op[3] else sched.step(op[2], op[1])
    else:
        sched.step(epoch=op[1]) if op[3] else sched.step(op[1])


def _outcome(fn: Callable[[], Any]) -> tuple[Any, BaseException | None, str]:
    """``fn()``'s result, its exception (if any) and what it printed."""
    out, stdout = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        return fn(), None, out.getvalue()
    except Exception as exc:
        return None, exc, out.getvalue()
    finally:
        sys.stdout = stdout


def _load(sched: Any, method: str, state: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # paddle warns about keys it does not use
        getattr(sched, method)(copy.deepcopy(state))


def exception_matches(pd_exc: BaseException, fw_exc: BaseException) -> bool:
    """fastwarmup raises what paddle raises; where paddle asserts, a ValueError/TypeError."""
    if isinstance(pd_exc, AssertionError) and not SELFCHECK:
        return isinstance(fw_exc, ValueError | TypeError)
    return type(fw_exc) is type(pd_exc)


class Pair:
    """One configuration in both libraries, kept in lockstep and compared."""

    def __init__(self, cfg: Config, paddle: ModuleType, fw: ModuleType, label: str = "") -> None:
        self.cfg, self.paddle, self.fw = cfg, paddle, fw
        self.label = label or cfg.short
        self.history: list[Op] = []
        self.settings: dict[tuple[int, str], Any] = {}  # ("set", ...) ops, kept across rebuilds
        self.stopped_by: Exception | None = None  # what paddle raised, ending the run
        pd_made: list = []
        fw_made: list = []
        pd, pd_exc, pd_out = _outcome(lambda: build(cfg, paddle, paddle, pd_made))
        if pd_exc is not None:
            raise AssertionError(f"invalid config for paddle: {cfg!r}: {pd_exc!r}") from pd_exc
        f, fw_exc, fw_out = _outcome(lambda: build(cfg, fw, paddle, fw_made))
        if fw_exc is not None:
            self.fail("construction", f"fastwarmup raised {fw_exc!r}", exc=fw_exc)
        self.pd, self.f = pd, f
        self.expect("construction: printed", pd_out, fw_out)
        self.check_nesting(fw_made)
        self.check("construction")
        self.check_attrs("construction")

    # reporting

    def fail(self, where: str, what: str, exc: BaseException | None = None) -> None:
        tail = self.history[-15:]
        message = (
            f"[{self.label}] {self.cfg!r}\n  at {where}: {what}\n"
            f"  last ops ({len(self.history)} so far): {tail}\n  FASTWARMUP_SEED={SEED}"
        )
        raise Mismatch(message) from exc

    def expect(self, where: str, pd_value: Any, fw_value: Any) -> None:
        if not same(pd_value, fw_value):
            self.fail(where, _both(pd_value, fw_value))

    # checks

    def check_nesting(self, made: list) -> None:
        for warmup, nested in made:
            if warmup.learning_rate is not nested:
                self.fail("construction", "LinearWarmup.learning_rate is not the nested object")

    def check(self, where: str) -> None:
        """Value, epoch and state dict, for the scheduler and each nested one."""
        pd, f = self.pd, self.f
        depth = 0
        while True:
            at = f"{where}, nesting level {depth}"
            self.expect(f"{at}: sched()", pd(), f())
            self.expect(f"{at}: last_epoch", pd.last_epoch, f.last_epoch)
            self.expect(f"{at}: last_lr", pd.last_lr, f.last_lr)
            self.expect(f"{at}: state_dict()", pd.state_dict(), f.state_dict())
            if not hasattr(pd, "learning_rate"):  # only LinearWarmup nests
                return
            pd, f = pd.learning_rate, f.learning_rate
            if not isinstance(pd, self.paddle.LRScheduler):
                self.expect(f"{at}: learning_rate", pd, f)
                return
            depth += 1

    def check_attrs(self, where: str) -> None:
        pd, f = self.pd, self.f
        for node in walk(self.cfg):
            at = f"{where}, {node.name}"
            self.expect(f"{at}: class name", type(pd).__name__, type(f).__name__)
            for attr in ("base_lr", "verbose", *node.entry.attrs):
                if hasattr(pd, attr):
                    expected, actual = getattr(pd, attr), getattr(f, attr, None)
                    if attr == "best":
                        # paddle keeps a Tensor metric as given, and its state_dict saves the
                        # value as a float; fastwarmup keeps that float (README: "Where
                        # fastwarmup differs")
                        expected, actual = (
                            v.item() if is_tensor(v) else v for v in (expected, actual)
                        )
                    self.expect(f"{at}: .{attr}", expected, actual)
            if node.inner is not None:
                pd, f = pd.learning_rate, f.learning_rate

    # operations

    def fresh(self, module: ModuleType) -> Any:
        made: list = []
        obj, exc, _ = _outcome(lambda: build(self.cfg, module, self.paddle, made))
        if exc is not None:
            self.fail("rebuild", f"{module.__name__} raised {exc!r}", exc=exc)
        self.check_nesting(made)
        for (depth, attr), value in self.settings.items():
            setattr(at_depth(obj, depth), attr, value)
        return obj

    def load(self, sched: Any, method: str, state: dict) -> None:
        _, exc, _ = _outcome(lambda: _load(sched, method, state))
        if exc is not None:
            side = "paddle" if sched is self.pd else "fastwarmup"
            self.fail(f"{method}({state!r})", f"{side} raised {exc!r}", exc=exc)

    def do(self, op: Op) -> bool:
        """Apply ``op`` to both sides and compare; ``False`` once paddle raised (run over)."""
        self.history.append(op)
        where = f"op #{len(self.history) - 1} {op}"
        if op[0] in ("step", "jump", "base"):
            _, pd_exc, pd_out = _outcome(lambda: apply_op(self.pd, op))
            _, fw_exc, fw_out = _outcome(lambda: apply_op(self.f, op))
            if pd_exc is not None or fw_exc is not None:
                if pd_exc is None:
                    self.fail(where, f"only fastwarmup raised {fw_exc!r}", exc=fw_exc)
                if fw_exc is None or not exception_matches(pd_exc, fw_exc):
                    self.fail(where, f"paddle raised {pd_exc!r}, fastwarmup {fw_exc!r}")
                self.stopped_by = pd_exc
                return False
            self.expect(f"{where}: printed", pd_out, fw_out)
        elif op[0] == "cross":
            self._cross(op[1], op[2])
        elif op[0] == "reload":
            if complete_state(self.cfg):
                pd_state, fw_state = self.pd.state_dict(), self.f.state_dict()
                self.pd, self.f = self.fresh(self.paddle), self.fresh(self.fw)
                self.load(self.pd, op[1], pd_state)
                self.load(self.f, op[1], fw_state)
        elif op[0] == "pickle":
            self._pickle(where, op[1])
        elif op[0] == "set":
            _, depth, attr, value = op
            self.settings[depth, attr] = value
            setattr(at_depth(self.pd, depth), attr, value)
            setattr(at_depth(self.f, depth), attr, value)
            self.check_attrs(where)
        elif op[0] == "keys":
            self.expect(f"{where}: state_keys()", self.pd.state_keys(), self.f.state_keys())
            missing = [k for k in self.pd.keys if k not in self.f.keys]
            if missing:
                self.fail(
                    where, f"keys {missing} of paddle missing from fastwarmup's {self.f.keys}"
                )
        self.check(where)
        return True

    def _cross(self, direction: str, method: str) -> None:
        source = self.pd if direction == "pd2fw" else self.f
        state = source.state_dict()
        if not complete_state(self.cfg):
            # paddle's dict lacks T_cur/T_i (CosineAnnealingWarmRestarts): a paddle scheduler
            # cannot resume from any dict, while fastwarmup rebuilds them from last_epoch,
            # exactly when the run so far was sequential from the default construction
            # (DESIGN section 4). So fastwarmup resumed from paddle's dict must continue like
            # paddle uninterrupted; the other direction has nothing to compare against.
            resumes = self.fw is not self.paddle  # a paddle object in its place cannot
            if resumes and direction == "pd2fw" and self._sequential_from_default():
                self.f = self.fresh(self.fw)
                self.load(self.f, method, state)
        elif direction == "pd2fw":
            self.f = self.fresh(self.fw)
            self.load(self.f, method, state)
        else:
            self.pd = self.fresh(self.paddle)
            self.load(self.pd, method, state)

    def _pickle(self, where: str, protocol: int) -> None:
        """Both sides through ``pickle`` and on from the copies: the same values and state,
        nothing printed; where paddle's cannot be pickled, fastwarmup's cannot either."""

        def round_trip(sched: Any) -> Any:
            return pickle.loads(pickle.dumps(sched, protocol))

        pd, pd_exc, pd_out = _outcome(lambda: round_trip(self.pd))
        f, fw_exc, fw_out = _outcome(lambda: round_trip(self.f))
        if pd_exc is not None or fw_exc is not None:
            if pd_exc is None or fw_exc is None or type(pd_exc) is not type(fw_exc):
                self.fail(where, f"pickling: paddle raised {pd_exc!r}, fastwarmup {fw_exc!r}")
            return
        self.expect(f"{where}: printed", pd_out, fw_out)
        self.pd, self.f = pd, f
        self.check(where)
        self.check_attrs(where)

    def _sequential_from_default(self) -> bool:
        """Whether the scheduler has only been stepped one epoch at a time since a
        construction with the default ``last_epoch`` (no nesting: a nest is stepped by
        explicit epochs)."""
        nested = self.cfg.inner is not None
        default = self.cfg.kwargs.get("last_epoch", -1) == -1
        return default and not nested and not any(op[0] == "jump" for op in self.history)

    def run(self, ops: Sequence[Op]) -> int:
        """Apply ``ops`` until paddle raises; returns how many were applied."""
        for i, op in enumerate(ops):
            if not self.do(op):
                return i + 1
        self.check_attrs("end of run")
        return len(ops)


# --- long runs ------------------------------------------------------------------------------


def collect(sched: Any, n: int, metrics: bool) -> tuple[list[Any], Exception | None]:
    """``n`` values by the training-loop protocol (read, then step), or fewer and the exception
    that ended the run."""
    values: list[Any] = []
    append, step = values.append, sched.step
    try:
        for i in range(n):
            append(sched())
            if i < n - 1:
                step((i % 7) * 0.25) if metrics else step()
    except Exception as exc:
        return values, exc
    return values, None


def as_bits(values: list[Any]) -> np.ndarray:
    return np.array(values, dtype=np.float64).view(np.int64)


def first_difference(pd_values: list[Any], fw_values: list[Any]) -> str | None:
    """``None`` if both lists hold the same floats bit for bit and the same types, else a
    description of the first difference."""
    if len(pd_values) != len(fw_values):
        return f"lengths differ: paddle {len(pd_values)}, fastwarmup {len(fw_values)}"
    a, b = as_bits(pd_values), as_bits(fw_values)
    if not np.array_equal(a, b):
        i = int(np.flatnonzero(a != b)[0])
        return f"first value difference at step {i}: {_both(pd_values[i], fw_values[i])}"
    types_a = list(map(type, pd_values))
    types_b = list(map(type, fw_values))
    if types_a != types_b:
        i = next(i for i, (x, y) in enumerate(zip(types_a, types_b, strict=True)) if x is not y)
        return f"first type difference at step {i}: {_both(pd_values[i], fw_values[i])}"
    return None


def long_run_length(cfg: Config, n: int) -> int:
    limit = cap(cfg)
    return n if limit is None else min(n, limit - initial_epoch(cfg) + 1)
