"""Bulk evaluation from 10K to 100M steps, and from one thread to all (issue 11, item 4).

    .venv/bin/python benches/bulk_scaling.py [--repeats 15] [--largest 100000000]

Two tables, each a fresh child process per thread count (rayon reads ``RAYON_NUM_THREADS``
once, at start):

- nanoseconds per step of ``precompute(n, dtype=float32)`` for n = 10K ... 100M, for the seed
  schedule (evaluated by epoch) and ``CosineAnnealingDecay`` (a recurrence, scanned), each
  decaying over the n steps, minimum over ``--repeats`` calls (half as many from 50M on; the
  first calls at a size in a fresh process fault their pages in): flat means no superlinear
  growth;
- the speedup of ``precompute(10M)`` from 1 thread to each count up to the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

SIZES = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
# Built for each n, so that every step decays (none is past the end of the schedule).
SCHEDULES = {
    "seed": "lr.LinearWarmup(lr.PolynomialDecay(0.1, n, power=0.9), n // 100, 0.0, 0.1)",
    "recurrence": "lr.CosineAnnealingDecay(0.1, n)",
}


def child(sizes: list[int], repeats: int) -> None:
    """Print ``{schedule: {n: best seconds}}`` as JSON."""
    import numpy as np

    from fastwarmup import lr

    result: dict[str, dict[int, float]] = {}
    for name, source in SCHEDULES.items():
        eval(source, {"lr": lr, "n": 10**5}).precompute(100_000)  # start the thread pool
        result[name] = {}
        for n in sizes:
            sched = eval(source, {"lr": lr, "n": n})
            best = float("inf")
            for _ in range(repeats if n < 50_000_000 else max(1, repeats // 2)):
                start = time.perf_counter()
                table = sched.precompute(n, dtype=np.float32)
                best = min(best, time.perf_counter() - start)
                del table
            result[name][n] = best
    print(json.dumps(result))


def measure(threads: int, sizes: list[int], repeats: int) -> dict[str, dict[str, float]]:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--repeats", str(repeats), *map(str, sizes)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--largest", type=int, default=SIZES[-1])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("sizes", nargs="*", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.sizes, args.repeats)
        return 0
    cores = os.cpu_count() or 1
    sizes = [n for n in SIZES if n <= args.largest]
    timings = measure(cores, sizes, args.repeats)
    print(f"ns per step, precompute(n, dtype=float32), {cores} threads (min of {args.repeats})")
    print("| schedule | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, by_size in timings.items():
        cells = [f"{by_size[str(n)] / n * 1e9:.2f}" for n in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("speedup of precompute(10M) over 1 thread")
    counts = sorted({1, *range(2, cores + 1)})
    by_threads = {t: measure(t, [10_000_000], args.repeats) for t in counts}
    print("| schedule | " + " | ".join(f"{t} threads" for t in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for name in SCHEDULES:
        one = by_threads[1][name]["10000000"]
        cells = [f"{one / by_threads[t][name]['10000000']:.2f}x" for t in counts]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
