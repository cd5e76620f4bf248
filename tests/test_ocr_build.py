"""fastwarmup.ocr's config layer (``build_lr_scheduler``, ``from_yaml``) against PaddleOCR.

The reference below is PaddleOCR's ``ppocr/optimizer`` transcribed: ``build_lr_scheduler``,
the classes of ``learning_rate.py`` (one method each: its ``__init__`` and ``__call__``) and
the three schedulers of ``lr_scheduler.py`` (subclasses of paddle's ``LRScheduler``, as there;
shared with ``test_ocr_schedulers`` in ``_ppocr_reference``).
Its ``lr`` module is a parameter: on ``paddle.optimizer.lr`` it is PaddleOCR as it is, on
``fastwarmup.paddle.lr`` it is PaddleOCR with its ``from paddle.optimizer import lr`` line
changed. Learning rates are compared with ``==`` at every step of the run and a few past it.
"""

from __future__ import annotations

import copy
import functools
import math
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from _libs import paddle_lr
from _ppocr_reference import reference

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "configs"
FAMILIES = ("fastwarmup.lr", "fastwarmup.paddle.lr")
STEPS_PER_EPOCH = (1, 3, 7, 50)
EPOCHS = 6


# ---------------------------------------------------------------------------------------------
# The reference: PaddleOCR's ppocr/optimizer, transcribed


def paddleocr_schedulers() -> SimpleNamespace:
    """``ppocr/optimizer/lr_scheduler.py``: PaddleOCR's own schedulers, on paddle's base."""
    return reference(paddle_lr().LRScheduler)


class PaddleOCRLearningRate:
    """``ppocr/optimizer/learning_rate.py`` with its ``lr`` module given: each method is one
    class (its ``__init__`` arguments, then what its ``__call__`` returns)."""

    def __init__(self, lr: ModuleType) -> None:
        self.lr = lr
        self.ocr = paddleocr_schedulers()

    def _warm(self, schedule, warmup_steps, end_lr, last_epoch, start_lr=0.0):
        if warmup_steps > 0:
            return self.lr.LinearWarmup(
                learning_rate=schedule,
                warmup_steps=warmup_steps,
                start_lr=start_lr,
                end_lr=end_lr,
                last_epoch=last_epoch,
            )
        return schedule

    def Linear(
        self,
        learning_rate,
        epochs,
        step_each_epoch,
        end_lr=0.0,
        power=1.0,
        warmup_epoch=0,
        last_epoch=-1,
        **kwargs,
    ):
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.lr.PolynomialDecay(
            learning_rate=learning_rate,
            decay_steps=epochs * step_each_epoch,
            end_lr=end_lr,
            power=power,
            last_epoch=last_epoch,
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)

    def Cosine(
        self, learning_rate, step_each_epoch, epochs, warmup_epoch=0, last_epoch=-1, **kwargs
    ):
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.lr.CosineAnnealingDecay(
            learning_rate=learning_rate, T_max=step_each_epoch * epochs, last_epoch=last_epoch
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)

    def LinearWarmupCosine(
        self,
        learning_rate,
        step_each_epoch,
        epochs,
        warmup_steps=5000,
        start_lr=1e-5,
        min_lr=1e-8,
        last_epoch=-1,
        **kwargs,
    ):
        peak = float(learning_rate)
        t_max = step_each_epoch * epochs
        start, floor = float(start_lr), float(min_lr)
        decay = self.lr.CosineAnnealingDecay(
            learning_rate=peak, T_max=t_max, eta_min=floor, last_epoch=last_epoch
        )
        return self._warm(decay, warmup_steps, peak, last_epoch, start_lr=start)

    def Step(
        self,
        learning_rate,
        step_size,
        step_each_epoch,
        gamma,
        warmup_epoch=0,
        last_epoch=-1,
        **kwargs,
    ):
        size = step_each_epoch * step_size
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.lr.StepDecay(
            learning_rate=learning_rate, step_size=size, gamma=gamma, last_epoch=last_epoch
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)

    def Piecewise(
        self, step_each_epoch, decay_epochs, values, warmup_epoch=0, last_epoch=-1, **kwargs
    ):
        boundaries = [step_each_epoch * e for e in decay_epochs]
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.lr.PiecewiseDecay(boundaries=boundaries, values=values, last_epoch=last_epoch)
        return self._warm(decay, warmup, values[0], last_epoch)

    def CyclicalCosine(
        self, learning_rate, step_each_epoch, epochs, cycle, warmup_epoch=0, last_epoch=-1, **kwargs
    ):
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.ocr.CyclicalCosineDecay(
            learning_rate=learning_rate,
            T_max=step_each_epoch * epochs,
            cycle=round(cycle * step_each_epoch),
            last_epoch=last_epoch,
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)

    def OneCycle(
        self,
        max_lr,
        epochs,
        step_each_epoch,
        anneal_strategy="cos",
        three_phase=False,
        warmup_epoch=0,
        last_epoch=-1,
        **kwargs,
    ):
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.ocr.OneCycleDecay(
            max_lr=max_lr,
            epochs=epochs,
            steps_per_epoch=step_each_epoch,
            anneal_strategy=anneal_strategy,
            three_phase=three_phase,
            last_epoch=last_epoch,
        )
        return self._warm(decay, warmup, max_lr, last_epoch)

    def Const(self, learning_rate, step_each_epoch, warmup_epoch=0, last_epoch=-1, **kwargs):
        warmup = round(warmup_epoch * step_each_epoch)
        return self._warm(learning_rate, warmup, learning_rate, last_epoch)

    def DecayLearningRate(
        self, learning_rate, step_each_epoch, epochs, factor=0.9, end_lr=0, **kwargs
    ):
        return self.lr.PolynomialDecay(
            learning_rate=learning_rate,
            decay_steps=step_each_epoch * epochs,
            power=factor,
            end_lr=0,
        )

    def MultiStepDecay(
        self,
        learning_rate,
        milestones,
        step_each_epoch,
        gamma,
        warmup_epoch=0,
        last_epoch=-1,
        **kwargs,
    ):
        steps = [step_each_epoch * e for e in milestones]
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.lr.MultiStepDecay(
            learning_rate=learning_rate, milestones=steps, gamma=gamma, last_epoch=last_epoch
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)

    def TwoStepCosine(
        self, learning_rate, step_each_epoch, epochs, warmup_epoch=0, last_epoch=-1, **kwargs
    ):
        warmup = round(warmup_epoch * step_each_epoch)
        decay = self.ocr.TwoStepCosineDecay(
            learning_rate=learning_rate,
            T_max1=step_each_epoch * 200,
            T_max2=step_each_epoch * epochs,
            last_epoch=last_epoch,
        )
        return self._warm(decay, warmup, learning_rate, last_epoch)


