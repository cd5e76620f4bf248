//! PaddleOCR's `CyclicalCosineDecay` (`ppocr/optimizer/lr_scheduler.py`).

use std::f64::consts::PI;

use crate::error::CoreResult;
use crate::pyops::{float_mod, math_cos, Num};
use crate::schedule::Common;
use crate::schedules::validate;

/// A cosine from `base_lr` down to `eta_min`, restarted every `cycle` epochs:
///
/// `lr(e) = eta_min + 0.5 * (base_lr - eta_min) * (1 + cos(pi * (e % cycle) / cycle))`,
///
/// with `lr(0) = base_lr` (PaddleOCR returns `base_lr` itself at epoch 0, not the formula,
/// whose value there can differ from it in the last bit). `%` is Python's (the result takes
/// the sign of `cycle`, so negative epochs count down from the end of a cycle).
///
/// PaddleOCR's constructor takes a `T_max` it never uses; the binding accepts and ignores it
/// the same way. PaddleOCR sets `cycle` and `eta_min` after `LRScheduler.__init__` has taken
/// its first step, so there any `last_epoch` but -1 fails with `AttributeError`; here the
/// first step sees them (the value PaddleOCR would give had it set them first).
#[derive(Clone, Debug)]
pub struct CyclicalCosineDecay {
    common: Common,
    /// `cycle` as given (an int, as PaddleOCR's builder passes it, or a float).
    pub cycle: Num,
    /// `eta_min` as given.
    pub eta_min: Num,
    /// `float(eta_min)`: Python converts it the same way at every mixed operation.
    eta_min_f: f64,
}

impl CyclicalCosineDecay {
    /// Validate (PaddleOCR checks nothing but the learning rate; a `cycle` of 0 would raise
    /// `ZeroDivisionError` at epoch 1, a negative one counts epochs backwards), before the
    /// first `step()`.
    pub fn new(
        learning_rate: Num,
        cycle: Num,
        eta_min: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        let cycle = validate::positive("cycle", cycle)?;
        let eta_min = validate::finite("eta_min", eta_min)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            cycle,
            eta_min,
            eta_min_f: eta_min.as_f64(),
        })
    }

    /// PaddleOCR's `get_lr` at `epoch`.
    #[inline]
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        if epoch == 0 {
            return Ok(Num::Float(self.common.base_lr));
        }
        let relative = match self.cycle {
            // `cycle` > 0, so Python's `%` is the Euclidean remainder.
            Num::Int(c) => epoch.rem_euclid(c) as f64,
            Num::Float(c) => float_mod(epoch as f64, c)?,
        };
        self.at_relative(relative).map(Num::Float)
    }

    /// `eta_min + 0.5 * (base_lr - eta_min) * (1 + cos(pi * relative / cycle))`, PaddleOCR's
    /// expression and order, for `relative = float(e % cycle)`.
    #[inline]
    fn at_relative(&self, relative: f64) -> CoreResult<f64> {
        let cos = math_cos(PI * relative / self.cycle.as_f64())?;
        Ok(self.eta_min_f + 0.5 * (self.common.base_lr - self.eta_min_f) * (1.0 + cos))
    }

    /// `fill_from` for an int `cycle` shorter than `out`: every epoch but 0 takes the value of
    /// its remainder `e % cycle`, the same double operations on the same operands, so one
    /// period is computed and tiled (bit-identical to `value_at` at every epoch).
    fn fill_tiled(&self, cycle: i64, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        let period = (0..cycle)
            .map(|r| self.at_relative(r as f64))
            .collect::<CoreResult<Vec<f64>>>()?;
        let mut relative = usize::try_from(first_epoch.rem_euclid(cycle)).unwrap_or(0);
        for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
            *slot = if epoch == 0 {
                self.common.base_lr
            } else {
                period[relative]
            };
            relative += 1;
            if relative == period.len() {
                relative = 0;
            }
        }
        Ok(())
    }
}

