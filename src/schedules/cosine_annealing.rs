//! `CosineAnnealingDecay`.

use std::f64::consts::PI;

use crate::error::CoreResult;
use crate::pyops::{math_cos, Num};
use crate::schedule::{kernel_plumbing, next_epoch, Common, Kernel, Log};
use crate::schedules::validate;

/// Cosine annealing from `base_lr` (epoch 0) to `eta_min` (epoch `T_max`), and back up over
/// the next `T_max` epochs, as paddle steps it: a recurrence on the previous value,
///
/// `lr(e) = (1 + cos(pi * e / T_max)) / (1 + cos(pi * (e - 1) / T_max)) * (lr(e-1) - eta_min) + eta_min`,
///
/// with `lr(0) = base_lr` and, where `(e - 1 - T_max) % (2 * T_max) == 0` (the denominator's
/// cosine is -1), `lr(e) = lr(e-1) + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2`.
/// An explicit `step(epoch)` (and so a `LinearWarmup` nest) takes the closed form instead:
///
/// `lr(e) = eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T_max)) / 2`.
#[derive(Clone, Debug)]
pub struct CosineAnnealingDecay {
    common: Common,
    pub t_max: i64,
    /// `float(eta_min)`.
    pub eta_min: f64,
}

impl CosineAnnealingDecay {
    /// Validate as paddle does (its assert becomes `ValueError`), before the first `step()`.
    pub fn new(
        learning_rate: Num,
        t_max: i64,
        eta_min: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let t_max = validate::positive_int("T_max", t_max)?;
        let eta_min = validate::finite("eta_min", eta_min)?.as_f64();
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            t_max,
            eta_min,
        })
    }

    /// `math.cos(math.pi * e / T_max)` for `e` given as `float(e)`.
    fn cos_term(&self, e: f64) -> CoreResult<f64> {
        math_cos(PI * e / self.t_max as f64)
    }

    /// `float(e - 1)`, computed exactly as Python's int subtraction (no i64 overflow).
    fn previous_as_float(epoch: i64) -> f64 {
        (i128::from(epoch) - 1) as f64
    }

    /// paddle's restart test `(e - 1 - T_max) % (2 * T_max) == 0`, with Python's modulo.
    fn is_trough_exit(&self, epoch: i64) -> bool {
        let t_max = i128::from(self.t_max);
        (i128::from(epoch) - 1 - t_max).rem_euclid(2 * t_max) == 0
    }

    /// paddle's `_get_closed_form_lr` at `epoch`.
    pub fn closed_form(&self, epoch: i64) -> CoreResult<f64> {
        let cos = self.cos_term(epoch as f64)?;
        Ok(self.eta_min + (self.common.base_lr - self.eta_min) * (1.0 + cos) / 2.0)
    }

    /// paddle's `get_lr` at `epoch` with `last_lr` as the previous value. `prev_cos`, when
    /// known, is `cos_term(float(epoch - 1))` as a previous call computed it; the second
    /// result is `cos_term(float(epoch))` when this call computed it (for the next call).
    fn recurrence(
        &self,
        epoch: i64,
        last_lr: Num,
        prev_cos: Option<f64>,
    ) -> CoreResult<(Num, Option<f64>)> {
        if epoch == 0 {
            return Ok((Num::Float(self.common.base_lr), None));
        }
        if self.is_trough_exit(epoch) {
            let step_up = (self.common.base_lr - self.eta_min)
                * (1.0 - math_cos(PI / self.t_max as f64)?)
                / 2.0;
            return Ok((last_lr.add(Num::Float(step_up))?, None));
        }
        let cos_now = self.cos_term(epoch as f64)?;
        let cos_prev = match prev_cos {
            Some(c) => c,
            None => self.cos_term(Self::previous_as_float(epoch))?,
        };
        let ratio = Num::Float(1.0 + cos_now).truediv(Num::Float(1.0 + cos_prev))?;
        let value = Num::Float(ratio)
            .mul(last_lr.sub(Num::Float(self.eta_min))?)?
            .add(Num::Float(self.eta_min))?;
        Ok((value, Some(cos_now)))
    }
}

impl Kernel for CosineAnnealingDecay {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "CosineAnnealingDecay"
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
    /// `cos(pi * (e - 1) / T_max)` at epoch `e` is the numerator's `cos(pi * e' / T_max)` of
    /// the step before (`e' = e - 1`, the same int, so the same double operations on the
    /// same operands: bit-identical). Steps that did not compute it (epoch 0, the trough
    /// exit) leave it to be computed afresh.
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

