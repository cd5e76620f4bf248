"""Named edge cases of PolynomialDecay, LinearWarmup and user subclasses of LRScheduler, each a
configuration and a fixed operation sequence compared with paddle by ``_parity.Pair``."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from _configs import C, Config, build, walk
from _libs import IMPLEMENTED, fw
from _parity import STEP, Pair, apply_op, jump, steps

POLY = "PolynomialDecay"
WARM = "LinearWarmup"
CROSS = [("cross", "pd2fw", "set_state_dict"), ("cross", "fw2pd", "set_state_dict")]
# a walk through warm-up, decay, past the end, and back: jumps to 0, to boundaries, backwards
WALK = [
    *steps(14),
    jump(0),
    *steps(3),
    jump(1, keyword=True),
    jump(10),
    jump(9),
    *CROSS,
    *steps(12),
    jump(0, keyword=True),
    jump(25),
    *steps(3),
]


def poly(*args: object, **kwargs: object) -> Config:
    return C(POLY, *args, **kwargs)


def warm(*args: object, **kwargs: object) -> Config:
    return C(WARM, *args, **kwargs)


def geometric(*args: object, **kwargs: object) -> Config:
    return C("LRScheduler", *args, sub="Geometric", **kwargs)


def stairs(*args: object, **kwargs: object) -> Config:
    return C("LRScheduler", *args, sub="Stairs", **kwargs)


CASES: dict[str, tuple[Config, list[tuple]]] = {
    # warmup_steps=1: the warm-up is the single epoch 0
    "warmup-1": (warm(poly(0.1, 10), 1, 0.0, 0.1), WALK),
    "warmup-1-float": (warm(0.3, 1, 0.0, 0.5), WALK),
    # cycle=True: decay_steps grows to the next multiple; epoch 0 is "1 cycle"
    "cycle-jumps-to-0": (
        poly(0.1, 5, end_lr=0.001, power=2, cycle=True),
        [*steps(12), jump(0), *steps(6), jump(5), jump(10), jump(11), jump(0), *steps(3)],
    ),
    "cycle-decay-1": (poly(0.1, 1, cycle=True), [*steps(5), jump(0), STEP, jump(100)]),
    "cycle-in-warmup": (
        warm(poly(0.1, 3, cycle=True, power=0.5), 4, 0.0, 0.1),
        [*steps(20), jump(4), jump(0), jump(3), *steps(9)],
    ),
    "no-cycle-past-end": (poly(0.1, 4, end_lr=0.01), [*steps(10), jump(3), jump(1000)]),
    # construction past the start: last_epoch > -1
    "poly-last-epoch-5": (poly(0.1, 10, last_epoch=5), WALK),
    "poly-cycle-last-epoch-9": (poly(0.1, 4, cycle=True, last_epoch=9), WALK),
    "warmup-last-epoch-in-warmup": (warm(poly(0.1, 10), 5, 0.0, 0.1, last_epoch=3), WALK),
    "warmup-last-epoch-after": (warm(poly(0.1, 10), 5, 0.0, 0.1, last_epoch=7), WALK),
    "warmup-of-advanced-inner": (warm(poly(0.1, 10, last_epoch=4), 5, 0.0, 0.1), WALK),
    "subclass-last-epoch": (geometric(0.1, 0.9, last_epoch=3), WALK),
    # ints where paddle keeps them
    "warmup-int-constant": (warm(5, 3, 0, 10), WALK),
    "warmup-int-zero": (warm(0, 2, 0, 1), WALK),
    "poly-int-everything": (poly(1, 4, end_lr=0, power=2), WALK),
    "poly-int-end-above": (poly(2, 3, end_lr=3, power=1), WALK),
    "warmup-of-int-poly": (warm(poly(1, 5, end_lr=0), 2, 0, 1), WALK),
    "warmup-of-int-subclass": (warm(stairs(0.1, 4, 2), 2, 0, 1), WALK),
    # nesting
    "depth-3": (
        warm(warm(warm(poly(0.1, 10, cycle=True), 3, 0.0, 0.1), 2, 0.0, 0.05), 4, 0.0, 0.01),
        [*WALK, *steps(20), jump(9), jump(8)],
    ),
    "depth-3-int": (warm(warm(warm(7, 2, 0, 7), 2, 0, 1), 2, 0, 0.5), WALK),
    "depth-3-positional-and-verbose": (
        warm(warm(warm(poly(0.1, 6, verbose=True), 1, 0, 1), 1, 0, 1), 1, 0, 1, verbose=True),
        WALK,
    ),
    # user subclasses
    "subclass": (geometric(0.1, 0.9), WALK),
    "subclass-in-warmup": (warm(geometric(0.1, 0.9), 3, 0.0, 0.1), WALK),
    "subclass-int-in-warmup": (warm(stairs(0.5, 3, 1), 2, 0.0, 0.1), WALK),
    "subclass-depth-2": (warm(warm(geometric(0.2, 0.5), 2, 0.0, 0.2), 3, 0.0, 0.01), WALK),
    # a real paddle scheduler inside fastwarmup's LinearWarmup (all-paddle on the other side)
    "paddle-poly-in-warmup": (warm(poly(0.1, 10, power=0.9, foreign=True), 5, 0.0, 0.1), WALK),
    "paddle-warmup-in-warmup": (
        warm(warm(poly(0.1, 10, foreign=True), 2, 0.0, 0.1, foreign=True), 3, 0.0, 0.1),
        WALK,
    ),
    "paddle-subclass-in-warmup": (warm(geometric(0.1, 0.8, foreign=True), 2, 0.0, 0.1), WALK),
    "set-dict-on-poly": (poly(0.1, 10), [*steps(8), ("reload", "set_dict"), *steps(4)]),
}

POWERS = [0.5, 1, 1.0, 2, 2.0, 0.9, 3, 0.1]


def _runnable(cfg: Config) -> bool:
    return all(node.foreign or node.cls in IMPLEMENTED for node in walk(cfg))


def _cases() -> list:
    return [
        pytest.param(cfg, ops, id=name)
        for name, (cfg, ops) in CASES.items()
        if _runnable(cfg)  # all these classes are issue 1's; the guard keeps collection safe
    ]


@pytest.mark.parametrize(("cfg", "ops"), _cases())
def test_edge_case(cfg: Config, ops: list[tuple], plr) -> None:
    assert Pair(cfg, plr, fw).run(ops) == len(ops)


@pytest.mark.skipif(POLY not in IMPLEMENTED, reason="PolynomialDecay not implemented")
@pytest.mark.parametrize("cycle", [False, True], ids=["no-cycle", "cycle"])
@pytest.mark.parametrize("power", POWERS, ids=[f"power-{p!r}" for p in POWERS])
def test_power(power: float, cycle: bool, plr) -> None:
    cfg = poly(0.1, 10, end_lr=1e-4, power=power, cycle=cycle)
    ops = [*steps(25), jump(0), *steps(3), jump(37), jump(10), jump(20), jump(21)]
    assert Pair(cfg, plr, fw).run(ops) == len(ops)


@pytest.mark.skipif(WARM not in IMPLEMENTED, reason="LinearWarmup not implemented")
@pytest.mark.parametrize(
    "nested",
    [poly(0.1, 10), geometric(0.1, 0.9), poly(0.1, 10, foreign=True), warm(0.2, 2, 0.0, 0.2)],
    ids=["fastwarmup", "subclass", "paddle", "warmup"],
)
def test_learning_rate_is_the_nested_object(nested: Config, plr) -> None:
    inner = build(nested, fw, plr)
    outer = fw.LinearWarmup(inner, 3, 0.0, 0.1)
    assert outer.learning_rate is inner
    for _ in range(6):
        outer.step()
    assert outer.learning_rate is inner
    assert inner.last_epoch == 3  # epoch 6 - warmup 3: stepped through the object itself
    assert (
        fw.LinearWarmup(learning_rate=inner, warmup_steps=1, start_lr=0, end_lr=1).learning_rate
        is inner
    )


VERBOSE_CASES = {
    "warmup-of-poly": (
        warm(poly(0.1, 4, verbose=True), 2, 0.0, 0.1, verbose=True),
        "Epoch 0: PolynomialDecay set learning rate to 0.1.\n"
        "Epoch 0: LinearWarmup set learning rate to 0.0.\n"
        "Epoch 1: LinearWarmup set learning rate to 0.05.\n"
        "Epoch 0: PolynomialDecay set learning rate to 0.1.\n"
        "Epoch 2: LinearWarmup set learning rate to 0.1.\n",
    ),
    "depth-3": (
        warm(warm(warm(poly(1, 2, verbose=True), 1, 0, 1, verbose=True), 1, 0, 1), 1, 0, 1, True),
        "Epoch 0: PolynomialDecay set learning rate to 1.0.\n"
        "Epoch 0: LinearWarmup set learning rate to 0.0.\n"
        "Epoch 0: LinearWarmup set learning rate to 0.0.\n",
    ),
    "int-constant": (
        warm(3, 1, 0, 3, verbose=True),
        "Epoch 0: LinearWarmup set learning rate to 0.0.\n",
    ),
    "subclass": (
        warm(geometric(0.5, 0.5, verbose=True), 1, 0.0, 0.5, verbose=True),
        "Epoch 0: Geometric set learning rate to 0.5.\n"
        "Epoch 0: LinearWarmup set learning rate to 0.0.\n",
    ),
    "paddle-inner": (
        warm(poly(0.1, 4, verbose=True, foreign=True), 1, 0.0, 0.1, verbose=True),
        "Epoch 0: PolynomialDecay set learning rate to 0.1.\n",
    ),
    "quiet-outer": (warm(poly(0.1, 4, verbose=True), 2, 0.0, 0.1), ""),
}


@pytest.mark.parametrize(
    ("cfg", "head"),
    [pytest.param(c, h, id=n) for n, (c, h) in VERBOSE_CASES.items() if _runnable(c)],
)
def test_verbose_output(cfg: Config, head: str, plr, capsys: pytest.CaptureFixture[str]) -> None:
    """The printed lines, nested schedulers' included, are paddle's, in paddle's order."""
    ops = [*steps(6), jump(0), jump(3, keyword=True), *steps(2)]
    printed = {}
    for side, module in (("paddle", plr), ("fastwarmup", fw)):
        sched = build(cfg, module, plr)
        for op in ops:
            apply_op(sched, op)
        printed[side] = capsys.readouterr().out
    assert printed["fastwarmup"] == printed["paddle"]
    assert printed["paddle"].startswith(head)


