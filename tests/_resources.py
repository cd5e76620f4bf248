"""Load and resource checks that run in a child process (``python tests/_resources.py ...``).

A child keeps the measurement clean (no paddle, no other test's memory or threads) and keeps
a ``KeyboardInterrupt`` that arrives late from reaching the test run itself.

- ``rss``: resident memory before and after many ``step(); s()`` calls or many
  ``precompute(1_000_000)`` calls, after a warm-up (allocator pools, first-touch pages).
- ``interrupt``: a long call (see ``SCENARIOS``) that the parent interrupts with SIGINT; the
  child reports when the ``KeyboardInterrupt`` reached it and whether the scheduler changed.

The parent side (``measure_rss``, ``interrupt``) is used by ``tests/test_load.py`` and by
``benches/bench_interrupt.py``. Times come from ``time.monotonic()``, one clock for the whole
machine on Linux, so the parent's send time and the child's catch time compare.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


# --- the child ------------------------------------------------------------------------------


def rss_mib() -> float:
    """This process's resident set size, from ``/proc/self/statm``."""
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def seed_schedule(lr: Any) -> Any:
    """The issue's benchmark schedule."""
    decay = lr.PolynomialDecay(0.1, 1_000_000, end_lr=0.0, power=0.9)
    return lr.LinearWarmup(decay, 10_000, 0.0, 0.1)


def deep_chain(lr: Any, depth: int, inner: Any) -> Any:
    """``inner`` under ``depth - 1`` levels of ``LinearWarmup`` (``depth`` schedulers)."""
    sched = inner
    for _ in range(depth - 1):
        sched = lr.LinearWarmup(sched, 1, 0.0, 0.1)
    return sched


def _rss_steps(count: int) -> dict[str, float]:
    from fastwarmup import lr

    sched = seed_schedule(lr)
    step = sched.step
    for _ in range(200_000):
        step()
        sched()
    gc.collect()
    before = rss_mib()
    for _ in range(count):
        step()
        sched()
    gc.collect()
    return {"before": before, "after": rss_mib(), "last_epoch": sched.last_epoch}


def _precompute_schedules(lr: Any) -> tuple[list[tuple[Any, dict[str, Any]]], list[Any]]:
    """Every kind of fill: parallel (float64 and float32, a piecewise-constant one, a nested
    chain); then the slower ones, taken less often: a recurrence stepped in order, and one
    calling a Python function (the GIL held)."""
    import numpy as np

    fast = [
        (seed_schedule(lr), {}),
        (seed_schedule(lr), {"dtype": np.float32}),
        (lr.PiecewiseDecay([100_000, 600_000], [0.1, 0.01, 0.001]), {}),
        (deep_chain(lr, 8, lr.CosineAnnealingDecay(0.1, 1_000_000)), {}),
    ]
    slow = [lr.CosineAnnealingDecay(0.1, 1_000_000), lr.LambdaDecay(0.1, abs)]
    return fast, slow


def _rss_precompute(count: int) -> dict[str, float]:
    from fastwarmup import lr

    fast, (recurrence, python) = _precompute_schedules(lr)
    n = 1_000_000
    for _ in range(3):
        for sched, kwargs in [*fast, (recurrence, {}), (python, {})]:
            sched.precompute(n, **kwargs)
    gc.collect()
    before = rss_mib()
    for i in range(count):
        if i % 200 == 199:
            sched, kwargs = python, {}
        elif i % 25 == 24:
            sched, kwargs = recurrence, {}
        else:
            sched, kwargs = fast[i % len(fast)]
        table = sched.precompute(n, **kwargs)
        assert table.shape == (n,)
        del table
    gc.collect()
    return {"before": before, "after": rss_mib()}


