"""PaddleOCR's schedulers (``ppocr/optimizer/lr_scheduler.py``) in ``fastwarmup.ocr`` against
reference implementations: paddle ``LRScheduler`` subclasses written here as PaddleOCR writes
them (PaddleOCR itself is not a dependency). Every value is compared bit for bit (type
included), after every operation: long sequential runs, ``step(epoch)`` jumps (forward,
backward, to 0, negative), state dicts crossing both ways, nests in ``LinearWarmup``,
``precompute``, pickle and deep-copy round trips. Then bad arguments, PaddleOCR's quirks, and
``fastwarmup.paddle.ocr`` inside a paddle optimizer.
"""

from __future__ import annotations

import copy
import inspect
import math
import pickle
import random
import warnings
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest

import fastwarmup
import fastwarmup.lr as fw_lr
import fastwarmup.ocr as fw_ocr

from _libs import SELFCHECK
from _parity import canon, same
from _ppocr_reference import reference

NAMES = ("CyclicalCosineDecay", "OneCycleDecay", "TwoStepCosineDecay")
RUNS = {"CyclicalCosineDecay": 60, "OneCycleDecay": 80, "TwoStepCosineDecay": 60}


# --- the reference: PaddleOCR's classes, transcribed in _ppocr_reference ---------------------


@pytest.fixture(scope="module")
def ref(plr: ModuleType) -> SimpleNamespace:
    return reference(plr.LRScheduler)


def _under_test(ref: SimpleNamespace) -> Any:
    """The classes compared with the reference: fastwarmup's, or in the self-check the
    reference itself (which validates the driver)."""
    return ref if SELFCHECK else fw_ocr


def _warmup_module(plr: ModuleType) -> Any:
    return plr if SELFCHECK else fw_lr


fastwarmup_only = pytest.mark.fastwarmup_only


# --- random configurations ------------------------------------------------------------------


def _rate(rng: random.Random) -> float | int:
    return rng.choice(
        [
            0.1,
            0.001,
            1,
            2,
            rng.uniform(1e-5, 1.0),
            10 ** rng.uniform(-7, 0),
            rng.uniform(0.0, 5.0),
        ]
    )


def _eta_min(rng: random.Random, lr: float) -> float | int:
    return rng.choice([0, 0.0, 1e-6, rng.uniform(0.0, lr), lr * rng.random() * 0.01, 1])


def cyclical_args(rng: random.Random) -> tuple[tuple, dict]:
    lr = _rate(rng)
    kwargs: dict[str, Any] = {}
    if rng.random() < 0.9:
        kwargs["cycle"] = rng.choice(
            [
                1,
                2,
                3,
                rng.randint(1, 60),
                rng.randint(50, 3000),
                2.5,
                round(rng.uniform(0.3, 40), 3),
            ]
        )
    if rng.random() < 0.8:
        kwargs["eta_min"] = _eta_min(rng, float(lr))
    if rng.random() < 0.3:
        kwargs["verbose"] = False
    return (lr, rng.choice([100, 1000, 7.5])), kwargs


def one_cycle_args(rng: random.Random) -> tuple[tuple, dict]:
    lr = _rate(rng)
    epochs = rng.choice([1, 2, 3, rng.randint(1, 40)])
    steps = rng.choice([1, 2, 5, 10, rng.randint(1, 60)])
    kwargs: dict[str, Any] = {}
    if rng.random() < 0.8:
        kwargs["pct_start"] = rng.choice(
            [0.3, 0.0, 1.0, 0.5, 0.25, 0.1, 0.45, rng.random(), rng.uniform(0, 0.5)]
        )
    if rng.random() < 0.6:
        kwargs["anneal_strategy"] = rng.choice(["cos", "linear"])
    if rng.random() < 0.6:
        kwargs["div_factor"] = rng.choice([25.0, 10, 3, 1.0, rng.uniform(1.0, 100.0)])
    if rng.random() < 0.6:
        kwargs["final_div_factor"] = rng.choice([1e4, 100, 7, rng.uniform(1.0, 1e5)])
    if rng.random() < 0.5:
        kwargs["three_phase"] = rng.random() < 0.6
    if rng.random() < 0.5:
        return (lr,), {"epochs": epochs, "steps_per_epoch": steps, **kwargs}
    return (lr, epochs, steps), kwargs