@pytest.mark.skipif(WARM not in IMPLEMENTED, reason="LinearWarmup not implemented")
def test_state_dict_shape(plr) -> None:
    """Paddle's keys, the nested dict under ``LinearWarmup_LR`` only for a nested scheduler."""
    for cfg in (warm(0.5, 2, 0.0, 0.5), warm(poly(0.1, 3), 2, 0.0, 0.1)):
        pd, f = build(cfg, plr, plr), build(cfg, fw, plr)
        for _ in range(4):
            pd.step()
            f.step()
        pd_state, fw_state = pd.state_dict(), f.state_dict()
        assert set(pd_state) <= set(fw_state)
        assert ("LinearWarmup_LR" in fw_state) == ("LinearWarmup_LR" in pd_state)
        # a state dict is a snapshot: later steps do not change it
        before = copy.deepcopy(fw_state)
        f.step()
        assert fw_state == before


GET_LR_CASES = {
    "poly": poly(0.1, 10, power=0.9),
    "poly-cycle": poly(0.1, 4, cycle=True),
    "subclass": geometric(0.1, 0.9),
    "subclass-int": stairs(0.1, 3, 2),
    "warmup-float": warm(0.5, 3, 0.0, 0.5),
    "warmup-poly": warm(poly(0.1, 10), 3, 0.0, 0.1),
}


