"""``step(epoch=None)`` is bound to CPython by hand (``src/python/fast_step.rs``) and takes a
lock-free path for schedules that allow it: every way of calling it, every wrong way, and every
change that must send it back to the locked path (verbose, a new ``base_lr``, re-running
``__init__``) behaves as paddle's ``step`` does."""

from __future__ import annotations

import copy
import gc
import inspect
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from _configs import C, build
from _libs import IMPLEMENTED, SELFCHECK, fw
from _parity import STEP, Pair, canon, jump, steps

NESTED = C("LinearWarmup", C("PolynomialDecay", 0.1, 40, power=0.9), 10, 0.0, 0.1)


def _seed(m: ModuleType) -> Any:
    return m.LinearWarmup(m.PolynomialDecay(0.1, 40, end_lr=0.0, power=0.9), 10, 0.0, 0.1)


def _values_after(m: ModuleType, calls: Callable[[Any], None], n: int = 60) -> list[Any]:
    sched = _seed(m)
    out = []
    for _ in range(n):
        calls(sched)
        out.append(
            (sched(), sched.last_epoch, sched.learning_rate(), sched.learning_rate.last_epoch)
        )
    return out


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("cls", IMPLEMENTED)
def test_each_class_has_its_own_step_with_pythons_signature(cls: str) -> None:
    klass = getattr(fw, cls)
    assert "step" in vars(klass)
    own = "metrics, " if cls == "ReduceOnPlateau" else ""
    expected = f"(self, /, {own}epoch=None)"
    assert str(inspect.signature(klass.step)) == expected
    assert klass.step.__doc__


