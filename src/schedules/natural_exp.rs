//! `NaturalExpDecay`.

use crate::error::CoreResult;
use crate::exact_simd::exp_exact;
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
        Ok(Num::Float(
            self.common.base_lr * math_exp(self.exponent(epoch))?,
        ))
    }

    /// `-1 * gamma * epoch`, the argument of paddle's `math.exp`.
    #[inline]
    fn exponent(&self, epoch: i64) -> f64 {
        match self.gamma {
            // An exact Python int (i128 holds any product of two i64), which `math.exp`
            // converts to the nearest float.
            Num::Int(g) => (-i128::from(g) * i128::from(epoch)) as f64,
            // `-1 * gamma` is `-gamma` exactly.
            Num::Float(g) => -g * epoch as f64,
        }
    }

    /// `out[i] = value_at(epochs[i])`, the exponentials a piece at a time by
    /// `exact_simd::exp_exact`: libm's `exp`, bit for bit, vectorised where glibc's stated error
    /// bound holds (and a start-up self-check agrees).
    fn values(&self, epochs: impl Iterator<Item = i64>, out: &mut [f64]) -> CoreResult<()> {
        let mut exponents = [0.0; PIECE];
        let mut epochs = epochs;
        for piece in out.chunks_mut(PIECE) {
            let exponents = &mut exponents[..piece.len()];
            for (exponent, epoch) in exponents.iter_mut().zip(&mut epochs) {
                *exponent = self.exponent(epoch);
            }
            exp_exact(exponents, piece);
            for (slot, exponent) in piece.iter_mut().zip(exponents.iter()) {
                // What math_exp refuses (an overflow, from a negative epoch), it refuses here.
                if !slot.is_finite() {
                    math_exp(*exponent)?;
                }
                *slot *= self.common.base_lr;
            }
        }
        Ok(())
    }
}

/// Values per call of `exp_exact` (its arguments live on the stack).
const PIECE: usize = 512;

pure_kernel! {
    NaturalExpDecay,
    "NaturalExpDecay",
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        self.values(first_epoch.., out)
    }
    fn values_at(&self, epochs: &mut [i64], out: &mut [f64]) -> CoreResult<()> {
        self.values(epochs.iter().copied(), out)
    }
}

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
    fn bulk_values_equal_value_at() {
        use crate::schedule::Kernel;
        use crate::schedules::pure::testing::assert_fill_is_exact;
        for gamma in [
            Num::Float(0.1),
            Num::Float(1e-3),
            Num::Float(0.9),
            Num::Int(1),
            Num::Int(3),
        ] {
            let k = NaturalExpDecay::new(Num::Float(0.5), gamma, -1, false).unwrap();
            assert_fill_is_exact(&k, -20, 3000, 700);
            assert_fill_is_exact(&k, 7000, 1500, 512);
            let mut epochs: Vec<i64> = (0..2000).map(|i| (i * 7919) % 100_003 - 50).collect();
            let mut out = vec![f64::NAN; epochs.len()];
            let expected: Vec<u64> = epochs
                .iter()
                .map(|&e| k.value_at(e).unwrap().as_f64().to_bits())
                .collect();
            k.values_at(&mut epochs, &mut out).unwrap();
            assert!(out.iter().map(|v| v.to_bits()).eq(expected), "{gamma:?}");
        }
    }

    #[test]
    fn bulk_values_raise_the_overflow_value_at_raises() {
        use crate::schedule::Kernel;
        let k = NaturalExpDecay::new(Num::Float(0.5), Num::Float(0.1), -1, false).unwrap();
        let mut out = vec![0.0; 8000];
        // Epochs -7097.. reach exp(709.7..); from -7098 on exp(709.8) overflows.
        assert!(k.fill_from(-7097, &mut out).is_ok());
        assert!(matches!(
            k.fill_from(-7098, &mut out),
            Err(CoreError::Overflow(_))
        ));
        let mut epochs = vec![0, 5, -7100, 3];
        assert!(matches!(
            k.values_at(&mut epochs, &mut out[..4]),
            Err(CoreError::Overflow(_))
        ));
    }

    #[test]
    fn gamma_must_be_positive() {
        for gamma in [Num::Float(0.0), Num::Int(-1), Num::Float(f64::INFINITY)] {
            let result = NaturalExpDecay::new(Num::Float(0.5), gamma, -1, false);
            assert!(matches!(result, Err(CoreError::Value(_))), "{gamma:?}");
        }
    }
}
