//! `NaturalExpDecay`.

use crate::error::CoreResult;
use crate::pyops::{math_exp, Num};
use crate::schedule::Common;
use crate::schedules::validate;

/// Exponential decay with rate `gamma`: `lr(e) = base_lr * exp(-1 * gamma * e)`.
#[derive(Clone, Debug)]
pub struct NaturalExpDecay {
    common: Common,
    pub gamma: Num,
}

impl NaturalExpDecay {
    /// Validate as paddle does (`gamma > 0.0`), before the first `step()`.
    pub fn new(learning_rate: Num, gamma: Num, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let gamma = validate::positive("gamma", gamma)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            gamma,
        })
    }

    /// The value at `epoch`, in paddle's operation order.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        let exponent = match self.gamma {
            // An exact Python int (i128 holds any product of two i64), which `math.exp`
            // converts to the nearest float.
            Num::Int(g) => (-i128::from(g) * i128::from(epoch)) as f64,
            // `-1 * gamma` is `-gamma` exactly.
            Num::Float(g) => -g * epoch as f64,
        };
        Ok(Num::Float(self.common.base_lr * math_exp(exponent)?))
    }
}

pure_kernel!(NaturalExpDecay, "NaturalExpDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;

    #[test]
    fn decays_exponentially() {
        let k = NaturalExpDecay::new(Num::Float(0.5), Num::Float(0.1), -1, false).unwrap();
        assert_eq!(k.value_at(0).unwrap(), Num::Float(0.5));
        assert_eq!(
            k.value_at(3).unwrap(),
            Num::Float(0.5 * (-0.1_f64 * 3.0).exp())
        );
        // exp(710) overflows: OverflowError("math range error") as in paddle.
        assert!(matches!(k.value_at(-7100), Err(CoreError::Overflow(_))));
    }

    #[test]
    fn int_gamma_products_are_exact() {
        // -1 * 3 * 2**62 is beyond i64 in Python too; math.exp gets float(-3 * 2**62).
        let k = NaturalExpDecay::new(Num::Float(0.5), Num::Int(3), -1, false).unwrap();
        assert_eq!(k.value_at(1 << 62).unwrap(), Num::Float(0.0));
        assert_eq!(k.value_at(2).unwrap(), Num::Float(0.5 * (-6.0_f64).exp()));
    }

    #[test]
    fn gamma_must_be_positive() {
        for gamma in [Num::Float(0.0), Num::Int(-1), Num::Float(f64::INFINITY)] {
            let result = NaturalExpDecay::new(Num::Float(0.5), gamma, -1, false);
            assert!(matches!(result, Err(CoreError::Value(_))), "{gamma:?}");
        }
    }
}
