//! `LambdaDecay`.

use crate::callback::Callback;
use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// The base learning rate scaled by a user's function of the epoch:
///
/// `lr(e) = base_lr * lr_lambda(e)`.
#[derive(Clone)]
pub struct LambdaDecay {
    common: Common,
    pub lr_lambda: Box<dyn Callback>,
}

impl LambdaDecay {
    /// Validate as paddle does, before the first `step()`.
    pub fn new(
        learning_rate: Num,
        lr_lambda: Box<dyn Callback>,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            lr_lambda,
        })
    }
}

impl Kernel for LambdaDecay {
    kernel_plumbing!();
    fn detach_callbacks(&mut self) {
        self.lr_lambda = Box::new(crate::callback::Detached);
    }
    fn class_name(&self) -> &'static str {
        "LambdaDecay"
    }
    fn callbacks(&self) -> Vec<&dyn Callback> {
        vec![self.lr_lambda.as_ref()]
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        let factor = self.lr_lambda.call(Num::Int(self.common.last_epoch))?;
        Num::Float(self.common.base_lr).mul(factor)
    }
    fn calls_python(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::FnCallback;
    use crate::error::CoreError;

    fn lambda(f: fn(Num) -> CoreResult<Num>) -> LambdaDecay {
        LambdaDecay::new(Num::Float(0.5), Box::new(FnCallback(f)), -1, false).unwrap()
    }

    #[test]
    fn scales_base_lr_by_the_function_of_the_epoch() {
        let mut k = lambda(|e| Ok(Num::Float(0.95_f64.powi(e.as_f64() as i32))));
        let mut log = Log::new();
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(0.5));
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(0.5 * 0.95));
        k.step(Some(3), &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(0.5 * 0.95_f64.powi(3)));
    }

    #[test]
    fn an_int_result_multiplies_as_python_float_times_int() {
        let mut k = lambda(|e| Ok(Num::Int(e.as_f64() as i64 % 3)));
        let mut log = Log::new();
        k.step(Some(2), &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(1.0));
    }

    #[test]
    fn a_failing_function_leaves_the_state_unchanged() {
        let mut k = lambda(|e| {
            if e == Num::Int(2) {
                Err(CoreError::value("boom"))
            } else {
                Ok(Num::Float(1.0))
            }
        });
        let mut log = Log::new();
        k.step(None, &mut log).unwrap();
        k.step(None, &mut log).unwrap();
        let before = k.common().clone();
        assert!(k.step(None, &mut log).is_err());
        assert_eq!(*k.common(), before);
    }
}