def two_step_args(rng: random.Random) -> tuple[tuple, dict]:
    lr = _rate(rng)
    t1 = rng.choice([1, 2, 3, rng.randint(1, 40), rng.randint(40, 400)])
    t2 = rng.choice([1, 2, t1, 2 * t1, rng.randint(1, 80), rng.randint(80, 800)])
    kwargs: dict[str, Any] = {}
    if rng.random() < 0.7:
        kwargs["eta_min"] = _eta_min(rng, float(lr))
    if rng.random() < 0.2:
        kwargs["last_epoch"] = rng.choice([-1, 0, 3, t1, t1 + 1])
    return (lr, t1, t2), kwargs


ARGS: dict[str, Callable[[random.Random], tuple[tuple, dict]]] = {
    "CyclicalCosineDecay": cyclical_args,
    "OneCycleDecay": one_cycle_args,
    "TwoStepCosineDecay": two_step_args,
}


def _horizon(sched: Any) -> int:
    """A span of epochs worth visiting (past the interesting parts)."""
    if hasattr(sched, "total_steps"):
        return sched.total_steps
    if hasattr(sched, "T_max1"):
        return 2 * (sched.T_max1 + sched.T_max2) + 5
    cycle = getattr(sched, "cycle", 10)
    return int(3 * cycle) + 10


def _pick_epoch(rng: random.Random, current: int, horizon: int) -> int:
    return rng.choice(
        [
            0,
            current,
            current + 1,
            current + rng.randint(1, 30),
            max(current - rng.randint(1, 30), -3),
            rng.randint(-20, horizon),
            rng.randint(0, horizon),
            horizon,
            horizon - 1,
            -1,
            rng.randint(horizon, horizon + 3),
        ]
    )


def make_ops(rng: random.Random, horizon: int, count: int, fw_side: bool = True) -> list[tuple]:
    ops: list[tuple] = []
    epoch = 0
    extra = ["pickle", "deepcopy", "precompute"] if fw_side and not SELFCHECK else []
    for _ in range(count):
        r = rng.random()
        if r < 0.6:
            ops.append(("step",))
            epoch += 1
        elif r < 0.8:
            epoch = _pick_epoch(rng, epoch, horizon)
            ops.append(("jump", epoch, rng.random() < 0.3))
        elif r < 0.9:
            ops.append((rng.choice(["pd2fw", "fw2pd"]), rng.choice(["set_state_dict", "set_dict"])))
        elif extra:
            kind = rng.choice(extra)
            ops.append((kind, rng.randint(0, 80)) if kind == "precompute" else (kind,))
    return ops


# --- the driver -----------------------------------------------------------------------------


def _outcome(call: Callable[[], Any]) -> BaseException | None:
    try:
        call()
    except Exception as exc:
        return exc
    return None


def values(sched: Any, n: int) -> tuple[list[Any], BaseException | None]:
    """``n`` values by the training-loop protocol (read, then step), or fewer and the error."""
    out: list[Any] = []
    for i in range(n):
        out.append(sched())
        if i + 1 < n:
            try:
                sched.step()
            except Exception as exc:
                return out, exc
    return out, None


def bits(seq: Any) -> np.ndarray:
    return np.asarray(seq, dtype=np.float64).view(np.int64)


