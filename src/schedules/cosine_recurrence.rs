//! paddle's cosine-annealing recurrence, shared by `CosineAnnealingDecay` (one period) and
//! PaddleOCR's `TwoStepCosineDecay` (a period that switches): the step, the closed form and
//! the precompute shortcut that computes one cosine per step instead of two.

use std::f64::consts::PI;

use crate::error::CoreResult;
use crate::pyops::{math_cos, Num};

/// A cosine computed by a step, kept for the next one: `(T, cos_term(float(e), T))`.
pub(crate) type PrevCos = Option<(i64, f64)>;

/// `math.cos(math.pi * e / T)` for `e` given as `float(e)`.
#[inline]
pub(crate) fn cos_term(e: f64, t: i64) -> CoreResult<f64> {
    math_cos(PI * e / t as f64)
}

/// `float(e - 1)`, computed exactly as Python's int subtraction (no i64 overflow).
#[inline]
pub(crate) fn previous_as_float(epoch: i64) -> f64 {
    (i128::from(epoch) - 1) as f64
}

/// paddle's restart test `(e - 1 - T) % (2 * T) == 0`, with Python's modulo.
#[inline]
pub(crate) fn is_trough_exit(epoch: i64, t: i64) -> bool {
    let t = i128::from(t);
    (i128::from(epoch) - 1 - t).rem_euclid(2 * t) == 0
}

/// `_get_closed_form_lr` at `epoch` with period `t`:
/// `eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T)) / 2`.
#[inline]
pub(crate) fn closed_form(base_lr: f64, eta_min: f64, t: i64, epoch: i64) -> CoreResult<f64> {
    let cos = cos_term(epoch as f64, t)?;
    Ok(eta_min + (base_lr - eta_min) * (1.0 + cos) / 2.0)
}

/// `get_lr` at `epoch` with period `t` and `last_lr` as the previous value. `prev_cos`, when
/// known, is `(T, cos_term(float(epoch - 1), T))` as the previous call computed it (used only
/// for the same `T`); the second result is `(T, cos_term(float(epoch), T))` when this call
/// computed it (for the next call).
pub(crate) fn recurrence(
    base_lr: f64,
    eta_min: f64,
    t: i64,
    epoch: i64,
    last_lr: Num,
    prev_cos: PrevCos,
) -> CoreResult<(Num, PrevCos)> {
    if epoch == 0 {
        return Ok((Num::Float(base_lr), None));
    }
    if is_trough_exit(epoch, t) {
        let step_up = (base_lr - eta_min) * (1.0 - math_cos(PI / t as f64)?) / 2.0;
        return Ok((last_lr.add(Num::Float(step_up))?, None));
    }
    let cos_now = cos_term(epoch as f64, t)?;
    let cos_prev = match prev_cos {
        Some((prev_t, c)) if prev_t == t => c,
        _ => cos_term(previous_as_float(epoch), t)?,
    };
    let ratio = Num::Float(1.0 + cos_now).truediv(Num::Float(1.0 + cos_prev))?;
    let value = Num::Float(ratio)
        .mul(last_lr.sub(Num::Float(eta_min))?)?
        .add(Num::Float(eta_min))?;
    Ok((value, Some((t, cos_now))))
}

/// The period `T` in force at each epoch: `first` up to epoch `until`, `then` after.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Periods {
    pub first: i64,
    pub until: i64,
    pub then: i64,
}

impl Periods {
    #[inline]
    pub(crate) fn at(self, epoch: i64) -> i64 {
        if epoch <= self.until {
            self.first
        } else {
            self.then
        }
    }
}

/// `(1 + cos_now) / (1 + cos_prev)`, as Python divides floats.
#[inline]
fn ratio(cos_now: f64, cos_prev: f64) -> CoreResult<f64> {
    let denominator = 1.0 + cos_prev;
    if denominator == 0.0 {
        return Num::Float(1.0 + cos_now).truediv(Num::Float(denominator));
    }
    Ok((1.0 + cos_now) / denominator)
}

/// A `fold` term that is no ratio: the step sets `base_lr` (epoch 0).
const SETS_BASE_LR: f64 = -1.0;
/// A `fold` term that is no ratio: the step adds the trough exit's step up.
const STEPS_UP: f64 = -2.0;

/// The recurrence as a `bulk::Scan` from epoch `start` (the kernel's `last_epoch`). A term is
/// the step's ratio `(1 + cos(pi * e / T)) / (1 + cos(pi * (e - 1) / T))` (never negative),
/// or a negative marker for the two other rules; one cosine per step, the denominator's taken
/// from the step before (as `fill_by_stepping` does).
pub(crate) struct CosineScan {
    pub periods: Periods,
    pub base_lr: f64,
    pub eta_min: f64,
    pub start: i64,
}

impl CosineScan {
    /// The epoch of step `step` (`check_steps` has verified it fits).
    #[inline]
    fn epoch(&self, step: u64) -> i64 {
        crate::bulk::epoch_of(self.start, step)
    }
}

