"""``fastwarmup.jax.optax_schedule`` against real JAX and optax: ``optax.sgd`` under ``jax.jit``
uses ``precompute``'s value at every step (read from ``inject_hyperparams``' state and from the
updates themselves), exactly in x64 and as the nearest float32 otherwise; traced counts under
``jit`` and ``vmap``, the value held past the table, and the count errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from fastwarmup import lr

from _configs import ALL_CLASSES, build, cap, initial_epoch, random_configs
from _libs import SEED

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
import jax.numpy as jnp  # noqa: E402

from fastwarmup.jax import optax_schedule  # noqa: E402

STEPS = 300
PAST = 20  # steps trained past the table: the last value holds


def enable_x64(on: bool = True):
    """``jax.enable_x64(on)`` (jax >= 0.7), or ``jax.experimental``'s before it."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(on)
    from jax import experimental

    return experimental.enable_x64() if on else experimental.disable_x64()


def seed_schedule():
    return lr.LinearWarmup(lr.PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 50, 0.0, 0.1)


def expected(values: np.ndarray) -> np.ndarray:
    return np.concatenate([values, np.full(PAST, values[-1])])


def train(tx, params):
    """``STEPS + PAST`` jitted steps with all-ones gradients; per step, the lr in
    ``inject_hyperparams``' state and the update of one parameter (``-lr`` for SGD)."""
    state = tx.init(params)

    @jax.jit
    def step(params, state):
        grads = jax.tree.map(jnp.ones_like, params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state, updates

    hyper, updates = [], []
    for _ in range(STEPS + PAST):
        params, state, upd = step(params, state)
        hyper.append(state.hyperparams["learning_rate"])
        updates.append(upd["w"][0])
    return np.array(hyper), np.array(updates)


@pytest.mark.parametrize("x64", [True, False], ids=["x64", "float32"])
def test_sgd_under_jit_uses_the_table(x64):
    with enable_x64(x64):
        dtype = np.float64 if x64 else np.float32
        values = expected(seed_schedule().precompute(STEPS, dtype=dtype))
        schedule = optax_schedule(seed_schedule(), STEPS)
        params = {"w": jnp.zeros(3, dtype=dtype)}
        tx = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule)
        hyper, updates = train(tx, params)
        assert hyper.dtype == dtype
        assert np.array_equal(hyper, values)
        assert np.array_equal(updates, -values)
        if not x64:  # the nearest float32 to each float64 value
            f64 = expected(seed_schedule().precompute(STEPS))
            assert np.array_equal(values, f64.astype(np.float32))


def test_plain_sgd_reads_the_schedule_at_each_count():
    """Without ``inject_hyperparams`` (optax's own count in ``scale_by_schedule``): the update
    of a gradient of ones is ``-lr``, so the updates are the table."""
    with enable_x64(True):
        values = expected(seed_schedule().precompute(STEPS))
        schedule = optax_schedule(seed_schedule(), STEPS)
        tx = optax.sgd(learning_rate=schedule)
        params = {"w": jnp.zeros(2)}
        state = tx.init(params)

        @jax.jit
        def step(state):
            updates, state = tx.update({"w": jnp.ones(2)}, state, params)
            return updates["w"][0], state

        got = []
        for _ in range(STEPS + PAST):
            update, state = step(state)
            got.append(update)
        assert np.array_equal(np.array(got), -values)


def test_traced_count_jit_and_vmap():
    with enable_x64(True):
        sched = seed_schedule()
        for _ in range(7):  # the table starts at the schedule's current step
            sched.step()
        values = sched.precompute(STEPS)
        schedule = optax_schedule(sched, STEPS)
        counts = jnp.arange(STEPS + PAST)
        want = expected(values)
        assert np.array_equal(jax.vmap(schedule)(counts), want)
        assert np.array_equal(jax.jit(jax.vmap(schedule))(counts), want)
        assert np.array_equal(jax.jit(schedule)(counts), want)
        assert np.array_equal(schedule(np.arange(STEPS + PAST)), want)
        jitted = jax.jit(schedule)
        assert [jitted(jnp.int32(c)) for c in (0, 49, 50, STEPS - 1, STEPS, 10**9)] == [
            want[0],
            want[49],
            want[50],
            want[STEPS - 1],
            want[-1],
            want[-1],
        ]
        assert schedule(0) == sched()
        sched.step()  # the table is a snapshot
        assert schedule(0) == values[0]


@pytest.mark.parametrize(
    "config",
    random_configs(SEED, 40, list(ALL_CLASSES), foreign_p=0.0, verbose_p=0.0),
    ids=lambda c: c.short,
)
def test_every_class_is_its_precompute(config):
    sched = build(config, lr, None)
    limit = cap(config)
    n = 64 if limit is None else max(1, min(64, limit - initial_epoch(config) + 1))
    with enable_x64(True):
        schedule = optax_schedule(sched, n)
        assert np.array_equal(jax.jit(jax.vmap(schedule))(jnp.arange(n)), sched.precompute(n))


def test_count_errors():
    schedule = optax_schedule(seed_schedule(), 10)
    for bad in (1.0, np.float32(2.0), True, jnp.array(3.0)):
        with pytest.raises(TypeError, match="integer step count"):
            schedule(bad)
    with pytest.raises(TypeError, match="integer step count"):
        jax.jit(schedule)(2.0)
    with pytest.raises(ValueError, match="count must be >= 0, got -1"):
        schedule(-1)
    with pytest.raises(ValueError, match="count must be >= 0"):
        schedule(np.array([3, -2]))
    # Under jit a negative count cannot raise: it gives NaN.
    assert np.isnan(jax.jit(schedule)(-1))


def test_argument_errors():
    with pytest.raises(TypeError, match="fastwarmup scheduler"):
        optax_schedule(0.1, 10)
    with pytest.raises(TypeError, match="num_steps must be an int"):
        optax_schedule(seed_schedule(), 10.0)
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        optax_schedule(seed_schedule(), 0)
    with pytest.raises(ValueError, match="total steps"):
        optax_schedule(lr.OneCycleLR(0.1, 100), 200)


def test_missing_jax_is_one_import_error_line():
    code = (
        "import sys; sys.modules['jax'] = None\n"
        "try:\n    import fastwarmup.jax\n"
        "except ImportError as e:\n    print(type(e).__name__, e, e.__cause__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "ImportError fastwarmup.jax needs JAX: pip install 'fastwarmup[jax]' None"
    )
