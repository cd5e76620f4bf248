"""``fastwarmup.lr`` as a user who subclasses it sees it: every class replaced by a plain Python
subclass of the same name that overrides nothing (so it must step natively and nest in Rust,
exactly like its base). A module of its own so that pickle finds the classes by reference."""

from __future__ import annotations

from fastwarmup import lr

for _name in lr.__all__:
    _base = getattr(lr, _name)
    globals()[_name] = type(_name, (_base,), {"__module__": __name__, "__doc__": _base.__doc__})

__all__ = list(lr.__all__)