@pytest.mark.parametrize(
    "cfg", [pytest.param(c, id=n) for n, c in GET_LR_CASES.items() if _runnable(c)]
)
def test_get_lr(cfg: Config, plr) -> None:
    """``get_lr()``: paddle's value, and paddle's side effects (LinearWarmup steps its nested
    scheduler to ``last_epoch - warmup_steps``; the others have none)."""
    pair = Pair(cfg, plr, fw)
    for op in [*steps(5), jump(12), jump(0), *steps(3), jump(2)]:
        pair.do(op)
        pair.expect(f"get_lr() after {op}", pair.pd.get_lr(), pair.f.get_lr())
        pair.check(f"after get_lr() after {op}")


@pytest.mark.fastwarmup_only
def test_set_dict_on_warmup_restores_the_nest_too(plr) -> None:
    """paddle binds ``set_dict = set_state_dict`` in the base class, so its
    ``LinearWarmup.set_dict`` skips the nested state; fastwarmup's is a true alias (a checkpoint
    restored with it continues exactly, whatever the nest is)."""
    uninterrupted = plr.LinearWarmup(plr.LinearLR(0.1, 30), 3, 0.0, 0.1)
    saved = fw.LinearWarmup(fw.LinearLR(0.1, 30), 3, 0.0, 0.1)
    for _ in range(12):
        uninterrupted.step()
        saved.step()
    resumed = fw.LinearWarmup(fw.LinearLR(0.1, 30), 3, 0.0, 0.1)
    resumed.set_dict(saved.state_dict())
    assert resumed.state_dict() == saved.state_dict()
    for _ in range(25):
        assert resumed() == uninterrupted()
        resumed.step()
        uninterrupted.step()


