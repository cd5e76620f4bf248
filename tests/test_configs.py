"""Portable configs (``to_config()`` / ``fastwarmup.from_config``) and checked resume.

- every class (``fastwarmup.lr``, ``fastwarmup.ocr``, ``fastwarmup.paddle.lr``) and random
  nestings: ``from_config(to_config(s))`` has the same config, and with ``s``'s state dict the
  same values (``precompute``, ``==``); the config survives JSON and YAML;
- what has no portable form (a Python function, a foreign scheduler, an overriding subclass)
  raises ``TypeError`` naming the argument;
- ``state_dict()`` records the settings; loading into a scheduler built with one setting
  changed warns naming that setting, raises with ``strict=True``; a paddle dict is silent;
  paddle loads fastwarmup's dicts (ignoring the settings with its unused-values warning).
"""

from __future__ import annotations

import json
import math
import random
import warnings

import numpy as np
import pytest

from fastwarmup import from_config, lr

from _configs import ALL_CLASSES, build, random_configs
from _libs import SEED

# One sample per class, written as configs (so from_config is exercised on hand-written ones).
SAMPLES: dict[str, dict] = {
    "NoamDecay": {"name": "NoamDecay", "d_model": 64, "warmup_steps": 10, "learning_rate": 1.0},
    "PiecewiseDecay": {"name": "PiecewiseDecay", "boundaries": [3, 6], "values": [0.1, 0.05, 0.01]},
    "NaturalExpDecay": {"name": "NaturalExpDecay", "learning_rate": 0.1, "gamma": 0.5},
    "InverseTimeDecay": {"name": "InverseTimeDecay", "learning_rate": 0.1, "gamma": 0.5},
    "PolynomialDecay": {
        "name": "PolynomialDecay",
        "learning_rate": 0.1,
        "decay_steps": 20,
        "power": 0.9,
        "cycle": True,
    },
    "LinearWarmup": {
        "name": "LinearWarmup",
        "learning_rate": 0.1,
        "warmup_steps": 5,
        "start_lr": 0.0,
        "end_lr": 0.1,
    },
    "ExponentialDecay": {"name": "ExponentialDecay", "learning_rate": 0.1, "gamma": 0.9},
    "MultiStepDecay": {
        "name": "MultiStepDecay",
        "learning_rate": 0.1,
        "milestones": [3, 6],
        "gamma": 0.5,
    },
    "StepDecay": {"name": "StepDecay", "learning_rate": 0.1, "step_size": 3, "gamma": 0.5},
    "ReduceOnPlateau": {"name": "ReduceOnPlateau", "learning_rate": 0.1, "patience": 2},
    "CosineAnnealingDecay": {
        "name": "CosineAnnealingDecay",
        "learning_rate": 0.1,
        "T_max": 10,
        "eta_min": 0.001,
    },
    "OneCycleLR": {"name": "OneCycleLR", "max_learning_rate": 0.1, "total_steps": 50},
    "CyclicLR": {
        "name": "CyclicLR",
        "base_learning_rate": 0.01,
        "max_learning_rate": 0.1,
        "step_size_up": 5,
    },
    "LinearLR": {"name": "LinearLR", "learning_rate": 0.1, "total_steps": 10},
    "CosineAnnealingWarmRestarts": {
        "name": "CosineAnnealingWarmRestarts",
        "learning_rate": 0.1,
        "T_0": 5,
        "T_mult": 2,
    },
    "CyclicalCosineDecay": {
        "name": "CyclicalCosineDecay",
        "learning_rate": 0.1,
        "T_max": 40,
        "cycle": 10,
    },
    "OneCycleDecay": {
        "name": "OneCycleDecay",
        "max_lr": 0.1,
        "epochs": 3,
        "steps_per_epoch": 20,
    },
    "TwoStepCosineDecay": {
        "name": "TwoStepCosineDecay",
        "learning_rate": 0.1,
        "T_max1": 20,
        "T_max2": 40,
    },
}
# The warm-up schedules beyond paddle (transformers' get_scheduler names).
SAMPLES["WarmupLinearDecay"] = {
    "name": "WarmupLinearDecay",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "total_steps": 60,
}
SAMPLES["WarmupCosineDecay"] = {
    "name": "WarmupCosineDecay",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "total_steps": 60,
    "num_cycles": 0.5,
    "min_lr": None,
    "min_lr_ratio": 0.1,
}
SAMPLES["CosineWithHardRestarts"] = {
    "name": "CosineWithHardRestarts",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "total_steps": 60,
    "num_cycles": 2,
}
SAMPLES["WarmupPolynomialDecay"] = {
    "name": "WarmupPolynomialDecay",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "total_steps": 60,
    "lr_end": 1e-07,
    "power": 2.0,
}
SAMPLES["ConstantWithWarmup"] = {
    "name": "ConstantWithWarmup",
    "learning_rate": 0.1,
    "warmup_steps": 5,
}
SAMPLES["InverseSqrtDecay"] = {
    "name": "InverseSqrtDecay",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "timescale": 7,
}
SAMPLES["CosineWarmupWithMinLR"] = {
    "name": "CosineWarmupWithMinLR",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "total_steps": 60,
    "num_cycles": 0.5,
    "min_lr": 0.001,
    "min_lr_ratio": None,
    "warmup_lr_ratio": None,
}
SAMPLES["WarmupStableDecay"] = {
    "name": "WarmupStableDecay",
    "learning_rate": 0.1,
    "warmup_steps": 5,
    "stable_steps": 35,
    "decay_steps": 20,
    "warmup_type": "linear",
    "decay_type": "1-sqrt",
    "min_lr_ratio": 0.1,
    "num_cycles": 0.5,
}
SAMPLES["Sequential"] = {
    "name": "Sequential",
    "schedulers": [SAMPLES["ExponentialDecay"], SAMPLES["StepDecay"]],
    "milestones": [4],
}
SAMPLES["Chained"] = {
    "name": "Chained",
    "schedulers": [SAMPLES["CosineAnnealingDecay"], SAMPLES["StepDecay"]],
}
NESTED = {
    "name": "LinearWarmup",
    "warmup_steps": 4,
    "start_lr": 0.0,
    "end_lr": 0.1,
    "learning_rate": {
        "name": "LinearWarmup",
        "warmup_steps": 3,
        "start_lr": 0.1,
        "end_lr": 0.2,
        "learning_rate": SAMPLES["PolynomialDecay"],
    },
}
# Classes whose arguments include a Python function: no portable config.
FUNCTION_CLASSES = ("LRScheduler", "LambdaDecay", "MultiplicativeDecay")


