"""The harness checks itself: the registry covers paddle's classes and its generators make
configurations paddle accepts (all 17, implemented in fastwarmup or not), the comparisons are
bit-exact and type-exact, and the driver catches planted differences (paddle classes with one
small defect each, standing in for fastwarmup). Needs paddle only, so it runs in the
self-check as well."""

from __future__ import annotations

import math
import random
import types

import pytest

from _configs import ALL_CLASSES, REGISTRY, C, Config, random_config
from _libs import SEED
from _parity import STEP, Mismatch, Pair, first_difference, jump, make_ops, same, steps

NAN = float("nan")


def test_registry_has_every_paddle_class(plr) -> None:
    assert tuple(plr.__all__) == ALL_CLASSES
    assert set(REGISTRY) == set(ALL_CLASSES)


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_generator_is_valid_for_paddle(cls: str, plr) -> None:
    """Every generator (implemented in fastwarmup or not yet) makes configurations paddle
    accepts and operation sequences paddle runs to the end without an error (but for an
    OverflowError at a huge epoch: ``2.0 ** cycle`` overflows in CyclicLR's scale functions)."""
    for i in range(40):
        rng = random.Random(f"{SEED}:generator:{cls}:{i}")
        cfg = random_config(rng, [cls], nested=ALL_CLASSES, foreign_p=0.0)
        ops = make_ops(cfg, rng, 40)
        pair = Pair(cfg, plr, plr)
        done = pair.run(ops)
        if done < len(ops):
            last = ops[done - 1]
            huge = last[0] == "jump" and last[1] >= 10**6
            assert huge and isinstance(pair.stopped_by, OverflowError), (
                f"paddle raised {pair.stopped_by!r} on {cfg!r} at op {last}"
            )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (0.1, 0.1, True),
        (0.0, -0.0, False),
        (1, 1.0, False),
        (True, 1, False),
        (0.1, math.nextafter(0.1, 1), False),
        (NAN, NAN, True),
        ({"a": 1, "b": 0.5}, {"a": 1, "b": 0.5, "extra": 3}, True),
        ({"a": 1, "b": 0.5}, {"a": 1}, False),
        ({"n": {"x": 1.0}}, {"n": {"x": 1}}, False),
        ([1, 2], (1, 2), False),
        (None, None, True),
    ],
)
def test_same_is_exact(a: object, b: object, expected: bool) -> None:
    assert same(a, b) is expected


def test_first_difference_reports_the_first_index() -> None:
    values = [0.1 * i for i in range(1000)]
    assert first_difference(values, list(values)) is None
    off = list(values)
    off[700] = math.nextafter(off[700], 2)
    off[900] = 5.0
    assert "step 700" in first_difference(values, off)
    typed = [*values[:10], 5, *values[11:]]
    typed_float = [*values[:10], 5.0, *values[11:]]
    assert "type difference at step 10" in first_difference(typed, typed_float)
    assert "lengths differ" in first_difference(values, values[:-1])


# --- planted defects ------------------------------------------------------------------------


def _ulp_at_decay_end(base: type) -> dict:
    def get_lr(self):
        value = base.get_lr(self)
        return math.nextafter(value, 1) if self.last_epoch == self.decay_steps else value

    return {"get_lr": get_lr}


def _float_instead_of_int(base: type) -> dict:
    return {"get_lr": lambda self: float(base.get_lr(self))}


def _no_nested_state(base: type) -> dict:
    return {"state_dict": lambda self: base.state_dict(self) | {"LinearWarmup_LR": {}}}


def _loads_epoch_only(base: type) -> dict:
    def set_state_dict(self, state):
        self.last_epoch = state["last_epoch"]

    return {"set_state_dict": set_state_dict, "set_dict": set_state_dict}


def _jump_to_zero_is_a_step(base: type) -> dict:
    return {"step": lambda self, epoch=None: base.step(self, None if epoch == 0 else epoch)}


def _extra_space_when_verbose(base: type) -> dict:
    def step(self, epoch=None):
        base.step(self, epoch)
        if self.verbose:
            print(" ")

    return {"step": step}


def _copied_nested(base: type) -> dict:
    def __init__(self, learning_rate, *args, **kwargs):
        base.__init__(self, learning_rate, *args, **kwargs)
        self.__dict__["learning_rate"] = type(learning_rate).__new__(type(learning_rate))
        self.learning_rate.__dict__.update(learning_rate.__dict__)

    return {"__init__": __init__}


POLY = C("PolynomialDecay", 0.1, 10)
WARM_POLY = C("LinearWarmup", POLY, 2, 0.0, 0.1)

DEFECTS = {
    "one-ulp": ("PolynomialDecay", _ulp_at_decay_end, POLY, steps(12)),
    "int-becomes-float": (
        "LinearWarmup",
        _float_instead_of_int,
        C("LinearWarmup", 5, 3, 0, 10),
        steps(5),
    ),
    "nested-state-missing": ("LinearWarmup", _no_nested_state, WARM_POLY, steps(1)),
    "state-load-incomplete": (
        "PolynomialDecay",
        _loads_epoch_only,
        POLY,
        [*steps(3), ("cross", "pd2fw", "set_state_dict")],
    ),
    "jump-to-zero": ("PolynomialDecay", _jump_to_zero_is_a_step, POLY, [*steps(5), jump(0)]),
    "verbose-text": (
        "LinearWarmup",
        _extra_space_when_verbose,
        C("LinearWarmup", 0.5, 2, 0.0, 0.5, verbose=True),
        [STEP],
    ),
    "nested-not-identical": ("LinearWarmup", _copied_nested, WARM_POLY, steps(4)),
}


def _mutant_module(plr: types.ModuleType, cls: str, defect) -> types.ModuleType:
    module = types.ModuleType("mutant")
    for name in plr.__all__:
        setattr(module, name, getattr(plr, name))
    base = getattr(plr, cls)
    setattr(module, cls, type(cls, (base,), defect(base)))
    return module


@pytest.mark.parametrize(("cls", "defect", "cfg", "ops"), DEFECTS.values(), ids=DEFECTS.keys())
def test_driver_catches(cls: str, defect, cfg: Config, ops: list, plr) -> None:
    mutant = _mutant_module(plr, cls, defect)
    assert Pair(cfg, plr, plr).run(ops) == len(ops)  # the unmodified pair agrees
    with pytest.raises(Mismatch):
        Pair(cfg, plr, mutant).run(ops)
