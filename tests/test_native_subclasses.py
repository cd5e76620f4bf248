"""Python subclasses of fastwarmup's classes that override none of a schedule's methods step in
Rust: nested in ``LinearWarmup`` they are stepped natively (not through Python), and they get
their own fast ``step`` descriptor. ``fastwarmup.paddle.lr`` relies on this. A subclass that
does override ``step``, ``__call__`` or ``get_lr`` is called as paddle would call it."""

from __future__ import annotations

import contextlib
import io
import random
import subprocess
import sys

import numpy as np
import pytest

from fastwarmup import lr

import _subclassed
from _configs import random_configs
from _libs import IMPLEMENTED, SEED, SELFCHECK
from _parity import Pair, make_ops

pytestmark = pytest.mark.fastwarmup_only

# Every fifth configuration of the main random sweep's kind, on each subclassed module.
N_CONFIGS = 300
CONFIGS = random_configs(SEED + 1, N_CONFIGS, IMPLEMENTED) if not SELFCHECK else []


def paddle_module():
    pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as module

    return module


MODULES = {"subclassed": lambda: _subclassed, "fastwarmup.paddle": paddle_module}


@pytest.mark.parametrize("module", list(MODULES))
@pytest.mark.parametrize("index", range(len(CONFIGS)))
def test_random_operations(module: str, index: int, plr) -> None:
    cfg = CONFIGS[index]
    rng = random.Random(f"{SEED}:native-subclass:{module}:{index}")
    ops = make_ops(cfg, rng, rng.randint(100, 200))
    Pair(cfg, plr, MODULES[module](), label=f"{module} config {index}").run(ops)


def seed_pair(module):
    decay = module.PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9)
    return module.LinearWarmup(decay, 100, 0.0, 0.1)


def values(sched, n: int) -> list:
    out = []
    for _ in range(n):
        out.append(sched())
        sched.step()
    return out


def test_direct_subclasses_get_their_own_step_descriptor() -> None:
    class Plain(lr.PolynomialDecay):
        pass

    class Deeper(Plain):
        pass

    step = Plain.__dict__["step"]
    assert type(step) is type(lr.PolynomialDecay.__dict__["step"])
    assert step.__objclass__ is Plain
    # Below a Python class, step is inherited as Python inherits it (see the next test).
    assert "step" not in Deeper.__dict__


def test_a_step_patched_onto_a_python_parent_reaches_its_subclasses(plr) -> None:
    def run(module):
        calls = []
        parent = type("Parent", (module.PolynomialDecay,), {})
        child = type("Child", (parent,), {})
        original = parent.step
        parent.step = lambda self, epoch=None: (calls.append(epoch), original(self, epoch))[1]
        s = child(1.0, 10)
        s.step()
        s.step(4)
        return calls, s()

    assert run(lr) == run(plr) == ([None, None, 4], run(plr)[1])


def test_base_step_of_a_python_lrscheduler_subclass_is_paddles_base_step(plr) -> None:
    def run(module):
        s = module.CosineAnnealingWarmRestarts(1.0, 3, T_mult=2)
        for _ in range(5):
            s.step()
        module.LRScheduler.step(s)
        module.LRScheduler.step(s)
        module.LRScheduler.step(s, 7)
        return s()

    assert run(paddle_module()) == run(plr) == 0.75


def test_instance_and_lookup_overrides_keep_a_nest_on_paddles_protocol(plr) -> None:
    def run(module, how):
        calls = []
        if how == "instance step":
            inner = module.PolynomialDecay(0.1, 50)
            original = inner.step
            inner.step = lambda epoch=None: (calls.append(epoch), original(epoch))[1]
        else:

            class Looked(module.PolynomialDecay):
                def __getattribute__(self, name):
                    found = super().__getattribute__(name)
                    if name != "step":
                        return found
                    return lambda epoch=None: (calls.append(epoch), found(epoch))[1]

            inner = Looked(0.1, 50)
        outer = module.LinearWarmup(inner, 3, 0.0, 0.1)
        return values(outer, 10), len(calls)

    for how in ("instance step", "__getattribute__"):
        assert run(lr, how) == run(plr, how), how


