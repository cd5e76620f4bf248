"""``paddle.optimizer.lr``'s schedulers on fastwarmup's Rust core, accepted by paddle itself.

Each class ``X`` here derives from ``fastwarmup.lr.X`` first (so ``step()``, ``__call__()``,
``state_dict()``, ``precompute()`` and pickling are fastwarmup's, in Rust), then from this
module's ``LRScheduler`` and from ``paddle.optimizer.lr.X`` (so ``isinstance`` checks in
paddle's optimizers, ``Executor`` and ``paddle.Model`` pass). paddle's own methods come last in
the method order and are never reached for the schedule. A class here overrides nothing, so it
steps in Rust and nests natively, exactly as its ``fastwarmup.lr`` class does; each class's
formula is the one in its ``fastwarmup.lr`` docstring.

fastwarmup's own schedules (``fastwarmup.lr.WARMUP_SCHEDULES``: ``WarmupStableDecay``, ...)
have no paddle class of their name: each derives from its ``fastwarmup.lr`` class and this
module's ``LRScheduler`` only, which makes it a paddle ``LRScheduler`` too. Like
``fastwarmup.lr``'s, ``__all__`` stays paddle's list.
"""

from __future__ import annotations

from fastwarmup import _compose
from fastwarmup import lr as _lr
from fastwarmup.paddle._paddle import paddle_lr as _plr


class LRScheduler(_lr.LRScheduler, _plr.LRScheduler):
    """Base class: a ``fastwarmup.lr.LRScheduler`` that is a paddle ``LRScheduler``.

    Subclass it and override ``get_lr()`` to define a schedule, as with paddle's.
    """


class NoamDecay(_lr.NoamDecay, LRScheduler, _plr.NoamDecay):
    __doc__ = _lr.NoamDecay.__doc__


class PiecewiseDecay(_lr.PiecewiseDecay, LRScheduler, _plr.PiecewiseDecay):
    __doc__ = _lr.PiecewiseDecay.__doc__


class NaturalExpDecay(_lr.NaturalExpDecay, LRScheduler, _plr.NaturalExpDecay):
    __doc__ = _lr.NaturalExpDecay.__doc__


class InverseTimeDecay(_lr.InverseTimeDecay, LRScheduler, _plr.InverseTimeDecay):
    __doc__ = _lr.InverseTimeDecay.__doc__


class PolynomialDecay(_lr.PolynomialDecay, LRScheduler, _plr.PolynomialDecay):
    __doc__ = _lr.PolynomialDecay.__doc__


class LinearWarmup(_lr.LinearWarmup, LRScheduler, _plr.LinearWarmup):
    __doc__ = _lr.LinearWarmup.__doc__


class ExponentialDecay(_lr.ExponentialDecay, LRScheduler, _plr.ExponentialDecay):
    __doc__ = _lr.ExponentialDecay.__doc__


class MultiStepDecay(_lr.MultiStepDecay, LRScheduler, _plr.MultiStepDecay):
    __doc__ = _lr.MultiStepDecay.__doc__


class StepDecay(_lr.StepDecay, LRScheduler, _plr.StepDecay):
    __doc__ = _lr.StepDecay.__doc__


class LambdaDecay(_lr.LambdaDecay, LRScheduler, _plr.LambdaDecay):
    __doc__ = _lr.LambdaDecay.__doc__


class ReduceOnPlateau(_lr.ReduceOnPlateau, LRScheduler, _plr.ReduceOnPlateau):
    __doc__ = _lr.ReduceOnPlateau.__doc__


class CosineAnnealingDecay(_lr.CosineAnnealingDecay, LRScheduler, _plr.CosineAnnealingDecay):
    __doc__ = _lr.CosineAnnealingDecay.__doc__


class MultiplicativeDecay(_lr.MultiplicativeDecay, LRScheduler, _plr.MultiplicativeDecay):
    __doc__ = _lr.MultiplicativeDecay.__doc__


class OneCycleLR(_lr.OneCycleLR, LRScheduler, _plr.OneCycleLR):
    __doc__ = _lr.OneCycleLR.__doc__


class CyclicLR(_lr.CyclicLR, LRScheduler, _plr.CyclicLR):
    __doc__ = _lr.CyclicLR.__doc__


class LinearLR(_lr.LinearLR, LRScheduler, _plr.LinearLR):
    __doc__ = _lr.LinearLR.__doc__


class CosineAnnealingWarmRestarts(
    _lr.CosineAnnealingWarmRestarts, LRScheduler, _plr.CosineAnnealingWarmRestarts
):
    __doc__ = _lr.CosineAnnealingWarmRestarts.__doc__


class ConstantWithWarmup(_lr.ConstantWithWarmup, LRScheduler):
    __doc__ = _lr.ConstantWithWarmup.__doc__


class CosineWarmupWithMinLR(_lr.CosineWarmupWithMinLR, LRScheduler):
    __doc__ = _lr.CosineWarmupWithMinLR.__doc__


class CosineWithHardRestarts(_lr.CosineWithHardRestarts, LRScheduler):
    __doc__ = _lr.CosineWithHardRestarts.__doc__


class InverseSqrtDecay(_lr.InverseSqrtDecay, LRScheduler):
    __doc__ = _lr.InverseSqrtDecay.__doc__


class WarmupCosineDecay(_lr.WarmupCosineDecay, LRScheduler):
    __doc__ = _lr.WarmupCosineDecay.__doc__


class WarmupLinearDecay(_lr.WarmupLinearDecay, LRScheduler):
    __doc__ = _lr.WarmupLinearDecay.__doc__


class WarmupPolynomialDecay(_lr.WarmupPolynomialDecay, LRScheduler):
    __doc__ = _lr.WarmupPolynomialDecay.__doc__


class WarmupStableDecay(_lr.WarmupStableDecay, LRScheduler):
    __doc__ = _lr.WarmupStableDecay.__doc__


class Sequential(_compose.Sequential, LRScheduler):
    __doc__ = _compose.Sequential.__doc__


class Chained(_compose.Chained, LRScheduler):
    __doc__ = _compose.Chained.__doc__


__all__ = _lr.__all__
