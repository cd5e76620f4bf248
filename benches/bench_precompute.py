"""``precompute(1_000_000)`` of the seed schedule against paddle's step loop and the NumPy
formula, all in one run. fastwarmup's table is checked against paddle's before timing."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import seed, seed_numpy, step_loop

GROUP = "precompute(1M): LinearWarmup(PolynomialDecay)"


def test_precompute_matches_paddle(plr):
    n = 60_000
    assert np.array_equal(seed(lr).precompute(n), step_loop(seed(plr), n))


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle", "numpy"])
def test_precompute(benchmark, impl, request):
    n = scaled(benchmark, 1_000_000, 5_000)
    if impl == "fastwarmup":
        sched = seed(lr)
        table = benchmark(sched.precompute, n)
    elif impl == "numpy":
        table = benchmark(seed_numpy, n)
    else:
        plr = request.getfixturevalue("plr")
        table = benchmark.pedantic(lambda: step_loop(seed(plr), n), rounds=3, iterations=1)
    assert table.shape == (n,)
