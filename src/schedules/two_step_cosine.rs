//! PaddleOCR's `TwoStepCosineDecay` (`ppocr/optimizer/lr_scheduler.py`).

use std::f64::consts::PI;

use crate::error::CoreResult;
use crate::pyops::{math_cos, Num};
use crate::schedule::{kernel_plumbing, next_epoch, Common, Kernel, Log};
use crate::schedules::validate;

/// paddle's `CosineAnnealingDecay` with period `T_max1` up to epoch `T_max1`, then with
/// period `T_max2`. As PaddleOCR steps it, a recurrence on the previous value, with
/// `T = T_max1` while `e <= T_max1` and `T = T_max2` after:
///
/// `lr(e) = (1 + cos(pi * e / T)) / (1 + cos(pi * (e - 1) / T)) * (lr(e-1) - eta_min) + eta_min`,
///
/// with `lr(0) = base_lr` and, where `(e - 1 - T) % (2 * T) == 0`,
/// `lr(e) = lr(e-1) + (base_lr - eta_min) * (1 - cos(pi / T)) / 2`. An explicit
/// `step(epoch)` (and so a `LinearWarmup` nest) takes PaddleOCR's `_get_closed_form_lr`:
///
/// `lr(e) = eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T)) / 2`.
///
/// At `e = T_max1 + 1` the recurrence switches period on a value computed with the old one
/// (its ratio is `(1 + cos(pi * e / T_max2)) / (1 + cos(pi * T_max1 / T_max2))`), so the
/// stepped schedule and the closed form part there: PaddleOCR's behaviour, kept.
#[derive(Clone, Debug)]
pub struct TwoStepCosineDecay {
    common: Common,
    pub t_max1: i64,
    pub t_max2: i64,
    /// `float(eta_min)`.
    pub eta_min: f64,
}

impl TwoStepCosineDecay {
    /// Validate as PaddleOCR does (its asserts become `ValueError`), before the first `step()`.
    pub fn new(
        learning_rate: Num,
        t_max1: i64,
        t_max2: i64,
        eta_min: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let t_max1 = validate::positive_int("T_max1", t_max1)?;
        let t_max2 = validate::positive_int("T_max2", t_max2)?;
        let eta_min = validate::finite("eta_min", eta_min)?.as_f64();
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            t_max1,
            t_max2,
            eta_min,
        })
    }

    /// The period in force at `epoch`.
    #[inline]
    fn period(&self, epoch: i64) -> i64 {
        if epoch <= self.t_max1 {
            self.t_max1
        } else {
            self.t_max2
        }
    }

    /// `math.cos(math.pi * e / T)` for `e` given as `float(e)`.
    #[inline]
    fn cos_term(e: f64, t: i64) -> CoreResult<f64> {
        math_cos(PI * e / t as f64)
    }

    /// PaddleOCR's `_get_closed_form_lr` at `epoch`.
    #[inline]
    pub fn closed_form(&self, epoch: i64) -> CoreResult<f64> {
        let cos = Self::cos_term(epoch as f64, self.period(epoch))?;
        Ok(self.eta_min + (self.common.base_lr - self.eta_min) * (1.0 + cos) / 2.0)
    }

    /// PaddleOCR's `get_lr` at `epoch` with `last_lr` as the previous value. `prev_cos`, when
    /// known, is `(T, cos_term(float(epoch - 1), T))` as the previous call computed it; the
    /// second result is `(T, cos_term(float(epoch), T))` when this call computed it.
    fn recurrence(
        &self,
        epoch: i64,
        last_lr: Num,
        prev_cos: Option<(i64, f64)>,
    ) -> CoreResult<(Num, Option<(i64, f64)>)> {
        let t = self.period(epoch);
        // Epoch 0 is always in the first period (T_max1 > 0).
        if epoch == 0 {
            return Ok((Num::Float(self.common.base_lr), None));
        }
        let t_wide = i128::from(t);
        if (i128::from(epoch) - 1 - t_wide).rem_euclid(2 * t_wide) == 0 {
            let step_up =
                (self.common.base_lr - self.eta_min) * (1.0 - math_cos(PI / t as f64)?) / 2.0;
            return Ok((last_lr.add(Num::Float(step_up))?, None));
        }
        let cos_now = Self::cos_term(epoch as f64, t)?;
        let cos_prev = match prev_cos {
            Some((prev_t, c)) if prev_t == t => c,
            _ => Self::cos_term((i128::from(epoch) - 1) as f64, t)?,
        };
        let ratio = Num::Float(1.0 + cos_now).truediv(Num::Float(1.0 + cos_prev))?;
        let value = Num::Float(ratio)
            .mul(last_lr.sub(Num::Float(self.eta_min))?)?
            .add(Num::Float(self.eta_min))?;
        Ok((value, Some((t, cos_now))))
    }
}

