"""Issue 11's bulk APIs against paddle, bit for bit: the recurrences scanned at closed-form
speed over long runs, ``precompute(out=, dtype=)``, ``lr_at(steps)`` and
``fastwarmup.precompute_many``; and their refusals (named, nothing written, nothing changed).

``test_precompute.py`` checks the same APIs on 300 random nested configurations (its
``check_bulk_apis``); this file takes the long runs, the edge cases and the sweeps.
"""

from __future__ import annotations

import copy
import io
import random
import sys
from typing import Any

import numpy as np
import pytest

from _configs import build, cap, random_config
from _libs import IMPLEMENTED, SEED, SELFCHECK, fw
from _parity import canon, first_difference

pytestmark = [
    pytest.mark.skipif(SELFCHECK, reason="paddle has no bulk APIs"),
    pytest.mark.fastwarmup_only,
]

# Past two blocks of a scan (2 x 262,144 steps): block boundaries are crossed.
LONG = 600_000


def paddle_values(sched: Any, n: int) -> np.ndarray:
    """``sched()``, then the value after each of ``n - 1`` further ``step()`` calls, of a
    deep copy (paddle's scheduler, or fastwarmup's stepped one call at a time)."""
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        twin = copy.deepcopy(sched)
        values = np.empty(n)
        for i in range(n):
            if i:
                twin.step()
            values[i] = twin()
    finally:
        sys.stdout = stdout
    return values


def assert_same_bits(expected: np.ndarray, got: np.ndarray, what: str) -> None:
    assert got.shape == expected.shape, what
    problem = first_difference(expected.ravel().tolist(), got.astype(np.float64).ravel().tolist())
    assert problem is None, f"{what}: {problem}"


# name -> (arguments, steps taken first: an int for step() calls, a list for step(epoch))
RECURRENCES: dict[str, tuple[str, tuple[Any, ...], Any]] = {
    "cosine-long": ("CosineAnnealingDecay", (0.1, 1_000_000), 0),
    "cosine-troughs": ("CosineAnnealingDecay", (0.1, 7, 1e-3), 11),
    "cosine-after-jump": ("CosineAnnealingDecay", (0.05, 3000, 1e-4), [17, 4000]),
    "cosine-int-eta": ("CosineAnnealingDecay", (1, 250, 0), 3),
    "linear_lr-int": ("LinearLR", (0.5, 300_000, 0.25, 1.0), 0),
    "linear_lr-down": ("LinearLR", (0.5, 100.5, 1.0, 0.0), 2),
    "linear_lr-after-jump": ("LinearLR", (0.2, 400_000, 0.1, 0.9), [1000, 10]),
    "restarts-1": ("CosineAnnealingWarmRestarts", (0.1, 1000, 1), 0),
    "restarts-2": ("CosineAnnealingWarmRestarts", (0.1, 3, 2, 1e-3), 5),
    "restarts-t0-1": ("CosineAnnealingWarmRestarts", (0.1, 1, 1), 0),
}


def _made(module: Any, name: str) -> Any:
    cls, args, before = RECURRENCES[name]
    sched = getattr(module, cls)(*args)
    if isinstance(before, int):
        for _ in range(before):
            sched.step()
    else:
        for epoch in before:
            sched.step(epoch)
    return sched


@pytest.mark.parametrize("name", sorted(RECURRENCES))
def test_scanned_recurrences_match_paddle_over_long_runs(name: str, plr) -> None:
    """A recurrence's precompute (terms on all cores, then the ordered fold) equals paddle
    stepping, across scan blocks, in float64, float32 and into ``out``; ``lr_at`` at random
    steps (one ordered pass) equals the same values."""
    ours, theirs = _made(fw, name), _made(plr, name)
    before = canon(ours)
    expected = paddle_values(theirs, LONG)
    assert_same_bits(expected, ours.precompute(LONG), name)
    single = ours.precompute(LONG, dtype=np.float32)
    assert np.array_equal(single.view(np.int32), expected.astype(np.float32).view(np.int32))
    out = np.full(LONG, np.nan)
    ours.precompute(LONG, out=out)
    assert_same_bits(expected, out, f"{name}, out=")
    steps = np.random.default_rng(7).integers(0, LONG, size=50_000)
    steps[:3] = [0, LONG - 1, 0]
    assert_same_bits(expected[steps], ours.lr_at(steps), f"{name}, lr_at")
    assert canon(ours) == before


