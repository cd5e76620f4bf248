"""``fastwarmup.paddle.lr`` trains exactly like ``paddle.optimizer.lr``, inside paddle itself.

Every comparison is ``==`` (``numpy.array_equal`` on arrays), never a tolerance: the learning
rate of every step (``opt.get_lr()`` and ``sched()``), the loss of every step and the parameters
after training, against the same run with paddle's own scheduler.

- dygraph: the 17 classes (LinearWarmup twice: over PolynomialDecay and over
  CosineAnnealingDecay) x SGD, Momentum, Adam, AdamW x float32, float64; every other optimizer
  of ``paddle.optimizer`` once; ``paddle.jit.to_static``;
- checkpoints: ``opt.state_dict()`` + the model's through ``paddle.save``/``paddle.load`` into a
  fresh model, optimizer and scheduler, half way, in all four directions (fastwarmup/paddle
  saves, fastwarmup/paddle loads); ``CosineAnnealingWarmRestarts`` resumed by fastwarmup
  continues as the uninterrupted run, where paddle's own resume restarts its cycle;
- a scheduler's own ``state_dict()`` through a file, ``pickle`` and ``copy.deepcopy``;
- static graph (PIR, the default in paddle 3.3.1, and the legacy IR, also through
  ``CompiledProgram``), in one subprocess;
- ``paddle.Model.fit`` with ``paddle.callbacks.LRScheduler`` by step and by epoch (dygraph and
  static), and a ``Model.save``/``Model.load`` resume;
- class relations and nesting both ways (paddle's schedulers in fastwarmup's ``LinearWarmup``,
  fastwarmup's in paddle's, a user's subclass of ``fastwarmup.paddle.lr.LRScheduler``);
- imports: ``import fastwarmup`` imports no paddle; ``fastwarmup.paddle`` without paddle names
  the extra to install;
- ``examples/train_paddle.py`` runs.

Under ``FASTWARMUP_SELFCHECK=1`` the "fastwarmup" side is paddle itself (tests of what only
fastwarmup does are marked ``fastwarmup_only``).
"""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from _libs import SELFCHECK

# paddle's set_state_dict warns when a dict has more keys than it reads: every LinearWarmup dict
# (its nest under "LinearWarmup_LR") and fastwarmup's CosineAnnealingWarmRestarts (T_cur, T_i)
# (and paddle's own internals warn in to_static and in paddle.Model's data loading)
pytestmark = [
    pytest.mark.filterwarnings("ignore:There are some unused values in state_dict"),
    pytest.mark.filterwarnings("ignore:Tensor do not have 'place' interface"),
    pytest.mark.filterwarnings("ignore:To copy construct from a tensor"),
]

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

STEPS = 32  # steps of every training run
SPLIT = 13  # checkpoint after this many steps (mid-cycle for CosineAnnealingWarmRestarts)
SEED = 1234  # paddle.seed of every fresh model (a resumed model starts from another seed)

SUBPROCESS_ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "GLOG_minloglevel": "2"}


# --- the schedules ------------------------------------------------------------------------


def lambda_decay(epoch: int) -> float:
    """LambdaDecay's function (module level, so schedulers using it pickle)."""
    return 0.96**epoch


def multiplicative(epoch: int) -> float:
    """MultiplicativeDecay's function."""
    return 0.9 if epoch % 4 == 0 else 0.99


# name -> constructor, given the library module (fastwarmup.paddle.lr or paddle.optimizer.lr)
CASES: dict[str, Callable[[ModuleType], object]] = {
    "NoamDecay": lambda m: m.NoamDecay(d_model=32, warmup_steps=12, learning_rate=0.5),
    "PiecewiseDecay": lambda m: m.PiecewiseDecay(
        boundaries=[6, 14, 24], values=[0.1, 0.05, 0.02, 0.004]
    ),
    "NaturalExpDecay": lambda m: m.NaturalExpDecay(0.1, gamma=0.07),
    "InverseTimeDecay": lambda m: m.InverseTimeDecay(0.1, gamma=0.3),
    "PolynomialDecay": lambda m: m.PolynomialDecay(
        0.1, decay_steps=15, end_lr=0.001, power=0.9, cycle=True
    ),
    "LinearWarmup(PolynomialDecay)": lambda m: m.LinearWarmup(
        m.PolynomialDecay(0.1, decay_steps=20, end_lr=0.0, power=0.9),
        warmup_steps=8,
        start_lr=0.0,
        end_lr=0.1,
    ),
    "LinearWarmup(CosineAnnealingDecay)": lambda m: m.LinearWarmup(
        m.CosineAnnealingDecay(0.1, T_max=20, eta_min=0.002),
        warmup_steps=6,
        start_lr=0.01,
        end_lr=0.1,
    ),
    "ExponentialDecay": lambda m: m.ExponentialDecay(0.1, gamma=0.93),
    "MultiStepDecay": lambda m: m.MultiStepDecay(0.1, milestones=[5, 12, 20], gamma=0.4),
    "StepDecay": lambda m: m.StepDecay(0.1, step_size=6, gamma=0.7),
    "LambdaDecay": lambda m: m.LambdaDecay(0.1, lr_lambda=lambda_decay),
    "ReduceOnPlateau": lambda m: m.ReduceOnPlateau(
        0.1, factor=0.5, patience=2, threshold=0.02, cooldown=1, min_lr=0.004
    ),
    "CosineAnnealingDecay": lambda m: m.CosineAnnealingDecay(0.1, T_max=10, eta_min=0.001),
    "MultiplicativeDecay": lambda m: m.MultiplicativeDecay(0.1, lr_lambda=multiplicative),
    "OneCycleLR": lambda m: m.OneCycleLR(
        max_learning_rate=0.1, total_steps=STEPS + 5, phase_pct=0.3
    ),
    "CyclicLR": lambda m: m.CyclicLR(
        base_learning_rate=0.005,
        max_learning_rate=0.1,
        step_size_up=6,
        step_size_down=4,
        mode="triangular2",
    ),
    "LinearLR": lambda m: m.LinearLR(0.1, total_steps=20, start_factor=0.1, end_factor=0.9),
    "CosineAnnealingWarmRestarts": lambda m: m.CosineAnnealingWarmRestarts(
        0.1, T_0=5, T_mult=2, eta_min=0.001
    ),
}
CAWR = "CosineAnnealingWarmRestarts"
PLATEAU = "ReduceOnPlateau"
# ReduceOnPlateau's metrics where a test steps a scheduler without a model
METRICS = [1.0, 0.9, 0.95, 0.93, 0.97, 0.7, 0.71, 0.72, 0.69, 0.7, 0.5, 0.6] * 4


