"""Benchmark helpers: the schedules under test, and a summary of ratios in the same run.

Benchmarks are disabled by default (``--benchmark-disable`` in pyproject), so the test run
executes each once, with small sizes, as a correctness check. ``make bench`` enables them.
"""

from __future__ import annotations

import importlib.util
import os
from collections import defaultdict

# NumPy's OpenBLAS threads spin for a while after starting, on cores the timed code needs; no
# benchmark here uses BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

HAS_PADDLE = importlib.util.find_spec("paddle") is not None


@pytest.fixture(scope="session")
def plr():
    """``paddle.optimizer.lr``, or skip the paddle side of a comparison."""
    if not HAS_PADDLE:
        pytest.skip("paddle is not installed")
    import paddle.optimizer.lr as module

    return module


def scaled(benchmark, full: int, check: int) -> int:
    """``full`` when timing, ``check`` when benchmarks only run once as a test."""
    return check if benchmark.disabled else full


def pytest_terminal_summary(terminalreporter, config):
    """Print, per group, every other entry's min and median time over fastwarmup's."""
    session = getattr(config, "_benchmarksession", None)
    if session is None or session.disabled or not session.benchmarks:
        return
    groups: dict[str, dict[str, object]] = defaultdict(dict)
    for bench in session.benchmarks:
        impl = (bench.params or {}).get("impl") or bench.name.split("[")[-1].rstrip("]")
        groups[bench.group][impl] = bench.stats
    write = terminalreporter.write_line
    write("")
    write("ratios (time of X / time of fastwarmup; >1 means fastwarmup is faster):")
    for group, impls in sorted(groups.items()):
        ours = impls.get("fastwarmup")
        if ours is None:
            continue
        parts = []
        for impl, stats in sorted(impls.items()):
            if impl == "fastwarmup":
                continue
            parts.append(
                f"{impl}: min {stats.min / ours.min:.2f}x, median {stats.median / ours.median:.2f}x"
            )
        write(f"  {group:<40} " + "; ".join(parts))
