"""Load and resources (issue 8, item 5): memory stays flat under many calls, deep nesting works
up to the limit and is refused beyond it, and Ctrl-C stops long calls without changing the
scheduler.

Sizes: the issue's (10M ``step(); s()`` calls, 1,000 ``precompute(1_000_000)`` calls) by
default, which CI runs; ``make test-long`` multiplies them (``FASTWARMUP_LOAD_SCALE``). No
timing is asserted beyond a generous bound: ``benches/bench_interrupt.py`` measures the
interrupt latency.
"""

from __future__ import annotations

import copy
import gc
import io
import os
import pickle
import sys
import threading
import warnings
import weakref
from contextlib import redirect_stdout
from typing import Any

import numpy as np
import pytest

from _configs import C, Config, build
from _libs import SELFCHECK, fw
from _parity import same
from _resources import SCENARIOS, deep_chain, interrupt, measure_rss

pytestmark = pytest.mark.skipif(SELFCHECK, reason="fastwarmup's own resources")

SCALE = int(os.environ.get("FASTWARMUP_LOAD_SCALE", "1"))
RSS_SLACK_MIB = 5
MAX_NESTING = 256  # src/schedules/linear_warmup.rs


# --- memory ---------------------------------------------------------------------------------


def test_rss_stays_flat_over_ten_million_steps() -> None:
    rss = measure_rss("steps", 10_000_000 * SCALE)
    assert rss["after"] - rss["before"] < RSS_SLACK_MIB, rss
    assert rss["last_epoch"] == 200_000 + 10_000_000 * SCALE


def test_rss_stays_flat_over_a_thousand_precomputes_of_a_million() -> None:
    rss = measure_rss("precompute", 1000 * SCALE)
    assert rss["after"] - rss["before"] < RSS_SLACK_MIB, rss


@pytest.mark.parametrize("kind", ["seed", "recurrence", "out", "many"])
def test_a_hundred_million_float32_values_peak_at_the_table_plus_ten_percent(kind: str) -> None:
    """Issue 11: 100M steps in float32 with peak RSS at most the output plus 10%: evaluated,
    scanned (a recurrence), into the caller's array (``out=``, nothing allocated) and as two
    rows of ``precompute_many``. A child process, its peak reset just before the call."""
    rss = measure_rss("peak", kind, 100_000_000)
    grown = rss["peak"] - rss["before"]
    budget = 0.1 * rss["result_mib"] if kind == "out" else 1.1 * rss["result_mib"]
    assert grown <= budget, rss


# --- Ctrl-C ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "sleep"])
def test_sigint_stops_a_long_call_and_changes_nothing(name: str) -> None:
    """SIGINT 0.2 s into a call that takes seconds to minutes: the call raises
    ``KeyboardInterrupt`` (had it run on, the signal would have found the child after it, and
    the child would have failed), and the scheduler is as it was."""
    result = interrupt(name)
    assert result["outcome"] == "interrupted", f"{SCENARIOS[name].what}: {result}"
    assert result["unchanged"], f"{SCENARIOS[name].what} changed the scheduler"
    assert result["latency"] < 2.0, f"{SCENARIOS[name].what}: {result}"


# --- nesting --------------------------------------------------------------------------------


def chain_config(depth: int, inner: Config | None = None) -> Config:
    """``depth`` levels of ``LinearWarmup`` over ``inner`` (a PolynomialDecay by default)."""
    cfg = inner or C("PolynomialDecay", 0.1, 50, end_lr=0.001, power=0.9)
    for level in range(depth):
        cfg = C("LinearWarmup", cfg, 1 + level % 3, 0.0, 0.1)
    return cfg


def chain(depth: int) -> Any:
    """``depth`` levels of ``LinearWarmup`` over a PolynomialDecay."""
    return deep_chain(fw, depth + 1, fw.PolynomialDecay(0.1, 50, end_lr=0.001, power=0.9))