def test_a_python_step_is_kept_and_inherited() -> None:
    calls = []

    class Own(lr.PolynomialDecay):
        def step(self, epoch=None):
            calls.append(epoch)
            super().step(epoch)

    class Child(Own):
        pass

    assert "step" not in Child.__dict__
    s = Child(0.1, 10)
    s.step()
    assert calls == [None, None]  # the construction step, then ours


def test_reduce_on_plateau_subclass_keeps_its_step() -> None:
    class Plateau(lr.ReduceOnPlateau):
        pass

    assert "step" not in Plateau.__dict__
    s = Plateau(0.1, patience=0)
    s.step(1.0)
    s.step(2.0)
    assert s() == 0.010000000000000002


def test_init_subclass_keywords_reach_the_next_class() -> None:
    seen = {}

    class Mixin:
        def __init_subclass__(cls, **kwargs):
            seen.update(kwargs)

    class Base(lr.PolynomialDecay, Mixin):
        pass

    class Tagged(Base, tag="x"):
        pass

    assert seen == {"tag": "x"}
    with pytest.raises(TypeError):

        class Bad(lr.PolynomialDecay, tag="x"):
            pass


@pytest.mark.parametrize("override", ["step", "__call__", "get_lr", "_get_closed_form_lr"])
def test_nested_overrides_are_called_as_paddle_calls_them(override: str, plr) -> None:
    def scaled_class(module):
        base = module.CosineAnnealingDecay
        if override == "step":

            def method(self, epoch=None):
                base.step(self, None if epoch is None else epoch * 2)

        elif override == "__call__":

            def method(self):
                return base.__call__(self) * 2

        elif override == "get_lr":

            def method(self):
                return self.base_lr / (self.last_epoch + 1)

        else:

            def method(self):
                return self.base_lr / (self.last_epoch + 2)

        return type("Scaled", (base,), {override: method})

    def build(module):
        return module.LinearWarmup(scaled_class(module)(0.1, 50), 10, 0.0, 0.1)

    assert values(build(lr), 120) == values(build(plr), 120)


def test_nested_plain_subclass_prints_its_own_name(plr) -> None:
    def build(module):
        named = type("MyDecay", (module.PolynomialDecay,), {})
        return module.LinearWarmup(named(0.1, 20, verbose=True), 3, 0.0, 0.1, verbose=True)

    def printed(module):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            values(build(module), 8)
        return out.getvalue()

    text = printed(lr)
    assert "MyDecay set learning rate" in text
    assert text == printed(plr)


def test_nested_plain_subclass_precomputes_in_rust() -> None:
    """A foreign nest would be stepped as a Python deep copy, which this class refuses."""

    class NoCopies(lr.PolynomialDecay):
        def __deepcopy__(self, memo):
            raise AssertionError("stepped through Python")

    s = lr.LinearWarmup(NoCopies(0.1, 1000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)
    table = s.precompute(5000)
    assert np.array_equal(table, seed_pair(lr).precompute(5000))


def test_paddle_module_import_error_names_the_extra() -> None:
    code = "import sys; sys.modules['paddle'] = None; import fastwarmup.paddle"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode != 0
    assert "pip install 'fastwarmup[paddle]'" in run.stderr


def test_a_refused_value_from_an_overriding_nest_leaves_it_unstepped() -> None:
    """A nest that overrides ``__call__`` is stepped through Python; when its value is refused,
    its step is undone (from its kernel's state: its state dict is its kernel's)."""

    class Refused(lr.PolynomialDecay):
        def __call__(self):
            value = super().__call__()
            return "not a number" if self.last_epoch == 3 else value

    inner = Refused(0.1, 50)
    outer = lr.LinearWarmup(inner, 2, 0.0, 0.1)
    for _ in range(4):
        outer.step()
    before = (outer.state_dict(), inner.state_dict())
    with pytest.raises(TypeError):
        outer.step()
    assert (outer.state_dict(), inner.state_dict()) == before
    inner_steps = inner.last_epoch
    outer.step(10)
    assert inner.last_epoch == 8 and inner_steps == 2