    fn cosine(base: f64, t_max: i64, eta_min: f64, last_epoch: i64) -> CosineAnnealingDecay {
        let mut k = CosineAnnealingDecay::new(
            Num::Float(base),
            t_max,
            Num::Float(eta_min),
            last_epoch,
            false,
        )
        .unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    /// `n` values by `step(None)`, one at a time (two cosines per step).
    fn stepped(k: &mut CosineAnnealingDecay, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                k.step(None, &mut Log::muted()).unwrap();
                k.common().last_lr.as_f64().to_bits()
            })
            .collect()
    }

    #[test]
    fn epoch_zero_is_base_lr_and_closed_form_reaches_eta_min() {
        let k = cosine(0.1, 10, 0.001, -1);
        assert_eq!(k.common().last_lr, Num::Float(0.1));
        assert_eq!(
            k.closed_form(10).unwrap(),
            0.001 + (0.1 - 0.001) * (1.0 + PI.cos()) / 2.0
        );
        assert_eq!(k.closed_form(0).unwrap(), 0.001 + (0.1 - 0.001) * 2.0 / 2.0);
    }

    #[test]
    fn trough_exit_uses_pythons_modulo() {
        let k = cosine(0.1, 3, 0.0, -1);
        // (e - 1 - 3) % 6 == 0 at e = 4, 10, -2, -8.
        for e in [4, 10, -2, -8] {
            assert!(k.is_trough_exit(e), "{e}");
        }
        for e in [0, 1, 3, 5, -1, -4] {
            assert!(!k.is_trough_exit(e), "{e}");
        }
        let big = cosine(0.1, i64::MAX, 0.0, -1);
        assert!(!big.is_trough_exit(i64::MIN));
    }

    #[test]
    fn recurrence_matches_paddles_expression() {
        let mut k = cosine(0.5, 7, 0.01, -1);
        k.step(None, &mut Log::muted()).unwrap();
        let expected =
            (1.0 + (PI * 1.0 / 7.0).cos()) / (1.0 + (PI * 0.0 / 7.0).cos()) * (0.5 - 0.01) + 0.01;
        assert_eq!(k.common().last_lr, Num::Float(expected));
        // At the trough exit (e = 8): last_lr + (base - eta_min) * (1 - cos(pi / T)) / 2.
        for _ in 2..8 {
            k.step(None, &mut Log::muted()).unwrap();
        }
        let before = k.common().last_lr.as_f64();
        k.step(None, &mut Log::muted()).unwrap();
        let step_up = (0.5 - 0.01) * (1.0 - (PI / 7.0).cos()) / 2.0;
        assert_eq!(k.common().last_lr, Num::Float(before + step_up));
    }

    #[test]
    fn explicit_epochs_take_the_closed_form() {
        let mut k = cosine(0.1, 10, 0.0, -1);
        k.step(Some(37), &mut Log::muted()).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(k.closed_form(37).unwrap()));
        assert_eq!(k.lr_at(-3).unwrap(), Num::Float(k.closed_form(-3).unwrap()));
    }

    #[test]
    fn int_last_lr_is_used_as_python_would() {
        let mut k = cosine(0.1, 10, 0.0, -1);
        k.common_mut().last_lr = Num::Int(1);
        k.step(None, &mut Log::muted()).unwrap();
        let ratio = (1.0 + (PI * 1.0 / 10.0).cos()) / (1.0 + 1.0);
        assert_eq!(k.common().last_lr, Num::Float(ratio * 1.0 + 0.0));
    }

    /// The shared-cosine scan equals stepping one at a time, bit for bit, across trough exits,
    /// from negative and positive starts, for small and large `T_max`, and across 2**53 (where
    /// `float(e)` starts rounding: `e - 1` is still the same int on both sides).
    #[test]
    fn shared_cosine_scan_is_exact() {
        let near_2_53 = (1_i64 << 53) - 2_500;
        for (t_max, last_epoch) in [
            (1, -1),
            (2, -1),
            (3, -7),
            (7, 5),
            (1000, -1),
            (97, 10_000),
            (97, near_2_53),
        ] {
            for eta_min in [0.0, 0.003] {
                let start = cosine(0.7, t_max, eta_min, last_epoch);
                let n = 5_000;
                let mut scanned = start.clone();
                let mut out = vec![0.0; n];
                scanned.fill_by_stepping(&mut out).unwrap();
                let mut one_by_one = start.clone();
                let expected = stepped(&mut one_by_one, n);
                let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, expected, "T_max {t_max} from {last_epoch}");
                assert_eq!(scanned.common(), one_by_one.common());
            }
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |t_max, eta_min: f64, lr: f64| {
            CosineAnnealingDecay::new(Num::Float(lr), t_max, Num::Float(eta_min), -1, false)
        };
        assert!(matches!(bad(0, 0.0, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(-3, 0.0, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, f64::NAN, 0.1), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, 0.0, -0.1), Err(CoreError::Value(_))));
    }
}