def paddleocr_build(lr_config: Any, epochs: Any, step_each_epoch: Any, lr: ModuleType) -> Any:
    """``ppocr.optimizer.build_lr_scheduler`` after ``build_optimizer``'s deep copy."""
    lr_config = copy.deepcopy(lr_config)
    lr_config.update({"epochs": epochs, "step_each_epoch": step_each_epoch})
    name = lr_config.pop("name", "Const")
    return getattr(PaddleOCRLearningRate(lr), name)(**lr_config)


def paddleocr_load(path: Path) -> dict:
    """``tools/program.py``'s ``load_config``: PyYAML's full loader."""
    import yaml

    with open(path, "rb") as stream:
        return yaml.load(stream, Loader=yaml.Loader)


# ---------------------------------------------------------------------------------------------
# Runs


def trace(schedule: Any, n: int) -> tuple:
    """The learning rate at each of ``n`` steps (stopping at a ``ValueError`` of ``step()``,
    OneCycle's past its end); a float stays a float."""
    if isinstance(schedule, float):
        return ("float", schedule)
    if not callable(schedule):
        return ("not a float", schedule)  # paddle's optimizers refuse it
    values = []
    for _ in range(n):
        values.append(schedule())
        try:
            schedule.step()
        except ValueError:
            return ("stopped", values)
    return ("ran", values)


def run_length(epochs: int, steps: int) -> int:
    """The training run (``epochs * steps``), then three more epochs and two steps."""
    return (epochs + 3) * steps + 2


@functools.cache
def reference_trace(lr_name: str, case: str, warmup: str, steps: int) -> tuple:
    lr = paddle_lr() if lr_name == "paddle" else _fastwarmup_paddle_lr()
    config, epochs = lr_config(case, warmup)
    return trace(paddleocr_build(config, epochs, steps, lr), run_length(epochs, steps))


