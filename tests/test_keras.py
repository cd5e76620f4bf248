"""``fastwarmup.keras.LearningRateSchedule`` against real Keras 3 (jax backend here, torch in a
subprocess): ``model.fit`` reads the schedule's value (the nearest float32) at every step; the
saved model (``model.save("m.keras")``) loads back with the same schedule and continues; the
config is plain JSON for every class a spec can describe, and refused with ``TypeError`` for
the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fastwarmup import lr

from _configs import ALL_CLASSES, build, cap, initial_epoch, random_configs, walk
from _libs import SEED

# Keras reads its backend once, at import: jax (tensorflow is not a test dependency).
os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
from fastwarmup.keras import LearningRateSchedule, schedule_from_spec, schedule_spec  # noqa: E402

# Keras 3.15's variables and model.save call np.array on objects whose __array__ predates
# NumPy 2's copy keyword: NumPy's DeprecationWarning, from Keras itself.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

NUM_STEPS = 40
BATCHES = 8  # per epoch
EPOCHS = 3


def seed_schedule():
    return lr.LinearWarmup(lr.PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 10, 0.0, 0.1)


def float32_table(sched, n: int) -> np.ndarray:
    return sched.precompute(n, dtype=np.float32)


class RecordLearningRate(keras.callbacks.Callback):
    """The optimizer's step count and learning rate before each batch."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, float]] = []

    def on_train_batch_begin(self, batch, logs=None):
        optimizer = self.model.optimizer
        self.seen.append((_number(optimizer.iterations), _number(optimizer.learning_rate)))


def _number(value):
    """A Keras variable or tensor as a NumPy scalar of its dtype."""
    if isinstance(value, keras.Variable):
        value = value.value  # the backend's array (NumPy warns about the variable's __array__)
    return keras.ops.convert_to_numpy(value)[()]


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCHES * 8, 4)).astype("float32")
    return x, np.sin(x.sum(axis=1, keepdims=True))


def make_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize("optimizer", ["SGD", "AdamW"])
def test_fit_save_load_continue(optimizer, tmp_path):
    """``fit`` for a few epochs: at every step the optimizer's lr is the table's; the loaded
    model's schedule has the same config and table, and ``fit`` continues where it was."""
    schedule = LearningRateSchedule(seed_schedule(), NUM_STEPS)
    model = make_model(getattr(keras.optimizers, optimizer)(learning_rate=schedule))
    x, y = data()
    record = RecordLearningRate()
    model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, callbacks=[record])
    table = float32_table(seed_schedule(), NUM_STEPS)
    steps = BATCHES * EPOCHS
    assert record.seen == [(k, table[k]) for k in range(steps)]

    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    restored = loaded.optimizer._learning_rate
    assert isinstance(restored, LearningRateSchedule)
    assert restored.get_config() == schedule.get_config()
    assert np.array_equal(restored.table, schedule.table)
    assert _number(loaded.optimizer.iterations) == steps
    assert _number(loaded.optimizer.learning_rate) == table[steps]

    record = RecordLearningRate()
    loaded.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[record])
    # Two more epochs run past the 40-step table: the last value holds.
    want = [(k, table[min(k, NUM_STEPS - 1)]) for k in range(steps, steps + 2 * BATCHES)]
    assert record.seen == want


def test_values_at_and_past_the_table():
    sched = seed_schedule()
    for _ in range(5):  # the table starts at the schedule's current step
        sched.step()
    schedule = LearningRateSchedule(sched, NUM_STEPS)
    table = float32_table(sched, NUM_STEPS)
    steps = np.arange(NUM_STEPS + 10)
    got = keras.ops.convert_to_numpy(schedule(steps))
    assert got.dtype == np.float32
    assert np.array_equal(got, table[np.minimum(steps, NUM_STEPS - 1)])
    assert np.array_equal(table, sched.precompute(NUM_STEPS).astype(np.float32))
    assert np.isnan(keras.ops.convert_to_numpy(schedule(-1)))
    # The config is the schedule as the table was made: stepping it later changes neither.
    config = schedule.get_config()
    sched.step()
    assert schedule.get_config() == config
    assert config["state"]["last_epoch"] == 5


def _describable(config) -> bool:
    """No Python function and no user subclass anywhere in the tree."""
    for node in walk(config):
        if node.sub or node.cls in ("LambdaDecay", "MultiplicativeDecay"):
            return False
        if node.cls == "CyclicLR" and callable(node.kwargs.get("scale_fn")):
            return False
    return True


@pytest.mark.parametrize(
    "config",
    random_configs(SEED, 150, list(ALL_CLASSES), foreign_p=0.0, verbose_p=0.0),
    ids=lambda c: c.short,
)
def test_config_round_trips_through_json(config):
    """Every class and nesting, stepped a little: the config survives JSON and rebuilds the
    same table; a schedule a spec cannot describe is refused when saving, and only then."""
    sched = build(config, lr, None)
    limit = cap(config)
    room = None if limit is None else limit - initial_epoch(config)
    for _ in range(3 if room is None else min(3, room)):
        if config.cls == "ReduceOnPlateau":
            sched.step(1.0)
        else:
            sched.step()
    n = 30 if room is None else max(1, min(30, room - 2))
    schedule = LearningRateSchedule(sched, n)
    assert np.array_equal(schedule.table, sched.precompute(n, dtype=np.float32))
    if not _describable(config):
        with pytest.raises(TypeError, match="cannot save this schedule"):
            schedule.get_config()
        return
    config_json = json.dumps(schedule.get_config())
    again = LearningRateSchedule.from_config(json.loads(config_json))
    assert np.array_equal(again.table, schedule.table)
    assert again.get_config() == schedule.get_config()
    assert np.array_equal(again.schedule.precompute(n), sched.precompute(n))