@pytest.mark.fastwarmup_only
@pytest.mark.parametrize("t_mult", [1, 2, 3])
@pytest.mark.parametrize("stop", [1, 4, 5, 17, 44])
def test_warm_restarts_resume_from_paddle_dict(t_mult: int, stop: int, plr) -> None:
    """paddle's state dict omits T_cur/T_i, so paddle itself resumes at the start of a cycle;
    fastwarmup rebuilds them from last_epoch and continues exactly like paddle uninterrupted."""
    uninterrupted = plr.CosineAnnealingWarmRestarts(0.1, 5, T_mult=t_mult, eta_min=0.001)
    for _ in range(stop):
        uninterrupted.step()
    resumed = fw.CosineAnnealingWarmRestarts(0.1, 5, T_mult=t_mult, eta_min=0.001)
    resumed.set_state_dict(uninterrupted.state_dict())
    for _ in range(120):
        assert resumed() == uninterrupted()
        resumed.step()
        uninterrupted.step()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_plateau_best_keeps_numpy_type_across_checkpoints(dtype: str, plr) -> None:
    """A float32 ``best`` compares in float32 in paddle; a checkpoint must not turn it into a
    Python float (the resumed run would reduce the learning rate at a different step)."""
    np_type = getattr(np, dtype)
    first, second = np_type(3.679991), np_type(3.679623)

    def started(module):
        sched = module.ReduceOnPlateau(learning_rate=1.0, patience=0, factor=0.5)
        sched.step(first)
        return sched

    uninterrupted = started(plr)
    uninterrupted.step(second)
    for source, target in [(fw, fw), (fw, plr), (plr, fw)]:
        resumed = target.ReduceOnPlateau(learning_rate=1.0, patience=0, factor=0.5)
        resumed.set_state_dict(started(source).state_dict())
        resumed.step(second)
        assert resumed() == uninterrupted(), (source.__name__, target.__name__)
    assert type(started(fw).state_dict()["best"]) is type(started(plr).state_dict()["best"])


def test_shallow_copy_shares_the_nest_and_deep_copy_does_not(plr) -> None:
    for module in (plr, fw):
        sched = module.LinearWarmup(module.StepDecay(0.1, 2), 2, 0.0, 0.5)
        assert copy.copy(sched).learning_rate is sched.learning_rate
        assert copy.deepcopy(sched).learning_rate is not sched.learning_rate
    shallow = copy.copy(sched)
    for _ in range(5):
        shallow.step()
    assert sched.learning_rate.last_epoch == shallow.learning_rate.last_epoch == 3
    assert sched.last_epoch == 0
