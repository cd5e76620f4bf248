"""SPEC: the one way every command reads a schedule.

A SPEC is one of:

- a PaddleOCR training config (a YAML mapping with ``Global.epoch_num`` and ``Optimizer.lr``),
  built by :func:`fastwarmup.ocr.from_yaml` for ``--step-each-epoch`` steps per epoch; the run
  is ``epoch_num * step_each_epoch`` steps;
- a fastwarmup spec (YAML or JSON): a mapping with ``name`` (a class of :mod:`fastwarmup.lr`
  or PaddleOCR's three in :mod:`fastwarmup.ocr`) and that class's keyword arguments; a nested
  mapping with a ``name`` is a nested scheduler (``learning_rate: {name: PolynomialDecay,
  ...}``), to any depth; the top level may also give ``steps`` (the run length);
- an expression such as ``LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0), 100, 0.0,
  0.1)``, read with :mod:`ast` (never ``eval``): calls of scheduler names (bare, or as
  ``lr.X`` / ``paddle.optimizer.lr.X``) with literal arguments only (numbers, strings,
  ``True``/``False``/``None``, lists and tuples of them, and nested calls).

Without a SPEC, the built-in example (a detection-shaped PaddleOCR config shipped in this
package) is read. Anything unusable raises :class:`SpecError` with one line naming the file
and key, or the expression's column.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NoReturn

DEFAULT_STEP_EACH_EPOCH = 100
BUILTIN_NAME = "example_det.yml"
_OCR_NAMES = ("CyclicalCosineDecay", "OneCycleDecay", "TwoStepCosineDecay")
# Classes a spec cannot build: they need a Python function (not a literal), or do nothing.
_UNBUILDABLE = {"LRScheduler", "LambdaDecay", "MultiplicativeDecay"}
_MODULE_PREFIXES = {
    "lr",
    "fastwarmup.lr",
    "paddle.optimizer.lr",
    "optimizer.lr",
    "ocr",
    "fastwarmup.ocr",
}
_TOP_LEVEL_KEYS = ("steps",)
_MAX_DEPTH = 32


class SpecError(Exception):
    """Input that cannot be used, or a command that cannot do what was asked: the message is
    one line naming what and where (the command exits with status 2)."""


def fail(message: str) -> NoReturn:
    raise SpecError(message)


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise SpecError(
            "reading YAML needs PyYAML: pip install 'fastwarmup[cli]' (or pip install pyyaml)"
        ) from None
    return yaml


def builtin_path() -> str:
    """The path of the built-in example config."""
    return str(resources.files("fastwarmup.cli").joinpath(BUILTIN_NAME))


@dataclass
class Node:
    """One scheduler of a fastwarmup spec or expression: what its constructor gets, and where
    that came from (``path``: the key path, ``column``: the expression's column)."""

    name: str
    args: list[Any]
    kwargs: dict[str, Any]
    path: str = ""
    column: int | None = None
    columns: dict[str, int] = field(default_factory=dict)

    def key(self, arg: str) -> str:
        return f"{self.path}.{arg}" if self.path else arg


@dataclass
class Spec:
    """A schedule as a command reads it."""

    text: str  # as given on the command line ("" for the built-in example)
    label: str  # a short name for titles and legends
    source: str  # where messages point: a file path, or "expression"
    kind: str  # "paddleocr", "fastwarmup" or "expression"
    scheduler: Any  # as built: a scheduler, or a float (PaddleOCR's Const without warm-up)
    steps: int  # the run length
    step_each_epoch: int | None  # known for PaddleOCR configs, or given on the command line
    config: Any = None  # the parsed file
    node: Node | None = None  # the spec tree (fastwarmup specs and expressions)
    epochs: int | None = None  # Global.epoch_num (PaddleOCR)
    steps_given: bool = False  # steps set by --steps or the spec, not inferred

    def epoch_of(self, step: float) -> float | None:
        return None if not self.step_each_epoch else step / self.step_each_epoch


def scheduler_class(name: str) -> type:
    """The class a spec name refers to: a name fastwarmup.from_config takes."""
    from fastwarmup import _config

    if name in _UNBUILDABLE:
        raise KeyError(name)
    return _config.scheduler_class(name)


def known_names() -> list[str]:
    from fastwarmup import lr

    return sorted([n for n in lr.__all__ if n not in _UNBUILDABLE] + list(_OCR_NAMES))


def _unknown_name(name: str) -> str:
    from fastwarmup import lr

    if name in _UNBUILDABLE and name in lr.__all__:
        return f"{name} cannot be built from a spec (it needs a Python function or a subclass)"
    close = difflib.get_close_matches(name, known_names(), n=1)
    hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(known_names())})"
    return f"unknown scheduler {name!r}{hint}"


