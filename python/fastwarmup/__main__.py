"""``python -m fastwarmup``: the seed schedule at a few steps, and precompute speed.

Prints ``LinearWarmup(PolynomialDecay(power=0.9))`` around its edges (last warm-up step, first
decay step, end of decay), times ``precompute(1_000_000)``, and, when paddle is installed,
compares both the values (bit for bit) and the speed against paddle's step loop.
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np

from fastwarmup import lr

N = 1_000_000
EDGE_STEPS = (0, 1, 99, 100, 101, 600, 1099, 1100, 1200)


def seed_schedule(module):
    """The issue's example schedule, built from ``module``."""
    decay = module.PolynomialDecay(0.1, decay_steps=1000, end_lr=0.0, power=0.9)
    return module.LinearWarmup(decay, warmup_steps=100, start_lr=0.0, end_lr=0.1)


def best_of(repeats: int, fn) -> float:
    """Minimum wall time of ``fn()`` over ``repeats`` runs (the machine is shared and noisy)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    sched = seed_schedule(lr)
    table = sched.precompute(1300)
    print("LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)")
    for step in EDGE_STEPS:
        print(f"  step {step:>5}: lr = {table[step]!r}")

    fw_time = best_of(5, lambda: seed_schedule(lr).precompute(N))
    print(f"\nprecompute({N:_}): {fw_time * 1e3:.2f} ms")

    if importlib.util.find_spec("paddle") is None:
        print("paddle is not installed: install paddlepaddle==3.3.1 to compare.")
        return
    import paddle.optimizer.lr as plr

    def paddle_loop() -> np.ndarray:
        s = seed_schedule(plr)
        out = np.empty(N)
        for i in range(N):
            out[i] = s()
            s.step()
        return out

    start = time.perf_counter()
    reference = paddle_loop()
    paddle_time = time.perf_counter() - start
    ours = seed_schedule(lr).precompute(N)
    mismatches = int(np.count_nonzero(ours != reference))
    print(f"paddle step loop:   {paddle_time * 1e3:.1f} ms")
    print(f"speed-up:           {paddle_time / fw_time:.0f}x")
    print(f"values differing from paddle: {mismatches} of {N:_}")


if __name__ == "__main__":
    main()