class Duo:
    """A reference scheduler and fastwarmup's, built by ``make_pd``/``make_fw``, driven alike."""

    def __init__(
        self,
        make_pd: Callable[[], Any],
        make_fw: Callable[[], Any],
        label: str,
        transactional: bool = True,
    ):
        self.make_pd, self.make_fw, self.label = make_pd, make_fw, label
        # whether fastwarmup's side must be unchanged by a rejected step (not so for paddle's
        # own LinearWarmup around it, which advances last_epoch before its nest raises)
        self.transactional = transactional and not SELFCHECK
        self.pd = make_pd()
        self.fw = make_fw()
        self.check("construction")

    def fail(self, where: str, what: str) -> None:
        pytest.fail(f"{self.label} at {where}: {what}", pytrace=False)

    def check(self, where: str) -> None:
        pd_value, fw_value = self.pd(), self.fw()
        if not same(pd_value, fw_value):
            self.fail(where, f"value paddle={pd_value!r} fastwarmup={fw_value!r}")
        if self.pd.last_epoch != self.fw.last_epoch:
            self.fail(where, f"last_epoch {self.pd.last_epoch} != {self.fw.last_epoch}")
        pd_state, fw_state = self.pd.state_dict(), self.fw.state_dict()
        if not same(pd_state, fw_state):
            self.fail(where, f"state_dict paddle={pd_state!r} fastwarmup={fw_state!r}")

    def do(self, op: tuple) -> bool:
        """Apply ``op`` to both; False once the reference raised (fastwarmup raised the same
        and changed nothing), which ends the run."""
        kind = op[0]
        if kind in ("step", "jump"):
            if kind == "step":

                def call(s: Any) -> None:
                    s.step()
            elif op[2]:

                def call(s: Any) -> None:
                    s.step(epoch=op[1])
            else:

                def call(s: Any) -> None:
                    s.step(op[1])

            pd_exc = _outcome(lambda: call(self.pd))
            before = canon(self.fw)
            fw_exc = _outcome(lambda: call(self.fw))
            if pd_exc is not None:
                if type(fw_exc) is not type(pd_exc):
                    self.fail(str(op), f"paddle raised {pd_exc!r}, fastwarmup {fw_exc!r}")
                if self.transactional and canon(self.fw) != before:
                    self.fail(str(op), "the rejected step changed fastwarmup's scheduler")
                return False
            if fw_exc is not None:
                self.fail(str(op), f"only fastwarmup raised {fw_exc!r}")
        elif kind == "pd2fw":
            fresh = self.make_fw()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # paddle's LinearWarmup warns at its own dict
                getattr(fresh, op[1])(self.pd.state_dict())
            self.fw = fresh
        elif kind == "fw2pd":
            fresh = self.make_pd()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # fastwarmup's extra keys, if any
                getattr(fresh, op[1])(self.fw.state_dict())
            self.pd = fresh
        elif kind == "pickle":
            self.fw = pickle.loads(pickle.dumps(self.fw, protocol=random.choice([2, 4, 5])))
        elif kind == "deepcopy":
            self.fw = copy.deepcopy(self.fw)
        elif kind == "precompute":
            self.check_precompute(op[1])
        self.check(str(op))
        return True

    def check_precompute(self, n: int) -> None:
        """``precompute(n)`` equals stepping a copy of the reference, and changes nothing; where
        that stepping raises, ``precompute`` raises the same error up front."""
        expected, error = values(copy.deepcopy(self.pd), n)
        before = canon(self.fw)
        try:
            table = self.fw.precompute(n)
        except Exception as exc:
            if error is None or type(exc) is not type(error):
                self.fail(f"precompute({n})", f"raised {exc!r}; stepping raised {error!r}")
        else:
            if error is not None:
                self.fail(f"precompute({n})", f"stepping raised {error!r}, precompute did not")
            if table.shape != (n,) or not np.array_equal(bits(table), bits(expected)):
                self.fail(f"precompute({n})", f"{table!r} != {expected!r}")
        if canon(self.fw) != before:
            self.fail(f"precompute({n})", "changed the scheduler")

    def run(self, ops: list[tuple]) -> int:
        for done, op in enumerate(ops):
            if not self.do(op):
                return done
        return len(ops)


def makers(
    ref: Any, ours: Any, name: str, args: tuple, kwargs: dict
) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """Constructors of the reference's and fastwarmup's ``name(*args, **kwargs)``."""

    def make_pd() -> Any:
        return getattr(ref, name)(*args, **kwargs)

    def make_fw() -> Any:
        return getattr(ours, name)(*args, **kwargs)

    return make_pd, make_fw


def nest(
    lr_module: Any, sched_module: Any, depth: int, warmup_steps: int, start: Any, end: Any
) -> SimpleNamespace:
    """A module-like namespace whose classes build ``sched_module``'s scheduler wrapped
    ``depth`` times in ``lr_module.LinearWarmup(sched, warmup_steps, start, end)``."""

    def wrapped(cls: type) -> Callable[..., Any]:
        def make(*args: Any, **kwargs: Any) -> Any:
            sched = cls(*args, **kwargs)
            for _ in range(depth):
                sched = lr_module.LinearWarmup(sched, warmup_steps, start, end)
            return sched

        return make

    return SimpleNamespace(**{n: wrapped(getattr(sched_module, n)) for n in NAMES})


FW2PD_SET_DICT = ("fw2pd", "set_dict")


def _construct_both(make_pd: Callable[[], Any], make_fw: Callable[[], Any], label: str) -> bool:
    """Whether the configuration constructs; where the reference refuses it (OneCycleDecay's
    first step in a phase of length 0), fastwarmup must refuse it with the same error."""
    pd_exc = _outcome(make_pd)
    fw_exc = _outcome(make_fw)
    if pd_exc is not None:
        assert type(fw_exc) is type(pd_exc), f"{label}: paddle {pd_exc!r}, fastwarmup {fw_exc!r}"
        return False
    assert fw_exc is None, f"{label}: only fastwarmup raised {fw_exc!r}"
    return True