FORMS: dict[str, Callable[[Any], None]] = {
    "step()": lambda s: s.step(),
    "step(None)": lambda s: s.step(None),
    "step(epoch=None)": lambda s: s.step(epoch=None),
    "step(int)": lambda s: s.step(s.last_epoch + 1),
    "step(epoch=int)": lambda s: s.step(epoch=s.last_epoch + 1),
    "step(numpy int)": lambda s: s.step(np.int64(s.last_epoch + 1)),
    "step(int subclass)": lambda s: s.step(type("Epoch", (int,), {})(s.last_epoch + 1)),
    "step(back and forth)": lambda s: s.step((s.last_epoch * 7 + 3) % 55),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_call_form_matches_paddle(form: str, plr) -> None:
    call = FORMS[form]
    assert _values_after(fw, call) == _values_after(plr, call)


WRONG: dict[str, tuple[Callable[[Any], None], type[Exception], str]] = {
    "two positional": (lambda s: s.step(1, 2), TypeError, "at most 1 argument (2 given)"),
    "unknown keyword": (lambda s: s.step(epochs=1), TypeError, "'epochs'"),
    "twice": (lambda s: s.step(1, epoch=2), TypeError, "multiple values for argument 'epoch'"),
    "float": (lambda s: s.step(1.0), TypeError, "epoch"),
    "str": (lambda s: s.step("1"), TypeError, "epoch"),
    "beyond 64 bits": (lambda s: s.step(2**64), ValueError, "epoch"),
}


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("case", WRONG)
def test_wrong_calls_are_refused_and_change_nothing(case: str) -> None:
    call, error, message = WRONG[case]
    sched = _seed(fw)
    for _ in range(15):
        sched.step()
    before = canon(sched)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(sched)
    assert canon(sched) == before


@pytest.mark.fastwarmup_only
def test_a_descriptor_refuses_another_class() -> None:
    warmup = _seed(fw)
    with pytest.raises(TypeError):
        fw.PolynomialDecay.step(warmup)
    with pytest.raises(TypeError):
        fw.LinearWarmup.step(object())
    fw.LRScheduler.step(warmup)  # the base class's step applies to every scheduler
    assert warmup.last_epoch == 1


def _base_steps_then_own(m: ModuleType, sched: Any) -> list[Any]:
    """``LRScheduler.step`` taken on ``sched`` (paddle's base step, not its class's), then the
    class's own ``step``: what each call returned or raised, and the state after it."""
    calls = [lambda: m.LRScheduler.step(sched)] * 5 + [
        lambda: m.LRScheduler.step(sched, 7),
        lambda: m.LRScheduler.step(sched, epoch=2),
        lambda: m.LRScheduler.step(sched),
        lambda: sched.step(),
        lambda: sched.step(4),
        lambda: sched.step(),
    ]
    out = []
    for call in calls:
        try:
            call()
            out.append((sched.last_epoch, sched(), sched.state_dict()))
        except NotImplementedError:
            out.append("NotImplementedError")
    return out


@pytest.mark.parametrize("cls", ["CosineAnnealingWarmRestarts", "CosineAnnealingDecay"])
def test_the_base_class_step_is_paddles_base_step_for_any_class(cls: str, plr) -> None:
    def made(m: ModuleType) -> Any:
        if cls == "CosineAnnealingWarmRestarts":
            return m.CosineAnnealingWarmRestarts(0.1, T_0=3, T_mult=2, eta_min=0.01)
        return m.CosineAnnealingDecay(0.1, T_max=5, eta_min=0.01)

    ours, theirs = _base_steps_then_own(fw, made(fw)), _base_steps_then_own(plr, made(plr))
    # paddle's state dict omits the warm restarts' T_cur and T_i (see the README)
    assert [_paddle_keys(x) for x in ours] == theirs


def test_the_base_class_step_on_reduce_on_plateau_has_no_get_lr(plr) -> None:
    for m in (fw, plr):
        sched = m.ReduceOnPlateau(0.1)
        before = canon(sched)
        with pytest.raises(NotImplementedError):
            m.LRScheduler.step(sched)
        with pytest.raises(NotImplementedError):
            m.LRScheduler.step(sched, 5)
        if m is fw and not SELFCHECK:  # paddle has advanced last_epoch before raising
            assert canon(sched) == before


def _paddle_keys(outcome: Any) -> Any:
    if isinstance(outcome, str):
        return outcome
    epoch, value, state = outcome
    return epoch, value, {k: v for k, v in state.items() if k not in ("T_cur", "T_i", "settings")}


def _counting_subclass(m: ModuleType) -> type:
    class Counting(m.PolynomialDecay):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.calls = 0
            super().__init__(*args, **kwargs)

        def step(self, epoch: Any = None) -> None:
            self.calls += 1
            super().step(epoch)

    return Counting


def test_python_subclass_overriding_step_nested_and_alone(plr) -> None:
    def run(m: ModuleType) -> list[Any]:
        counting = _counting_subclass(m)
        alone = counting(0.1, 30, power=2.0)
        nested = counting(0.2, 30, power=0.5)
        warmup = m.LinearWarmup(nested, 5, 0.0, 0.2)
        out = []
        for i in range(50):
            alone.step(i % 9 if i % 4 == 0 else None)
            warmup.step()
            out.append((alone(), alone.calls, warmup(), nested(), nested.calls, nested.last_epoch))
        return out

    assert run(fw) == run(plr)


# Changes that must take the lock-free step out of use, mid-run, then back.
TOGGLES = [
    *steps(12),
    ("set", 1, "base_lr", 0.5),
    *steps(5),
    jump(20),
    ("set", 0, "verbose", True),
    *steps(3),
    ("set", 1, "verbose", True),
    *steps(3),
    jump(12, keyword=True),
    ("set", 0, "verbose", False),
    ("set", 1, "verbose", False),
    *steps(4),
    ("set", 1, "base_lr", 0.1),
    *steps(40),
    STEP,
]


def test_verbose_and_base_lr_changes_mid_run(plr) -> None:
    Pair(NESTED, plr, fw).run(TOGGLES)


@pytest.mark.parametrize("where", ["outer", "nested"])
def test_init_run_again_mid_run(where: str, plr) -> None:
    def run(m: ModuleType) -> list[Any]:
        warmup = _seed(m)
        out = []
        for i in range(80):
            if i == 30:
                if where == "nested":
                    warmup.learning_rate.__init__(0.3, 25, end_lr=0.01, power=2.0)
                else:
                    warmup.__init__(m.ExponentialDecay(0.2, 0.9), 6, 0.0, 0.2)
            warmup.step()
            out.append((warmup(), warmup.last_epoch, warmup.learning_rate()))
        return out

    assert run(fw) == run(plr)


def test_a_callable_may_step_another_scheduler(plr) -> None:
    def run(m: ModuleType) -> list[Any]:
        inner = _seed(m)
        outer = m.LambdaDecay(1.0, lambda e: inner.step() or inner() * (e + 1))
        out = []
        for _ in range(40):
            outer.step()
            out.append((outer(), inner(), inner.last_epoch))
        return out

    assert run(fw) == run(plr)


@pytest.mark.fastwarmup_only
def test_stepping_a_scheduler_from_its_own_callable_is_refused() -> None:
    holder: list[Any] = []
    sched = fw.LambdaDecay(1.0, lambda e: holder[0].step() if holder else 1.0)
    holder.append(sched)
    with pytest.raises(RuntimeError, match="already being stepped"):
        sched.step()


def test_seed_schedule_long_run_by_every_path(plr) -> None:
    """The hot path over a long run: plain steps, with explicit epochs in between."""
    cfg = C("LinearWarmup", C("PolynomialDecay", 0.1, 5000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)
    f, p = build(cfg, fw, plr), build(cfg, plr, plr)
    fw_values, pd_values = [], []
    for i in range(6000):
        for sched, values in ((f, fw_values), (p, pd_values)):
            if i % 500 == 499:
                sched.step(i - 40)
            else:
                sched.step()
            values.append(sched())
    assert np.array_equal(np.array(fw_values).view(np.int64), np.array(pd_values).view(np.int64))


def _nested_in_itself(m: ModuleType, shape: str) -> Any:
    if shape.startswith("self"):
        w = m.LinearWarmup.__new__(m.LinearWarmup)
        w.__init__(w, 2, 0.0, 0.1)
    else:
        w = m.LinearWarmup.__new__(m.LinearWarmup)
        other = m.LinearWarmup(w, 2, 0.0, 0.1)  # nests w before w is initialized
        w.__init__(other, 2, 0.0, 0.1)
    return copy.deepcopy(w) if shape.endswith("copied") else w


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("shape", ["self", "self, copied", "mutual", "mutual, copied"])
def test_a_scheduler_nested_in_itself_is_refused_past_the_warmup(shape: str) -> None:
    """paddle recurses (RecursionError for a large epoch); fastwarmup refuses the step."""
    w = _nested_in_itself(fw, shape)
    w.step(1)  # within the warm-up the nest is not stepped
    before = (w.last_epoch, w.last_lr)
    for epoch in (5, 10**6, 4, 5):  # each comes back to `w` past both warm-ups
        with pytest.raises(RuntimeError, match="already being stepped"):
            w.step(epoch)
        assert (w.last_epoch, w.last_lr) == before


class _Foreign:
    """A scheduler by paddle's protocol, pointing back at the schedule that nests it."""

    def __init__(self) -> None:
        self.epoch: int | None = 0
        self.owner: Any = None

    def step(self, epoch: int | None = None) -> None:
        self.epoch = epoch

    def __call__(self) -> float:
        return 0.5

    def state_dict(self) -> dict:
        return {"epoch": self.epoch}

    def set_state_dict(self, state: dict) -> None:
        self.epoch = state["epoch"]


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("init_again", [False, True])
def test_a_cycle_through_the_nest_is_collected(init_again: bool) -> None:
    def make() -> tuple[weakref.ref, weakref.ref]:
        foreign = _Foreign()
        inner = fw.LinearWarmup(foreign, 2, 0.0, 0.5)
        outer = fw.LinearWarmup(inner, 2, 0.0, 0.5)
        foreign.owner = outer
        if init_again:  # retires the lock-free step built for `inner`
            outer.__init__(0.3, 2, 0.0, 0.5)
        for _ in range(6):
            outer.step()
        return weakref.ref(outer), weakref.ref(foreign)

    refs = make()
    gc.collect()
    assert [ref() for ref in refs] == [None, None]


def test_python_closed_form_override_is_used_for_explicit_epochs(plr) -> None:
    def run(m: ModuleType) -> list[Any]:
        class Shifted(m.PolynomialDecay):
            def _get_closed_form_lr(self) -> float:
                return 0.5 / (self.last_epoch + 1)

        sched = Shifted(0.1, 20)
        warmup = m.LinearWarmup(Shifted(0.2, 20), 3, 0.0, 0.2)
        out = []
        for i in range(30):
            for s in (sched, warmup):
                s.step(i // 2) if i % 3 else s.step()
            out.append((sched(), sched.last_epoch, warmup(), warmup.learning_rate()))
        return out

    assert run(fw) == run(plr)


class _Trainer:
    """Holds its scheduler and gives it a bound method: a reference cycle."""

    def __init__(self, kind: str) -> None:
        if kind == "LambdaDecay":
            self.sched = fw.LambdaDecay(0.1, self.factor)
        elif kind == "MultiplicativeDecay":
            self.sched = fw.MultiplicativeDecay(0.1, self.factor)
        else:
            self.sched = fw.CyclicLR(0.1, 0.5, 4, scale_fn=self.factor)
        self.warmup = fw.LinearWarmup(self.sched, 3, 0.0, 0.1)

    def factor(self, epoch: int) -> float:
        return 0.99 ** (epoch % 5)


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("kind", ["LambdaDecay", "MultiplicativeDecay", "CyclicLR"])
def test_a_cycle_through_a_users_function_is_collected(kind: str) -> None:
    def make() -> weakref.ref:
        trainer = _Trainer(kind)
        for _ in range(8):
            trainer.warmup.step()
        return weakref.ref(trainer)

    ref = make()
    gc.collect()
    assert ref() is None