def step(sched, case: str, i: int, metric=None) -> None:
    """One ``step()``; ReduceOnPlateau takes ``metric`` (or the i-th of METRICS)."""
    if case == PLATEAU:
        sched.step(METRICS[i] if metric is None else metric)
    else:
        sched.step()


OPTIMIZERS = {
    "SGD": lambda po, lr, ps: po.SGD(learning_rate=lr, parameters=ps),
    "Momentum": lambda po, lr, ps: po.Momentum(learning_rate=lr, momentum=0.9, parameters=ps),
    "Adam": lambda po, lr, ps: po.Adam(learning_rate=lr, parameters=ps),
    "AdamW": lambda po, lr, ps: po.AdamW(learning_rate=lr, weight_decay=0.01, parameters=ps),
}
DTYPES = ["float32", "float64"]


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fwp(plr) -> ModuleType:
    """``fastwarmup.paddle.lr`` (paddle's own module under the self-check)."""
    if SELFCHECK:
        return plr
    from fastwarmup.paddle import lr

    return lr


@pytest.fixture(scope="session")
def libs(fwp, plr) -> dict[str, ModuleType]:
    return {"fw": fwp, "paddle": plr}


@pytest.fixture(scope="session")
def reference(plr) -> Callable[[str, str, str], Trace]:
    """The uninterrupted run with paddle's scheduler, computed once per (case, opt, dtype)."""
    cache: dict[tuple[str, str, str], Trace] = {}

    def get(case: str, opt: str, dtype: str) -> Trace:
        key = (case, opt, dtype)
        if key not in cache:
            cache[key] = train(lambda: CASES[case](plr), opt, dtype, plateau=case == PLATEAU)
        return cache[key]

    return get


# --- dygraph training ---------------------------------------------------------------------

_RNG = np.random.default_rng(20251130)
_X = _RNG.standard_normal((8, 16, 8))
_Y = np.sin(_X @ _RNG.standard_normal((8, 1))) + 0.1 * _RNG.standard_normal((8, 16, 1))
_DATA = {dtype: (_X.astype(dtype), _Y.astype(dtype)) for dtype in ("float32", "float64")}


@dataclass
class Trace:
    """What a training run saw: (opt.get_lr(), sched()) and the loss of each step, and the
    parameters at the end."""

    lrs: list[tuple[float, float]] = field(default_factory=list)
    losses: list[np.ndarray] = field(default_factory=list)
    params: list[np.ndarray] = field(default_factory=list)


def assert_same(got: Trace, want: Trace) -> None:
    """Bitwise equality of two runs, naming the first step that differs."""
    assert len(got.lrs) == len(want.lrs)
    for i, (g, w) in enumerate(zip(got.lrs, want.lrs, strict=True)):
        assert g == w, f"lr (opt.get_lr(), sched()) differs at step {i}: {g} != {w}"
        assert g[0] == g[1], f"opt.get_lr() != sched() at step {i}: {g}"
    for i, (g, w) in enumerate(zip(got.losses, want.losses, strict=True)):
        assert g.dtype == w.dtype and np.array_equal(g, w), f"loss differs at step {i}: {g} {w}"
    assert len(got.params) == len(want.params)
    for i, (g, w) in enumerate(zip(got.params, want.params, strict=True)):
        assert g.dtype == w.dtype and np.array_equal(g, w), f"parameter {i} differs"


@contextmanager
def session(dtype: str):
    """A default dtype and fresh unique names, as in a new process: the parameters and the
    optimizer's accumulators get the same names in every run, so a checkpoint of one run loads
    into another (paddle keys the accumulators by those names)."""
    import paddle

    old = paddle.get_default_dtype()
    paddle.set_default_dtype(dtype)
    try:
        with paddle.utils.unique_name.guard():
            yield
    finally:
        paddle.set_default_dtype(old)


def new_net(seed: int = SEED):
    import paddle

    paddle.seed(seed)
    return paddle.nn.Sequential(paddle.nn.Linear(8, 16), paddle.nn.Tanh(), paddle.nn.Linear(16, 1))