def advance(sched, n: int = 7) -> None:
    for i in range(n):
        if type(sched).__name__ == "ReduceOnPlateau":
            sched.step(1.0 + (i % 3))
        else:
            sched.step()


def assert_round_trip(sched, n: int = 300) -> dict:
    """``sched``'s config rebuilds a scheduler that, with ``sched``'s state, is ``sched``."""
    config = sched.to_config()
    assert json.loads(json.dumps(config)) == config
    again = from_config(config)
    assert again.to_config() == config
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same settings: loading is silent
        again.set_state_dict(sched.state_dict())
    assert again.state_dict() == sched.state_dict()
    if isinstance(sched, lr.ReduceOnPlateau):
        assert again() == sched()
    else:
        for length in (n, 30, 5):
            a, b = values(again, length), values(sched, length)
            assert type(a) is type(b) and (a == b if isinstance(a, str) else np.array_equal(a, b))
    return config


def values(sched, n: int):
    """``precompute(n)``, or the error it raises past a ``total_steps``."""
    try:
        return sched.precompute(n)
    except ValueError as error:
        return str(error)


def test_samples_cover_every_class() -> None:
    from fastwarmup import _config

    portable = set(ALL_CLASSES) - set(FUNCTION_CLASSES)
    portable |= {"CyclicalCosineDecay", "OneCycleDecay", "TwoStepCosineDecay"}
    portable |= {"Sequential", "Chained"}
    assert portable <= set(SAMPLES)
    # every class a config can name has a sample (a new class needs one here)
    assert set(SAMPLES) == set(_config._classes()) - set(FUNCTION_CLASSES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_round_trip_every_class(name: str) -> None:
    sched = from_config(SAMPLES[name])
    assert type(sched).__name__ == name
    config = sched.to_config()
    # the sample's arguments, the other ones filled in with their defaults
    assert {k: v for k, v in config.items() if k in SAMPLES[name]} == SAMPLES[name]
    assert "last_epoch" not in config and "verbose" not in config
    for steps in (0, 1, 9):
        sched = from_config(SAMPLES[name])
        advance(sched, steps)
        assert_round_trip(sched)


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - {"ReduceOnPlateau"}))
def test_round_trip_nested(name: str) -> None:
    config = {
        **NESTED,
        "learning_rate": {**NESTED["learning_rate"], "learning_rate": SAMPLES[name]},
    }
    sched = from_config(config)
    assert sched.to_config()["learning_rate"]["learning_rate"]["name"] == name
    for _ in range(3):
        advance(sched, 3)
        assert_round_trip(sched)


def test_yaml() -> None:
    yaml = pytest.importorskip("yaml")
    sched = from_config(NESTED)
    advance(sched, 5)
    config = sched.to_config()
    assert yaml.safe_load(yaml.safe_dump(config)) == config
    again = from_config(yaml.safe_load(yaml.safe_dump(config)))
    again.set_state_dict(sched.state_dict())
    assert np.array_equal(again.precompute(100), sched.precompute(100))


