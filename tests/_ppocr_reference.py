"""PaddleOCR's three schedulers (``ppocr/optimizer/lr_scheduler.py``: ``CyclicalCosineDecay``,
``OneCycleDecay``, ``TwoStepCosineDecay``) transcribed as subclasses of paddle's
``LRScheduler``, the reference of ``test_ocr_schedulers`` and ``test_ocr_build`` (PaddleOCR
itself is not a dependency). The base class is a parameter, so paddle is imported only by the
tests that use it (``_libs.paddle_lr()``).
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace


@functools.cache
def reference(base: type) -> SimpleNamespace:
    """PaddleOCR's three schedulers on ``base`` (paddle's ``LRScheduler``), with PaddleOCR's
    expressions, operation order, checks and attribute order (``cycle`` and ``eta_min`` of
    ``CyclicalCosineDecay`` are set after the construction step)."""

    class CyclicalCosineDecay(base):
        def __init__(
            self, learning_rate, T_max, cycle=1, last_epoch=-1, eta_min=0.0, verbose=False
        ):
            super().__init__(learning_rate, last_epoch, verbose)
            self.cycle = cycle
            self.eta_min = eta_min

        def get_lr(self):
            if self.last_epoch == 0:
                return self.base_lr
            relative = self.last_epoch % self.cycle
            cosine = math.cos(math.pi * relative / self.cycle)
            return self.eta_min + 0.5 * (self.base_lr - self.eta_min) * (1 + cosine)

    class CyclicalCosineAttributesFirst(CyclicalCosineDecay):
        """PaddleOCR's formula with ``cycle`` and ``eta_min`` set before the first step (what
        fastwarmup computes for a ``last_epoch`` other than -1, where PaddleOCR fails)."""

        def __init__(
            self, learning_rate, T_max, cycle=1, last_epoch=-1, eta_min=0.0, verbose=False
        ):
            self.cycle = cycle
            self.eta_min = eta_min
            base.__init__(self, learning_rate, last_epoch, verbose)

    class OneCycleDecay(base):
        def __init__(
            self,
            max_lr,
            epochs=None,
            steps_per_epoch=None,
            pct_start=0.3,
            anneal_strategy="cos",
            div_factor=25.0,
            final_div_factor=1e4,
            three_phase=False,
            last_epoch=-1,
            verbose=False,
        ):
            if epochs <= 0 or not isinstance(epochs, int):
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if steps_per_epoch <= 0 or not isinstance(steps_per_epoch, int):
                raise ValueError(
                    f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}"
                )
            self.total_steps = epochs * steps_per_epoch
            self.max_lr = max_lr
            self.initial_lr = self.max_lr / div_factor
            self.min_lr = self.initial_lr / final_div_factor
            rise_end = float(pct_start * self.total_steps) - 1
            if three_phase:
                table = [
                    (rise_end, self.initial_lr, self.max_lr),
                    (float(2 * pct_start * self.total_steps) - 2, self.max_lr, self.initial_lr),
                    (self.total_steps - 1, self.initial_lr, self.min_lr),
                ]
            else:
                table = [
                    (rise_end, self.initial_lr, self.max_lr),
                    (self.total_steps - 1, self.max_lr, self.min_lr),
                ]
            self._schedule_phases = [
                {"end_step": end, "start_lr": start, "end_lr": stop} for end, start, stop in table
            ]
            if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
                raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
            if anneal_strategy not in ["cos", "linear"]:
                raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}")  # fmt: skip # noqa: E501
            if anneal_strategy == "cos":
                self.anneal_func = self._annealing_cos
            else:
                self.anneal_func = self._annealing_linear
            super().__init__(max_lr, last_epoch, verbose)

        def _annealing_cos(self, start, end, pct):
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out

        def _annealing_linear(self, start, end, pct):
            return (end - start) * pct + start

        def get_lr(self):
            computed_lr = 0.0
            step_num = self.last_epoch
            if step_num > self.total_steps:
                raise ValueError(
                    f"Tried to step {step_num + 1} times. The specified number of total "
                    f"steps is {self.total_steps}"
                )
            start_step = 0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step_num - start_step) / (end_step - start_step)
                    computed_lr = self.anneal_func(phase["start_lr"], phase["end_lr"], pct)
                    break
                start_step = phase["end_step"]
            return computed_lr

    class TwoStepCosineDecay(base):
        def __init__(self, learning_rate, T_max1, T_max2, eta_min=0, last_epoch=-1, verbose=False):
            for name, value in (("T_max1", T_max1), ("T_max2", T_max2)):
                if not isinstance(value, int):
                    raise TypeError(f"The type of '{name}' must be 'int', got {type(value)}")
            if not isinstance(eta_min, float | int):
                raise TypeError(f"The type of 'eta_min' must be 'float, int', got {type(eta_min)}")
            assert T_max1 > 0 and isinstance(T_max1, int), " 'T_max1' must be a positive integer."
            assert T_max2 > 0 and isinstance(T_max2, int), " 'T_max1' must be a positive integer."
            self.T_max1 = T_max1
            self.T_max2 = T_max2
            self.eta_min = float(eta_min)
            super().__init__(learning_rate, last_epoch, verbose)

        def _recurrence(self, period):
            if (self.last_epoch - 1 - period) % (2 * period) == 0:
                return (
                    self.last_lr
                    + (self.base_lr - self.eta_min) * (1 - math.cos(math.pi / period)) / 2
                )
            return (1 + math.cos(math.pi * self.last_epoch / period)) / (
                1 + math.cos(math.pi * (self.last_epoch - 1) / period)
            ) * (self.last_lr - self.eta_min) + self.eta_min

        def get_lr(self):
            if self.last_epoch <= self.T_max1:
                if self.last_epoch == 0:
                    return self.base_lr
                return self._recurrence(self.T_max1)
            return self._recurrence(self.T_max2)

        def _get_closed_form_lr(self):
            period = self.T_max1 if self.last_epoch <= self.T_max1 else self.T_max2
            return (
                self.eta_min
                + (self.base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / period))
                / 2
            )

    return SimpleNamespace(
        CyclicalCosineDecay=CyclicalCosineDecay,
        CyclicalCosineAttributesFirst=CyclicalCosineAttributesFirst,
        OneCycleDecay=OneCycleDecay,
        TwoStepCosineDecay=TwoStepCosineDecay,
    )
