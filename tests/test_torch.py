"""``fastwarmup.torch.LRScheduler`` against real PyTorch: training with SGD, Adam and AdamW uses
the schedule's value at every step (scaled for a second group), a checkpoint through
``torch.save``/``torch.load(weights_only=True)`` resumes exactly, tensor learning rates, a
``torch.compile``d model, and every scheduler class (random nestings) through the adapter."""

from __future__ import annotations

import copy
import random
import subprocess
import sys
import warnings

import numpy as np
import pytest

from fastwarmup import lr

from _configs import ALL_CLASSES, build, cap, initial_epoch, random_configs, uses_metrics
from _libs import SEED

torch = pytest.importorskip("torch")
from fastwarmup.torch import LRScheduler  # noqa: E402

STEPS = 300
HALF = STEPS // 2
# A second group's initial lr over the first's: the adapter scales it by this ratio.
LR0, LR1 = 0.3, 0.7
RATIO = LR1 / LR0


def seed_schedule():
    """Warm-up then a polynomial decay (``power=0.9``) within the run: both regimes and the
    hand-over are trained through."""
    return lr.LinearWarmup(lr.PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 50, 0.0, 0.1)


OPTIMIZERS = {
    "SGD": lambda groups: torch.optim.SGD(groups, lr=LR0, momentum=0.9),
    "Adam": lambda groups: torch.optim.Adam(groups, lr=LR0),
    "AdamW": lambda groups: torch.optim.AdamW(groups, lr=LR0, weight_decay=0.01),
}


def make_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))


def groups_of(model):
    """Two param groups: the first layer at ``LR0``, the last at ``LR1``."""
    return [
        {"params": list(model[0].parameters())},
        {"params": list(model[2].parameters()), "lr": LR1},
    ]


def batch(step: int):
    g = torch.Generator().manual_seed(step)
    x = torch.randn(16, 4, generator=g)
    return x, x.sum(dim=1, keepdim=True).sin()


def train(model, opt, sched, steps: range, forward=None) -> list[list[float]]:
    """Train over ``steps``; the lr of each group as ``opt.step()`` used it, per step."""
    forward = forward or model
    used = []
    for step in steps:
        x, y = batch(step)
        loss = torch.nn.functional.mse_loss(forward(x), y)
        loss.backward()
        used.append([_value(g["lr"]) for g in opt.param_groups])
        opt.step()
        opt.zero_grad()
        sched.step()
        assert [_value(v) for v in sched.get_last_lr()] == [
            _value(g["lr"]) for g in opt.param_groups
        ]
    return used


def _value(lr_value) -> float:
    return lr_value.item() if isinstance(lr_value, torch.Tensor) else lr_value


def expected(values: np.ndarray) -> list[list[float]]:
    return [[float(v), float(v) * RATIO] for v in values]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_uses_the_schedule_and_resumes_exactly(name, tmp_path):
    values = seed_schedule().precompute(STEPS)
    model = make_model()
    opt = OPTIMIZERS[name](groups_of(model))
    sched = LRScheduler(opt, seed_schedule())
    first = train(model, opt, sched, range(HALF))
    assert first == expected(values[:HALF])

    path = tmp_path / "checkpoint.pt"
    torch.save(
        {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}, path
    )
    second = train(model, opt, sched, range(HALF, STEPS))
    assert second == expected(values[HALF:])

    # A fresh model, optimizer, schedule and adapter, as a resumed job makes them.
    checkpoint = torch.load(path, weights_only=True)
    model2 = make_model()
    opt2 = OPTIMIZERS[name](groups_of(model2))
    sched2 = LRScheduler(opt2, seed_schedule())
    model2.load_state_dict(checkpoint["model"])
    opt2.load_state_dict(checkpoint["opt"])
    sched2.load_state_dict(checkpoint["sched"])
    assert sched2.schedule.last_epoch == HALF
    assert train(model2, opt2, sched2, range(HALF, STEPS)) == second
    for a, b in zip(model.parameters(), model2.parameters(), strict=True):
        assert torch.equal(a, b)
    assert sched2.state_dict() == sched.state_dict()


