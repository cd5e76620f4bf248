"""Learning-rate schedulers with the API of ``paddle.optimizer.lr`` (paddlepaddle 3.3.1).

Every class keeps paddle's constructor, attributes, ``step()``, ``__call__()``,
``state_dict()`` and ``set_state_dict()``, and adds ``precompute(n)``. The classes are the
native ones from :mod:`fastwarmup._fastwarmup`; each one's docstring states its formula.

Beyond paddle's 17, fastwarmup's own warm-up schedules (the schedules transformers'
``get_scheduler`` names, bit-identical to it): ``WarmupLinearDecay``, ``WarmupCosineDecay``,
``CosineWarmupWithMinLR``, ``CosineWithHardRestarts``, ``WarmupPolynomialDecay``,
``InverseSqrtDecay``, ``ConstantWithWarmup``, ``WarmupStableDecay``. Extra names only: every
paddle name keeps its meaning, and ``__all__`` stays paddle's list (so ``from fastwarmup.lr
import *`` imports what paddle's does); ``WARMUP_SCHEDULES`` holds the extra classes.
"""

from fastwarmup._fastwarmup import (
    ConstantWithWarmup,
    CosineAnnealingDecay,
    CosineAnnealingWarmRestarts,
    CosineWarmupWithMinLR,
    CosineWithHardRestarts,
    CyclicLR,
    ExponentialDecay,
    InverseSqrtDecay,
    InverseTimeDecay,
    LambdaDecay,
    LinearLR,
    LinearWarmup,
    LRScheduler,
    MultiplicativeDecay,
    MultiStepDecay,
    NaturalExpDecay,
    NoamDecay,
    OneCycleLR,
    PiecewiseDecay,
    PolynomialDecay,
    ReduceOnPlateau,
    StepDecay,
    WarmupCosineDecay,
    WarmupLinearDecay,
    WarmupPolynomialDecay,
    WarmupStableDecay,
)

__all__ = [
    "CosineAnnealingDecay",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LRScheduler",
    "LambdaDecay",
    "LinearLR",
    "LinearWarmup",
    "MultiStepDecay",
    "MultiplicativeDecay",
    "NaturalExpDecay",
    "NoamDecay",
    "OneCycleLR",
    "PiecewiseDecay",
    "PolynomialDecay",
    "ReduceOnPlateau",
    "StepDecay",
]

#: fastwarmup's own schedules, beyond paddle's (not in ``__all__``, which is paddle's).
WARMUP_SCHEDULES = (
    ConstantWithWarmup,
    CosineWarmupWithMinLR,
    CosineWithHardRestarts,
    InverseSqrtDecay,
    WarmupCosineDecay,
    WarmupLinearDecay,
    WarmupPolynomialDecay,
    WarmupStableDecay,
)
