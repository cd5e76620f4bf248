//! `ExponentialDecay`.

use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::staircase::scaled_power;
use crate::schedules::validate;

/// Decay by `gamma` every epoch: `lr(e) = base_lr * gamma ** e`, `0 < gamma < 1`.
#[derive(Clone, Debug)]
pub struct ExponentialDecay {
    common: Common,
    pub gamma: Num,
}

impl ExponentialDecay {
    /// Validate as paddle does (`0.0 < gamma < 1.0`), before the first `step()`.
    pub fn new(learning_rate: Num, gamma: Num, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let gamma = validate::below_one("gamma", validate::positive("gamma", gamma)?)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            gamma,
        })
    }

    /// The value at `epoch`: paddle's `base_lr * (gamma ** epoch)`.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        scaled_power(self.common.base_lr, self.gamma, epoch).map(Num::Float)
    }
}

pure_kernel!(ExponentialDecay, "ExponentialDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;

    #[test]
    fn powers_of_gamma() {
        let k = ExponentialDecay::new(Num::Float(0.5), Num::Float(0.9), -1, false).unwrap();
        assert_eq!(k.value_at(0).unwrap(), Num::Float(0.5));
        assert_eq!(k.value_at(7).unwrap(), Num::Float(0.5 * 0.9_f64.powf(7.0)));
        assert_eq!(
            k.value_at(-2).unwrap(),
            Num::Float(0.5 * 0.9_f64.powf(-2.0))
        );
        // 0.9 ** -10**5 overflows, as float pow does in paddle.
        assert!(matches!(k.value_at(-100_000), Err(CoreError::Overflow(_))));
    }

    #[test]
    fn gamma_must_be_between_zero_and_one() {
        for gamma in [
            Num::Float(0.0),
            Num::Int(1),
            Num::Float(1.5),
            Num::Float(f64::NAN),
        ] {
            let result = ExponentialDecay::new(Num::Float(0.5), gamma, -1, false);
            assert!(matches!(result, Err(CoreError::Value(_))), "{gamma:?}");
        }
    }
}
