"""The schedules the benchmarks time, built from either library."""

from __future__ import annotations

import numpy as np

WARMUP = 10_000
DECAY = 1_000_000
POWER = 0.9


def seed(module):
    """The issue's benchmark schedule: LinearWarmup over PolynomialDecay(power=0.9)."""
    decay = module.PolynomialDecay(0.1, DECAY, end_lr=0.0, power=POWER)
    return module.LinearWarmup(decay, WARMUP, 0.0, 0.1)


def seed_numpy(n: int) -> np.ndarray:
    """The obvious NumPy formula for ``seed`` (not exact: it differs from paddle in the last bit
    on a few percent of steps)."""
    e = np.arange(n, dtype=np.float64)
    warm = 0.1 * e / WARMUP
    t = np.minimum(e - WARMUP, DECAY)
    decay = 0.1 * (1.0 - t / DECAY) ** POWER
    return np.where(e < WARMUP, warm, decay)


def step_loop(sched, n: int) -> np.ndarray:
    """``n`` values by the training-loop protocol: read, then step."""
    out = np.empty(n)
    for i in range(n):
        out[i] = sched()
        sched.step()
    return out