def definition(sched: Any, n: int) -> np.ndarray:
    """What ``precompute(n)`` must return: a deep copy's values, stepped."""
    twin = copy.deepcopy(sched)
    values = [twin()]
    for _ in range(n - 1):
        twin.step()
        values.append(twin())
    return np.array(values)


@pytest.fixture
def default_recursion_limit():
    """Python's default recursion limit, whatever the run set."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(limit)


def test_200_levels_match_paddle_step_for_step(plr, default_recursion_limit) -> None:
    """The issue's 200 levels, against paddle: steps, jumps past every warm-up, state dicts
    loaded across both ways, pickle, deepcopy. (Only the outermost level is compared after
    each call, its state dict holding every level's: ``_parity.Pair`` compares each level's
    own too, which is quadratic in the depth.)"""
    cfg = chain_config(200)

    def compare(pd: Any, f: Any, where: str) -> None:
        assert same(pd(), f()), f"{where}: paddle {pd()!r}, fastwarmup {f()!r}"
        assert pd.last_epoch == f.last_epoch, where
        assert same(pd.state_dict(), f.state_dict()), f"{where}: state dicts differ"

    pd, f = build(cfg, plr, plr), build(cfg, fw, plr)
    compare(pd, f, "construction")
    calls: list[tuple] = [(), (), (), (450,), (), (120,), (0,), (), (), (399,), (), ()]
    for i, args in enumerate(calls):
        pd.step(*args)
        f.step(*args)
        compare(pd, f, f"call {i}: step{args}")
        if i % 4 == 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded_pd, loaded_f = build(cfg, plr, plr), build(cfg, fw, plr)
                loaded_f.set_state_dict(pd.state_dict())
                loaded_pd.set_state_dict(f.state_dict())
            compare(pd, loaded_f, f"call {i}: fastwarmup loaded paddle's state dict")
            compare(loaded_pd, f, f"call {i}: paddle loaded fastwarmup's state dict")
            pd, f = loaded_pd, loaded_f
    for pd_copy, f_copy in (
        (pickle.loads(pickle.dumps(pd)), pickle.loads(pickle.dumps(f))),
        (copy.deepcopy(pd), copy.deepcopy(f)),
    ):
        compare(pd_copy, f_copy, "copies")
        table = f_copy.precompute(300)
        for i in range(300):
            assert same(float(table[i]), float(pd_copy())), f"precompute[{i}]"
            pd_copy.step()


def test_the_deepest_chain_works_everywhere(default_recursion_limit) -> None:
    """256 levels: stepping, jumps, ``precompute``, state dicts, copies, pickle, ``repr``;
    paddle's own deepcopy gives up at about 248 levels (``RecursionError``)."""
    sched = chain(MAX_NESTING)
    for _ in range(3):
        sched.step()
    sched.step(2 * MAX_NESTING + 40)
    sched.step(MAX_NESTING)
    table = sched.precompute(700)
    assert np.array_equal(table, definition(sched, 700))
    state = sched.state_dict()
    other = chain(MAX_NESTING)
    other.set_state_dict(state)
    assert np.array_equal(other.precompute(700), table)
    assert other.state_dict() == state
    for copied in (copy.deepcopy(sched), copy.copy(sched)):
        assert np.array_equal(copied.precompute(700), table)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        restored = pickle.loads(pickle.dumps(sched, protocol))
        assert np.array_equal(restored.precompute(700), table)
        assert restored.state_dict() == state
    assert repr(sched) == f"LinearWarmup(last_epoch={sched.last_epoch}, last_lr={sched()!r})"
    assert np.array_equal(sched.precompute(700), table)  # nothing above changed it


def test_the_deepest_chain_prints_every_level_when_verbose() -> None:
    sched = chain(MAX_NESTING)
    node = sched
    for _ in range(MAX_NESTING + 1):
        node.verbose = True
        node = getattr(node, "learning_rate", None)
    out = io.StringIO()
    with redirect_stdout(out):
        sched.step(MAX_NESTING + 5)
    assert len(out.getvalue().splitlines()) == MAX_NESTING + 1


