//! `LinearLR`.

use crate::bulk::{epoch_of, Scan};
use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// A linear ramp of the factor applied to `base_lr`, from `start_factor` (epoch 0) to
/// `end_factor` (epoch `total_steps`), as paddle steps it: a recurrence on the previous value,
///
/// `lr(e) = lr(e-1) * (1.0 + (f1 - f0) / (T * f0 + (e - 1) * (f1 - f0)))` for `0 < e <= T`,
///
/// with `lr(0) = base_lr * f0` and `lr(e) = lr(e-1)` past `T` (`f0 = start_factor`,
/// `f1 = end_factor`, `T = total_steps`). It has no closed form: `step(epoch)` applies the
/// same recurrence at `epoch` to whatever value came before.
#[derive(Clone, Debug)]
pub struct LinearLR {
    common: Common,
    pub total_steps: Num,
    pub start_factor: Num,
    pub end_factor: Num,
}

impl LinearLR {
    /// Validate as paddle does, before the first `step()`. Ints stay ints, as in paddle's
    /// arithmetic (`total_steps * start_factor` is an int for int operands).
    pub fn new(
        learning_rate: Num,
        total_steps: Num,
        start_factor: Num,
        end_factor: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let start_factor = validate::finite("start_factor", start_factor)?;
        if start_factor.gt(Num::Float(1.0)) || start_factor.le(Num::Int(0)) {
            return Err(CoreError::value(format!(
                "`start_factor` must be greater than 0 and less or equal to 1, but got {}",
                validate::show(start_factor)
            )));
        }
        let end_factor = validate::finite("end_factor", end_factor)?;
        if end_factor.gt(Num::Float(1.0)) || end_factor.lt(Num::Int(0)) {
            return Err(CoreError::value(format!(
                "`end_factor` must be greater than 0 and less than 1, but got {}",
                validate::show(end_factor)
            )));
        }
        let total_steps = validate::finite("total_steps", total_steps)?;
        if total_steps.le(Num::Int(0)) {
            return Err(CoreError::value(format!(
                "`total_steps` must be greater than 0, but got {}",
                validate::show(total_steps)
            )));
        }
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            total_steps,
            start_factor,
            end_factor,
        })
    }

    /// paddle's `get_lr` at `epoch`, with `last_lr` as the previous value.
    pub fn recurrence(&self, epoch: i64, last_lr: Num) -> CoreResult<Num> {
        if epoch == 0 {
            return self.first_value();
        }
        match self.factor(epoch)? {
            Some(factor) => last_lr.mul(Num::Float(factor)),
            None => Ok(last_lr),
        }
    }

    /// The value at epoch 0: `base_lr * start_factor`.
    fn first_value(&self) -> CoreResult<Num> {
        Num::Float(self.common.base_lr).mul(self.start_factor)
    }

    /// The factor `1.0 + (f1 - f0) / (T * f0 + (e - 1) * (f1 - f0))` that multiplies the
    /// previous value at an epoch `e != 0`; `None` past `T`, where the value is held.
    fn factor(&self, epoch: i64) -> CoreResult<Option<f64>> {
        if Num::Int(epoch).gt(self.total_steps) {
            return Ok(None);
        }
        let start = self.total_steps.mul(self.start_factor)?;
        let slope = self.end_factor.sub(self.start_factor)?;
        let offset = Num::Int(epoch).sub(Num::Int(1))?.mul(slope)?;
        let increment = slope.truediv(start.add(offset)?)?;
        Ok(Some(1.0 + increment))
    }
}

/// paddle's recurrence as a `bulk::Scan` from epoch `start`: the terms are the factors (NaN,
/// which no factor is, where the value is held), the fold multiplies them in.
struct LinearScan {
    schedule: LinearLR,
    start: i64,
}

impl Scan for LinearScan {
    fn terms(&self, first: u64, out: &mut [f64]) -> CoreResult<()> {
        for (slot, step) in out.iter_mut().zip(first..) {
            let epoch = epoch_of(self.start, step);
            *slot = match epoch {
                0 => 0.0,
                e => self.schedule.factor(e)?.unwrap_or(f64::NAN),
            };
        }
        Ok(())
    }

    fn fold(&self, first: u64, prev: &mut f64, values: &mut [f64]) -> CoreResult<()> {
        let mut value = *prev;
        for (slot, step) in values.iter_mut().zip(first..) {
            if epoch_of(self.start, step) == 0 {
                value = self.schedule.first_value()?.as_f64();
            } else if !slot.is_nan() {
                value *= *slot;
            }
            *slot = value;
        }
        *prev = value;
        Ok(())
    }
}

impl Kernel for LinearLR {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "LinearLR"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.recurrence(self.common.last_epoch, self.common.last_lr)
    }
    fn scan(&self) -> Option<Box<dyn Scan>> {
        Some(Box::new(LinearScan {
            schedule: self.clone(),
            start: self.common.last_epoch,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linear(total: Num, start: Num, end: Num) -> CoreResult<LinearLR> {
        LinearLR::new(Num::Float(0.5), total, start, end, -1, false)
    }

    #[test]
    fn ramps_by_paddles_recurrence_then_holds() {
        let mut k = linear(Num::Int(4), Num::Float(0.25), Num::Float(1.0)).unwrap();
        let mut log = Log::muted();
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(0.5 * 0.25));
        let mut expected = 0.5 * 0.25;
        for e in 1..=4 {
            k.step(None, &mut log).unwrap();
            expected *= 1.0 + 0.75 / (4.0 * 0.25 + f64::from(e - 1) * 0.75);
            assert_eq!(k.common().last_lr, Num::Float(expected), "epoch {e}");
        }
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_lr, Num::Float(expected));
    }

    #[test]
    fn int_operands_stay_ints_until_the_division() {
        // total_steps * start_factor and (e - 1) * (end - start) are ints: 3 + (e-1) * -1.
        let k = linear(Num::Int(3), Num::Int(1), Num::Int(0)).unwrap();
        assert_eq!(
            k.recurrence(2, Num::Float(1.0)).unwrap(),
            Num::Float(1.0 * (1.0 + -1.0 / 2.0))
        );
    }

    #[test]
    fn past_total_steps_returns_last_lr_unchanged() {
        let k = linear(Num::Float(2.5), Num::Float(0.5), Num::Float(1.0)).unwrap();
        assert_eq!(k.recurrence(3, Num::Int(7)).unwrap(), Num::Int(7));
    }

    #[test]
    fn negative_epochs_can_divide_by_zero_like_python() {
        // 10 * 0.5 + (e - 1) * 0.5 == 0 at e = -9.
        let k = linear(Num::Int(10), Num::Float(0.5), Num::Float(1.0)).unwrap();
        assert!(matches!(
            k.recurrence(-9, Num::Float(0.1)),
            Err(CoreError::ZeroDivision(_))
        ));
    }

    #[test]
    fn rejects_bad_arguments() {
        let f = Num::Float;
        for (total, start, end) in [
            (Num::Int(0), f(0.5), f(1.0)),
            (Num::Int(5), f(0.0), f(1.0)),
            (Num::Int(5), f(1.5), f(1.0)),
            (Num::Int(5), f(0.5), f(-0.1)),
            (Num::Int(5), f(0.5), f(1.1)),
            (Num::Int(5), f(f64::NAN), f(1.0)),
        ] {
            assert!(
                matches!(linear(total, start, end), Err(CoreError::Value(_))),
                "{total:?} {start:?} {end:?}"
            );
        }
    }
}