def _plain_types(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_types(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_types(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


@pytest.mark.parametrize(
    "make",
    [
        seed_schedule,
        lambda: lr.LinearWarmup(lr.CosineAnnealingWarmRestarts(0.1, 7, T_mult=2), 5, 0.0, 0.1),
        lambda: lr.ReduceOnPlateau(0.1, patience=1),
    ],
    ids=["seed", "warm_restarts", "plateau"],
)
def test_state_dict_is_plain_and_loads_with_weights_only(make, tmp_path):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = LRScheduler(opt, make())
    plateau = isinstance(sched.schedule, lr.ReduceOnPlateau)
    for i in range(12):
        opt.step()
        # A NumPy float32 metric: the schedule keeps a NumPy best, saved as a Python float.
        sched.step(*((np.float32(1.0 + (i % 3)),) if plateau else ()))
    state = sched.state_dict()
    assert _plain_types(state)
    torch.save(state, tmp_path / "s.pt")
    loaded = torch.load(tmp_path / "s.pt", weights_only=True)
    assert loaded == state
    resumed = LRScheduler(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), make())
    resumed.load_state_dict(loaded)
    for i in range(12, 30):
        args = (1.0 + (i % 3),) if plateau else ()
        sched.step(*args)
        resumed.step(*args)
        assert resumed.get_last_lr() == sched.get_last_lr()


@pytest.mark.parametrize("order", ["optimizer_first", "scheduler_first"])
def test_resume_in_either_load_order(order):
    """The adapter sets the groups' lr when it loads, so a scheduler built after the optimizer
    loaded its state (which PyTorch warns against for its own schedulers) resumes too."""
    param = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1)
    sched = LRScheduler(opt, seed_schedule())
    for _ in range(70):
        opt.step()
        sched.step()
    opt_state, sched_state = opt.state_dict(), sched.state_dict()

    param2 = torch.zeros(2, requires_grad=True)
    opt2 = torch.optim.SGD([param2], lr=0.1)
    if order == "optimizer_first":
        opt2.load_state_dict(opt_state)
        sched2 = LRScheduler(opt2, seed_schedule())
    else:
        sched2 = LRScheduler(opt2, seed_schedule())
        opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    assert (
        opt2.param_groups[0]["lr"]
        == opt.param_groups[0]["lr"]
        == seed_schedule().precompute(71)[70]
    )


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(
    ("dtype", "cast"),
    [(torch.float64, float), (torch.float32, np.float32)],
    ids=["float64", "float32"],
)
def test_tensor_lr_is_filled_in_place(dtype, cast):
    """An optimizer taking a tensor lr keeps its tensor (filled in place, so a compiled
    ``opt.step`` sees no new object); a float32 tensor holds the nearest float32."""
    model = make_model()
    lr0 = torch.tensor(LR0, dtype=dtype)
    opt = torch.optim.Adam(model.parameters(), lr=lr0)
    tensor = opt.param_groups[0]["lr"]
    sched = LRScheduler(opt, seed_schedule())
    used = train(model, opt, sched, range(80))
    assert opt.param_groups[0]["lr"] is tensor
    assert isinstance(sched.get_last_lr()[0], torch.Tensor)
    values = seed_schedule().precompute(80)
    assert [u[0] for u in used] == [float(cast(v)) for v in values]


# Not under filterwarnings("error"): torch.compile warns about CPython 3.13.0 itself (pyenv's 3.13
# here), and dynamo turns that warning, once an error, into its own failure.
def test_torch_compiled_model():
    """A ``torch.compile``d model (backend ``aot_eager``: dynamo and AOTAutograd without C++
    code generation, which takes minutes on a small CI machine) with a tensor lr."""
    model = make_model()
    compiled = torch.compile(model, backend="aot_eager")
    opt = torch.optim.AdamW(groups_of(model), lr=torch.tensor(LR0, dtype=torch.float64))
    opt.param_groups[1]["lr"] = torch.tensor(LR1, dtype=torch.float64)
    sched = LRScheduler(opt, seed_schedule())
    used = train(model, opt, sched, range(120), forward=compiled)
    assert used == expected(seed_schedule().precompute(120))


def _twin_steps(config, n: int):
    """The adapter's lr and the schedule's own value, stepped side by side ``n`` times."""
    sched = build(config, lr, None)
    twin = copy.deepcopy(sched)
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=1.0)
    adapter = LRScheduler(opt, sched)
    rng = random.Random(f"{SEED}:torch-metrics")
    got, want = [opt.param_groups[0]["lr"]], [twin()]
    limit = cap(config)
    if limit is not None:
        n = min(n, limit - initial_epoch(config))
    for _ in range(n):
        opt.step()
        if uses_metrics(config):
            metric = rng.choice((1.0, 2.0, 0.5))
            adapter.step(torch.tensor(metric, dtype=torch.float64))
            twin.step(metric)
        else:
            adapter.step()
            twin.step()
        got.append(opt.param_groups[0]["lr"])
        want.append(twin())
    return got, want


@pytest.mark.parametrize(
    "config",
    random_configs(SEED, 120, list(ALL_CLASSES), foreign_p=0.0, verbose_p=0.0),
    ids=lambda c: c.short,
)
def test_every_class_through_the_adapter(config):
    """Random configurations of every class and nesting (user subclasses and user functions
    included): the group's lr is the schedule's own value at every step."""
    got, want = _twin_steps(config, 40)
    assert got == want


def test_errors():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="schedule must be a fastwarmup scheduler"):
        LRScheduler(opt, 0.1)
    sched = LRScheduler(opt, seed_schedule())
    with pytest.raises(KeyError, match="lacks"):
        sched.load_state_dict({"last_epoch": 3})
    state = sched.state_dict()
    state["base_lrs"] = [0.1, 0.2]
    with pytest.raises(ValueError, match="2 param groups"):
        sched.load_state_dict(state)
    zero_first = torch.optim.SGD(
        [
            {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.0},
            {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1},
        ]
    )
    with pytest.raises(ValueError, match="ratio to the first group"):
        LRScheduler(zero_first, seed_schedule())


def test_wrong_order_still_warns_as_pytorch_does():
    """PyTorch's own check of the step order is kept (it is what makes the usual order
    silent rather than unchecked)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = LRScheduler(opt, seed_schedule())
    with pytest.warns(UserWarning, match="before `optimizer.step"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_missing_torch_is_one_import_error_line():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "try:\n    import fastwarmup.torch\n"
        "except ImportError as e:\n    print(type(e).__name__, e, e.__cause__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "ImportError fastwarmup.torch needs PyTorch: pip install 'fastwarmup[torch]' None"
    )
