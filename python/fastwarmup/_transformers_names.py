"""``get_scheduler``: transformers' scheduler names and arguments, on fastwarmup's kernels.

``fastwarmup.get_scheduler(name, learning_rate, ...)`` takes the arguments of
``transformers.get_scheduler(name, optimizer, ...)`` with the optimizer's learning rate in place
of the optimizer, and returns a ``fastwarmup.lr`` scheduler whose value after ``k`` steps is, bit
for bit, the learning rate transformers' scheduler sets after ``k`` steps. Neither transformers
nor torch is imported.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from fastwarmup import lr as _lr

_Curve = Literal["linear", "cosine", "1-sqrt"]

#: transformers' ``SchedulerType`` values, in its order (``greedy`` is refused: it is no
#: schedule but a feedback controller, with no counterpart here).
SCHEDULER_NAMES = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "reduce_lr_on_plateau",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
    "greedy",
)

_ENUM_NAMES = {name: f"SchedulerType.{name.upper()}" for name in SCHEDULER_NAMES}


def _scheduler_type(name: Any) -> str:
    """``SchedulerType(name).value``, with its error for an unknown name."""
    value = getattr(name, "value", name)
    if value not in SCHEDULER_NAMES:
        raise ValueError(
            f"{name} is not a valid SchedulerType, please select one of {list(SCHEDULER_NAMES)}"
        )
    return str(value)


def _linear(lr: float, w: int, t: int, *, last_epoch: int = -1) -> _lr.LRScheduler:
    return _lr.WarmupLinearDecay(lr, w, t, last_epoch=last_epoch)


def _cosine(
    lr: float, w: int, t: int, *, num_cycles: float = 0.5, last_epoch: int = -1
) -> _lr.LRScheduler:
    return _lr.WarmupCosineDecay(lr, w, t, num_cycles=num_cycles, last_epoch=last_epoch)


def _restarts(
    lr: float, w: int, t: int, *, num_cycles: int = 1, last_epoch: int = -1
) -> _lr.LRScheduler:
    return _lr.CosineWithHardRestarts(lr, w, t, num_cycles=num_cycles, last_epoch=last_epoch)


def _polynomial(
    lr: float,
    w: int,
    t: int,
    *,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> _lr.LRScheduler:
    if not (lr > lr_end):
        raise ValueError(f"lr_end ({lr_end}) must be smaller than initial lr ({lr})")
    return _lr.WarmupPolynomialDecay(lr, w, t, lr_end=lr_end, power=power, last_epoch=last_epoch)


def _check_min_lr(min_lr: float | None, min_lr_rate: float | None) -> None:
    """transformers' checks: exactly one of ``min_lr`` and ``min_lr_rate``."""
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError("Only one of min_lr or min_lr_rate should be set")
    if min_lr is None and min_lr_rate is None:
        raise ValueError(
            "One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`"
        )


