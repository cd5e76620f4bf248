"""The registry: for each of the 18 names of ``paddle.optimizer.lr.__all__`` (the base class and
the 17 schedulers), a generator of random constructor arguments valid for paddle 3.3.1, and one
builder that makes the same configuration in either library.

A :class:`Config` is pure data (no library imported here): a class name, its keyword arguments
in signature order (``LinearWarmup``'s ``learning_rate`` may be another ``Config``), how many of
them to pass positionally, and ``foreign``: build this node with paddle even on the fastwarmup
side (a real paddle scheduler nested in ``fastwarmup.lr.LinearWarmup``).

The ``LRScheduler`` entry stands for a user's Python subclass (``Geometric``, ``Stairs``): the
same class body written over either library's ``LRScheduler``. The callables of
``LambdaDecay``, ``MultiplicativeDecay`` and ``CyclicLR(scale_fn=...)`` are the named functions
below, the same objects in both libraries.
"""

from __future__ import annotations

import copy
import functools
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

ALL_CLASSES = (
    "LRScheduler",
    "NoamDecay",
    "PiecewiseDecay",
    "NaturalExpDecay",
    "InverseTimeDecay",
    "PolynomialDecay",
    "LinearWarmup",
    "ExponentialDecay",
    "MultiStepDecay",
    "StepDecay",
    "LambdaDecay",
    "ReduceOnPlateau",
    "CosineAnnealingDecay",
    "MultiplicativeDecay",
    "OneCycleLR",
    "CyclicLR",
    "LinearLR",
    "CosineAnnealingWarmRestarts",
)

MAX_WARMUP_NESTING = 3  # LinearWarmup(LinearWarmup(LinearWarmup(X)))
WARMUP_WEIGHT = 3  # LinearWarmup, the composite, is drawn 3 times as often as each other class
MULTIPLICATIVE_CAP = 1000  # MultiplicativeDecay costs O(epoch) per step in paddle


# --- the shared callables -------------------------------------------------------------------


def lambda_pow(epoch: int) -> float:
    return 0.95**epoch


def lambda_inverse(epoch: int) -> float:
    return 1.0 / (epoch + 1)


def lambda_mod3(epoch: int) -> int:
    return epoch % 3


def lambda_ramp(epoch: int) -> float:
    return min(1.0, (epoch + 1) / 10)


def mult_const(epoch: int) -> float:
    return 0.95


def mult_slowing(epoch: int) -> float:
    return 1.0 - 1.0 / (epoch + 20)


def mult_one(epoch: int) -> int:
    return 1


def scale_halving(x: float) -> float:
    return 1 / (2.0 ** (x - 1))


def scale_inverse(x: float) -> float:
    return 1.0 / (1.0 + 0.01 * x)


LAMBDAS = (lambda_pow, lambda_inverse, lambda_mod3, lambda_ramp)
MULTIPLIERS = (mult_const, mult_slowing, mult_one)
SCALE_FNS = (scale_halving, scale_inverse)


# --- user subclasses of LRScheduler ---------------------------------------------------------

SUBCLASS_PARAMS = {
    "Geometric": ("learning_rate", "k", "last_epoch", "verbose"),
    "Stairs": ("learning_rate", "width", "top", "last_epoch", "verbose"),
}


@functools.cache
def user_classes(module: ModuleType) -> dict[str, type]:
    """The user subclasses, written over ``module.LRScheduler`` (one class per library)."""
    base = module.LRScheduler

    class Geometric(base):
        def __init__(self, learning_rate, k, last_epoch=-1, verbose=False):
            self.k = k
            super().__init__(learning_rate, last_epoch, verbose)

        def get_lr(self):
            return self.base_lr * self.k**self.last_epoch

    class Stairs(base):
        """Returns the int ``top`` for the first ``width`` epochs (paddle keeps its type)."""

        def __init__(self, learning_rate, width, top, last_epoch=-1, verbose=False):
            self.width = width
            self.top = top
            super().__init__(learning_rate, last_epoch, verbose)

        def get_lr(self):
            if self.last_epoch < self.width:
                return self.top
            return self.base_lr / (self.last_epoch - self.width + 1)

    classes = {"Geometric": Geometric, "Stairs": Stairs}
    # Module-level names, so that pickle finds each library's classes by reference.
    for name, cls in classes.items():
        cls.__qualname__ = f"{name}_{module.__name__.replace('.', '_')}"
        globals()[cls.__qualname__] = cls
    return classes


