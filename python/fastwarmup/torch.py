"""fastwarmup for PyTorch: a ``torch.optim.lr_scheduler.LRScheduler`` reading a fastwarmup schedule.

``LRScheduler(optimizer, schedule)`` sets every param group's ``lr`` from ``schedule`` (any
fastwarmup scheduler, nested to any depth) and is stepped like PyTorch's own schedulers::

    for batch in data:
        loss = model(batch).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()

Importing this module imports torch; importing ``fastwarmup`` does not.
"""

from __future__ import annotations

import numbers
from typing import Any

try:
    import torch
except ModuleNotFoundError as error:  # pragma: no cover - exercised in a subprocess test
    if error.name != "torch":
        raise
    raise ImportError("fastwarmup.torch needs PyTorch: pip install 'fastwarmup[torch]'") from None
from torch.optim.lr_scheduler import LRScheduler as _TorchLRScheduler

__all__ = ["LRScheduler"]

_STATE_KEYS = ("schedule", "last_epoch", "_step_count", "base_lrs", "_last_lr")


class LRScheduler(_TorchLRScheduler):
    """A PyTorch scheduler whose learning rate is a fastwarmup schedule's value.

    The first param group gets ``schedule()`` itself; a group whose initial lr differs from the
    first group's gets ``schedule() * (its initial lr / the first group's initial lr)``, the
    ratio computed once, as PyTorch's multiplicative schedulers scale groups. Constructing it
    writes the schedule's current value into the groups (the schedule is not stepped); each
    ``step()`` steps the schedule once and writes its new value.

    Args:
        optimizer: any ``torch.optim.Optimizer``; a group's ``lr`` may be a float or a tensor
            (a tensor is filled in place, in its own dtype).
        schedule: a fastwarmup scheduler (``fastwarmup.lr``, ``fastwarmup.paddle.lr``, or any
            object with paddle's protocol: ``step()``, ``__call__()``, ``state_dict()``,
            ``set_state_dict()``). The adapter steps it: do not step it yourself as well.

    Attributes:
        schedule: the schedule, live.
        last_epoch: how many times ``step()`` has run (PyTorch's meaning);
            ``schedule.last_epoch`` is the schedule's own epoch.

    ``step(*args)`` passes its arguments to ``schedule.step``: nothing for most schedules,
    ``step(metrics)`` for ``ReduceOnPlateau`` (a tensor metric is read with ``float()``, as
    ``torch.optim.lr_scheduler.ReduceLROnPlateau`` reads it), ``step(epoch)`` for a jump.

    ``state_dict()`` holds plain Python types only (``schedule`` is the schedule's own
    ``state_dict()``, paddle's format), so ``torch.save`` / ``torch.load(weights_only=True)``
    round-trip it. To resume, build the optimizer and this scheduler as for a fresh run, then
    load both state dicts (in either order): the groups get the resumed schedule's value.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, schedule: Any) -> None:
        if not (callable(schedule) and callable(getattr(schedule, "step", None))):
            raise TypeError(
                "schedule must be a fastwarmup scheduler (with step() and __call__()), "
                f"got {schedule!r}"
            )
        self.schedule = schedule
        self._ratios: list[float] = []
        self._constructed = False
        super().__init__(optimizer)  # takes one step(): it must not step the schedule
        self._constructed = True

    def step(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Step the schedule once, then set every group's lr (after ``optimizer.step()``)."""
        if not self._constructed:
            # The step PyTorch's __init__ takes: the schedule stays at its current value.
            self._ratios = _ratios(self.base_lrs)
            super().step()
            return
        if args and isinstance(args[0], torch.Tensor):
            args = (float(args[0]), *args[1:])
        elif isinstance(kwargs.get("metrics"), torch.Tensor):
            kwargs["metrics"] = float(kwargs["metrics"])
        self.schedule.step(*args, **kwargs)
        if self._step_count < 2:
            # The first step goes through PyTorch's own step, for its check of the call order
            # (it warns when scheduler.step() comes before optimizer.step()).
            super().step()
            return
        # Later steps do what PyTorch's step does, without its per-step context managers.
        self._step_count += 1
        self.last_epoch += 1
        self._last_lr = self._set_groups(self.schedule())

    def _set_groups(self, value: float) -> list[Any]:
        """Set each group's lr to ``value * ratio`` (a tensor lr is filled in place); returns
        the new lrs as ``get_last_lr()`` gives them (tensors cloned)."""
        last = []
        for group, ratio in zip(self.optimizer.param_groups, self._ratios):  # noqa: B905
            lr = value * ratio
            current = group["lr"]
            if type(current) is not float and isinstance(current, torch.Tensor):
                current.fill_(lr)
                last.append(current.clone())
            else:
                group["lr"] = lr
                last.append(lr)
        return last

    def get_lr(self) -> list[float]:
        """The lr of each group for the schedule's current value (no side effects)."""
        value = self.schedule()
        return [value * ratio for ratio in self._ratios]

    def state_dict(self) -> dict[str, Any]:
        """The state as plain Python types: the schedule's ``state_dict()`` and PyTorch's
        counters (``last_epoch``, ``_step_count``), ``base_lrs`` and ``_last_lr`` as floats."""
        return {
            "schedule": _plain(self.schedule.state_dict()),
            "last_epoch": int(self.last_epoch),
            "_step_count": int(self._step_count),
            "base_lrs": [_float(v) for v in self.base_lrs],
            "_last_lr": [_float(v) for v in self._last_lr],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state from ``state_dict()``: the schedule continues where it was saved, and
        every group's lr is set to its value."""
        missing = [key for key in _STATE_KEYS if key not in state_dict]
        if missing:
            raise KeyError(f"state_dict lacks {missing} (not from fastwarmup.torch.LRScheduler)")
        base_lrs = [float(v) for v in state_dict["base_lrs"]]
        if len(base_lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"state_dict has {len(base_lrs)} param groups, the optimizer "
                f"{len(self.optimizer.param_groups)}"
            )
        ratios = _ratios(base_lrs)
        self.schedule.set_state_dict(state_dict["schedule"])
        self.base_lrs = base_lrs
        self._ratios = ratios
        self.last_epoch = int(state_dict["last_epoch"])
        self._step_count = int(state_dict["_step_count"])
        self._last_lr = self._set_groups(self.schedule())


def _float(value: Any) -> float:
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def _ratios(base_lrs: list[Any]) -> list[float]:
    """Each group's scale: 1.0 where its initial lr equals the first group's, else the ratio."""
    first = _float(base_lrs[0])
    ratios = []
    for i, value in enumerate(base_lrs):
        value = _float(value)
        if value == first:
            ratios.append(1.0)
        elif first == 0.0:
            raise ValueError(
                f"param group {i} has initial lr {value} but the first group 0.0: "
                "groups are scaled by their ratio to the first group's initial lr"
            )
        else:
            ratios.append(value / first)
    return ratios


def _plain(value: Any) -> Any:
    """A state dict as plain Python types (a NumPy scalar ``best`` becomes a Python number),
    so ``torch.load(weights_only=True)`` reads it back."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):  # a NumPy or tensor scalar or size-1 array
        return _plain(value.item())
    raise TypeError(f"cannot store {value!r} in a plain state dict")
