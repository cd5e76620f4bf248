"""``precompute(n, *, dtype=numpy.float64)``: element 0 is ``sched()``, element ``i`` the value
after ``i`` more ``step()`` calls; the scheduler (nested ones included) is left unchanged.

Checked against paddle (a deep copy of the paddle twin, stepped) and against the definition
(a deep copy of the fastwarmup scheduler, stepped). In the self-check ``precompute`` is
emulated by that definition (``_libs.precompute``) and the error cases are skipped.
"""

from __future__ import annotations

import copy
import io
import random
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from _configs import C, Config, build, cap, raises_past_cap, random_config
from _libs import IMPLEMENTED, SEED, SELFCHECK, fw, precompute
from _parity import STEP, Pair, canon, collect, first_difference, jump, make_ops

# ReduceOnPlateau.step() needs metrics: no precompute at the root (nested, it is stepped by
# LinearWarmup with the epoch as its metric, and is fine)
ROOTS = [c for c in IMPLEMENTED if c != "ReduceOnPlateau"]
N_CONFIGS = 300
MAX_N = 400

CONFIGS = [
    random_config(random.Random(f"{SEED}:precompute:{i}"), ROOTS, nested=IMPLEMENTED, verbose_p=0)
    for i in range(N_CONFIGS if ROOTS else 0)
]


def stepped(sched: Any, n: int) -> np.ndarray:
    """The definition: a deep copy's value, then ``n - 1`` times step and value."""
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        twin = copy.deepcopy(sched)
        values = [twin()] if n else []
        for _ in range(n - 1):
            twin.step()
            values.append(twin())
    finally:
        sys.stdout = stdout
    return np.array(values, dtype=np.float64)


def _equal_bits(expected: np.ndarray, table: np.ndarray, what: str) -> None:
    problem = first_difference(expected.tolist(), table.tolist())
    assert problem is None, f"{what}: {problem}"


def check_precompute(pair: Pair, n: int) -> None:
    """``precompute(n)`` of the fastwarmup side against both definitions, state unchanged."""
    before = canon(pair.f)
    table = precompute(pair.f, n)
    assert canon(pair.f) == before, f"{pair.cfg!r}: precompute({n}) changed the scheduler"
    assert isinstance(table, np.ndarray)
    assert table.dtype == np.float64
    assert table.shape == (n,)
    where = f"{pair.cfg!r} at epoch {pair.pd.last_epoch}, precompute({n})"
    _equal_bits(stepped(pair.pd, n), table, f"{where} vs paddle")
    _equal_bits(stepped(pair.f, n), table, f"{where} vs stepping a copy")
    single = precompute(pair.f, n, dtype=np.float32)
    assert single.dtype == np.float32
    assert single.shape == (n,)
    assert np.array_equal(single.view(np.int32), table.astype(np.float32).view(np.int32))
    if not SELFCHECK:
        check_bulk_apis(pair.f, table, where)
    assert canon(pair.f) == before
    pair.check(f"after precompute({n})")


def check_bulk_apis(sched: Any, table: np.ndarray, where: str) -> None:
    """``precompute(out=)`` (float64 and float32), ``lr_at`` (any order, repeats) and
    ``fastwarmup.precompute_many`` give ``table``'s values, bit for bit."""
    import fastwarmup

    n = len(table)
    for dtype in (np.float64, np.float32):
        out = np.full(n, np.nan, dtype=dtype)
        assert sched.precompute(n, out=out) is out
        _equal_bits(table.astype(dtype).astype(np.float64), out.astype(np.float64), where)
    rng = np.random.default_rng(n)
    steps = rng.integers(0, n, size=2 * n) if n else np.zeros(0, dtype=np.int64)
    _equal_bits(table[steps], sched.lr_at(steps), f"{where}, lr_at")
    many = fastwarmup.precompute_many([sched, sched], n)
    assert many.shape == (2, n)
    _equal_bits(table, many[1], f"{where}, precompute_many")


def _room(pair: Pair) -> int:
    """The longest table the configuration allows from the current epoch."""
    limit = cap(pair.cfg)
    return MAX_N if limit is None else min(MAX_N, limit - pair.pd.last_epoch + 1)


@pytest.mark.parametrize(
    "index", range(len(CONFIGS)), ids=[f"{i:03d}-{c.short}" for i, c in enumerate(CONFIGS)]
)
def test_precompute_matches_stepping(index: int, plr) -> None:
    cfg = CONFIGS[index]
    rng = random.Random(f"{SEED}:precompute-ops:{index}")
    pair = Pair(cfg, plr, fw, label=f"precompute config {index}")
    for _ in range(3):  # at construction, then after random steps, jumps and reloads
        room = _room(pair)
        for n in sorted({0, 1, min(2, room), rng.randint(0, room), room}):
            check_precompute(pair, n)
        prefix = make_ops(cfg, rng, rng.choice((1, 5, 40)), start=pair.pd.last_epoch)
        if pair.run(prefix) < len(prefix):
            return  # both raised alike (e.g. OverflowError at a huge epoch): the run is over
    pair.run(make_ops(cfg, rng, 20, start=pair.pd.last_epoch))  # and continues as paddle's


