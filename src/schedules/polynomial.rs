//! `PolynomialDecay`.

use crate::error::{CoreError, CoreResult};
use crate::exact_simd::pow_exact;
use crate::lock_free::{ByValue, LockFreeStep};
use crate::pyops::{float_pow, math_ceil, Num};
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// Polynomial decay from `base_lr` to `end_lr` over `decay_steps`:
///
/// `lr(e) = (base_lr - end_lr) * (1 - t / d) ** power + end_lr`, with `t = min(e, decay_steps)`
/// and `d = decay_steps`, or, with `cycle`, `t = e` and `d = decay_steps * ceil(e / decay_steps)`
/// (`ceil` taken as 1 at `e == 0`).
#[derive(Clone, Debug)]
pub struct PolynomialDecay {
    common: Common,
    pub decay_steps: i64,
    pub end_lr: Num,
    pub power: Num,
    pub cycle: bool,
}

impl PolynomialDecay {
    /// Validate as paddle does (its asserts become `ValueError`), before the first `step()`.
    pub fn new(
        learning_rate: Num,
        decay_steps: i64,
        end_lr: Num,
        power: Num,
        cycle: bool,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let decay_steps = validate::positive_int("decay_steps", decay_steps)?;
        let power = validate::finite("power", power)?;
        if !power.gt(Num::Float(0.0)) {
            return Err(CoreError::value(format!(
                "power must be greater than 0.0 so that the learning rate will decay, got {}",
                validate::show(power)
            )));
        }
        let end_lr = validate::finite("end_lr", end_lr)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            decay_steps,
            end_lr,
            power,
            cycle,
        })
    }

    /// The value at `epoch`, in paddle's operation order.
    #[inline]
    pub fn value_at(&self, epoch: i64) -> CoreResult<f64> {
        let (t, d) = if self.cycle {
            let mut div = math_ceil(epoch as f64 / self.decay_steps as f64)?;
            if epoch == 0 {
                div = 1;
            }
            let d = self.decay_steps.checked_mul(div).ok_or_else(|| {
                CoreError::overflow(format!("decay_steps * cycle overflows at epoch {epoch}"))
            })?;
            (epoch, d)
        } else {
            (epoch.min(self.decay_steps), self.decay_steps)
        };
        if d == 0 {
            return Err(CoreError::zero_division("float division by zero"));
        }
        self.decayed(t, d)
    }

    /// `(base_lr - end_lr) * (1 - t / d) ** power + end_lr`, paddle's expression and order.
    #[inline]
    fn decayed(&self, t: i64, d: i64) -> CoreResult<f64> {
        let frac = 1.0 - t as f64 / d as f64;
        let scale = float_pow(frac, self.power.as_f64())?;
        Ok(self.scaled(scale))
    }

    #[inline]
    fn scaled(&self, scale: f64) -> f64 {
        (self.common.base_lr - self.end_lr.as_f64()) * scale + self.end_lr.as_f64()
    }

    /// `out[i] = decayed(min(epochs[i], decay_steps), decay_steps)` (the values without
    /// `cycle`), the powers a piece at a time by `exact_simd::pow_exact`: libm's `pow`, bit for
    /// bit, vectorised where that is proven.
    fn decayed_at(&self, epochs: impl Iterator<Item = i64>, out: &mut [f64]) -> CoreResult<()> {
        let d = self.decay_steps;
        let power = self.power.as_f64();
        let mut bases = [0.0; PIECE];
        let mut epochs = epochs;
        for piece in out.chunks_mut(PIECE) {
            let bases = &mut bases[..piece.len()];
            for (base, epoch) in bases.iter_mut().zip(&mut epochs) {
                *base = 1.0 - epoch.min(d) as f64 / d as f64;
            }
            pow_exact(bases, power, piece);
            for (slot, base) in piece.iter_mut().zip(bases.iter()) {
                // What float_pow refuses (an overflow, from a negative epoch), it refuses here.
                if !slot.is_finite() {
                    float_pow(*base, power)?;
                }
                *slot = self.scaled(*slot);
            }
        }
        Ok(())
    }
}