# --- configurations -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Config:
    cls: str  # a name of ALL_CLASSES
    kwargs: dict[str, Any]  # in signature order
    npos: int = 0  # how many leading arguments go positionally
    foreign: bool = False  # build with paddle on the fastwarmup side too
    sub: str | None = None  # the user subclass, for cls == "LRScheduler"

    @property
    def entry(self) -> Entry:
        return REGISTRY[self.cls]

    @property
    def name(self) -> str:
        return self.sub or self.cls

    @property
    def params(self) -> tuple[str, ...]:
        return SUBCLASS_PARAMS[self.sub] if self.sub else self.entry.params

    @property
    def inner(self) -> Config | None:
        value = self.kwargs.get("learning_rate")
        return value if self.cls == "LinearWarmup" and isinstance(value, Config) else None

    def __repr__(self) -> str:
        args = [_show(v) for v in self.kwargs.values()][: self.npos]
        args += [f"{k}={_show(v)}" for k, v in list(self.kwargs.items())[self.npos :]]
        prefix = "paddle." if self.foreign else ""
        return f"{prefix}{self.name}({', '.join(args)})"

    @property
    def short(self) -> str:
        """A readable id: the nesting of class names."""
        prefix = "pd." if self.foreign else ""
        inner = self.inner
        if inner is not None:
            return f"{prefix}{self.name}<{inner.short}>"
        if self.cls == "LinearWarmup":
            return f"{prefix}{self.name}<{type(self.kwargs['learning_rate']).__name__}>"
        return prefix + self.name


def _show(value: Any) -> str:
    return value.__name__ if callable(value) and not isinstance(value, Config) else repr(value)


def C(cls: str, *args: Any, sub: str | None = None, foreign: bool = False, **kwargs: Any) -> Config:
    """A hand-written configuration: ``C("PolynomialDecay", 0.1, 10, power=2)``."""
    params = SUBCLASS_PARAMS[sub] if sub else REGISTRY[cls].params
    merged = dict(zip(params, args, strict=False)) | kwargs
    ordered = {p: merged[p] for p in params if p in merged}
    return Config(cls, ordered, npos=len(args), foreign=foreign, sub=sub)


def walk(cfg: Config) -> Iterator[Config]:
    """``cfg`` and its nested configurations, outermost first."""
    node: Config | None = cfg
    while node is not None:
        yield node
        node = node.inner


def build(cfg: Config, module: ModuleType, paddle: ModuleType, made: list | None = None) -> Any:
    """``cfg`` built from ``module`` (``paddle`` for foreign nodes and everything inside them).

    ``made`` collects ``(warmup, nested)`` pairs, to check ``warmup.learning_rate is nested``.
    """
    if cfg.foreign:
        module = paddle
    kwargs = {}
    for key, value in cfg.kwargs.items():
        if isinstance(value, Config):
            value = build(value, module, paddle, made)
        elif isinstance(value, list | tuple):
            value = copy.copy(value)
        kwargs[key] = value
    nested = kwargs["learning_rate"] if cfg.inner is not None else None
    cls = user_classes(module)[cfg.sub] if cfg.sub else getattr(module, cfg.cls)
    names = list(kwargs)[: cfg.npos]
    obj = cls(*[kwargs.pop(n) for n in names], **kwargs)
    if made is not None and nested is not None:
        made.append((obj, nested))
    return obj


def initial_epoch(cfg: Config) -> int:
    """``last_epoch`` right after construction."""
    if not cfg.entry.has_last_epoch:
        return 0
    return cfg.kwargs.get("last_epoch", -1) + 1


def cap(cfg: Config) -> int | None:
    """The largest epoch the configuration can be stepped to (``None``: no limit)."""
    return cfg.entry.cap(cfg)