def _fastwarmup_paddle_lr() -> ModuleType:
    from fastwarmup.paddle import lr

    return lr


# ---------------------------------------------------------------------------------------------
# Every name, with and without warm-up, at several steps per epoch

CASES: dict[str, dict[str, Any]] = {
    "Linear": {"name": "Linear", "learning_rate": 0.001, "end_lr": 1.0e-5, "power": 0.9},
    "Linear-defaults": {"name": "Linear", "learning_rate": 0.002},
    "Cosine": {"name": "Cosine", "learning_rate": 0.001, "eta_min": 0.5},  # eta_min: not read
    "Cosine-last_epoch": {"name": "Cosine", "learning_rate": 0.001, "last_epoch": 4},
    # UniMERNet's section: strings (YAML 1.1 '1e-4') go through float(); warmup_epoch not read
    "LinearWarmupCosine": {
        "name": "LinearWarmupCosine",
        "learning_rate": "1e-4",
        "start_lr": "1e-5",
        "min_lr": 1.0e-8,
    },
    "LinearWarmupCosine-5-steps": {
        "name": "LinearWarmupCosine",
        "learning_rate": 0.001,
        "warmup_steps": 5,
    },
    "LinearWarmupCosine-no-warmup": {
        "name": "LinearWarmupCosine",
        "learning_rate": 0.001,
        "warmup_steps": 0,
    },
    "Step": {"name": "Step", "learning_rate": 0.001, "step_size": 2, "gamma": 0.5},
    "Piecewise": {
        "name": "Piecewise",
        "decay_epochs": [2, 4.5],
        "values": [0.01, 0.005, 0.001, 9.0],  # more values than needed: paddle takes them
    },
    "CyclicalCosine": {"name": "CyclicalCosine", "learning_rate": 0.001, "cycle": 2},
    "CyclicalCosine-fractional": {"name": "CyclicalCosine", "learning_rate": 0.001, "cycle": 1.5},
    "OneCycle": {"name": "OneCycle", "max_lr": 0.01, "learning_rate": "ignored"},
    "OneCycle-linear-three-phase": {
        "name": "OneCycle",
        "max_lr": 0.01,
        "anneal_strategy": "linear",
        "three_phase": True,
        "pct_start": 0.1,  # not read: OneCycleDecay keeps its 0.3
    },
    "Const": {"name": "Const", "learning_rate": 0.001},
    "no-name": {"learning_rate": 0.001},
    "Const-int-lr": {"name": "Const", "learning_rate": 1},  # a float is required without warm-up
    "DecayLearningRate": {
        "name": "DecayLearningRate",
        "learning_rate": 0.001,
        "factor": 0.9,
        "end_lr": "not read",
    },
    "MultiStepDecay": {
        "name": "MultiStepDecay",
        "learning_rate": 0.001,
        "milestones": [1, 3.5],
        "gamma": 0.1,
    },
    "TwoStepCosine": {"name": "TwoStepCosine", "learning_rate": 0.001, "epochs": 203},
}
WARMUPS: dict[str, dict[str, Any]] = {
    "no-warmup": {},
    "warmup-2": {"warmup_epoch": 2},
    "warmup-0.5": {"warmup_epoch": 0.5},  # round(0.5 * 1) == 0: no warm-up at 1 step per epoch
}
GRID = [
    pytest.param(case, warmup, steps, id=f"{case}-{warmup}-{steps}")
    for case in CASES
    for warmup in WARMUPS
    for steps in STEPS_PER_EPOCH
]


def lr_config(case: str, warmup: str) -> tuple[dict[str, Any], int]:
    """The lr section of a case with a warm-up variant, and its epochs (the config's
    ``epochs`` key shows the epochs a case needs; the builder replaces it anyway)."""
    config = {**CASES[case], **WARMUPS[warmup]}
    return config, config.get("epochs", EPOCHS)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("case", "warmup", "steps"), GRID)