def test_spec_format():
    sched = seed_schedule()
    spec = schedule_spec(sched)
    assert spec == {
        "name": "LinearWarmup",
        "learning_rate": {
            "name": "PolynomialDecay",
            "learning_rate": 0.1,
            "decay_steps": 1000,
            "end_lr": 0.0,
            "power": 0.9,
            "cycle": False,
        },
        "warmup_steps": 10,
        "start_lr": 0.0,
        "end_lr": 0.1,
    }
    rebuilt = schedule_from_spec(spec)
    assert type(rebuilt) is lr.LinearWarmup
    assert np.array_equal(rebuilt.precompute(2000), sched.precompute(2000))


def _round_trip(sched, n: int = 100) -> dict:
    for _ in range(4):
        sched.step()
    schedule = LearningRateSchedule(sched, n)
    config = json.loads(json.dumps(schedule.get_config()))
    again = LearningRateSchedule.from_config(config)
    assert np.array_equal(again.table, schedule.table)
    assert np.array_equal(again.table, sched.precompute(n, dtype=np.float32))
    return config


def test_paddleocr_schedulers_round_trip():
    from fastwarmup import ocr

    for sched in (
        ocr.CyclicalCosineDecay(0.1, 50, cycle=3),
        ocr.OneCycleDecay(0.1, epochs=3, steps_per_epoch=40),
        lr.LinearWarmup(ocr.TwoStepCosineDecay(0.1, 30, 60), 5, 0.0, 0.1),
    ):
        _round_trip(sched)


def test_fastwarmup_paddle_schedulers_round_trip():
    """``fastwarmup.paddle.lr``'s classes (paddle schedulers on fastwarmup's kernels) are
    described as their ``fastwarmup.lr`` classes, with the same values."""
    pytest.importorskip("paddle")
    from fastwarmup.paddle import lr as fpl

    config = _round_trip(fpl.LinearWarmup(fpl.CosineAnnealingDecay(0.1, 100), 10, 0.0, 0.1))
    assert config["schedule"]["learning_rate"]["name"] == "CosineAnnealingDecay"


def test_subclasses():
    class Plain(lr.PolynomialDecay):
        """Overrides nothing: described as its fastwarmup base class."""

    class Override(lr.PolynomialDecay):
        def get_lr(self):
            return 0.5

    plain = Plain(0.1, 100, power=2.0)
    assert schedule_spec(plain)["name"] == "PolynomialDecay"
    again = LearningRateSchedule.from_config(LearningRateSchedule(plain, 50).get_config())
    assert np.array_equal(again.table, plain.precompute(50, dtype=np.float32))
    with pytest.raises(TypeError, match="overrides get_lr"):
        schedule_spec(Override(0.1, 100))
    with pytest.raises(TypeError, match="lr_lambda"):
        schedule_spec(lr.LinearWarmup(lr.LambdaDecay(0.1, lambda e: 0.5), 10, 0.0, 0.1))


def test_argument_errors():
    with pytest.raises(TypeError, match="fastwarmup scheduler"):
        LearningRateSchedule(0.1, 10)
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        LearningRateSchedule(seed_schedule(), 0)
    with pytest.raises(TypeError, match="num_steps must be an int"):
        LearningRateSchedule(seed_schedule(), 2.5)
    with pytest.raises(ValueError, match="unknown scheduler name"):
        schedule_from_spec({"name": "Nope"})


TORCH_BACKEND = textwrap.dedent(
    """
    import os
    os.environ["KERAS_BACKEND"] = "torch"
    import numpy as np, keras
    from fastwarmup import lr
    from fastwarmup.keras import LearningRateSchedule
    sched = lr.LinearWarmup(lr.CosineAnnealingDecay(0.1, 100), 5, 0.0, 0.1)
    schedule = LearningRateSchedule(sched, 30)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse")
    x = np.ones((32, 3), "float32")
    model.fit(x, x[:, :1], batch_size=8, epochs=2, verbose=0)
    table = sched.precompute(30, dtype=np.float32)
    assert np.float32(model.optimizer.learning_rate) == table[8]
    model.save({path!r})
    loaded = keras.saving.load_model({path!r})
    assert np.array_equal(loaded.optimizer._learning_rate.table, table)
    assert np.float32(loaded.optimizer.learning_rate) == table[8]
    print(keras.backend.backend(), "ok")
    """
)


def test_torch_backend_in_a_subprocess(tmp_path):
    pytest.importorskip("torch")
    code = TORCH_BACKEND.format(path=str(tmp_path / "m.keras"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "torch ok"


def test_missing_keras_is_one_import_error_line():
    code = (
        "import sys; sys.modules['keras'] = None\n"
        "try:\n    import fastwarmup.keras\n"
        "except ImportError as e:\n    print(type(e).__name__, e, e.__cause__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "ImportError fastwarmup.keras needs Keras 3: pip install 'fastwarmup[keras]' None"
    )


def test_import_fastwarmup_imports_no_adapter_framework():
    code = (
        "import sys, fastwarmup, fastwarmup.lr; "
        "print(sorted(m for m in ('torch', 'jax', 'optax', 'keras', 'tensorflow') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