/// `CosineScan`'s terms of the epochs `first_epoch..` (as many as `out` holds), all with
/// period `t`.
fn terms_with_period(first_epoch: i64, t: i64, out: &mut [f64]) -> CoreResult<()> {
    // The trough exits, `(e - 1 - T) % (2 * T) == 0`, come every 2T epochs from the first.
    let period = 2 * i128::from(t);
    let behind = (i128::from(first_epoch) - 1 - i128::from(t)).rem_euclid(period);
    let mut next_exit = i128::from(first_epoch) + (period - behind) % period;
    // The denominator's cosine is the numerator's of the epoch before.
    let mut cos_prev = cos_term(previous_as_float(first_epoch), t)?;
    for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
        let cos_now = cos_term(epoch as f64, t)?;
        // Epoch 0 can pass the restart test too (T = 1): it sets base_lr, and the next exit
        // is 2T on, as for any exit.
        let exits = i128::from(epoch) == next_exit;
        if exits {
            next_exit += period;
        }
        *slot = if epoch == 0 {
            SETS_BASE_LR
        } else if exits {
            STEPS_UP
        } else {
            ratio(cos_now, cos_prev)?
        };
        cos_prev = cos_now;
    }
    Ok(())
}

impl crate::bulk::Scan for CosineScan {
    fn terms(&self, first: u64, out: &mut [f64]) -> CoreResult<()> {
        // In runs of one period: the first one ends at `until`.
        let mut done = 0;
        while done < out.len() {
            let epoch = self.epoch(first + done as u64);
            let left = out.len() - done;
            let run = if epoch <= self.periods.until {
                let to_switch = i128::from(self.periods.until) - i128::from(epoch) + 1;
                usize::try_from(to_switch).map_or(left, |r| r.min(left))
            } else {
                left
            };
            let t = self.periods.at(epoch);
            terms_with_period(epoch, t, &mut out[done..done + run])?;
            done += run;
        }
        Ok(())
    }

    fn fold(&self, first: u64, prev: &mut f64, values: &mut [f64]) -> CoreResult<()> {
        let eta_min = self.eta_min;
        if eta_min.to_bits() == 0 {
            return self.fold_to_zero(first, prev, values);
        }
        let mut value = *prev;
        for (slot, step) in values.iter_mut().zip(first..) {
            let term = *slot;
            value = if term >= 0.0 {
                term * (value - eta_min) + eta_min
            } else {
                self.restart(term, value, step)?
            };
            *slot = value;
        }
        *prev = value;
        Ok(())
    }
}

impl CosineScan {
    /// The value of a step whose term is `SETS_BASE_LR` or `STEPS_UP`, after `value`.
    fn restart(&self, term: f64, value: f64, step: u64) -> CoreResult<f64> {
        if term == SETS_BASE_LR {
            return Ok(self.base_lr);
        }
        let t = self.periods.at(self.epoch(step));
        let eta_min = self.eta_min;
        Ok(value + (self.base_lr - eta_min) * (1.0 - math_cos(PI / t as f64)?) / 2.0)
    }

    /// `fold` for `eta_min` = +0.0 (paddle's default), with a shorter dependency chain.
    /// `term * (value - 0.0) + 0.0`: `value - 0.0` is `value` for every double, and `+ 0.0`
    /// only turns -0.0 into +0.0. So the chain carries the bare product, and each stored value
    /// adds the 0.0 off the chain: a product from -0.0 instead of +0.0 differs only in the
    /// sign of a zero, which that addition erases (-0 + 0 = +0 + 0 = +0).
    fn fold_to_zero(&self, first: u64, prev: &mut f64, values: &mut [f64]) -> CoreResult<()> {
        let mut product = *prev;
        for (slot, step) in values.iter_mut().zip(first..) {
            let term = *slot;
            *slot = if term >= 0.0 {
                product *= term;
                product + 0.0
            } else {
                // A restart reads the stored value, not the bare product.
                product = self.restart(term, product + 0.0, step)?;
                product
            };
        }
        if let Some(last) = values.last() {
            *prev = *last;
        }
        Ok(())
    }
}

