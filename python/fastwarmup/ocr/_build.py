"""PaddleOCR's ``build_lr_scheduler`` (``ppocr/optimizer``) on fastwarmup's schedulers.

PaddleOCR turns the ``Optimizer.lr`` section of a training config into a scheduler in two
steps: ``build_lr_scheduler`` writes ``epochs`` and ``step_each_epoch`` into the section and
picks a class of ``ppocr/optimizer/learning_rate.py`` by ``name`` (``Const`` without one); the
class converts epochs to steps and builds ``paddle.optimizer.lr`` schedulers, wrapped in a
``LinearWarmup`` when the config asks for a warm-up. This module does the same, with the same
arithmetic and the same quirks, so every step has the learning rate of the PaddleOCR run.

Bad values fail here with one ``TypeError``/``ValueError`` naming the config key they came
from, where PaddleOCR would fail (in its arithmetic, in paddle's schedulers or in paddle's
optimizer); values PaddleOCR accepts are accepted, and keys a class does not read are ignored,
as PaddleOCR ignores them.
"""

from __future__ import annotations

import copy
import importlib
import numbers
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from fastwarmup.lr import LRScheduler

__all__ = ["Family", "Where", "build", "build_lr_scheduler", "count", "family"]

# a scheduler family: its ``lr`` module -> the module holding PaddleOCR's own three schedulers
_FAMILIES = {"fastwarmup.lr": "fastwarmup.ocr", "fastwarmup.paddle.lr": "fastwarmup.paddle.ocr"}
_MISSING: Any = object()
_LEADING_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Family:
    """The schedulers a build uses: ``lr`` (paddle's names) and ``ocr`` (PaddleOCR's three)."""

    lr: ModuleType
    ocr: ModuleType


def family(schedulers: str | ModuleType) -> Family:
    """Resolves the ``schedulers`` argument, importing the chosen modules (only those)."""
    name = schedulers.__name__ if isinstance(schedulers, ModuleType) else schedulers
    if not isinstance(name, str) or name not in _FAMILIES:
        raise ValueError(
            "schedulers must be 'fastwarmup.lr' or 'fastwarmup.paddle.lr' (or that module), "
            f"got {schedulers!r}"
        )
    lr = importlib.import_module(name)
    if isinstance(schedulers, ModuleType) and schedulers is not lr:
        raise ValueError(f"schedulers must be the module {name} itself, got {schedulers!r}")
    return Family(lr=lr, ocr=importlib.import_module(_FAMILIES[name]))


