//! `ReduceOnPlateau`.

use crate::error::{CoreError, CoreResult};
use crate::pyops::{py_max, Num};
use crate::schedule::{kernel_plumbing, next_epoch, Common, Kernel, Log, StateValue};
use crate::schedules::metric::Metric;
use crate::schedules::validate;

/// Whether lower or higher metrics are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Min,
    Max,
}

/// Whether `threshold` is relative to `best` or absolute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdMode {
    Rel,
    Abs,
}

impl Mode {
    /// paddle's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

impl ThresholdMode {
    /// paddle's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rel => "rel",
            Self::Abs => "abs",
        }
    }
}

/// Multiplies the learning rate by `factor` once `metrics` has not improved for more than
/// `patience` steps, then waits `cooldown` steps:
///
/// improved (mode `min`): `metrics < best - best * threshold` (`rel`) or
/// `metrics < best - threshold` (`abs`); mode `max` with `>` and `+`. On a reduction,
/// `new_lr = max(last_lr * factor, min_lr)`, taken only if `last_lr - new_lr > epsilon`.
///
/// The constructor does not step (`last_epoch` starts at 0). `step(Some(e))` is paddle's
/// `step(e)`: `e` is the metrics (as `LinearWarmup` passes it). `step(None)` has no metrics:
/// only `precompute` calls it, and the value stays (its future depends on metrics not yet
/// seen).
#[derive(Clone, Debug)]
pub struct ReduceOnPlateau {
    common: Common,
    pub mode: Mode,
    pub factor: Num,
    pub patience: Num,
    pub threshold: Num,
    pub threshold_mode: ThresholdMode,
    pub cooldown: Num,
    pub min_lr: Num,
    pub epsilon: Num,
    pub cooldown_counter: Num,
    pub best: Option<Metric>,
    pub num_bad_epochs: Num,
}

/// `ReduceOnPlateau`'s arguments, after type conversion (`mode` and `threshold_mode` as
/// given, before paddle lowercases them).
pub struct PlateauArgs {
    pub learning_rate: Num,
    pub mode: String,
    pub factor: Num,
    pub patience: Num,
    pub threshold: Num,
    pub threshold_mode: String,
    pub cooldown: Num,
    pub min_lr: Num,
    pub epsilon: Num,
    pub verbose: bool,
}

/// The state one step changes, computed before anything is committed.
struct Next {
    cooldown_counter: Num,
    best: Option<Metric>,
    num_bad_epochs: Num,
    reduced_to: Option<Num>,
}

