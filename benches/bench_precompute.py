"""``precompute(1_000_000)`` of the warm-up schedules against paddle's step loop and the
obvious NumPy formula (which is not exact), all in one run. fastwarmup's table is checked
against paddle's before timing."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import seed, seed_numpy, step_loop, warmup_cosine, warmup_cosine_numpy

# name -> (builder from a module, the NumPy formula)
SCHEDULES = {
    "LinearWarmup(PolynomialDecay)": (seed, seed_numpy),
    "LinearWarmup(CosineAnnealingDecay)": (warmup_cosine, warmup_cosine_numpy),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_precompute_matches_paddle(plr, name):
    build, _ = SCHEDULES[name]
    n = 60_000
    assert np.array_equal(build(lr).precompute(n), step_loop(build(plr), n))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle", "numpy"])
def test_precompute(benchmark, impl, name, request):
    benchmark.group = f"precompute(1M): {name}"
    build, formula = SCHEDULES[name]
    n = scaled(benchmark, 1_000_000, 5_000)
    if impl == "fastwarmup":
        table = benchmark(build(lr).precompute, n)
    elif impl == "numpy":
        table = benchmark(formula, n)
    else:
        plr = request.getfixturevalue("plr")
        table = benchmark.pedantic(lambda: step_loop(build(plr), n), rounds=3, iterations=1)
    assert table.shape == (n,)
