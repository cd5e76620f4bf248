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


def seed_numpy_in_place(n: int) -> np.ndarray:
    """``seed_numpy`` with the fewest passes and no temporaries: each operation in place on one
    array (NumPy's fastest form of the formula; as inexact)."""
    out = np.arange(n, dtype=np.float64)
    warm = min(n, WARMUP)
    np.subtract(out[warm:], WARMUP, out=out[warm:])
    np.minimum(out[warm:], DECAY, out=out[warm:])
    np.divide(out[warm:], DECAY, out=out[warm:])
    np.subtract(1.0, out[warm:], out=out[warm:])
    np.power(out[warm:], POWER, out=out[warm:])
    np.multiply(out, 0.1, out=out)
    np.divide(out[:warm], WARMUP, out=out[:warm])
    return out


COSINE_T_MAX = 1_000_000


def warmup_cosine(module):
    """``LinearWarmup(CosineAnnealingDecay(0.1, 1_000_000), 10_000, 0.0, 0.1)`` (the nest steps
    with explicit epochs, so paddle takes the closed form)."""
    decay = module.CosineAnnealingDecay(0.1, COSINE_T_MAX)
    return module.LinearWarmup(decay, WARMUP, 0.0, 0.1)


def warmup_cosine_numpy(n: int) -> np.ndarray:
    """The obvious NumPy formula for ``warmup_cosine``."""
    e = np.arange(n, dtype=np.float64)
    warm = 0.1 * e / WARMUP
    decay = 0.0 + (0.1 - 0.0) * (1 + np.cos(np.pi * (e - WARMUP) / COSINE_T_MAX)) / 2
    return np.where(e < WARMUP, warm, decay)


def step_loop(sched, n: int) -> np.ndarray:
    """``n`` values by the training-loop protocol: read, then step."""
    out = np.empty(n)
    for i in range(n):
        out[i] = sched()
        sched.step()
    return out


def halve_every_1000(epoch: int) -> float:
    """A user callable for LambdaDecay: deterministic, the same in both libraries."""
    return 0.5 ** (epoch // 1000)


def shrink(epoch: int) -> float:
    """A user callable for MultiplicativeDecay."""
    return 0.99999 if epoch % 2 else 1.0


# One representative configuration per class (paddle's names and arguments), with the number of
# steps to time: MultiplicativeDecay's paddle loop is quadratic in the step count.
CLASSES = {
    "NoamDecay": (lambda m: m.NoamDecay(512, 4000), 1_000_000),
    "PiecewiseDecay": (
        lambda m: m.PiecewiseDecay([300_000, 600_000], [0.1, 0.01, 0.001]),
        1_000_000,
    ),
    "NaturalExpDecay": (lambda m: m.NaturalExpDecay(0.1, 1e-5), 1_000_000),
    "InverseTimeDecay": (lambda m: m.InverseTimeDecay(0.1, 1e-4), 1_000_000),
    "PolynomialDecay": (lambda m: m.PolynomialDecay(0.1, 1_000_000, 0.0, 0.9), 1_000_000),
    "LinearWarmup": (seed, 1_000_000),
    "ExponentialDecay": (lambda m: m.ExponentialDecay(0.1, 0.99999), 1_000_000),
    "MultiStepDecay": (lambda m: m.MultiStepDecay(0.1, [300_000, 600_000, 900_000]), 1_000_000),
    "StepDecay": (lambda m: m.StepDecay(0.1, 30_000, 0.5), 1_000_000),
    "LambdaDecay": (lambda m: m.LambdaDecay(0.1, halve_every_1000), 1_000_000),
    "ReduceOnPlateau": (lambda m: m.ReduceOnPlateau(0.1, patience=5), 1_000_000),
    "CosineAnnealingDecay": (lambda m: m.CosineAnnealingDecay(0.1, 1_000_000), 1_000_000),
    "MultiplicativeDecay": (lambda m: m.MultiplicativeDecay(0.1, shrink), 3_000),
    "OneCycleLR": (lambda m: m.OneCycleLR(0.1, 1_000_001), 1_000_000),
    "CyclicLR": (lambda m: m.CyclicLR(0.01, 0.1, 2000, mode="triangular2"), 1_000_000),
    "LinearLR": (lambda m: m.LinearLR(0.1, 1_000_000), 1_000_000),
    "CosineAnnealingWarmRestarts": (
        lambda m: m.CosineAnnealingWarmRestarts(0.1, 1000, T_mult=2),
        1_000_000,
    ),
}


def step_once(sched) -> None:
    """One training-loop step: ``ReduceOnPlateau`` takes the metric, the others nothing."""
    if type(sched).__name__ == "ReduceOnPlateau":
        sched.step(1.0)
    else:
        sched.step()
