"""fastwarmup: paddle.optimizer.lr's learning-rate schedules, bit-exact, with a Rust core.

``from fastwarmup import lr`` replaces ``from paddle.optimizer import lr``.
"""

from fastwarmup import lr
from fastwarmup._compose import Chained, Sequential
from fastwarmup._config import from_config
from fastwarmup._fastwarmup import __version__, precompute_many
from fastwarmup._transformers_names import get_scheduler

__all__ = [
    "Chained",
    "Sequential",
    "__version__",
    "from_config",
    "get_scheduler",
    "lr",
    "precompute_many",
]