# --- parity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_random_operation_sequences(name: str, ref, rng: random.Random) -> None:
    """Steps, jumps, state dicts crossing, pickling, deep copies and precompute, mixed."""
    ours = _under_test(ref)
    ran = 0
    for index in range(RUNS[name]):
        args, kwargs = ARGS[name](rng)
        label = f"{name}{args}{kwargs} (run {index})"
        make_pd, make_fw = makers(ref, ours, name, args, kwargs)
        if not _construct_both(make_pd, make_fw, label):
            continue
        duo = Duo(make_pd, make_fw, label)
        ran += duo.run(make_ops(rng, _horizon(duo.pd), rng.randint(20, 150)))
    assert ran > 300


@pytest.mark.parametrize("name", NAMES)
def test_long_sequential_runs(name: str, ref, rng: random.Random) -> None:
    """Thousands of ``step()`` calls from construction (OneCycleDecay: to ``total_steps``)."""
    ours = _under_test(ref)
    for index in range(12):
        args, kwargs = ARGS[name](rng)
        label = f"{name}{args}{kwargs} (run {index})"
        make_pd, make_fw = makers(ref, ours, name, args, kwargs)
        if not _construct_both(make_pd, make_fw, label):
            continue
        pd, fw = make_pd(), make_fw()
        n = min(4000, pd.total_steps + 1) if name == "OneCycleDecay" else 4000
        pd_values, pd_error = values(pd, n)
        fw_values, fw_error = values(fw, n)
        assert type(pd_error) is type(fw_error), label
        assert [type(v) for v in pd_values] == [type(v) for v in fw_values], label
        assert np.array_equal(bits(pd_values), bits(fw_values)), label


@pytest.mark.parametrize("name", NAMES)
def test_nested_in_linear_warmup(name: str, ref, plr, rng: random.Random) -> None:
    """Inside ``fastwarmup.lr.LinearWarmup`` (stepped natively, with explicit epochs) against
    paddle's ``LinearWarmup`` wrapping the reference, two levels deep too."""
    ours = _under_test(ref)
    warm = _warmup_module(plr)
    for index in range(25):
        args, kwargs = ARGS[name](rng)
        warmup_steps = rng.choice([1, 2, 5, rng.randint(1, 30)])
        start, end = rng.choice([(0.0, 0.1), (0, 1), (0.001, rng.random())])
        depth = rng.choice([1, 1, 2])
        label = f"LinearWarmup^{depth}({name}{args}{kwargs}, {warmup_steps}) (run {index})"

        make_pd, make_fw = makers(
            nest(plr, ref, depth, warmup_steps, start, end),
            nest(warm, ours, depth, warmup_steps, start, end),
            name,
            args,
            kwargs,
        )
        if not _construct_both(make_pd, make_fw, label):
            continue
        duo = Duo(make_pd, make_fw, label)
        horizon = _horizon(getattr(ref, name)(*args, **kwargs)) + depth * warmup_steps
        # paddle's LinearWarmup.set_dict is LRScheduler.set_state_dict (bound in the base
        # class), which leaves the nest unloaded: only set_state_dict crosses into paddle
        ops = make_ops(rng, horizon, rng.randint(20, 120))
        duo.run(
            [op for op in ops if op != FW2PD_SET_DICT and not (SELFCHECK and op[-1] == "set_dict")]
        )


@fastwarmup_only
@pytest.mark.parametrize("name", NAMES)
def test_precompute_equals_stepping(name: str, ref, rng: random.Random) -> None:
    """``precompute(n)`` from construction and from a stepped state equals stepping the
    reference; long tables (parallel chunks, the tiled cosine period) equal fastwarmup's own
    stepping."""
    for index in range(15):
        args, kwargs = ARGS[name](rng)
        label = f"{name}{args}{kwargs} (run {index})"
        make_pd, make_fw = makers(ref, fw_ocr, name, args, kwargs)
        if not _construct_both(make_pd, make_fw, label):
            continue
        duo = Duo(make_pd, make_fw, label)
        horizon = _horizon(duo.pd)
        duo.check_precompute(min(horizon + 1, 3000))
        if not all(duo.do(("step",)) for _ in range(rng.randint(0, 10))):
            continue  # the reference raised (and advanced last_epoch regardless): run over
        duo.check_precompute(rng.randint(0, 2000))
        if duo.do(("jump", rng.randint(-5, horizon), False)):
            duo.check_precompute(rng.randint(0, 500))
        if name != "OneCycleDecay":
            fw = duo.fw
            table = fw.precompute(60_000)
            stepped = copy.deepcopy(fw)
            expected = [fw()]
            for _ in range(59_999):
                stepped.step()
                expected.append(stepped())
            assert np.array_equal(bits(table), bits(expected)), label
            narrow = fw.precompute(60_000, dtype=np.float32)
            assert narrow.dtype == np.float32
            assert np.array_equal(narrow, np.asarray(expected, dtype=np.float64).astype(np.float32))