def test_the_command_reads_the_same_format(tmp_path) -> None:
    """A config written to a file is a ``fastwarmup`` command spec (``steps`` is the command's
    own top-level key; from_config ignores it)."""
    yaml = pytest.importorskip("yaml")
    from fastwarmup.cli import spec

    config = from_config(NESTED).to_config()
    path = tmp_path / "schedule.yml"
    path.write_text(yaml.safe_dump({**config, "steps": 50}))
    loaded = spec.load(str(path), step_each_epoch=None, steps=None)
    assert loaded.scheduler.to_config() == config
    assert from_config({**config, "steps": 50}).to_config() == config
    assert np.array_equal(loaded.scheduler.precompute(50), from_config(config).precompute(50))


def test_paddle_classes() -> None:
    """``fastwarmup.paddle.lr``'s classes are described as their ``fastwarmup.lr`` classes."""
    pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as fpl

    sched = fpl.LinearWarmup(fpl.CosineAnnealingDecay(0.1, 100), 10, 0.0, 0.1)
    advance(sched, 12)
    config = assert_round_trip(sched)
    assert config["learning_rate"]["name"] == "CosineAnnealingDecay"
    for name, sample in SAMPLES.items():
        cls = getattr(fpl, name, None)
        if cls is None or name in ("Sequential", "Chained"):  # (test_composition.py)
            continue
        kwargs = {k: v for k, v in sample.items() if k != "name"}
        sched = cls(**kwargs)
        advance(sched, 3)
        assert assert_round_trip(sched) == from_config(sample).to_config()


def portable(cfg) -> bool:
    """Whether a random configuration has a portable config (no function anywhere)."""
    node = cfg
    while node is not None:
        if node.cls in FUNCTION_CLASSES or callable(node.kwargs.get("scale_fn")):
            return False
        node = node.inner
    return True


def test_random_nestings() -> None:
    configs = random_configs(SEED + 12, 250, list(ALL_CLASSES), foreign_p=0.0)
    checked = refused = 0
    for cfg in configs:
        sched = build(cfg, lr, lr)
        if not portable(cfg):
            with pytest.raises(TypeError, match=r"lr_lambda|scale_fn|overrides|not a built-in"):
                sched.to_config()
            assert "settings" not in sched.state_dict()
            refused += 1
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # verbose lines aside, OneCycleLR's caps
            try:
                advance(sched, random.Random(repr(cfg)).randint(0, 20))
            except ValueError:
                continue  # stepped past OneCycleLR's total_steps
        assert_round_trip(sched, 200)
        checked += 1
    assert checked > 100 and refused > 10


def test_not_portable_names_the_argument(plr) -> None:
    with pytest.raises(TypeError, match=r"LambdaDecay\.lr_lambda .*Python function"):
        lr.LambdaDecay(0.1, lambda e: 0.9**e).to_config()
    with pytest.raises(TypeError, match=r"LinearWarmup\.learning_rate"):
        lr.LinearWarmup(plr.CosineAnnealingDecay(0.1, 10), 5, 0.0, 0.1).to_config()
    with pytest.raises(TypeError, match=r"LinearWarmup\.learning_rate: .*lr_lambda"):
        lr.LinearWarmup(lr.MultiplicativeDecay(0.1, lambda e: 0.9), 5, 0.0, 0.1).to_config()

    class Override(lr.PolynomialDecay):
        def get_lr(self):
            return 0.5

    class Plain(lr.PolynomialDecay):
        pass

    with pytest.raises(TypeError, match="overrides get_lr"):
        Override(0.1, 10).to_config()
    assert Plain(0.1, 10).to_config() == lr.PolynomialDecay(0.1, 10).to_config()


def test_from_config_errors() -> None:
    with pytest.raises(TypeError, match="mapping with a 'name'"):
        from_config([1, 2])
    with pytest.raises(TypeError, match="mapping with a 'name'"):
        from_config({"learning_rate": 0.1})
    with pytest.raises(ValueError, match="unknown scheduler name 'Nope'"):
        from_config({"name": "Nope"})
    with pytest.raises(TypeError, match="decay_step"):
        from_config({"name": "PolynomialDecay", "learning_rate": 0.1, "decay_step": 10})


# ---------------------------------------------------------------------------------------------
# Checked resume