impl Kernel for TwoStepCosineDecay {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "TwoStepCosineDecay"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        let (value, _) = self.recurrence(self.common.last_epoch, self.common.last_lr, None)?;
        Ok(value)
    }
    fn closed_form_lr(&self) -> Option<CoreResult<Num>> {
        Some(self.closed_form(self.common.last_epoch).map(Num::Float))
    }
    fn is_pure(&self) -> bool {
        true
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        self.closed_form(epoch).map(Num::Float)
    }
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
            *slot = self.closed_form(epoch)?;
        }
        Ok(())
    }
    fn sequential_is_explicit(&self) -> bool {
        false
    }
    /// The recurrence with one cosine per step instead of two: the denominator's
    /// `cos(pi * (e - 1) / T)` at epoch `e` is the numerator's `cos(pi * e' / T)` of the step
    /// before (`e' = e - 1`, the same int and the same `T`: the same double operations on the
    /// same operands). Where the period changes, or the step before computed no cosine
    /// (epoch 0, a trough exit), it is computed afresh.
    fn fill_by_stepping(&mut self, out: &mut [f64]) -> CoreResult<()> {
        let mut prev_cos = None;
        for slot in out {
            let epoch = next_epoch(self.common.last_epoch)?;
            let (value, cos_now) = self.recurrence(epoch, self.common.last_lr, prev_cos)?;
            self.common.last_epoch = epoch;
            self.common.last_lr = value;
            prev_cos = cos_now;
            *slot = value.as_f64();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;

    fn two_step(base: f64, t1: i64, t2: i64, eta_min: f64, last_epoch: i64) -> TwoStepCosineDecay {
        let mut k = TwoStepCosineDecay::new(
            Num::Float(base),
            t1,
            t2,
            Num::Float(eta_min),
            last_epoch,
            false,
        )
        .unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    fn stepped(k: &mut TwoStepCosineDecay, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                k.step(None, &mut Log::muted()).unwrap();
                k.common().last_lr.as_f64().to_bits()
            })
            .collect()
    }

    /// PaddleOCR's recurrence step, written out.
    fn ratio_step(e: f64, t: f64, last: f64, eta_min: f64) -> f64 {
        (1.0 + (PI * e / t).cos()) / (1.0 + (PI * (e - 1.0) / t).cos()) * (last - eta_min) + eta_min
    }

    #[test]
    fn the_period_switches_after_t_max1() {
        let mut k = two_step(0.5, 4, 10, 0.01, -1);
        assert_eq!(k.common().last_lr, Num::Float(0.5));
        let mut expected = 0.5;
        for e in 1..=4 {
            k.step(None, &mut Log::muted()).unwrap();
            expected = ratio_step(f64::from(e), 4.0, expected, 0.01);
            assert_eq!(k.common().last_lr, Num::Float(expected), "{e}");
        }
        // e = 5 > T_max1: the ratio takes T_max2 on a value computed with T_max1.
        k.step(None, &mut Log::muted()).unwrap();
        expected = ratio_step(5.0, 10.0, expected, 0.01);
        assert_eq!(k.common().last_lr, Num::Float(expected));
        assert_eq!(
            k.closed_form(5).unwrap(),
            0.01 + (0.5 - 0.01) * (1.0 + (PI * 5.0 / 10.0).cos()) / 2.0
        );
        assert_eq!(
            k.closed_form(3).unwrap(),
            0.01 + (0.5 - 0.01) * (1.0 + (PI * 3.0 / 4.0).cos()) / 2.0
        );
    }

    #[test]
    fn trough_exits_step_up() {
        // T_max2 = 3: (e - 1 - 3) % 6 == 0 at e = 10 (> T_max1 = 5).
        let mut k = two_step(0.5, 5, 3, 0.0, -1);
        for _ in 0..9 {
            k.step(None, &mut Log::muted()).unwrap();
        }
        let before = k.common().last_lr.as_f64();
        k.step(None, &mut Log::muted()).unwrap();
        let step_up = 0.5 * (1.0 - (PI / 3.0).cos()) / 2.0;
        assert_eq!(k.common().last_lr, Num::Float(before + step_up));
    }

    #[test]
    fn explicit_epochs_take_the_closed_form() {
        let mut k = two_step(0.1, 10, 30, 0.0, -1);
        k.step(Some(37), &mut Log::muted()).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(k.closed_form(37).unwrap()));
        assert_eq!(k.lr_at(-3).unwrap(), Num::Float(k.closed_form(-3).unwrap()));
    }

    /// The shared-cosine scan equals stepping one at a time, bit for bit, across the period
    /// switch and trough exits, from negative and positive starts, and across 2**53.
    #[test]
    fn shared_cosine_scan_is_exact() {
        let near_2_53 = (1_i64 << 53) - 2_500;
        for (t1, t2, last_epoch) in [
            (1, 1, -1),
            (1, 2, -1),
            (3, 2, -9),
            (7, 20, 5),
            (100, 1000, -1),
            (20, 3, -1),
            (97, 13, near_2_53),
        ] {
            for eta_min in [0.0, 0.003] {
                let start = two_step(0.7, t1, t2, eta_min, last_epoch);
                let n = 3_000;
                let mut scanned = start.clone();
                let mut out = vec![0.0; n];
                scanned.fill_by_stepping(&mut out).unwrap();
                let mut one_by_one = start.clone();
                let expected = stepped(&mut one_by_one, n);
                let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, expected, "T_max {t1}/{t2} from {last_epoch}");
                assert_eq!(scanned.common(), one_by_one.common());
            }
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |t1, t2, eta_min: f64, lr: f64| {
            TwoStepCosineDecay::new(Num::Float(lr), t1, t2, Num::Float(eta_min), -1, false)
        };
        assert!(matches!(bad(0, 5, 0.0, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, -1, 0.0, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, 5, f64::NAN, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, 5, 0.0, -0.1), Err(CoreError::Value(_))));
        assert!(bad(5, 5, 0.0, 0.1).is_ok());
    }
}
