"""The ``fastwarmup`` command (also ``python -m fastwarmup``): ``show``, ``plot``, ``check`` and
``export`` a learning-rate schedule read from a PaddleOCR config, a fastwarmup spec or an
expression.

One module per command over one spec parser (:mod:`fastwarmup.cli.spec`). Importing this
package imports nothing else: each command imports what it needs (PyYAML, matplotlib, tqdm,
pyarrow) when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    As a console script (``fastwarmup``), the status becomes the process's exit status.
    """
    from fastwarmup.cli.main import main as run

    return run(argv)
