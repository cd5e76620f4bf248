"""``fastwarmup.Sequential`` and ``fastwarmup.Chained``.

- hand-overs computed by hand: the step before, at and after each milestone, each child from
  its own step 0 at its milestone (no repeated or skipped step);
- against optax's ``join_schedules`` (x64) over the children's own tables, where the
  semantics agree (each later schedule sees ``step - boundary``);
- ``Chained``: the product of the first's value and each other's value over its base lr,
  left to right; PyTorch's ``ChainedScheduler`` product for multiplicative schedules;
- nesting (in ``LinearWarmup``, in each other), jumps, resume through ``state_dict`` (checked
  settings included), pickle/deepcopy, ``precompute`` == stepping, configs, errors.
"""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest

from fastwarmup import Chained, Sequential, from_config, lr


def stepped(sched, n: int) -> list[float]:
    """``sched()`` now and after each of ``n - 1`` steps (on a copy)."""
    s = copy.deepcopy(sched)
    out = [s()]
    for _ in range(n - 1):
        s.step()
        out.append(s())
    return out


def own_values(make, n: int) -> list[float]:
    """A fresh child's values from its own step 0."""
    return stepped(make(), n)


MAKERS = (
    lambda: lr.LinearLR(0.1, 5, start_factor=0.2),
    lambda: lr.CosineAnnealingDecay(0.1, 10, eta_min=0.001),
    lambda: lr.ExponentialDecay(0.05, 0.9),
)
MILESTONES = [5, 15]


def three() -> Sequential:
    return Sequential([m() for m in MAKERS], MILESTONES)


def test_hand_overs_by_hand() -> None:
    seq = three()
    values = stepped(seq, 30)
    a, b, c = (own_values(m, 30) for m in MAKERS)
    # before, at and after each milestone
    assert values[4] == a[4]  # LinearLR's last step before the hand-over
    assert values[5] == b[0] == 0.1  # CosineAnnealingDecay from its own step 0
    assert values[6] == b[1]
    assert values[14] == b[9]
    assert values[15] == c[0] == 0.05  # ExponentialDecay from its own step 0
    assert values[16] == c[1] == 0.05 * 0.9
    # the whole run, segment by segment
    assert values == a[:5] + b[:10] + c[:15]


def test_precompute_equals_stepping_and_leaves_state() -> None:
    seq = three()
    for _ in range(3):
        seq.step()
    before = seq.state_dict()
    table = seq.precompute(40)
    assert seq.state_dict() == before
    assert table.tolist() == stepped(seq, 40)
    assert np.array_equal(seq.precompute(40, dtype=np.float32), table.astype(np.float32))


def test_against_optax_join_schedules() -> None:
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    import jax.numpy as jnp

    n = 60
    tables = [np.asarray(own_values(m, n)) for m in MAKERS]
    ctx = jax.enable_x64(True) if hasattr(jax, "enable_x64") else None
    if ctx is None:
        from jax import experimental

        ctx = experimental.enable_x64()
    with ctx:
        arrays = [jnp.asarray(t, dtype=jnp.float64) for t in tables]
        schedules = [lambda count, a=a: a[jnp.clip(count, 0, n - 1)] for a in arrays]
        joined = optax.join_schedules(schedules, MILESTONES)
        expected = np.asarray([float(joined(jnp.asarray(i))) for i in range(n)])
    assert np.array_equal(three().precompute(n), expected)


def test_jumps_and_explicit_epochs() -> None:
    seq = three()
    reference = stepped(three(), 30)
    for epoch in (20, 3, 7, 15, 14, 29, 0):
        seq.step(epoch)
        if epoch == 7:  # a jump into a recurrence uses its closed form, as paddle does
            assert math.isclose(seq(), reference[epoch], rel_tol=1e-12)
        else:
            assert seq() == reference[epoch], epoch


def test_nested_in_linear_warmup_and_in_each_other() -> None:
    seq = three()
    warm = lr.LinearWarmup(seq, 4, 0.0, 0.1)
    values = warm.precompute(30).tolist()
    inner = stepped(three(), 30)
    assert values[:4] == stepped(lr.LinearWarmup(0.1, 4, 0.0, 0.1), 4)
    assert values[4:] == inner[:26]  # paddle's LinearWarmup: the nest from its own epoch 0
    chained = Chained([three(), lr.StepDecay(1.0, 7, 0.5)])
    outer = Sequential([lr.LinearLR(0.1, 3, 0.5), chained], [3])
    got = outer.precompute(25).tolist()
    assert got[:3] == stepped(lr.LinearLR(0.1, 3, 0.5), 3)
    assert got[3:] == stepped(Chained([three(), lr.StepDecay(1.0, 7, 0.5)]), 22)


