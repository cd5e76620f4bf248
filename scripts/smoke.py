"""Smoke test of an installed wheel, for an interpreter that has no paddle (an emulated aarch64).

    python smoke.py EXPECTED_MACHINE

Imports fastwarmup (which must not come from a source tree), steps the seed schedule and checks
it, and `precompute`, against paddle's own formulas written out in Python: the same float
operations in the same order, so on any machine the values must be bit-identical.
"""

import platform
import sys

import numpy

import fastwarmup
from fastwarmup import lr

expected_machine = sys.argv[1]
assert platform.machine() == expected_machine, (platform.machine(), expected_machine)
assert "site-packages" in fastwarmup.__file__ or "smoke-site" in fastwarmup.__file__, (
    f"fastwarmup imported from {fastwarmup.__file__}, not an installed wheel"
)

BASE, END, POWER, DECAY, WARMUP = 0.1, 0.0, 0.9, 1000, 100
N = 1500


def paddle_value(epoch: int) -> float:
    """paddle 3.3.1's LinearWarmup(PolynomialDecay(...)).get_lr(), expression for expression."""
    if epoch < WARMUP:
        return (BASE - 0.0) * float(epoch) / float(WARMUP) + 0.0
    e = min(epoch - WARMUP, DECAY)
    return (BASE - END) * ((1 - float(e) / float(DECAY)) ** POWER) + END


sched = lr.LinearWarmup(
    lr.PolynomialDecay(BASE, decay_steps=DECAY, end_lr=END, power=POWER),
    warmup_steps=WARMUP,
    start_lr=0.0,
    end_lr=BASE,
)
table = sched.precompute(N)
assert isinstance(table, numpy.ndarray) and table.dtype == numpy.float64 and table.shape == (N,)
stepped = []
for _ in range(N):
    stepped.append(sched())
    sched.step()
reference = [paddle_value(e) for e in range(N)]
mismatch = [e for e, (a, b) in enumerate(zip(stepped, reference, strict=True)) if a != b]
assert not mismatch, f"step() differs from paddle's formula at epochs {mismatch[:5]}"
assert table.tolist() == reference
assert sched.last_epoch == N

print(
    f"smoke OK: fastwarmup {fastwarmup.__version__} on {platform.machine()} "
    f"(CPython {platform.python_version()}, NumPy {numpy.__version__}), {fastwarmup.__file__}: "
    f"{N} steps and precompute({N}) equal paddle's formulas bit for bit"
)
