"""Pickling: a scheduler comes back from ``pickle`` with its schedule, state, attributes and
nesting, and continues as paddle's pickled scheduler does. The random parity driver pickles
too (its ``("pickle", protocol)`` op); these are the cases it does not reach."""

from __future__ import annotations

import contextlib
import copy
import gc
import io
import pickle
import threading
import weakref
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from _libs import fw
from _parity import METRIC_KINDS, canon


def _round_trip(obj: Any, protocol: int = pickle.HIGHEST_PROTOCOL) -> Any:
    return pickle.loads(pickle.dumps(obj, protocol))


def _run(sched: Any, n: int) -> list[tuple[int, Any]]:
    out = []
    for _ in range(n):
        sched.step()
        out.append((sched.last_epoch, sched()))
    return out


def _subclasses(m: ModuleType) -> dict[str, type]:
    """User subclasses over ``m`` (one set per library), named at module level for pickle."""

    class Counting(m.PolynomialDecay):
        """A subclass of a built-in class with its own ``__init__`` signature."""

        def __init__(self, steps: int) -> None:
            self.inits = getattr(self, "inits", 0) + 1
            super().__init__(0.1, steps, end_lr=0.0, power=2.0)

    class Halving(m.LRScheduler):
        """A ``get_lr`` written in Python, counting its calls."""

        def __init__(self, learning_rate: float, last_epoch: int = -1) -> None:
            self.calls = 0
            super().__init__(learning_rate, last_epoch)

        def get_lr(self) -> float:
            self.calls += 1
            return self.base_lr / 2 ** (self.last_epoch // 3)

    class Locked(m.ExponentialDecay):
        """Holds a lock, which its ``__getstate__`` leaves out and ``__setstate__`` remakes."""

        def __init__(self, learning_rate: float, gamma: float) -> None:
            self.lock = threading.Lock()
            super().__init__(learning_rate, gamma)

        def __getstate__(self) -> dict[str, Any]:
            state = self.__dict__.copy()
            del state["lock"]
            return state

        def __setstate__(self, state: dict[str, Any]) -> None:
            self.__dict__.update(state)
            self.lock = threading.Lock()

    class Slotted(m.StepDecay):
        __slots__ = ("tag",)

    class Trainer:
        """Owns its scheduler, whose function is one of its bound methods (a cycle)."""

        def __init__(self) -> None:
            self.k = 0.9
            self.sched = m.LambdaDecay(0.1, self.factor)

        def factor(self, epoch: int) -> float:
            return self.k**epoch

    made = {
        "Counting": Counting,
        "Halving": Halving,
        "Locked": Locked,
        "Slotted": Slotted,
        "Trainer": Trainer,
    }
    for name, cls in made.items():
        cls.__qualname__ = f"{name}_{m.__name__.replace('.', '_')}"
        globals()[cls.__qualname__] = cls
    return made


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_the_seed_schedule_continues_after_every_protocol(protocol: int, plr) -> None:
    def seed(m: ModuleType) -> Any:
        sched = m.LinearWarmup(m.PolynomialDecay(0.1, 400, end_lr=0.0, power=0.9), 50, 0.0, 0.1)
        _run(sched, 120)
        return _round_trip(sched, protocol)

    ours, theirs = seed(fw), seed(plr)
    assert (ours.last_epoch, ours(), ours.learning_rate.last_epoch) == (
        theirs.last_epoch,
        theirs(),
        theirs.learning_rate.last_epoch,
    )
    assert _run(ours, 400) == _run(theirs, 400)


def test_unpickling_prints_nothing_and_keeps_verbose_and_base_lr(plr) -> None:
    results = []
    for m in (fw, plr):
        with contextlib.redirect_stdout(io.StringIO()):
            sched = m.ExponentialDecay(0.5, gamma=0.9, verbose=True)
            _run(sched, 5)
        sched.base_lr = 2.0
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            back = _round_trip(sched)
        assert printed.getvalue() == ""
        with contextlib.redirect_stdout(io.StringIO()) as lines:
            values = _run(back, 5)
        results.append((back.verbose, back.base_lr, values, lines.getvalue()))
    assert results[0] == results[1]


def test_a_nest_shared_by_two_warmups_stays_shared(plr) -> None:
    def pair(m: ModuleType) -> tuple[Any, Any]:
        inner = m.CosineAnnealingDecay(0.1, T_max=30)
        return m.LinearWarmup(inner, 5, 0.0, 0.1), m.LinearWarmup(inner, 8, 0.0, 0.1)

    ours, theirs = _round_trip(pair(fw)), _round_trip(pair(plr))
    assert ours[0].learning_rate is ours[1].learning_rate
    out = []
    for a, b in (ours, theirs):
        out.append([(a.step(), a(), b.step(), b(), b.learning_rate.last_epoch) for _ in range(40)])
    assert out[0] == out[1]


def test_user_subclasses_come_back_without_running_their_code(plr) -> None:
    results = []
    for m in (fw, plr):
        classes = _subclasses(m)
        counting, halving = classes["Counting"](50), classes["Halving"](0.8)
        warmup = m.LinearWarmup(halving, 3, 0.0, 0.8)
        _run(counting, 7)
        _run(warmup, 10)
        calls = halving.calls
        counting_back, warmup_back = _round_trip((counting, warmup))
        assert type(counting_back) is type(counting)
        assert counting_back.inits == 1  # its __init__ did not run again
        assert warmup_back.learning_rate.calls == calls  # nor its get_lr
        results.append((_run(counting_back, 60), _run(warmup_back, 20)))
    assert results[0] == results[1]


def test_a_paddle_scheduler_nested_in_fastwarmup_comes_back(plr) -> None:
    ours = fw.LinearWarmup(plr.StepDecay(0.1, step_size=4, gamma=0.5), 6, 0.0, 0.1)
    theirs = plr.LinearWarmup(plr.StepDecay(0.1, step_size=4, gamma=0.5), 6, 0.0, 0.1)
    _run(ours, 9)
    _run(theirs, 9)
    ours_back = _round_trip(ours)
    assert isinstance(ours_back.learning_rate, plr.StepDecay)
    assert _run(ours_back, 30) == _run(_round_trip(theirs), 30)


def test_a_lambda_cannot_be_pickled_in_either_library(plr) -> None:
    errors = []
    for m in (fw, plr):
        with pytest.raises(Exception) as caught:  # pickle's own error: its type is compared
            pickle.dumps(m.LambdaDecay(0.1, lambda e: 0.9**e))
        errors.append(type(caught.value))
    assert errors[0] is errors[1]


@pytest.mark.fastwarmup_only
def test_a_scheduler_whose_init_has_not_run_is_refused() -> None:
    bare = fw.PolynomialDecay.__new__(fw.PolynomialDecay)
    with pytest.raises(TypeError, match="PolynomialDecay whose __init__ has not run"):
        pickle.dumps(bare)


@pytest.mark.fastwarmup_only
def test_a_tampered_pickle_is_refused_cleanly() -> None:
    from fastwarmup._fastwarmup import _set_state

    _, _, state, *_ = fw.StepDecay(0.1, 2).__reduce__()
    name, schedule, own, names, *values = state
    assert (name, names, values) == ("StepDecay", ("learning_rate", "step_size"), [0.1, 2])
    warmup = fw.LinearWarmup.__new__(fw.LinearWarmup)
    with pytest.raises(ValueError, match="not a fastwarmup StepDecay"):
        _set_state(warmup, state)  # a record for another class
    with pytest.raises(ValueError, match="not a fastwarmup LRScheduler"):
        _set_state(warmup, ("LRScheduler", schedule, own, ()))  # a base class of the real one
    with pytest.raises(ValueError, match="bad scheduler state"):
        _set_state(warmup, (name, schedule, own, names))  # values missing
    plateau = fw.ReduceOnPlateau(0.1)
    plateau.step(np.float32(0.5))
    _, _, (name, (epoch, lr, base, verbose, extras), own, *arguments), *_ = plateau.__reduce__()
    bad = {**extras, "best": ("numpy_scalar", "f32", 0.1)}  # not a float32 value
    fresh = fw.ReduceOnPlateau.__new__(fw.ReduceOnPlateau)
    with pytest.raises(ValueError, match="bad 'best'"):
        _set_state(fresh, (name, (epoch, lr, base, verbose, bad), own, *arguments))


@pytest.mark.fastwarmup_only
def test_the_state_layout_of_earlier_builds_still_loads() -> None:
    from fastwarmup._fastwarmup import _set_state

    sched = fw.StepDecay(0.1, 2, gamma=0.5)
    sched.step()
    sched.step()
    _, _, (name, schedule, own, names, *values), *_ = sched.__reduce__()
    earlier = fw.StepDecay.__new__(fw.StepDecay)
    _set_state(earlier, (((name, dict(zip(names, values, strict=True))), schedule), own))
    assert np.array_equal(earlier.precompute(9), sched.precompute(9))


@pytest.mark.fastwarmup_only
def test_what_is_pickled_is_the_scheduler_as_it_is_now() -> None:
    boundaries, values = [3, 6], [0.1, 0.05, 0.01]
    piecewise = fw.PiecewiseDecay(boundaries, values)
    boundaries.append(9)  # the schedule took its values at construction
    values[0] = 1.0
    assert np.array_equal(_round_trip(piecewise).precompute(12), piecewise.precompute(12))

    warmup = fw.LinearWarmup(fw.NoamDecay(64, 100), 10, 0.0, 0.1)
    _run(warmup, 20)
    warmup.__init__(fw.ExponentialDecay(0.2, 0.9), 4, 0.0, 0.2)  # made again: the new call
    _run(warmup, 6)
    back = _round_trip(warmup)
    assert isinstance(back.learning_rate, fw.ExponentialDecay)
    assert canon(back) == canon(warmup)
    assert np.array_equal(back.precompute(50), warmup.precompute(50))


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("how", ["copy", "deepcopy"])
def test_a_copy_pickles_as_the_copy(how: str) -> None:
    warmup = fw.LinearWarmup(fw.PolynomialDecay(0.1, 100, power=0.5), 10, 0.0, 0.1)
    _run(warmup, 15)
    copied = copy.copy(warmup) if how == "copy" else copy.deepcopy(warmup)
    _run(copied, 5)
    back = _round_trip(copied)
    assert canon(back) == canon(copied)
    assert np.array_equal(back.precompute(200), copied.precompute(200))
    # a shallow copy shares the nest with the original, a deep copy does not
    assert (copied.learning_rate is warmup.learning_rate) == (how == "copy")


@pytest.mark.fastwarmup_only
def test_a_cycle_through_the_recorded_arguments_is_collected() -> None:
    class Holder:
        def factor(self, epoch: int) -> float:
            return 0.5

    holder = Holder()
    holder.warmup = fw.LinearWarmup(fw.LambdaDecay(0.1, holder.factor), 2, 0.0, 0.1)
    watched = weakref.ref(holder)
    del holder
    gc.collect()
    assert watched() is None


def test_references_back_from_the_arguments_round_trip(plr) -> None:
    results = []
    for m in (fw, plr):
        inner = m.StepDecay(0.1, 2)
        warmup = m.LinearWarmup(inner, 3, 0.0, 0.1)
        inner.parent = warmup  # a nest that refers to its warm-up
        _run(warmup, 5)
        back = _round_trip(warmup)
        assert back.learning_rate.parent is back
        trainer = _subclasses(m)["Trainer"]()
        _run(trainer.sched, 4)
        sched_back = _round_trip(trainer.sched)  # pickles its owner through lr_lambda
        sched_back.lr_lambda.__self__.k = 0.5
        results.append((_run(back, 8), _run(sched_back, 5)))
    assert results[0] == results[1]


@pytest.mark.parametrize("kind", METRIC_KINDS)
def test_reduce_on_plateau_compares_as_before_after_pickling(kind: str, plr) -> None:
    make, _ = METRIC_KINDS[kind]
    # just below the float32 threshold 0.5 - 0.5 * 1e-4: an improvement only in float64
    edge = float(np.float32(0.5) - np.float32(0.5) * np.float32(1e-4)) - 1e-12
    results = []
    for m in (fw, plr):
        sched = m.ReduceOnPlateau(1.0, patience=0, threshold=1e-4)
        sched.step(make(0.5))
        back = _round_trip(sched)
        for s in (sched, back):
            s.step(edge)
        results.append((sched(), back(), sched.num_bad_epochs, back.num_bad_epochs))
    assert results[0] == results[1]
    assert results[0][0] == results[0][1]


def test_reduce_on_plateau_keeps_a_float32_best(plr) -> None:
    results = []
    for m in (fw, plr):
        sched = m.ReduceOnPlateau(0.1, patience=0)
        sched.step(np.float32(0.6))
        back = _round_trip(sched)
        # between 0.6's float32 and float64 thresholds: an improvement only in float64
        for s in (sched, back):
            s.step(0.5999400129020214)
        results.append((type(back.best), sched(), back()))
    assert results[0] == results[1]
    assert results[0][0] is np.float32


def test_getstate_setstate_and_slots_of_a_subclass_are_honoured(plr) -> None:
    results = []
    for m in (fw, plr):
        classes = _subclasses(m)
        locked = classes["Locked"](0.1, 0.9)
        slotted = classes["Slotted"](0.1, 3)
        slotted.tag = "kept"
        _run(locked, 4)
        _run(slotted, 4)
        locked_back, slotted_back = _round_trip((locked, slotted))
        assert isinstance(locked_back.lock, type(threading.Lock()))
        assert slotted_back.tag == "kept"
        results.append((_run(locked_back, 6), _run(slotted_back, 6)))
    assert results[0] == results[1]


@pytest.mark.fastwarmup_only
def test_a_deep_copy_shares_the_users_function_and_pickles_as_itself() -> None:
    class Factor:
        def __init__(self) -> None:
            self.lock = threading.Lock()  # cannot be copied: copies share the function
            self.k = 0.9

        def __call__(self, epoch: int) -> float:
            return self.k**epoch

    factor = Factor()
    sched = fw.LambdaDecay(0.1, factor)
    copied = copy.deepcopy(sched)
    assert copied.lr_lambda is factor
    assert np.array_equal(sched.precompute(5), [0.1 * 0.9**e for e in range(5)])

    trainer = _subclasses(fw)["Trainer"]()
    copied = copy.deepcopy(trainer.sched)
    trainer.k = 0.5  # the copy calls the same bound method, so sees the change
    assert np.array_equal(_round_trip(copied).precompute(6), copied.precompute(6))


@pytest.mark.fastwarmup_only
def test_a_mutable_sequence_argument_is_taken_at_construction() -> None:
    boundaries, values = np.array([3, 6]), np.array([1.0, 0.5, 0.1])
    sched = fw.PiecewiseDecay(boundaries, values)
    values[0] = 9.0
    boundaries[0] = 1
    assert np.array_equal(_round_trip(sched).precompute(8), sched.precompute(8))
    assert sched.precompute(1)[0] == 1.0
    tuple_back = _round_trip(fw.MultiStepDecay(0.1, (2, 4)))
    assert tuple_back.milestones == (2, 4)