/// `Kernel` for a schedule stepped by this recurrence: a struct with fields `common: Common`
/// and `eta_min: f64` and methods `periods(&self) -> Periods`, `period(&self, epoch: i64) ->
/// i64` (the `T` in force at `epoch`) and `closed_form(&self, epoch: i64) -> CoreResult<f64>`. `step()` is the
/// recurrence, an explicit `step(epoch)` (and `lr_at`, `fill_from`) the closed form.
///
/// `fill_by_stepping` is the recurrence with one cosine per step instead of two: the
/// denominator's `cos(pi * (e - 1) / T)` at epoch `e` is the numerator's `cos(pi * e' / T)` of
/// the step before (`e' = e - 1`, the same int and the same `T`: the same double operations on
/// the same operands, so bit-identical). Where the period changes, or the step before computed
/// no cosine (epoch 0, a trough exit), it is computed afresh.
macro_rules! cosine_recurrence_kernel {
    ($ty:ty, $class:literal) => {
        impl $crate::schedule::Kernel for $ty {
            $crate::schedule::kernel_plumbing!();
            fn class_name(&self) -> &'static str {
                $class
            }
            fn get_lr(
                &mut self,
                _log: &mut $crate::schedule::Log,
            ) -> $crate::error::CoreResult<$crate::pyops::Num> {
                let epoch = self.common.last_epoch;
                let (value, _) = $crate::schedules::cosine_recurrence::recurrence(
                    self.common.base_lr,
                    self.eta_min,
                    self.period(epoch),
                    epoch,
                    self.common.last_lr,
                    None,
                )?;
                Ok(value)
            }
            fn closed_form_lr(&self) -> Option<$crate::error::CoreResult<$crate::pyops::Num>> {
                Some(
                    self.closed_form(self.common.last_epoch)
                        .map($crate::pyops::Num::Float),
                )
            }
            fn is_pure(&self) -> bool {
                true
            }
            fn lr_at(&self, epoch: i64) -> $crate::error::CoreResult<$crate::pyops::Num> {
                self.closed_form(epoch).map($crate::pyops::Num::Float)
            }
            fn fill_from(
                &self,
                first_epoch: i64,
                out: &mut [f64],
            ) -> $crate::error::CoreResult<()> {
                for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
                    *slot = self.closed_form(epoch)?;
                }
                Ok(())
            }
            fn sequential_is_explicit(&self) -> bool {
                false
            }
            fn scan(&self) -> Option<Box<dyn $crate::bulk::Scan>> {
                Some(Box::new($crate::schedules::cosine_recurrence::CosineScan {
                    periods: self.periods(),
                    base_lr: self.common.base_lr,
                    eta_min: self.eta_min,
                    start: self.common.last_epoch,
                }))
            }
            fn fill_by_stepping(&mut self, out: &mut [f64]) -> $crate::error::CoreResult<()> {
                let mut prev_cos = None;
                for slot in out {
                    let epoch = $crate::schedule::next_epoch(self.common.last_epoch)?;
                    let (value, cos_now) = $crate::schedules::cosine_recurrence::recurrence(
                        self.common.base_lr,
                        self.eta_min,
                        self.period(epoch),
                        epoch,
                        self.common.last_lr,
                        prev_cos,
                    )?;
                    self.common.last_epoch = epoch;
                    self.common.last_lr = value;
                    prev_cos = cos_now;
                    *slot = value.as_f64();
                }
                Ok(())
            }
        }
    };
}

/// Test helpers shared by the two schedules' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::schedule::{Kernel, Log};

    /// `fill_by_stepping` of `n` values from `start` (one cosine per step) equals `n` calls of
    /// `step(None)` one at a time (two cosines per step), bit for bit, and ends in the same
    /// state.
    pub(crate) fn assert_scan_is_exact<K: Kernel + Clone>(start: &K, n: usize, label: &str) {
        let mut scanned = start.clone();
        let mut out = vec![0.0; n];
        scanned.fill_by_stepping(&mut out).unwrap();
        let mut one_by_one = start.clone();
        let expected: Vec<u64> = (0..n)
            .map(|_| {
                one_by_one.step(None, &mut Log::muted()).unwrap();
                one_by_one.common().last_lr.as_f64().to_bits()
            })
            .collect();
        let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, expected, "{label}");
        assert_eq!(scanned.common(), one_by_one.common(), "{label}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::Scan;

    /// The general fold, `term * (value - eta_min) + eta_min`, at `eta_min` = +0.0.
    fn fold_general(scan: &CosineScan, first: u64, prev: f64, values: &mut [f64]) -> f64 {
        let mut value = prev;
        for (slot, step) in values.iter_mut().zip(first..) {
            let term = *slot;
            value = if term >= 0.0 {
                term * (value - scan.eta_min) + scan.eta_min
            } else {
                scan.restart(term, value, step).unwrap()
            };
            *slot = value;
        }
        value
    }

    #[test]
    fn the_fold_at_eta_min_zero_equals_the_general_one_with_zeros_of_both_signs() {
        let terms = [
            0.5,
            0.0,
            3.0,
            STEPS_UP,
            2.0,
            SETS_BASE_LR,
            0.25,
            0.0,
            STEPS_UP,
            1.5,
            f64::INFINITY,
            0.0,
            STEPS_UP,
            0.75,
            1e-300,
            1e-300,
            1e-300,
            1e300,
        ];
        for base_lr in [0.1, 0.0, -0.0, -0.1, 1e-310, -1e-310] {
            for prev in [0.1, 0.0, -0.0, -0.2, 5e-324, -5e-324, f64::NAN] {
                let scan = CosineScan {
                    periods: Periods {
                        first: 1,
                        until: i64::MAX,
                        then: 1,
                    },
                    base_lr,
                    eta_min: 0.0,
                    start: 0,
                };
                let mut fast = terms;
                let mut fast_prev = prev;
                scan.fold(1, &mut fast_prev, &mut fast).unwrap();
                let mut general = terms;
                let general_prev = fold_general(&scan, 1, prev, &mut general);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&fast),
                    bits(&general),
                    "base_lr {base_lr}, prev {prev}"
                );
                assert_eq!(fast_prev.to_bits(), general_prev.to_bits());
            }
        }
    }
}