def test_build_equals_paddleocr(plr, family: str, case: str, warmup: str, steps: int) -> None:
    from fastwarmup.ocr import build_lr_scheduler

    config, epochs = lr_config(case, warmup)
    expected = reference_trace("paddle", case, warmup, steps)
    if expected[0] == "not a float":  # Const's int without warm-up: PaddleOCR cannot train
        with pytest.raises(TypeError, match=r"lr\.learning_rate"):
            build_lr_scheduler(config, epochs, steps, schedulers=family)
        return
    built = build_lr_scheduler(config, epochs, steps, schedulers=family)
    if family == "fastwarmup.paddle.lr" and not isinstance(built, float):
        assert isinstance(built, plr.LRScheduler)  # paddle's optimizers take it
    assert trace(built, run_length(epochs, steps)) == expected


@pytest.mark.parametrize(("case", "warmup", "steps"), GRID)
def test_paddleocr_with_fastwarmup_paddle_lr_trains_the_same(
    plr, case: str, warmup: str, steps: int
) -> None:
    """PaddleOCR with ``from fastwarmup.paddle import lr`` in learning_rate.py."""
    expected = reference_trace("paddle", case, warmup, steps)
    assert reference_trace("fastwarmup.paddle", case, warmup, steps) == expected


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "config", [{"name": "Const", "learning_rate": 0.25}, {"learning_rate": 0.25}]
)
def test_const_without_warmup_is_the_float(family: str, config: dict) -> None:
    from fastwarmup.ocr import build_lr_scheduler

    built = build_lr_scheduler(config, 3, 7, schedulers=family)
    assert type(built) is float and built == 0.25


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_is_not_mutated(case: str) -> None:
    from fastwarmup.ocr import build_lr_scheduler

    config, epochs = lr_config(case, "warmup-2")
    config["epochs"], config["step_each_epoch"] = 999, 999
    before = copy.deepcopy(config)
    build_lr_scheduler(config, epochs, 3)
    assert config == before


def test_schedulers_takes_the_module_objects(plr) -> None:
    from fastwarmup import lr
    from fastwarmup.ocr import build_lr_scheduler
    from fastwarmup.paddle import lr as paddle_family

    config = {"name": "Cosine", "learning_rate": 0.1, "warmup_epoch": 1}
    assert type(build_lr_scheduler(config, 5, 2, schedulers=lr)) is lr.LinearWarmup
    built = build_lr_scheduler(config, 5, 2, schedulers=paddle_family)
    assert type(built) is paddle_family.LinearWarmup
    assert isinstance(built, plr.LinearWarmup)


@pytest.mark.parametrize("schedulers", ["paddle.optimizer.lr", "torch", "fastwarmup", 3, None, sys])
def test_schedulers_refuses_anything_else(schedulers: object) -> None:
    from fastwarmup.ocr import build_lr_scheduler

    with pytest.raises(ValueError, match="schedulers"):
        build_lr_scheduler({"learning_rate": 0.1}, 5, 2, schedulers=schedulers)


# ---------------------------------------------------------------------------------------------
# Mistakes: one TypeError/ValueError naming the key, where PaddleOCR fails too


def paddleocr_fails(config: Any, epochs: Any, steps: Any) -> bool:
    """Whether PaddleOCR fails on this section: building it, when paddle's optimizer takes it
    (a float or a scheduler only), or in the first 200 steps."""
    plr = paddle_lr()
    try:
        built = paddleocr_build(config, epochs, steps, plr)
        if not isinstance(built, (float, plr.LRScheduler)):
            raise TypeError("paddle's optimizer refuses it")
        trace(built, 200)
    except Exception:
        return True
    return False


def assert_one_error(error: BaseException) -> None:
    """Nothing chained: the traceback shows this error only."""
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


