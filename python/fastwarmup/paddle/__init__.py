"""fastwarmup for paddle's optimizers: schedulers that are paddle ``LRScheduler`` instances.

``from fastwarmup.paddle import lr`` replaces ``from paddle.optimizer import lr``: every class
is a subclass of its ``fastwarmup.lr`` class (the same Rust kernels, values, ``precompute``,
state dicts and pickling) and of paddle's class of the same name, so paddle's optimizers,
``Executor`` and ``paddle.Model`` take it. Importing this module imports paddle; importing
``fastwarmup`` does not.
"""

from fastwarmup.paddle import lr

__all__ = ["lr"]