def _cosine_min_lr(
    lr: float,
    w: int,
    t: int,
    *,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> _lr.LRScheduler:
    _check_min_lr(min_lr, min_lr_rate)
    return _lr.WarmupCosineDecay(
        lr,
        w,
        t,
        num_cycles=num_cycles,
        min_lr=min_lr,
        min_lr_ratio=min_lr_rate,
        last_epoch=last_epoch,
    )


def _cosine_warmup_min_lr(
    lr: float,
    w: int,
    t: int,
    *,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> _lr.LRScheduler:
    _check_min_lr(min_lr, min_lr_rate)
    return _lr.CosineWarmupWithMinLR(
        lr,
        w,
        t,
        num_cycles=num_cycles,
        min_lr=min_lr,
        min_lr_ratio=min_lr_rate,
        warmup_lr_ratio=warmup_lr_rate,
        last_epoch=last_epoch,
    )


def _inverse_sqrt(
    lr: float, w: int, *, timescale: int | None = None, last_epoch: int = -1
) -> _lr.LRScheduler:
    return _lr.InverseSqrtDecay(lr, w, timescale=timescale, last_epoch=last_epoch)


def _wsd(
    lr: float,
    w: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: _Curve = "linear",
    decay_type: _Curve = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> _lr.LRScheduler:
    if num_training_steps is None and num_stable_steps is None:
        raise ValueError("Either num_training_steps or num_stable_steps must be specified.")
    if num_training_steps is not None and num_stable_steps is not None:
        warnings.warn(
            "Both num_training_steps and num_stable_steps are specified. "
            "num_stable_steps will be used.",
            stacklevel=3,
        )
    for kind, value in (("warmup", warmup_type), ("decay", decay_type)):
        if value not in ("linear", "cosine", "1-sqrt"):
            raise ValueError(
                f"Unknown {kind} type: {value}, expected 'linear', 'cosine' or '1-sqrt'"
            )
    if num_stable_steps is None:
        assert num_training_steps is not None
        num_stable_steps = num_training_steps - w - num_decay_steps
    return _lr.WarmupStableDecay(
        lr,
        w,
        num_stable_steps,
        num_decay_steps,
        warmup_type=warmup_type,
        decay_type=decay_type,
        min_lr_ratio=min_lr_ratio,
        num_cycles=num_cycles,
        last_epoch=last_epoch,
    )


def _plateau(
    lr: float,
    *,
    mode: Literal["min", "max"] = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: Literal["rel", "abs"] = "rel",
    cooldown: int = 0,
    min_lr: float = 0,
    eps: float = 1e-8,
) -> _lr.LRScheduler:
    if factor >= 1.0:
        raise ValueError("Factor should be < 1.0.")
    return _lr.ReduceOnPlateau(
        lr,
        mode=mode,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_lr,
        epsilon=eps,
    )


_TRAINING = {
    "linear": _linear,
    "cosine": _cosine,
    "cosine_with_restarts": _restarts,
    "polynomial": _polynomial,
    "cosine_with_min_lr": _cosine_min_lr,
    "cosine_warmup_with_min_lr": _cosine_warmup_min_lr,
}


def get_scheduler(
    name: str,
    learning_rate: float,
    *,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict[str, Any] | None = None,
) -> _lr.LRScheduler:
    """The scheduler transformers' ``get_scheduler`` names, as a ``fastwarmup.lr`` scheduler.

    Same names, arguments, defaults and errors as ``transformers.get_scheduler(name, optimizer,
    num_warmup_steps, num_training_steps, scheduler_specific_kwargs)`` (transformers 5.x), with
    ``learning_rate`` (the optimizer's ``lr``) in place of the optimizer. After ``k`` steps the
    scheduler's value equals, bit for bit, the ``lr`` transformers' scheduler sets after ``k``
    steps (its ``LambdaLR`` computes ``lr * lambda(k)``; the kernels here do the same double
    operations).

    =============================  =====================================================
    name                           returns
    =============================  =====================================================
    ``constant``                   ``ConstantWithWarmup(lr, 0)``
    ``constant_with_warmup``       ``ConstantWithWarmup(lr, w)``
    ``linear``                     ``WarmupLinearDecay(lr, w, t)``
    ``cosine``                     ``WarmupCosineDecay(lr, w, t, num_cycles)``
    ``cosine_with_min_lr``         ``WarmupCosineDecay(..., min_lr= / min_lr_ratio=)``
    ``cosine_warmup_with_min_lr``  ``CosineWarmupWithMinLR(...)``
    ``cosine_with_restarts``       ``CosineWithHardRestarts(lr, w, t, num_cycles)``
    ``polynomial``                 ``WarmupPolynomialDecay(lr, w, t, lr_end, power)``
    ``inverse_sqrt``               ``InverseSqrtDecay(lr, w, timescale)``
    ``warmup_stable_decay``        ``WarmupStableDecay(lr, w, stable, decay, ...)``
    ``reduce_lr_on_plateau``       ``ReduceOnPlateau`` (torch's arguments mapped to paddle's)
    =============================  =====================================================

    ``reduce_lr_on_plateau`` follows paddle's ``ReduceOnPlateau`` rules, which match PyTorch's
    ``ReduceLROnPlateau`` with ``cooldown=0`` and ``threshold_mode='abs'``; with a cooldown,
    paddle does not track the best metric during it (PyTorch does), and in ``'rel'`` mode paddle
    compares with ``best - best * threshold`` (PyTorch ``best * (1 - threshold)``), which can
    round differently.

    Raises:
        ValueError: an unknown name, ``greedy``, a missing ``num_warmup_steps`` /
            ``num_training_steps`` (transformers' messages), ``lr_end`` not below the learning
            rate, both or neither of ``min_lr``/``min_lr_rate``, WSD without a length or with an
            unknown warm-up/decay type, and any argument the scheduler class refuses.
        TypeError: a keyword argument the schedule does not take.
    """
    value = _scheduler_type(name)
    enum_name = _ENUM_NAMES[value]
    if value == "greedy":
        raise ValueError("greedy (GreedyLR) is not supported by fastwarmup.get_scheduler")
    if value == "constant":
        return _lr.ConstantWithWarmup(learning_rate, 0)
    kwargs = dict(scheduler_specific_kwargs or {})
    if value == "reduce_lr_on_plateau":
        return _plateau(learning_rate, **kwargs)
    if num_warmup_steps is None:
        raise ValueError(f"{enum_name} requires `num_warmup_steps`, please provide that argument.")
    if value == "constant_with_warmup":
        return _lr.ConstantWithWarmup(learning_rate, num_warmup_steps)
    if value == "inverse_sqrt":
        return _inverse_sqrt(learning_rate, num_warmup_steps, **kwargs)
    if value == "warmup_stable_decay":
        if "num_decay_steps" not in kwargs:
            raise TypeError("get_wsd_schedule() missing 1 required argument: 'num_decay_steps'")
        return _wsd(
            learning_rate, num_warmup_steps, num_training_steps=num_training_steps, **kwargs
        )
    if num_training_steps is None:
        raise ValueError(
            f"{enum_name} requires `num_training_steps`, please provide that argument."
        )
    return _TRAINING[value](learning_rate, num_warmup_steps, num_training_steps, **kwargs)
