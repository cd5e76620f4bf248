"""``fastwarmup.get_scheduler`` against transformers' ``get_scheduler`` itself.

For every name and random warm-up/total/kwargs: transformers' scheduler over a
``torch.optim.SGD`` with that learning rate, its ``param_groups[0]["lr"]`` recorded after each
``scheduler.step()``, up to and past the end; fastwarmup's stepped values and ``precompute``
must be ``==`` to it at every step. Errors: transformers' ``ValueError`` for the same arguments.
"""

from __future__ import annotations

import random
import re
import warnings
from typing import Any

import numpy as np
import pytest

import fastwarmup

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

NAMES = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
)
CONFIGS = 30


def _optimizer(lr: float) -> Any:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def transformers_lrs(
    name: str, lr: float, w: int | None, t: int | None, kwargs: dict[str, Any], steps: int
) -> list[float]:
    """transformers' ``lr`` at construction and after each of ``steps`` steps."""
    opt = _optimizer(lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = transformers.get_scheduler(
            name,
            opt,
            num_warmup_steps=w,
            num_training_steps=t,
            scheduler_specific_kwargs=dict(kwargs),
        )
        out = [opt.param_groups[0]["lr"]]
        for _ in range(steps):
            opt.step()
            sched.step()
            out.append(opt.param_groups[0]["lr"])
    return out


def random_config(name: str, rng: random.Random) -> tuple[float, int, int, dict[str, Any]]:
    lr = rng.choice([1.0, 0.1, 3e-4, 5e-5, rng.uniform(1e-6, 2.0)])
    w = rng.choice([0, 1, 2, rng.randint(0, 50)])
    t = w + rng.choice([1, 2, rng.randint(1, 300)])
    if rng.random() < 0.1:
        t = rng.randint(0, max(w, 1))  # a total shorter than the warm-up
    kwargs: dict[str, Any] = {}
    if name in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if rng.random() < 0.5:
            kwargs["num_cycles"] = rng.choice([0.5, 1, 1.5, rng.uniform(0.1, 4.0)])
    if name == "cosine_with_restarts" and rng.random() < 0.7:
        kwargs["num_cycles"] = rng.randint(1, 6)
    if name == "polynomial":
        if rng.random() < 0.7:
            kwargs["lr_end"] = rng.choice([0.0, lr / 10, rng.uniform(0, lr) * 0.99])
        if rng.random() < 0.7:
            kwargs["power"] = rng.choice([1.0, 2.0, 0.5, 3, rng.uniform(0.1, 4.0)])
        if t == w:
            t += 1  # transformers divides by zero at step w
    if name == "inverse_sqrt" and rng.random() < 0.6:
        kwargs["timescale"] = rng.randint(1, 200)
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if rng.random() < 0.5:
            kwargs["min_lr"] = lr * rng.uniform(0, 0.5)
        else:
            kwargs["min_lr_rate"] = rng.choice([0.0, 0.1, rng.uniform(0, 0.9)])
    if name == "cosine_warmup_with_min_lr" and rng.random() < 0.5:
        kwargs["warmup_lr_rate"] = rng.uniform(0, 0.5)
    if name == "warmup_stable_decay":
        d = rng.randint(0, 100)
        kwargs["num_decay_steps"] = d
        kwargs["warmup_type"] = rng.choice(["linear", "cosine", "1-sqrt"])
        kwargs["decay_type"] = rng.choice(["linear", "cosine", "1-sqrt"])
        if rng.random() < 0.6:
            kwargs["min_lr_ratio"] = rng.choice([0, 0.1, rng.uniform(0, 0.5)])
        if rng.random() < 0.3:
            kwargs["num_cycles"] = rng.uniform(0.2, 2.0)
        if rng.random() < 0.4:
            kwargs["num_stable_steps"] = rng.randint(0, 100)
        else:
            t = w + d + rng.randint(0, 100)
    return lr, w, t, kwargs


@pytest.mark.parametrize("name", NAMES)
def test_every_step_equals_transformers(name: str) -> None:
    rng = random.Random(f"get_scheduler {name}")
    compared = 0
    for _ in range(CONFIGS):
        lr, w, t, kwargs = random_config(name, rng)
        stable = kwargs.get("num_stable_steps", 0)
        steps = max(w, t) + stable + 40
        expected = transformers_lrs(name, lr, w, t, kwargs, steps)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = fastwarmup.get_scheduler(
                name,
                lr,
                num_warmup_steps=w,
                num_training_steps=t,
                scheduler_specific_kwargs=kwargs,
            )
        table = sched.precompute(steps + 1)
        stepped = [sched()]
        for _ in range(steps):
            sched.step()
            stepped.append(sched())
        config = (name, lr, w, t, kwargs)
        assert stepped == expected, config
        assert np.array_equal(table, np.array(expected, dtype=np.float64)), config
        compared += len(expected)
    assert compared > CONFIGS


def test_constant_ignores_the_rest() -> None:
    sched = fastwarmup.get_scheduler(
        "constant", 0.3, num_warmup_steps=5, scheduler_specific_kwargs={"anything": 1}
    )
    assert sched.precompute(4).tolist() == transformers_lrs("constant", 0.3, 5, None, {}, 3)


def test_reduce_lr_on_plateau_without_cooldown() -> None:
    rng = random.Random("plateau")
    for _ in range(20):
        kwargs = {
            "mode": rng.choice(["min", "max"]),
            "factor": rng.choice([0.1, 0.5, rng.uniform(0.05, 0.95)]),
            "patience": rng.randint(0, 5),
            "threshold": rng.choice([1e-4, 0.01, 0.0]),
            "threshold_mode": "abs",
            "min_lr": rng.choice([0, 1e-5]),
        }
        lr = rng.choice([0.1, 1.0, 3e-4])
        opt = _optimizer(lr)
        theirs = transformers.get_scheduler(
            "reduce_lr_on_plateau", opt, scheduler_specific_kwargs=kwargs
        )
        ours = fastwarmup.get_scheduler(
            "reduce_lr_on_plateau", lr, scheduler_specific_kwargs=kwargs
        )
        assert ours() == opt.param_groups[0]["lr"]
        for _ in range(80):
            metric = float(rng.randint(0, 6))
            theirs.step(metric)
            ours.step(metric)
            assert ours() == opt.param_groups[0]["lr"], kwargs


ERROR_CASES = [
    ("nonsense", 4, 10, {}),
    ("linear", None, 10, {}),
    ("linear", 4, None, {}),
    ("cosine", 4, None, {}),
    ("cosine_with_restarts", None, None, {}),
    ("polynomial", 2, 10, {"lr_end": 0.5}),
    ("polynomial", 2, 10, {"lr_end": 0.1}),
    ("cosine_with_min_lr", 2, 10, {}),
    ("cosine_with_min_lr", 2, 10, {"min_lr": 0.01, "min_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", 2, 10, {}),
    ("warmup_stable_decay", None, 10, {"num_decay_steps": 3}),
    ("warmup_stable_decay", 2, None, {"num_decay_steps": 3}),
    ("warmup_stable_decay", 2, 10, {"num_decay_steps": 3, "decay_type": "step"}),
    ("warmup_stable_decay", 2, 10, {"num_decay_steps": 3, "warmup_type": "exp"}),
    ("inverse_sqrt", None, None, {}),
    ("constant_with_warmup", None, None, {}),
    ("reduce_lr_on_plateau", None, None, {"factor": 1.0}),
]


@pytest.mark.parametrize(("name", "w", "t", "kwargs"), ERROR_CASES)
def test_errors_are_transformers_value_errors(
    name: str, w: int | None, t: int | None, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ValueError) as theirs:
        transformers_lrs(name, 0.1, w, t, kwargs, 0)
    with pytest.raises(ValueError) as ours:
        fastwarmup.get_scheduler(
            name, 0.1, num_warmup_steps=w, num_training_steps=t, scheduler_specific_kwargs=kwargs
        )
    # transformers formats its name enum into the message: `SchedulerType.LINEAR` or `linear`
    # depending on its version and CPython's; the names are compared, not their spelling.
    assert enum_names(str(ours.value)) == enum_names(str(theirs.value))


def enum_names(text: str) -> str:
    return re.sub(r"SchedulerType\.([A-Z_0-9]+)", lambda m: m.group(1).lower(), text)


def test_unexpected_kwargs_are_type_errors() -> None:
    for name, kwargs in [("linear", {"num_cycles": 2}), ("warmup_stable_decay", {})]:
        with pytest.raises(TypeError):
            transformers_lrs(name, 0.1, 2, 10, kwargs, 0)
        with pytest.raises(TypeError):
            fastwarmup.get_scheduler(
                name,
                0.1,
                num_warmup_steps=2,
                num_training_steps=10,
                scheduler_specific_kwargs=kwargs,
            )


def test_scheduler_type_enum_and_greedy() -> None:
    from transformers.trainer_utils import SchedulerType

    sched = fastwarmup.get_scheduler(
        SchedulerType.LINEAR, 0.1, num_warmup_steps=1, num_training_steps=4
    )
    assert type(sched).__name__ == "WarmupLinearDecay"
    with pytest.raises(ValueError, match="greedy"):
        fastwarmup.get_scheduler("greedy", 0.1)


def test_wsd_warns_when_both_lengths_are_given() -> None:
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        fastwarmup.get_scheduler(
            "warmup_stable_decay",
            0.1,
            num_warmup_steps=2,
            num_training_steps=10,
            scheduler_specific_kwargs={"num_decay_steps": 3, "num_stable_steps": 1},
        )


LONG_RUNS = {
    "linear": (3e-4, 2000, 50_000, {}),
    "cosine": (3e-4, 2000, 50_000, {"num_cycles": 0.5}),
    "cosine_with_restarts": (1e-3, 1000, 50_000, {"num_cycles": 7}),
    "polynomial": (5e-4, 1000, 50_000, {"lr_end": 1e-6, "power": 0.9}),
    "constant": (0.1, None, None, {}),
    "constant_with_warmup": (0.1, 5000, None, {}),
    "inverse_sqrt": (1e-3, 4000, None, {"timescale": 3000}),
    "cosine_with_min_lr": (2e-4, 2000, 50_000, {"min_lr": 2e-5}),
    "cosine_warmup_with_min_lr": (
        2e-4,
        2000,
        50_000,
        {"min_lr_rate": 0.1, "warmup_lr_rate": 0.01},
    ),
    "warmup_stable_decay": (
        3e-4,
        2000,
        50_000,
        {"num_decay_steps": 8000, "decay_type": "1-sqrt", "min_lr_ratio": 0.05},
    ),
}


@pytest.mark.parametrize("name", NAMES)
def test_a_long_run_equals_transformers(name: str) -> None:
    lr, w, t, kwargs = LONG_RUNS[name]
    steps = 55_000
    expected = np.array(transformers_lrs(name, lr, w, t, kwargs, steps))
    sched = fastwarmup.get_scheduler(
        name, lr, num_warmup_steps=w, num_training_steps=t, scheduler_specific_kwargs=kwargs
    )
    assert np.array_equal(sched.precompute(steps + 1), expected)