def test_the_deepest_chain_is_collected_when_unreachable() -> None:
    sched = chain(MAX_NESTING)
    innermost = sched
    while hasattr(innermost, "learning_rate"):
        innermost = innermost.learning_rate
    innermost.owner = sched  # a cycle through the whole chain
    alive = weakref.ref(sched)
    del sched, innermost
    gc.collect()
    assert alive() is None


def test_the_deepest_chain_steps_in_a_thread_with_a_small_stack() -> None:
    """The Rust recursion is a few hundred bytes per level: 256 KiB of stack is plenty."""
    sched = chain(MAX_NESTING)
    expected = definition(sched, 600)
    results: list[Any] = []

    def run() -> None:
        try:
            sched.step(MAX_NESTING + 3)
            sched.step(0)
            results.append(sched.precompute(600))
            sched.step()
            results.append(sched())
        except BaseException as exc:  # reported below
            results.append(exc)

    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    table, value = results
    assert np.array_equal(table, expected)
    assert value == expected[1]


def test_a_chain_deeper_than_the_limit_is_refused_at_construction() -> None:
    sched = chain(MAX_NESTING)
    with pytest.raises(ValueError, match=rf"nests {MAX_NESTING} levels .* level {MAX_NESTING + 1}"):
        fw.LinearWarmup(sched, 10, 0.0, 0.1)
    assert sched.precompute(3).shape == (3,)  # the nest is untouched


class Relay:
    """A foreign scheduler with paddle's protocol that nests ``learning_rate``, as paddle's
    ``LinearWarmup`` does."""

    def __init__(self, learning_rate: Any) -> None:
        self.learning_rate = learning_rate

    def step(self, epoch: int | None = None) -> None:
        self.learning_rate.step(epoch)

    def __call__(self) -> float:
        return self.learning_rate()

    def state_dict(self) -> dict:
        return self.learning_rate.state_dict()

    def set_state_dict(self, state: dict) -> None:
        self.learning_rate.set_state_dict(state)


def test_foreign_levels_count_towards_the_limit() -> None:
    """A chain can pass through schedulers fastwarmup does not know (paddle's LinearWarmup):
    their ``learning_rate`` levels count, so fastwarmup levels cannot pile up between them
    beyond the limit; a foreign chain that loops back on itself counts as too deep."""
    inner = chain(MAX_NESTING - 3)  # MAX_NESTING - 3 levels
    relayed = Relay(Relay(inner))  # + 2
    accepted = fw.LinearWarmup(relayed, 1, 0.0, 0.1)  # + 1: the limit
    accepted.step(MAX_NESTING + 8)
    assert accepted() == inner()
    with pytest.raises(ValueError, match=rf"nests {MAX_NESTING} levels"):
        fw.LinearWarmup(Relay(relayed), 1, 0.0, 0.1)
    loop = Relay(None)
    loop.learning_rate = Relay(loop)
    with pytest.raises(ValueError, match="at most 256 levels"):
        fw.LinearWarmup(loop, 1, 0.0, 0.1)


def test_paddle_levels_count_towards_the_limit(plr) -> None:
    """paddle's own LinearWarmup in the chain (over fastwarmup.paddle.lr's, which paddle
    accepts) is a level too."""
    from fastwarmup.paddle import lr as fpl

    inner = deep_chain(fpl, MAX_NESTING - 1, fpl.PolynomialDecay(0.1, 50))  # 254 levels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paddle_level = plr.LinearWarmup(inner, 2, 0.0, 0.1)
    accepted = fw.LinearWarmup(paddle_level, 1, 0.0, 0.1)
    accepted.step(2 * MAX_NESTING)
    assert accepted() == inner()
    with pytest.raises(ValueError, match=rf"nests {MAX_NESTING} levels"):
        fw.LinearWarmup(accepted, 1, 0.0, 0.1)
