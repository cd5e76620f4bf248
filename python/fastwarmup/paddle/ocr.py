"""PaddleOCR's schedulers on fastwarmup's Rust core, accepted by paddle itself.

Each class ``X`` here derives from ``fastwarmup.ocr.X`` first (the Rust kernel: ``step()``,
``__call__()``, ``state_dict()``, ``precompute()``, pickling), then from
``fastwarmup.paddle.lr.LRScheduler`` (so it is a ``paddle.optimizer.lr.LRScheduler``, which
paddle's optimizers, ``Executor`` and ``paddle.Model`` check for). PaddleOCR's classes derive
from paddle's ``LRScheduler`` alone, so there is no paddle class to add; nothing is
overridden, so each class steps in Rust and nests natively. Importing this module imports
paddle (PaddleOCR is not needed).
"""

from __future__ import annotations

from fastwarmup import ocr as _ocr
from fastwarmup.paddle.lr import LRScheduler as _LRScheduler


class CyclicalCosineDecay(_ocr.CyclicalCosineDecay, _LRScheduler):
    __doc__ = _ocr.CyclicalCosineDecay.__doc__


class OneCycleDecay(_ocr.OneCycleDecay, _LRScheduler):
    __doc__ = _ocr.OneCycleDecay.__doc__


class TwoStepCosineDecay(_ocr.TwoStepCosineDecay, _LRScheduler):
    __doc__ = _ocr.TwoStepCosineDecay.__doc__


__all__ = ["CyclicalCosineDecay", "OneCycleDecay", "TwoStepCosineDecay"]
