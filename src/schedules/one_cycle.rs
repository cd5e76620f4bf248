//! `OneCycleLR`.

use std::f64::consts::PI;

use crate::error::{CoreError, CoreResult};
use crate::lock_free::{ByValue, LockFreeStep};
use crate::pyops::{math_cos, math_floor, Num};
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// How a phase moves from its start value to its end value (`anneal_strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anneal {
    /// `'cos'`: `end + (start - end) / 2.0 * (cos(pi * pct) + 1)`.
    Cos,
    /// `'linear'`: `(end - start) * pct + start`.
    Linear,
}

impl Anneal {
    /// paddle's `anneal_strategy` names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "cos" => Some(Self::Cos),
            "linear" => Some(Self::Linear),
            _ => None,
        }
    }

    /// The value at fraction `pct` of a phase from `start` to `end`, in paddle's order.
    fn at(self, start: Num, end: Num, pct: f64) -> CoreResult<Num> {
        match self {
            Self::Cos => {
                let cos_out = math_cos(PI * pct)? + 1.0;
                let half = start.sub(end)?.truediv(Num::Float(2.0))?;
                end.add(Num::Float(half * cos_out))
            }
            Self::Linear => end.sub(start)?.mul(Num::Float(pct))?.add(start),
        }
    }
}

/// The one-cycle policy: up from `initial_lr = max_learning_rate / divide_factor` to
/// `max_learning_rate` over the first `phase_pct` of `total_steps`, then down to
/// `end_learning_rate` (with `three_phase`: down to `initial_lr` over as many steps, then to
/// `end_learning_rate`). Within phase `i` (epochs up to `step_config[i + 1]`):
///
/// `lr(e) = anneal(lr_config[i], lr_config[i + 1], (e - step_config[i]) / steps_size[i])`,
///
/// with the tables paddle builds (`phase_pct * total_steps - 1` is a float boundary). Stepping
/// past `total_steps` raises `ValueError`.
#[derive(Clone, Debug)]
pub struct OneCycleLR {
    common: Common,
    pub total_steps: i64,
    pub anneal: Anneal,
    /// paddle's `_step_config`: each phase's start epoch, then the last phase's end twice.
    pub step_config: Vec<Num>,
    /// paddle's `_steps_size`: each phase's length (the last one twice).
    pub steps_size: Vec<Num>,
    /// paddle's `_lr_config`: each phase's start value, then the final value.
    pub lr_config: Vec<Num>,
}

/// The arguments of `OneCycleLR(...)`, converted.
#[derive(Clone, Debug)]
pub struct OneCycleArgs {
    pub max_learning_rate: Num,
    pub total_steps: i64,
    pub divide_factor: Num,
    pub end_learning_rate: Num,
    pub phase_pct: f64,
    /// A known strategy, or how the value given prints (refused in paddle's order).
    pub anneal_strategy: Result<Anneal, String>,
    pub three_phase: bool,
}

