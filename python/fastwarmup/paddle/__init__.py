"""fastwarmup for paddle's optimizers: schedulers that are paddle ``LRScheduler`` instances.

``from fastwarmup.paddle import lr`` replaces ``from paddle.optimizer import lr``: every class
is a subclass of its ``fastwarmup.lr`` class (the same Rust kernels, values, ``precompute``,
state dicts and pickling) and of paddle's class of the same name, so paddle's optimizers,
``Executor`` and ``paddle.Model`` take it. ``fastwarmup.paddle.ocr`` has PaddleOCR's three
schedulers the same way. Importing this module imports paddle; importing ``fastwarmup`` does
not.
"""

from fastwarmup.paddle import lr, ocr

__all__ = ["lr", "ocr"]