@fastwarmup_only
def test_precompute_past_total_steps_raises_and_changes_nothing(ref) -> None:
    sched = fw_ocr.OneCycleDecay(0.1, 2, 5)
    for _ in range(4):
        sched.step()
    before = canon(sched)
    assert len(sched.precompute(7)) == 7  # steps 4..10: 10 == total_steps is still allowed
    with pytest.raises(ValueError, match="Tried to step 12 times"):
        sched.precompute(8)
    assert canon(sched) == before


@fastwarmup_only
@pytest.mark.parametrize("name", NAMES)
def test_pickle_and_deepcopy_continue_exactly(name: str, ref, rng: random.Random) -> None:
    for index in range(10):
        args, kwargs = ARGS[name](rng)
        label = f"{name}{args}{kwargs} (run {index})"
        make_pd, make_fw = makers(ref, fw_ocr, name, args, kwargs)
        if not _construct_both(make_pd, make_fw, label):
            continue
        sched = make_fw()
        limit = getattr(sched, "total_steps", 10**9)
        for _ in range(min(rng.randint(0, 50), max(limit - 1, 0))):
            sched.step()
        copies = [pickle.loads(pickle.dumps(sched, protocol=p)) for p in (2, 4, 5)]
        copies += [copy.deepcopy(sched), copy.copy(sched)]
        n = min(200, limit - sched.last_epoch + 1) if limit < 10**9 else 200
        expected, _ = values(copy.deepcopy(sched), n)
        for other in copies:
            assert type(other) is type(sched)
            assert other.state_dict() == sched.state_dict()
            got, _ = values(other, n)
            assert np.array_equal(bits(got), bits(expected)), label
        assert pickle.loads(pickle.dumps(sched)).__dict__ == sched.__dict__


# --- attributes, signatures, verbose --------------------------------------------------------


def test_attributes_match_paddleocrs(ref) -> None:
    ours = _under_test(ref)
    cyc = ours.CyclicalCosineDecay(0.1, 100, cycle=7, eta_min=1)
    ref_cyc = ref.CyclicalCosineDecay(0.1, 100, cycle=7, eta_min=1)
    for attr in ("cycle", "eta_min", "base_lr", "last_epoch", "last_lr", "verbose"):
        assert same(getattr(ref_cyc, attr), getattr(cyc, attr)), attr
    one = ours.OneCycleDecay(2, 3, 7, pct_start=0.25, div_factor=3, three_phase=True)
    ref_one = ref.OneCycleDecay(2, 3, 7, pct_start=0.25, div_factor=3, three_phase=True)
    for attr in ("total_steps", "max_lr", "initial_lr", "min_lr", "_schedule_phases", "base_lr"):
        assert same(getattr(ref_one, attr), getattr(one, attr)), attr
    two = ours.TwoStepCosineDecay(0.1, 5, 9, eta_min=1)
    ref_two = ref.TwoStepCosineDecay(0.1, 5, 9, eta_min=1)
    for attr in ("T_max1", "T_max2", "eta_min", "base_lr"):
        assert same(getattr(ref_two, attr), getattr(two, attr)), attr
    two.step(12)
    ref_two.step(12)
    assert same(ref_two._get_closed_form_lr(), two._get_closed_form_lr())


@fastwarmup_only
def test_classes_signatures_and_module() -> None:
    from fastwarmup import _fastwarmup

    for name in NAMES:
        cls = getattr(fw_ocr, name)
        assert cls is getattr(_fastwarmup, name)
        assert cls.__module__ == "fastwarmup.ocr"
        assert issubclass(cls, fw_lr.LRScheduler)
        assert "lr" in (cls.__doc__ or "")
    assert str(inspect.signature(fw_ocr.CyclicalCosineDecay)) == (
        "(learning_rate, T_max, cycle=1, last_epoch=-1, eta_min=0.0, verbose=False)"
    )
    assert str(inspect.signature(fw_ocr.TwoStepCosineDecay)) == (
        "(learning_rate, T_max1, T_max2, eta_min=0, last_epoch=-1, verbose=False)"
    )
    assert list(inspect.signature(fw_ocr.OneCycleDecay).parameters) == [
        "max_lr",
        "epochs",
        "steps_per_epoch",
        "pct_start",
        "anneal_strategy",
        "div_factor",
        "final_div_factor",
        "three_phase",
        "last_epoch",
        "verbose",
    ]
    assert fastwarmup.ocr is fw_ocr


