//! `InverseTimeDecay`.

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::validate;

/// Inverse-time decay: `lr(e) = base_lr / (1 + gamma * e)`.
#[derive(Clone, Debug)]
pub struct InverseTimeDecay {
    common: Common,
    pub gamma: Num,
}

impl InverseTimeDecay {
    /// paddle checks nothing about `gamma`; fastwarmup refuses NaN and infinities. A
    /// denominator of 0 raises `ZeroDivisionError` at that step, as in paddle.
    pub fn new(learning_rate: Num, gamma: Num, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let gamma = validate::finite("gamma", gamma)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            gamma,
        })
    }

    /// The value at `epoch`, in paddle's operation order.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        let denominator = match self.gamma {
            // An exact Python int (i128 holds it), which the division converts to the nearest
            // float.
            Num::Int(g) => (1 + i128::from(g) * i128::from(epoch)) as f64,
            Num::Float(g) => 1.0 + g * epoch as f64,
        };
        if denominator == 0.0 {
            return Err(CoreError::zero_division("float division by zero"));
        }
        Ok(Num::Float(self.common.base_lr / denominator))
    }
}

pure_kernel!(InverseTimeDecay, "InverseTimeDecay");

#[cfg(test)]
mod tests {
    use super::*;

    fn inverse_time(gamma: Num) -> InverseTimeDecay {
        InverseTimeDecay::new(Num::Float(0.5), gamma, -1, false).unwrap()
    }

    #[test]
    fn divides_by_one_plus_gamma_epoch() {
        let k = inverse_time(Num::Float(0.1));
        assert_eq!(k.value_at(0).unwrap(), Num::Float(0.5));
        assert_eq!(k.value_at(3).unwrap(), Num::Float(0.5 / (1.0 + 0.1 * 3.0)));
    }

    #[test]
    fn zero_denominator_is_zero_division() {
        assert!(matches!(
            inverse_time(Num::Int(-1)).value_at(1),
            Err(CoreError::ZeroDivision(_))
        ));
        assert!(matches!(
            inverse_time(Num::Float(-0.5)).value_at(2),
            Err(CoreError::ZeroDivision(_))
        ));
    }

    #[test]
    fn int_gamma_denominator_is_exact() {
        // 1 + 3 * (2**62 + 1) is beyond i64; Python divides by float(13835058055282163715).
        let k = inverse_time(Num::Int(3));
        let epoch = (1_i64 << 62) + 1;
        assert_eq!(
            k.value_at(epoch).unwrap(),
            Num::Float(3.614_007_241_618_348e-20)
        );
    }
}