/// Values per call of `pow_exact` (its bases live on the stack).
const PIECE: usize = 512;

impl Kernel for PolynomialDecay {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "PolynomialDecay"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.value_at(self.common.last_epoch).map(Num::Float)
    }
    fn is_pure(&self) -> bool {
        true
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        self.value_at(epoch).map(Num::Float)
    }
    fn lock_free_step(&self) -> Option<Box<dyn LockFreeStep>> {
        Some(Box::new(ByValue(self.clone())))
    }
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        if self.cycle {
            for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
                *slot = self.value_at(epoch)?;
            }
            return Ok(());
        }
        // From decay_steps on every epoch computes the same expression from the same operands:
        // compute it once and fill the run.
        let before = usize::try_from(self.decay_steps.saturating_sub(first_epoch))
            .unwrap_or(0)
            .min(out.len());
        let (decaying, done) = out.split_at_mut(before);
        self.decayed_at(first_epoch.., decaying)?;
        if !done.is_empty() {
            done.fill(self.value_at(self.decay_steps)?);
        }
        Ok(())
    }
    fn values_at(&self, epochs: &mut [i64], out: &mut [f64]) -> CoreResult<()> {
        if self.cycle {
            for (slot, epoch) in out.iter_mut().zip(epochs) {
                *slot = self.value_at(*epoch)?;
            }
            return Ok(());
        }
        self.decayed_at(epochs.iter().copied(), out)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::PolynomialDecay;
    use crate::pyops::Num;

    /// `PolynomialDecay(0.1, decay_steps, end_lr=0.0, power, cycle)`, not yet stepped.
    pub(crate) fn decay(decay_steps: i64, power: f64, cycle: bool) -> PolynomialDecay {
        let k = PolynomialDecay::new(
            Num::Float(0.1),
            decay_steps,
            Num::Float(0.0),
            Num::Float(power),
            cycle,
            -1,
            false,
        );
        k.unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly(power: f64, cycle: bool) -> PolynomialDecay {
        testing::decay(10, power, cycle)
    }

    #[test]
    fn linear_power_reaches_end_lr_and_stays() {
        let p = poly(1.0, false);
        assert_eq!(p.value_at(0).unwrap(), 0.1);
        assert_eq!(p.value_at(10).unwrap(), 0.0);
        assert_eq!(p.value_at(25).unwrap(), 0.0);
        // (0.1 - 0.0) * (1 - 5/10) ** 1 + 0.0, in that order.
        assert_eq!(p.value_at(5).unwrap(), 0.1 * 0.5);
    }

    #[test]
    fn cycle_restarts_with_longer_period() {
        let p = poly(1.0, true);
        // epoch 15: d = 10 * ceil(1.5) = 20 -> (1 - 15/20)
        assert_eq!(p.value_at(15).unwrap(), 0.1 * (1.0 - 15.0 / 20.0));
        assert_eq!(p.value_at(0).unwrap(), 0.1);
    }

    #[test]
    fn cycle_with_negative_epoch_divides_by_zero_like_python() {
        let p = poly(1.0, true);
        assert!(matches!(p.value_at(-3), Err(CoreError::ZeroDivision(_))));
    }

    #[test]
    fn filled_tail_equals_per_epoch_values() {
        for power in [0.5, 0.9, 1.0, 2.0] {
            let p = poly(power, false);
            let mut out = vec![0.0; 40];
            p.fill_from(-5, &mut out).unwrap();
            for (v, epoch) in out.iter().zip(-5..) {
                let expected = p.value_at(epoch).unwrap();
                assert_eq!(
                    v.to_bits(),
                    expected.to_bits(),
                    "power {power} epoch {epoch}"
                );
            }
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |steps, power: f64| {
            PolynomialDecay::new(
                Num::Float(0.1),
                steps,
                Num::Float(0.0),
                Num::Float(power),
                false,
                -1,
                false,
            )
        };
        assert!(matches!(bad(0, 1.0), Err(CoreError::Value(_))));
        assert!(matches!(bad(10, 0.0), Err(CoreError::Value(_))));
        assert!(matches!(bad(10, f64::NAN), Err(CoreError::Value(_))));
    }
}