def count(value: object, name: str) -> int:
    """``value`` as a Python int, or a ``TypeError`` naming ``name`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: must be an int, got {_shown(value)}")
    return operator.index(value)


@dataclass(frozen=True)
class Where:
    """How errors name what they are about: the config file (if any), the key path of the lr
    section, and where ``epochs`` and ``step_each_epoch`` come from."""

    section: str = "lr"
    epochs: str = "epochs"
    steps: str = "step_each_epoch"
    file: str | None = None

    def key(self, name: str) -> str:
        return f"{self.section}.{name}"

    def error(self, kind: type[Exception], source: str, message: str) -> Exception:
        prefix = f"{self.file}: " if self.file is not None else ""
        return kind(f"{prefix}{source}: {message}")


class _Arg(NamedTuple):
    """A value for a scheduler argument and the config key (or expression) it comes from."""

    value: Any
    source: str


def _shown(value: object) -> str:
    if value is None:
        return "None (an empty value)"
    return f"{type(value).__name__} {value!r}"


# YAML 1.1 (PyYAML) reads a float only with a dot: 1e-4 and 5e3 are strings
_YAML_STRING_FLOAT = re.compile(r"[-+]?[0-9]+[eE][-+]?[0-9]+")


def _number_problem(value: object) -> str | None:
    """Why ``value`` is not a number PaddleOCR could compute with, or None if it is one."""
    if isinstance(value, numbers.Real):
        return None
    problem = f"must be a number, got {_shown(value)}"
    if isinstance(value, str) and _YAML_STRING_FLOAT.fullmatch(value.strip()):
        mantissa, _, exponent = value.strip().lower().partition("e")
        problem += (
            f" (YAML 1.1 reads a number with an exponent but no dot as a string: "
            f"write {mantissa}.0e{exponent})"
        )
    return problem


class _Reader:
    """Typed access to one lr section, each failure naming its key."""

    def __init__(
        self,
        config: dict[str, Any],
        family: Family,
        where: Where,
        name: str,
        epochs: int,
        steps: int,
    ) -> None:
        self.config = config
        self.lr = family.lr
        self.ocr = family.ocr
        self.where = where
        self.name = name
        self.epochs = _Arg(epochs, where.epochs)
        self.steps = steps

    def fail(self, kind: type[Exception], source: str, message: str) -> Exception:
        return self.where.error(kind, source, message)

    def raw(self, key: str, default: Any = _MISSING) -> _Arg:
        """The value of ``key`` as given (or ``default``); a missing required key fails as
        PaddleOCR's class would, with a ``TypeError``."""
        if key in self.config:
            return _Arg(self.config[key], self.where.key(key))
        if default is _MISSING:
            raise self.fail(TypeError, self.where.key(key), f"missing: {self.name!r} needs it")
        return _Arg(default, self.where.key(key))

    def number(self, key: str, default: Any = _MISSING) -> _Arg:
        arg = self.raw(key, default)
        problem = _number_problem(arg.value)
        if problem is not None:
            raise self.fail(TypeError, arg.source, problem)
        return arg

    def as_float(self, key: str, default: Any = _MISSING) -> _Arg:
        """``float(value)``, as ``LinearWarmupCosine`` converts (so strings like '1e-4' pass)."""
        arg = self.raw(key, default)
        try:
            return _Arg(float(arg.value), arg.source)
        except (TypeError, ValueError):
            raise self.fail(
                TypeError if not isinstance(arg.value, str) else ValueError,
                arg.source,
                f"must be a number (or a string float() reads), got {_shown(arg.value)}",
            ) from None

    def numbers(self, key: str) -> _Arg:
        """A list of numbers (a YAML sequence), each element checked."""
        arg = self.raw(key)
        if not isinstance(arg.value, (list, tuple)):
            raise self.fail(TypeError, arg.source, f"must be a list, got {_shown(arg.value)}")
        for index, item in enumerate(arg.value):
            problem = _number_problem(item)
            if problem is not None:
                raise self.fail(TypeError, f"{arg.source}[{index}]", problem)
        return _Arg(list(arg.value), arg.source)

    def last_epoch(self) -> _Arg:
        return self.raw("last_epoch", -1)

    def per_epoch(self, arg: _Arg) -> _Arg:
        """Epochs to steps, ``step_each_epoch * value`` (element-wise for a list)."""
        steps = self.steps
        if isinstance(arg.value, list):
            value: Any = [steps * item for item in arg.value]
        else:
            value = steps * arg.value
        return _Arg(value, f"{arg.source} * {self.where.steps}")

    def rounded_steps(self, key: str, default: Any = _MISSING) -> _Arg:
        """``round(value * step_each_epoch)``: PaddleOCR's fractional epochs to steps (Python's
        ``round``, half to even: 0.5 epoch of 1 step is 0 steps)."""
        arg = self.number(key, default)
        try:
            return _Arg(round(arg.value * self.steps), f"round({arg.source} * {self.where.steps})")
        except (ValueError, OverflowError) as error:
            raise self.fail(ValueError, arg.source, f"{error} (got {arg.value!r})") from None

    def make(self, cls: Callable[..., Any], **args: _Arg) -> Any:
        """``cls(**values)``; an error of the scheduler names the key its argument came from."""
        try:
            return cls(**{name: arg.value for name, arg in args.items()})
        except (TypeError, ValueError) as error:
            message = str(error)
            leading = _LEADING_NAME.match(message)
            arg = args.get(leading.group()) if leading else None
            source = arg.source if arg is not None else self.where.section
            kind = TypeError if isinstance(error, TypeError) else ValueError
            context = f"{getattr(cls, '__name__', cls)} for {self.where.key('name')} {self.name!r}"
            raise self.fail(kind, source, f"{message} (in {context})") from None

    def warmup(self, inner: Any, steps: _Arg, peak: _Arg, start: float = 0.0) -> Any:
        """``LinearWarmup(inner, steps, start, peak)`` when ``steps > 0``, else ``inner`` (a
        schedule, or for ``Const`` the peak itself)."""
        if not steps.value > 0:
            return inner
        nested = peak.source if inner is peak.value else self.where.section
        return self.make(
            self.lr.LinearWarmup,
            learning_rate=_Arg(inner, nested),
            warmup_steps=steps,
            start_lr=_Arg(start, self.where.key("start_lr")),
            end_lr=peak,
            last_epoch=self.last_epoch(),
        )


