"""Type stubs for the native module ``fastwarmup._fastwarmup``.

Every scheduler has paddle's API (``paddle.optimizer.lr``, paddlepaddle 3.3.1) plus
``precompute``. Errors: invalid arguments raise ``TypeError``/``ValueError`` naming the argument
and value; a rejected call leaves the scheduler unchanged.
"""

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from typing_extensions import disjoint_base

__all__ = ["LRScheduler", "LinearWarmup", "PolynomialDecay", "__version__"]
__version__: str

class _SchedulerLike(Protocol):
    def step(self, epoch: int | None = ...) -> None: ...
    def __call__(self) -> float: ...
    def state_dict(self) -> dict[str, Any]: ...
    def set_state_dict(self, state_dict: dict[str, Any]) -> None: ...

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
        """The state, with paddle's keys and values (``LinearWarmup_LR`` for a nest)."""
    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state dict from fastwarmup or paddle.

        Raises:
            RuntimeError: a required key is missing (as paddle).
            TypeError: a value has the wrong type.
        """
    def set_dict(self, state_dict: dict[str, Any]) -> None:
        """Alias of ``set_state_dict``."""
    def precompute(
        self, n: int, *, dtype: npt.DTypeLike | None = None
    ) -> npt.NDArray[np.float64] | npt.NDArray[np.float32]:
        """The next ``n`` learning rates, without changing the scheduler.

        Args:
            n: how many values; element 0 is ``self()``, element ``i`` is the value after ``i``
                more ``step()`` calls.
            dtype: ``numpy.float64`` (default, also for ``None``) or ``numpy.float32`` (the
                float64 values, rounded to nearest).

        Returns:
            A 1-D array of length ``n``.

        Raises:
            TypeError: ``n`` is not an int, or ``dtype`` is not float64/float32.
            ValueError: ``n`` is negative or needs more memory than the machine has, or a step
                would raise (the same error stepping gives).
        """
    def __copy__(self) -> LRScheduler: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> LRScheduler: ...
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
