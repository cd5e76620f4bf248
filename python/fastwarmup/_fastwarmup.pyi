"""Type stubs for the native module ``fastwarmup._fastwarmup``.

Every scheduler has paddle's API (``paddle.optimizer.lr``, paddlepaddle 3.3.1) plus
``precompute``. Errors: invalid arguments raise ``TypeError``/``ValueError`` naming the argument
and value; a rejected call leaves the scheduler unchanged.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Protocol, final

import numpy as np
import numpy.typing as npt
from typing_extensions import disjoint_base

__all__ = [
    "ConstantWithWarmup",
    "CosineAnnealingDecay",
    "CosineAnnealingWarmRestarts",
    "CosineWarmupWithMinLR",
    "CosineWithHardRestarts",
    "CyclicLR",
    "CyclicalCosineDecay",
    "ExponentialDecay",
    "InverseSqrtDecay",
    "InverseTimeDecay",
    "LRScheduler",
    "LambdaDecay",
    "LinearLR",
    "LinearWarmup",
    "MultiStepDecay",
    "MultiplicativeDecay",
    "NaturalExpDecay",
    "NoamDecay",
    "OneCycleDecay",
    "OneCycleLR",
    "PiecewiseDecay",
    "PolynomialDecay",
    "ReduceOnPlateau",
    "StepDecay",
    "TwoStepCosineDecay",
    "WarmupCosineDecay",
    "WarmupLinearDecay",
    "WarmupPolynomialDecay",
    "WarmupStableDecay",
    "_NoOp",
    "__version__",
    "_libm_cos",
    "_libm_exp",
    "_libm_pow",
    "_set_state",
    "precompute_many",
]
__version__: str

def precompute_many(
    schedulers: Iterable[LRScheduler], n: int, *, dtype: npt.DTypeLike | None = None
) -> npt.NDArray[np.float64] | npt.NDArray[np.float32]:
    """``precompute(n)`` of each scheduler, one row each, for sweeps.

    Rows that run in Rust are filled in parallel, across and within rows, with the GIL
    released; rows that need Python (a user's function, a Python ``get_lr``, a paddle nest)
    are filled first, with it. No scheduler changes.

    Args:
        schedulers: fastwarmup schedulers (any iterable).
        n: values per row.
        dtype: ``numpy.float64`` (default) or ``numpy.float32``.

    Returns:
        A C-contiguous array of shape ``(len(schedulers), n)``.

    Raises:
        TypeError: ``schedulers`` is not an iterable of fastwarmup schedulers (the first
            wrong one is named by index), ``n`` is not an int, or ``dtype`` is not
            float64/float32.
        ValueError: ``n`` is negative, the table needs more memory than the machine has, or
            a step of a scheduler would raise (the same error stepping gives).
    """

def _libm_pow(x: npt.NDArray[np.float64], y: float) -> npt.NDArray[np.float64]:
    """``x[i] ** y`` by the platform libm's ``pow``, one thread (a benchmark floor)."""

def _libm_cos(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``cos(x[i])`` by the platform libm's ``cos``, one thread (a benchmark floor)."""

def _libm_exp(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``exp(x[i])`` by the platform libm's ``exp``, one thread (a benchmark floor)."""

def _set_state(obj: LRScheduler, state: tuple[Any, Any]) -> None:
    """Unpickle a scheduler (the state setter of ``LRScheduler.__reduce__``)."""

class _SchedulerLike(Protocol):
    def step(self, epoch: int | None = ...) -> None: ...
    def __call__(self) -> float: ...
    def state_dict(self) -> dict[str, Any]: ...
    def set_state_dict(self, state_dict: dict[str, Any]) -> None: ...

@final
class _NoOp:
    """A benchmark floor: ``step()`` and ``__call__()`` that do nothing, called as a scheduler's."""

    def step(self, *args: Any, **kwargs: Any) -> None: ...
    def __call__(self) -> None: ...

@disjoint_base
class LRScheduler:
    """Base class: ``step()`` advances ``last_epoch`` and recomputes ``last_lr = get_lr()``."""

    keys: list[str]
    def __new__(cls, *args: Any, **kwargs: Any) -> LRScheduler: ...
    def __init__(
        self, learning_rate: float = 0.1, last_epoch: int = -1, verbose: bool = False
    ) -> None: ...
    def step(self, epoch: int | None = None) -> None:
        """Advance ``last_epoch`` by one, or set it to ``epoch``, and recompute ``last_lr``.

        Raises:
            TypeError: ``epoch`` is not an int.
        """
    def __call__(self) -> float:
        """The current learning rate, ``last_lr``."""
    def get_lr(self) -> float:
        """The value at ``last_epoch``; override it in a Python subclass to define a schedule."""
    def state_keys(self) -> None:
        """Set ``self.keys`` to the names ``state_dict()`` saves."""
    def state_dict(self) -> dict[str, Any]:
        """The state, with paddle's keys and values (``LinearWarmup_LR`` for a nest), plus
        ``settings``: ``to_config()`` where the schedule has a config (paddle ignores it)."""
    def set_state_dict(self, state_dict: dict[str, Any], *, strict: bool = False) -> None:
        """Load a state dict from fastwarmup or paddle.

        Settings saved in it (``settings``) that differ from this scheduler's give a
        ``UserWarning`` naming each differing setting; a dict without them (paddle's) is
        loaded silently.

        Raises:
            ValueError: ``strict`` and the saved settings differ (nothing is loaded).
            RuntimeError: a required key is missing (as paddle).
            TypeError: a value has the wrong type.
        """
    def set_dict(self, state_dict: dict[str, Any], *, strict: bool = False) -> None:
        """Alias of ``set_state_dict``."""
    def to_config(self) -> dict[str, Any]:
        """The settings as a portable config, ``{"name": class name, **constructor arguments}``
        (defaults filled in, ``last_epoch``/``verbose`` left out), a nested scheduler as a
        nested config; ``fastwarmup.from_config`` builds it again.

        Raises:
            TypeError: an argument has no portable form (a Python function, a foreign
                scheduler), named; or a Python subclass overrides how it steps.
        """
    def precompute(
        self,
        n: int,
        *,
        dtype: npt.DTypeLike | None = None,
        out: npt.NDArray[np.float64] | npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float64] | npt.NDArray[np.float32]:
        """The next ``n`` learning rates, without changing the scheduler.

        Schedules whose values depend on the epoch alone are evaluated on all cores;
        recurrences (``CosineAnnealingDecay``, ``LinearLR``, ``CosineAnnealingWarmRestarts``)
        compute their cosines and factors on all cores, then fold them in order with paddle's
        own operations; the rest step a private copy. The GIL is released unless a Python
        function is called.

        Args:
            n: how many values; element 0 is ``self()``, element ``i`` is the value after ``i``
                more ``step()`` calls.
            dtype: ``numpy.float64`` (default, also for ``None``) or ``numpy.float32`` (the
                float64 values, each rounded to nearest once). With ``out``, its dtype is the
                default and another one is refused.
            out: a C-contiguous, writeable 1-D array of ``n`` float64 or float32 values to fill
                instead of allocating one.

        Returns:
            A 1-D array of length ``n`` (``out`` itself when given).

        Raises:
            TypeError: ``n`` is not an int; ``dtype`` is not float64/float32; ``out`` is not a
                NumPy array of such a dtype, or disagrees with ``dtype``.
            ValueError: ``n`` is negative or needs more memory than the machine has; ``out``
                has the wrong shape, is not C-contiguous or is read-only (nothing is written);
                or a step would raise (the same error stepping gives). Errors stepping would
                raise are found before anything is written where they are known up front
                (``OneCycleLR`` past ``total_steps``); one found while filling (or Ctrl-C)
                leaves ``out`` partly written.
        """
    def lr_at(
        self, steps: npt.ArrayLike, *, dtype: npt.DTypeLike | None = None
    ) -> npt.NDArray[np.float64] | npt.NDArray[np.float32]:
        """The learning rates at arbitrary step counts, without changing the scheduler.

        ``lr_at(steps)[j]`` is what ``self()`` returns after ``steps[j]`` more ``step()``
        calls: ``precompute(max(steps) + 1)[steps[j]]``, bit for bit. Closed forms are
        evaluated at each step directly; recurrences run once, in order, up to the largest
        step.

        Args:
            steps: step counts >= 0, an integer array (or what ``numpy.asarray`` makes one),
                in any order and shape, repeats allowed.
            dtype: ``numpy.float64`` (default) or ``numpy.float32``.

        Returns:
            An array of the shape of ``steps``.

        Raises:
            TypeError: ``steps`` is not integers, or ``dtype`` is not float64/float32.
            ValueError: a step is negative (named with its index), or stepping to the largest
                step would raise (the same error).
            OverflowError: the largest step's epoch does not fit in 64 bits.
        """
    def __copy__(self) -> LRScheduler: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> LRScheduler: ...
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle: the scheduler is made again from the ``__init__`` call that made it.

        Unpickling makes that call without the construction step (nothing printed, no
        ``get_lr`` run), loads the state, then restores the object's own state as pickle does
        (``__setstate__``, else ``__dict__`` and slots). Nested schedulers pickle as Python
        objects (shared ones stay shared, cycles through them round-trip); a user's function
        pickles by reference, as in paddle.

        Raises:
            TypeError: the scheduler's ``__init__`` has not run.
        """
    @property
    def last_epoch(self) -> int: ...
    @last_epoch.setter
    def last_epoch(self, value: int) -> None: ...
    @property
    def last_lr(self) -> float: ...
    @last_lr.setter
    def last_lr(self, value: float) -> None: ...
    @property
    def base_lr(self) -> float: ...
    @base_lr.setter
    def base_lr(self, value: float) -> None: ...
    @property
    def verbose(self) -> bool: ...
    @verbose.setter
    def verbose(self, value: bool) -> None: ...

class PolynomialDecay(LRScheduler):
    """``lr = (base_lr - end_lr) * (1 - t / d) ** power + end_lr``.

    Without ``cycle``: ``t = min(epoch, decay_steps)``, ``d = decay_steps``; with ``cycle``:
    ``t = epoch``, ``d = decay_steps * ceil(epoch / decay_steps)`` (1 cycle at epoch 0).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> PolynomialDecay: ...
    def __init__(
        self,
        learning_rate: float,
        decay_steps: int,
        end_lr: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None: ...
    @property
    def decay_steps(self) -> int: ...
    @property
    def end_lr(self) -> float: ...
    @property
    def power(self) -> float: ...
    @property
    def cycle(self) -> bool: ...

@disjoint_base
class LinearWarmup(LRScheduler):
    """``lr = start_lr + (end_lr - start_lr) * epoch / warmup_steps`` for
    ``epoch < warmup_steps``; then ``learning_rate`` (a number, or the nested scheduler stepped
    to ``epoch - warmup_steps``)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> LinearWarmup: ...
    def __init__(
        self,
        learning_rate: float | LRScheduler | _SchedulerLike,
        warmup_steps: int,
        start_lr: float,
        end_lr: float,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None: ...
    @property
    def learning_rate(self) -> float | LRScheduler | _SchedulerLike: ...
    @property
    def warmup_steps(self) -> int: ...
    @property
    def start_lr(self) -> float: ...
    @property
    def end_lr(self) -> float: ...

class NoamDecay(LRScheduler):
    """``lr = base_lr * d_model ** -0.5 * min(epoch ** -0.5, warmup_steps ** -1.5 * epoch)``.

    ``epoch ** -0.5`` is taken as 1 at epoch 0; a negative epoch raises ``ValueError``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> NoamDecay: ...
    def __init__(
        self,
        d_model: float,
        warmup_steps: float,
        learning_rate: float = 1.0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            ValueError: ``d_model`` or ``warmup_steps`` is not a finite number > 0, or
                ``learning_rate`` is negative or not finite.
        """
    @property
    def d_model(self) -> float: ...
    @property
    def warmup_steps(self) -> float: ...

class PiecewiseDecay(LRScheduler):
    """``lr = values[i]`` for the first ``i`` with ``epoch < boundaries[i]``, else
    ``values[-1]``; values are returned as given (an int stays an int)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> PiecewiseDecay: ...
    def __init__(
        self,
        boundaries: Sequence[float],
        values: Sequence[float],
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``boundaries`` or ``values`` is not a sequence of numbers.
            ValueError: ``boundaries`` is empty, ``values`` is not longer than ``boundaries``, or a
                value is not finite.
        """
    @property
    def boundaries(self) -> Sequence[float]: ...
    @property
    def values(self) -> Sequence[float]: ...

class NaturalExpDecay(LRScheduler):
    """``lr = base_lr * exp(-1 * gamma * epoch)``, with ``gamma > 0``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> NaturalExpDecay: ...
    def __init__(
        self, learning_rate: float, gamma: float, last_epoch: int = -1, verbose: bool = False
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            ValueError: ``gamma`` is not a finite number > 0 (stepping: ``OverflowError`` where
                ``exp`` overflows, at negative epochs).
        """
    @property
    def gamma(self) -> float: ...

class InverseTimeDecay(LRScheduler):
    """``lr = base_lr / (1 + gamma * epoch)``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> InverseTimeDecay: ...
    def __init__(
        self, learning_rate: float, gamma: float, last_epoch: int = -1, verbose: bool = False
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            ValueError: ``gamma`` is not finite (stepping: ``ZeroDivisionError`` where
                ``1 + gamma * epoch == 0``).
        """
    @property
    def gamma(self) -> float: ...

class ExponentialDecay(LRScheduler):
    """``lr = base_lr * gamma ** epoch``, with ``0 < gamma < 1``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ExponentialDecay: ...
    def __init__(
        self, learning_rate: float, gamma: float, last_epoch: int = -1, verbose: bool = False
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            ValueError: ``gamma`` is not in the interval (0.0, 1.0).
        """
    @property
    def gamma(self) -> float: ...

class MultiStepDecay(LRScheduler):
    """``lr = base_lr * gamma ** i``, ``i`` the number of milestones at or below ``epoch``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> MultiStepDecay: ...
    def __init__(
        self,
        learning_rate: float,
        milestones: Sequence[float],
        gamma: float = 0.1,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``milestones`` is not a list or tuple of numbers.
            ValueError: ``milestones`` is not strictly increasing, or ``gamma`` is not a finite
                number < 1.0.
        """
    @property
    def milestones(self) -> Sequence[float]: ...
    @property
    def gamma(self) -> float: ...

class StepDecay(LRScheduler):
    """``lr = base_lr * gamma ** (epoch // step_size)`` (floor division)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> StepDecay: ...
    def __init__(
        self,
        learning_rate: float,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``step_size`` is not an int.
            ValueError: ``step_size`` is not > 0, or ``gamma`` is not a finite number < 1.0.
        """
    @property
    def step_size(self) -> int: ...
    @property
    def gamma(self) -> float: ...

class CosineAnnealingDecay(LRScheduler):
    """Cosine annealing. ``step()`` follows paddle's recurrence on the previous value:
    ``lr = (1 + cos(pi * epoch / T_max)) / (1 + cos(pi * (epoch - 1) / T_max))
    * (last_lr - eta_min) + eta_min`` (``base_lr`` at epoch 0;
    ``last_lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2`` where
    ``(epoch - 1 - T_max) % (2 * T_max) == 0``). ``step(epoch)`` takes the closed form
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> CosineAnnealingDecay: ...
    def __init__(
        self,
        learning_rate: float,
        T_max: int,
        eta_min: float = 0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``T_max`` is not an int, or ``learning_rate``/``eta_min`` not a number.
            ValueError: ``T_max`` is not > 0, ``eta_min`` is not finite, or ``learning_rate``
                is negative or not finite.
        """
    def _get_closed_form_lr(self) -> float:
        """The closed form at ``last_epoch`` (what ``step(epoch)`` uses)."""
    @property
    def T_max(self) -> int: ...
    @property
    def eta_min(self) -> float: ...

class LinearLR(LRScheduler):
    """``lr = base_lr * start_factor`` at epoch 0, then paddle's recurrence
    ``lr = last_lr * (1.0 + (end_factor - start_factor) / (total_steps * start_factor
    + (epoch - 1) * (end_factor - start_factor)))`` up to ``total_steps``; ``last_lr``
    afterwards. ``step(epoch)`` applies the same recurrence at ``epoch``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> LinearLR: ...
    def __init__(
        self,
        learning_rate: float,
        total_steps: int,
        start_factor: float = 0.3333333333333333,
        end_factor: float = 1.0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: an argument is not a number.
            ValueError: ``start_factor`` is not in (0, 1], ``end_factor`` not in [0, 1],
                ``total_steps`` not > 0, or ``learning_rate`` is negative or not finite.
        """
    @property
    def total_steps(self) -> int: ...
    @property
    def start_factor(self) -> float: ...
    @property
    def end_factor(self) -> float: ...

class CosineAnnealingWarmRestarts(LRScheduler):
    """``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``: ``T_cur``
    counts epochs since the last restart, ``T_i`` is the cycle length (``T_0``, times
    ``T_mult`` at each restart). ``state_dict()`` also saves ``T_cur`` and ``T_i``; a dict
    without them (paddle's) rebuilds them from ``last_epoch`` as ``step()`` reaches it."""

    def __new__(cls, *args: Any, **kwargs: Any) -> CosineAnnealingWarmRestarts: ...
    def __init__(
        self,
        learning_rate: float,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: an argument is not a number.
            ValueError: ``T_0`` is not an int > 0 or ``T_mult`` not an int >= 1 (a float is a
                ``ValueError``, as in paddle), ``eta_min`` is not finite, or ``learning_rate``
                is negative or not finite.
        """
    @property
    def T_0(self) -> int: ...
    @property
    def T_mult(self) -> int: ...
    @property
    def T_i(self) -> int: ...
    @property
    def T_cur(self) -> int | float:
        """Epochs since the last restart (a float after ``step(epoch)`` with ``T_mult > 1``)."""
    @property
    def eta_min(self) -> float: ...

class OneCycleLR(LRScheduler):
    """The one-cycle policy: from ``max_learning_rate / divide_factor`` up to
    ``max_learning_rate`` over ``phase_pct`` of ``total_steps``, then down to
    ``end_learning_rate`` (``three_phase``: back to the initial value first). In phase ``i``,
    ``pct = (epoch - _step_config[i]) / _steps_size[i]`` and
    ``lr = end + (start - end) / 2.0 * (cos(pi * pct) + 1)`` (``'cos'``) or
    ``lr = (end - start) * pct + start`` (``'linear'``), ``start, end = _lr_config[i:i + 2]``.

    Raises:
        ValueError: stepping (or ``precompute``) past ``total_steps``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> OneCycleLR: ...
    def __init__(
        self,
        max_learning_rate: float,
        total_steps: int,
        divide_factor: float = 25.0,
        end_learning_rate: float = 0.0001,
        phase_pct: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        three_phase: bool = False,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments (in paddle's order), then take paddle's first step.

        Raises:
            TypeError: ``total_steps`` is not an int, ``phase_pct`` not a float, or another
                argument not a number.
            ValueError: a learning rate is negative or not finite, ``total_steps`` is not > 0,
                ``phase_pct`` not in [0, 1] (< 0.5 with ``three_phase``), ``anneal_strategy``
                not ``'cos'`` or ``'linear'``.
            ZeroDivisionError: ``divide_factor`` is 0, or the first step falls in a phase of
                length 0 (as in paddle).
        """
    @property
    def total_steps(self) -> int: ...
    @property
    def _step_config(self) -> list[int | float]: ...
    @property
    def _steps_size(self) -> list[float]: ...
    @property
    def _lr_config(self) -> list[float]: ...

class LambdaDecay(LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``.

    ``lr_lambda`` is called with the int epoch and may return an int or a float (other numbers
    go through ``float()``); its exceptions propagate and leave the scheduler unchanged. Copies
    of the scheduler (``copy.deepcopy``, ``precompute``) share the function. It may read its
    scheduler (``sched()``, ``last_epoch``); stepping that scheduler from it raises
    ``RuntimeError``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> LambdaDecay: ...
    def __init__(
        self,
        learning_rate: float,
        lr_lambda: Callable[[int], float],
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Check the arguments as paddle does, then take paddle's first step.

        Raises:
            TypeError: ``lr_lambda`` is not callable, or ``learning_rate`` not a number.
            ValueError: ``learning_rate`` is negative or not finite.
        """
    @property
    def lr_lambda(self) -> Callable[[int], float]: ...

class MultiplicativeDecay(LRScheduler):
    """``lr = base_lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(epoch)`` (left to right;
    ``base_lr`` at epoch 0).

    paddle recomputes the whole product at every step; fastwarmup extends the last product (the
    same multiplications in the same order), calling ``lr_lambda`` once per sequential step and
    starting again from epoch 1 only after a step back. The number of calls differs from
    paddle's; the values agree for any ``lr_lambda`` whose result depends on its argument alone.
    Results, exceptions and copies as in ``LambdaDecay``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> MultiplicativeDecay: ...
    def __init__(
        self,
        learning_rate: float,
        lr_lambda: Callable[[int], float],
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Check the arguments as paddle does, then take paddle's first step.

        Raises:
            TypeError: ``lr_lambda`` is not callable, or ``learning_rate`` not a number.
            ValueError: ``learning_rate`` is negative or not finite.
        """
    @property
    def lr_lambda(self) -> Callable[[int], float]: ...

class CyclicLR(LRScheduler):
    """``cycle = 1 + epoch // cycle_size``, ``pct = 1.0 + epoch / cycle_size - cycle``,
    ``f = pct / step_up_pct`` while ``pct <= step_up_pct`` else
    ``(1 - pct) / (1 - step_up_pct)``; ``lr = base_lr + amplitude * f * scale_fn(x)``.

    ``cycle_size = step_size_up + step_size_down``, ``step_up_pct = step_size_up / cycle_size``,
    ``amplitude = max_lr - base_lr``; ``x`` is ``cycle`` (a float, ``scale_mode='cycle'``) or
    ``epoch`` (an int, ``'iterations'``). Modes: ``'triangular'`` (``scale_fn = 1.0``),
    ``'triangular2'`` (``1 / (2.0 ** (cycle - 1))``), ``'exp_range'`` (``exp_gamma ** epoch``);
    a user's ``scale_fn`` replaces them (exceptions and copies as in ``LambdaDecay``).

    Raises:
        ZeroDivisionError, OverflowError: where paddle's ``2.0 ** (cycle - 1)`` or
            ``exp_gamma ** epoch`` raises (epochs far from 0).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> CyclicLR: ...
    def __init__(
        self,
        base_learning_rate: float,
        max_learning_rate: float,
        step_size_up: int,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        exp_gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Check the arguments (in paddle's order), then take paddle's first step.

        Raises:
            TypeError: a learning rate is not a number, a step size not an int, ``exp_gamma``
                not a float, or ``scale_fn`` not callable.
            ValueError: a learning rate is negative or not finite, a step size is not > 0,
                ``mode`` is unknown without a ``scale_fn``, or ``scale_mode`` is unknown.
        """
    @property
    def cycle_size(self) -> float: ...
    @property
    def step_up_pct(self) -> float: ...
    @property
    def max_lr(self) -> float: ...
    @property
    def amplitude(self) -> float: ...
    @property
    def mode(self) -> str: ...
    @property
    def gamma(self) -> float: ...
    @property
    def scale_mode(self) -> Literal["cycle", "iterations"]: ...
    @property
    def scale_fn(self) -> Callable[[float], float]: ...

class ReduceOnPlateau(LRScheduler):
    """Reduce the learning rate when ``metrics`` stops improving.

    Improving: ``metrics < best - best * threshold`` (``mode='min'``,
    ``threshold_mode='rel'``), ``metrics < best - threshold`` (``'abs'``), or ``>`` and ``+``
    with ``mode='max'``. After more than ``patience`` steps without improvement,
    ``lr = max(lr * factor, min_lr)`` (kept only if it drops by more than ``epsilon``), then
    ``cooldown`` steps are ignored. ``metrics``: an int, a float, a NumPy float32/float64
    scalar, or a NumPy array or paddle Tensor of size 1 (a float32 one is compared in float32,
    as paddle does). The constructor does not step (``last_epoch`` is 0).
    ``precompute(n)`` returns the current value ``n`` times: what follows depends on metrics
    not yet seen.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> ReduceOnPlateau: ...
    def __init__(
        self,
        learning_rate: float,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 0.0001,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: float = 0,
        epsilon: float = 1e-08,
        verbose: bool = False,
    ) -> None:
        """Check the arguments as paddle does (``mode`` and ``threshold_mode`` lowercased).

        Raises:
            TypeError: ``learning_rate`` or another numeric argument is not a number.
            ValueError: ``mode`` or ``threshold_mode`` is unknown, ``factor >= 1.0``, or
                ``learning_rate`` is not finite.
        """
    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Count a step with ``metrics``; reduce the learning rate after ``patience`` steps
        without improvement. ``last_epoch`` advances by one, or is set to ``epoch``.

        Raises:
            TypeError: ``metrics`` is not one of the accepted types, or ``epoch`` not an int.
            ValueError: ``metrics`` is an array or Tensor whose size is not 1.
        """
    @property
    def mode(self) -> Literal["min", "max"]: ...
    @property
    def factor(self) -> float: ...
    @property
    def patience(self) -> int: ...
    @property
    def threshold(self) -> float: ...
    @property
    def threshold_mode(self) -> Literal["rel", "abs"]: ...
    @property
    def cooldown(self) -> int: ...
    @property
    def min_lr(self) -> float: ...
    @property
    def epsilon(self) -> float: ...
    @property
    def cooldown_counter(self) -> int: ...
    @property
    def best(self) -> float | int | np.number[Any] | npt.NDArray[Any] | None: ...
    @property
    def num_bad_epochs(self) -> int: ...

# PaddleOCR's schedulers (ppocr/optimizer/lr_scheduler.py), re-exported by fastwarmup.ocr.

class CyclicalCosineDecay(LRScheduler):
    """PaddleOCR's cyclical cosine decay:
    ``lr = eta_min + 0.5 * (base_lr - eta_min) * (1 + cos(pi * (epoch % cycle) / cycle))``,
    and ``lr = base_lr`` at epoch 0. ``T_max`` is accepted and unused, as in PaddleOCR."""

    def __new__(cls, *args: Any, **kwargs: Any) -> CyclicalCosineDecay: ...
    def __init__(
        self,
        learning_rate: float,
        T_max: Any,
        cycle: float = 1,
        last_epoch: int = -1,
        eta_min: float = 0.0,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``T_max`` is missing, or ``learning_rate``/``cycle``/``eta_min`` is not
                a number.
            ValueError: ``cycle`` is not > 0 or not finite, ``eta_min`` is not finite, or
                ``learning_rate`` is negative or not finite.
        """
    @property
    def cycle(self) -> float: ...
    @property
    def eta_min(self) -> float: ...

class OneCycleDecay(LRScheduler):
    """PaddleOCR's one-cycle policy: from ``initial_lr = max_lr / div_factor`` up to
    ``max_lr`` until step ``float(pct_start * total_steps) - 1``, then down to
    ``min_lr = initial_lr / final_div_factor`` at step ``total_steps - 1`` (``three_phase``:
    back to ``initial_lr`` until step ``float(2 * pct_start * total_steps) - 2`` first), with
    ``total_steps = epochs * steps_per_epoch``. In a phase from ``start_step`` (the previous
    ``end_step``, 0 first) to ``end_step``,
    ``pct = (step - start_step) / (end_step - start_step)`` and
    ``lr = end + (start - end) / 2.0 * (cos(pi * pct) + 1)`` (``'cos'``) or
    ``lr = (end - start) * pct + start`` (``'linear'``).

    Raises:
        ValueError: stepping (or ``precompute``) past ``total_steps``.
        ZeroDivisionError: a step in a phase of length 0.0 (as in PaddleOCR).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> OneCycleDecay: ...
    def __init__(
        self,
        max_lr: float,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments (in PaddleOCR's order), then take paddle's first step.

        Raises:
            TypeError: ``epochs``/``steps_per_epoch`` is missing or not an int, ``pct_start``
                or another argument is not a number.
            ValueError: ``epochs``/``steps_per_epoch`` is not a positive int (a float
                included), ``pct_start`` is not a float in [0, 1], ``anneal_strategy`` is not
                ``'cos'`` or ``'linear'``, ``max_lr`` is negative, or a value is not finite.
            ZeroDivisionError: ``div_factor`` or ``final_div_factor`` is 0, or the first step
                falls in a phase of length 0.
        """
    @property
    def total_steps(self) -> int: ...
    @property
    def max_lr(self) -> float: ...
    @property
    def initial_lr(self) -> float: ...
    @property
    def min_lr(self) -> float: ...
    @property
    def _schedule_phases(self) -> list[dict[str, float]]: ...

class TwoStepCosineDecay(LRScheduler):
    """PaddleOCR's two-period cosine annealing: paddle's ``CosineAnnealingDecay`` with
    ``T = T_max1`` while ``epoch <= T_max1`` and ``T = T_max2`` after. ``step()`` follows the
    recurrence ``lr = (1 + cos(pi * epoch / T)) / (1 + cos(pi * (epoch - 1) / T))
    * (last_lr - eta_min) + eta_min`` (``base_lr`` at epoch 0;
    ``last_lr + (base_lr - eta_min) * (1 - cos(pi / T)) / 2`` where
    ``(epoch - 1 - T) % (2 * T) == 0``); ``step(epoch)`` takes the closed form
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T)) / 2``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> TwoStepCosineDecay: ...
    def __init__(
        self,
        learning_rate: float,
        T_max1: int,
        T_max2: int,
        eta_min: float = 0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Validate the arguments, then take paddle's first step.

        Raises:
            TypeError: ``T_max1``/``T_max2`` is not an int, or ``learning_rate``/``eta_min``
                not a number.
            ValueError: ``T_max1``/``T_max2`` is not > 0, ``eta_min`` is not finite, or
                ``learning_rate`` is negative or not finite.
        """
    def _get_closed_form_lr(self) -> float:
        """The closed form at ``last_epoch`` (what ``step(epoch)`` uses)."""
    @property
    def T_max1(self) -> int: ...
    @property
    def T_max2(self) -> int: ...
    @property
    def eta_min(self) -> float: ...

# fastwarmup's own warm-up schedules (module fastwarmup.lr, outside its __all__): the schedules
# transformers' get_scheduler names, each ``lr = learning_rate * f(s)`` with ``f`` computed as
# transformers' lambda (bit-identical). ``w`` is ``warmup_steps``, ``T`` ``total_steps``.
# Raises (every class): TypeError for a count that is not an int or a number that is not an int
# or float; ValueError for a negative count or a negative/non-finite learning rate or a
# non-finite number.

class WarmupLinearDecay(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``, else ``max(0.0, (T - s) / max(1, T - w))``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> WarmupLinearDecay: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        total_steps: int,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None: ...
    @property
    def warmup_steps(self) -> int: ...
    @property
    def total_steps(self) -> int: ...

class WarmupCosineDecay(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``; else ``p = (s - w) / max(1, T - w)``,
    ``c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))``, ``f(s) = max(0, c * (1 - r) + r)`` with
    ``r = min_lr_ratio``, or ``min_lr / learning_rate``, or 0."""

    def __new__(cls, *args: Any, **kwargs: Any) -> WarmupCosineDecay: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        total_steps: int,
        num_cycles: float = 0.5,
        min_lr: float | None = None,
        min_lr_ratio: float | None = None,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Raises:
        ValueError: both ``min_lr`` and ``min_lr_ratio`` are given.
        """
    @property
    def warmup_steps(self) -> int: ...
    @property
    def total_steps(self) -> int: ...
    @property
    def num_cycles(self) -> float: ...
    @property
    def min_lr(self) -> float | None: ...
    @property
    def min_lr_ratio(self) -> float: ...

class CosineWarmupWithMinLR(LRScheduler):
    """transformers' ``cosine_warmup_with_min_lr``, in floats: ``f(s) = (s + 1) / max(1, w)``
    (or ``a + (1 - a) * s / max(1, w - 1)`` with ``warmup_lr_ratio = a``) for ``s < w``; else
    ``p = (s - w + 1) / max(1, T - w)``, ``c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))``,
    ``f(s) = max(0, c * (1 - r) + r)``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> CosineWarmupWithMinLR: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        total_steps: int,
        num_cycles: float = 0.5,
        min_lr: float | None = None,
        min_lr_ratio: float | None = None,
        warmup_lr_ratio: float | None = None,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Raises:
        ValueError: both ``min_lr`` and ``min_lr_ratio`` are given.
        """
    @property
    def warmup_steps(self) -> int: ...
    @property
    def total_steps(self) -> int: ...
    @property
    def num_cycles(self) -> float: ...
    @property
    def min_lr(self) -> float | None: ...
    @property
    def min_lr_ratio(self) -> float: ...
    @property
    def warmup_lr_ratio(self) -> float | None: ...

class CosineWithHardRestarts(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``; else ``p = (s - w) / max(1, T - w)``,
    ``f(s) = 0`` for ``p >= 1``, else ``max(0, 0.5 * (1 + cos(pi * ((num_cycles * p) % 1.0))))``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> CosineWithHardRestarts: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        total_steps: int,
        num_cycles: float = 1,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None: ...
    @property
    def warmup_steps(self) -> int: ...
    @property
    def total_steps(self) -> int: ...
    @property
    def num_cycles(self) -> float: ...

class WarmupPolynomialDecay(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``; ``lr_end / lr`` for ``s > T``; else
    ``((lr - lr_end) * (1 - (s - w) / (T - w)) ** power + lr_end) / lr``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> WarmupPolynomialDecay: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        total_steps: int,
        lr_end: float = 1e-07,
        power: float = 1.0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Raises:
        ValueError: ``lr_end`` is not below ``learning_rate``, or ``total_steps`` equals
            ``warmup_steps`` (the decay would divide by zero).
        """
    @property
    def warmup_steps(self) -> int: ...
    @property
    def total_steps(self) -> int: ...
    @property
    def lr_end(self) -> float: ...
    @property
    def power(self) -> float: ...

class InverseSqrtDecay(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``, else ``1 / sqrt((s + timescale - w) / timescale)``;
    ``timescale`` defaults to ``warmup_steps or 10000``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> InverseSqrtDecay: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        timescale: int | None = None,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Raises:
        ValueError: ``timescale`` is not > 0.
        """
    @property
    def warmup_steps(self) -> int: ...
    @property
    def timescale(self) -> int: ...

class ConstantWithWarmup(LRScheduler):
    """``f(s) = s / max(1, w)`` for ``s < w``, else 1."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ConstantWithWarmup: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int = 0,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None: ...
    @property
    def warmup_steps(self) -> int: ...

class WarmupStableDecay(LRScheduler):
    """Warmup-stable-decay. With ``r = min_lr_ratio``, ``S = stable_steps``,
    ``D = decay_steps``: for ``s < w``, ``p = s / max(1, w)``, ``f(s) = max(0, g(p) * (1 - r) + r)``
    with ``g(p) = p``, ``0.5 * (1 - cos(pi * p))`` or ``1 - sqrt(1 - p)``; ``f(s) = 1`` for
    ``s < w + S``; for ``s < w + S + D``, ``p = (s - w - S) / max(1, D)``,
    ``f(s) = max(0, h(p) * (1 - r) + r)`` with ``h(p) = 1 - p``,
    ``0.5 * (1 + cos(pi * num_cycles * 2 * p))`` or ``1 - sqrt(p)``; then ``f(s) = r``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> WarmupStableDecay: ...
    def __init__(
        self,
        learning_rate: float,
        warmup_steps: int,
        stable_steps: int,
        decay_steps: int,
        warmup_type: Literal["linear", "cosine", "1-sqrt"] = "linear",
        decay_type: Literal["linear", "cosine", "1-sqrt"] = "cosine",
        min_lr_ratio: float = 0.0,
        num_cycles: float = 0.5,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        """Raises:
        ValueError: an unknown ``warmup_type``/``decay_type``.
        """
    @property
    def warmup_steps(self) -> int: ...
    @property
    def stable_steps(self) -> int: ...
    @property
    def decay_steps(self) -> int: ...
    @property
    def warmup_type(self) -> Literal["linear", "cosine", "1-sqrt"]: ...
    @property
    def decay_type(self) -> Literal["linear", "cosine", "1-sqrt"]: ...
    @property
    def min_lr_ratio(self) -> float: ...
    @property
    def num_cycles(self) -> float: ...