def new_opt(name: str, sched, net):
    import paddle

    return OPTIMIZERS[name](paddle.optimizer, sched, net.parameters())


def run_steps(net, opt, sched, dtype: str, steps: Iterable[int], trace: Trace, plateau: bool):
    """``loss.backward(); opt.step(); opt.clear_grad(); sched.step()`` (ReduceOnPlateau is
    stepped with the loss Tensor as its metric), recording the lr each step trains with."""
    import paddle

    for i in steps:
        x = paddle.to_tensor(_DATA[dtype][0][i % 8])
        y = paddle.to_tensor(_DATA[dtype][1][i % 8])
        loss = paddle.nn.functional.mse_loss(net(x), y)
        loss.backward()
        trace.lrs.append((opt.get_lr(), sched()))
        trace.losses.append(loss.numpy())
        opt.step()
        opt.clear_grad()
        if plateau:
            sched.step(loss)
        else:
            sched.step()
    trace.params = [p.numpy() for p in net.parameters()]


def train(make: Callable[[], object], opt: str, dtype: str, plateau: bool = False) -> Trace:
    """An uninterrupted run of STEPS steps."""
    with session(dtype):
        net = new_net()
        sched = make()
        optimizer = new_opt(opt, sched, net)
        trace = Trace()
        run_steps(net, optimizer, sched, dtype, range(STEPS), trace, plateau)
    return trace


def train_resumed(
    make_before: Callable[[], object],
    make_after: Callable[[], object],
    opt: str,
    dtype: str,
    tmp_path: Path,
    plateau: bool = False,
) -> Trace:
    """SPLIT steps, a checkpoint (optimizer + model, ``paddle.save``), then a fresh model (of
    another seed), optimizer and scheduler loaded from it (``paddle.load``,
    ``set_state_dict``) for the remaining steps."""
    import paddle

    trace = Trace()
    with session(dtype):
        net = new_net()
        sched = make_before()
        optimizer = new_opt(opt, sched, net)
        run_steps(net, optimizer, sched, dtype, range(SPLIT), trace, plateau)
        state = optimizer.state_dict()
        assert state["LR_Scheduler"] == sched.state_dict()
        paddle.save(state, str(tmp_path / "ckpt.pdopt"))
        paddle.save(net.state_dict(), str(tmp_path / "ckpt.pdparams"))
        del net, sched, optimizer, state

    with session(dtype):  # a new process
        net = new_net(SEED + 1)
        net.set_state_dict(paddle.load(str(tmp_path / "ckpt.pdparams")))
        sched = make_after()
        optimizer = new_opt(opt, sched, net)
        optimizer.set_state_dict(paddle.load(str(tmp_path / "ckpt.pdopt")))
        run_steps(net, optimizer, sched, dtype, range(SPLIT, STEPS), trace, plateau)
    return trace


def test_cases_cover_all_classes(plr):
    """The cases cover paddle's 17 classes (LRScheduler itself: see the subclass tests)."""
    covered = {name.split("(")[0] for name in CASES}
    assert covered == set(plr.__all__) - {"LRScheduler"}
    assert len(covered) == 17


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
@pytest.mark.parametrize("case", list(CASES))
def test_dygraph_training(fwp, reference, case, opt, dtype):
    """Uninterrupted training: every step's lr, every loss and the parameters are paddle's."""
    want = reference(case, opt, dtype)
    assert len(set(want.lrs)) > 2, "the schedule should change during the run"
    assert want.params[0].dtype == np.dtype(dtype)
    got = train(lambda: CASES[case](fwp), opt, dtype, plateau=case == PLATEAU)
    assert_same(got, want)


def test_float64_parameters_see_one_ulp_of_lr(plr):
    """The comparisons are sharp: in float64, one ulp of lr in one step changes the weights."""
    import paddle

    def once(lr: float) -> list[np.ndarray]:
        with session("float64"):
            net = new_net()
            opt = paddle.optimizer.SGD(learning_rate=lr, parameters=net.parameters())
            x, y = paddle.to_tensor(_X[0]), paddle.to_tensor(_Y[0])
            paddle.nn.functional.mse_loss(net(x), y).backward()
            opt.step()
            return [p.numpy() for p in net.parameters()]

    a, b = once(0.1), once(float(np.nextafter(0.1, 1.0)))
    assert not all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


def test_every_paddle_optimizer(fwp, plr):
    """Every optimizer of ``paddle.optimizer`` that takes a scheduler trains with a
    fastwarmup.paddle one as with paddle's (float64, CyclicLR); the two that do not (Rprop,
    LBFGS) refuse both alike."""
    import paddle

    refused = {"Rprop", "LBFGS"}
    names = [n for n in paddle.optimizer.__all__ if n not in ("Optimizer", "lr")]
    assert refused < set(names) and len(names) == 14

    def run(lib: ModuleType, name: str) -> Trace:
        trace = Trace()
        with session("float64"):
            net, sched = new_net(), CASES["CyclicLR"](lib)
            opt = getattr(paddle.optimizer, name)(learning_rate=sched, parameters=net.parameters())
            run_steps(net, opt, sched, "float64", range(10), trace, plateau=False)
        return trace

    def error(lib: ModuleType, name: str) -> str:
        with pytest.raises(TypeError) as info:
            run(lib, name)
        return str(info.value)

    for name in names:
        if name in refused:
            assert error(fwp, name) == error(plr, name)
        else:
            assert_same(run(fwp, name), run(plr, name))