# ---------------------------------------------------------------------------------------------
# Files


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SpecError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError as error:
        raise SpecError(f"{path}: not a text file ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise SpecError(f"{path}: cannot read: {error.strerror}") from None


def parse_file(path: str) -> Any:
    """The parsed YAML or JSON file (JSON by the ``.json`` extension, YAML otherwise)."""
    text = _read_text(path)
    if path.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(
                f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
            ) from None
    yaml = _yaml()
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SpecError(f"{where}: invalid YAML: {problem}") from None


def yaml_lines(path: str) -> dict[str, int]:
    """Key path -> line number (1-based) of each mapping key in a YAML file, for messages;
    empty when the file cannot be composed (the caller has already parsed it)."""
    if path.lower().endswith(".json"):
        return {}
    try:
        yaml = _yaml()
        with open(path, encoding="utf-8") as stream:
            root = yaml.compose(stream, Loader=yaml.SafeLoader)
    except Exception:
        return {}
    lines: dict[str, int] = {}

    def walk(node: Any, prefix: str, depth: int) -> None:
        if depth > 64 or node is None:
            return
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue
                path_ = f"{prefix}.{key.value}" if prefix else str(key.value)
                lines.setdefault(path_, key.start_mark.line + 1)
                walk(value, path_, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                path_ = f"{prefix}[{index}]"
                lines.setdefault(path_, item.start_mark.line + 1)
                walk(item, path_, depth + 1)

    walk(root, "", 0)
    return lines


def is_paddleocr(config: Any) -> bool:
    return isinstance(config, dict) and ("Optimizer" in config or "Global" in config)


def _load_paddleocr(
    path: str, config: dict[str, Any], text: str, label: str, step_each_epoch: int
) -> Spec:
    try:
        from fastwarmup.ocr import from_yaml
    except ImportError as error:
        raise SpecError(
            f"{path}: reading a PaddleOCR config needs fastwarmup.ocr: {error}"
        ) from None
    try:
        scheduler = from_yaml(path, step_each_epoch)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except (TypeError, ValueError, KeyError, ZeroDivisionError, OverflowError) as error:
        message = str(error)
        if not message.startswith(path):
            message = f"{path}: {message}"
        raise SpecError(message) from None
    epochs = config["Global"]["epoch_num"]
    return Spec(
        text=text,
        label=label,
        source=path,
        kind="paddleocr",
        scheduler=scheduler,
        steps=epochs * step_each_epoch,
        step_each_epoch=step_each_epoch,
        config=config,
        epochs=epochs,
    )


def _node_from_mapping(value: dict[str, Any], path: str, source: str, depth: int) -> Node:
    if depth > _MAX_DEPTH:
        raise SpecError(f"{source}: {path}: nested more than {_MAX_DEPTH} deep")
    name = value.get("name")
    where = f"{path}.name" if path else "name"
    if not isinstance(name, str):
        raise SpecError(f"{source}: {where}: must be a scheduler name, got {name!r}")
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if key == "name" or (depth == 0 and key in _TOP_LEVEL_KEYS):
            continue
        if not isinstance(key, str):
            raise SpecError(f"{source}: {path or 'top level'}: keys must be strings, got {key!r}")
        child = f"{path}.{key}" if path else key
        kwargs[key] = _spec_value(item, child, source, depth)
    return Node(name=name, args=[], kwargs=kwargs, path=path)


def _spec_value(item: Any, path: str, source: str, depth: int) -> Any:
    if isinstance(item, dict):
        if "name" in item:
            return _node_from_mapping(item, path, source, depth + 1)
        raise SpecError(
            f"{source}: {path}: a mapping here must be a nested scheduler with a 'name' key"
        )
    if isinstance(item, list):
        return [_spec_value(x, f"{path}[{i}]", source, depth + 1) for i, x in enumerate(item)]
    return item


def _load_fastwarmup(path: str, config: dict[str, Any], text: str, label: str) -> Spec:
    node = _node_from_mapping(config, "", path, 0)
    steps = config.get("steps")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise SpecError(f"{path}: steps: must be a positive int, got {steps!r}")
    scheduler = build(node, path)
    return Spec(
        text=text,
        label=label,
        source=path,
        kind="fastwarmup",
        scheduler=scheduler,
        steps=steps or 0,
        step_each_epoch=None,
        config=config,
        node=node,
        steps_given=steps is not None,
    )


# ---------------------------------------------------------------------------------------------
# Expressions


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        parts = [func.attr]
        value = func.value
        while isinstance(value, ast.Attribute):
            parts.append(value.attr)
            value = value.value
        if isinstance(value, ast.Name):
            parts.append(value.id)
            prefix = ".".join(reversed(parts[1:]))
            if prefix in _MODULE_PREFIXES:
                return func.attr
            raise SpecError(
                f"expression, column {func.col_offset + 1}: {prefix}.{func.attr}: only "
                "scheduler names (or lr.<name>) can be called"
            )
    raise SpecError(
        f"expression, column {func.col_offset + 1}: only scheduler names can be called, "
        f"got {ast.unparse(func)}"
    )


def _literal(node: ast.expr, path: str, depth: int) -> Any:
    column = node.col_offset + 1
    if depth > _MAX_DEPTH:
        raise SpecError(f"expression, column {column}: nested more than {_MAX_DEPTH} deep")
    if isinstance(node, ast.Call):
        return _call(node, path, depth + 1)
    if isinstance(node, ast.Constant) and (
        node.value is None or isinstance(node.value, (bool, int, float, str))
    ):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        value = node.operand.value
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(x, f"{path}[{i}]", depth + 1) for i, x in enumerate(node.elts)]
    if isinstance(node, ast.Name) and node.id in ("inf", "nan"):
        return float(node.id)
    raise SpecError(
        f"expression, column {column}: {ast.unparse(node)!s}: only numbers, strings, "
        "True/False/None, lists and scheduler calls are allowed"
    )


def _call(node: ast.Call, path: str, depth: int) -> Node:
    name = _callee(node.func)
    column = node.col_offset + 1
    try:
        cls = scheduler_class(name)
    except KeyError:
        raise SpecError(f"expression, column {column}: {_unknown_name(name)}") from None
    params = [p for p in inspect.signature(cls).parameters if p not in ("self",)]
    result = Node(name=name, args=[], kwargs={}, path=path, column=column)
    for index, arg in enumerate(node.args):
        if isinstance(arg, ast.Starred):
            raise SpecError(f"expression, column {arg.col_offset + 1}: *arguments are not allowed")
        param = params[index] if index < len(params) else f"argument {index + 1}"
        child = f"{path}.{param}" if path else param
        result.args.append(_literal(arg, child, depth))
        result.columns[param] = arg.col_offset + 1
    for keyword in node.keywords:
        if keyword.arg is None:
            raise SpecError(
                f"expression, column {keyword.value.col_offset + 1}: **arguments are not allowed"
            )
        child = f"{path}.{keyword.arg}" if path else keyword.arg
        result.kwargs[keyword.arg] = _literal(keyword.value, child, depth)
        result.columns[keyword.arg] = keyword.value.col_offset + 1
    return result


def parse_expression(text: str) -> Node:
    """The call tree of an expression, checked: names and literal arguments only."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        column = f", column {error.offset}" if error.offset else ""
        raise SpecError(f"expression{column}: invalid syntax ({error.msg})") from None
    body = tree.body
    if isinstance(body, ast.Name):
        try:
            scheduler_class(body.id)
        except KeyError:
            raise SpecError(
                f"{text}: no such file, and not a scheduler expression ({_unknown_name(body.id)})"
            ) from None
        raise SpecError(f"expression: {body.id} needs its arguments, e.g. {body.id}(...)")
    if not isinstance(body, ast.Call):
        raise SpecError(
            f"expression, column {body.col_offset + 1}: expected a scheduler call such as "
            "PolynomialDecay(0.1, 1000), got " + ast.unparse(body)
        )
    return _call(body, "", 0)


# ---------------------------------------------------------------------------------------------
# Building


_LEADING_WORD = re.compile(r"[A-Za-z_]\w*")


def _error_key(node: Node, cls: type, message: str) -> str | None:
    """The argument an error message is about: the parameter name it starts with, else the
    first given argument it mentions."""
    params = list(inspect.signature(cls).parameters)
    given = list(node.kwargs) + params[: len(node.args)]
    leading = _LEADING_WORD.match(message)
    if leading and leading.group() in given:
        return leading.group()
    for name in given:
        if re.search(rf"\b{re.escape(name)}\b", message):
            return name
    return None


def _number_hint(node: Node, cls: type, key: str | None) -> str:
    if key is None:
        return ""
    params = list(inspect.signature(cls).parameters)
    value = node.kwargs.get(key)
    if key in params[: len(node.args)]:
        value = node.args[params.index(key)]
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return (
            f" (YAML 1.1 reads a number like {value}, without a dot, as a string: "
            "write it with a dot, e.g. 1.0e-4)"
        )
    return ""


def build(node: Node, source: str) -> Any:
    """The scheduler a spec tree describes; a constructor's error names the key (or column)."""
    try:
        cls = scheduler_class(node.name)
    except KeyError:
        where = _where(source, node, "name" if source != "expression" else None)
        raise SpecError(f"{where}: {_unknown_name(node.name)}") from None

    def value(item: Any) -> Any:
        if isinstance(item, Node):
            return build(item, source)
        if isinstance(item, list):
            return [value(x) for x in item]
        return item

    args = [value(a) for a in node.args]
    kwargs = {k: value(v) for k, v in node.kwargs.items()}
    try:
        return cls(*args, **kwargs)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        key = _error_key(node, cls, message)
        hint = _number_hint(node, cls, key)
        raise SpecError(f"{_where(source, node, key)}: {node.name}: {message}{hint}") from None


def _where(source: str, node: Node, key: str | None) -> str:
    if source == "expression":
        column = node.columns.get(key, node.column) if key else node.column
        return f"expression, column {column}" if column else "expression"
    return f"{source}: {node.key(key) if key else (node.path or 'top level')}"


# ---------------------------------------------------------------------------------------------
# The entry point


def _looks_like_path(text: str) -> bool:
    return (
        os.sep in text
        or "/" in text
        or text.lower().endswith((".yml", ".yaml", ".json"))
        or text.startswith(".")
    )


def load(text: str | None, *, step_each_epoch: int | None, steps: int | None) -> Spec:
    """Reads one SPEC (``None``: the built-in example) into a built schedule and its run
    length. ``step_each_epoch`` (None: the default) applies to PaddleOCR configs, and to any
    spec for an epoch axis; ``steps`` overrides the run length."""
    from fastwarmup.cli import schedule

    per_epoch = step_each_epoch or DEFAULT_STEP_EACH_EPOCH
    if text is None:
        path = builtin_path()
        spec = _load_file(path, "", f"built-in example ({BUILTIN_NAME})", per_epoch)
    elif os.path.exists(text):
        spec = _load_file(text, text, os.path.basename(text), per_epoch)
    elif "(" in text or (_LEADING_WORD.fullmatch(text.strip()) and not _looks_like_path(text)):
        node = parse_expression(text)
        spec = Spec(
            text=text,
            label=text.strip(),
            source="expression",
            kind="expression",
            scheduler=build(node, "expression"),
            steps=0,
            step_each_epoch=None,
            node=node,
        )
    else:
        raise SpecError(f"{text}: no such file")
    if spec.kind != "paddleocr" and step_each_epoch:
        spec.step_each_epoch = step_each_epoch
    if steps is not None:
        spec.steps = steps
        spec.steps_given = True
    elif spec.steps <= 0:
        spec.steps = schedule.natural_length(spec.scheduler)
    return spec


def _load_file(path: str, text: str, label: str, step_each_epoch: int) -> Spec:
    config = parse_file(path)
    if is_paddleocr(config):
        return _load_paddleocr(path, config, text, label, step_each_epoch)
    if isinstance(config, dict) and "name" in config:
        return _load_fastwarmup(path, config, text, label)
    if isinstance(config, dict):
        raise SpecError(
            f"{path}: neither a PaddleOCR config (Global.epoch_num and Optimizer.lr) nor a "
            "fastwarmup spec (a mapping with a scheduler 'name')"
        )
    kind = "empty" if config is None else type(config).__name__
    raise SpecError(
        f"{path}: expected a mapping (a PaddleOCR config or a fastwarmup spec), got {kind}"
    )
