"""Threads and re-entrant reads: each call on a scheduler is atomic (the native module holds the
GIL, so concurrent Python threads never interleave inside one call), ``precompute`` releases the
GIL on a copy, and a user's function may read its own scheduler while being stepped, as in
paddle."""

from __future__ import annotations

import copy
import threading

import numpy as np
import pytest

from fastwarmup import lr

pytestmark = pytest.mark.fastwarmup_only

THREADS = 4
STEPS = 5_000


def seed():
    return lr.LinearWarmup(lr.PolynomialDecay(0.1, 50_000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)


def run_threads(target, count: int = THREADS) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as error:  # reported below, on the main thread
            errors.append(error)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    assert not errors, errors


@pytest.mark.parametrize(
    "make",
    [
        seed,
        lambda: lr.CosineAnnealingDecay(0.1, 1000),  # locked recurrence
        lambda: lr.MultiplicativeDecay(0.1, lambda e: 0.9999),  # a Python call per step
    ],
    ids=["lock-free", "recurrence", "callback"],
)
def test_no_step_is_lost(make) -> None:
    sched = make()
    reference = copy.deepcopy(sched)

    def steps(_: int) -> None:
        for _ in range(STEPS):
            sched.step()

    run_threads(steps)
    assert sched.last_epoch == THREADS * STEPS
    expected = reference.precompute(THREADS * STEPS + 1)[-1]
    assert sched() == expected


def test_reads_are_consistent_while_others_step() -> None:
    sched = seed()
    steps = 20 * STEPS  # long enough for the reader to be switched in many times
    table = copy.deepcopy(sched).precompute(THREADS * steps + 1)
    done = threading.Semaphore(0)
    seen: list[tuple[int, float]] = []

    def work(i: int) -> None:
        if i == 0:
            finished = 0
            while finished < THREADS:
                state = sched.state_dict()
                seen.append((state["last_epoch"], state["last_lr"]))
                finished += done.acquire(timeout=0.0001)
            return
        for _ in range(steps):
            sched.step()
        done.release()

    run_threads(work, THREADS + 1)
    assert seen
    assert all(table[epoch] == value for epoch, value in seen)


def test_precompute_on_one_thread_while_others_step() -> None:
    """precompute releases the GIL on its own copy: the steppers run meanwhile, and neither
    disturbs the other."""
    sched = seed()
    fresh = seed().precompute(2_000_000)
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        if i == 0:
            results[i] = sched.precompute(2_000_000)
        else:
            for _ in range(STEPS):
                sched.step()

    run_threads(work)
    assert sched.last_epoch == (THREADS - 1) * STEPS
    # The table starts wherever the steppers had brought the scheduler when it was taken.
    first = int(np.flatnonzero(fresh == results[0][0])[0])
    assert np.array_equal(results[0][:1000], fresh[first : first + 1000])


def test_a_nest_shared_between_threads() -> None:
    inner = lr.PolynomialDecay(0.1, 10_000, end_lr=0.0, power=0.9)
    outers = [lr.LinearWarmup(inner, 10, 0.0, 0.1) for _ in range(THREADS)]

    def steps(i: int) -> None:
        for _ in range(STEPS):
            outers[i].step()
            outers[i]()

    run_threads(steps)
    assert all(o.last_epoch == STEPS for o in outers)
    assert inner.last_epoch == STEPS - 10
    assert all(o() == inner() for o in outers)


# --- a user's function reading its scheduler mid-step -----------------------------------------


def reader_results(make):
    seen = []

    def fn(x):
        s = holder[0]
        if s is not None:  # not during the construction step
            seen.append((s.base_lr, repr(s), s.state_dict()["last_epoch"], s.verbose))
        return 0.5

    holder = [None]
    sched = make(fn)
    holder[0] = sched
    sched.step()
    sched.step()
    return seen


@pytest.mark.parametrize(
    "make",
    [
        lambda fn: lr.LambdaDecay(0.1, fn),
        lambda fn: lr.MultiplicativeDecay(0.1, fn),
        lambda fn: lr.CyclicLR(0.01, 0.1, 10, scale_fn=fn),
    ],
    ids=["LambdaDecay", "MultiplicativeDecay", "CyclicLR"],
)
def test_a_callback_reads_its_scheduler(make) -> None:
    seen = reader_results(make)
    assert seen and all(base == pytest.approx(base) for base, *_ in seen)
    assert {type(r) for _, r, _, _ in seen} == {str}


def test_a_callback_reads_parameters_of_its_scheduler_and_its_nest() -> None:
    seen = []

    def fn(x):
        if made:
            inner, outer = made
            seen.append((outer.warmup_steps, outer.end_lr, inner.lr_lambda is fn, inner.base_lr))
        return 1.0

    made: list = []
    inner = lr.LambdaDecay(0.2, fn)
    outer = lr.LinearWarmup(inner, 2, 0.0, 0.1)
    made.extend([inner, outer])
    for _ in range(4):
        outer.step()
    assert seen[-1] == (2, 0.1, True, 0.2)
    assert outer.state_dict()["LinearWarmup_LR"]["last_epoch"] == 2


def test_plateau_and_restarts_state_are_read_live() -> None:
    s = lr.CosineAnnealingWarmRestarts(0.1, 3)
    for _ in range(4):
        s.step()
    assert (s.T_cur, s.T_i) == (1, 3)
    p = lr.ReduceOnPlateau(0.1, patience=0)
    p.step(1.0)
    p.step(2.0)
    assert (p.best, p.num_bad_epochs) == (1.0, 0)


# --- __class__ ------------------------------------------------------------------------------


def test_class_assignment_to_another_schedule_is_refused() -> None:
    s = lr.PolynomialDecay(0.1, 100)
    before = s.state_dict()
    with pytest.raises(TypeError, match="same schedule"):
        s.__class__ = lr.StepDecay
    with pytest.raises(TypeError):
        s.__class__ = int
    assert type(s) is lr.PolynomialDecay and s.state_dict() == before


def test_class_assignment_within_one_schedule_is_allowed() -> None:
    class Named(lr.PolynomialDecay):
        pass

    class Overriding(lr.PolynomialDecay):
        def get_lr(self):
            return 1.0

    s = lr.PolynomialDecay(0.1, 100)
    s.__class__ = Named
    assert type(s) is Named and s.__class__ is Named
    s.step()
    assert s() == lr.PolynomialDecay(0.1, 100).precompute(2)[1]
    with pytest.raises(TypeError):
        s.__class__ = Overriding
