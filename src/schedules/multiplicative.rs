//! `MultiplicativeDecay`.

use crate::callback::Callback;
use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// The base learning rate multiplied by a user's factor at every epoch since 1:
///
/// `lr(e) = base_lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(e)` (left to right;
/// `base_lr` for `e <= 0`).
///
/// paddle recomputes the whole product at every step (quadratic in the epoch). This kernel
/// remembers the last product and extends it, which is the same sequence of multiplications:
/// a sequential step calls `lr_lambda` once. Only a step back (or a change of `base_lr`)
/// starts again from epoch 1, as paddle always does. The values are paddle's for any
/// `lr_lambda` whose result depends on its argument alone; the number of calls differs.
#[derive(Clone)]
pub struct MultiplicativeDecay {
    common: Common,
    pub lr_lambda: Box<dyn Callback>,
    product: Product,
}

/// Calls of `lr_lambda` between two checks for an interrupt (a far `step(epoch)` makes one
/// call per epoch).
const INTERRUPT_CHECK: i64 = 1 << 10;

/// `base_lr * lr_lambda(1) * ... * lr_lambda(epoch)` as paddle's loop computes it.
#[derive(Clone, Copy, Debug)]
struct Product {
    base_lr: f64,
    epoch: i64,
    value: Num,
}

impl Product {
    /// The empty product: `base_lr` at epoch 0.
    fn start(base_lr: f64) -> Self {
        Self {
            base_lr,
            epoch: 0,
            value: Num::Float(base_lr),
        }
    }
}

impl MultiplicativeDecay {
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
            product: Product::start(base_lr),
        })
    }

    /// The product up to `epoch`, extending the remembered one when it is a prefix.
    fn product_to(&self, epoch: i64) -> CoreResult<Product> {
        let base_lr = self.common.base_lr;
        let target = epoch.max(0);
        let remembered = self.product;
        let mut product =
            if remembered.base_lr.to_bits() == base_lr.to_bits() && remembered.epoch <= target {
                remembered
            } else {
                Product::start(base_lr)
            };
        while product.epoch < target {
            let next = product.epoch + 1;
            if next % INTERRUPT_CHECK == 0 {
                self.lr_lambda.check_interrupt()?;
            }
            product.value = product.value.mul(self.lr_lambda.call(Num::Int(next))?)?;
            product.epoch = next;
        }
        Ok(product)
    }
}

impl Kernel for MultiplicativeDecay {
    kernel_plumbing!();
    fn detach_callbacks(&mut self) {
        self.lr_lambda = Box::new(crate::callback::Detached);
    }
    fn class_name(&self) -> &'static str {
        "MultiplicativeDecay"
    }
    fn callbacks(&self) -> Vec<&dyn Callback> {
        vec![self.lr_lambda.as_ref()]
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.product = self.product_to(self.common.last_epoch)?;
        Ok(self.product.value)
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// paddle's get_lr, literally.
    fn paddle_value(base_lr: f64, epoch: i64, f: fn(i64) -> f64) -> f64 {
        let mut cur = base_lr;
        for e in 1..=epoch {
            cur *= f(e);
        }
        cur
    }

    fn slowing(e: i64) -> f64 {
        1.0 - 1.0 / (e as f64 + 20.0)
    }

    fn kernel(f: fn(Num) -> CoreResult<Num>) -> MultiplicativeDecay {
        MultiplicativeDecay::new(Num::Float(0.3), Box::new(FnCallback(f)), -1, false).unwrap()
    }

    fn as_i64(n: Num) -> i64 {
        match n {
            Num::Int(i) => i,
            Num::Float(f) => f as i64,
        }
    }

    #[test]
    fn sequential_jumps_and_backward_steps_equal_paddles_product() {
        let mut k = kernel(|e| Ok(Num::Float(slowing(as_i64(e)))));
        let mut log = Log::muted();
        for _ in 0..50 {
            k.step(None, &mut log).unwrap();
            let e = k.common().last_epoch;
            assert_eq!(
                k.common().last_lr,
                Num::Float(paddle_value(0.3, e, slowing))
            );
        }
        for e in [80, 7, 0, -4, 3, 200, 199] {
            k.step(Some(e), &mut log).unwrap();
            assert_eq!(
                k.common().last_lr,
                Num::Float(paddle_value(0.3, e, slowing))
            );
        }
    }

    #[test]
    fn a_sequential_step_calls_the_function_once() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let mut k = kernel(|_| {
            CALLS.fetch_add(1, Ordering::Relaxed);
            Ok(Num::Int(1))
        });
        let mut log = Log::muted();
        for _ in 0..100 {
            k.step(None, &mut log).unwrap();
        }
        // epoch 0 needs no call; epochs 1..=99 one each.
        assert_eq!(CALLS.load(Ordering::Relaxed), 99);
        assert_eq!(k.common().last_lr, Num::Float(0.3));
    }

    #[test]
    fn a_new_base_lr_restarts_the_product() {
        let mut k = kernel(|_| Ok(Num::Float(0.5)));
        let mut log = Log::muted();
        k.step(Some(3), &mut log).unwrap();
        k.common_mut().base_lr = 1.0;
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(0.0625));
    }

    #[test]
    fn a_failing_function_leaves_the_state_unchanged() {
        let mut k = kernel(|e| {
            if as_i64(e) == 5 {
                Err(CoreError::value("boom"))
            } else {
                Ok(Num::Float(0.9))
            }
        });
        let mut log = Log::muted();
        k.step(Some(3), &mut log).unwrap();
        let before = k.common().clone();
        assert!(k.step(Some(8), &mut log).is_err());
        assert_eq!(*k.common(), before);
        assert_eq!(k.product.epoch, 3);
    }
}
