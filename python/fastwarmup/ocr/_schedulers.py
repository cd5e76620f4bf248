"""PaddleOCR's own schedulers (``ppocr/optimizer/lr_scheduler.py``) as native classes.

``CyclicalCosineDecay``, ``OneCycleDecay`` and ``TwoStepCosineDecay`` run on Rust kernels like
the classes of ``fastwarmup.lr``: bit-identical to PaddleOCR's Python on float64, with
``precompute``, paddle-compatible state dicts, pickling, and native nesting in
``fastwarmup.lr.LinearWarmup``. Each class's docstring states its formula.
"""

from fastwarmup._fastwarmup import CyclicalCosineDecay, OneCycleDecay, TwoStepCosineDecay

__all__ = ["CyclicalCosineDecay", "OneCycleDecay", "TwoStepCosineDecay"]
