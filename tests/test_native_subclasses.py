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


def test_plain_subclass_gets_its_own_step_descriptor() -> None:
    class Plain(lr.PolynomialDecay):
        pass

    class Deeper(Plain):
        pass

    for cls in (Plain, Deeper):
        step = cls.__dict__["step"]
        assert type(step) is type(lr.PolynomialDecay.__dict__["step"])
        assert step.__objclass__ is cls


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
