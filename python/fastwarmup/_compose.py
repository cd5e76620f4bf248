"""Composition: ``Sequential`` (one schedule after another) and ``Chained`` (a product).

Both are ``fastwarmup.lr.LRScheduler`` subclasses over other schedulers (fastwarmup's, a user's
subclass, paddle's, or each other), so they step, nest in ``LinearWarmup``, save and load
``state_dict()``, pickle and ``precompute`` like any scheduler. Their children step in Python
(each child's own step is its own: Rust for fastwarmup's classes); ``precompute`` steps a copy.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Sequence
from typing import Any

from fastwarmup import lr as _lr

__all__ = ["Chained", "Sequential"]

_CHILDREN_KEY = "schedulers"  # the children's state dicts, in order, in a state dict


def _children(schedulers: Any, owner: str) -> list[Any]:
    if isinstance(schedulers, (str, bytes)) or not isinstance(schedulers, Sequence):
        raise TypeError(f"{owner}: schedulers must be a list of schedulers, got {schedulers!r}")
    children = list(schedulers)
    if not children:
        raise ValueError(f"{owner}: schedulers must not be empty")
    for i, child in enumerate(children):
        for method in ("step", "__call__", "state_dict", "set_state_dict"):
            if not callable(getattr(child, method, None)):
                raise TypeError(
                    f"{owner}: schedulers[{i}] = {child!r} is not a scheduler (no {method})"
                )
        if type(child).__name__ == "ReduceOnPlateau":
            raise TypeError(f"{owner}: schedulers[{i}] is a ReduceOnPlateau (it steps on metrics)")
    if len({id(c) for c in children}) != len(children):
        raise ValueError(f"{owner}: a scheduler appears twice in schedulers")
    return children


def _advance(child: Any, local: int, start: dict[str, Any]) -> None:
    """Bring ``child`` to its own step ``local`` one ``step()`` at a time, so that its value is
    always the one it has after ``local`` steps from its start (recurrences included); going
    back, it first reloads ``start``, its state dict as it was given."""
    if local < child.last_epoch:
        child.set_state_dict(start)
    while child.last_epoch < local:
        child.step()


def _base_lr(child: Any) -> float:
    base = getattr(child, "base_lr", None)
    return float(base if base is not None else child())


def _child_config(child: Any, owner: str, i: int) -> dict[str, Any]:
    to_config = getattr(child, "to_config", None)
    if to_config is None:
        raise TypeError(f"{owner}.schedulers[{i}] = {child!r} cannot be written in a config")
    try:
        return to_config()  # type: ignore[no-any-return]
    except TypeError as error:
        raise TypeError(f"{owner}.schedulers[{i}]: {error}") from None


class _Composite(_lr.LRScheduler):
    """What ``Sequential`` and ``Chained`` share: children, state and config."""

    schedulers: list[Any]
    _starts: list[dict[str, Any]]

    def _at(self, t: int) -> float:  # pragma: no cover - defined by each class
        raise NotImplementedError

    def get_lr(self) -> float:
        return self._at(self.last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """paddle's keys (``last_epoch``, ``last_lr``), the settings, and each child's state
        dict in order under ``schedulers``."""
        out = super().state_dict()
        out[_CHILDREN_KEY] = [child.state_dict() for child in self.schedulers]
        return out

    def set_state_dict(self, state_dict: dict[str, Any], *, strict: bool = False) -> None:
        """Load a state dict saved by a composite of the same shape (settings checked as for
        every scheduler: a warning naming each difference, ``ValueError`` with ``strict``)."""
        from fastwarmup._config import SETTINGS_KEY, without_settings

        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
        saved = state_dict.get(_CHILDREN_KEY)
        if not isinstance(saved, list) or len(saved) != len(self.schedulers):
            raise RuntimeError(
                "Please check whether state_dict is correct for optimizer. Can't find "
                f"[ {_CHILDREN_KEY} ] for {len(self.schedulers)} schedulers in state_dict"
            )
        own = {k: v for k, v in state_dict.items() if k != _CHILDREN_KEY}
        checked = SETTINGS_KEY in own and self._has_config()
        super().set_state_dict(own, strict=strict)
        for child, child_state in zip(self.schedulers, saved, strict=True):
            if checked:
                child_state = without_settings(child_state)
            if strict and isinstance(child, _lr.LRScheduler):
                child.set_state_dict(child_state, strict=True)
            else:
                child.set_state_dict(child_state)

    def set_dict(self, state_dict: dict[str, Any], *, strict: bool = False) -> None:
        """Alias of ``set_state_dict``."""
        self.set_state_dict(state_dict, strict=strict)

    def _has_config(self) -> bool:
        try:
            self.to_config()
        except TypeError:
            return False
        return True


class Sequential(_Composite):
    r"""One schedule after another: ``schedulers[i]`` runs from global step ``milestones[i-1]``
    and starts there from its own step 0.

    .. math::

        \mathrm{lr}(t) = s_i(t - m_i), \quad m_0 = 0,\ m_i = \texttt{milestones}[i-1],
        \quad i = \#\{k : \texttt{milestones}[k] \le t\}

    where :math:`s_i(u)` is the value ``schedulers[i]()`` has after ``u`` of its own
    ``step()`` calls (its value as constructed at ``u = 0``). At a milestone the new schedule
    gives its first value: the hand-over has no repeated or skipped step (PyTorch's
    ``SequentialLR`` steps the incoming scheduler once too often there; this is the semantics
    of optax's ``join_schedules``). Each child is stepped one step at a time while it is
    active, and only then: a jump ``step(epoch)`` steps the active child to its own step (back
    from its start for a jump back), so the values are always those above, recurrences
    included.

    Args:
        schedulers: the schedules, at their step 0 (as constructed).
        milestones: ``len(schedulers) - 1`` strictly increasing positive ints.
        last_epoch, verbose: as every scheduler's.

    Raises:
        TypeError: a scheduler is not one, or a milestone is not an int.
        ValueError: the counts do not match, or the milestones are not increasing from 1.
    """

    def __init__(
        self,
        schedulers: Sequence[Any],
        milestones: Sequence[int],
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        children = _children(schedulers, "Sequential")
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
            raise TypeError(f"Sequential: milestones must be a list of ints, got {milestones!r}")
        marks = list(milestones)
        for i, m in enumerate(marks):
            if isinstance(m, bool) or not isinstance(m, numbers.Integral):
                raise TypeError(f"Sequential: milestones[{i}] must be an int, got {m!r}")
        marks = [int(m) for m in marks]
        if len(marks) != len(children) - 1:
            raise ValueError(
                f"Sequential: {len(children)} schedulers need {len(children) - 1} milestones, "
                f"got {len(marks)}"
            )
        if any(b <= a for a, b in zip([0, *marks], marks, strict=False)):
            raise ValueError(
                f"Sequential: milestones must be strictly increasing and positive, got {marks}"
            )
        self.schedulers = children
        self._starts = [copy.deepcopy(c.state_dict()) for c in children]
        self.milestones = marks
        super().__init__(_base_lr(children[0]), last_epoch, verbose)

    def _at(self, t: int) -> float:
        i = sum(1 for m in self.milestones if m <= t)
        start = self.milestones[i - 1] if i else 0
        child = self.schedulers[i]
        _advance(child, t - start, self._starts[i])
        return child()  # type: ignore[no-any-return]

    def to_config(self) -> dict[str, Any]:
        """``{"name": "Sequential", "schedulers": [configs], "milestones": [...]}``."""
        children = self.schedulers
        return {
            "name": "Sequential",
            "schedulers": [_child_config(c, "Sequential", i) for i, c in enumerate(children)],
            "milestones": list(self.milestones),
        }


class Chained(_Composite):
    r"""Schedules applied together: the first gives the learning rate, each other one scales
    it by its value over its base learning rate, all stepped in lockstep.

    .. math::

        \mathrm{lr}(t) = (\cdots((s_0(t) \cdot f_1(t)) \cdot f_2(t)) \cdots) \cdot f_{n-1}(t),
        \qquad f_k(t) = s_k(t) / s_k.\texttt{base\_lr}

    evaluated left to right in doubles, in that order. For schedules that each multiply the
    learning rate (``ExponentialDecay``, ``StepDecay``, ``MultiStepDecay``, ``LambdaDecay``,
    ...) this is PyTorch's ``ChainedScheduler`` product; a first schedule alone gives its own
    values exactly.

    Args:
        schedulers: the schedules, at their step 0 (as constructed); ``base_lr`` is the first's.
        last_epoch, verbose: as every scheduler's.

    Raises:
        TypeError: a scheduler is not one.
        ValueError: ``schedulers`` is empty, or a factor's base learning rate is 0.
    """

    def __init__(
        self, schedulers: Sequence[Any], last_epoch: int = -1, verbose: bool = False
    ) -> None:
        children = _children(schedulers, "Chained")
        for i, child in enumerate(children[1:], 1):
            if _base_lr(child) == 0:
                raise ValueError(f"Chained: schedulers[{i}] has base_lr 0 (no factor)")
        self.schedulers = children
        self._starts = [copy.deepcopy(c.state_dict()) for c in children]
        super().__init__(_base_lr(children[0]), last_epoch, verbose)

    def _at(self, t: int) -> float:
        value = 0.0
        for i, (child, start) in enumerate(zip(self.schedulers, self._starts, strict=True)):
            _advance(child, t, start)
            value = child() if i == 0 else value * (child() / _base_lr(child))
        return value  # type: ignore[no-any-return]

    def to_config(self) -> dict[str, Any]:
        """``{"name": "Chained", "schedulers": [configs]}``."""
        return {
            "name": "Chained",
            "schedulers": [_child_config(c, "Chained", i) for i, c in enumerate(self.schedulers)],
        }