impl OneCycleLR {
    /// Validate in paddle's order, build its tables, before the first `step()`.
    pub fn new(args: &OneCycleArgs, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let max_lr = args.max_learning_rate;
        validate::learning_rate("max_learning_rate", max_lr)?;
        let min_lr = validate::learning_rate("end_learning_rate", args.end_learning_rate)?;
        let total_steps = validate::positive_int("total_steps", args.total_steps)?;
        let pct = args.phase_pct;
        if !(0.0..=1.0).contains(&pct) {
            return Err(CoreError::value(format!(
                "'phase_pct' must be between 0 and 1, but received {}",
                validate::show(Num::Float(pct))
            )));
        }
        let initial_lr = max_lr.truediv(Num::Float(args.divide_factor.as_f64()))?;
        if args.three_phase && pct >= 0.5 {
            return Err(CoreError::value(
                "When three_phase is True, 'phase_pct' must be less than 0.5",
            ));
        }
        let anneal = args.anneal_strategy.clone().map_err(|shown| {
            CoreError::value(format!(
                "'anneal_strategy' must by one of 'cos' or 'linear', but received {shown}"
            ))
        })?;
        let base_lr =
            validate::learning_rate("max_learning_rate / divide_factor", Num::Float(initial_lr))?;
        let (step_config, lr_config) = if args.three_phase {
            let config = vec![
                Num::Int(0),
                Num::Float(pct * total_steps as f64 - 1.0),
                Num::Float(2.0 * pct * total_steps as f64 - 2.0),
                Num::Int(total_steps - 1),
                Num::Int(total_steps - 1),
            ];
            let lrs = vec![
                Num::Float(initial_lr),
                max_lr,
                Num::Float(initial_lr),
                Num::Float(min_lr),
            ];
            (config, lrs)
        } else {
            let config = vec![
                Num::Int(0),
                Num::Float(pct * total_steps as f64 - 1.0),
                Num::Int(total_steps - 1),
                Num::Int(total_steps - 1),
            ];
            (
                config,
                vec![Num::Float(initial_lr), max_lr, Num::Float(min_lr)],
            )
        };
        let steps_size = Self::phase_sizes(&step_config)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            total_steps,
            anneal,
            step_config,
            steps_size,
            lr_config,
        })
    }

    /// paddle's `_steps_size`: `config[i + 1] - config[i]` for each phase, and the last
    /// phase's size once more (for the last step).
    fn phase_sizes(config: &[Num]) -> CoreResult<Vec<Num>> {
        let mut sizes = config
            .windows(2)
            .take(config.len() - 2)
            .map(|pair| pair[1].sub(pair[0]))
            .collect::<CoreResult<Vec<Num>>>()?;
        if let Some(last) = sizes.last().copied() {
            sizes.push(last);
        }
        Ok(sizes)
    }

    /// The epochs in `first..=last` where a run of epochs in one phase starts, in order: the
    /// phase `value_at` picks changes only where an epoch passes an entry of `step_config`,
    /// so whether a step raises is decided at these epochs.
    fn phase_run_starts(&self, first: i64, last: i64) -> CoreResult<Vec<i64>> {
        let mut starts = vec![first];
        for boundary in &self.step_config {
            let after = match *boundary {
                Num::Int(c) => c.saturating_add(1),
                Num::Float(c) => math_floor(c)?.saturating_add(1),
            };
            starts.push(after);
        }
        starts.retain(|e| (first..=last).contains(e));
        starts.sort_unstable();
        starts.dedup();
        Ok(starts)
    }

    /// paddle's error for stepping past `total_steps`.
    fn past_the_end(&self, step: i64) -> CoreError {
        CoreError::value(format!(
            "Tried to step {step} times. However the number of total steps is {}",
            self.total_steps
        ))
    }

    /// paddle's `get_lr` at `step`: the first phase whose end is not before `step` (the last
    /// phase for anything beyond).
    pub fn value_at(&self, step: i64) -> CoreResult<Num> {
        if step > self.total_steps {
            return Err(self.past_the_end(step));
        }
        let last_phase = self.lr_config.len() - 2;
        let phases = self.step_config[1..].iter().zip(&self.steps_size);
        for (i, (end_step, size)) in phases.enumerate() {
            if Num::Int(step).le(*end_step) || i == last_phase {
                let pct = Num::Int(step).sub(self.step_config[i])?.truediv(*size)?;
                return self
                    .anneal
                    .at(self.lr_config[i], self.lr_config[i + 1], pct);
            }
        }
        Err(CoreError::runtime("OneCycleLR has no phase for this step"))
    }
}

