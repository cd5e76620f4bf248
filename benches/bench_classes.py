"""Every scheduler class: ``precompute(n)`` against paddle's step loop, and the per-step cost
of ``step(); __call__()`` against paddle's, measured side by side. Each class's table is checked
against paddle's values before timing."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import CLASSES, step_loop, step_once

NAMES = sorted(CLASSES)


def _build(name: str, module):
    if not hasattr(module, name):
        pytest.skip(f"{name} is not implemented yet")
    return CLASSES[name][0](module)


def _paddle_table(sched, n: int) -> np.ndarray:
    out = np.empty(n)
    for i in range(n):
        out[i] = sched()
        step_once(sched)
    return out


def _steps(sched, n: int) -> None:
    """``n`` training-loop steps; the loop is chosen once, outside the timed part's shape."""
    if type(sched).__name__ == "ReduceOnPlateau":
        for _ in range(n):
            sched.step(1.0)
            sched()
    else:
        for _ in range(n):
            sched.step()
            sched()


@pytest.mark.parametrize("name", NAMES)
def test_class_precompute_matches_paddle(plr, name):
    ours = _build(name, lr)
    n = min(CLASSES[name][1], 3_000)
    if name == "ReduceOnPlateau":  # its future depends on metrics: precompute holds the value
        assert np.array_equal(ours.precompute(n), np.full(n, ours()))
        return
    assert np.array_equal(ours.precompute(n), step_loop(_build(name, plr), n))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle"])
def test_class_precompute(benchmark, impl, name, request):
    benchmark.group = f"precompute: {name}"
    n = scaled(benchmark, CLASSES[name][1], 500)
    if impl == "fastwarmup":
        table = benchmark(_build(name, lr).precompute, n)
    else:
        plr = request.getfixturevalue("plr")
        table = benchmark.pedantic(
            lambda: _paddle_table(_build(name, plr), n), rounds=3, iterations=1
        )
    assert table.shape == (n,)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle"])
def test_class_step(benchmark, impl, name, request):
    benchmark.group = f"per-step: {name}"
    module = lr if impl == "fastwarmup" else request.getfixturevalue("plr")
    n = scaled(benchmark, min(CLASSES[name][1], 100_000), 200)
    if name == "MultiplicativeDecay":
        n = scaled(benchmark, 2_000, 200)
    benchmark.pedantic(lambda: _steps(_build(name, module), n), rounds=5, iterations=1)
