"""fastwarmup's own warm-up schedules (``fastwarmup.lr.WARMUP_SCHEDULES``).

Each class against its formula written here in plain Python floats (from the docstrings), and
against transformers' own schedule function where transformers is installed; ``precompute``
equals stepping, ``step(epoch)`` jumps, ``state_dict`` round trip, nesting in ``LinearWarmup``,
pickling, the paddle-acceptable classes, and argument errors.
"""

from __future__ import annotations

import math
import pickle
import random
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from fastwarmup import lr

# --- formulas, written from the docstrings: lr(s) = learning_rate * f(s) -----------------------


def warm(s: int, w: int) -> float:
    return float(s) / float(max(1, w))


def linear_f(s: int, w: int, t: int) -> float:
    if s < w:
        return warm(s, w)
    return max(0.0, float(t - s) / float(max(1, t - w)))


def cosine_f(s: int, w: int, t: int, num_cycles: float = 0.5, r: float = 0.0) -> float:
    if s < w:
        return warm(s, w)
    p = float(s - w) / float(max(1, t - w))
    c = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * p))
    return max(0, c * (1 - r) + r)


def shifted_f(
    s: int, w: int, t: int, num_cycles: float = 0.5, r: float = 0.0, a: float | None = None
) -> float:
    sf, wf, tf = float(s), float(w), float(t)
    if sf < wf:
        if a is None:
            return (sf + 1.0) / max(1.0, wf)
        return a + (1.0 - a) * sf / max(1, wf - 1)
    p = (sf - wf + 1.0) / max(1.0, tf - wf)
    c = 0.5 * (1.0 + math.cos(math.pi * num_cycles * 2.0 * p))
    return max(0, c * (1 - r) + r)


def restarts_f(s: int, w: int, t: int, num_cycles: float = 1) -> float:
    if s < w:
        return warm(s, w)
    p = float(s - w) / float(max(1, t - w))
    if p >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * p) % 1.0))))


def polynomial_f(
    s: int, w: int, t: int, lr0: float, lr_end: float = 1e-7, power: float = 1.0
) -> float:
    if s < w:
        return warm(s, w)
    if s > t:
        return lr_end / lr0
    pct = 1 - (s - w) / (t - w)
    return ((lr0 - lr_end) * pct**power + lr_end) / lr0


def inverse_sqrt_f(s: int, w: int, timescale: int | None = None) -> float:
    if timescale is None:
        timescale = w or 10_000
    if s < w:
        return warm(s, w)
    return 1.0 / math.sqrt((s + timescale - w) / timescale)


def constant_f(s: int, w: int = 0) -> float:
    return warm(s, w) if s < w else 1.0


def wsd_f(
    s: int,
    w: int,
    stable: int,
    decay: int,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    r: float = 0.0,
    num_cycles: float = 0.5,
) -> float:
    if s < w:
        p = warm(s, w)
        g = {
            "linear": lambda: p,
            "cosine": lambda: 0.5 * (1.0 - math.cos(math.pi * p)),
            "1-sqrt": lambda: 1.0 - math.sqrt(1.0 - p),
        }[warmup_type]()
        return max(0.0, g * (1.0 - r) + r)
    if s < w + stable:
        return 1.0
    if s < w + stable + decay:
        p = float(s - w - stable) / float(max(1, decay))
        h = {
            "linear": lambda: 1.0 - p,
            "cosine": lambda: 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * p)),
            "1-sqrt": lambda: 1.0 - math.sqrt(p),
        }[decay_type]()
        return max(0.0, h * (1.0 - r) + r)
    return r


# --- named cases: (class, args, kwargs, f(s)) --------------------------------------------------

Case = tuple[str, tuple[Any, ...], dict[str, Any], Callable[[int], float]]