def test_chained_formula() -> None:
    a = lambda: lr.ExponentialDecay(0.1, 0.9)  # noqa: E731
    b = lambda: lr.StepDecay(2.0, 3, 0.5)  # noqa: E731
    c = lambda: lr.MultiStepDecay(1.0, [4, 8], 0.1)  # noqa: E731
    got = Chained([a(), b(), c()]).precompute(12).tolist()
    va, vb, vc = (own_values(m, 12) for m in (a, b, c))
    assert got == [(x * (y / 2.0)) * (z / 1.0) for x, y, z in zip(va, vb, vc, strict=True)]
    # PyTorch's ChainedScheduler product for multiplicative schedules (to rounding)
    for t, value in enumerate(got):
        assert math.isclose(
            value, 0.1 * 0.9**t * 0.5 ** (t // 3) * 0.1 ** (t >= 4) * 0.1 ** (t >= 8)
        )
    # the first alone gives its own values exactly
    assert Chained([a()]).precompute(12).tolist() == va


def test_resume_state_dict_pickle_deepcopy() -> None:
    for make in (three, lambda: Chained([three(), lr.StepDecay(1.0, 4, 0.5)])):
        sched = make()
        for _ in range(9):
            sched.step()
        state = sched.state_dict()
        assert len(state["schedulers"]) == len(sched.schedulers)
        fresh = make()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fresh.set_state_dict(state, strict=True)
        assert np.array_equal(fresh.precompute(40), sched.precompute(40))
        for again in (pickle.loads(pickle.dumps(sched)), copy.deepcopy(sched)):
            assert np.array_equal(again.precompute(40), sched.precompute(40))
        with pytest.raises(RuntimeError, match="schedulers"):
            make().set_state_dict({"last_epoch": 3, "last_lr": 0.1})


def test_configs_round_trip_and_checked_resume() -> None:
    seq = Sequential([three(), Chained([lr.LinearLR(0.1, 4), lr.StepDecay(1.0, 2)])], [12])
    for _ in range(17):
        seq.step()
    config = seq.to_config()
    assert config["name"] == "Sequential" and config["milestones"] == [12]
    assert config["schedulers"][1]["name"] == "Chained"
    again = from_config(config)
    assert again.to_config() == config
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again.set_state_dict(seq.state_dict())
    assert np.array_equal(again.precompute(50), seq.precompute(50))
    changed = copy.deepcopy(config)
    changed["schedulers"][0]["milestones"] = [5, 16]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from_config(changed).set_state_dict(seq.state_dict())
    assert len(caught) == 1 and "schedulers[0].milestones (saved [5, 15]" in str(caught[0].message)
    with pytest.raises(ValueError, match=r"schedulers\[0\]\.milestones"):
        from_config(changed).set_state_dict(seq.state_dict(), strict=True)
    with pytest.raises(TypeError, match=r"Sequential\.schedulers\[1\]: .*lr_lambda"):
        Sequential([lr.StepDecay(0.1, 2), lr.LambdaDecay(0.1, lambda e: 1.0)], [3]).to_config()


def test_paddle_children(plr) -> None:
    seq = Sequential([plr.LinearLR(0.1, 5, start_factor=0.2), lr.ExponentialDecay(0.05, 0.9)], [5])
    values = seq.precompute(12).tolist()
    assert values[:5] == stepped(plr.LinearLR(0.1, 5, start_factor=0.2), 5)
    assert values[5:] == stepped(lr.ExponentialDecay(0.05, 0.9), 7)
    with pytest.raises(TypeError, match=r"Sequential\.schedulers\[0\]"):
        seq.to_config()


def test_errors() -> None:
    with pytest.raises(ValueError, match="need 1 milestones, got 0"):
        Sequential([lr.StepDecay(0.1, 2), lr.StepDecay(0.1, 2)], [])
    with pytest.raises(ValueError, match="strictly increasing and positive"):
        Sequential([lr.StepDecay(0.1, 2), lr.StepDecay(0.1, 2), lr.StepDecay(0.1, 2)], [4, 4])
    with pytest.raises(ValueError, match="strictly increasing and positive"):
        Sequential([lr.StepDecay(0.1, 2), lr.StepDecay(0.1, 2)], [0])
    with pytest.raises(TypeError, match=r"milestones\[0\] must be an int"):
        Sequential([lr.StepDecay(0.1, 2), lr.StepDecay(0.1, 2)], [2.5])
    with pytest.raises(TypeError, match=r"schedulers\[1\] = 0.1 is not a scheduler"):
        Sequential([lr.StepDecay(0.1, 2), 0.1], [3])
    with pytest.raises(ValueError, match="must not be empty"):
        Chained([])
    with pytest.raises(ValueError, match="base_lr 0"):
        Chained([lr.StepDecay(0.1, 2), lr.StepDecay(0.0, 2)])
    child = lr.StepDecay(0.1, 2)
    with pytest.raises(ValueError, match="appears twice"):
        Chained([child, child])
    with pytest.raises(TypeError, match="ReduceOnPlateau"):
        Chained([lr.ReduceOnPlateau(0.1)])


def test_fastwarmup_paddle_composites_train_with_paddle() -> None:
    """``fastwarmup.paddle.lr.Sequential``/``Chained`` are paddle schedulers: a paddle optimizer
    reads them at every step, and its ``state_dict`` resumes them."""
    paddle = pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as fpl

    def make():
        return fpl.Sequential(
            [
                fpl.LinearLR(0.1, 5, start_factor=0.2),
                fpl.Chained([fpl.CosineAnnealingDecay(0.1, 10), fpl.StepDecay(1.0, 4, 0.5)]),
            ],
            [5],
        )

    sched = make()
    net = paddle.nn.Linear(2, 1)
    opt = paddle.optimizer.SGD(learning_rate=sched, parameters=net.parameters())
    seen = []
    for _ in range(12):
        seen.append(opt.get_lr())
        sched.step()
    assert seen == make().precompute(12).tolist()
    again = make()
    opt2 = paddle.optimizer.SGD(learning_rate=again, parameters=net.parameters())
    opt2.set_state_dict(opt.state_dict())
    assert np.array_equal(again.precompute(20), sched.precompute(20))
    assert from_config(sched.to_config()).to_config() == sched.to_config()
