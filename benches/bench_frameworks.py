"""One schedule in every framework: the seed schedule and warm-up + cosine as PyTorch's
schedulers (``SequentialLR(LinearLR, PolynomialLR | CosineAnnealingLR)``, ``LambdaLR``), optax's
schedules (eager, jitted, ``vmap`` over the steps), Keras' schedules, paddle, NumPy and
fastwarmup with its adapters (``fastwarmup.torch``, ``.jax``, ``.keras``), all in one run.

Three kinds of group:

- ``frameworks per-step``: ``n`` steps of each framework's own per-step protocol (a scheduler's
  ``step()``, a schedule's call on the step count); each round starts from a fresh schedule,
  so every implementation times the same steps (warm-up and the first decay steps).
- ``frameworks table(1M)``: the first 1M values as an array (a step loop where the framework
  has nothing better, ``vmap`` for optax and Keras (jitted), ``precompute`` and the
  adapters' construction for fastwarmup). Each entry records in ``extra_info["differs"]`` how
  many of its values differ from paddle's (float32 ones from paddle's rounded to float32).
- ``frameworks jitted sgd update``: an ``optax.sgd`` update under ``jax.jit`` with optax's
  schedule, ``fastwarmup.jax``'s and a constant: what each schedule adds inside a train step.

Ratios print at the end of ``make bench``; ``benches/render_table.py`` renders the README table
from ``--benchmark-json``. optax runs with ``jax_enable_x64`` (float64, comparable with paddle);
Keras (jax backend) computes in its default float32. Disabled benchmarks run once with small
sizes as a check: fastwarmup and its adapters must differ from paddle on no step.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import math
import os
import warnings

import numpy as np
import pytest

from fastwarmup import lr

from conftest import HAS_PADDLE, scaled
from schedules import (
    COSINE_T_MAX,
    DECAY,
    POWER,
    WARMUP,
    seed,
    seed_numpy,
    step_loop,
    warmup_cosine,
    warmup_cosine_numpy,
)

PEAK = 0.1
# torch's LinearLR needs 0 < start_factor: the closest it comes to a warm-up from 0.
TORCH_START_FACTOR = 1e-12
SCHEDULES = {
    "seed": ("LinearWarmup(PolynomialDecay)", seed, seed_numpy),
    "warmup_cosine": ("LinearWarmup(CosineAnnealingDecay)", warmup_cosine, warmup_cosine_numpy),
}
VERSIONED = ("fastwarmup", "numpy", "paddlepaddle", "torch", "jax", "jaxlib", "optax", "keras")


def _versions() -> dict[str, str]:
    found = {}
    for name in VERSIONED:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return found


# --- the frameworks, imported when a benchmark needs them ------------------------------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def jax():
    pytest.importorskip("optax")
    return pytest.importorskip("jax")


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")  # read once, when keras is first imported
    return pytest.importorskip("keras")


def torch_scheduler(torch, kind: str, name: str):
    """``(optimizer, scheduler)``: PyTorch's equivalent of schedule ``name``."""
    from torch.optim import lr_scheduler as ls

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=PEAK)
    if kind == "torch.SequentialLR":
        warm = ls.LinearLR(opt, TORCH_START_FACTOR, 1.0, total_iters=WARMUP)
        if name == "seed":
            decay = ls.PolynomialLR(opt, total_iters=DECAY, power=POWER)
        else:
            decay = ls.CosineAnnealingLR(opt, T_max=COSINE_T_MAX)
        return opt, ls.SequentialLR(opt, [warm, decay], milestones=[WARMUP])
    if name == "seed":

        def factor(e: int) -> float:
            return e / WARMUP if e < WARMUP else (1.0 - min(e - WARMUP, DECAY) / DECAY) ** POWER
    else:

        def factor(e: int) -> float:
            if e < WARMUP:
                return e / WARMUP
            return 0.5 * (1.0 + math.cos(math.pi * (e - WARMUP) / COSINE_T_MAX))

    return opt, ls.LambdaLR(opt, factor)


def fastwarmup_torch(torch, name: str):
    from fastwarmup.torch import LRScheduler

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=PEAK)
    return opt, LRScheduler(opt, SCHEDULES[name][1](lr))


def optax_of(name: str):
    """optax's equivalent: ``join_schedules`` of a linear and a polynomial schedule, or
    ``warmup_cosine_decay_schedule`` (its ``decay_steps`` counts the warm-up)."""
    import optax

    if name == "seed":
        return optax.join_schedules(
            [
                optax.linear_schedule(0.0, PEAK, WARMUP),
                optax.polynomial_schedule(PEAK, 0.0, POWER, DECAY),
            ],
            [WARMUP],
        )
    return optax.warmup_cosine_decay_schedule(0.0, PEAK, WARMUP, WARMUP + COSINE_T_MAX, 0.0)


