"""How soon Ctrl-C stops a long fastwarmup call: SIGINT to ``KeyboardInterrupt``, per kind of
long call (``tests/_resources.py``'s scenarios), alone and with another Python thread busy
(holding the GIL whenever the call lets go of it).

    .venv/bin/python benches/interrupt_latency.py [--runs 7] [--delay 0.2]

Each run is a fresh child process, interrupted ``--delay`` seconds into the call; the table
gives the minimum, median and maximum over the runs, in milliseconds (the target is 100 ms),
and checks that every run was interrupted with the scheduler unchanged. ``time.sleep`` is the
reference: how soon the interpreter itself sees the signal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _resources import SCENARIOS, interrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("names", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    failures = 0
    print(f"{'scenario':<24} {'threads':<12} {'min':>7} {'median':>7} {'max':>7}  (ms)")
    for name in args.names:
        for busy in (False, True):
            latencies = []
            for _ in range(args.runs):
                result = interrupt(name, delay=args.delay, busy=busy)
                if result["outcome"] != "interrupted" or not result["unchanged"]:
                    failures += 1
                    print(f"  {name}: {result}")
                    continue
                latencies.append(1e3 * result["latency"])
            if latencies:
                print(
                    f"{name:<24} {'+ busy one' if busy else 'alone':<12} "
                    f"{min(latencies):7.1f} {statistics.median(latencies):7.1f} "
                    f"{max(latencies):7.1f}"
                )
    for name in args.names:
        print(f"  {name}: {SCENARIOS[name].what}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