@pytest.mark.parametrize("mode", ["to_static(net)", "to_static(train_step)"])
def test_to_static(fwp, plr, mode):
    """``paddle.jit.to_static`` on the model, or on the whole train step (SOT), trains as with
    paddle's scheduler."""
    import paddle

    def run(lib: ModuleType) -> Trace:
        trace = Trace()
        with session("float32"):
            net, sched = new_net(), CASES["LinearWarmup(CosineAnnealingDecay)"](lib)
            opt = paddle.optimizer.Adam(learning_rate=sched, parameters=net.parameters())
            model = paddle.jit.to_static(net, full_graph=True) if "net" in mode else net

            def train_step(x, y):
                loss = paddle.nn.functional.mse_loss(model(x), y)
                loss.backward()
                opt.step()
                opt.clear_grad()
                return loss

            if "train_step" in mode:
                train_step = paddle.jit.to_static(train_step)
            for i in range(12):
                x, y = (paddle.to_tensor(a[i % 8]) for a in _DATA["float32"])
                trace.lrs.append((opt.get_lr(), sched()))
                trace.losses.append(train_step(x, y).numpy())
                sched.step()
            trace.params = [p.numpy() for p in net.parameters()]
        return trace

    assert_same(run(fwp), run(plr))


# --- checkpoints through the optimizer ----------------------------------------------------

CHECKPOINT_SETUPS = [("Momentum", "float64"), ("Adam", "float32")]
DIRECTIONS = ["fw->fw", "paddle->fw", "fw->paddle", "paddle->paddle"]


@pytest.fixture(scope="session")
def paddle_resumed(plr, tmp_path_factory) -> Callable[[str, str, str], Trace]:
    """paddle's own resumed run (paddle saves, paddle loads), once per (case, opt, dtype)."""
    cache: dict[tuple[str, str, str], Trace] = {}

    def get(case: str, opt: str, dtype: str) -> Trace:
        key = (case, opt, dtype)
        if key not in cache:
            make = lambda: CASES[case](plr)  # noqa: E731
            tmp = tmp_path_factory.mktemp("paddle_resumed")
            cache[key] = train_resumed(make, make, opt, dtype, tmp, plateau=case == PLATEAU)
        return cache[key]

    return get


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize(("opt", "dtype"), CHECKPOINT_SETUPS)
@pytest.mark.parametrize("case", list(CASES))
def test_checkpoint_resume(
    libs, reference, paddle_resumed, tmp_path, case, opt, dtype, direction, request
):
    """A checkpoint half way, loaded into a fresh model, optimizer and scheduler, continues as
    the uninterrupted paddle run; in every direction (``fw->paddle``: fastwarmup's run saves,
    paddle's loads). CosineAnnealingWarmRestarts: paddle's dict lacks ``T_cur``/``T_i``, so a
    paddle scheduler restarts its cycle when it loads (from either library), while a
    fastwarmup scheduler continues exactly (from either library)."""
    src, dst = direction.split("->")
    if case == CAWR and dst == "fw":
        request.applymarker(pytest.mark.fastwarmup_only)
        if SELFCHECK:
            pytest.skip("fastwarmup-only behaviour (self-check runs paddle against paddle)")
    uninterrupted = reference(case, opt, dtype)
    if case == CAWR and dst == "paddle":
        # paddle's own resume is the expectation, and it is not the uninterrupted run
        want = paddle_resumed(case, opt, dtype)
        assert want.lrs[:SPLIT] == uninterrupted.lrs[:SPLIT]
        assert want.lrs[SPLIT:] != uninterrupted.lrs[SPLIT:]
    else:
        want = uninterrupted
    got = train_resumed(
        lambda: CASES[case](libs[src]),
        lambda: CASES[case](libs[dst]),
        opt,
        dtype,
        tmp_path,
        plateau=case == PLATEAU,
    )
    assert_same(got, want)


# --- a scheduler's own state_dict, pickle, deepcopy ---------------------------------------


def values(sched, case: str, start: int, n: int) -> list[float]:
    """``sched()`` then ``step()``, n times, from step index ``start``."""
    out = []
    for i in range(start, start + n):
        out.append(sched())
        step(sched, case, i)
    return out


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("case", list(CASES))
def test_scheduler_state_dict_file_round_trip(libs, plr, tmp_path, case, direction, request):
    """``paddle.save(sched.state_dict())`` to a file, ``paddle.load`` into a fresh scheduler:
    the schedule continues as if never interrupted (a paddle scheduler loading
    CosineAnnealingWarmRestarts restarts its cycle, as paddle does with its own dicts)."""
    import paddle

    src, dst = direction.split("->")
    if case == CAWR and dst == "fw":
        request.applymarker(pytest.mark.fastwarmup_only)
        if SELFCHECK:
            pytest.skip("fastwarmup-only behaviour (self-check runs paddle against paddle)")
    k, m = SPLIT, STEPS - SPLIT
    ref = CASES[case](plr)
    want = values(ref, case, 0, k + m)

    sched = CASES[case](libs[src])
    got = values(sched, case, 0, k)
    path = str(tmp_path / "sched.pdparams")
    paddle.save(sched.state_dict(), path)
    fresh = CASES[case](libs[dst])
    if case == CAWR and direction == "fw->paddle" and not SELFCHECK:
        with pytest.warns(UserWarning, match="unused values"):  # T_cur and T_i
            fresh.set_state_dict(paddle.load(path))
    else:
        fresh.set_state_dict(paddle.load(path))
    got += values(fresh, case, k, m)
    if case == CAWR and dst == "paddle":
        # paddle's own save and load restarts the cycle: that is the expectation here
        again = CASES[case](plr)
        values(again, case, 0, k)
        paddle.save(again.state_dict(), path)
        restarted = CASES[case](plr)
        restarted.set_state_dict(paddle.load(path))
        restarted_values = values(restarted, case, k, m)
        assert restarted_values != want[k:]
        want = want[:k] + restarted_values
    assert got == want


