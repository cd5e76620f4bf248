"""Issue 11's bulk evaluation against its competitors, in one run (ratios at the end):

- the seed schedule's ``precompute(1M)`` against the NumPy formula (as written, and in place)
  and the libm floor (one thread looping over libm's ``pow`` on ``1M / cores`` inputs: what an
  exact fill split over every core costs at best);
- ``CosineAnnealingDecay``'s recurrence (scanned) against its closed-form sibling (the same
  cosine under ``LinearWarmup``, evaluated by epoch), NumPy's closed form and the libm floor;
- ``NaturalExpDecay``'s ``precompute(1M)`` (one ``exp`` per step) against NumPy's formula and
  the libm floor;
- ``lr_at`` of 1M random steps against ``precompute(1M)`` of the same schedule;
- ``precompute_many`` of 1,000 schedules x 10K steps against a Python loop of ``precompute``.

Every fastwarmup table is checked against paddle (or against ``precompute``) before timing.
``benches/bulk_scaling.py`` adds the time per step from 10K to 100M steps and the speedup
from one thread to all.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import fastwarmup
from fastwarmup import _fastwarmup, lr

from conftest import scaled
from schedules import (
    COSINE_T_MAX,
    DECAY,
    POWER,
    WARMUP,
    seed,
    seed_numpy,
    seed_numpy_in_place,
    step_loop,
)

CORES = os.cpu_count() or 1


def cosine_recurrence(module):
    """``CosineAnnealingDecay(0.1, 1M)`` stepped: paddle's recurrence."""
    return module.CosineAnnealingDecay(0.1, COSINE_T_MAX)


def cosine_closed_form(module):
    """The same cosine, evaluated by epoch: nested in a one-step ``LinearWarmup``."""
    return module.LinearWarmup(module.CosineAnnealingDecay(0.1, COSINE_T_MAX), 1, 0.0, 0.1)


def cosine_numpy(n: int) -> np.ndarray:
    e = np.arange(n, dtype=np.float64)
    return 0.0 + (0.1 - 0.0) * (1 + np.cos(np.pi * e / COSINE_T_MAX)) / 2


def libm_pow_per_core(n: int) -> np.ndarray:
    """libm's ``pow`` on the seed schedule's bases, one thread, ``n / cores`` of them."""
    t = np.arange(n // CORES, dtype=np.float64)
    return _fastwarmup._libm_pow(1.0 - np.minimum(t, DECAY) / DECAY, POWER)


def libm_cos_per_core(n: int) -> np.ndarray:
    """libm's ``cos`` on the cosine schedule's angles, one thread, ``n / cores`` of them."""
    return _fastwarmup._libm_cos(np.pi * np.arange(n // CORES, dtype=np.float64) / COSINE_T_MAX)


def libm_exp_per_core(n: int) -> np.ndarray:
    """libm's ``exp`` on the natural-exponential schedule's exponents, one thread, ``n / cores``
    of them."""
    return _fastwarmup._libm_exp(-NATURAL_EXP_GAMMA * np.arange(n // CORES, dtype=np.float64))


NATURAL_EXP_GAMMA = 1e-5


def natural_exp(module):
    """``NaturalExpDecay(0.1, gamma=1e-5)``: ``0.1 * exp(-1e-5 * e)``, one ``exp`` per step."""
    return module.NaturalExpDecay(0.1, NATURAL_EXP_GAMMA)


def natural_exp_numpy(n: int) -> np.ndarray:
    return 0.1 * np.exp(-NATURAL_EXP_GAMMA * np.arange(n, dtype=np.float64))


def test_bulk_tables_match_paddle(plr) -> None:
    n = 40_000
    for build in (seed, cosine_recurrence, cosine_closed_form, natural_exp):
        assert np.array_equal(build(lr).precompute(n), step_loop(build(plr), n))
    assert WARMUP < n


def test_numpy_formulas_agree() -> None:
    n = 40_000
    assert np.array_equal(seed_numpy_in_place(n), seed_numpy(n))


@pytest.mark.parametrize("impl", ["fastwarmup", "numpy", "numpy_in_place", "libm_floor_per_core"])
def test_seed_precompute(benchmark, impl) -> None:
    benchmark.group = "bulk: seed precompute(1M)"
    n = scaled(benchmark, 1_000_000, 5_000)
    run = {
        "fastwarmup": lambda: seed(lr).precompute(n),
        "numpy": lambda: seed_numpy(n),
        "numpy_in_place": lambda: seed_numpy_in_place(n),
        "libm_floor_per_core": lambda: libm_pow_per_core(n),
    }[impl]
    benchmark(run)


@pytest.mark.parametrize(
    "impl", ["fastwarmup", "closed_form_sibling", "numpy", "libm_floor_per_core"]
)
def test_recurrence_precompute(benchmark, impl) -> None:
    benchmark.group = "bulk: CosineAnnealingDecay recurrence precompute(1M)"
    n = scaled(benchmark, 1_000_000, 5_000)
    run = {
        "fastwarmup": lambda: cosine_recurrence(lr).precompute(n),
        "closed_form_sibling": lambda: cosine_closed_form(lr).precompute(n),
        "numpy": lambda: cosine_numpy(n),
        "libm_floor_per_core": lambda: libm_cos_per_core(n),
    }[impl]
    benchmark(run)


@pytest.mark.parametrize("impl", ["fastwarmup", "numpy", "libm_floor_per_core"])
def test_natural_exp_precompute(benchmark, impl) -> None:
    benchmark.group = "bulk: NaturalExpDecay precompute(1M)"
    n = scaled(benchmark, 1_000_000, 5_000)
    run = {
        "fastwarmup": lambda: natural_exp(lr).precompute(n),
        "numpy": lambda: natural_exp_numpy(n),
        "libm_floor_per_core": lambda: libm_exp_per_core(n),
    }[impl]
    benchmark(run)


@pytest.mark.parametrize("schedule", ["seed", "recurrence"])
@pytest.mark.parametrize("impl", ["fastwarmup", "precompute"])
def test_lr_at(benchmark, impl, schedule) -> None:
    benchmark.group = f"bulk: lr_at(1M random steps) vs precompute(1M), {schedule}"
    n = scaled(benchmark, 1_000_000, 5_000)
    sched = (seed if schedule == "seed" else cosine_recurrence)(lr)
    steps = np.random.default_rng(0).integers(0, n, size=n)
    if impl == "fastwarmup":
        values = benchmark(sched.lr_at, steps)
        assert np.array_equal(values, sched.precompute(n)[steps])
    else:
        benchmark(sched.precompute, n)


def sweep(count: int) -> list:
    """``count`` seed-like schedules with different warm-ups and powers."""
    rng = np.random.default_rng(1)
    return [
        lr.LinearWarmup(lr.PolynomialDecay(0.1, 10_000, power=float(p)), int(w), 0.0, 0.1)
        for p, w in zip(rng.uniform(0.5, 3, count), rng.integers(1, 2000, count), strict=True)
    ]


@pytest.mark.parametrize("impl", ["fastwarmup", "python_loop"])
def test_precompute_many(benchmark, impl) -> None:
    benchmark.group = "bulk: 1,000 schedules x 10K steps"
    count = scaled(benchmark, 1000, 20)
    schedules = sweep(count)
    if impl == "fastwarmup":
        table = benchmark(fastwarmup.precompute_many, schedules, 10_000)
        assert np.array_equal(table[-1], schedules[-1].precompute(10_000))
    else:
        benchmark(lambda: np.stack([s.precompute(10_000) for s in schedules]))
