//! PaddleOCR's `OneCycleDecay` (`ppocr/optimizer/lr_scheduler.py`).

use std::f64::consts::PI;

use crate::error::{CoreError, CoreResult};
use crate::pyops::{math_cos, math_floor, Num};
use crate::schedule::Common;
use crate::schedules::validate;
use crate::schedules::Anneal;

/// One entry of PaddleOCR's `_schedule_phases`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// The last step of the phase: a float (`float(pct_start * total_steps) - 1`, ...) except
    /// for the last phase's int `total_steps - 1`.
    pub end_step: Num,
    pub start_lr: Num,
    pub end_lr: Num,
}

/// The arguments of `OneCycleDecay(...)`, converted.
#[derive(Clone, Debug)]
pub struct OneCycleDecayArgs {
    pub max_lr: Num,
    pub epochs: i64,
    pub steps_per_epoch: i64,
    pub pct_start: f64,
    /// A known strategy, or how the value given prints (refused in PaddleOCR's order).
    pub anneal_strategy: Result<Anneal, String>,
    pub div_factor: Num,
    pub final_div_factor: Num,
    pub three_phase: bool,
}

/// PaddleOCR's one-cycle policy (after PyTorch's `OneCycleLR`): from
/// `initial_lr = max_lr / div_factor` up to `max_lr` by step `pct_start * total_steps - 1`,
/// then down to `min_lr = initial_lr / final_div_factor` at step `total_steps - 1`
/// (`three_phase`: back down to `initial_lr` by step `2 * pct_start * total_steps - 2` first,
/// then to `min_lr`). `total_steps = epochs * steps_per_epoch`. In the first phase whose
/// `end_step` is not before the step (the last phase for anything beyond), with `start_step`
/// the previous phase's `end_step` (0 for the first):
///
/// `pct = (step - start_step) / (end_step - start_step)`, then
/// `lr = end + (start - end) / 2.0 * (cos(pi * pct) + 1)` (`'cos'`) or
/// `lr = (end - start) * pct + start` (`'linear'`).
///
/// Step `total_steps` is still allowed (it extrapolates the last phase); beyond it, a step
/// raises `ValueError`. A phase of length 0.0 raises `ZeroDivisionError` when a step lands in
/// it, as in Python.
#[derive(Clone, Debug)]
pub struct OneCycleDecay {
    common: Common,
    pub total_steps: i64,
    pub max_lr: Num,
    pub initial_lr: f64,
    pub min_lr: f64,
    pub anneal: Anneal,
    pub phases: Vec<Phase>,
    /// Each phase's `start_step` (the previous `end_step`, `0` for the first).
    starts: Vec<Num>,
    /// Each phase's `end_step - start_step`, as Python computes it at every step.
    sizes: Vec<Num>,
}