def raises_past_cap(cfg: Config) -> bool:
    """Whether stepping past ``cap(cfg)`` raises (OneCycleLR inside)."""
    return any(node.entry.raises_past_cap for node in walk(cfg))


def landmarks(cfg: Config) -> list[int]:
    """Epochs where the schedule changes regime (jump targets, with their neighbours)."""
    return sorted({m for m in cfg.entry.marks(cfg) if m >= 0})


def complete_state(cfg: Config) -> bool:
    """Whether paddle's state dict captures everything (not so for CosineAnnealingWarmRestarts:
    ``T_cur``/``T_i`` are not saved, so a loaded scheduler continues from stale ones)."""
    return all(node.entry.complete_state for node in walk(cfg))


def uses_metrics(cfg: Config) -> bool:
    """``step(metrics, epoch=None)`` (ReduceOnPlateau at the root)."""
    return cfg.cls == "ReduceOnPlateau"


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    params: tuple[str, ...]
    gen: Callable[[random.Random, Callable[[], Any]], dict[str, Any]]
    attrs: tuple[str, ...] = ()  # public attributes paddle sets (compared as given)
    marks: Callable[[Config], list[int]] = lambda cfg: [0, 1, 2]
    cap: Callable[[Config], int | None] = lambda cfg: None
    complete_state: bool = True
    has_last_epoch: bool = True
    raises_past_cap: bool = False  # stepping past ``cap`` raises (else the cap is only for cost)


def _lr(rng: random.Random) -> float | int:
    """A valid learning rate, float or int, zero included."""
    rounded, arbitrary = round(rng.uniform(1e-4, 1), 4), rng.uniform(1e-4, 2)
    return rng.choice((0.1, 0.1, 1.0, 0.5, 0.01, 1e-3, 0.0, 1, 2, 0, rounded, arbitrary))


def _pick(rng: random.Random, *options: Any) -> Any:
    return rng.choice(options)


def _maybe(rng: random.Random, kwargs: dict[str, Any], key: str, *options: Any) -> None:
    """Set ``kwargs[key]`` to one of ``options`` half of the time (else paddle's default)."""
    if rng.random() < 0.5:
        kwargs[key] = rng.choice(options)


def _around(*points: float) -> list[int]:
    out = []
    for p in points:
        base = math.floor(p)
        out += [base - 1, base, base + 1, base + 2]
    return out