def test_verbose_prints_paddles_line(ref, capsys) -> None:
    ours = _under_test(ref)
    cases = [
        ("CyclicalCosineDecay", (0.1, 10), {"cycle": 3}),
        ("OneCycleDecay", (0.1, 2, 4), {}),
        ("TwoStepCosineDecay", (0.1, 2, 4), {}),
    ]
    for name, args, kwargs in cases:
        outputs = []
        for module in (ref, ours):
            sched = getattr(module, name)(*args, verbose=True, **kwargs)
            sched.step()
            sched.step(3)
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1]
        assert outputs[1].startswith(f"Epoch 0: {name} set learning rate to ")


# --- PaddleOCR's quirks ---------------------------------------------------------------------


@fastwarmup_only
def test_cyclical_cosine_with_a_last_epoch_works_where_paddleocr_fails(ref) -> None:
    """PaddleOCR sets ``cycle`` after the construction step: any ``last_epoch`` but -1 fails
    there with ``AttributeError``. fastwarmup gives the value PaddleOCR would give had it set
    its attributes first."""
    for last_epoch in (0, 5, -2, 40):
        with pytest.raises(AttributeError):
            ref.CyclicalCosineDecay(0.1, 100, cycle=7, last_epoch=last_epoch, eta_min=0.01)
        duo = Duo(
            lambda le=last_epoch: ref.CyclicalCosineAttributesFirst(
                0.1, 100, cycle=7, last_epoch=le, eta_min=0.01
            ),
            lambda le=last_epoch: fw_ocr.CyclicalCosineDecay(
                0.1, 100, cycle=7, last_epoch=le, eta_min=0.01
            ),
            f"last_epoch={last_epoch}",
        )
        duo.run(make_ops(random.Random(last_epoch), 40, 60))


def test_cyclical_cosine_epoch_zero_is_base_lr_not_the_formula(ref) -> None:
    ours = _under_test(ref)
    lr, eta_min = 0.23, 0.05  # eta_min + 0.5 * (lr - eta_min) * 2 != lr in floats
    assert eta_min + 0.5 * (lr - eta_min) * 2 != lr
    sched = ours.CyclicalCosineDecay(lr, 10, cycle=4, eta_min=eta_min)
    assert sched() == lr
    sched.step(4)
    assert sched() == eta_min + 0.5 * (lr - eta_min) * 2


def test_two_step_cosine_stepped_and_closed_form_part_after_t_max1(ref) -> None:
    """At ``T_max1`` the stepped value reaches ``eta_min`` exactly (``1 + cos(pi) == 0``); the
    recurrence then continues with ``T_max2`` on it and stays there until the trough exit at
    ``T_max2 + 1``, while ``step(epoch)`` takes ``T_max2``'s closed form."""
    ours = _under_test(ref)
    for module in (ref, ours):
        sched = module.TwoStepCosineDecay(0.1, 4, 10, eta_min=0.001)
        stepped = values(sched, 12)[0]
        assert stepped[4:11] == [0.001] * 7
        assert stepped[11] > 0.001
        sched.step(6)
        assert sched() == 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 6 / 10)) / 2


def test_one_cycle_zero_length_phases_divide_by_zero(ref) -> None:
    ours = _under_test(ref)
    for module in (ref, ours):
        # pct_start * total_steps == 1: the first phase ends at step 0.0
        with pytest.raises(ZeroDivisionError):
            module.OneCycleDecay(0.1, 1, 10, pct_start=0.1)
        # pct_start == 1.0: the last phase has length 0.0, reached at step total_steps
        sched = module.OneCycleDecay(0.1, 2, 5, pct_start=1.0)
        for _ in range(9):
            sched.step()
        with pytest.raises(ZeroDivisionError):
            sched.step()


# --- bad arguments --------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")