def test_two_step_cosine_scan_equals_its_stepping() -> None:
    """PaddleOCR's TwoStepCosineDecay (the period switches at T_max1) scans as it steps."""
    from fastwarmup.ocr import TwoStepCosineDecay

    for args in [(0.1, 300, 41), (0.1, 5, 300_000), (0.1, 400_000, 3)]:
        sched = TwoStepCosineDecay(*args)
        expected = paddle_values(sched, LONG)
        assert_same_bits(expected, sched.precompute(LONG), repr(args))
        steps = np.arange(LONG)[::-997]
        assert_same_bits(expected[steps], sched.lr_at(steps), repr(args))


# --- lr_at ----------------------------------------------------------------------------------


def _schedules() -> list[Any]:
    """One of each way values are produced: evaluated, scanned, stepped in Rust, a user's
    function (GIL held), a Python get_lr and a paddle nest (a Python copy stepped)."""

    class Geometric(fw.LRScheduler):
        def get_lr(self) -> float:
            return self.base_lr * 0.999**self.last_epoch

    import paddle.optimizer.lr as plr

    from fastwarmup import Sequential

    return [
        fw.LinearWarmup(fw.PolynomialDecay(0.1, 5000, power=0.9), 300, 0.0, 0.1),
        fw.CosineAnnealingDecay(0.1, 77),
        fw.MultiplicativeDecay(0.1, lambda e: 0.999),
        fw.LambdaDecay(0.1, lambda e: 1 / (1 + e)),
        Geometric(0.1),
        fw.LinearWarmup(plr.CosineAnnealingDecay(0.1, 500), 50, 0.0, 0.1),
        Sequential([fw.StepDecay(0.1, 30), fw.ExponentialDecay(0.1, 0.99)], [200]),
    ]


@pytest.mark.parametrize("index", range(7))
def test_lr_at_is_precompute_at_those_steps(index: int) -> None:
    sched = _schedules()[index]
    for _ in range(13):
        sched.step()
    before = canon(sched)
    table = sched.precompute(3000)
    steps = np.array([[5, 0, 2999], [7, 7, 1000]])
    got = sched.lr_at(steps)
    assert got.shape == (2, 3) and got.dtype == np.float64
    assert_same_bits(table[steps], got, type(sched).__name__)
    assert_same_bits(table[[4, 0]].astype(np.float32), sched.lr_at([4, 0], dtype=np.float32), "f32")
    assert sched.lr_at(0) == sched()
    for dtype in (np.uint8, np.int16, np.uint64, np.int64):
        assert_same_bits(table[[9, 3]], sched.lr_at(np.array([9, 3], dtype=dtype)), str(dtype))
    assert sched.lr_at([]).shape == (0,)
    assert canon(sched) == before


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        (np.array([3, -1]), ValueError, "steps must be >= 0, got -1 at index 1"),
        (np.array([1.0]), TypeError, "integer array"),
        (np.array([True]), TypeError, "integer array"),
        ("7", TypeError, "integer array"),
        (np.array([2**63], dtype=np.uint64), OverflowError, "overflow"),
    ],
)
def test_lr_at_refuses_bad_steps(steps: Any, error: type, message: str) -> None:
    sched = fw.CosineAnnealingDecay(0.1, 10)
    before = canon(sched)
    with pytest.raises(error, match=message):
        sched.lr_at(steps)
    assert canon(sched) == before


def test_lr_at_raises_what_stepping_there_raises() -> None:
    sched = fw.OneCycleLR(0.1, 100)
    before = canon(sched)
    with pytest.raises(ValueError, match="Tried to step 101 times"):
        sched.lr_at([3, 101])
    assert canon(sched) == before
    assert_same_bits(sched.precompute(100)[[99, 3]], sched.lr_at([99, 3]), "OneCycleLR")


# --- out= -----------------------------------------------------------------------------------


def _read_only(n: int) -> np.ndarray:
    array = np.zeros(n)
    array.flags.writeable = False
    return array