def changed(value):
    """Another valid-looking value of a setting's type, or None."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * 0.5 if value else 0.25
    if isinstance(value, list) and value:
        return [*value[:-1], changed(value[-1])]
    if not isinstance(value, str):
        return None
    return {
        "min": "max",
        "rel": "abs",
        "cos": "linear",
        "triangular": "triangular2",
        "cycle": "iterations",
        "linear": "cosine",
        "1-sqrt": "cosine",
    }.get(value)


def test_each_setting_changed_alone_is_named() -> None:
    tried = 0
    for sample in SAMPLES.values():
        saved = from_config(sample)
        advance(saved, 3)
        state = saved.state_dict()
        assert state["settings"] == saved.to_config()
        full = saved.to_config()
        for key, value in full.items():
            new = changed(value)
            if key == "name" or new is None:
                continue
            try:
                other = from_config({**full, key: new})
            except (ValueError, TypeError):
                continue  # the class refuses this change on its own
            tried += 1
            with pytest.warns(UserWarning, match=rf"\b{key} \(saved ") as caught:
                other.set_state_dict(state)
            message = str(caught[0].message)
            assert message.count("(saved ") == 1, message
            assert other.last_epoch == saved.last_epoch  # loaded nonetheless
            again = from_config({**full, key: new})
            before = again.state_dict()
            with pytest.raises(ValueError, match=rf"\b{key} \(saved "):
                again.set_state_dict(state, strict=True)
            assert again.state_dict() == before  # refused: unchanged
    assert tried >= 40


def test_nested_setting_is_named_once() -> None:
    saved = from_config(NESTED)
    advance(saved, 9)
    config = saved.to_config()
    config["learning_rate"]["learning_rate"]["decay_steps"] = 30
    config["warmup_steps"] = 5
    other = from_config(config)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other.set_state_dict(saved.state_dict())
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert "learning_rate.learning_rate.decay_steps (saved 20, this scheduler 30)" in messages[0]
    assert "warmup_steps (saved 4, this scheduler 5)" in messages[0]
    with pytest.raises(ValueError, match="decay_steps"):
        from_config(config).set_state_dict(saved.state_dict(), strict=True)
    # the nested dict carries the nest's settings too
    assert saved.state_dict()["LinearWarmup_LR"]["settings"] == saved.learning_rate.to_config()
    # set_dict takes strict as well
    with pytest.raises(ValueError, match="warmup_steps"):
        from_config(config).set_dict(saved.state_dict(), strict=True)


def test_class_change_is_named() -> None:
    saved = from_config(SAMPLES["ExponentialDecay"])
    other = from_config(SAMPLES["NaturalExpDecay"])
    with pytest.warns(UserWarning, match=r"\bname \(saved 'ExponentialDecay'"):
        other.set_state_dict(saved.state_dict())


def test_paddle_dicts_are_silent_and_paddle_loads_ours(plr) -> None:
    for name, sample in SAMPLES.items():
        cls = getattr(plr, name, None)
        if cls is None:
            continue
        kwargs = {k: v for k, v in sample.items() if k != "name"}
        pd, fw = cls(**kwargs), from_config(sample)
        advance(pd, 4)
        advance(fw, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fw.set_state_dict(pd.state_dict(), strict=True)
        assert fw() == pd()
        # paddle ignores the settings (its warning about unused values), and continues alike
        again = cls(**kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            again.set_state_dict(fw.state_dict())
        assert again.last_epoch == fw.last_epoch and again() == fw()
        # (paddle's CosineAnnealingWarmRestarts does not restore T_cur/T_i: the README's note)
        if name not in ("ReduceOnPlateau", "CosineAnnealingWarmRestarts"):
            for _ in range(5):
                again.step()
                fw.step()
                assert again() == fw() or (math.isnan(again()) and math.isnan(fw()))


def test_no_settings_without_a_config() -> None:
    sched = lr.LambdaDecay(0.1, lambda e: 0.5)
    assert "settings" not in sched.state_dict()
    other = lr.LambdaDecay(0.2, lambda e: 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        other.set_state_dict(sched.state_dict(), strict=True)
        # a dict with settings loads silently into a schedule that has none to compare
        other.set_state_dict(from_config(SAMPLES["ExponentialDecay"]).state_dict())


def test_transformers_names() -> None:
    """A config may name a schedule by transformers' ``get_scheduler`` name and arguments; the
    scheduler built describes itself by its fastwarmup class, which round-trips."""
    from fastwarmup import get_scheduler

    config = {
        "name": "cosine",
        "learning_rate": 0.1,
        "num_warmup_steps": 10,
        "num_training_steps": 100,
    }
    sched = from_config(config)
    reference = get_scheduler("cosine", 0.1, num_warmup_steps=10, num_training_steps=100)
    assert np.array_equal(sched.precompute(120), reference.precompute(120))
    advance(sched, 15)
    assert_round_trip(sched)
    wsd = from_config(
        {
            "name": "warmup_stable_decay",
            "learning_rate": 0.1,
            "num_warmup_steps": 10,
            "num_training_steps": 100,
            "scheduler_specific_kwargs": {"num_decay_steps": 30, "decay_type": "cosine"},
        }
    )
    advance(wsd, 50)
    assert_round_trip(wsd)