impl Kernel for OneCycleLR {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "OneCycleLR"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.value_at(self.common.last_epoch)
    }
    fn is_pure(&self) -> bool {
        true
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        self.value_at(epoch)
    }
    fn lock_free_step(&self) -> Option<Box<dyn LockFreeStep>> {
        Some(Box::new(ByValue(self.clone())))
    }
    /// Past `total_steps` is refused; but the steps before it run first, and one of them can
    /// raise sooner (`ZeroDivisionError` in a zero-length phase), so those are tried too.
    fn check_epochs(&self, first: i64, last: i64) -> CoreResult<()> {
        if last <= self.total_steps {
            return Ok(());
        }
        for epoch in self.phase_run_starts(first, self.total_steps)? {
            self.value_at(epoch)?;
        }
        Err(self.past_the_end(first.max(self.total_steps.saturating_add(1))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(total_steps: i64, phase_pct: f64, three_phase: bool, anneal: Anneal) -> OneCycleArgs {
        OneCycleArgs {
            max_learning_rate: Num::Float(1.0),
            total_steps,
            divide_factor: Num::Float(25.0),
            end_learning_rate: Num::Float(0.0001),
            phase_pct,
            anneal_strategy: Ok(anneal),
            three_phase,
        }
    }

    fn one_cycle(total_steps: i64, phase_pct: f64, three_phase: bool) -> OneCycleLR {
        OneCycleLR::new(
            &args(total_steps, phase_pct, three_phase, Anneal::Cos),
            -1,
            false,
        )
        .unwrap()
    }

    #[test]
    fn tables_are_paddles() {
        let k = one_cycle(10, 0.3, false);
        let f = Num::Float;
        let c1 = 0.3 * 10.0 - 1.0;
        assert_eq!(
            k.step_config,
            vec![Num::Int(0), f(c1), Num::Int(9), Num::Int(9)]
        );
        assert_eq!(k.steps_size, vec![f(c1 - 0.0), f(9.0 - c1), f(9.0 - c1)]);
        assert_eq!(k.lr_config, vec![f(1.0 / 25.0), f(1.0), f(0.0001)]);
        let three = one_cycle(10, 0.3, true);
        let c2 = 2.0 * 0.3 * 10.0 - 2.0;
        assert_eq!(three.step_config.len(), 5);
        assert_eq!(three.step_config[2], f(c2));
        assert_eq!(
            three.steps_size,
            vec![f(c1), f(c2 - c1), f(9.0 - c2), f(9.0 - c2)]
        );
    }

    #[test]
    fn phases_anneal_in_paddles_order() {
        let k = one_cycle(10, 0.3, false);
        let c1 = 0.3 * 10.0 - 1.0;
        let pct = 1.0 / c1;
        let expected = 1.0 + (1.0 / 25.0 - 1.0) / 2.0 * ((PI * pct).cos() + 1.0);
        assert_eq!(k.value_at(1).unwrap(), Num::Float(expected));
        let linear = OneCycleLR::new(&args(10, 0.3, false, Anneal::Linear), -1, false).unwrap();
        let pct = (5.0 - c1) / (9.0 - c1);
        assert_eq!(
            linear.value_at(5).unwrap(),
            Num::Float((0.0001 - 1.0) * pct + 1.0)
        );
        // The last step (total_steps) still falls in the last phase.
        assert!(linear.value_at(10).is_ok());
    }

    #[test]
    fn stepping_past_total_steps_is_refused_up_front() {
        let k = one_cycle(10, 0.3, false);
        assert!(matches!(k.value_at(11), Err(CoreError::Value(_))));
        assert!(k.check_epochs(0, 10).is_ok());
        let Err(CoreError::Value(message)) = k.check_epochs(3, 12) else {
            panic!("expected a ValueError");
        };
        assert_eq!(
            message,
            "Tried to step 11 times. However the number of total steps is 10"
        );
        assert!(k.check_horizon(12).is_ok());
        assert!(k.check_horizon(13).is_err());
    }

    #[test]
    fn the_horizon_is_refused_through_linear_warmup_nests() {
        use crate::nested::Nested;
        use crate::schedules::LinearWarmup;
        let warm = |nested, steps| {
            let mut w =
                LinearWarmup::new(nested, steps, Num::Float(0.0), Num::Float(0.1), -1, false)
                    .unwrap();
            w.step(None, &mut Log::muted()).unwrap();
            w
        };
        let inner = warm(Nested::Owned(Box::new(one_cycle(10, 0.3, false))), 5);
        let outer = warm(Nested::Owned(Box::new(inner)), 7);
        // Outer epoch e steps the cycle to e - 12: values 0..=22 are fine, 23 is refused.
        assert!(outer.check_horizon(23).is_ok());
        let Err(CoreError::Value(message)) = outer.check_horizon(24) else {
            panic!("expected a ValueError");
        };
        assert_eq!(
            message,
            "Tried to step 11 times. However the number of total steps is 10"
        );
    }

    #[test]
    fn an_earlier_zero_division_wins_over_the_horizon() {
        // phase_pct = 1.0: the last phase has length 0.0, so step 10 divides by zero before
        // step 11 could be refused.
        let k = one_cycle(10, 1.0, false);
        assert!(matches!(k.value_at(10), Err(CoreError::ZeroDivision(_))));
        assert!(matches!(
            k.check_epochs(0, 20),
            Err(CoreError::ZeroDivision(_))
        ));
        assert!(k.check_epochs(0, 9).is_ok());
        assert!(matches!(k.check_epochs(11, 20), Err(CoreError::Value(_))));
    }

    #[test]
    fn a_zero_length_phase_divides_by_zero_like_python() {
        // 0.1 * 10 - 1 == 0.0: the first phase has size 0.0, epoch 0 divides by it.
        let k = one_cycle(10, 0.1, false);
        assert!(matches!(k.value_at(0), Err(CoreError::ZeroDivision(_))));
    }

    #[test]
    fn rejects_bad_arguments() {
        let cases = [
            args(0, 0.3, false, Anneal::Cos),
            args(10, 1.5, false, Anneal::Cos),
            args(10, f64::NAN, false, Anneal::Cos),
            args(10, 0.5, true, Anneal::Cos),
        ];
        for a in &cases {
            assert!(
                matches!(OneCycleLR::new(a, -1, false), Err(CoreError::Value(_))),
                "{a:?}"
            );
        }
        let mut zero_divide = args(10, 0.3, false, Anneal::Cos);
        zero_divide.divide_factor = Num::Int(0);
        assert!(matches!(
            OneCycleLR::new(&zero_divide, -1, false),
            Err(CoreError::ZeroDivision(_))
        ));
        let mut unknown = args(10, 0.3, false, Anneal::Cos);
        unknown.anneal_strategy = Err("cosine".to_owned());
        assert!(matches!(
            OneCycleLR::new(&unknown, -1, false),
            Err(CoreError::Value(_))
        ));
        assert_eq!(Anneal::from_name("linear"), Some(Anneal::Linear));
    }
}
