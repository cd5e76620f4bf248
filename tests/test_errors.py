"""Bad input: fastwarmup raises TypeError/ValueError naming the argument (RuntimeError for a
state dict missing a key, as paddle), never AssertionError or a Rust panic, for every check
paddle makes (its asserts included) and a few it does not (NaN/inf learning rates, a non-int
epoch, wrongly typed state values); the rejected call leaves the scheduler (and the scheduler
given to ``LinearWarmup``) unchanged.

Each case also records what paddle 3.3.1 does with the same call, and ``test_paddle_column``
checks that record against paddle itself (so it runs in the self-check too).
"""

from __future__ import annotations

import functools
import random
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from _configs import Config, build, cap, raises_past_cap, random_config, user_classes
from _libs import IMPLEMENTED, SEED, SELFCHECK, fw
from _parity import canon, same

NAN, INF = float("nan"), float("inf")
VALUE = (ValueError,)
TYPE = (TypeError,)
EITHER = (TypeError, ValueError)
MISSING = (RuntimeError, KeyError, ValueError)  # paddle: RuntimeError (KeyError for a nest)


@dataclass(frozen=True)
class Case:
    act: Callable[[ModuleType, Any], Any]  # the rejected call, on ``setup``'s scheduler
    names: tuple[str, ...]  # the message names one of these ("" for no check)
    errors: tuple[type[BaseException], ...]  # what fastwarmup may raise
    paddle: type[BaseException] | None  # what paddle raises (None: paddle accepts the call)
    needs: tuple[str, ...]  # classes that must be implemented
    setup: Callable[[ModuleType, ModuleType], Any] | None = None


# --- schedulers the calls are made on (stepped a little, so that a change would show) --------


def _stepped(sched: Any) -> Any:
    for _ in range(3):
        sched.step()
    return sched


