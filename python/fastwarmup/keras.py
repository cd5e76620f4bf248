"""fastwarmup for Keras 3: a ``keras.optimizers.schedules.LearningRateSchedule`` over a
precomputed table, serializable with the model.

``LearningRateSchedule(schedule, num_steps)`` evaluates the next ``num_steps`` values of a
fastwarmup schedule once, in Rust (``schedule.precompute``), and looks them up by the
optimizer's step count on any Keras backend::

    optimizer = keras.optimizers.AdamW(learning_rate=LearningRateSchedule(sched, 100_000))

``get_config()`` describes the schedule with plain types (see :class:`LearningRateSchedule`),
so ``model.save("m.keras")`` and ``keras.saving.load_model("m.keras")`` bring it back; import
this module before loading (it registers the class as ``fastwarmup>LearningRateSchedule``).
Importing this module imports keras; importing ``fastwarmup`` does not.
"""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np

try:
    import keras
except ModuleNotFoundError as error:  # pragma: no cover - exercised in a subprocess test
    if error.name != "keras":
        raise
    raise ImportError("fastwarmup.keras needs Keras 3: pip install 'fastwarmup[keras]'") from None
if int(keras.__version__.split(".")[0]) < 3:
    raise ImportError(
        f"fastwarmup.keras needs Keras 3 (found {keras.__version__}): "
        "pip install 'fastwarmup[keras]'"
    )

from fastwarmup import from_config
from fastwarmup import lr as _lr

__all__ = ["LearningRateSchedule", "schedule_from_spec", "schedule_spec"]


@keras.saving.register_keras_serializable(package="fastwarmup", name="LearningRateSchedule")
class LearningRateSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A Keras schedule giving a fastwarmup schedule's values for the next ``num_steps`` steps.

    ``self(step)`` is ``schedule.precompute(num_steps)[step]``: the value ``schedule()`` has
    now at step 0, and after ``step`` more ``step()`` calls later. The table has Keras'
    ``floatx()`` dtype at construction: float32 values are the floats nearest to the float64
    ones, float64 values are exact. Past the table (``step >= num_steps``) the last value
    holds; a negative step gives NaN.

    Saving: ``get_config()`` is ``{"schedule": spec, "state": state, "num_steps": n}``, plain
    types only. ``spec`` is the schedule's construction in fastwarmup's spec format (a mapping
    with ``name``, the class, and its constructor's keyword arguments; a nested scheduler is a
    nested mapping, see :func:`schedule_spec`) and ``state`` its ``state_dict()`` (paddle's
    format); ``from_config`` builds the schedule again, loads the state and precomputes the
    same table. A schedule that calls a Python function (``LambdaDecay``,
    ``MultiplicativeDecay``, ``CyclicLR(scale_fn=...)``), a Python subclass overriding how it
    steps, or a foreign (paddle) scheduler cannot be described so: ``get_config()`` raises
    ``TypeError`` for it (the schedule works, only saving it does not). Pickle could carry
    those, but unpickling a model file would run code, which Keras' ``safe_mode`` exists to
    prevent.

    Args:
        schedule: a fastwarmup scheduler (any class, nested to any depth); it is not changed.
        num_steps: how many steps the table holds, >= 1.

    Attributes:
        schedule: the schedule as given (live: stepping it later does not change the table).
        num_steps: the table's length.
        table: the values (a NumPy array of ``floatx()`` dtype).
    """

    def __init__(self, schedule: Any, num_steps: int) -> None:
        precompute = getattr(schedule, "precompute", None)
        if not callable(precompute):
            raise TypeError(f"schedule must be a fastwarmup scheduler, got {schedule!r}")
        try:
            num_steps = operator.index(num_steps)
        except TypeError:
            raise TypeError(f"num_steps must be an int, got {num_steps!r}") from None
        if num_steps < 1:
            raise ValueError(f"num_steps must be >= 1, got {num_steps}")
        dtype = np.dtype(keras.config.floatx())
        if dtype in (np.float32, np.float64):
            table = precompute(num_steps, dtype=dtype)
        else:  # float16 / bfloat16: rounded from the float64 values
            table = precompute(num_steps).astype(dtype)
        self.schedule = schedule
        self.num_steps = num_steps
        self.table = table
        # The spec and state as of construction (what the table was made from): taken now, so
        # that get_config describes the table even if the schedule is stepped later. None when
        # the schedule cannot be described (get_config then raises).
        try:
            self._config: dict[str, Any] | None = {
                "schedule": schedule_spec(schedule),
                "state": _plain(schedule.state_dict()),
                "num_steps": num_steps,
            }
            self._config_error = ""
        except TypeError as error:
            self._config = None
            self._config_error = str(error)
        self._tensor = keras.ops.convert_to_tensor(table)

    def __call__(self, step: Any) -> Any:
        """The learning rate at ``step`` (the optimizer's iteration count)."""
        step = keras.ops.convert_to_tensor(step)
        value = keras.ops.take(self._tensor, keras.ops.clip(step, 0, self.num_steps - 1))
        return keras.ops.where(step < 0, float("nan"), value)

    def get_config(self) -> dict[str, Any]:
        """``{"schedule": spec, "state": state_dict, "num_steps": n}``, plain types only.

        Raises:
            TypeError: the schedule cannot be described by a spec (see the class docstring).
        """
        if self._config is None:
            raise TypeError(f"cannot save this schedule in a Keras config: {self._config_error}")
        return {
            "schedule": _copy(self._config["schedule"]),
            "state": _copy(self._config["state"]),
            "num_steps": self.num_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """The schedule ``get_config()`` described: built from the spec, at the saved state."""
        schedule = schedule_from_spec(config["schedule"])
        schedule.set_state_dict(config["state"])
        return cls(schedule, config["num_steps"])


def schedule_spec(schedule: Any) -> dict[str, Any]:
    """The schedule's portable config, ``schedule.to_config()`` (see
    :func:`fastwarmup.from_config`): ``{"name": class name, **constructor arguments}``, a
    nested scheduler as a nested config, the format the ``fastwarmup`` command reads. The
    state (``last_epoch``, ...) is not part of it: that is ``state_dict()``.

    Raises:
        TypeError: a scheduler in the tree is not of a fastwarmup class, is a Python subclass
            that overrides how it steps, or has an argument that is not a number, string, bool,
            None or a list of them (a Python function).
    """
    if not isinstance(schedule, _lr.LRScheduler):
        raise TypeError(f"{schedule!r} is not a fastwarmup scheduler")
    return schedule.to_config()  # type: ignore[no-any-return]


def schedule_from_spec(spec: dict[str, Any]) -> Any:
    """The scheduler a config from :func:`schedule_spec` describes: ``fastwarmup.from_config``
    (a new ``fastwarmup.lr`` or ``fastwarmup.ocr`` object at its first step)."""
    return from_config(spec)


def _plain(value: Any) -> Any:
    """A state dict as plain Python types (a NumPy scalar as a Python number)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1:
        return _plain(value.reshape(()).item())
    raise TypeError(f"cannot store {value!r} in a plain state")


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
