"""Portable configs: ``to_config()`` of every scheduler, :func:`from_config`, and the settings
that ``state_dict()`` records and ``set_state_dict`` checks.

A config is a schedule's *settings*, as plain types (JSON/YAML-ready)::

    {"name": "LinearWarmup", "warmup_steps": 100, "start_lr": 0.0, "end_lr": 0.1,
     "learning_rate": {"name": "PolynomialDecay", "learning_rate": 0.1, "decay_steps": 1000,
                       "end_lr": 0.0001, "power": 1.0, "cycle": False}}

``name`` is the class name, every other key a constructor argument (all of them, defaults
filled in; ``last_epoch`` and ``verbose`` left out: where a schedule is, is its state, which
``state_dict()`` carries), a nested scheduler as a nested config. It is the format the
``fastwarmup`` command reads. Only NumPy-free standard-library code runs at import.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Mapping
from typing import Any

from fastwarmup import _fastwarmup
from fastwarmup import lr as _lr

__all__ = ["from_config", "scheduler_class"]

# A state dict's key for the settings of the schedule that saved it (paddle ignores it).
SETTINGS_KEY = "settings"
# Keys a config file may hold at its top level besides the schedule (the command's run length).
TOP_LEVEL_KEYS = ("steps",)
_HIDDEN = ("last_epoch", "verbose")
_MAX_DEPTH = 64
# A Python subclass overriding one of these computes its own values: its config would be wrong.
_SCHEDULE_METHODS = ("step", "__call__", "get_lr", "_get_closed_form_lr")
_NATIVE_METHOD_TYPES = (type(_lr.LRScheduler.__dict__["step"]), type(_lr.LRScheduler.__call__))
_DEFAULTS: dict[str, list[tuple[str, bool, Any]]] = {}
_PLAIN = (int, float, bool, str, type(None))


@functools.cache
def _classes() -> dict[str, type]:
    """The classes a config can name: fastwarmup's native ones (``fastwarmup.lr``,
    ``fastwarmup.ocr`` and the composites)."""
    from fastwarmup._compose import Chained, Sequential

    classes = {
        name: cls
        for name, cls in vars(_fastwarmup).items()
        if isinstance(cls, type) and issubclass(cls, _lr.LRScheduler)
    }
    return {**classes, "Sequential": Sequential, "Chained": Chained}


def scheduler_class(name: str) -> type:
    """The fastwarmup class a config's ``name`` refers to; ``KeyError`` if none."""
    cls = _classes().get(name)
    if cls is None or name == "LRScheduler":
        raise KeyError(name)
    return cls


def _native_class(sched: Any) -> type:
    classes = _classes()
    if classes.get(type(sched).__name__) is type(sched) and type(sched) is not _lr.LRScheduler:
        return type(sched)  # a fastwarmup class itself
    mro = type(sched).__mro__
    for i, cls in enumerate(mro):
        if classes.get(cls.__name__) is cls:
            for sub in mro[:i]:
                for method_name in _SCHEDULE_METHODS:
                    method = sub.__dict__.get(method_name)
                    if method is not None and not isinstance(method, _NATIVE_METHOD_TYPES):
                        raise TypeError(
                            f"{type(sched).__qualname__} overrides {method_name}: a config of "
                            f"its fastwarmup base class {cls.__name__} would give other values"
                        )
            if cls is _lr.LRScheduler:
                raise TypeError(f"{type(sched).__qualname__} is not a built-in schedule")
            return cls
    raise TypeError(f"{sched!r} is not a fastwarmup scheduler")


def _defaults(cls: type) -> list[tuple[str, bool, Any]]:
    """``(parameter, has a default, default)`` in signature order, cached."""
    found = _DEFAULTS.get(cls.__name__)
    if found is None:
        import inspect  # not at import: it costs `import fastwarmup` milliseconds

        params = inspect.signature(cls).parameters.values()
        found = [
            (p.name, p.default is not p.empty, p.default) for p in params if p.name not in _HIDDEN
        ]
        _DEFAULTS[cls.__name__] = found
    return found


def config_of(sched: Any, record: tuple[str, dict[str, Any]], depth: int = 0) -> dict[str, Any]:
    """``sched.to_config()``: from the construction ``record`` (class name, keyword arguments
    as given), defaults filled in. ``TypeError`` naming the argument that is not portable."""
    if depth > _MAX_DEPTH:
        raise TypeError(f"a schedule nested more than {_MAX_DEPTH} deep (nested in itself?)")
    cls = _native_class(sched)
    name, given = record
    config: dict[str, Any] = {"name": name}
    for key, has_default, default in _defaults(cls):
        if key in given:
            value = given[key]
        elif has_default:
            value = default
        else:
            continue
        config[key] = value if type(value) in _PLAIN else _portable(value, f"{name}.{key}", depth)
    return config


def _portable(item: Any, where: str, depth: int) -> Any:
    if type(item) in _PLAIN:
        return item
    if isinstance(item, _lr.LRScheduler):
        try:
            return item.to_config()
        except TypeError as error:
            raise TypeError(f"{where}: {error}") from None
    if isinstance(item, (list, tuple)):
        return [_portable(x, where, depth) for x in item]
    if item is None or isinstance(item, (bool, str)):
        return item
    if isinstance(item, numbers.Integral):
        return int(item)
    if isinstance(item, numbers.Real):
        return float(item)
    what = "a Python function" if callable(item) else "not a plain value"
    raise TypeError(f"{where} = {item!r} cannot be written in a config ({what})")


