"""``python -m fastwarmup``: the seed schedule at its edges, and precompute speed.

Prints ``LinearWarmup(PolynomialDecay(power=0.9))`` around its edges (last warm-up step, first
decay step, end of decay), then times ``precompute(1_000_000)`` of the seed schedule and of one
that decays over all 1M steps (the benchmark's) and, when paddle is installed, compares values
(bit for bit) and speed against paddle's step loop.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from types import ModuleType

import numpy as np

from fastwarmup import lr

N = 1_000_000
EDGE_STEPS = (0, 1, 99, 100, 101, 600, 1099, 1100, 1200)


def seed_schedule(module: ModuleType) -> lr.LRScheduler:
    """The issue's example schedule, built from ``module`` (fastwarmup.lr or paddle's)."""
    decay = module.PolynomialDecay(0.1, decay_steps=1000, end_lr=0.0, power=0.9)
    return module.LinearWarmup(decay, warmup_steps=100, start_lr=0.0, end_lr=0.1)


def long_schedule(module: ModuleType) -> lr.LRScheduler:
    """The benchmark's schedule: 10k warm-up steps, then decay over 1M steps."""
    decay = module.PolynomialDecay(0.1, decay_steps=N, end_lr=0.0, power=0.9)
    return module.LinearWarmup(decay, warmup_steps=10_000, start_lr=0.0, end_lr=0.1)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Minimum wall time of ``fn()`` over ``repeats`` runs (the machine is shared and noisy)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def paddle_table(sched: object, n: int) -> np.ndarray:
    """``n`` values of a paddle scheduler by the training-loop protocol."""
    out = np.empty(n)
    for i in range(n):
        out[i] = sched()  # type: ignore[operator]
        sched.step()  # type: ignore[attr-defined]
    return out


def compare(name: str, build: Callable[[ModuleType], lr.LRScheduler]) -> None:
    ours = best_of(5, lambda: build(lr).precompute(N))
    print(f"\n{name}\n  fastwarmup precompute({N:_}): {ours * 1e3:8.2f} ms")
    if importlib.util.find_spec("paddle") is None:
        print("  (install paddlepaddle==3.3.1 to compare with paddle)")
        return
    import paddle.optimizer.lr as plr

    start = time.perf_counter()
    reference = paddle_table(build(plr), N)
    theirs = time.perf_counter() - start
    differing = int(np.count_nonzero(build(lr).precompute(N) != reference))
    print(f"  paddle step loop:              {theirs * 1e3:8.2f} ms  ({theirs / ours:.0f}x slower)")
    print(f"  values differing from paddle:  {differing} of {N:_}")


def main() -> None:
    table = seed_schedule(lr).precompute(1300)
    print("LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)")
    for step in EDGE_STEPS:
        print(f"  step {step:>5}: lr = {float(table[step])!r}")
    compare("the same schedule, 1M steps (a constant tail after step 1100)", seed_schedule)
    compare("decay over all 1M steps (the benchmark's schedule)", long_schedule)


if __name__ == "__main__":
    main()