# One builder per name of ppocr/optimizer/learning_rate.py. Each reads the keys its PaddleOCR
# class reads, with the same defaults, in the same arithmetic.


def _warmed(r: _Reader, cls: Callable[..., Any], **args: _Arg) -> Any:
    """``cls(learning_rate, **args, last_epoch)``, behind a warm-up of ``warmup_epoch``
    epochs up to ``learning_rate``: the shape of most of PaddleOCR's classes."""
    peak = r.number("learning_rate")
    decay = r.make(cls, learning_rate=peak, **args, last_epoch=r.last_epoch())
    return r.warmup(decay, r.rounded_steps("warmup_epoch", 0), peak)


def _linear(r: _Reader) -> Any:
    return _warmed(
        r,
        r.lr.PolynomialDecay,
        decay_steps=r.per_epoch(r.epochs),
        end_lr=r.number("end_lr", 0.0),
        power=r.number("power", 1.0),
    )


def _cosine(r: _Reader) -> Any:
    return _warmed(r, r.lr.CosineAnnealingDecay, T_max=r.per_epoch(r.epochs))


def _step(r: _Reader) -> Any:
    step_size = r.per_epoch(r.number("step_size"))
    return _warmed(r, r.lr.StepDecay, step_size=step_size, gamma=r.number("gamma"))


def _multi_step_decay(r: _Reader) -> Any:
    milestones = r.per_epoch(r.numbers("milestones"))
    return _warmed(r, r.lr.MultiStepDecay, milestones=milestones, gamma=r.number("gamma"))


def _cyclical_cosine(r: _Reader) -> Any:
    # T_max is passed, and CyclicalCosineDecay does not use it
    cycle = r.rounded_steps("cycle")
    return _warmed(r, r.ocr.CyclicalCosineDecay, T_max=r.per_epoch(r.epochs), cycle=cycle)


def _two_step_cosine(r: _Reader) -> Any:
    # the first phase is 200 epochs, whatever the config says
    first = _Arg(r.steps * 200, f"200 * {r.where.steps}")
    return _warmed(r, r.ocr.TwoStepCosineDecay, T_max1=first, T_max2=r.per_epoch(r.epochs))


def _linear_warmup_cosine(r: _Reader) -> Any:
    # float() on the three rates; warm-up counted in steps (warmup_steps), not epochs
    peak = r.as_float("learning_rate")
    decay = r.make(
        r.lr.CosineAnnealingDecay,
        learning_rate=peak,
        T_max=r.per_epoch(r.epochs),
        eta_min=r.as_float("min_lr", 1e-8),
        last_epoch=r.last_epoch(),
    )
    start = r.as_float("start_lr", 1e-5)
    return r.warmup(decay, r.number("warmup_steps", 5000), peak, start=start.value)