BAD: list[tuple[str, tuple, dict, type[BaseException], str, type[BaseException] | None]] = [
    # (class, args, kwargs, fastwarmup's error, a name it gives, PaddleOCR's error or None)
    ("CyclicalCosineDecay", (0.1,), {}, TypeError, "T_max", TypeError),
    ("CyclicalCosineDecay", ("0.1", 10), {}, TypeError, "learning_rate", TypeError),
    ("CyclicalCosineDecay", (-0.1, 10), {}, ValueError, "learning_rate", ValueError),
    ("CyclicalCosineDecay", (NAN, 10), {}, ValueError, "learning_rate", None),
    ("CyclicalCosineDecay", (0.1, 10), {"cycle": 0}, ValueError, "cycle", None),
    ("CyclicalCosineDecay", (0.1, 10), {"cycle": -3}, ValueError, "cycle", None),
    ("CyclicalCosineDecay", (0.1, 10), {"cycle": INF}, ValueError, "cycle", None),
    ("CyclicalCosineDecay", (0.1, 10), {"cycle": None}, TypeError, "cycle", None),
    ("CyclicalCosineDecay", (0.1, 10), {"eta_min": None}, TypeError, "eta_min", None),
    ("CyclicalCosineDecay", (0.1, 10), {"eta_min": NAN}, ValueError, "eta_min", None),
    (
        "CyclicalCosineDecay",
        (0.1, 10),
        {"last_epoch": 1.5},
        TypeError,
        "last_epoch",
        AttributeError,
    ),
    ("CyclicalCosineDecay", (0.1, 10), {"T": 3}, TypeError, "'T'", TypeError),
    ("OneCycleDecay", (0.1,), {}, TypeError, "epochs", TypeError),
    ("OneCycleDecay", (0.1, 3), {}, TypeError, "steps_per_epoch", TypeError),
    ("OneCycleDecay", (0.1, 0, 5), {}, ValueError, "epochs", ValueError),
    ("OneCycleDecay", (0.1, 2.0, 5), {}, ValueError, "epochs", ValueError),
    ("OneCycleDecay", (0.1, "2", 5), {}, TypeError, "epochs", TypeError),
    ("OneCycleDecay", (0.1, 2, -5), {}, ValueError, "steps_per_epoch", ValueError),
    ("OneCycleDecay", (0.1, 2, 5.5), {}, ValueError, "steps_per_epoch", ValueError),
    ("OneCycleDecay", (0.1, 2**40, 2**40), {}, ValueError, "epochs", None),
    ("OneCycleDecay", (None, 2, 5), {}, TypeError, "max_lr", TypeError),
    ("OneCycleDecay", (-0.1, 2, 5), {}, ValueError, "max_lr", ValueError),
    ("OneCycleDecay", (INF, 2, 5), {}, ValueError, "max_lr", None),
    ("OneCycleDecay", (0.1, 2, 5), {"pct_start": 1}, ValueError, "pct_start", ValueError),
    ("OneCycleDecay", (0.1, 2, 5), {"pct_start": 1.5}, ValueError, "pct_start", ValueError),
    ("OneCycleDecay", (0.1, 2, 5), {"pct_start": -0.1}, ValueError, "pct_start", ValueError),
    ("OneCycleDecay", (0.1, 2, 5), {"pct_start": NAN}, ValueError, "pct_start", None),
    ("OneCycleDecay", (0.1, 2, 5), {"pct_start": None}, TypeError, "pct_start", TypeError),
    (
        "OneCycleDecay",
        (0.1, 2, 5),
        {"anneal_strategy": "cosine"},
        ValueError,
        "anneal_strategy",
        ValueError,
    ),
    (
        "OneCycleDecay",
        (0.1, 2, 5),
        {"anneal_strategy": None},
        ValueError,
        "anneal_strategy",
        ValueError,
    ),
    ("OneCycleDecay", (0.1, 2, 5), {"div_factor": 0}, ZeroDivisionError, "", ZeroDivisionError),
    (
        "OneCycleDecay",
        (0.1, 2, 5),
        {"final_div_factor": 0.0},
        ZeroDivisionError,
        "",
        ZeroDivisionError,
    ),
    ("OneCycleDecay", (0.1, 2, 5), {"div_factor": NAN}, ValueError, "div_factor", None),
    ("OneCycleDecay", (0.1, 2, 5), {"div_factor": "25"}, TypeError, "div_factor", TypeError),
    (
        "OneCycleDecay",
        (0.1, 2, 5),
        {"final_div_factor": 1e-320},
        ValueError,
        "final_div_factor",
        None,
    ),
    ("TwoStepCosineDecay", (0.1, 5.0, 10), {}, TypeError, "T_max1", TypeError),
    ("TwoStepCosineDecay", (0.1, 5, None), {}, TypeError, "T_max2", TypeError),
    ("TwoStepCosineDecay", (0.1, 0, 10), {}, ValueError, "T_max1", AssertionError),
    ("TwoStepCosineDecay", (0.1, 5, -1), {}, ValueError, "T_max2", AssertionError),
    ("TwoStepCosineDecay", (0.1, 5, 10), {"eta_min": "0"}, TypeError, "eta_min", TypeError),
    ("TwoStepCosineDecay", (0.1, 5, 10), {"eta_min": INF}, ValueError, "eta_min", None),
    ("TwoStepCosineDecay", (-1, 5, 10), {}, ValueError, "learning_rate", ValueError),
    ("TwoStepCosineDecay", (0.1, 5, 10, 0, -1, False, 3), {}, TypeError, "arguments", TypeError),
]