@pytest.mark.parametrize("how", ["pickle", "pickle-protocol-2", "deepcopy"])
@pytest.mark.parametrize("case", list(CASES))
def test_pickle_and_deepcopy(fwp, plr, case, how):
    """A pickled or deep-copied fastwarmup.paddle scheduler is the same class (a paddle
    LRScheduler), with the same state; it and the original each continue as paddle's."""
    k, m = SPLIT, STEPS - SPLIT
    ref = CASES[case](plr)
    want = values(ref, case, 0, k + m)
    sched = CASES[case](fwp)
    assert values(sched, case, 0, k) == want[:k]
    if how == "deepcopy":
        twin = copy.deepcopy(sched)
    else:
        protocol = 2 if how.endswith("2") else pickle.HIGHEST_PROTOCOL
        twin = pickle.loads(pickle.dumps(sched, protocol=protocol))
    assert type(twin) is type(sched)
    assert isinstance(twin, plr.LRScheduler)
    assert twin.state_dict() == sched.state_dict()
    assert values(twin, case, k, m) == want[k:]
    assert values(sched, case, k, m) == want[k:]


def test_scheduler_object_in_a_paddle_checkpoint(fwp, plr, tmp_path):
    """The scheduler object itself saved with ``paddle.save`` (which pickles it) comes back a
    working fastwarmup.paddle scheduler that an optimizer accepts."""
    import paddle

    case = "LinearWarmup(CosineAnnealingDecay)"
    ref = CASES[case](plr)
    want = values(ref, case, 0, STEPS)
    sched = CASES[case](fwp)
    values(sched, case, 0, SPLIT)
    path = str(tmp_path / "sched.pdparams")
    paddle.save({"sched": sched}, path)
    back = paddle.load(path)["sched"]
    assert type(back) is type(sched)
    net = new_net()
    opt = paddle.optimizer.SGD(learning_rate=back, parameters=net.parameters())
    got = []
    for _ in range(STEPS - SPLIT):
        got.append(opt.get_lr())
        back.step()
    assert got == want[SPLIT:]


# --- static graph (in a subprocess: static mode and the IR switch are process-wide) --------

STATIC_SCHEDULE = "LinearWarmup(PolynomialDecay)"
STATIC_CONFIGS = (
    [
        (ir, opt, dtype, STATIC_SCHEDULE)
        for ir in ("pir", "legacy")
        for opt in ("SGD", "Momentum", "Adam")
        for dtype in DTYPES
    ]
    + [("pir", "Momentum", "float64", case) for case in CASES if case != STATIC_SCHEDULE]
    + [("legacy", "Adam", "float32", case) for case in (CAWR, PLATEAU, "CyclicLR")]
    # exe.run(CompiledProgram(main)): the legacy IR only (paddle refuses a PIR program there)
    + [("legacy-compiled", "Momentum", "float32", STATIC_SCHEDULE)]
    + [("legacy-compiled", "Adam", "float64", "CyclicLR")]
)


def _static_run(lib: ModuleType, ir: str, opt: str, dtype: str, case: str) -> dict:
    """Train a program built in static mode with ``Executor``: per step the fetched loss and
    lr variable, ``sched()``; at the end the parameters read from the scope."""
    import paddle
    from paddle import pir_utils

    guard = pir_utils.IrGuard() if ir.startswith("pir") else pir_utils.OldIrGuard()
    rng = np.random.default_rng(7)
    w1 = (0.3 * rng.standard_normal((8, 16))).astype(dtype)
    w2 = (0.3 * rng.standard_normal((16, 1))).astype(dtype)
    old_dtype = paddle.get_default_dtype()
    with guard:
        paddle.set_default_dtype(dtype)
        try:
            main, startup = paddle.static.Program(), paddle.static.Program()
            scope = paddle.static.Scope()
            with paddle.static.scope_guard(scope), paddle.static.program_guard(main, startup):
                x = paddle.static.data("x", [None, 8], dtype)
                y = paddle.static.data("y", [None, 1], dtype)
                init = paddle.nn.initializer.Assign
                l1 = paddle.nn.Linear(8, 16, weight_attr=paddle.ParamAttr(initializer=init(w1)))
                l2 = paddle.nn.Linear(16, 1, weight_attr=paddle.ParamAttr(initializer=init(w2)))
                loss = paddle.nn.functional.mse_loss(l2(paddle.nn.functional.relu(l1(x))), y)
                sched = CASES[case](lib)
                optimizer = getattr(paddle.optimizer, opt)(learning_rate=sched)
                optimizer.minimize(loss)
                exe = paddle.static.Executor(paddle.CPUPlace())
                exe.run(startup)
                program = paddle.static.CompiledProgram(main) if "compiled" in ir else main
                out: dict = {"program": type(main).__module__ + "." + type(main).__name__}
                out["losses"], out["lr_vars"], out["scheds"] = [], [], []
                for i in range(30):
                    feed = {"x": _X[i % 8].astype(dtype), "y": _Y[i % 8].astype(dtype)}
                    loss_v, lr_v = exe.run(program, feed=feed, fetch_list=[loss, main.lr_var])
                    out["losses"].append(loss_v)
                    out["lr_vars"].append(lr_v)
                    out["scheds"].append(sched())
                    step(sched, case, i, metric=loss_v)
                names = [p.name for p in (l1.weight, l1.bias, l2.weight, l2.bias)]
                out["params"] = [np.array(scope.find_var(n).get_tensor()) for n in names]
        finally:
            paddle.set_default_dtype(old_dtype)
    return out


