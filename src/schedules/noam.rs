//! `NoamDecay`.

use crate::error::{CoreError, CoreResult};
use crate::pyops::{float_pow, py_min, Num};
use crate::schedule::Common;
use crate::schedules::validate;

/// The schedule of "Attention Is All You Need": linear warm-up, then inverse square root.
///
/// `lr(e) = base_lr * d_model ** -0.5 * min(a, b)`, with `a = e ** -0.5` (the int `1` at
/// `e == 0`) and `b = warmup_steps ** -1.5 * e`. Undefined at negative epochs (`e ** -0.5` is
/// complex).
#[derive(Clone, Debug)]
pub struct NoamDecay {
    common: Common,
    pub d_model: Num,
    pub warmup_steps: Num,
    /// `d_model ** -0.5`: paddle computes it at every step, from the same operands.
    d_model_factor: f64,
    /// `warmup_steps ** -1.5`, likewise.
    warmup_factor: f64,
}

impl NoamDecay {
    /// Validate as paddle does, before the first `step()`. `warmup_steps` must be > 0 too
    /// (paddle fails on `0 ** -1.5` or a complex power during its first step).
    pub fn new(
        d_model: Num,
        warmup_steps: Num,
        learning_rate: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let d_model = validate::positive("d_model", d_model)?;
        let warmup_steps = validate::positive("warmup_steps", warmup_steps)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            d_model,
            warmup_steps,
            d_model_factor: d_model.pow(Num::Float(-0.5))?.as_f64(),
            warmup_factor: warmup_steps.pow(Num::Float(-1.5))?.as_f64(),
        })
    }

    /// The value at `epoch`, in paddle's operation order.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        if epoch < 0 {
            return Err(CoreError::value(format!(
                "NoamDecay is undefined at epoch {epoch}: epoch ** -0.5 is a complex number \
                 for a negative epoch"
            )));
        }
        let a = if epoch == 0 {
            Num::Int(1)
        } else {
            Num::Float(float_pow(epoch as f64, -0.5)?)
        };
        let b = Num::Float(self.warmup_factor * epoch as f64);
        Ok(Num::Float(
            self.common.base_lr * self.d_model_factor * py_min(a, b).as_f64(),
        ))
    }
}

pure_kernel!(NoamDecay, "NoamDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Kernel;

    fn noam(d_model: Num, warmup_steps: Num) -> NoamDecay {
        NoamDecay::new(d_model, warmup_steps, Num::Float(1.0), -1, false).unwrap()
    }

    #[test]
    fn matches_paddle_values() {
        // paddle 3.3.1: NoamDecay(512, 4000) at epochs 0, 1, 4000, 4001, 10**6.
        let k = noam(Num::Int(512), Num::Int(4000));
        let values: Vec<f64> = [0, 1, 4000, 4001, 1_000_000]
            .iter()
            .map(|&e| k.value_at(e).unwrap().as_f64())
            .collect();
        assert_eq!(
            values,
            [
                0.0,
                1.746_928_107_421_711e-7,
                0.000_698_771_242_968_684_3,
                0.000_698_683_912_937_353,
                4.419_417_382_415_922_6e-5
            ]
        );
    }

    #[test]
    fn float_arguments_are_accepted() {
        let k = noam(Num::Float(64.5), Num::Float(2.5));
        let expected =
            1.0 * 64.5_f64.powf(-0.5) * (2.5_f64.powf(-1.5) * 2.0).min(2.0_f64.powf(-0.5));
        assert_eq!(k.value_at(2).unwrap().as_f64(), expected);
    }

    #[test]
    fn negative_epochs_are_refused() {
        let k = noam(Num::Int(512), Num::Int(10));
        assert!(matches!(k.value_at(-1), Err(CoreError::Value(_))));
        assert!(matches!(k.lr_at(i64::MIN), Err(CoreError::Value(_))));
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |d: Num, w: Num| NoamDecay::new(d, w, Num::Float(1.0), -1, false);
        for (d, w) in [
            (Num::Int(0), Num::Int(10)),
            (Num::Float(-1.0), Num::Int(10)),
            (Num::Int(512), Num::Int(0)),
            (Num::Int(512), Num::Int(-4)),
            (Num::Int(512), Num::Float(f64::NAN)),
        ] {
            assert!(matches!(bad(d, w), Err(CoreError::Value(_))), "{d:?} {w:?}");
        }
        // 1e-300 ** -1.5 overflows in paddle's first step too.
        assert!(matches!(
            bad(Num::Int(512), Num::Float(1e-300)),
            Err(CoreError::Overflow(_))
        ));
    }
}