def keras_of(keras, name: str):
    """Keras' equivalent: ``CosineDecay`` has a warm-up; ``PolynomialDecay`` has none, so a
    user's ``LearningRateSchedule`` puts one before it."""
    schedules = keras.optimizers.schedules
    if name == "warmup_cosine":
        return schedules.CosineDecay(
            0.0, COSINE_T_MAX, alpha=0.0, warmup_target=PEAK, warmup_steps=WARMUP
        )
    decay = schedules.PolynomialDecay(PEAK, DECAY, end_learning_rate=0.0, power=POWER)

    class Warmup(schedules.LearningRateSchedule):
        def __call__(self, step):
            step = keras.ops.cast(step, "float32")
            warm = PEAK * step / WARMUP
            return keras.ops.where(step < WARMUP, warm, decay(step - WARMUP))

    return Warmup()


def x64(jax):
    """``jax.enable_x64(True)`` (jax >= 0.7), or ``jax.experimental``'s before it."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(True)
    from jax import experimental

    return experimental.enable_x64()


# --- paddle's values, the reference ----------------------------------------------------------


@functools.cache
def _paddle_values(name: str, n: int) -> np.ndarray:
    import paddle.optimizer.lr as plr

    return step_loop(SCHEDULES[name][1](plr), n)


def differs(values, name: str, n: int) -> int | None:
    """How many of ``values`` differ from paddle's (float32 values: from paddle's rounded to
    float32), or None without paddle."""
    if not HAS_PADDLE:
        return None
    values = np.asarray(values)
    reference = _paddle_values(name, n)
    if values.dtype == np.float32:
        reference = reference.astype(np.float32)
    assert values.shape == reference.shape
    return int(np.count_nonzero(values != reference))


def record(benchmark, name: str, impl: str, **info) -> None:
    benchmark.extra_info.update(
        schedule=SCHEDULES[name][0], impl=impl, versions=_versions(), **info
    )


# --- per step --------------------------------------------------------------------------------

PER_STEP = (
    "fastwarmup",
    "paddle",
    "torch.SequentialLR",
    "torch.LambdaLR",
    "fastwarmup.torch",
    "optax",
    "optax.jit",
    "fastwarmup.jax",
    "fastwarmup.jax.jit",
    "keras.jit",
    "fastwarmup.keras.jit",
)
# Eager jax calls take hundreds of microseconds per step: fewer rounds. (The jitted calls,
# ~10 us of dispatch each, vary from round to round on a shared machine: as many as the rest.)
SLOW = {"optax", "fastwarmup.jax"}


def _stepper(impl: str, name: str, n: int, request):
    """``(setup, run, context)``: ``setup()`` makes a fresh schedule (warmed up where a
    framework compiles or caches on first use) and returns ``run``'s arguments; ``run(*args)``
    takes ``n`` steps."""
    build = SCHEDULES[name][1]
    if impl in ("fastwarmup", "paddle"):
        module = lr if impl == "fastwarmup" else request.getfixturevalue("plr")

        def run(sched):
            for _ in range(n):
                sched.step()
                sched()

        return (lambda: ((build(module),), {})), run, contextlib.nullcontext()
    if impl.startswith(("torch.", "fastwarmup.torch")):
        torch = request.getfixturevalue("torch")

        def setup():
            if impl == "fastwarmup.torch":
                opt, sched = fastwarmup_torch(torch, name)
            else:
                opt, sched = torch_scheduler(torch, impl, name)
            opt.step()  # the usual order: PyTorch checks it at the first step
            return (sched,), {}

        def run(sched):
            for _ in range(n):
                sched.step()

        return setup, run, contextlib.nullcontext()
    if impl.startswith(("optax", "fastwarmup.jax")):
        jax = request.getfixturevalue("jax")
        from fastwarmup.jax import optax_schedule

        def setup():
            if impl.startswith("optax"):
                f = optax_of(name)
            else:
                f = optax_schedule(build(lr), n)
            if impl.endswith(".jit"):
                f = jax.jit(f)
            f(0).block_until_ready()
            return (f,), {}

        def run(f):
            for i in range(n):
                value = f(i)
            value.block_until_ready()

        return setup, run, x64(jax)
    # Keras, jitted (jax backend) as its optimizers call a schedule inside the train step:
    # eager, CosineDecay's ops.cond costs milliseconds per call.
    keras = request.getfixturevalue("keras")
    jax = request.getfixturevalue("jax")
    from fastwarmup.keras import LearningRateSchedule

    def setup():
        if impl == "keras.jit":
            f = jax.jit(keras_of(keras, name))
        else:
            f = jax.jit(LearningRateSchedule(build(lr), n))
        f(0).block_until_ready()
        return (f,), {}

    def run(f):
        for i in range(n):
            value = f(i)
        value.block_until_ready()

    return setup, run, contextlib.nullcontext()


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("impl", PER_STEP)
def test_per_step(benchmark, impl, name, request):
    benchmark.group = f"frameworks per-step: {SCHEDULES[name][0]}"
    n = scaled(benchmark, 20_000, 100)
    setup, run, context = _stepper(impl, name, n, request)
    with warnings.catch_warnings(), context:
        warnings.simplefilter("ignore")  # SequentialLR's own epoch-deprecation warning
        rounds = 3 if impl in SLOW else 7
        benchmark.pedantic(run, setup=setup, rounds=rounds, iterations=1)
    record(benchmark, name, impl, steps=n)


# --- 1M-step tables --------------------------------------------------------------------------

TABLE = (
    "fastwarmup",
    "paddle",
    "numpy",
    "torch.SequentialLR",
    "torch.LambdaLR",
    "optax.vmap",
    "optax.vmap.jit",
    "keras",
    "fastwarmup.jax",
    "fastwarmup.keras",
)


def _torch_table(opt, sched, n: int) -> np.ndarray:
    out = np.empty(n)
    group = opt.param_groups[0]
    for i in range(n):
        out[i] = group["lr"]
        sched.step()
    return out


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("impl", TABLE)
def test_table(benchmark, impl, name, request):
    benchmark.group = f"frameworks table(1M): {SCHEDULES[name][0]}"
    n = scaled(benchmark, 1_000_000, 3_000)
    label, build, formula = SCHEDULES[name]
    if impl == "fastwarmup":
        values = benchmark(build(lr).precompute, n)
    elif impl == "paddle":
        plr = request.getfixturevalue("plr")
        values = benchmark.pedantic(lambda: step_loop(build(plr), n), rounds=3, iterations=1)
    elif impl == "numpy":
        values = benchmark(formula, n)
    elif impl.startswith("torch."):
        torch = request.getfixturevalue("torch")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = benchmark.pedantic(
                lambda: _torch_table(*torch_scheduler(torch, impl, name), n),
                rounds=2,
                iterations=1,
            )
    elif impl.startswith("optax"):
        jax = request.getfixturevalue("jax")
        with x64(jax):
            table = jax.vmap(optax_of(name))
            if impl.endswith(".jit"):
                table = jax.jit(table)
            steps = jax.numpy.arange(n)
            table(steps).block_until_ready()
            values = np.asarray(benchmark(lambda: table(steps).block_until_ready()))
    elif impl == "keras":
        # Keras' schedules take one step (CosineDecay branches with ops.cond): vmap over the
        # steps under jit, as the jax backend allows.
        keras = request.getfixturevalue("keras")
        jax = request.getfixturevalue("jax")
        table = jax.jit(jax.vmap(keras_of(keras, name)))
        steps = jax.numpy.arange(n)
        table(steps).block_until_ready()
        values = np.asarray(benchmark(lambda: table(steps).block_until_ready()))
    elif impl == "fastwarmup.jax":
        jax = request.getfixturevalue("jax")
        from fastwarmup.jax import optax_schedule

        with x64(jax):
            made = benchmark(lambda: optax_schedule(build(lr), n))
            values = np.asarray(jax.vmap(made)(jax.numpy.arange(n)))
    else:
        request.getfixturevalue("keras")
        from fastwarmup.keras import LearningRateSchedule

        made = benchmark(lambda: LearningRateSchedule(build(lr), n))
        values = made.table
    assert np.shape(values) == (n,)
    count = differs(values, name, n)
    record(benchmark, name, impl, steps=n, differs=count, dtype=str(np.asarray(values).dtype))
    if impl.startswith("fastwarmup") and count is not None:
        assert count == 0, f"{impl} differs from paddle on {count} of {n} steps of {label}"


# --- inside a jitted train step --------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("impl", ["fastwarmup.jax", "optax", "constant"])
def test_jitted_sgd_update(benchmark, impl, name, request):
    """``n`` jitted ``optax.sgd`` updates of a 1,000-parameter vector: the schedule's cost
    within a train step (the constant is the floor)."""
    jax = request.getfixturevalue("jax")
    import optax

    from fastwarmup.jax import optax_schedule

    benchmark.group = f"frameworks jitted sgd update: {SCHEDULES[name][0]}"
    n = scaled(benchmark, 2_000, 20)
    with x64(jax):
        if impl == "fastwarmup.jax":
            learning_rate = optax_schedule(SCHEDULES[name][1](lr), n)
        elif impl == "optax":
            learning_rate = optax_of(name)
        else:
            learning_rate = PEAK
        tx = optax.sgd(learning_rate)
        grads = jax.numpy.ones(1000)

        @jax.jit
        def update(params, state):
            updates, state = tx.update(grads, state, params)
            return optax.apply_updates(params, updates), state

        def setup():
            params = jax.numpy.zeros(1000)
            state = tx.init(params)
            update(params, state)[0].block_until_ready()
            return (params, state), {}

        def run(params, state):
            for _ in range(n):
                params, state = update(params, state)
            params.block_until_ready()

        benchmark.pedantic(run, setup=setup, rounds=9, iterations=1)
    record(benchmark, name, impl, steps=n)