impl OneCycleDecay {
    /// Validate in PaddleOCR's order (`epochs`, `steps_per_epoch`, the divisions, `pct_start`,
    /// `anneal_strategy`, then `LRScheduler`'s learning-rate check on `max_lr`), build its
    /// phases, before the first `step()`.
    pub fn new(args: &OneCycleDecayArgs, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let epochs = positive_count("epochs", args.epochs)?;
        let steps_per_epoch = positive_count("steps_per_epoch", args.steps_per_epoch)?;
        let total_steps = epochs.checked_mul(steps_per_epoch).ok_or_else(|| {
            CoreError::value(format!(
                "epochs * steps_per_epoch = {epochs} * {steps_per_epoch} is out of range: \
                 fastwarmup supports signed 64-bit integers"
            ))
        })?;
        let max_lr = validate::finite("max_lr", args.max_lr)?;
        let div_factor = validate::finite("div_factor", args.div_factor)?;
        let final_div_factor = validate::finite("final_div_factor", args.final_div_factor)?;
        let initial_lr = max_lr.truediv(div_factor)?;
        let min_lr = Num::Float(initial_lr).truediv(final_div_factor)?;
        validate::finite("max_lr / div_factor", Num::Float(initial_lr))?;
        validate::finite("max_lr / div_factor / final_div_factor", Num::Float(min_lr))?;
        let pct = args.pct_start;
        if !(0.0..=1.0).contains(&pct) {
            return Err(CoreError::value(format!(
                "pct_start must be a float between 0 and 1, got {}",
                validate::show(Num::Float(pct))
            )));
        }
        let anneal = args.anneal_strategy.clone().map_err(|shown| {
            CoreError::value(format!(
                "anneal_strategy must be one of 'cos' or 'linear', got {shown}"
            ))
        })?;
        let base_lr = validate::learning_rate("max_lr", max_lr)?;
        let total = total_steps as f64;
        let (initial, min) = (Num::Float(initial_lr), Num::Float(min_lr));
        let last = Num::Int(total_steps - 1);
        let phases = if args.three_phase {
            vec![
                phase(Num::Float(pct * total - 1.0), initial, max_lr),
                phase(Num::Float(2.0 * pct * total - 2.0), max_lr, initial),
                phase(last, initial, min),
            ]
        } else {
            vec![
                phase(Num::Float(pct * total - 1.0), initial, max_lr),
                phase(last, max_lr, min),
            ]
        };
        let mut starts = Vec::with_capacity(phases.len());
        let mut sizes = Vec::with_capacity(phases.len());
        let mut start = Num::Int(0);
        for p in &phases {
            starts.push(start);
            sizes.push(p.end_step.sub(start)?);
            start = p.end_step;
        }
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            total_steps,
            max_lr,
            initial_lr,
            min_lr,
            anneal,
            phases,
            starts,
            sizes,
        })
    }

    /// PaddleOCR's error for a step past `total_steps` (it counts `step + 1` steps).
    fn past_the_end(&self, step: i64) -> CoreError {
        CoreError::value(format!(
            "Tried to step {} times. The specified number of total steps is {}",
            i128::from(step) + 1,
            self.total_steps
        ))
    }

    /// PaddleOCR's `get_lr` at `step`.
    #[inline]
    pub fn value_at(&self, step: i64) -> CoreResult<Num> {
        if step > self.total_steps {
            return Err(self.past_the_end(step));
        }
        let last = self.phases.len() - 1;
        for (i, p) in self.phases.iter().enumerate() {
            if Num::Int(step).le(p.end_step) || i == last {
                let pct = Num::Int(step).sub(self.starts[i])?.truediv(self.sizes[i])?;
                return anneal(self.anneal, p.start_lr, p.end_lr, pct).map(Num::Float);
            }
        }
        Err(CoreError::runtime(
            "OneCycleDecay has no phase for this step",
        ))
    }

    /// The epochs in `first..=last` where a run of epochs in one phase starts: the phase
    /// `value_at` picks changes only where an epoch passes an `end_step`, and whether a step
    /// raises (a phase of length 0) is decided by its phase.
    fn phase_run_starts(&self, first: i64, last: i64) -> CoreResult<Vec<i64>> {
        let mut starts = vec![first];
        for p in &self.phases {
            let after = match p.end_step {
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
}

fn phase(end_step: Num, start_lr: Num, end_lr: Num) -> Phase {
    Phase {
        end_step,
        start_lr,
        end_lr,
    }
}

/// PaddleOCR's `epochs <= 0` / `steps_per_epoch <= 0` check (`ValueError`).
fn positive_count(name: &str, value: i64) -> CoreResult<i64> {
    if value <= 0 {
        return Err(CoreError::value(format!(
            "{name} must be a positive integer, got {value}"
        )));
    }
    Ok(value)
}

/// `_annealing_cos` / `_annealing_linear`: the value at fraction `pct` of a phase from `start`
/// to `end`, in PaddleOCR's operation order.
#[inline]
fn anneal(strategy: Anneal, start: Num, end: Num, pct: f64) -> CoreResult<f64> {
    let value = match strategy {
        Anneal::Cos => {
            let cos_out = math_cos(PI * pct)? + 1.0;
            let half = start.sub(end)?.truediv(Num::Float(2.0))?;
            end.add(Num::Float(half * cos_out))?
        }
        Anneal::Linear => end.sub(start)?.mul(Num::Float(pct))?.add(start)?,
    };
    Ok(value.as_f64())
}

pure_kernel!(
    OneCycleDecay,
    "OneCycleDecay",
    /// Past `total_steps` is refused; but the steps before it run first, and one of them can
    /// raise sooner (`ZeroDivisionError` in a phase of length 0), so those are tried too.
    fn check_epochs(&self, first: i64, last: i64) -> CoreResult<()> {
        if last <= self.total_steps {
            return Ok(());
        }
        for epoch in self.phase_run_starts(first, self.total_steps)? {
            self.value_at(epoch)?;
        }
        Err(self.past_the_end(first.max(self.total_steps.saturating_add(1))))
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Kernel, Log};
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn args(epochs: i64, steps: i64, pct_start: f64, three_phase: bool) -> OneCycleDecayArgs {
        OneCycleDecayArgs {
            max_lr: Num::Float(0.1),
            epochs,
            steps_per_epoch: steps,
            pct_start,
            anneal_strategy: Ok(Anneal::Cos),
            div_factor: Num::Float(25.0),
            final_div_factor: Num::Float(1e4),
            three_phase,
        }
    }

    fn decay(a: &OneCycleDecayArgs) -> OneCycleDecay {
        let mut k = OneCycleDecay::new(a, -1, false).unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    #[test]
    fn phases_are_paddleocrs() {
        let k = decay(&args(2, 5, 0.3, false));
        let initial = 0.1 / 25.0;
        let min = initial / 1e4;
        assert_eq!(k.total_steps, 10);
        assert_eq!(
            k.phases,
            vec![
                phase(
                    Num::Float(0.3 * 10.0 - 1.0),
                    Num::Float(initial),
                    Num::Float(0.1)
                ),
                phase(Num::Int(9), Num::Float(0.1), Num::Float(min)),
            ]
        );
        let three = decay(&args(2, 5, 0.3, true));
        assert_eq!(three.phases[1].end_step, Num::Float(2.0 * 0.3 * 10.0 - 2.0));
        assert_eq!(three.phases[2].start_lr, Num::Float(initial));
        assert_eq!(three.initial_lr, initial);
        assert_eq!(three.min_lr, min);
    }

    #[test]
    fn values_follow_paddleocrs_expressions() {
        let k = decay(&args(2, 5, 0.3, false));
        let initial = 0.1 / 25.0;
        let end0 = 0.3 * 10.0 - 1.0;
        // Step 0 is the formula at pct 0, not initial_lr itself.
        let at_zero = 0.1 + (initial - 0.1) / 2.0 * ((PI * 0.0).cos() + 1.0);
        assert_eq!(k.common().last_lr, Num::Float(at_zero));
        let pct = 1.0 / end0;
        let cos = (PI * pct).cos() + 1.0;
        assert_eq!(
            k.value_at(1).unwrap(),
            Num::Float(0.1 + (initial - 0.1) / 2.0 * cos)
        );
        let mut linear_args = args(2, 5, 0.3, false);
        linear_args.anneal_strategy = Ok(Anneal::Linear);
        let linear = decay(&linear_args);
        let min = initial / 1e4;
        let pct = (6.0 - end0) / (9.0 - end0);
        assert_eq!(
            linear.value_at(6).unwrap(),
            Num::Float((min - 0.1) * pct + 0.1)
        );
        // Step total_steps extrapolates the last phase; one more is refused.
        assert!(linear.value_at(10).is_ok());
        let Err(CoreError::Value(message)) = linear.value_at(11) else {
            panic!("expected a ValueError");
        };
        assert_eq!(
            message,
            "Tried to step 12 times. The specified number of total steps is 10"
        );
    }

    #[test]
    fn an_int_max_lr_takes_pythons_mixed_arithmetic() {
        let mut a = args(1, 10, 0.5, false);
        a.max_lr = Num::Int(3);
        a.div_factor = Num::Int(7);
        let k = decay(&a);
        assert_eq!(k.initial_lr, 3.0 / 7.0);
        assert_eq!(k.common().base_lr, 3.0);
        let end0 = 0.5 * 10.0 - 1.0;
        let pct = 2.0 / end0;
        let cos = (PI * pct).cos() + 1.0;
        assert_eq!(
            k.value_at(2).unwrap(),
            Num::Float(3.0 + (3.0 / 7.0 - 3.0) / 2.0 * cos)
        );
    }

    #[test]
    fn zero_length_phases_divide_by_zero_like_python() {
        // pct_start * total_steps == 1: the first phase ends at 0.0, step 0 divides 0 by 0.0.
        let k = OneCycleDecay::new(&args(1, 10, 0.1, false), -1, false).unwrap();
        assert!(matches!(k.value_at(0), Err(CoreError::ZeroDivision(_))));
        // pct_start 1.0: the last phase has length 0.0, reached at step total_steps.
        let full = decay(&args(1, 10, 1.0, false));
        assert!(full.value_at(9).is_ok());
        assert!(matches!(full.value_at(10), Err(CoreError::ZeroDivision(_))));
        assert!(matches!(
            full.check_epochs(0, 20),
            Err(CoreError::ZeroDivision(_))
        ));
        assert!(full.check_epochs(0, 9).is_ok());
        assert!(matches!(
            full.check_epochs(11, 20),
            Err(CoreError::Value(_))
        ));
    }

    #[test]
    fn the_horizon_is_refused_up_front() {
        let k = decay(&args(2, 5, 0.3, true));
        assert!(k.check_horizon(11).is_ok());
        let Err(CoreError::Value(message)) = k.check_horizon(12) else {
            panic!("expected a ValueError");
        };
        assert_eq!(
            message,
            "Tried to step 12 times. The specified number of total steps is 10"
        );
    }

    #[test]
    fn pct_start_zero_and_negative_steps() {
        let k = decay(&args(3, 4, 0.0, true));
        // Both early phases end before step 0: the last phase starts at -2.0.
        let pct = (0.0 - -2.0) / (11.0 - -2.0);
        let initial = 0.1 / 25.0;
        let min = initial / 1e4;
        let cos = (PI * pct).cos() + 1.0;
        assert_eq!(
            k.value_at(0).unwrap(),
            Num::Float(min + (initial - min) / 2.0 * cos)
        );
        let k = decay(&args(3, 4, 0.5, false));
        assert!(k.value_at(-3).is_ok());
        assert_fill_is_exact(&k, -20, 33, 5);
    }

    #[test]
    fn rejects_bad_arguments() {
        let value_errors = [
            args(0, 5, 0.3, false),
            args(2, -1, 0.3, false),
            args(2, 5, 1.5, false),
            args(2, 5, -0.1, false),
            args(2, 5, f64::NAN, false),
            args(i64::MAX, 2, 0.3, false),
        ];
        for a in &value_errors {
            assert!(
                matches!(OneCycleDecay::new(a, -1, false), Err(CoreError::Value(_))),
                "{a:?}"
            );
        }
        let mut negative = args(2, 5, 0.3, false);
        negative.max_lr = Num::Float(-0.1);
        assert!(matches!(
            OneCycleDecay::new(&negative, -1, false),
            Err(CoreError::Value(_))
        ));
        let mut unknown = args(2, 5, 0.3, false);
        unknown.anneal_strategy = Err("'cosine'".to_owned());
        assert!(matches!(
            OneCycleDecay::new(&unknown, -1, false),
            Err(CoreError::Value(_))
        ));
        let mut zero = args(2, 5, 0.3, false);
        zero.div_factor = Num::Int(0);
        assert!(matches!(
            OneCycleDecay::new(&zero, -1, false),
            Err(CoreError::ZeroDivision(_))
        ));
        let mut zero_final = args(2, 5, 0.3, false);
        zero_final.final_div_factor = Num::Float(0.0);
        assert!(matches!(
            OneCycleDecay::new(&zero_final, -1, false),
            Err(CoreError::ZeroDivision(_))
        ));
        let mut tiny = args(2, 5, 0.3, false);
        tiny.div_factor = Num::Float(1e-320);
        assert!(matches!(
            OneCycleDecay::new(&tiny, -1, false),
            Err(CoreError::Value(_))
        ));
    }
}