def _piecewise(r: _Reader) -> Any:
    epochs = r.numbers("decay_epochs")
    values = r.numbers("values")
    if len(values.value) < len(epochs.value) + 1:
        raise r.fail(
            ValueError,
            values.source,
            f"needs one more element than {epochs.source} (a value before each boundary and "
            f"one after the last), got {len(values.value)} values for "
            f"{len(epochs.value)} boundaries",
        )
    decay = r.make(
        r.lr.PiecewiseDecay,
        boundaries=r.per_epoch(epochs),
        values=values,
        last_epoch=r.last_epoch(),
    )
    peak = _Arg(values.value[0], f"{values.source}[0]")
    return r.warmup(decay, r.rounded_steps("warmup_epoch", 0), peak)


def _one_cycle(r: _Reader) -> Any:
    # max_lr, not learning_rate; pct_start, div_factor, final_div_factor keep their defaults
    if "max_lr" not in r.config and "learning_rate" in r.config:
        raise r.fail(
            TypeError, r.where.key("max_lr"), "missing: 'OneCycle' takes max_lr, not learning_rate"
        )
    peak = r.number("max_lr")
    decay = r.make(
        r.ocr.OneCycleDecay,
        max_lr=peak,
        epochs=r.epochs,
        steps_per_epoch=_Arg(r.steps, r.where.steps),
        anneal_strategy=r.raw("anneal_strategy", "cos"),
        three_phase=r.raw("three_phase", False),
        last_epoch=r.last_epoch(),
    )
    return r.warmup(decay, r.rounded_steps("warmup_epoch", 0), peak)


def _const(r: _Reader) -> Any:
    steps = r.rounded_steps("warmup_epoch", 0)
    peak = r.number("learning_rate")
    if steps.value > 0:
        return r.warmup(peak.value, steps, peak)
    if not isinstance(peak.value, float):
        raise r.fail(
            TypeError,
            peak.source,
            f"must be a float, got {_shown(peak.value)}: without a warm-up PaddleOCR hands it "
            "to paddle's optimizer, which takes a float or a scheduler only",
        )
    return float(peak.value)


def _decay_learning_rate(r: _Reader) -> Any:
    # reads neither end_lr (it always decays to 0), nor warmup_epoch, nor last_epoch
    return r.make(
        r.lr.PolynomialDecay,
        learning_rate=r.number("learning_rate"),
        decay_steps=r.per_epoch(r.epochs),
        power=r.number("factor", 0.9),
        end_lr=_Arg(0, r.where.key("end_lr")),
    )


_BUILDERS: dict[str, Callable[[_Reader], Any]] = {
    "Linear": _linear,
    "Cosine": _cosine,
    "LinearWarmupCosine": _linear_warmup_cosine,
    "Step": _step,
    "Piecewise": _piecewise,
    "CyclicalCosine": _cyclical_cosine,
    "OneCycle": _one_cycle,
    "Const": _const,
    "DecayLearningRate": _decay_learning_rate,
    "MultiStepDecay": _multi_step_decay,
    "TwoStepCosine": _two_step_cosine,
}


def build(
    lr_config: object, epochs: int, step_each_epoch: int, family: Family, where: Where
) -> float | LRScheduler:
    """The build itself, for checked ``epochs`` and ``step_each_epoch`` (ints)."""
    if not isinstance(lr_config, Mapping):
        raise where.error(
            TypeError, where.section, f"must be a mapping (name: ..., ...), got {_shown(lr_config)}"
        )
    config = copy.deepcopy(dict(lr_config))
    name = config.pop("name", "Const")
    if not isinstance(name, str):
        raise where.error(TypeError, where.key("name"), f"must be a string, got {_shown(name)}")
    builder = _BUILDERS.get(name)
    if builder is None:
        known = ", ".join(_BUILDERS)
        raise where.error(
            ValueError, where.key("name"), f"unknown learning-rate name {name!r} (known: {known})"
        )
    return builder(_Reader(config, family, where, name, epochs, step_each_epoch))