pure_kernel!(
    CyclicalCosineDecay,
    "CyclicalCosineDecay",
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        match self.cycle {
            Num::Int(c) if usize::try_from(c).is_ok_and(|c| c < out.len()) => {
                self.fill_tiled(c, first_epoch, out)
            }
            _ => {
                for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
                    *slot = self.value_at(epoch)?.as_f64();
                }
                Ok(())
            }
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;
    use crate::schedule::{Kernel, Log};
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn cyclical(base: f64, cycle: Num, eta_min: Num) -> CyclicalCosineDecay {
        let mut k = CyclicalCosineDecay::new(Num::Float(base), cycle, eta_min, -1, false).unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    /// PaddleOCR's expression, written out.
    fn expected(base: f64, cycle: f64, eta_min: f64, relative: f64) -> f64 {
        eta_min + 0.5 * (base - eta_min) * (1.0 + (PI * relative / cycle).cos())
    }

    #[test]
    fn epoch_zero_is_base_lr_then_the_cosine_restarts_every_cycle() {
        let k = cyclical(0.1, Num::Int(4), Num::Float(0.001));
        assert_eq!(k.common().last_lr, Num::Float(0.1));
        for e in [1_i64, 2, 3, 4, 5, 9, 400] {
            let r = (e % 4) as f64;
            assert_eq!(
                k.value_at(e).unwrap(),
                Num::Float(expected(0.1, 4.0, 0.001, r)),
                "{e}"
            );
        }
        // A multiple of the cycle is the formula at 0, not base_lr.
        assert_eq!(
            k.value_at(8).unwrap(),
            Num::Float(0.001 + 0.5 * (0.1 - 0.001) * 2.0)
        );
    }

    #[test]
    fn negative_epochs_use_pythons_modulo() {
        let k = cyclical(0.3, Num::Int(5), Num::Int(0));
        // -1 % 5 == 4, -7 % 5 == 3
        assert_eq!(
            k.value_at(-1).unwrap(),
            Num::Float(expected(0.3, 5.0, 0.0, 4.0))
        );
        assert_eq!(
            k.value_at(-7).unwrap(),
            Num::Float(expected(0.3, 5.0, 0.0, 3.0))
        );
        let extreme = cyclical(0.3, Num::Int(7), Num::Int(0));
        assert!(extreme.value_at(i64::MIN).is_ok());
        assert!(extreme.value_at(i64::MAX).is_ok());
    }

    #[test]
    fn a_float_cycle_takes_float_modulo() {
        let k = cyclical(0.2, Num::Float(2.5), Num::Float(0.0));
        // 7 % 2.5 == 2.0, -1 % 2.5 == 1.5
        assert_eq!(
            k.value_at(7).unwrap(),
            Num::Float(expected(0.2, 2.5, 0.0, 2.0))
        );
        assert_eq!(
            k.value_at(-1).unwrap(),
            Num::Float(expected(0.2, 2.5, 0.0, 1.5))
        );
    }

    #[test]
    fn tiled_fill_is_exact() {
        for cycle in [1, 2, 3, 7, 100] {
            let k = cyclical(0.7, Num::Int(cycle), Num::Float(0.003));
            for first in [-500, -3, 0, 1, 17, (1 << 53) - 100, i64::MAX - 2000] {
                assert_fill_is_exact(&k, first, 1000, 97);
            }
        }
        let float_cycle = cyclical(0.7, Num::Float(3.5), Num::Int(0));
        assert_fill_is_exact(&float_cycle, -50, 300, 64);
    }

    #[test]
    fn explicit_and_sequential_steps_agree() {
        let mut k = cyclical(0.1, Num::Int(6), Num::Float(0.01));
        k.step(Some(33), &mut Log::muted()).unwrap();
        assert_eq!(k.common().last_lr, k.value_at(33).unwrap());
        k.step(None, &mut Log::muted()).unwrap();
        assert_eq!(k.common().last_lr, k.value_at(34).unwrap());
        assert_eq!(k.common().last_epoch, 34);
    }

    #[test]
    fn any_last_epoch_constructs() {
        let mut k =
            CyclicalCosineDecay::new(Num::Float(0.1), Num::Int(3), Num::Int(0), 5, false).unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        assert_eq!(k.common().last_lr, k.value_at(6).unwrap());
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |lr: f64, cycle: Num, eta_min: f64| {
            CyclicalCosineDecay::new(Num::Float(lr), cycle, Num::Float(eta_min), -1, false)
        };
        assert!(matches!(
            bad(0.1, Num::Int(0), 0.0),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(0.1, Num::Int(-2), 0.0),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(0.1, Num::Float(f64::INFINITY), 0.0),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(0.1, Num::Int(2), f64::NAN),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(-0.1, Num::Int(2), 0.0),
            Err(CoreError::Value(_))
        ));
    }
}