def peak_rss_mib() -> float:
    """This process's peak resident set size (``VmHWM``) since it was last reset."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _reset_peak_rss() -> None:
    """Start the peak over from the current RSS (Linux >= 4.0: ``clear_refs`` value 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _rss_peak(kind: str, count: int) -> dict[str, float]:
    """The peak RSS of one bulk call of ``count`` float32 values, above the RSS before it, and
    the size of its result."""
    import numpy as np

    import fastwarmup
    from fastwarmup import lr

    calls = {
        "seed": lambda: seed_schedule(lr).precompute(count, dtype=np.float32),
        "recurrence": lambda: lr.CosineAnnealingDecay(0.1, 10**9).precompute(
            count, dtype=np.float32
        ),
        "out": lambda: seed_schedule(lr).precompute(count, out=out),
        "many": lambda: fastwarmup.precompute_many(
            [seed_schedule(lr), lr.CosineAnnealingDecay(0.1, 10**9)], count // 2, dtype=np.float32
        ),
    }
    out = np.zeros(count if kind == "out" else 0, dtype=np.float32)
    out[:] = 1.0  # the caller's array, touched before the call: not part of its cost
    fastwarmup.precompute_many([seed_schedule(lr)], 300_000, dtype=np.float32)  # warm up
    gc.collect()
    _reset_peak_rss()
    before = rss_mib()
    table = calls[kind]()
    peak = peak_rss_mib()
    return {"before": before, "peak": peak, "result_mib": table.nbytes / 2**20}


@dataclass(frozen=True)
class Scenario:
    """A long call: ``make(lr)`` builds the scheduler, ``call(sched)`` runs the call."""

    make: Callable[[Any], Any]
    call: Callable[[Any], Any]
    what: str


def _geometric(lr: Any) -> Any:
    class Geometric(lr.LRScheduler):
        def get_lr(self) -> float:
            return self.base_lr * 0.9999**self.last_epoch

    return Geometric(0.1)


SCENARIOS: dict[str, Scenario] = {
    "sleep": Scenario(
        lambda lr: lr.StepDecay(0.1, 10),
        lambda s: time.sleep(60),
        "time.sleep(60): the reference, how soon the interpreter itself sees SIGINT",
    ),
    "precompute-parallel": Scenario(
        lambda lr: seed_schedule(lr),
        lambda s: s.precompute(200_000_000),
        "precompute(200M) of the seed schedule (GIL released, all cores)",
    ),
    "precompute-scanned": Scenario(
        lambda lr: lr.CosineAnnealingDecay(0.1, 10**9),
        lambda s: s.precompute(200_000_000),
        "precompute(200M) of CosineAnnealingDecay (a recurrence: terms on all cores, a fold)",
    ),
    "lr_at-scanned": Scenario(
        lambda lr: lr.LinearLR(0.1, 10**9, 0.25),
        lambda s: s.lr_at([5, 300_000_000, 7]),
        "lr_at([5, 300M, 7]) of LinearLR (the recurrence scanned up to step 300M)",
    ),
    "precompute_many": Scenario(
        lambda lr: [seed_schedule(lr), lr.CosineAnnealingDecay(0.1, 10**9)],
        lambda s: __import__("fastwarmup").precompute_many(s, 100_000_000),
        "precompute_many of 2 schedules x 100M (rows in parallel)",
    ),
    "precompute-sequential": Scenario(
        lambda lr: deep_chain(lr, 256, lr.LinearLR(0.1, 10**9, 0.25)),
        lambda s: s.precompute(200_000),
        "precompute(200k) of LinearLR under 255 LinearWarmups (GIL released, stepped in order)",
    ),
    "precompute-builtin": Scenario(
        lambda lr: lr.LambdaDecay(0.1, abs),
        lambda s: s.precompute(30_000_000),
        "precompute(30M) of LambdaDecay(lr_lambda=abs) (GIL held, a builtin per step)",
    ),
    "precompute-function": Scenario(
        lambda lr: lr.LambdaDecay(0.1, lambda e: 0.5),
        lambda s: s.precompute(30_000_000),
        "precompute(30M) of LambdaDecay(lr_lambda=<lambda>) (GIL held, Python per step)",
    ),
    "precompute-get_lr": Scenario(
        _geometric,
        lambda s: s.precompute(10_000_000),
        "precompute(10M) of a Python subclass overriding get_lr (a copy stepped in Python)",
    ),
    "jump-builtin": Scenario(
        lambda lr: lr.MultiplicativeDecay(0.1, bool),
        lambda s: s.step(10**9),
        "MultiplicativeDecay(lr_lambda=bool).step(10**9) (a builtin per epoch)",
    ),
    "jump-function": Scenario(
        lambda lr: lr.MultiplicativeDecay(0.1, lambda e: 1.0),
        lambda s: s.step(10**9),
        "MultiplicativeDecay(lr_lambda=<lambda>).step(10**9) (Python per epoch)",
    ),
}


def _observed(sched: Any) -> str:
    """Everything a call could have changed (in each scheduler of a list)."""
    if isinstance(sched, list):
        return repr([_observed(s) for s in sched])
    value = sched()
    return repr(
        (
            sched.last_epoch,
            value.hex() if isinstance(value, float) else value,
            sorted(sched.state_dict().items()),
            sched.precompute(3).tolist(),
        )
    )


def _spin() -> None:
    """Python code that never ends (another thread wanting the GIL)."""
    while True:
        sum(range(1000))


def _interrupt(name: str, busy: bool) -> dict[str, Any]:
    import threading

    from fastwarmup import lr

    scenario = SCENARIOS[name]
    sched = scenario.make(lr)
    before = _observed(sched)
    if busy:
        threading.Thread(target=_spin, daemon=True).start()
    print("ready", flush=True)
    start = time.monotonic()
    try:
        scenario.call(sched)
    except KeyboardInterrupt:
        caught = time.monotonic()
        return {
            "outcome": "interrupted",
            "caught": caught,
            "elapsed": caught - start,
            "unchanged": _observed(sched) == before,
        }
    return {"outcome": "finished", "elapsed": time.monotonic() - start}


def main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "rss-steps":
        result = _rss_steps(int(args[0]))
    elif kind == "rss-precompute":
        result = _rss_precompute(int(args[0]))
    elif kind == "rss-peak":
        result = _rss_peak(args[0], int(args[1]))
    elif kind == "interrupt":
        result = _interrupt(args[0], busy=args[1:] == ["busy"])
    else:
        raise SystemExit(f"unknown check {kind!r}")
    print(json.dumps(result), flush=True)


# --- the parent -----------------------------------------------------------------------------


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE), *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )


def measure_rss(kind: str, *args: Any, timeout: float = 1200) -> dict[str, float]:
    """``rss-steps``, ``rss-precompute`` or ``rss-peak`` in a child: RSS in MiB."""
    child = _child(f"rss-{kind}", *map(str, args))
    out, _ = child.communicate(timeout=timeout)
    assert child.returncode == 0, f"the child failed ({child.returncode}): {out}"
    return json.loads(out.splitlines()[-1])


def interrupt(
    name: str, delay: float = 0.2, busy: bool = False, timeout: float = 300
) -> dict[str, Any]:
    """Run scenario ``name`` in a child, send it SIGINT ``delay`` seconds into the call, and
    report the outcome with ``latency``: from the signal to the ``KeyboardInterrupt``. With
    ``busy``, another thread of the child runs Python code all along (it holds the GIL
    whenever the call lets go of it)."""
    child = _child("interrupt", name, *(["busy"] if busy else []))
    try:
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "ready", f"the child did not start: {ready!r}"
        time.sleep(delay)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, f"the child failed ({child.returncode}): {out}"
    result = json.loads(out.splitlines()[-1])
    if result["outcome"] == "interrupted":
        result["latency"] = result["caught"] - sent
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