def cases() -> list[tuple[str, Case]]:
    out: list[tuple[str, Case]] = [
        ("linear", ("WarmupLinearDecay", (0.1, 5, 20), {}, lambda s: linear_f(s, 5, 20))),
        ("linear zero warmup", ("WarmupLinearDecay", (1.0, 0, 7), {}, lambda s: linear_f(s, 0, 7))),
        (
            "cosine",
            ("WarmupCosineDecay", (0.3, 4, 30), {}, lambda s: cosine_f(s, 4, 30)),
        ),
        (
            "cosine min ratio",
            (
                "WarmupCosineDecay",
                (0.3, 4, 30),
                {"min_lr_ratio": 0.1, "num_cycles": 0.75},
                lambda s: cosine_f(s, 4, 30, 0.75, 0.1),
            ),
        ),
        (
            "cosine min lr",
            (
                "WarmupCosineDecay",
                (0.3, 4, 30),
                {"min_lr": 0.01},
                lambda s: cosine_f(s, 4, 30, 0.5, 0.01 / 0.3),
            ),
        ),
        (
            "shifted",
            (
                "CosineWarmupWithMinLR",
                (0.2, 6, 40),
                {"min_lr_ratio": 0.05},
                lambda s: shifted_f(s, 6, 40, 0.5, 0.05),
            ),
        ),
        (
            "shifted warmup ratio",
            (
                "CosineWarmupWithMinLR",
                (0.2, 6, 40),
                {"min_lr": 0.002, "warmup_lr_ratio": 0.1},
                lambda s: shifted_f(s, 6, 40, 0.5, 0.002 / 0.2, 0.1),
            ),
        ),
        (
            "restarts",
            (
                "CosineWithHardRestarts",
                (0.5, 3, 43),
                {"num_cycles": 4},
                lambda s: restarts_f(s, 3, 43, 4),
            ),
        ),
        (
            "polynomial",
            (
                "WarmupPolynomialDecay",
                (0.05, 10, 50),
                {"lr_end": 1e-4, "power": 2.0},
                lambda s: polynomial_f(s, 10, 50, 0.05, 1e-4, 2.0),
            ),
        ),
        (
            "polynomial defaults",
            ("WarmupPolynomialDecay", (0.05, 0, 9), {}, lambda s: polynomial_f(s, 0, 9, 0.05)),
        ),
        (
            "inverse sqrt",
            ("InverseSqrtDecay", (1e-3, 8), {}, lambda s: inverse_sqrt_f(s, 8)),
        ),
        (
            "inverse sqrt timescale",
            (
                "InverseSqrtDecay",
                (1e-3, 8),
                {"timescale": 100},
                lambda s: inverse_sqrt_f(s, 8, 100),
            ),
        ),
        (
            "inverse sqrt no warmup",
            ("InverseSqrtDecay", (1e-3, 0), {}, lambda s: inverse_sqrt_f(s, 0)),
        ),
        ("constant", ("ConstantWithWarmup", (0.7,), {}, lambda s: constant_f(s))),
        (
            "constant with warmup",
            ("ConstantWithWarmup", (0.7, 9), {}, lambda s: constant_f(s, 9)),
        ),
    ]
    for wt in ("linear", "cosine", "1-sqrt"):
        for dt in ("linear", "cosine", "1-sqrt"):
            kwargs = {"warmup_type": wt, "decay_type": dt, "min_lr_ratio": 0.1}
            out.append(
                (
                    f"wsd {wt} {dt}",
                    (
                        "WarmupStableDecay",
                        (0.01, 7, 10, 13),
                        kwargs,
                        lambda s, wt=wt, dt=dt: wsd_f(s, 7, 10, 13, wt, dt, 0.1),
                    ),
                )
            )
    return out


CASES = cases()
IDS = [name for name, _ in CASES]
STEPS = 120


def build(case: Case, module: Any = lr) -> Any:
    cls, args, kwargs, _ = case
    return getattr(module, cls)(*args, **kwargs)


def expected(case: Case, n: int = STEPS) -> list[float]:
    _, args, _, f = case
    return [args[0] * f(s) for s in range(n)]


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=IDS)
def test_formula_stepping_and_precompute(case: Case) -> None:
    sched = build(case)
    want = expected(case)
    table = sched.precompute(STEPS)
    got = [sched()]
    for _ in range(STEPS - 1):
        sched.step()
        got.append(sched())
    assert got == want
    assert np.array_equal(table, np.array(want))
    # precompute leaves the scheduler as it was
    assert sched.last_epoch == STEPS - 1


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=IDS)
def test_jumps_state_dict_and_pickle(case: Case) -> None:
    want = expected(case, 200)
    sched = build(case)
    for epoch in (150, 3, 0, 77):
        sched.step(epoch)
        assert sched() == want[epoch]
    state = sched.state_dict()
    fresh = build(case)
    fresh.set_state_dict(state)
    assert (fresh.last_epoch, fresh()) == (77, want[77])
    fresh.step()
    assert fresh() == want[78]
    copy = pickle.loads(pickle.dumps(sched))
    assert type(copy) is type(sched)
    assert copy() == want[77]
    copy.step()
    assert copy() == want[78]


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=IDS)
def test_nested_in_linear_warmup(case: Case) -> None:
    inner = expected(case, 100)
    warmup = lr.LinearWarmup(build(case), 5, 0.0, 0.02)
    got = warmup.precompute(100)
    want = [(0.02 - 0.0) * float(e) / float(5) + 0.0 for e in range(5)] + inner[:95]
    assert got.tolist() == want
    stepped = [warmup()]
    for _ in range(99):
        warmup.step()
        stepped.append(warmup())
    assert stepped == want


