"""Per-step cost of ``s.step(); s()`` for the seed schedule, against paddle and two floors in
the same loop shape: two no-op builtin C-method calls (CPython's own), and two no-op PyO3
calls (``_NoOp``: what any PyO3 method call costs before doing anything)."""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr
from fastwarmup._fastwarmup import _NoOp

from conftest import scaled
from schedules import seed, step_loop

GROUP = "per-step: s.step(); s()"


def step_and_call(sched, n: int) -> None:
    for _ in range(n):
        sched.step()
        sched()


def two_pyo3_noop_calls(n: int) -> None:
    noop = _NoOp()
    for _ in range(n):
        noop.step()
        noop()


def two_noop_calls(n: int) -> None:
    x = 1.0
    for _ in range(n):
        x.conjugate()
        x.is_integer()


def test_step_call_matches_paddle(plr):
    assert np.array_equal(step_loop(seed(lr), 20_000), step_loop(seed(plr), 20_000))


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle", "floor", "pyo3_floor"])
def test_step_call(benchmark, impl, request):
    n = scaled(benchmark, 100_000, 1_000)
    if impl == "floor":
        benchmark(two_noop_calls, n)
        return
    if impl == "pyo3_floor":
        benchmark(two_pyo3_noop_calls, n)
        return
    module = lr if impl == "fastwarmup" else request.getfixturevalue("plr")
    sched = seed(module)
    benchmark(step_and_call, sched, n)
    assert sched.last_epoch >= n
