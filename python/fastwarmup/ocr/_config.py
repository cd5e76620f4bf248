"""Reading a PaddleOCR training config (YAML) and building its learning-rate schedule.

PaddleOCR's ``tools/program.py`` loads the file with PyYAML (YAML 1.1: ``1e-4`` without a dot
is a string; anchors and aliases are resolved), and its training script builds
``Optimizer.lr`` with ``epochs=Global.epoch_num`` and ``step_each_epoch=len(train_loader)``.
PyYAML is imported only when a file is read.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fastwarmup.ocr._build import Where, build, count, family

if TYPE_CHECKING:
    from fastwarmup.lr import LRScheduler

__all__ = ["from_yaml"]


def _yaml() -> ModuleType:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(
            "fastwarmup.ocr.from_yaml needs PyYAML: pip install 'fastwarmup[ocr]'"
        ) from None
    return yaml


def _load(path: str) -> object:
    """The parsed file, or one error naming it."""
    yaml = _yaml()
    try:
        with open(path, "rb") as stream:
            return yaml.safe_load(stream)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "no such PaddleOCR config file", path) from None
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from None


def _top(config: object, path: str) -> Mapping[str, Any]:
    if not isinstance(config, Mapping):
        raise ValueError(
            f"{path}: a PaddleOCR training config is a mapping with Global and Optimizer "
            f"sections, got {'an empty file' if config is None else type(config).__name__}"
        )
    return config


def _section(config: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    if key not in config:
        raise ValueError(f"{path}: {key}: missing")
    value = config[key]
    if not isinstance(value, Mapping):
        raise TypeError(f"{path}: {key}: must be a mapping, got {type(value).__name__}")
    return value


def _epoch_num(config: Mapping[str, Any], path: str) -> int:
    section = _section(config, "Global", path)
    if "epoch_num" not in section:
        raise ValueError(f"{path}: Global.epoch_num: missing (the number of training epochs)")
    try:
        return count(section["epoch_num"], "Global.epoch_num")
    except TypeError as error:
        raise TypeError(f"{path}: {error}") from None


def from_yaml(
    path: str | os.PathLike[str],
    step_each_epoch: int,
    *,
    schedulers: str | ModuleType = "fastwarmup.lr",
) -> float | LRScheduler:
    """Reads a PaddleOCR training config and builds its ``Optimizer.lr`` as PaddleOCR does.

    ``Global.epoch_num`` gives the epochs, ``step_each_epoch`` is the length of your training
    data loader (PaddleOCR's ``len(train_dataloader)``); see ``build_lr_scheduler`` for what
    each ``name`` builds.

    Args:
        path: the ``.yml`` file (the layout of PaddleOCR's ``configs/``).
        step_each_epoch: optimizer steps per epoch.
        schedulers: ``"fastwarmup.lr"`` or ``"fastwarmup.paddle.lr"`` (or the module), as in
            ``build_lr_scheduler``.

    Returns:
        A scheduler of the chosen family, or a float (``Const`` without a warm-up).

    Raises:
        ImportError: PyYAML is not installed (``pip install 'fastwarmup[ocr]'``).
        FileNotFoundError: there is no such file.
        TypeError, ValueError: one message naming the file and the key
            (``Global.epoch_num``, ``Optimizer.lr.learning_rate``, ...): invalid YAML, a
            missing section or key, an unknown name, a string where PaddleOCR needs a number,
            lists of the wrong length, a value the scheduler refuses.
    """
    chosen = family(schedulers)
    steps = count(step_each_epoch, "step_each_epoch")
    shown = os.fspath(path)
    config = _top(_load(shown), shown)
    epochs = _epoch_num(config, shown)
    optimizer = _section(config, "Optimizer", shown)
    if "lr" not in optimizer:
        raise ValueError(f"{shown}: Optimizer.lr: missing (the learning-rate section)")
    where = Where(section="Optimizer.lr", epochs="Global.epoch_num", file=shown)
    return build(optimizer["lr"], epochs, steps, chosen, where)