def _static_worker(path: str) -> None:
    """Subprocess entry: every STATIC_CONFIGS run with both libraries, pickled to ``path``
    (an exception is recorded as its text, so one failure does not hide the others)."""
    import paddle.optimizer.lr as plr

    if SELFCHECK:
        fw = plr
    else:
        from fastwarmup.paddle import lr as fw
    runs = [(config, _static_run, config) for config in STATIC_CONFIGS]
    runs += [(("hapi", by, case), _static_hapi_run, (by, case)) for by, case in MODEL_CASES]
    results = {}
    for config, run, args in runs:
        for name, lib in (("fw", fw), ("paddle", plr)):
            try:
                results[config, name] = run(lib, *args)
            except Exception as exc:  # reported by the test of this config
                results[config, name] = f"{type(exc).__name__}: {exc}"
    with open(path, "wb") as f:
        pickle.dump(results, f)


@pytest.fixture(scope="module")
def static_results(plr, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("static") / "results.pkl"
    code = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import {Path(__file__).stem} as t; "
    code += f"t._static_worker({str(path)!r})"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    with open(path, "rb") as f:
        return pickle.load(f)


@pytest.mark.parametrize("config", STATIC_CONFIGS, ids=["-".join(c) for c in STATIC_CONFIGS])
def test_static_graph_training(static_results, config):
    """``opt.minimize(loss)`` in a static program, ``exe.run`` per step, ``sched.step()``:
    the fetched loss and lr variable of every step and the final parameters are paddle's."""
    ir, _, dtype, _ = config
    want, got = static_results[config, "paddle"], static_results[config, "fw"]
    assert not isinstance(want, str), f"paddle's own run failed: {want}"
    assert not isinstance(got, str), got
    assert got["program"] == want["program"]
    assert ("pir" in want["program"]) == ir.startswith("pir"), want["program"]
    assert got["scheds"] == want["scheds"]
    assert len(set(want["scheds"])) > 2
    for i, (g, w, s) in enumerate(zip(got["lr_vars"], want["lr_vars"], got["scheds"], strict=True)):
        assert g.dtype == w.dtype == np.dtype(dtype) and np.array_equal(g, w), i
        assert g == np.array(s, dtype=dtype), f"the executor fed another lr at step {i}"
    for i, (g, w) in enumerate(zip(got["losses"], want["losses"], strict=True)):
        assert np.array_equal(g, w), f"loss differs at step {i}"
    for g, w in zip(got["params"], want["params"], strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)


# --- paddle.Model (hapi) ------------------------------------------------------------------

MODEL_CASES = [
    ("by_step", "LinearWarmup(CosineAnnealingDecay)"),
    ("by_step", "CyclicLR"),
    ("by_epoch", "ExponentialDecay"),
    ("by_epoch", "CosineAnnealingWarmRestarts"),
]
MODEL_EPOCHS = 6  # x 5 batches of 8


def _hapi_fit(sched, epochs: int, by: str, *, load: str | None = None, save: str | None = None):
    """``paddle.Model(net, inputs, labels).prepare(Momentum(sched), MSELoss).fit(...)`` with
    ``paddle.callbacks.LRScheduler`` (``load``/``save``: ``Model.load`` before the fit,
    ``Model.save`` after it); returns the lr of each batch and the parameters."""
    import paddle
    from paddle.static import InputSpec

    class Data(paddle.io.Dataset):
        def __len__(self) -> int:
            return 40

        def __getitem__(self, i: int):
            x, y = _X.reshape(-1, 8)[i], _Y.reshape(-1, 1)[i]
            return x.astype("float32"), y.astype("float32")

    class Recorder(paddle.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.lrs: list[float] = []

        def on_train_batch_begin(self, step, logs=None) -> None:
            self.lrs.append(self.model._optimizer.get_lr())

    with session("float32"):
        net = new_net()
        model = paddle.Model(
            net,
            inputs=[InputSpec([None, 8], "float32", "x")],
            labels=[InputSpec([None, 1], "float32", "y")],
        )
        opt = paddle.optimizer.Momentum(
            learning_rate=sched, momentum=0.9, parameters=net.parameters()
        )
        model.prepare(optimizer=opt, loss=paddle.nn.MSELoss())
        if load is not None:
            model.load(load)
        recorder = Recorder()
        by_step = by == "by_step"
        callback = paddle.callbacks.LRScheduler(by_step=by_step, by_epoch=not by_step)
        model.fit(
            Data(),
            batch_size=8,
            epochs=epochs,
            shuffle=False,
            verbose=0,
            callbacks=[callback, recorder],
        )
        if save is not None:
            model.save(save)
        if paddle.in_dynamic_mode():
            return recorder.lrs, [p.numpy() for p in net.parameters()]
        scope = paddle.static.global_scope()
        return recorder.lrs, [
            np.array(scope.find_var(p.name).get_tensor()) for p in net.parameters()
        ]


@pytest.mark.parametrize(("by", "case"), MODEL_CASES)
def test_hapi_model_fit(fwp, plr, by, case):
    """``Model.fit`` with the LRScheduler callback (by step / by epoch): same lr per batch and
    same parameters as with paddle's scheduler."""
    want_lrs, want_params = _hapi_fit(CASES[case](plr), MODEL_EPOCHS, by)
    got_lrs, got_params = _hapi_fit(CASES[case](fwp), MODEL_EPOCHS, by)
    assert len(want_lrs) == MODEL_EPOCHS * 5 and len(set(want_lrs)) > 2
    assert got_lrs == want_lrs
    for g, w in zip(got_params, want_params, strict=True):
        assert np.array_equal(g, w)


def _static_hapi_run(lib: ModuleType, by: str, case: str) -> tuple[list[float], list]:
    """``_hapi_fit`` in static mode (PIR), in programs and a scope of its own."""
    import paddle

    with paddle.pir_utils.IrGuard():
        main, startup = paddle.static.Program(), paddle.static.Program()
        with paddle.static.scope_guard(paddle.static.Scope()):
            with paddle.static.program_guard(main, startup):
                return _hapi_fit(CASES[case](lib), MODEL_EPOCHS, by)


@pytest.mark.parametrize(("by", "case"), MODEL_CASES)
def test_hapi_model_fit_static(static_results, by, case):
    """The same fit in static mode (paddle.Model's static adapter runs an Executor; the run
    is in the static-graph subprocess)."""
    want, got = (
        static_results[("hapi", by, case), "paddle"],
        static_results[("hapi", by, case), "fw"],
    )
    assert not isinstance(want, str), f"paddle's own run failed: {want}"
    assert not isinstance(got, str), got
    assert len(want[0]) == MODEL_EPOCHS * 5 and len(set(want[0])) > 2
    assert got[0] == want[0]
    for g, w in zip(got[1], want[1], strict=True):
        assert np.array_equal(g, w)


@pytest.mark.parametrize(("by", "case"), MODEL_CASES)
def test_hapi_model_save_load_resume(fwp, plr, tmp_path, by, case):
    """``Model.save`` half way and ``Model.load`` into a fresh Model with a fresh fastwarmup
    scheduler continue as paddle's uninterrupted fit."""
    if case == CAWR and SELFCHECK:
        pytest.skip("fastwarmup-only behaviour (paddle restarts the cycle)")
    want_lrs, want_params = _hapi_fit(CASES[case](plr), MODEL_EPOCHS, by)
    half = MODEL_EPOCHS // 2
    path = str(tmp_path / "model")
    lrs1, _ = _hapi_fit(CASES[case](fwp), half, by, save=path)
    lrs2, got_params = _hapi_fit(CASES[case](fwp), MODEL_EPOCHS - half, by, load=path)
    assert lrs1 + lrs2 == want_lrs
    for g, w in zip(got_params, want_params, strict=True):
        assert np.array_equal(g, w)


# --- class relations, nesting both ways, user subclasses ----------------------------------


@pytest.mark.fastwarmup_only
def test_every_class_is_paddles_and_fastwarmups(fwp, plr):
    from fastwarmup import lr as fwl

    assert sorted(fwp.__all__) == sorted(plr.__all__)
    for name in plr.__all__:
        cls = getattr(fwp, name)
        assert cls is not getattr(plr, name)
        assert issubclass(cls, getattr(plr, name)), name
        assert issubclass(cls, plr.LRScheduler), name
        assert issubclass(cls, getattr(fwl, name)), name
        assert issubclass(cls, fwp.LRScheduler), name
    for case, make in CASES.items():
        sched = make(fwp)
        name = case.split("(")[0]
        assert isinstance(sched, plr.LRScheduler) and isinstance(sched, getattr(plr, name))
        assert isinstance(sched, getattr(fwl, name))


def _user_class(base: type) -> type:
    """A user's schedule on ``base`` (an LRScheduler class): attributes set before
    ``super().__init__``, ``get_lr`` overridden."""

    class Halving(base):
        def __init__(self, learning_rate, period, last_epoch=-1, verbose=False):
            self.period = period
            super().__init__(learning_rate, last_epoch, verbose)

        def get_lr(self):
            e = self.last_epoch
            return self.base_lr * 0.5 ** (e // self.period) + 0.001 * (e % self.period)

    return Halving


def _poly(m):
    return m.PolynomialDecay(0.1, decay_steps=30, end_lr=0.0, power=0.9)


# name -> (the mixed construction, given (fw, paddle); paddle's own equivalent, given paddle)
NESTS = {
    "fw LinearWarmup(paddle PolynomialDecay)": (
        lambda f, p: f.LinearWarmup(_poly(p), 8, 0.0, 0.1),
        lambda p: p.LinearWarmup(_poly(p), 8, 0.0, 0.1),
    ),
    "paddle LinearWarmup(fw PolynomialDecay)": (
        lambda f, p: p.LinearWarmup(_poly(f), 8, 0.0, 0.1),
        lambda p: p.LinearWarmup(_poly(p), 8, 0.0, 0.1),
    ),
    "fw LinearWarmup(paddle LinearWarmup(fw CosineAnnealingDecay))": (
        lambda f, p: f.LinearWarmup(
            p.LinearWarmup(f.CosineAnnealingDecay(0.1, T_max=9), 5, 0.02, 0.1), 4, 0.0, 0.02
        ),
        lambda p: p.LinearWarmup(
            p.LinearWarmup(p.CosineAnnealingDecay(0.1, T_max=9), 5, 0.02, 0.1), 4, 0.0, 0.02
        ),
    ),
    "user subclass of fw LRScheduler": (
        lambda f, p: _user_class(f.LRScheduler)(0.1, period=7),
        lambda p: _user_class(p.LRScheduler)(0.1, period=7),
    ),
    "fw LinearWarmup(user subclass of fw LRScheduler)": (
        lambda f, p: f.LinearWarmup(_user_class(f.LRScheduler)(0.1, period=7), 6, 0.0, 0.1),
        lambda p: p.LinearWarmup(_user_class(p.LRScheduler)(0.1, period=7), 6, 0.0, 0.1),
    ),
    "paddle LinearWarmup(user subclass of fw LRScheduler)": (
        lambda f, p: p.LinearWarmup(_user_class(f.LRScheduler)(0.1, period=7), 6, 0.0, 0.1),
        lambda p: p.LinearWarmup(_user_class(p.LRScheduler)(0.1, period=7), 6, 0.0, 0.1),
    ),
}


@pytest.mark.parametrize("nest", list(NESTS))
def test_nesting_trains_as_paddle(fwp, plr, tmp_path, nest):
    """Mixed nests and a user's subclass train as paddle's own; and resume from a checkpoint
    (the nest's state under ``LinearWarmup_LR``)."""
    mixed, own = NESTS[nest]
    assert isinstance(mixed(fwp, plr), plr.LRScheduler)
    for opt, dtype in CHECKPOINT_SETUPS:
        want = train(lambda: own(plr), opt, dtype)
        assert len(set(want.lrs)) > 2
        assert_same(train(lambda: mixed(fwp, plr), opt, dtype), want)
        resumed = train_resumed(
            lambda: mixed(fwp, plr), lambda: mixed(fwp, plr), opt, dtype, tmp_path
        )
        assert_same(resumed, want)


def test_nested_object_is_live(fwp, plr):
    """``.learning_rate`` of a LinearWarmup is the nested object itself, in both libraries,
    whichever library each side comes from."""
    for outer in (fwp, plr):
        for inner_lib in (fwp, plr):
            inner = _poly(inner_lib)
            sched = outer.LinearWarmup(inner, 3, 0.0, 0.1)
            assert sched.learning_rate is inner
            for _ in range(6):
                sched.step()
            assert inner.last_epoch == 3  # stepped with epoch 6 - warmup_steps


def test_optimizer_scheduler_switches(fwp, plr):
    """``opt.set_lr_scheduler`` takes a fastwarmup.paddle scheduler; ``opt.set_lr`` refuses
    while one is set, as with paddle's."""
    import paddle

    net = new_net()
    opt = paddle.optimizer.SGD(learning_rate=0.5, parameters=net.parameters())
    sched = CASES["StepDecay"](fwp)
    opt.set_lr_scheduler(sched)
    assert opt._learning_rate is sched
    for _ in range(13):
        assert opt.get_lr() == sched()
        sched.step()
    ref = CASES["StepDecay"](plr)
    for _ in range(13):
        ref.step()
    assert opt.get_lr() == ref()
    with pytest.raises(RuntimeError, match="can't be LRScheduler"):
        opt.set_lr(0.1)


# --- imports ------------------------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_fastwarmup_does_not_import_paddle():
    proc = _python(
        """
        import sys
        import fastwarmup
        from fastwarmup import lr
        lr.LinearWarmup(lr.PolynomialDecay(0.1, 10), 2, 0.0, 0.1).step()
        loaded = sorted(m for m in sys.modules if m == "paddle" or m.startswith("paddle."))
        assert not loaded, loaded
        """
    )
    assert proc.returncode == 0, proc.stderr


def test_fastwarmup_paddle_without_paddle_names_the_extra():
    proc = _python(
        """
        import sys
        sys.modules["paddle"] = None  # paddle not installed
        for statement in ("import fastwarmup.paddle", "from fastwarmup.paddle import lr",
                          "import fastwarmup.paddle.lr"):
            try:
                exec(statement)
            except ImportError as error:
                message = str(error)
                assert "pip install 'fastwarmup[paddle]'" in message, message
                assert "\\n" not in message, message
            else:
                raise AssertionError(statement + " did not raise")
        from fastwarmup import lr  # the core still works
        assert lr.StepDecay(0.1, 2)() == 0.1
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


# --- the example --------------------------------------------------------------------------


def test_example_train_paddle_runs(plr):
    proc = subprocess.run(
        [sys.executable, "examples/train_paddle.py"],
        cwd=ROOT,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "lr" in proc.stdout