impl ReduceOnPlateau {
    /// Validate as paddle does (in its order). paddle does not check `learning_rate` here;
    /// fastwarmup refuses negative, NaN and infinite learning rates, as in every class.
    pub fn new(args: &PlateauArgs) -> CoreResult<Self> {
        let mode = match args.mode.to_lowercase().as_str() {
            "min" => Mode::Min,
            "max" => Mode::Max,
            other => return Err(CoreError::value(format!("mode: {other} is unknown!"))),
        };
        if args.factor.ge(Num::Float(1.0)) {
            return Err(CoreError::value(format!(
                "factor must be < 1.0 (new_lr = origin_lr * factor), got {}",
                validate::show(args.factor)
            )));
        }
        let threshold_mode = match args.threshold_mode.to_lowercase().as_str() {
            "rel" => ThresholdMode::Rel,
            "abs" => ThresholdMode::Abs,
            other => {
                return Err(CoreError::value(format!(
                    "threshold mode: {other} is unknown!"
                )))
            }
        };
        let base_lr = validate::learning_rate("learning_rate", args.learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, 0, args.verbose),
            mode,
            factor: args.factor,
            patience: args.patience,
            threshold: args.threshold,
            threshold_mode,
            cooldown: args.cooldown,
            min_lr: args.min_lr,
            epsilon: args.epsilon,
            cooldown_counter: Num::Int(0),
            best: None,
            num_bad_epochs: Num::Int(0),
        })
    }

    /// paddle's `_is_better(current, best)`.
    fn is_better(&self, current: Metric, best: Metric) -> CoreResult<bool> {
        let threshold = Metric::Py(self.threshold);
        let margin = match self.threshold_mode {
            ThresholdMode::Rel => best.mul(threshold)?,
            ThresholdMode::Abs => threshold,
        };
        Ok(match self.mode {
            Mode::Min => current.lt(best.sub(margin)?),
            Mode::Max => current.gt(best.add(margin)?),
        })
    }

    /// The state after one step with `metrics`, in paddle's order.
    fn next(&self, metrics: Metric) -> CoreResult<Next> {
        let mut next = Next {
            cooldown_counter: self.cooldown_counter,
            best: self.best,
            num_bad_epochs: self.num_bad_epochs,
            reduced_to: None,
        };
        if next.cooldown_counter.gt(Num::Int(0)) {
            next.cooldown_counter = next.cooldown_counter.sub(Num::Int(1))?;
            return Ok(next);
        }
        let improved = match next.best {
            None => true,
            Some(best) => self.is_better(metrics, best)?,
        };
        if improved {
            next.best = Some(metrics);
            next.num_bad_epochs = Num::Int(0);
        } else {
            next.num_bad_epochs = next.num_bad_epochs.add(Num::Int(1))?;
        }
        if next.num_bad_epochs.gt(self.patience) {
            next.cooldown_counter = self.cooldown;
            next.num_bad_epochs = Num::Int(0);
            let last_lr = self.common.last_lr;
            let new_lr = py_max(last_lr.mul(self.factor)?, self.min_lr);
            if last_lr.sub(new_lr)?.gt(self.epsilon) {
                next.reduced_to = Some(new_lr);
            }
        }
        Ok(next)
    }

    /// paddle's `step(metrics, epoch)`. Transactional (paddle advances `last_epoch` before it
    /// checks `metrics`; here a failed step changes nothing).
    pub fn step_metrics(
        &mut self,
        metrics: Metric,
        epoch: Option<i64>,
        log: &mut Log,
    ) -> CoreResult<()> {
        let last_epoch = match epoch {
            None => next_epoch(self.common.last_epoch)?,
            Some(e) => e,
        };
        let next = self.next(metrics)?;
        self.common.last_epoch = last_epoch;
        self.cooldown_counter = next.cooldown_counter;
        self.best = next.best;
        self.num_bad_epochs = next.num_bad_epochs;
        if let Some(lr) = next.reduced_to {
            self.common.last_lr = lr;
            log.emit(self.class_name(), &self.common);
        }
        Ok(())
    }
}

