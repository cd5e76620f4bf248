"""``precompute`` releases the GIL: a Python loop on one thread runs at the same speed while
another thread precomputes a large table (ratio ``with_precompute`` / ``fastwarmup`` near 1;
were the GIL held, the loop would stall for the whole precompute)."""

from __future__ import annotations

import threading

import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import seed

GROUP = "python loop while another thread precomputes"


def python_loop(n: int) -> int:
    total = 0
    for i in range(n):
        total += i & 7
    return total


def loop_beside_precompute(n: int, size: int) -> None:
    started = threading.Event()

    def precompute() -> None:
        started.set()
        while not done.is_set():
            seed(lr).precompute(size)

    done = threading.Event()
    worker = threading.Thread(target=precompute)
    worker.start()
    started.wait()
    python_loop(n)
    done.set()
    worker.join()


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("impl", ["fastwarmup", "with_precompute"])
def test_loop_beside_precompute(benchmark, impl):
    n = scaled(benchmark, 2_000_000, 1_000)
    if impl == "fastwarmup":
        benchmark(python_loop, n)
    else:
        benchmark(loop_beside_precompute, n, scaled(benchmark, 5_000_000, 1_000))