BAD_OUT = {
    "list": (lambda: [0.0] * 8, {}, TypeError, "out must be a numpy.ndarray, got list"),
    "int64": (lambda: np.zeros(8, np.int64), {}, TypeError, "dtype float64 or float32"),
    "dtype clash": (
        lambda: np.zeros(8, np.float32),
        {"dtype": np.float64},
        TypeError,
        "out has dtype float32 but dtype=float64",
    ),
    "short": (lambda: np.zeros(7), {}, ValueError, r"shape \(8,\), got \(7,\)"),
    "2-D": (lambda: np.zeros((2, 4)), {}, ValueError, r"got \(2, 4\)"),
    "strided": (lambda: np.zeros(16)[::2], {}, ValueError, "C-contiguous"),
    "read-only": (lambda: _read_only(8), {}, ValueError, "writeable"),
}


@pytest.mark.parametrize("case", sorted(BAD_OUT))
def test_precompute_out_refuses_a_wrong_array_and_writes_nothing(case: str) -> None:
    make, kwargs, error, message = BAD_OUT[case]
    sched = fw.LinearWarmup(fw.CosineAnnealingDecay(0.1, 50), 5, 0.0, 0.1)
    before = canon(sched)
    out = make()
    snapshot = copy.deepcopy(out)
    with pytest.raises(error, match=message):
        sched.precompute(8, out=out, **kwargs)
    assert np.array_equal(np.asarray(out), np.asarray(snapshot))
    assert canon(sched) == before


def test_precompute_out_takes_its_dtype_and_returns_itself() -> None:
    sched = fw.CosineAnnealingDecay(0.1, 50)
    table = sched.precompute(100)
    out = np.empty(100, dtype=np.float32)
    assert sched.precompute(100, out=out) is out
    assert np.array_equal(out, table.astype(np.float32))
    assert sched.precompute(100, out=out, dtype="float32") is out
    assert sched.precompute(0, out=np.empty(0)).shape == (0,)


def test_precompute_out_is_not_written_when_stepping_would_raise() -> None:
    sched = fw.OneCycleLR(0.1, 10)
    out = np.full(12, 7.0)
    with pytest.raises(ValueError):
        sched.precompute(12, out=out)
    assert (out == 7.0).all()


# --- precompute_many ------------------------------------------------------------------------

SWEEP = [
    c
    for i in range(400)
    if (c := random_config(random.Random(f"{SEED}:many:{i}"), IMPLEMENTED, verbose_p=0))
    and c.cls != "ReduceOnPlateau"
]


def test_precompute_many_rows_are_each_schedulers_precompute(plr) -> None:
    """Hundreds of random nested configurations (every class; Python functions, subclasses and
    paddle nests among them), each row equal to paddle stepping its twin."""
    n = 300
    usable = [c for c in SWEEP if cap(c) is None or cap(c) >= n]
    ours = [build(c, fw, plr) for c in usable]
    before = [canon(s) for s in ours]
    table = fw_many(ours, n)
    assert table.shape == (len(usable), n)
    for row, cfg in zip(table, usable, strict=True):
        assert_same_bits(paddle_values(build(cfg, plr, plr), n), row, repr(cfg))
    assert [canon(s) for s in ours] == before
    single = fw_many(ours, n, dtype=np.float32)
    assert np.array_equal(single, table.astype(np.float32))


def fw_many(schedulers: list[Any], n: int, **kwargs: Any) -> np.ndarray:
    import fastwarmup

    return fastwarmup.precompute_many(schedulers, n, **kwargs)


def test_precompute_many_of_a_thousand_sweep_configs() -> None:
    """A sweep: 1,000 seed schedules with different warm-ups and powers, 10,000 steps each."""
    rng = np.random.default_rng(3)
    sweep = [
        fw.LinearWarmup(fw.PolynomialDecay(0.1, 10_000, power=float(p)), int(w), 0.0, 0.1)
        for p, w in zip(rng.uniform(0.5, 3, 1000), rng.integers(1, 2000, 1000), strict=True)
    ]
    table = fw_many(sweep, 10_000)
    for i in range(0, 1000, 97):
        assert_same_bits(sweep[i].precompute(10_000), table[i], f"row {i}")


