"""fastwarmup for JAX: an optax schedule (``count -> lr``) backed by a precomputed table.

``optax_schedule(schedule, num_steps)`` evaluates the next ``num_steps`` values of a fastwarmup
schedule once, in Rust (``schedule.precompute``), and returns a pure function of the step count
that looks them up, so it traces under ``jax.jit`` and ``jax.vmap`` and works anywhere optax
takes a schedule (``optax.sgd(learning_rate=...)``, ``optax.inject_hyperparams``)::

    tx = optax.adamw(learning_rate=optax_schedule(sched, 100_000))

Importing this module imports jax; importing ``fastwarmup`` does not.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

try:
    import jax
except ModuleNotFoundError as error:  # pragma: no cover - exercised in a subprocess test
    if error.name not in ("jax", "jaxlib"):
        raise
    raise ImportError("fastwarmup.jax needs JAX: pip install 'fastwarmup[jax]'") from None
import jax.numpy as jnp

__all__ = ["OptaxSchedule", "optax_schedule"]


class OptaxSchedule:
    """An optax schedule over a precomputed table: ``self(count)`` is the value after ``count``
    steps of the fastwarmup schedule it was made from (see :func:`optax_schedule`).

    Attributes:
        num_steps: the table's length.
        table: the values as a ``jax.Array`` (float64 when ``jax_enable_x64`` was on at
            construction, else float32).
    """

    def __init__(self, table: Any, num_steps: int) -> None:
        self.table = table
        self.num_steps = num_steps

    def __call__(self, count: Any) -> jax.Array:
        """The learning rate after ``count`` steps (an integer scalar or array, traced or not).

        Past the table, the last value holds. A negative count raises ``ValueError`` when its
        value is known (not traced); under ``jit`` it gives NaN. A count of a non-integer dtype
        raises ``TypeError`` (also under ``jit``: the dtype is known when tracing).
        """
        last = self.num_steps - 1
        if isinstance(count, jax.core.Tracer):
            _check_integer(count.dtype)
            value = self.table[jnp.clip(count, 0, last)]
            return jnp.where(count < 0, jnp.nan, value)
        count = np.asarray(count)
        _check_integer(count.dtype)
        if (count < 0).any():
            raise ValueError(f"count must be >= 0, got {count}")
        index = np.minimum(count, last)
        if index.ndim == 0:  # the common eager call: a cheaper dispatch than indexing
            return jax.lax.dynamic_index_in_dim(self.table, int(index), keepdims=False)
        return self.table[index]

    def __repr__(self) -> str:
        return f"OptaxSchedule(num_steps={self.num_steps}, dtype={self.table.dtype})"


def _check_integer(dtype: Any) -> None:
    if not jnp.issubdtype(dtype, jnp.integer):
        raise TypeError(f"count must be an integer step count, got dtype {dtype}")


def optax_schedule(schedule: Any, num_steps: int) -> OptaxSchedule:
    """An optax schedule giving ``schedule``'s values, exactly, for the next ``num_steps`` steps.

    ``f(count)`` is ``schedule.precompute(num_steps)[count]``: the value ``schedule()`` has now
    for ``count == 0``, and after ``count`` more ``step()`` calls for the others. The schedule
    itself is not changed (stepping it later does not change ``f``).

    - Exact: with ``jax_enable_x64`` on (when ``optax_schedule`` is called) the table is the
      float64 values bit for bit; otherwise each is the float32 nearest to the float64 value
      (``precompute(n, dtype=numpy.float32)``).
    - Past the table (``count >= num_steps``) the last value holds, as optax's own schedules
      hold their end value: size ``num_steps`` to the run.
    - ``count`` must have an integer dtype (optax's counts are int32); a float count raises
      ``TypeError``, a negative one ``ValueError`` when not traced and NaN under ``jit``.

    Args:
        schedule: a fastwarmup scheduler (any class, nested to any depth).
        num_steps: how many steps the table holds, >= 1.

    Returns:
        An :class:`OptaxSchedule`, a pure function ``count -> lr``.

    Raises:
        TypeError: ``schedule`` has no ``precompute``, or ``num_steps`` is not an int.
        ValueError: ``num_steps`` < 1, or the schedule raises within ``num_steps`` steps
            (``OneCycleLR`` past its ``total_steps``).
    """
    precompute = getattr(schedule, "precompute", None)
    if not callable(precompute):
        raise TypeError(f"schedule must be a fastwarmup scheduler, got {schedule!r}")
    try:
        num_steps = operator.index(num_steps)
    except TypeError:
        raise TypeError(f"num_steps must be an int, got {num_steps!r}") from None
    if num_steps < 1:
        raise ValueError(f"num_steps must be >= 1, got {num_steps}")
    dtype = np.float64 if jax.config.jax_enable_x64 else np.float32
    table = jnp.asarray(precompute(num_steps, dtype=dtype))
    return OptaxSchedule(table, num_steps)