def from_config(config: Mapping[str, Any]) -> Any:
    """The scheduler a config describes, new, at its first step.

    ``config`` is ``{"name": class name, **constructor arguments}`` as ``to_config()`` returns
    it (or as the ``fastwarmup`` command reads it), a nested scheduler as a nested config. A
    top-level ``steps`` (the command's run length) is ignored. A name that is not a fastwarmup
    class goes to ``fastwarmup.get_scheduler`` (transformers' names) where it exists.

    Raises:
        TypeError: not a mapping with a ``name``, or an argument the class refuses.
        ValueError: an unknown name, or a value the class refuses.
    """
    return _build(config, 0)


def _build(config: Any, depth: int) -> Any:
    if not isinstance(config, Mapping) or not isinstance(config.get("name"), str):
        raise TypeError(f"a config is a mapping with a 'name', got {config!r}")
    if depth > _MAX_DEPTH:
        raise ValueError(f"a config nested more than {_MAX_DEPTH} deep")
    kwargs = {
        key: _value(item, depth)
        for key, item in config.items()
        if key != "name" and not (depth == 0 and key in TOP_LEVEL_KEYS)
    }
    name = config["name"]
    try:
        cls = scheduler_class(name)
    except KeyError:
        # transformers' names (``cosine``, ``warmup_stable_decay``, ...), where
        # fastwarmup.get_scheduler exists: ``{"name": ..., **get_scheduler's arguments}``.
        from fastwarmup._transformers_names import SCHEDULER_NAMES, get_scheduler

        if name not in SCHEDULER_NAMES:
            raise ValueError(f"unknown scheduler name {name!r} in a config") from None
        return get_scheduler(name, **kwargs)
    return cls(**kwargs)


def _value(item: Any, depth: int) -> Any:
    if isinstance(item, Mapping) and "name" in item:
        return _build(item, depth + 1)
    if isinstance(item, Mapping):  # an argument that is a mapping (scheduler_specific_kwargs)
        return {key: _value(x, depth) for key, x in item.items()}
    if isinstance(item, list):
        return [_value(x, depth) for x in item]
    return item


# ---------------------------------------------------------------------------------------------
# Checked resume


def settings(sched: Any) -> dict[str, Any] | None:
    """What ``state_dict()`` records under ``"settings"``: the config, or None when the
    schedule has none (a Python function, a foreign or overriding scheduler)."""
    try:
        return sched.to_config()  # type: ignore[no-any-return]
    except TypeError:
        return None


def differences(saved: Any, own: Any, path: str = "") -> list[str]:
    """The settings (dotted paths) in which two configs differ."""
    if isinstance(saved, Mapping) and isinstance(own, Mapping):
        if saved.get("name") != own.get("name"):
            return [f"{path}name" if path else "name"]
        out: list[str] = []
        for key in list(own) + [k for k in saved if k not in own]:
            out += differences(saved.get(key, _MISSING), own.get(key, _MISSING), f"{path}{key}.")
        return out
    nested = any(isinstance(x, Mapping) for x in [*_items(saved), *_items(own)])
    if nested and isinstance(saved, list) and isinstance(own, list) and len(saved) == len(own):
        out = []
        for i, (a, b) in enumerate(zip(saved, own, strict=True)):
            out += differences(a, b, f"{path[:-1]}[{i}].")
        return out
    if _same(saved, own):
        return []
    return [path[:-1]]


_MISSING = object()


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def without_settings(state: Any) -> Any:
    """A nested state dict without the settings in it (nor in its own nests): the outer
    check compared them already."""
    if not isinstance(state, dict) or not any(k in state for k in (SETTINGS_KEY, *_NESTS)):
        return state
    out = {k: v for k, v in state.items() if k != SETTINGS_KEY}
    if _NESTS[0] in out:
        out[_NESTS[0]] = without_settings(out[_NESTS[0]])
    if isinstance(out.get(_NESTS[1]), list):
        out[_NESTS[1]] = [without_settings(x) for x in out[_NESTS[1]]]
    return out


# Where nested state dicts are: a LinearWarmup's, a Sequential's or Chained's children.
_NESTS = ("LinearWarmup_LR", "schedulers")


def _same(a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    try:
        return bool(a == b)
    except Exception:
        return False


def check(sched: Any, state: Any, strict: bool) -> bool:
    """``set_state_dict``'s check of the saved settings against ``sched``'s own: a
    ``UserWarning`` naming each differing setting, ``ValueError`` with ``strict``. Silent when
    either side has no settings (a paddle state dict). True when settings were compared."""
    if not isinstance(state, Mapping):
        return False
    saved = state.get(SETTINGS_KEY)
    if not isinstance(saved, Mapping):
        return False
    own = settings(sched)
    if own is None:
        return False
    names = differences(saved, own)
    if names:
        listed = ", ".join(
            f"{n} (saved {_at(saved, n)!r}, this scheduler {_at(own, n)!r})" for n in names
        )
        message = (
            f"loading a state dict saved by a {saved.get('name')} with other settings into a "
            f"{own.get('name')}: {listed}"
        )
        if strict:
            raise ValueError(message)
        warnings.warn(message, UserWarning, stacklevel=3)
    return True


def _at(config: Any, path: str) -> Any:
    node = config
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part[1:-1])
            node = node[index] if isinstance(node, list) and index < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node