def test_attributes() -> None:
    s = lr.WarmupStableDecay(0.1, 2, 3, 4, decay_type="1-sqrt", min_lr_ratio=0.25)
    assert (s.warmup_steps, s.stable_steps, s.decay_steps) == (2, 3, 4)
    assert (s.warmup_type, s.decay_type, s.min_lr_ratio, s.num_cycles) == (
        "linear",
        "1-sqrt",
        0.25,
        0.5,
    )
    c = lr.WarmupCosineDecay(0.2, 1, 10, min_lr=0.02)
    assert (c.total_steps, c.min_lr, c.min_lr_ratio, c.num_cycles) == (10, 0.02, 0.02 / 0.2, 0.5)
    assert lr.InverseSqrtDecay(0.1, 0).timescale == 10_000
    assert lr.InverseSqrtDecay(0.1, 7).timescale == 7
    p = lr.WarmupPolynomialDecay(0.1, 1, 5)
    assert (p.lr_end, p.power) == (1e-7, 1.0)
    assert lr.CosineWithHardRestarts(0.1, 1, 5).num_cycles == 1
    assert lr.CosineWarmupWithMinLR(0.1, 1, 5).warmup_lr_ratio is None
    assert set(lr.WARMUP_SCHEDULES) == {getattr(lr, c) for c, *_ in (c for _, c in CASES)}
    assert not {cls.__name__ for cls in lr.WARMUP_SCHEDULES} & set(lr.__all__)


BAD: list[tuple[str, tuple[Any, ...], dict[str, Any], type[Exception], str]] = [
    ("WarmupLinearDecay", (0.1, -1, 10), {}, ValueError, "warmup_steps"),
    ("WarmupLinearDecay", (0.1, 1, -10), {}, ValueError, "total_steps"),
    ("WarmupLinearDecay", (0.1, 1.5, 10), {}, TypeError, "warmup_steps"),
    ("WarmupLinearDecay", (-0.1, 1, 10), {}, ValueError, "learning_rate"),
    ("WarmupLinearDecay", (0.1, 1), {}, TypeError, "total_steps"),
    ("WarmupCosineDecay", (0.1, 1, 10), {"min_lr": 0.0, "min_lr_ratio": 0.1}, ValueError, "min_lr"),
    ("WarmupCosineDecay", (0.1, 1, 10), {"num_cycles": math.inf}, ValueError, "num_cycles"),
    ("WarmupCosineDecay", (0.1, 1, 10), {"min_lr_ratio": "x"}, TypeError, "min_lr_ratio"),
    ("WarmupPolynomialDecay", (0.1, 1, 10), {"lr_end": 0.1}, ValueError, "lr_end"),
    ("WarmupPolynomialDecay", (0.1, 4, 4), {}, ValueError, "total_steps"),
    ("InverseSqrtDecay", (0.1, 4), {"timescale": 0}, ValueError, "timescale"),
    ("WarmupStableDecay", (0.1, 1, 2, 3), {"decay_type": "exp"}, ValueError, "decay type"),
    ("WarmupStableDecay", (0.1, 1, 2, 3), {"warmup_type": "step"}, ValueError, "warmup type"),
    ("WarmupStableDecay", (0.1, 1, 2, -3), {}, ValueError, "decay_steps"),
    ("ConstantWithWarmup", (0.1, 1), {"total_steps": 3}, TypeError, "total_steps"),
]


