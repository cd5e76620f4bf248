"""fastwarmup inside paddle: the per-step cost of ``fastwarmup.paddle`` schedulers (paddle
``LRScheduler`` instances on the same Rust core) against ``fastwarmup.lr``, a user's plain
Python subclass and paddle's own scheduler; and a whole dygraph training step (forward,
backward, ``opt.step()``, ``opt.clear_grad()``, ``sched.step()``) with either scheduler.

Ratios print at the end of ``make bench`` (time of X / time of ``fastwarmup``): in the
per-step group ``fastwarmup`` is ``fastwarmup.lr``, so the ``fastwarmup.paddle`` entry is the
cost of being a paddle scheduler (target: at most 1.25x); in the optimizer group
``fastwarmup`` is the step with a ``fastwarmup.paddle`` scheduler.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastwarmup import lr

from conftest import scaled
from schedules import DECAY, POWER, WARMUP, seed, step_loop

PER_STEP = "per-step in paddle: s.step(); s()"
TRAIN_STEP = "paddle dygraph train step (Momentum, Linear(16, 1))"


class PlainDecay(lr.PolynomialDecay):
    """A user's subclass that overrides nothing (steps natively, as its base)."""


class PlainWarmup(lr.LinearWarmup):
    """A user's subclass that overrides nothing."""


def plain_subclass_seed():
    decay = PlainDecay(0.1, DECAY, end_lr=0.0, power=POWER)
    return PlainWarmup(decay, WARMUP, 0.0, 0.1)


def step_and_call(sched, n: int) -> None:
    for _ in range(n):
        sched.step()
        sched()


@pytest.fixture(scope="module")
def fpl():
    """``fastwarmup.paddle.lr`` (imports paddle)."""
    pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as module

    return module


def test_paddle_classes_match_paddle(fpl, plr):
    assert np.array_equal(step_loop(seed(fpl), 20_000), step_loop(seed(plr), 20_000))
    assert np.array_equal(step_loop(plain_subclass_seed(), 20_000), step_loop(seed(plr), 20_000))


@pytest.mark.benchmark(group=PER_STEP)
@pytest.mark.parametrize("impl", ["fastwarmup", "fastwarmup.paddle", "plain_subclass", "paddle"])
def test_step_call_in_paddle(benchmark, impl, request):
    n = scaled(benchmark, 100_000, 1_000)
    if impl == "fastwarmup":
        sched = seed(lr)
    elif impl == "fastwarmup.paddle":
        sched = seed(request.getfixturevalue("fpl"))
    elif impl == "plain_subclass":
        sched = plain_subclass_seed()
    else:
        sched = seed(request.getfixturevalue("plr"))
    benchmark(step_and_call, sched, n)
    assert sched.last_epoch >= n


def train_steps(model, opt, sched, x, n: int) -> None:
    for _ in range(n):
        loss = model(x).mean()
        loss.backward()
        opt.step()
        opt.clear_grad()
        sched.step()


@pytest.mark.benchmark(group=TRAIN_STEP)
@pytest.mark.parametrize("impl", ["fastwarmup", "paddle"])
def test_train_step(benchmark, impl, request):
    import paddle

    module = request.getfixturevalue("fpl" if impl == "fastwarmup" else "plr")
    paddle.seed(0)
    model = paddle.nn.Linear(16, 1)
    sched = seed(module)
    opt = paddle.optimizer.Momentum(learning_rate=sched, parameters=model.parameters())
    x = paddle.ones([8, 16])
    n = scaled(benchmark, 200, 5)
    benchmark(train_steps, model, opt, sched, x, n)
    assert opt.get_lr() == sched()
