"""PaddleOCR's learning-rate layer without PaddleOCR: its config builder and its schedulers.

- ``build_lr_scheduler(lr_config, epochs, step_each_epoch)`` builds the ``Optimizer.lr``
  section of a PaddleOCR training config as PaddleOCR's ``ppocr/optimizer`` does, on
  fastwarmup's schedulers (``schedulers="fastwarmup.paddle.lr"`` for paddle's optimizers);
- ``from_yaml(path, step_each_epoch)`` reads a PaddleOCR training config and builds it;
- ``CyclicalCosineDecay``, ``OneCycleDecay`` and ``TwoStepCosineDecay``: PaddleOCR's own
  schedulers (``ppocr/optimizer/lr_scheduler.py``) as Rust kernels, exact, nestable and
  precomputable like the classes of ``fastwarmup.lr``.

Importing this module imports neither paddle nor PyYAML.
"""

from fastwarmup.ocr._build import build_lr_scheduler
from fastwarmup.ocr._config import from_yaml
from fastwarmup.ocr._schedulers import CyclicalCosineDecay, OneCycleDecay, TwoStepCosineDecay

__all__ = [
    "CyclicalCosineDecay",
    "OneCycleDecay",
    "TwoStepCosineDecay",
    "build_lr_scheduler",
    "from_yaml",
]