def _gen_user(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    if rng.random() < 0.5:
        return {"sub": "Geometric", "learning_rate": _lr(rng), "k": _pick(rng, 0.9, 0.99, 0.5, 1)}
    return {
        "sub": "Stairs",
        "learning_rate": _lr(rng),
        "width": _pick(rng, 1, 2, 5, rng.randint(1, 30)),
        "top": _pick(rng, 0, 1, 2),
    }


def _gen_noam(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {
        "d_model": _pick(rng, 1, 64, 512, rng.randint(1, 1024)),
        "warmup_steps": _pick(rng, 1, 10, 4000, rng.randint(1, 300)),
    }
    _maybe(rng, kw, "learning_rate", 1.0, 2, 0.5, rng.uniform(0.1, 3))
    return kw


def _gen_piecewise(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    k = rng.randint(1, 5)
    bounds = sorted(rng.sample(range(1, 120), k))
    values = [_lr(rng) for _ in range(k + 1 + (rng.random() < 0.2))]
    seq = _pick(rng, list, tuple)
    return {"boundaries": seq(bounds), "values": seq(values)}


def _gen_gamma(*options: float) -> Callable[[random.Random, Callable[[], Any]], dict[str, Any]]:
    def gen(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
        return {"learning_rate": _lr(rng), "gamma": rng.choice(options)}

    return gen


def _gen_natural_exp(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    return _gen_gamma(0.1, 0.5, 1e-3, 1, rng.uniform(1e-3, 2))(rng, nest)


def _gen_inverse_time(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    return _gen_gamma(0.1, 0.5, 1, 0, 0.0, rng.uniform(0, 2))(rng, nest)


def _gen_exponential(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    return _gen_gamma(0.9, 0.5, 0.99, rng.uniform(0.01, 0.999))(rng, nest)


def _gen_poly(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {
        "learning_rate": _lr(rng),
        "decay_steps": _pick(rng, 1, 1, 2, 3, 7, 10, 100, rng.randint(1, 300)),
    }
    _maybe(rng, kw, "end_lr", 0.0, 0, 1e-4, 0.05, 1, rng.uniform(0, 0.1))
    _maybe(rng, kw, "power", 0.5, 1, 1.0, 2, 2.0, 0.9, 3, rng.uniform(0.1, 4))
    _maybe(rng, kw, "cycle", True, False)
    return kw


def _gen_warmup(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    start = _pick(rng, 0.0, 0, 0, 1e-5, 1e-3, rng.uniform(0, 0.01))
    end = _pick(rng, 0.1, 1, 0.5, 2, start + rng.uniform(1e-3, 1))
    if not end > start:
        end = start + 0.1
    return {
        "learning_rate": nest(),
        "warmup_steps": _pick(rng, 1, 1, 2, 3, 5, 10, 100, rng.randint(1, 60)),
        "start_lr": start,
        "end_lr": end,
    }


def _gen_multistep(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    k = rng.choice((0, 1, 2, 3, 3, 5))
    seq = _pick(rng, list, tuple)
    kw = {"learning_rate": _lr(rng), "milestones": seq(sorted(rng.sample(range(1, 120), k)))}
    _maybe(rng, kw, "gamma", 0.1, 0.5, 0.0, rng.uniform(0, 0.99))
    return kw


def _gen_step(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {"learning_rate": _lr(rng), "step_size": _pick(rng, 1, 2, 3, 10, rng.randint(1, 50))}
    _maybe(rng, kw, "gamma", 0.1, 0.5, 0.9, rng.uniform(0, 0.99))
    return kw


def _gen_lambda(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    return {"learning_rate": _lr(rng), "lr_lambda": rng.choice(LAMBDAS)}


def _gen_multiplicative(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    return {"learning_rate": _lr(rng), "lr_lambda": rng.choice(MULTIPLIERS)}


def _gen_plateau(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"learning_rate": _lr(rng)}
    _maybe(rng, kw, "mode", "min", "max", "Max")
    _maybe(rng, kw, "factor", 0.1, 0.5, 0.9, rng.uniform(0.01, 0.99))
    _maybe(rng, kw, "patience", 0, 1, 2, 3, 10)
    _maybe(rng, kw, "threshold", 1e-4, 0.0, 0.1, 1)
    _maybe(rng, kw, "threshold_mode", "rel", "abs")
    _maybe(rng, kw, "cooldown", 0, 1, 2)
    _maybe(rng, kw, "min_lr", 0, 0.0, 1e-3, 0.05)
    _maybe(rng, kw, "epsilon", 1e-8, 0.0, 1e-3)
    return kw


def _gen_cosine(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {"learning_rate": _lr(rng), "T_max": _pick(rng, 1, 2, 3, 10, rng.randint(1, 100))}
    _maybe(rng, kw, "eta_min", 0, 0.0, 1e-5, rng.uniform(0, 0.01))
    return kw


def onecycle_sizes(total: int, pct: float, three_phase: bool) -> list[float]:
    """OneCycleLR's phase lengths, as paddle computes them (a zero one divides by zero)."""
    if three_phase:
        ends = [0, pct * total - 1, 2 * pct * total - 2, total - 1]
        return [ends[1] - ends[0], ends[2] - ends[1], ends[3] - ends[2]]
    ends = [0, pct * total - 1, total - 1]
    return [ends[1] - ends[0], ends[2] - ends[1]]


def _gen_onecycle(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    while True:
        total = _pick(rng, 1, 2, 3, 10, 100, rng.randint(2, 400))
        three = rng.random() < 0.3
        pct = _pick(rng, 0.3, 0.25, 0.1, 0.45, round(rng.uniform(0.01, 0.99), 3))
        if three and pct >= 0.5:
            continue
        if all(size != 0 for size in onecycle_sizes(total, pct, three)):
            break
    kw = {"max_learning_rate": _pick(rng, 0.1, 1, 1.0, 0.01, rng.uniform(1e-3, 2))}
    kw["total_steps"] = total
    _maybe(rng, kw, "divide_factor", 25.0, 10, 4.0, 1, rng.uniform(1, 30))
    _maybe(rng, kw, "end_learning_rate", 1e-4, 0, 0.0, 1e-3)
    kw["phase_pct"] = pct
    _maybe(rng, kw, "anneal_strategy", "cos", "linear")
    if three or rng.random() < 0.3:
        kw["three_phase"] = three
    return kw


def _gen_cyclic(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "base_learning_rate": _lr(rng),
        "max_learning_rate": _pick(rng, 0.1, 1, 1.0, 0.01, rng.uniform(0, 2)),
        "step_size_up": _pick(rng, 1, 2, 5, 10, rng.randint(1, 50)),
    }
    _maybe(rng, kw, "step_size_down", None, 1, 3, rng.randint(1, 50))
    custom = rng.random() < 0.25
    modes = ("triangular", "triangular2", "exp_range") + (("custom",) if custom else ())
    _maybe(rng, kw, "mode", *modes)
    _maybe(rng, kw, "exp_gamma", 1.0, 0.99, 0.9, 0.5)
    if custom:
        kw["scale_fn"] = rng.choice(SCALE_FNS)
        _maybe(rng, kw, "scale_mode", "cycle", "iterations")
    return kw


def _gen_linear_lr(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {"learning_rate": _lr(rng), "total_steps": _pick(rng, 1, 2, 5, 10, rng.randint(1, 100))}
    _maybe(rng, kw, "start_factor", 0.5, 1.0, 1, 0.25, rng.uniform(1e-3, 1))
    _maybe(rng, kw, "end_factor", 1.0, 0.0, 0, 0.5, rng.uniform(0, 1))
    return kw


def _gen_warm_restarts(rng: random.Random, nest: Callable[[], Any]) -> dict[str, Any]:
    kw = {"learning_rate": _lr(rng), "T_0": _pick(rng, 1, 2, 5, 10, rng.randint(1, 50))}
    _maybe(rng, kw, "T_mult", 1, 2, 3)
    _maybe(rng, kw, "eta_min", 0, 0.0, 1e-5, rng.uniform(0, 0.01))
    return kw


def _warmup_marks(cfg: Config) -> list[int]:
    w = cfg.kwargs["warmup_steps"]
    inner = cfg.inner
    return _around(0, w) + ([w + m for m in landmarks(inner)] if inner else [])


def _warmup_cap(cfg: Config) -> int | None:
    inner = cfg.inner
    inner_cap = cap(inner) if inner is not None else None
    return None if inner_cap is None else cfg.kwargs["warmup_steps"] + inner_cap


def _multiples(step: float, count: int = 4) -> list[int]:
    return _around(*[step * k for k in range(count + 1)])


def _onecycle_marks(cfg: Config) -> list[int]:
    kw = cfg.kwargs
    total, pct = kw["total_steps"], kw["phase_pct"]
    return _around(0, pct * total - 1, 2 * pct * total - 2, total - 1, total)


def _cyclic_marks(cfg: Config) -> list[int]:
    up = cfg.kwargs["step_size_up"]
    down = cfg.kwargs.get("step_size_down") or up
    return _multiples(up + down) + _around(up, 2 * up + down)


def _restart_marks(cfg: Config) -> list[int]:
    t0, mult = cfg.kwargs["T_0"], cfg.kwargs.get("T_mult", 1)
    return _around(*[t0 * (k if mult == 1 else (mult**k - 1) // (mult - 1)) for k in range(5)])


_LR_TAIL = ("last_epoch", "verbose")

REGISTRY: dict[str, Entry] = {
    "LRScheduler": Entry(
        params=("learning_rate", *_LR_TAIL),
        gen=_gen_user,
        attrs=("k", "width", "top"),
        marks=lambda cfg: _around(0, cfg.kwargs.get("width", 0)),
    ),
    "NoamDecay": Entry(
        params=("d_model", "warmup_steps", "learning_rate", *_LR_TAIL),
        gen=_gen_noam,
        attrs=("d_model", "warmup_steps"),
        marks=lambda cfg: _around(0, cfg.kwargs["warmup_steps"]),
    ),
    "PiecewiseDecay": Entry(
        params=("boundaries", "values", *_LR_TAIL),
        gen=_gen_piecewise,
        attrs=("boundaries", "values"),
        marks=lambda cfg: _around(0, *cfg.kwargs["boundaries"]),
    ),
    "NaturalExpDecay": Entry(
        params=("learning_rate", "gamma", *_LR_TAIL), gen=_gen_natural_exp, attrs=("gamma",)
    ),
    "InverseTimeDecay": Entry(
        params=("learning_rate", "gamma", *_LR_TAIL), gen=_gen_inverse_time, attrs=("gamma",)
    ),
    "PolynomialDecay": Entry(
        params=("learning_rate", "decay_steps", "end_lr", "power", "cycle", *_LR_TAIL),
        gen=_gen_poly,
        attrs=("decay_steps", "end_lr", "power", "cycle"),
        marks=lambda cfg: _multiples(cfg.kwargs["decay_steps"]),
    ),
    "LinearWarmup": Entry(
        params=("learning_rate", "warmup_steps", "start_lr", "end_lr", *_LR_TAIL),
        gen=_gen_warmup,
        attrs=("warmup_steps", "start_lr", "end_lr"),
        marks=_warmup_marks,
        cap=_warmup_cap,
    ),
    "ExponentialDecay": Entry(
        params=("learning_rate", "gamma", *_LR_TAIL), gen=_gen_exponential, attrs=("gamma",)
    ),
    "MultiStepDecay": Entry(
        params=("learning_rate", "milestones", "gamma", *_LR_TAIL),
        gen=_gen_multistep,
        attrs=("milestones", "gamma"),
        marks=lambda cfg: _around(0, *cfg.kwargs["milestones"]),
    ),
    "StepDecay": Entry(
        params=("learning_rate", "step_size", "gamma", *_LR_TAIL),
        gen=_gen_step,
        attrs=("step_size", "gamma"),
        marks=lambda cfg: _multiples(cfg.kwargs["step_size"]),
    ),
    "LambdaDecay": Entry(
        params=("learning_rate", "lr_lambda", *_LR_TAIL), gen=_gen_lambda, attrs=("lr_lambda",)
    ),
    "ReduceOnPlateau": Entry(
        params=(
            "learning_rate",
            "mode",
            "factor",
            "patience",
            "threshold",
            "threshold_mode",
            "cooldown",
            "min_lr",
            "epsilon",
            "verbose",
        ),
        gen=_gen_plateau,
        attrs=(
            "mode",
            "factor",
            "patience",
            "threshold",
            "threshold_mode",
            "cooldown",
            "min_lr",
            "epsilon",
            "cooldown_counter",
            "best",
            "num_bad_epochs",
        ),
        has_last_epoch=False,
    ),
    "CosineAnnealingDecay": Entry(
        params=("learning_rate", "T_max", "eta_min", *_LR_TAIL),
        gen=_gen_cosine,
        attrs=("T_max", "eta_min"),
        marks=lambda cfg: _multiples(cfg.kwargs["T_max"]),
    ),
    "MultiplicativeDecay": Entry(
        params=("learning_rate", "lr_lambda", *_LR_TAIL),
        gen=_gen_multiplicative,
        attrs=("lr_lambda",),
        cap=lambda cfg: MULTIPLICATIVE_CAP,
    ),
    "OneCycleLR": Entry(
        params=(
            "max_learning_rate",
            "total_steps",
            "divide_factor",
            "end_learning_rate",
            "phase_pct",
            "anneal_strategy",
            "three_phase",
            *_LR_TAIL,
        ),
        gen=_gen_onecycle,
        attrs=("total_steps",),
        marks=_onecycle_marks,
        cap=lambda cfg: cfg.kwargs["total_steps"],
        raises_past_cap=True,
    ),
    "CyclicLR": Entry(
        params=(
            "base_learning_rate",
            "max_learning_rate",
            "step_size_up",
            "step_size_down",
            "mode",
            "exp_gamma",
            "scale_fn",
            "scale_mode",
            *_LR_TAIL,
        ),
        gen=_gen_cyclic,
        attrs=("cycle_size", "step_up_pct", "max_lr", "amplitude", "mode", "gamma", "scale_mode"),
        marks=_cyclic_marks,
    ),
    "LinearLR": Entry(
        params=("learning_rate", "total_steps", "start_factor", "end_factor", *_LR_TAIL),
        gen=_gen_linear_lr,
        attrs=("start_factor", "end_factor", "total_steps"),
        marks=lambda cfg: _around(0, cfg.kwargs["total_steps"]),
    ),
    "CosineAnnealingWarmRestarts": Entry(
        params=("learning_rate", "T_0", "T_mult", "eta_min", *_LR_TAIL),
        gen=_gen_warm_restarts,
        attrs=("T_0", "T_i", "T_mult", "eta_min", "T_cur"),
        marks=_restart_marks,
        complete_state=False,
    ),
}


# --- random configurations ------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """What random configurations are drawn from."""

    classes: tuple[str, ...]  # the outermost class
    nested: tuple[str, ...] | None = None  # classes nested in LinearWarmup (default: classes)
    foreign: tuple[str, ...] = ALL_CLASSES  # classes of nested nodes built with paddle
    verbose_p: float = 0.1
    foreign_p: float = 0.15

    def pool(self, depth: int, foreign: bool) -> list[str]:
        if foreign:
            pool = self.foreign
        else:
            pool = self.classes if depth == 0 or self.nested is None else self.nested
        if depth > MAX_WARMUP_NESTING - 1:
            return [c for c in pool if c != "LinearWarmup"]
        return list(pool)


def random_config(
    rng: random.Random, classes: list[str] | tuple[str, ...], **options: Any
) -> Config:
    """A random valid configuration; ``options`` are :class:`Draw`'s fields."""
    return _random_node(rng, Draw(tuple(classes), **options), 0, False)


def _random_node(rng: random.Random, draw: Draw, depth: int, foreign: bool) -> Config:
    pool = draw.pool(depth, foreign)
    cls = rng.choices(pool, [WARMUP_WEIGHT if c == "LinearWarmup" else 1 for c in pool])[0]

    def nest() -> Any:
        nested_foreign = foreign or rng.random() < draw.foreign_p
        if rng.random() < 0.25 or not draw.pool(depth + 1, nested_foreign):
            return _lr(rng)
        return _random_node(rng, draw, depth + 1, nested_foreign)

    kwargs = REGISTRY[cls].gen(rng, nest)
    sub = kwargs.pop("sub", None)
    if REGISTRY[cls].has_last_epoch and rng.random() < 0.25:
        limit = cap(Config(cls, kwargs, sub=sub))
        top = 50 if limit is None else min(50, limit - 1)
        if top >= 0:
            kwargs["last_epoch"] = rng.choice((-1, min(1, top), rng.randint(0, top), top))
    if rng.random() < draw.verbose_p:
        kwargs["verbose"] = True
    params = SUBCLASS_PARAMS[sub] if sub else REGISTRY[cls].params
    ordered = {p: kwargs[p] for p in params if p in kwargs}
    leading = 0
    for p in params:
        if p not in ordered:
            break
        leading += 1
    npos = rng.randint(0, leading) if rng.random() < 0.4 else 0
    return Config(cls, ordered, npos=npos, foreign=foreign, sub=sub)


def random_configs(seed: int, count: int, classes: list[str], **options: Any) -> list[Config]:
    """``count`` configurations, the ``i``-th from its own stream (stable when count changes)."""
    return [
        random_config(random.Random(f"{seed}:config:{i}"), classes, **options) for i in range(count)
    ]
