"""The two libraries under comparison, the run's seed and the run's mode.

- ``fw``: ``fastwarmup.lr``, or, with ``FASTWARMUP_SELFCHECK=1``, ``paddle.optimizer.lr`` itself
  (the self-check: the whole suite runs paddle against paddle, which validates the generators,
  the driver and the comparisons without the package).
- ``paddle_lr()``: ``paddle.optimizer.lr``, imported once, lazily (it is slow to import); when
  paddle is missing it skips the calling test, or fails it if ``FASTWARMUP_REQUIRE_PADDLE=1``.
- ``SEED``: every random choice of the suite derives from it (``FASTWARMUP_SEED`` overrides).
- ``IMPLEMENTED``: the classes ``fw`` has; parametrized tests draw only from these.
  ``FASTWARMUP_CLASSES=A,B`` narrows it (to focus on some classes, or, in the self-check, to
  mimic a partial fastwarmup).
"""

from __future__ import annotations

import copy
import io
import os
import sys
from types import ModuleType

import numpy as np
import pytest

from _configs import ALL_CLASSES

DEFAULT_SEED = 20251125
SEED = int(os.environ.get("FASTWARMUP_SEED", DEFAULT_SEED))
SELFCHECK = os.environ.get("FASTWARMUP_SELFCHECK") == "1"
REQUIRE_PADDLE = os.environ.get("FASTWARMUP_REQUIRE_PADDLE") == "1"

_paddle: ModuleType | None = None
_paddle_error: str | None = None


def _import_paddle() -> ModuleType | None:
    global _paddle, _paddle_error
    if _paddle is None and _paddle_error is None:
        try:
            import paddle.optimizer.lr as module
        except ImportError as exc:
            _paddle_error = f"paddle is not importable ({exc!r})"
        else:
            _paddle = module
    return _paddle


def paddle_lr() -> ModuleType:
    """``paddle.optimizer.lr``; skips (or fails, if required) the test when it is missing."""
    module = _import_paddle()
    if module is None:
        message = f"{_paddle_error}: install paddlepaddle==3.3.1 to run the parity tests"
        if REQUIRE_PADDLE:
            pytest.fail(f"FASTWARMUP_REQUIRE_PADDLE=1 but {message}", pytrace=False)
        pytest.skip(message)
    return module


def _load_fw() -> ModuleType:
    if SELFCHECK:
        module = _import_paddle()
        if module is None:
            raise ImportError(f"FASTWARMUP_SELFCHECK=1 needs paddle: {_paddle_error}")
        return module
    from fastwarmup import lr

    return lr


def __getattr__(name: str) -> object:
    """``fw`` and ``IMPLEMENTED``, resolved on first use (so importing this module, as the
    conftest does, needs neither library)."""
    if name == "fw":
        globals()["fw"] = _load_fw()
        return globals()["fw"]
    if name == "IMPLEMENTED":
        module = __getattr__("fw")
        only = [n for n in os.environ.get("FASTWARMUP_CLASSES", "").split(",") if n]
        names = [n for n in ALL_CLASSES if hasattr(module, n) and (not only or n in only)]
        globals()["IMPLEMENTED"] = names
        return names
    raise AttributeError(name)


def precompute(sched, n, dtype=np.float64):
    """``sched.precompute(n, dtype=dtype)``; under the self-check (paddle has no precompute) an
    emulation by its definition: the values of a deep copy stepped ``n - 1`` times."""
    if not SELFCHECK:
        return sched.precompute(n, dtype=dtype)
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be an int >= 0, got {n!r}")
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        twin = copy.deepcopy(sched)
        values = []
        for i in range(n):
            if i:
                twin.step()
            values.append(twin())
    finally:
        sys.stdout = stdout
    return np.array(values, dtype=np.float64).astype(dtype)