@fastwarmup_only
@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "names", "paddleocr"),
    BAD,
    ids=[f"{n}-{a}-{k}" for n, a, k, *_ in BAD],
)
def test_bad_arguments(name, args, kwargs, error, names, paddleocr, ref) -> None:
    """A TypeError/ValueError naming the argument (ZeroDivisionError where PaddleOCR divides by
    zero); re-running ``__init__`` with the bad call on a live scheduler changes nothing. The
    reference records what PaddleOCR does (``None``: it accepts the call, fastwarmup is
    stricter: NaN/inf values, a ``cycle`` that is not > 0, ints beyond 64 bits)."""
    cls = getattr(fw_ocr, name)
    with pytest.raises(error, match=names or None):
        cls(*args, **kwargs)
    live = {
        "CyclicalCosineDecay": lambda: cls(0.1, 10, cycle=3),
        "OneCycleDecay": lambda: cls(0.1, 2, 5),
        "TwoStepCosineDecay": lambda: cls(0.1, 5, 10),
    }[name]()
    live.step()
    live.step()
    before = canon(live)
    with pytest.raises(error):
        live.__init__(*args, **kwargs)
    assert canon(live) == before
    if paddleocr is None:
        getattr(ref, name)(*args, **kwargs)
    else:
        with pytest.raises(paddleocr):
            getattr(ref, name)(*args, **kwargs)


@fastwarmup_only
@pytest.mark.parametrize("name", NAMES)
def test_rejected_calls_change_nothing(name: str) -> None:
    sched = {
        "CyclicalCosineDecay": lambda: fw_ocr.CyclicalCosineDecay(0.1, 10, cycle=3),
        "OneCycleDecay": lambda: fw_ocr.OneCycleDecay(0.1, 2, 5),
        "TwoStepCosineDecay": lambda: fw_ocr.TwoStepCosineDecay(0.1, 5, 10),
    }[name]()
    for _ in range(3):
        sched.step()
    before = canon(sched)
    with pytest.raises(TypeError, match="epoch"):
        sched.step("4")
    with pytest.raises(TypeError, match="epoch"):
        sched.step(4.0)
    with pytest.raises(RuntimeError, match="last_lr"):
        sched.set_state_dict({"last_epoch": 3})
    with pytest.raises(TypeError):
        sched.set_state_dict({"last_epoch": "3", "last_lr": 0.1})
    with pytest.raises(ValueError):
        sched.precompute(-1)
    if name == "OneCycleDecay":
        with pytest.raises(ValueError, match="Tried to step 12 times"):
            sched.step(11)
    assert canon(sched) == before


# --- fastwarmup.paddle.ocr: inside paddle ---------------------------------------------------


@fastwarmup_only
@pytest.mark.parametrize("name", NAMES)
def test_paddle_versions_work_in_a_paddle_optimizer(name: str, ref, plr, rng) -> None:
    import paddle

    from fastwarmup.paddle import ocr as paddle_ocr

    assert paddle_ocr.__all__ == list(NAMES)
    cls = getattr(paddle_ocr, name)
    assert issubclass(cls, getattr(fw_ocr, name))
    assert cls.__doc__ == getattr(fw_ocr, name).__doc__
    for index in range(5):
        args, kwargs = ARGS[name](rng)
        label = f"{name}{args}{kwargs} (run {index})"
        make_pd, make_fw = makers(ref, paddle_ocr, name, args, kwargs)
        if not _construct_both(make_pd, make_fw, label):
            continue
        sched, reference = make_fw(), make_pd()
        assert isinstance(sched, plr.LRScheduler)
        layer = paddle.nn.Linear(2, 1)
        opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
        limit = getattr(sched, "total_steps", 30)
        for _ in range(min(limit - 1, 30)):  # stepping to total_steps may divide by zero
            loss = layer(paddle.ones([3, 2])).sum()
            loss.backward()
            opt.step()
            opt.clear_grad()
            assert opt.get_lr() == sched() == reference(), label
            sched.step()
            reference.step()
        # paddle's own LinearWarmup accepts it (an explicit-epoch nest, stepped from Python)
        warm_pd, warm_fw = makers(
            nest(plr, ref, 1, 3, 0.0, 0.1),
            nest(plr, paddle_ocr, 1, 3, 0.0, 0.1),
            name,
            args,
            kwargs,
        )
        duo = Duo(warm_pd, warm_fw, f"paddle LinearWarmup({label})", transactional=False)
        ops = make_ops(rng, min(limit, 60), 40, fw_side=False)
        duo.run([op for op in ops if op[-1] != "set_dict"])  # paddle's, on both sides
        assert type(pickle.loads(pickle.dumps(sched))) is cls
        assert type(copy.deepcopy(sched)) is cls
