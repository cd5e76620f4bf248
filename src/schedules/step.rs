//! `StepDecay`.

use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::staircase::{scaled_power, Run};
use crate::schedules::validate;

/// Decay by `gamma` every `step_size` epochs:
///
/// `lr(e) = base_lr * gamma ** (e // step_size)` (floor division: negative epochs give
/// negative powers).
#[derive(Clone, Debug)]
pub struct StepDecay {
    common: Common,
    pub step_size: i64,
    pub gamma: Num,
}

impl StepDecay {
    /// Validate as paddle does (`gamma < 1.0`, `step_size > 0`), before the first `step()`.
    pub fn new(
        learning_rate: Num,
        step_size: i64,
        gamma: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let gamma = validate::below_one("gamma", gamma)?;
        let step_size = validate::positive_int("step_size", step_size)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            step_size,
            gamma,
        })
    }

    /// paddle's `epoch // step_size` (`div_euclid` is floor division for a positive divisor).
    fn period(&self, epoch: i64) -> i64 {
        epoch.div_euclid(self.step_size)
    }

    /// The value at `epoch`.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        scaled_power(self.common.base_lr, self.gamma, self.period(epoch)).map(Num::Float)
    }

    /// The value at `epoch` and the last epoch of its period.
    pub fn run_at(&self, epoch: i64) -> CoreResult<Run> {
        let period = self.period(epoch);
        let last = period
            .checked_add(1)
            .and_then(|next| next.checked_mul(self.step_size))
            .map_or(i64::MAX, |next_start| next_start - 1);
        Ok(Run {
            value: self.value_at(epoch)?,
            last,
        })
    }
}

piecewise_constant_kernel!(StepDecay, "StepDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn step_decay(step_size: i64, gamma: Num) -> StepDecay {
        StepDecay::new(Num::Float(1.0), step_size, gamma, -1, false).unwrap()
    }

    #[test]
    fn negative_epochs_floor_to_negative_powers() {
        // paddle: StepDecay(1.0, 2, gamma=-2) at epoch -5 is 1.0 * (-2) ** -3 == -0.125.
        let k = step_decay(2, Num::Int(-2));
        assert_eq!(k.value_at(-5).unwrap(), Num::Float(-0.125));
        // At epoch 140, (-2) ** 70 is beyond 64 bits: 1.1805916207174113e+21 in paddle.
        assert_eq!(
            k.value_at(140).unwrap(),
            Num::Float(1.180_591_620_717_411_3e21)
        );
        let zero = step_decay(3, Num::Float(0.0));
        assert!(matches!(zero.value_at(-1), Err(CoreError::ZeroDivision(_))));
    }

    #[test]
    fn filling_by_runs_is_exact() {
        for (step_size, gamma) in [
            (1, Num::Float(0.5)),
            (3, Num::Float(0.1)),
            (7, Num::Int(-1)),
            (4, Num::Int(-3)),
        ] {
            let k = step_decay(step_size, gamma);
            for chunk in [1, 2, 5, 64] {
                assert_fill_is_exact(&k, -30, 90, chunk);
            }
        }
        let long = step_decay(i64::MAX, Num::Float(0.5));
        assert_fill_is_exact(&long, i64::MIN, 8, 3);
        assert_fill_is_exact(&long, -4, 8, 3);
        assert_fill_is_exact(&long, i64::MAX - 7, 8, 3);
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |step_size, gamma| StepDecay::new(Num::Float(1.0), step_size, gamma, -1, false);
        assert!(matches!(bad(0, Num::Float(0.1)), Err(CoreError::Value(_))));
        assert!(matches!(bad(5, Num::Float(1.0)), Err(CoreError::Value(_))));
        assert!(matches!(
            bad(5, Num::Float(f64::NAN)),
            Err(CoreError::Value(_))
        ));
    }
}