LR = {"name": "Cosine", "learning_rate": 0.1}
MISTAKES = {
    "unknown-name": ({**LR, "name": "Cosin"}, 5, 3, ValueError, ["lr.name", "'Cosin'"]),
    "name-not-a-string": ({**LR, "name": 3}, 5, 3, TypeError, ["lr.name"]),
    "name-empty": ({**LR, "name": None}, 5, 3, TypeError, ["lr.name"]),
    "section-not-a-mapping": (0.001, 5, 3, TypeError, ["lr"]),
    "string-lr": ({**LR, "learning_rate": "1e-4"}, 5, 3, TypeError, ["lr.learning_rate", "1.0e-4"]),
    "word-lr": ({**LR, "learning_rate": "fast"}, 5, 3, TypeError, ["lr.learning_rate"]),
    "missing-lr": ({"name": "Cosine"}, 5, 3, TypeError, ["lr.learning_rate", "missing"]),
    "negative-lr": ({**LR, "learning_rate": -0.1}, 5, 3, ValueError, ["lr.learning_rate"]),
    "const-string-lr": ({"learning_rate": "1e-3"}, 5, 3, TypeError, ["lr.learning_rate"]),
    "const-int-lr": ({"learning_rate": 1}, 5, 3, TypeError, ["lr.learning_rate", "float"]),
    "const-string-lr-warmup": (
        {"learning_rate": "1e-3", "warmup_epoch": 1},
        5,
        3,
        TypeError,
        ["lr.learning_rate"],
    ),
    "string-warmup": ({**LR, "warmup_epoch": "1"}, 5, 3, TypeError, ["lr.warmup_epoch"]),
    "nan-warmup": ({**LR, "warmup_epoch": math.nan}, 5, 3, ValueError, ["lr.warmup_epoch"]),
    "inf-warmup": ({**LR, "warmup_epoch": math.inf}, 5, 3, ValueError, ["lr.warmup_epoch"]),
    "zero-epochs": (LR, 0, 3, ValueError, ["epochs * step_each_epoch", "T_max"]),
    "string-epochs": (LR, "10", 3, TypeError, ["epochs"]),
    "float-steps": (LR, 5, 2.0, TypeError, ["step_each_epoch"]),
    "string-last_epoch": ({**LR, "last_epoch": "x"}, 5, 3, TypeError, ["lr.last_epoch"]),
    "step-no-gamma": (
        {"name": "Step", "learning_rate": 0.1, "step_size": 2},
        5,
        3,
        TypeError,
        ["lr.gamma", "missing"],
    ),
    "step-string-size": (
        {"name": "Step", "learning_rate": 0.1, "step_size": "2", "gamma": 0.5},
        5,
        3,
        TypeError,
        ["lr.step_size"],
    ),
    "step-fractional-size": (
        {"name": "Step", "learning_rate": 0.1, "step_size": 1.5, "gamma": 0.5},
        5,
        3,
        TypeError,
        ["lr.step_size * step_each_epoch"],
    ),
    "step-gamma-above-1": (
        {"name": "Step", "learning_rate": 0.1, "step_size": 2, "gamma": 1.5},
        5,
        3,
        ValueError,
        ["lr.gamma"],
    ),
    "piecewise-short-values": (
        {"name": "Piecewise", "decay_epochs": [2, 4], "values": [0.1, 0.01]},
        5,
        3,
        ValueError,
        ["lr.values", "lr.decay_epochs"],
    ),
    "piecewise-no-boundaries": (
        {"name": "Piecewise", "decay_epochs": [], "values": [0.1]},
        5,
        3,
        ValueError,
        ["lr.decay_epochs"],
    ),
    "piecewise-not-a-list": (
        {"name": "Piecewise", "decay_epochs": 2, "values": [0.1, 0.01]},
        5,
        3,
        TypeError,
        ["lr.decay_epochs"],
    ),
    "piecewise-string-element": (
        {"name": "Piecewise", "decay_epochs": [2, "x"], "values": [0.1, 0.01, 0.001]},
        5,
        3,
        TypeError,
        ["lr.decay_epochs[1]"],
    ),
    "piecewise-string-value": (
        {"name": "Piecewise", "decay_epochs": [2], "values": ["1e-3", 0.01], "warmup_epoch": 1},
        5,
        3,
        TypeError,
        ["lr.values[0]"],
    ),
    "multistep-decreasing": (
        {"name": "MultiStepDecay", "learning_rate": 0.1, "milestones": [3, 2], "gamma": 0.1},
        5,
        3,
        ValueError,
        ["lr.milestones"],
    ),
    "onecycle-learning_rate": (
        {"name": "OneCycle", "learning_rate": 0.1},
        5,
        3,
        TypeError,
        ["lr.max_lr"],
    ),
    "onecycle-bad-strategy": (
        {"name": "OneCycle", "max_lr": 0.1, "anneal_strategy": "cosine"},
        5,
        3,
        ValueError,
        ["lr.anneal_strategy"],
    ),
    "cyclical-zero-cycle": (
        {"name": "CyclicalCosine", "learning_rate": 0.1, "cycle": 0.1},
        5,
        3,
        ValueError,
        ["lr.cycle"],
    ),
    "lwc-word-lr": (
        {"name": "LinearWarmupCosine", "learning_rate": "fast"},
        5,
        3,
        ValueError,
        ["lr.learning_rate"],
    ),
    "lwc-float-warmup-steps": (
        {"name": "LinearWarmupCosine", "learning_rate": 1e-4, "warmup_steps": 50.0},
        5,
        3,
        TypeError,
        ["lr.warmup_steps"],
    ),
    "lwc-string-warmup-steps": (
        {"name": "LinearWarmupCosine", "learning_rate": 1e-4, "warmup_steps": "50"},
        5,
        3,
        TypeError,
        ["lr.warmup_steps"],
    ),
}


