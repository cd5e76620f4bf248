"""Property tests against paddle (issue 8, item 7): random schedulers under random call
sequences, zero mismatches.

The strategy (``scenarios``) builds on the suite's own generators: ``_configs.random_config``
(any class, nested in ``LinearWarmup`` up to three levels, paddle schedulers nested in
fastwarmup's, user subclasses, callables) and ``_parity.make_ops`` (``step``, ``step(epoch)``,
paddle's base ``step``, state dicts crossing between the libraries and reloaded, pickle,
``state_keys``, attribute changes), and adds ``precompute(n)``, ``copy.copy``,
``copy.deepcopy`` and more pickling between those calls; ``_parity.Pair`` compares everything
observable, at every nesting level, after each call.

Budget: ``FASTWARMUP_HYPOTHESIS_EXAMPLES`` examples (1,000 by default, what CI runs: under
10 s here; ``make test-long`` runs 20,000, about 2 minutes), from the run's seed
(``FASTWARMUP_SEED``).
"""

from __future__ import annotations

import copy
import io
import os
import pickle
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from _configs import Config, random_config, uses_metrics
from _libs import IMPLEMENTED, SEED, SELFCHECK, fw, precompute
from _parity import Op, Pair, canon, exception_matches, first_difference, make_ops

EXAMPLES = int(os.environ.get("FASTWARMUP_HYPOTHESIS_EXAMPLES", "1000"))
MAX_OPS = 80
MAX_N = 80  # the longest precompute asked for
CLASSES = list(IMPLEMENTED)  # resolved here: importing the libraries is no strategy's business


def _quietly(fn: Any) -> tuple[Any, BaseException | None, str]:
    """``fn()``'s result or exception, and what it printed."""
    out, stdout = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        return fn(), None, out.getvalue()
    except Exception as exc:
        return None, exc, out.getvalue()
    finally:
        sys.stdout = stdout


def paddle_table(sched: Any, n: int, metrics: bool) -> tuple[list[float], Exception | None]:
    """What ``precompute(n)`` means, by paddle: a deep copy's value, then ``n - 1`` times step
    and value (stopping at the exception a step raises). A ``ReduceOnPlateau`` cannot step
    without a metric: its table holds the current value (fastwarmup's documented choice)."""

    def run() -> tuple[list[float], Exception | None]:
        if n == 0:
            return [], None
        twin = copy.deepcopy(sched)
        values = [float(twin())]
        for _ in range(n - 1):
            if not metrics:
                try:
                    twin.step()
                except Exception as exc:
                    return values, exc
            values.append(float(twin()))
        return values, None

    result, exc, _ = _quietly(run)
    if exc is not None:
        raise AssertionError(f"paddle's definition of precompute raised {exc!r}") from exc
    return result


class PropertyPair(Pair):
    """``Pair`` with three more operations: ``("precompute", n)``, ``("copy",)`` and
    ``("deepcopy",)`` (both sides continue from their copies)."""

    def do(self, op: Op) -> bool:
        if op[0] not in ("precompute", "copy", "deepcopy"):
            return super().do(op)
        self.history.append(op)
        where = f"op #{len(self.history) - 1} {op}"
        if op[0] == "precompute":
            self._precompute(where, op[1])
        else:
            method = copy.copy if op[0] == "copy" else copy.deepcopy
            pd, pd_exc, pd_out = _quietly(lambda: method(self.pd))
            f, fw_exc, fw_out = _quietly(lambda: method(self.f))
            if pd_exc is not None or fw_exc is not None:
                self.fail(where, f"paddle raised {pd_exc!r}, fastwarmup {fw_exc!r}")
            self.expect(f"{where}: printed", pd_out, fw_out)
            self.pd, self.f = pd, f
            self.check_attrs(where)
        self.check(where)
        return True

    def _precompute(self, where: str, n: int) -> None:
        if SELFCHECK and uses_metrics(self.cfg):
            return  # holding a ReduceOnPlateau's value is fastwarmup's, not paddle's
        expected, pd_exc = paddle_table(self.pd, n, uses_metrics(self.cfg))
        before = canon(self.f)
        table, fw_exc, printed = _quietly(lambda: precompute(self.f, n))
        if canon(self.f) != before:
            self.fail(where, "precompute changed the scheduler")
        if printed:
            self.fail(where, f"precompute printed {printed!r}")
        if pd_exc is not None:
            # fastwarmup refuses the whole table up front where a step would raise
            if fw_exc is None or not exception_matches(pd_exc, fw_exc):
                self.fail(where, f"stepping paddle raised {pd_exc!r}, precompute {fw_exc!r}")
            return
        if fw_exc is not None:
            self.fail(where, f"precompute raised {fw_exc!r}", exc=fw_exc)
        if not (isinstance(table, np.ndarray) and table.dtype == np.float64):
            self.fail(where, f"precompute returned {table!r}")
        problem = first_difference(expected, table.tolist())
        if problem is not None:
            self.fail(where, f"precompute vs paddle's steps: {problem}")


_EXTRA_OPS = st.one_of(
    st.tuples(st.just("precompute"), st.integers(0, MAX_N)),
    st.just(("copy",)),
    st.just(("deepcopy",)),
    st.tuples(st.just("pickle"), st.integers(0, pickle.HIGHEST_PROTOCOL)),
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Config, list[Op]]:
    """A configuration and a call sequence. The configuration and ``make_ops``'s calls come
    from the suite's generators, each fed a random stream of its own (``st.randoms``: their
    natural distribution, reproduced from the example); Hypothesis draws how many calls there
    are and which extra calls go where, and shrinks those."""
    cfg = random_config(draw(st.randoms(use_true_random=True)), CLASSES)
    count = draw(st.integers(1, MAX_OPS))
    ops = make_ops(cfg, draw(st.randoms(use_true_random=True)), count)
    extras = draw(st.lists(st.tuples(st.integers(0, count), _EXTRA_OPS), max_size=count // 3 + 1))
    for position, op in sorted(extras, key=lambda e: e[0], reverse=True):
        ops.insert(position, op)
    return cfg, ops


@hypothesis_seed(SEED)
@settings(max_examples=EXAMPLES)
@given(scenario=scenarios())
def test_random_schedulers_under_random_calls_match_paddle(
    scenario: tuple[Config, list[Op]], plr
) -> None:
    cfg, ops = scenario
    PropertyPair(cfg, plr, fw).run(ops)


def test_the_budget_is_set() -> None:
    assert EXAMPLES > 0
    assert CLASSES, "no class to draw from"


@pytest.mark.fastwarmup_only
def test_precompute_of_verbose_schedulers_stepped_in_python_prints_nothing(plr) -> None:
    """Found by the property above: ``precompute`` steps a deep copy through Python for a
    subclass overriding ``get_lr`` or a foreign nest, and the copy printed its verbose lines."""
    from _configs import user_classes

    geometric = user_classes(fw)["Geometric"](0.1, 0.9, verbose=True)
    nested = fw.LinearWarmup(plr.StepDecay(0.1, 2, verbose=True), 2, 0.0, 0.1, verbose=True)
    for sched in (geometric, nested):
        _, exc, printed = _quietly(lambda s=sched: s.precompute(6))
        assert exc is None and printed == "", (exc, printed)
        _, _, printed = _quietly(sched.step)
        assert printed  # still verbose itself