@pytest.mark.parametrize(
    "cfg",
    [
        C("LinearWarmup", C("PolynomialDecay", 0.1, 100_000, 0.0, 0.9), 10_000, 0.0, 0.1),
        C("LinearWarmup", C("LRScheduler", 0.1, 0.9999, sub="Geometric"), 100, 0.0, 0.1),
        C("LinearWarmup", C("PolynomialDecay", 0.1, 5000, foreign=True), 100, 0.0, 0.1),
    ],
    ids=["seed", "subclass", "paddle-nested"],
)
def test_precompute_long(cfg: Config, plr) -> None:
    if not all(c in IMPLEMENTED for c in ("LinearWarmup", "PolynomialDecay", "LRScheduler")):
        pytest.skip("needs LinearWarmup, PolynomialDecay and LRScheduler")
    n = 120_000
    sched = build(cfg, fw, plr)
    for _ in range(37):
        sched.step()
    table = precompute(sched, n)
    reference = build(cfg, plr, plr)
    for _ in range(37):
        reference.step()
    values, exc = collect(reference, n, False)
    assert exc is None
    _equal_bits(np.array(values, dtype=np.float64), table, repr(cfg))


def test_precompute_zero_is_empty(plr) -> None:
    for cfg in CONFIGS[:20]:
        sched = build(cfg, fw, plr)
        for dtype in (np.float64, np.float32):
            table = precompute(sched, 0, dtype=dtype)
            assert table.shape == (0,)
            assert table.dtype == dtype


def test_precompute_past_the_last_epoch_raises(plr) -> None:
    """Where stepping would raise (OneCycleLR past total_steps), precompute raises the same
    ValueError and changes nothing."""
    bounded = [c for c in CONFIGS if raises_past_cap(c)]
    if not bounded:
        pytest.skip("no implemented class raises past its last epoch (OneCycleLR)")
    for cfg in bounded[:20]:
        pair = Pair(cfg, plr, fw)
        before = canon(pair.f)
        past = cap(cfg) - pair.pd.last_epoch + 2  # the last value would be at cap + 1
        with pytest.raises(ValueError):
            precompute(pair.f, past)
        assert canon(pair.f) == before


BAD_N = [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (None, TypeError), ([3], TypeError)]


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize(("n", "error"), BAD_N, ids=[repr(n) for n, _ in BAD_N])
def test_precompute_bad_n(n: object, error: type[Exception], plr) -> None:
    for cfg in CONFIGS[:10]:
        sched = build(cfg, fw, plr)
        before = canon(sched)
        with pytest.raises(error):
            sched.precompute(n)
        assert canon(sched) == before


@pytest.mark.fastwarmup_only
def test_precompute_bad_dtype_and_size(plr) -> None:
    sched = build(CONFIGS[0], fw, plr)
    before = canon(sched)
    with pytest.raises((TypeError, ValueError)):
        sched.precompute(3, dtype=np.int64)
    with pytest.raises(TypeError):
        sched.precompute(3, np.float32)  # dtype is keyword-only
    with pytest.raises(ValueError):
        sched.precompute(2**62)  # more memory than any machine has
    assert canon(sched) == before


# --- a property: any mix of step, step(epoch) and precompute --------------------------------

_OPS = st.lists(
    st.one_of(
        st.just(("step",)),
        st.tuples(st.just("jump"), st.integers(0, 250)),
        st.tuples(st.just("pre"), st.integers(0, 60)),
    ),
    max_size=30,
)


@hypothesis_seed(SEED)
@settings(max_examples=200)
@given(index=st.integers(0, max(0, len(CONFIGS) - 1)), ops=_OPS)
def test_precompute_in_any_sequence(index: int, ops: list[tuple], plr) -> None:
    if not CONFIGS:
        pytest.skip("no implemented class")
    cfg = CONFIGS[index]
    pair = Pair(cfg, plr, fw)
    limit = cap(cfg)
    for op in ops:
        if op[0] == "pre":
            check_precompute(pair, min(op[1], _room(pair)))
        elif op[0] == "jump":
            pair.do(jump(op[1] if limit is None else min(op[1], limit)))
        elif limit is None or pair.pd.last_epoch < limit:
            pair.do(STEP)