@pytest.mark.parametrize(
    ("config", "epochs", "steps", "error", "named"),
    [pytest.param(*case, id=name) for name, case in MISTAKES.items()],
)
def test_mistakes_fail_once_naming_the_key(
    plr, config: Any, epochs: Any, steps: Any, error: type, named: list[str]
) -> None:
    from fastwarmup.ocr import build_lr_scheduler

    assert paddleocr_fails(config, epochs, steps), "PaddleOCR takes this config"
    for family in FAMILIES:
        with pytest.raises(error) as raised:
            build_lr_scheduler(config, epochs, steps, schedulers=family)
        assert_one_error(raised.value)
        for fragment in named:
            assert fragment in str(raised.value)


def test_const_int_lr_trains_in_paddleocr_only_with_warmup(plr) -> None:
    assert paddleocr_fails({"learning_rate": 1}, 5, 3)
    assert not paddleocr_fails({"learning_rate": 1, "warmup_epoch": 1}, 5, 3)


# ---------------------------------------------------------------------------------------------
# from_yaml


def from_yaml_equals_paddleocr(path: Path, steps: int, family: str) -> None:
    from fastwarmup.ocr import from_yaml

    config = paddleocr_load(path)
    epochs = config["Global"]["epoch_num"]
    expected = trace(
        paddleocr_build(config["Optimizer"]["lr"], epochs, steps, paddle_lr()),
        run_length(epochs, steps),
    )
    built = from_yaml(path, steps, schedulers=family)
    assert trace(built, run_length(epochs, steps)) == expected


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("steps", [1, 7])
@pytest.mark.parametrize("example", ["det_db_warmup.yml", "rec_svtr_warmup.yml"])
def test_examples_equal_paddleocr(plr, example: str, steps: int, family: str) -> None:
    from_yaml_equals_paddleocr(EXAMPLES / example, steps, family)


def test_examples_use_warmup_and_anchors() -> None:
    for example in ("det_db_warmup.yml", "rec_svtr_warmup.yml"):
        text = (EXAMPLES / example).read_text()
        assert "warmup_epoch:" in text and "&" in text and "*" in text


GOOD_YAML = {
    "anchors": """
        Global:
          epoch_num: &epochs 8
          base_lr: &base_lr 5.0e-4
        Optimizer:
          name: Adam
          lr: &lr
            name: Cosine
            learning_rate: *base_lr
            warmup_epoch: 1.5
        Shadow:
          lr: *lr
          epochs: *epochs
    """,
    "merge-key": """
        defaults: &linear
          name: Linear
          learning_rate: 0.001
          power: 2
        Global: {epoch_num: 4}
        Optimizer:
          name: AdamW
          lr:
            <<: *linear
            warmup_epoch: 0.5
            epochs: 1000  # replaced by Global.epoch_num
    """,
    "string-numbers-float": """
        Global: {epoch_num: 3}
        Optimizer:
          lr:
            name: LinearWarmupCosine
            learning_rate: 1e-4
            start_lr: 1e-5
            min_lr: 1e-8
            warmup_steps: 4
    """,
    "no-lr-name": """
        Global: {epoch_num: 3}
        Optimizer:
          lr: {learning_rate: 0.001, warmup_epoch: 1}
    """,
}