@pytest.mark.parametrize(("cls", "args", "kwargs", "error", "match"), BAD)
def test_bad_arguments(
    cls: str, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        getattr(lr, cls)(*args, **kwargs)


def test_paddle_acceptable_versions() -> None:
    paddle_lr = pytest.importorskip("paddle.optimizer.lr")
    from fastwarmup.paddle import lr as fwp

    for _, case in CASES:
        sched = build(case, fwp)
        assert isinstance(sched, paddle_lr.LRScheduler)
        assert isinstance(sched, getattr(lr, case[0]))
        assert sched.precompute(STEPS).tolist() == expected(case)
        assert pickle.loads(pickle.dumps(sched))() == sched()


# --- against transformers' own schedule functions ----------------------------------------------


def _transformers_cases(
    rng: random.Random,
) -> list[tuple[str, dict[str, Any], str, tuple[Any, ...], dict[str, Any]]]:
    """(transformers function, its kwargs, fastwarmup class, args after lr, kwargs)."""
    w = rng.randint(0, 30)
    t = w + rng.randint(1, 200)
    nc = rng.uniform(0.2, 3.0)
    r = rng.uniform(0, 0.5)
    lr_end = rng.uniform(0, 1e-3)
    power = rng.uniform(0.3, 3.0)
    ts = rng.randint(1, 100)
    stable, decay = rng.randint(0, 60), rng.randint(0, 60)
    wt, dt = rng.choice(["linear", "cosine", "1-sqrt"]), rng.choice(["linear", "cosine", "1-sqrt"])
    a = rng.uniform(0, 0.3)
    return [
        (
            "get_linear_schedule_with_warmup",
            {"num_warmup_steps": w, "num_training_steps": t},
            "WarmupLinearDecay",
            (w, t),
            {},
        ),
        (
            "get_cosine_with_min_lr_schedule_with_warmup",
            {"num_warmup_steps": w, "num_training_steps": t, "num_cycles": nc, "min_lr_rate": r},
            "WarmupCosineDecay",
            (w, t),
            {"num_cycles": nc, "min_lr_ratio": r},
        ),
        (
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
            {
                "num_warmup_steps": w,
                "num_training_steps": t,
                "num_cycles": nc,
                "min_lr_rate": r,
                "warmup_lr_rate": a,
            },
            "CosineWarmupWithMinLR",
            (w, t),
            {"num_cycles": nc, "min_lr_ratio": r, "warmup_lr_ratio": a},
        ),
        (
            "get_cosine_with_hard_restarts_schedule_with_warmup",
            {"num_warmup_steps": w, "num_training_steps": t, "num_cycles": 3},
            "CosineWithHardRestarts",
            (w, t),
            {"num_cycles": 3},
        ),
        (
            "get_polynomial_decay_schedule_with_warmup",
            {"num_warmup_steps": w, "num_training_steps": t, "lr_end": lr_end, "power": power},
            "WarmupPolynomialDecay",
            (w, t),
            {"lr_end": lr_end, "power": power},
        ),
        (
            "get_inverse_sqrt_schedule",
            {"num_warmup_steps": w, "timescale": ts},
            "InverseSqrtDecay",
            (w,),
            {"timescale": ts},
        ),
        (
            "get_constant_schedule_with_warmup",
            {"num_warmup_steps": w},
            "ConstantWithWarmup",
            (w,),
            {},
        ),
        (
            "get_wsd_schedule",
            {
                "num_warmup_steps": w,
                "num_stable_steps": stable,
                "num_decay_steps": decay,
                "warmup_type": wt,
                "decay_type": dt,
                "min_lr_ratio": r,
                "num_cycles": nc,
            },
            "WarmupStableDecay",
            (w, stable, decay),
            {"warmup_type": wt, "decay_type": dt, "min_lr_ratio": r, "num_cycles": nc},
        ),
    ]


def test_against_transformers_functions() -> None:
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    rng = random.Random("new schedulers vs transformers")
    for _ in range(15):
        base = rng.choice([0.1, 1e-3, rng.uniform(0.001, 1.0)])
        for func, tkwargs, cls, args, kwargs in _transformers_cases(rng):
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sched = getattr(transformers.optimization, func)(opt, **tkwargs)
                theirs = [opt.param_groups[0]["lr"]]
                for _ in range(300):
                    opt.step()
                    sched.step()
                    theirs.append(opt.param_groups[0]["lr"])
            ours = getattr(lr, cls)(base, *args, **kwargs).precompute(301).tolist()
            assert ours == theirs, (func, base, tkwargs)


def test_the_command_shows_the_wsd_example() -> None:
    pytest.importorskip("yaml")
    import subprocess
    import sys
    from pathlib import Path

    spec = Path(__file__).resolve().parent.parent / "examples" / "configs" / "wsd.yml"
    result = subprocess.run(
        [sys.executable, "-m", "fastwarmup", "show", str(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "10,001 steps (the schedule's own length" in result.stdout
    phases = [line.split()[:2] for line in result.stdout.splitlines() if "-" in line[:14]]
    assert ["0-999", "warmup"] in phases
    assert ["1,000-6,999", "constant"] in phases
    assert ["7,000-10,000", "decay"] in phases


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=IDS)
def test_config_round_trip(case: Case) -> None:
    import fastwarmup

    sched = build(case)
    if not hasattr(sched, "to_config"):
        pytest.skip("no to_config in this build")
    again = fastwarmup.from_config(sched.to_config())
    assert type(again) is type(sched)
    assert again.precompute(STEPS).tolist() == expected(case)


def test_a_paddle_optimizer_reads_them() -> None:
    paddle = pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as fwp

    for _, case in CASES:
        sched = build(case, fwp)
        layer = paddle.nn.Linear(2, 1)
        opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
        seen = []
        for _ in range(40):
            seen.append(opt.get_lr())
            sched.step()
        assert seen == expected(case, 40)


def _step_many(sched: Any, n: int) -> None:
    for _ in range(n):
        sched.step()


def test_threads_step_without_losing_steps() -> None:
    import threading

    per_thread, threads = 500, 4
    for _, case in CASES:
        sched = build(case)
        workers = [
            threading.Thread(target=_step_many, args=(sched, per_thread)) for _ in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sched.last_epoch == per_thread * threads
        assert sched() == expected(case, per_thread * threads + 1)[-1]
