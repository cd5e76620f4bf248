//! PaddleOCR's `TwoStepCosineDecay` (`ppocr/optimizer/lr_scheduler.py`).

use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::cosine_recurrence::{self, Periods};
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

    /// The periods: `T_max1` up to epoch `T_max1` (epoch 0 is always in it: `T_max1 > 0`),
    /// then `T_max2`.
    fn periods(&self) -> Periods {
        Periods {
            first: self.t_max1,
            until: self.t_max1,
            then: self.t_max2,
        }
    }

    /// The period in force at `epoch`.
    #[inline]
    fn period(&self, epoch: i64) -> i64 {
        self.periods().at(epoch)
    }

    /// PaddleOCR's `_get_closed_form_lr` at `epoch`.
    #[inline]
    pub fn closed_form(&self, epoch: i64) -> CoreResult<f64> {
        cosine_recurrence::closed_form(self.common.base_lr, self.eta_min, self.period(epoch), epoch)
    }
}

cosine_recurrence_kernel!(TwoStepCosineDecay, "TwoStepCosineDecay");

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::error::CoreError;
    use crate::schedule::{Kernel, Log};
    use crate::schedules::cosine_recurrence::testing::assert_scan_is_exact;

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
                assert_scan_is_exact(&start, 3_000, &format!("T_max {t1}/{t2} from {last_epoch}"));
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
