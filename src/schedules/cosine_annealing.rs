//! `CosineAnnealingDecay`.

use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::cosine_recurrence::{self, Periods};
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

    /// paddle's restart test `(e - 1 - T_max) % (2 * T_max) == 0`, with Python's modulo.
    #[cfg(test)]
    fn is_trough_exit(&self, epoch: i64) -> bool {
        cosine_recurrence::is_trough_exit(epoch, self.t_max)
    }

    /// The period: `T_max` at every epoch.
    fn periods(&self) -> Periods {
        Periods {
            first: self.t_max,
            until: i64::MAX,
            then: self.t_max,
        }
    }

    /// The period in force at `epoch`.
    #[inline]
    fn period(&self, _epoch: i64) -> i64 {
        self.t_max
    }

    /// paddle's `_get_closed_form_lr` at `epoch`.
    pub fn closed_form(&self, epoch: i64) -> CoreResult<f64> {
        cosine_recurrence::closed_form(self.common.base_lr, self.eta_min, self.t_max, epoch)
    }
}

cosine_recurrence_kernel!(CosineAnnealingDecay, "CosineAnnealingDecay");

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::error::CoreError;
    use crate::schedule::{Kernel, Log};
    use crate::schedules::cosine_recurrence::testing::assert_scan_is_exact;

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
                assert_scan_is_exact(&start, 5_000, &format!("T_max {t_max} from {last_epoch}"));
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