def write(tmp_path: Path, text: str, name: str = "train.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("text", list(GOOD_YAML.values()), ids=list(GOOD_YAML))
def test_from_yaml_equals_paddleocr(plr, tmp_path: Path, text: str, family: str) -> None:
    from_yaml_equals_paddleocr(write(tmp_path, text), 3, family)


BAD_YAML = {
    "unknown-name": (
        "Global: {epoch_num: 3}\nOptimizer: {lr: {name: Cosinus, learning_rate: 0.1}}",
        ValueError,
        "Optimizer.lr.name",
    ),
    "missing-epoch_num": (
        "Global: {use_gpu: false}\nOptimizer: {lr: {name: Cosine, learning_rate: 0.1}}",
        ValueError,
        "Global.epoch_num",
    ),
    "missing-Global": (
        "Optimizer: {lr: {name: Cosine, learning_rate: 0.1}}",
        ValueError,
        "Global",
    ),
    "string-epoch_num": (
        "Global: {epoch_num: ten}\nOptimizer: {lr: {name: Cosine, learning_rate: 0.1}}",
        TypeError,
        "Global.epoch_num",
    ),
    "zero-epoch_num": (
        "Global: {epoch_num: 0}\nOptimizer: {lr: {name: Cosine, learning_rate: 0.1}}",
        ValueError,
        "Global.epoch_num * step_each_epoch",
    ),
    "missing-lr": (
        "Global: {epoch_num: 3}\nOptimizer: {name: Adam}",
        ValueError,
        "Optimizer.lr",
    ),
    "missing-Optimizer": ("Global: {epoch_num: 3}", ValueError, "Optimizer"),
    "empty-lr": ("Global: {epoch_num: 3}\nOptimizer: {lr: }", TypeError, "Optimizer.lr"),
    "wrong-list-lengths": (
        "Global: {epoch_num: 3}\n"
        "Optimizer: {lr: {name: Piecewise, decay_epochs: [1, 2], values: [0.1, 0.01]}}",
        ValueError,
        "Optimizer.lr.values",
    ),
    "yaml-1.1-string-lr": (
        "Global: {epoch_num: 3}\nOptimizer: {lr: {name: Cosine, learning_rate: 1e-4}}",
        TypeError,
        "Optimizer.lr.learning_rate",
    ),
    "non-number-lr": (
        "Global: {epoch_num: 3}\nOptimizer: {lr: {name: Linear, learning_rate: [0.1]}}",
        TypeError,
        "Optimizer.lr.learning_rate",
    ),
    "not-a-mapping": ("- just\n- a list\n", ValueError, "mapping"),
    "empty-file": ("", ValueError, "mapping"),
    "invalid-yaml": ("Global: {epoch_num: 3\nOptimizer: [", ValueError, "YAML"),
}


@pytest.mark.parametrize(
    ("text", "error", "key"), [pytest.param(*case, id=name) for name, case in BAD_YAML.items()]
)
def test_from_yaml_mistakes_name_file_and_key(
    tmp_path: Path, text: str, error: type, key: str
) -> None:
    from fastwarmup.ocr import from_yaml

    path = write(tmp_path, text, "mistake.yml")
    with pytest.raises(error) as raised:
        from_yaml(path, 5)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and key in message
    assert_one_error(raised.value)


def test_from_yaml_missing_file(tmp_path: Path) -> None:
    from fastwarmup.ocr import from_yaml

    path = tmp_path / "nowhere.yml"
    with pytest.raises(FileNotFoundError, match=r"nowhere\.yml"):
        from_yaml(path, 5)
    with pytest.raises(FileNotFoundError, match=r"nowhere\.yml"):
        from_yaml(str(path), 5)


def test_from_yaml_checks_its_arguments_first(tmp_path: Path) -> None:
    from fastwarmup.ocr import from_yaml

    with pytest.raises(ValueError, match="schedulers"):
        from_yaml(tmp_path / "nowhere.yml", 5, schedulers="torch")
    with pytest.raises(TypeError, match="step_each_epoch"):
        from_yaml(tmp_path / "nowhere.yml", 5.0)


def test_from_yaml_without_pyyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastwarmup.ocr import from_yaml

    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    with pytest.raises(ImportError, match=r"pip install 'fastwarmup\[ocr\]'"):
        from_yaml(write(tmp_path, GOOD_YAML["no-lr-name"]), 5)


def test_import_needs_neither_paddle_nor_yaml() -> None:
    code = (
        "import sys, fastwarmup.ocr; "
        "print(sorted(m for m in ('paddle', 'yaml') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