def build_lr_scheduler(
    lr_config: Mapping[str, Any],
    epochs: int,
    step_each_epoch: int,
    *,
    schedulers: str | ModuleType = "fastwarmup.lr",
) -> float | LRScheduler:
    """Builds the ``Optimizer.lr`` section of a PaddleOCR config as PaddleOCR does.

    ``epochs`` (PaddleOCR: ``Global.epoch_num``) and ``step_each_epoch`` (the length of the
    training data loader) replace any the config carries; ``lr_config`` itself is not changed.
    ``warmup_epoch`` (fractional allowed) becomes ``round(warmup_epoch * step_each_epoch)``
    warm-up steps (Python's ``round``: half to even) and, when that is > 0, a
    ``LinearWarmup(start_lr=0.0, end_lr=<peak>)`` around the schedule. Per ``name``:

    - no ``name``, or ``Const``: ``learning_rate`` itself, which must then be a float
      (PaddleOCR hands it to paddle's optimizer), or ``LinearWarmup(learning_rate, ...)``;
    - ``Linear``: ``PolynomialDecay(learning_rate, epochs * step_each_epoch, end_lr=0.0,
      power=1.0)``;
    - ``Cosine``: ``CosineAnnealingDecay(learning_rate, T_max=epochs * step_each_epoch)``
      (``eta_min`` is 0: the key is not read);
    - ``LinearWarmupCosine``: ``CosineAnnealingDecay(learning_rate, epochs * step_each_epoch,
      eta_min=min_lr)`` behind ``LinearWarmup(warmup_steps, start_lr, end_lr=learning_rate)``;
      ``warmup_steps`` (default 5000) counts steps, ``warmup_epoch`` is not read; the three
      rates go through ``float()`` (defaults ``start_lr=1e-5``, ``min_lr=1e-8``), so strings
      such as '1e-4' are accepted;
    - ``Step``: ``StepDecay(learning_rate, step_size * step_each_epoch, gamma)`` (``gamma``
      required);
    - ``Piecewise``: ``PiecewiseDecay([e * step_each_epoch for e in decay_epochs], values)``;
      the warm-up ends at ``values[0]``;
    - ``MultiStepDecay``: ``MultiStepDecay(learning_rate, [m * step_each_epoch for m in
      milestones], gamma)``;
    - ``CyclicalCosine``: ``CyclicalCosineDecay(learning_rate, T_max, cycle=round(cycle *
      step_each_epoch))``;
    - ``OneCycle``: ``OneCycleDecay(max_lr, epochs, step_each_epoch, anneal_strategy='cos',
      three_phase=False)`` (its other arguments keep their defaults); the warm-up ends at
      ``max_lr``;
    - ``TwoStepCosine``: ``TwoStepCosineDecay(learning_rate, T_max1=200 * step_each_epoch,
      T_max2=epochs * step_each_epoch)``: the first phase is always 200 epochs;
    - ``DecayLearningRate``: ``PolynomialDecay(learning_rate, epochs * step_each_epoch,
      power=factor (0.9), end_lr=0)``: ``end_lr``, ``warmup_epoch`` and ``last_epoch`` are
      not read.

    ``last_epoch`` (default -1) is passed to each scheduler and warm-up, except by
    ``DecayLearningRate``. Other keys are ignored, as PaddleOCR ignores them.

    Args:
        lr_config: the ``lr`` section (a mapping).
        epochs: the number of training epochs.
        step_each_epoch: optimizer steps per epoch.
        schedulers: ``"fastwarmup.lr"`` (``CyclicalCosineDecay``, ``OneCycleDecay`` and
            ``TwoStepCosineDecay`` from ``fastwarmup.ocr``) or ``"fastwarmup.paddle.lr"``
            (schedulers paddle's optimizers accept; those three from
            ``fastwarmup.paddle.ocr``), or either module itself.

    Returns:
        A scheduler of the chosen family, or a float (``Const`` without a warm-up).

    Raises:
        TypeError, ValueError: one message naming the key (``lr.<key>``) where PaddleOCR
            would fail: an unknown name, a missing key, a string where a number is needed,
            lists of the wrong length, a value the scheduler refuses; or a bad argument.
    """
    chosen = family(schedulers)
    return build(
        lr_config,
        count(epochs, "epochs"),
        count(step_each_epoch, "step_each_epoch"),
        chosen,
        Where(),
    )