impl Kernel for ReduceOnPlateau {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "ReduceOnPlateau"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        Err(CoreError::NotImplemented(
            "ReduceOnPlateau has no get_lr(): its value comes from step(metrics)".to_owned(),
        ))
    }
    fn step(&mut self, epoch: Option<i64>, log: &mut Log) -> CoreResult<()> {
        if let Some(e) = epoch {
            self.step_metrics(Metric::Py(Num::Int(e)), None, log)
        } else {
            self.common.last_epoch = next_epoch(self.common.last_epoch)?;
            Ok(())
        }
    }
    fn state_keys(&self) -> Vec<&'static str> {
        vec![
            "cooldown_counter",
            "best",
            "num_bad_epochs",
            "last_epoch",
            "last_lr",
        ]
    }
    fn extra_state(&self) -> Vec<(&'static str, StateValue)> {
        vec![
            ("cooldown_counter", StateValue::Num(self.cooldown_counter)),
            ("best", StateValue::Metric(self.best)),
            ("num_bad_epochs", StateValue::Num(self.num_bad_epochs)),
        ]
    }
    fn load_extra_state(&mut self, entries: &[(&'static str, StateValue)]) -> CoreResult<()> {
        let mut loaded = (self.cooldown_counter, self.best, self.num_bad_epochs);
        for (name, value) in entries {
            match *name {
                "cooldown_counter" => loaded.0 = value.as_num(name)?,
                "best" => {
                    loaded.1 = match value {
                        StateValue::Metric(best) => *best,
                        StateValue::OptNum(None) => None,
                        other => Some(Metric::Py(other.as_num(name)?)),
                    }
                }
                "num_bad_epochs" => loaded.2 = value.as_num(name)?,
                _ => {}
            }
        }
        (self.cooldown_counter, self.best, self.num_bad_epochs) = loaded;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> PlateauArgs {
        PlateauArgs {
            learning_rate: Num::Float(1.0),
            mode: "min".to_owned(),
            factor: Num::Float(0.5),
            patience: Num::Int(1),
            threshold: Num::Float(1e-4),
            threshold_mode: "rel".to_owned(),
            cooldown: Num::Int(1),
            min_lr: Num::Int(0),
            epsilon: Num::Float(1e-8),
            verbose: true,
        }
    }

    fn py(v: f64) -> Metric {
        Metric::Py(Num::Float(v))
    }

    #[test]
    fn reduces_after_patience_then_cools_down() {
        let mut k = ReduceOnPlateau::new(&args()).unwrap();
        assert_eq!(k.common().last_epoch, 0);
        let mut log = Log::new();
        let mut lrs = Vec::new();
        for m in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0] {
            k.step_metrics(py(m), None, &mut log).unwrap();
            lrs.push(k.common().last_lr.as_f64());
        }
        // best set; bad 1; bad 2 > 1: reduce; cooldown; bad 1; bad 2: reduce.
        assert_eq!(lrs, [1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
        let epochs: Vec<i64> = log.lines().iter().map(|l| l.epoch).collect();
        assert_eq!(epochs, [3, 6]);
    }

    #[test]
    fn extra_state_keeps_a_float32_best_through_a_reload() {
        use crate::schedules::metric::Value;
        let mut k = ReduceOnPlateau::new(&args()).unwrap();
        let best = Metric::NumpyScalar(Value::F32(0.6));
        k.step_metrics(best, None, &mut Log::muted()).unwrap();
        let saved = k.extra_state();
        let mut fresh = ReduceOnPlateau::new(&args()).unwrap();
        fresh.load_extra_state(&saved).unwrap();
        assert_eq!(fresh.best, Some(best));
        assert_eq!(fresh.extra_state(), saved);
        // a plain number (paddle's dict of a Python-float metric) loads as a Python number
        fresh
            .load_extra_state(&[("best", StateValue::Num(Num::Float(0.5)))])
            .unwrap();
        assert_eq!(fresh.best, Some(Metric::Py(Num::Float(0.5))));
    }

    #[test]
    fn min_lr_of_int_type_is_kept_as_an_int() {
        let mut a = args();
        a.learning_rate = Num::Float(1.0);
        a.min_lr = Num::Int(2);
        a.patience = Num::Int(0);
        let mut k = ReduceOnPlateau::new(&a).unwrap();
        let mut log = Log::muted();
        k.step_metrics(py(1.0), None, &mut log).unwrap();
        k.step_metrics(py(1.0), None, &mut log).unwrap();
        // max(1.0 * 0.5, 2) is the int 2, but 1.0 - 2 is not > epsilon: no change.
        assert_eq!(k.common().last_lr, Num::Float(1.0));
    }

    #[test]
    fn an_epoch_given_to_step_is_the_metrics() {
        let mut k = ReduceOnPlateau::new(&args()).unwrap();
        let mut log = Log::muted();
        k.step(Some(5), &mut log).unwrap();
        assert_eq!(k.best, Some(Metric::Py(Num::Int(5))));
        assert_eq!(k.common().last_epoch, 1);
        k.step(None, &mut log).unwrap();
        assert_eq!(k.common().last_epoch, 2);
        assert_eq!(k.best, Some(Metric::Py(Num::Int(5))));
    }

    #[test]
    fn modes_are_lowercased_and_checked() {
        let mut a = args();
        a.mode = "MAX".to_owned();
        a.threshold_mode = "Abs".to_owned();
        let k = ReduceOnPlateau::new(&a).unwrap();
        assert_eq!((k.mode, k.threshold_mode), (Mode::Max, ThresholdMode::Abs));
        let mut a = args();
        a.mode = "mean".to_owned();
        assert!(matches!(ReduceOnPlateau::new(&a), Err(CoreError::Value(_))));
        let mut a = args();
        a.factor = Num::Int(1);
        assert!(matches!(ReduceOnPlateau::new(&a), Err(CoreError::Value(_))));
    }

    #[test]
    fn is_better_in_each_mode() {
        let cases = [
            ("min", "rel", 0.9999, false),
            ("min", "rel", 0.9998, true),
            ("min", "abs", 0.5, true),
            ("max", "rel", 1.0002, true),
            ("max", "abs", 1.0002, false),
        ];
        for (mode, threshold_mode, current, expected) in cases {
            let mut a = args();
            a.mode = mode.to_owned();
            a.threshold_mode = threshold_mode.to_owned();
            a.threshold = if threshold_mode == "abs" {
                Num::Float(0.1)
            } else {
                Num::Float(1e-4)
            };
            let k = ReduceOnPlateau::new(&a).unwrap();
            assert_eq!(
                k.is_better(py(current), py(1.0)).unwrap(),
                expected,
                "{mode} {threshold_mode} {current}"
            );
        }
    }
}
