"""The one place ``fastwarmup.paddle`` imports paddle, with the message for a missing install."""

from __future__ import annotations

try:
    from paddle.optimizer import lr as paddle_lr
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "fastwarmup.paddle needs paddlepaddle: pip install 'fastwarmup[paddle]'"
    ) from error

__all__ = ["paddle_lr"]
