"""``precompute(1_000_000)`` of ``LinearWarmup(CosineAnnealingDecay)`` against the NumPy formula
and paddle's step loop, in one run. fastwarmup's table is checked against paddle's first."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import step_loop, warmup_cosine, warmup_cosine_numpy

GROUP = "precompute(1M): LinearWarmup(CosineAnnealingDecay)"


def test_precompute_cosine_matches_paddle(plr):
    n = 60_000
    assert np.array_equal(warmup_cosine(lr).precompute(n), step_loop(warmup_cosine(plr), n))


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle", "numpy"])
def test_precompute_cosine(benchmark, impl, request):
    n = scaled(benchmark, 1_000_000, 5_000)
    if impl == "fastwarmup":
        table = benchmark(warmup_cosine(lr).precompute, n)
    elif impl == "numpy":
        table = benchmark(warmup_cosine_numpy, n)
    else:
        plr = request.getfixturevalue("plr")
        table = benchmark.pedantic(lambda: step_loop(warmup_cosine(plr), n), rounds=3, iterations=1)
    assert table.shape == (n,)