def _poly(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(m.PolynomialDecay(0.1, 10, power=2))


def _warm_poly(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(m.LinearWarmup(m.PolynomialDecay(0.1, 10), 2, 0.0, 0.1))


def _warm_float(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(m.LinearWarmup(0.5, 2, 0.0, 0.5))


def _geometric(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(user_classes(m)["Geometric"](0.1, 0.9))


def _warm_geometric(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(m.LinearWarmup(user_classes(m)["Geometric"](0.1, 0.9), 2, 0.0, 0.1))


def _warm_paddle(m: ModuleType, p: ModuleType) -> Any:
    return _stepped(m.LinearWarmup(p.PolynomialDecay(0.1, 10), 2, 0.0, 0.1))


SETUPS = {
    "poly": (_poly, ("PolynomialDecay",)),
    "warmup-poly": (_warm_poly, ("LinearWarmup", "PolynomialDecay")),
    "warmup-float": (_warm_float, ("LinearWarmup",)),
    "subclass": (_geometric, ("LRScheduler",)),
    "warmup-subclass": (_warm_geometric, ("LinearWarmup", "LRScheduler")),
    "warmup-paddle": (_warm_paddle, ("LinearWarmup",)),
}

NESTED = object()  # in a constructor's arguments: the setup's scheduler


def _class(m: ModuleType, name: str) -> Any:
    return user_classes(m)[name] if name in ("Geometric", "Stairs") else getattr(m, name)


def construct(cls: str, *args: Any, **kwargs: Any) -> Callable[[ModuleType, Any], Any]:
    def act(m: ModuleType, nested: Any) -> Any:
        real = [nested if a is NESTED else a for a in args]
        return _class(m, cls)(*real, **kwargs)

    return act


CASES: dict[str, Case] = {}


def _add(name: str, case: Case) -> None:
    assert name not in CASES
    CASES[name] = case


def _ctor_cases() -> None:
    P, W, G = "PolynomialDecay", "LinearWarmup", "Geometric"
    for name, kwargs, names, errors, paddle in [
        ("decay_steps=0", {"decay_steps": 0}, ("decay_steps",), VALUE, AssertionError),
        ("decay_steps=-3", {"decay_steps": -3}, ("decay_steps",), VALUE, AssertionError),
        ("decay_steps=2.0", {"decay_steps": 2.0}, ("decay_steps",), EITHER, AssertionError),
        ("decay_steps='10'", {"decay_steps": "10"}, ("decay_steps",), EITHER, TypeError),
        ("decay_steps=None", {"decay_steps": None}, ("decay_steps",), EITHER, TypeError),
        ("power=0", {"power": 0}, ("power",), VALUE, AssertionError),
        ("power=-1.0", {"power": -1.0}, ("power",), VALUE, AssertionError),
        ("power=nan", {"power": NAN}, ("power",), VALUE, AssertionError),
        ("power='2'", {"power": "2"}, ("power",), EITHER, TypeError),
        ("learning_rate=-0.1", {"learning_rate": -0.1}, ("learning_rate",), VALUE, ValueError),
        ("learning_rate=-inf", {"learning_rate": -INF}, ("learning_rate",), VALUE, ValueError),
        ("learning_rate=nan", {"learning_rate": NAN}, ("learning_rate",), VALUE, None),
        ("learning_rate=inf", {"learning_rate": INF}, ("learning_rate",), VALUE, None),
        ("learning_rate='0.1'", {"learning_rate": "0.1"}, ("learning_rate",), TYPE, TypeError),
        ("learning_rate=None", {"learning_rate": None}, ("learning_rate",), TYPE, TypeError),
        ("end_lr=nan", {"end_lr": NAN}, ("end_lr",), VALUE, None),
        ("end_lr=inf", {"end_lr": INF}, ("end_lr",), VALUE, None),
        ("end_lr='0'", {"end_lr": "0"}, ("end_lr",), EITHER, TypeError),
        ("last_epoch='x'", {"last_epoch": "x"}, ("last_epoch",), TYPE, TypeError),
    ]:
        full = {"learning_rate": 0.1, "decay_steps": 10} | kwargs
        _add(f"poly-{name}", Case(construct(P, **full), names, errors, paddle, needs=(P,)))

    for name, args, kwargs, names, errors, paddle in [
        ("warmup_steps=0", (NESTED, 0, 0.0, 0.1), {}, ("warmup_steps",), VALUE, AssertionError),
        ("warmup_steps=-1", (0.5, -1, 0.0, 0.1), {}, ("warmup_steps",), VALUE, AssertionError),
        (
            "warmup_steps=2.5",
            (NESTED, 2.5, 0.0, 0.1),
            {},
            ("warmup_steps",),
            EITHER,
            AssertionError,
        ),
        ("warmup_steps='3'", (0.5, "3", 0.0, 0.1), {}, ("warmup_steps",), EITHER, TypeError),
        ("warmup_steps=None", (NESTED, None, 0.0, 0.1), {}, ("warmup_steps",), EITHER, TypeError),
        ("end_lr=start_lr", (0.5, 2, 0.1, 0.1), {}, ("end_lr",), VALUE, AssertionError),
        ("end_lr<start_lr", (NESTED, 2, 0.2, 0.1), {}, ("end_lr",), VALUE, AssertionError),
        ("start_lr=-0.1", (0.5, 2, -0.1, 0.1), {}, ("start_lr",), VALUE, ValueError),
        ("start_lr=-inf", (NESTED, 2, -INF, 0.1), {}, ("start_lr",), VALUE, ValueError),
        ("start_lr=nan", (0.5, 2, NAN, 0.1), {}, ("start_lr",), VALUE, AssertionError),
        ("start_lr='0'", (0.5, 2, "0", 0.1), {}, ("start_lr",), EITHER, TypeError),
        ("end_lr=nan", (NESTED, 2, 0.0, NAN), {}, ("end_lr",), VALUE, AssertionError),
        ("end_lr=inf", (0.5, 2, 0.0, INF), {}, ("end_lr",), VALUE, None),
        ("learning_rate='0.1'", ("0.1", 2, 0.0, 0.1), {}, ("learning_rate",), TYPE, TypeError),
        ("learning_rate=None", (None, 2, 0.0, 0.1), {}, ("learning_rate",), TYPE, TypeError),
        ("learning_rate=[0.1]", ([0.1], 2, 0.0, 0.1), {}, ("learning_rate",), TYPE, TypeError),
        (
            "learning_rate=object()",
            (object(), 2, 0.0, 0.1),
            {},
            ("learning_rate",),
            TYPE,
            TypeError,
        ),
        (
            "last_epoch='x'",
            (NESTED, 2, 0.0, 0.1),
            {"last_epoch": "x"},
            ("last_epoch",),
            TYPE,
            TypeError,
        ),
    ]:
        uses_nested = NESTED in args
        setup, needs = SETUPS["poly"] if uses_nested else (None, ())
        case = Case(construct(W, *args, **kwargs), names, errors, paddle, (W, *needs), setup)
        _add(f"warmup-{name}", case)

    def class_as_learning_rate(m: ModuleType, nested: Any) -> Any:
        return m.LinearWarmup(m.PolynomialDecay, 2, 0.0, 0.1)  # the class, not an instance

    _add(
        "warmup-learning_rate=a-class",
        Case(class_as_learning_rate, ("learning_rate",), TYPE, TypeError, (W, P)),
    )

    for name, lr, errors, paddle in [
        ("learning_rate=-1", -1, VALUE, ValueError),
        ("learning_rate=nan", NAN, VALUE, None),
        ("learning_rate=inf", INF, VALUE, None),
        ("learning_rate='0.1'", "0.1", TYPE, TypeError),
    ]:
        case = Case(construct(G, lr, 0.9), ("learning_rate",), errors, paddle, ("LRScheduler",))
        _add(f"subclass-{name}", case)

    _add(
        "base-class-has-no-get_lr",
        Case(
            construct("LRScheduler"),
            (),
            (NotImplementedError,),
            NotImplementedError,
            ("LRScheduler",),
        ),
    )


def _step_cases() -> None:
    for setup_name, (setup, needs) in SETUPS.items():
        for label, epoch, paddle in [
            ("1.5", 1.5, None),
            ("'3'", "3", TypeError),
            ("[1]", [1], TypeError),
        ]:
            act = (lambda e: lambda m, s: s.step(epoch=e))(epoch)
            case = Case(act, ("epoch",), TYPE, paddle, needs, setup)
            _add(f"step-{setup_name}-epoch={label}", case)


def _state_cases() -> None:
    nested_ok = {"last_epoch": 1, "last_lr": 0.1}
    for setup_name, state, names, errors, paddle, method in [
        ("poly", {}, ("last_epoch",), MISSING, RuntimeError, "set_state_dict"),
        ("poly", {"last_epoch": 3}, ("last_lr",), MISSING, RuntimeError, "set_state_dict"),
        ("poly", {"last_lr": 0.1}, ("last_epoch",), MISSING, RuntimeError, "set_dict"),
        ("subclass", {"last_epoch": 3}, ("last_lr",), MISSING, RuntimeError, "set_state_dict"),
        ("warmup-float", {"last_epoch": 3}, ("last_lr",), MISSING, RuntimeError, "set_state_dict"),
        ("warmup-poly", {"last_epoch": 3}, ("last_lr",), MISSING, RuntimeError, "set_state_dict"),
        (
            "warmup-poly",
            {"last_epoch": 3, "last_lr": 0.1},
            ("LinearWarmup_LR",),
            MISSING,
            KeyError,
            "set_state_dict",
        ),
        (
            "warmup-poly",
            {"last_epoch": 3, "last_lr": 0.1, "LinearWarmup_LR": {"last_epoch": 1}},
            ("last_lr",),
            MISSING,
            RuntimeError,
            "set_state_dict",
        ),
        (
            "warmup-subclass",
            {"last_epoch": 3, "last_lr": 0.1, "LinearWarmup_LR": {"last_lr": 0.1}},
            ("last_epoch",),
            MISSING,
            RuntimeError,
            "set_state_dict",
        ),
        (
            "poly",
            {"last_epoch": "3", "last_lr": 0.1},
            ("last_epoch",),
            TYPE,
            None,
            "set_state_dict",
        ),
        ("poly", {"last_epoch": 3, "last_lr": "x"}, ("last_lr",), TYPE, None, "set_state_dict"),
        (
            "warmup-poly",
            {"last_epoch": 3, "last_lr": 0.1, "LinearWarmup_LR": {**nested_ok, "last_epoch": "1"}},
            ("last_epoch",),
            TYPE,
            None,
            "set_state_dict",
        ),
    ]:
        setup, needs = SETUPS[setup_name]
        act = (lambda st, me: lambda m, s: getattr(s, me)(dict(st)))(state, method)
        keys = ",".join(f"{k}={v!r}" for k, v in state.items()) or "empty"
        _add(f"{method}-{setup_name}-{keys}", Case(act, names, errors, paddle, needs, setup))


_ctor_cases()
_step_cases()
_state_cases()


def _params() -> list:
    return [
        pytest.param(case, id=name)
        for name, case in CASES.items()
        if all(c in IMPLEMENTED for c in case.needs)
    ]


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("case", _params())
def test_rejected(case: Case, plr) -> None:
    sched = case.setup(fw, plr) if case.setup else None
    before = canon(sched) if sched is not None else None
    try:
        case.act(fw, sched)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a PyO3 PanicException is a BaseException
        raised = exc
    else:
        pytest.fail("accepted")
    assert isinstance(raised, case.errors), (
        f"raised {type(raised).__module__}.{type(raised).__name__}({raised}); expected one of "
        f"{[e.__name__ for e in case.errors]}"
    )
    assert not case.names or any(n in str(raised) for n in case.names), (
        f"the message {str(raised)!r} does not name {' or '.join(case.names)}"
    )
    if sched is not None:
        assert canon(sched) == before, "the rejected call changed the scheduler"


@pytest.mark.parametrize("case", _params())
def test_paddle_column(case: Case, plr) -> None:
    """What each case records about paddle 3.3.1 is what paddle does."""
    sched = case.setup(plr, plr) if case.setup else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            case.act(plr, sched)
        except Exception as exc:
            assert type(exc) is case.paddle, f"paddle raised {exc!r}, recorded {case.paddle}"
        else:
            assert case.paddle is None, f"paddle accepted the call, recorded {case.paddle}"


@pytest.mark.fastwarmup_only
@pytest.mark.skipif(
    not {"PolynomialDecay", "LinearWarmup"} <= set(IMPLEMENTED), reason="issue 1's classes"
)
def test_rejected_under_python_O() -> None:
    """paddle's asserts vanish under ``python -O``; fastwarmup's checks do not."""
    code = (
        "from fastwarmup import lr\n"
        "for args in [('PolynomialDecay', 0.1, 0), ('PolynomialDecay', 0.1, 5, 0.0, 0),\n"
        "             ('LinearWarmup', 0.5, 0, 0.0, 0.1), ('LinearWarmup', 0.5, 2, 0.2, 0.1)]:\n"
        "    try:\n"
        "        getattr(lr, args[0])(*args[1:])\n"
        "    except ValueError:\n"
        "        continue\n"
        "    raise SystemExit(f'accepted under -O: {args}')\n"
    )
    result = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout


# --- checks every implemented class makes --------------------------------------------------

# the argument paddle passes to LRScheduler.__init__ as the learning rate (checked there)
LR_ARGUMENT = {"LinearWarmup": "start_lr", "CyclicLR": "base_learning_rate"}
LR_ARGUMENT |= {"OneCycleLR": "max_learning_rate"}
BAD_LR = [(-0.1, ValueError), (NAN, ValueError), (INF, ValueError), ("0.1", TypeError)]
# a NumPy float array has an __index__ that refuses: the message must still name the argument
BAD_LR += [(np.array([0.1]), TypeError)]


def _valid(cls: str) -> Config:
    rng = random.Random(f"{SEED}:errors:{cls}")
    return random_config(rng, [cls], nested=IMPLEMENTED, foreign_p=0.0, verbose_p=0.0)


def _expect_rejection(call: Callable[[], Any], error: type[Exception], name: str) -> None:
    try:
        call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        assert type(exc) is error or isinstance(exc, error), f"raised {exc!r}, not {error}"
        assert name in str(exc), f"the message {str(exc)!r} does not name {name}"
    else:
        pytest.fail("accepted")


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize(("value", "error"), BAD_LR, ids=[repr(v) for v, _ in BAD_LR])
@pytest.mark.parametrize("cls", [c for c in IMPLEMENTED if c != "PiecewiseDecay"])
def test_bad_learning_rate_in_every_class(cls: str, value: Any, error: type, plr) -> None:
    cfg = _valid(cls)
    name = LR_ARGUMENT.get(cls, "learning_rate")
    bad = Config(cls, cfg.kwargs | {name: value}, sub=cfg.sub)
    _expect_rejection(lambda: build(bad, fw, plr), error, name)


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("epoch", [1.5, "3", [1], np.array([1.5])], ids=repr)
@pytest.mark.parametrize("cls", IMPLEMENTED)
def test_non_int_epoch_in_every_class(cls: str, epoch: Any, plr) -> None:
    sched = build(_valid(cls), fw, plr)
    before = canon(sched)
    if cls == "ReduceOnPlateau":
        _expect_rejection(lambda: sched.step(0.5, epoch=epoch), TypeError, "epoch")
    else:
        _expect_rejection(lambda: sched.step(epoch=epoch), TypeError, "epoch")
    assert canon(sched) == before


# --- garbage in, never a crash --------------------------------------------------------------

GARBAGE = [
    *(-1, 0, 1, 2, 7, 2**63, -(2**63) - 1, 2**64),
    *(0.0, -0.0, 0.5, 1.5, -0.5, NAN, INF, -INF),
    *("1", "", None, True, False, [1], (), {}),
]
TOLERATED = (TypeError, ValueError, OverflowError)  # fastwarmup may be stricter than paddle


def _no_huge(pool: list[Any]) -> list[Any]:
    return [g for g in pool if not (isinstance(g, int) and abs(g) > 10**6)]


def _garbage_for(cfg: Config) -> list[Any]:
    """No huge ints where paddle's cost grows with the epoch (MultiplicativeDecay loops)."""
    return _no_huge(GARBAGE) if cap(cfg) is not None and not raises_past_cap(cfg) else GARBAGE


def _attempt(fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(), None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            return None, exc


def _judge(what: str, pd_exc: BaseException | None, fw_exc: BaseException | None) -> None:
    if fw_exc is None:
        assert pd_exc is None, f"{what}: fastwarmup accepted what paddle rejects ({pd_exc!r})"
        return
    assert isinstance(fw_exc, Exception), f"{what}: {fw_exc!r} is not an Exception (a panic?)"
    if SELFCHECK:
        assert type(fw_exc) is type(pd_exc), f"{what}: {fw_exc!r} vs paddle {pd_exc!r}"
        return
    assert not isinstance(fw_exc, AssertionError), f"{what}: AssertionError {fw_exc}"
    assert isinstance(fw_exc, TOLERATED) or type(fw_exc) is type(pd_exc), (
        f"{what}: fastwarmup raised {fw_exc!r}, paddle {pd_exc!r}"
    )


@hypothesis_seed(SEED)
@settings(max_examples=400)
@given(data=st.data())
def test_garbage_is_rejected_or_matches_paddle(data: st.DataObject, plr) -> None:
    """Random valid configurations with one or two arguments, then epochs, replaced by junk:
    fastwarmup raises an Exception paddle would allow for (never a panic or an assert), or
    accepts it as paddle does, with the same values."""
    if not IMPLEMENTED:
        pytest.skip("no implemented class")
    cls = data.draw(st.sampled_from(IMPLEMENTED))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    cfg = random_config(rng, [cls], nested=IMPLEMENTED, foreign_p=0.0, verbose_p=0.0)
    garbage = _garbage_for(cfg)
    # the library's arguments only (a user subclass's own are its business)
    targets = [p for p in cfg.params if not cfg.sub or p in ("learning_rate", "last_epoch")]
    kwargs = dict(cfg.kwargs)
    for _ in range(data.draw(st.integers(1, 2))):
        value = data.draw(st.sampled_from(garbage))
        kwargs[data.draw(st.sampled_from(targets))] = value
        if isinstance(value, int):  # then no huge epoch: paddle's int ** epoch would not end
            garbage = _no_huge(garbage)
    bad = Config(cfg.cls, {p: kwargs[p] for p in cfg.params if p in kwargs}, sub=cfg.sub)
    pd, pd_exc = _attempt(lambda: build(bad, plr, plr))
    f, fw_exc = _attempt(lambda: build(bad, fw, plr))
    _judge(f"{bad!r}", pd_exc, fw_exc)
    if pd is None or f is None:
        return
    epochs = st.one_of(st.none(), st.integers(-3, 40), st.sampled_from(garbage))
    for _ in range(4):
        epoch = data.draw(epochs)
        args = () if epoch is None else (epoch,)
        _, pd_exc = _attempt(functools.partial(pd.step, *args))
        _, fw_exc = _attempt(functools.partial(f.step, *args))
        _judge(f"{bad!r}.step({epoch!r})", pd_exc, fw_exc)
        if pd_exc is not None or fw_exc is not None:
            return
        assert same(pd(), f()), f"{bad!r}.step({epoch!r}): paddle {pd()!r}, fastwarmup {f()!r}"


class _Junk:
    """A scheduler-like object whose value fastwarmup refuses."""

    def __init__(self) -> None:
        self.last_epoch = -1

    def step(self, epoch=None) -> None:
        self.last_epoch = epoch

    def __call__(self) -> str:
        return "junk"

    def state_dict(self) -> dict:
        return {"last_epoch": self.last_epoch}

    def set_state_dict(self, state: dict) -> None:
        self.last_epoch = state["last_epoch"]


@pytest.mark.fastwarmup_only
def test_rejected_nested_step_leaves_the_nest_unchanged() -> None:
    sched = fw.LinearWarmup(_Junk(), 2, 0.0, 0.5)
    before = (sched.last_epoch, sched.learning_rate.last_epoch)
    with pytest.raises(TypeError):
        sched.step(5)
    assert (sched.last_epoch, sched.learning_rate.last_epoch) == before


@pytest.mark.fastwarmup_only
def test_raising_paddle_nest_is_rolled_back(plr) -> None:
    inner = plr.LambdaDecay(0.1, lambda e: 1 / (3 - e))  # raises at epoch 3
    sched = fw.LinearWarmup(inner, 2, 0.0, 0.5)
    for _ in range(4):
        sched.step()
    before = (sched.state_dict(), inner.state_dict())
    with pytest.raises(ZeroDivisionError):
        sched.step()
    assert (sched.state_dict(), inner.state_dict()) == before
