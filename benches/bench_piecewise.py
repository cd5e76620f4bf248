"""``precompute(1_000_000)`` of the piecewise-constant schedulers against
``numpy.full(1_000_000, x)`` (the target: within 3x), in one run. Each table is checked against
paddle's step loop before timing."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import step_loop

SCHEDULES = {
    "PiecewiseDecay": lambda m: m.PiecewiseDecay([100_000, 400_000, 800_000], [0.1, 0.05, 0.01, 1]),
    "MultiStepDecay": lambda m: m.MultiStepDecay(0.1, [300_000, 600_000, 900_000], gamma=0.1),
    "StepDecay": lambda m: m.StepDecay(0.1, 30_000, gamma=0.5),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_piecewise_precompute_matches_paddle(plr, name):
    make = SCHEDULES[name]
    sched = make(lr)
    sched.step(99_000)  # a stretch that crosses a boundary
    reference = make(plr)
    reference.step(99_000)
    n = 5_000
    assert np.array_equal(sched.precompute(n), step_loop(reference, n))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("impl", ["fastwarmup", "numpy_full"])
def test_piecewise_precompute(benchmark, impl, name):
    benchmark.group = f"precompute(1M): {name} vs numpy.full"
    n = scaled(benchmark, 1_000_000, 5_000)
    if impl == "fastwarmup":
        table = benchmark(SCHEDULES[name](lr).precompute, n)
    else:
        table = benchmark(np.full, n, 0.1)
    assert table.shape == (n,)