def test_precompute_many_edges_and_refusals() -> None:
    cosine = fw.CosineAnnealingDecay(0.1, 10)
    assert fw_many([], 5).shape == (0, 5)
    assert fw_many([cosine], 0).shape == (1, 0)
    assert fw_many((s for s in [cosine, cosine]), 3).shape == (2, 3)
    with pytest.raises(TypeError, match=r"schedulers\[1\] must be a fastwarmup scheduler"):
        fw_many([cosine, 3], 5)
    with pytest.raises(TypeError, match="iterable of schedulers"):
        fw_many(7, 5)
    with pytest.raises(ValueError, match="Tried to step"):
        fw_many([cosine, fw.OneCycleLR(0.1, 10)], 12)
    with pytest.raises(ValueError, match="n must be >= 0"):
        fw_many([cosine], -1)
    with pytest.raises(TypeError, match="dtype"):
        fw_many([cosine], 3, dtype=np.int32)
    with pytest.raises(ValueError, match=r"len\(schedulers\) \* n=\d+ is too large"):
        fw_many([cosine] * 4, 2**60)
    with pytest.raises(ValueError, match=r"len\(schedulers\) \* n=\d+ needs \d+ bytes"):
        fw_many([cosine] * 4, 2**55)


def test_a_recurrence_stepped_through_epoch_zero(plr) -> None:
    """paddle does not check ``last_epoch``: stepping from below 0 passes epoch 0 (which sets
    ``base_lr``; with ``T_max=1`` it also passes the restart test there)."""
    for t_max, last_epoch in [(1, -4), (5, -30), (2, -3)]:
        ours = fw.CosineAnnealingDecay(0.1, t_max, last_epoch=last_epoch)
        theirs = plr.CosineAnnealingDecay(0.1, t_max, last_epoch=last_epoch)
        expected = paddle_values(theirs, 100)
        assert_same_bits(expected, ours.precompute(100), f"T_max={t_max}")
        assert_same_bits(expected[[99, 3, 0]], ours.lr_at([99, 3, 0]), f"T_max={t_max}")


def test_lr_at_raises_at_a_skipped_step_as_stepping_does(plr) -> None:
    """Before epoch 0 a closed form can raise at steps ``lr_at`` was not asked for (here
    PolynomialDecay with ``cycle``: ``ceil`` is 0 at epoch -9); the error is stepping's."""
    ours = fw.PolynomialDecay(0.1, 10, cycle=True, last_epoch=-21)
    with pytest.raises(ZeroDivisionError):
        ours.lr_at([25])
    with pytest.raises(ZeroDivisionError):
        ours.precompute(26)
    assert_same_bits(
        paddle_values(plr.PolynomialDecay(0.1, 10, cycle=True, last_epoch=-21), 5),
        ours.lr_at([0, 1, 2, 3, 4]),
        "before the error",
    )


def test_precompute_many_reports_the_first_failing_row() -> None:
    """A row in Rust (filled first, in parallel) and a row in Python both fail: the error is
    row 0's, as filling them one by one gives."""

    class Failing(fw.LRScheduler):
        def get_lr(self) -> float:
            if self.last_epoch >= 3:
                raise KeyError("row 1")
            return 0.1

    rust_row = fw.PolynomialDecay(0.1, 10, cycle=True, last_epoch=-21)
    with pytest.raises(ZeroDivisionError):
        fw_many([rust_row, Failing(0.1)], 30)
    with pytest.raises(KeyError, match="row 1"):
        fw_many([Failing(0.1), rust_row], 30)


def test_the_benchmark_floors_are_libm() -> None:
    """``_libm_pow``, ``_libm_cos`` and ``_libm_exp`` (the bulk benchmarks' floors) return what
    CPython's ``**``, ``math.cos`` and ``math.exp`` return, bit for bit."""
    import math

    from fastwarmup import _fastwarmup as native

    rng = np.random.default_rng(11)
    x = np.concatenate([rng.uniform(0.0, 1.0, 2000), rng.uniform(-700.0, 700.0, 2000)])
    powers = native._libm_pow(np.abs(x), 0.9)
    assert [float(v) for v in powers] == [abs(float(v)) ** 0.9 for v in x]
    assert [float(v) for v in native._libm_cos(x)] == [math.cos(float(v)) for v in x]
    exps = native._libm_exp(x)
    assert [float(v) for v in exps] == [math.exp(float(v)) for v in x]
