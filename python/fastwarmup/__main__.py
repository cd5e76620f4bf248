"""``python -m fastwarmup``: the ``fastwarmup`` command (``show``, ``plot``, ``check``,
``export``); ``python -m fastwarmup --help`` lists them."""

import sys

from fastwarmup.cli import main

if __name__ == "__main__":
    sys.exit(main())
