//! `CyclicLR`.

use crate::callback::Callback;
use crate::error::{CoreError, CoreResult};
use crate::lock_free::{ByValue, LockFreeStep};
use crate::pyops::{float_floordiv, Num};
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// The built-in modes paddle accepts.
pub const MODES: [&str; 3] = ["triangular", "triangular2", "exp_range"];

/// What the scale function is evaluated on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleMode {
    /// The cycle number, a float (`1 + epoch // cycle_size`).
    Cycle,
    /// The epoch, an int.
    Iterations,
}

impl ScaleMode {
    /// paddle's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cycle => "cycle",
            Self::Iterations => "iterations",
        }
    }

    fn parse(name: &str) -> CoreResult<Self> {
        match name {
            "cycle" => Ok(Self::Cycle),
            "iterations" => Ok(Self::Iterations),
            _ => Err(CoreError::value(format!(
                "scale_mode must be one of 'cycle' or 'iterations', got {name:?}"
            ))),
        }
    }
}

/// The amplitude scaling: one of paddle's three, or a user's function.
#[derive(Clone)]
pub enum ScaleFn {
    /// `1.0`.
    Triangular,
    /// `1 / (2.0 ** (x - 1))`.
    Triangular2,
    /// `exp_gamma ** x`.
    ExpRange,
    /// A user's `scale_fn(x)`.
    User(Box<dyn Callback>),
}

/// The scale function and mode of a built-in `mode` (paddle requires one without a scale_fn).
fn builtin_scale(mode: &str) -> CoreResult<(ScaleFn, ScaleMode)> {
    match mode {
        "triangular" => Ok((ScaleFn::Triangular, ScaleMode::Cycle)),
        "triangular2" => Ok((ScaleFn::Triangular2, ScaleMode::Cycle)),
        "exp_range" => Ok((ScaleFn::ExpRange, ScaleMode::Iterations)),
        other => Err(CoreError::value(format!(
            "mode {other:?} is invalid and scale_fn is not specified: mode must be one of \
             {MODES:?}, or give a scale_fn"
        ))),
    }
}

/// paddle's `_triangular2_scale_fn`: `1 / (2.0 ** (x - 1))`.
pub fn triangular2_scale(x: Num) -> CoreResult<Num> {
    let halvings = Num::Float(2.0).pow(x.sub(Num::Int(1))?)?;
    Num::Int(1).truediv(halvings).map(Num::Float)
}

/// paddle's `_exp_range_scale_fn`: `gamma ** x`.
pub fn exp_range_scale(gamma: f64, x: Num) -> CoreResult<Num> {
    Num::Float(gamma).pow(x)
}

/// The learning rate cycles between `base_lr` and `max_lr` (up over `step_size_up` epochs,
/// down over `step_size_down`), the amplitude scaled by `scale_fn`:
///
/// `cycle = 1 + e // cycle_size`, `pct = 1.0 + e / cycle_size - cycle`,
/// `f = pct / step_up_pct` if `pct <= step_up_pct` else `(1 - pct) / (1 - step_up_pct)`,
/// `lr(e) = base_lr + amplitude * f * scale_fn(cycle or e)`,
/// with `cycle_size = step_size_up + step_size_down`, `step_up_pct = step_size_up / cycle_size`,
/// `amplitude = max_lr - base_lr` (all floats).
#[derive(Clone)]
pub struct CyclicLR {
    common: Common,
    pub cycle_size: f64,
    pub step_up_pct: f64,
    pub max_lr: f64,
    pub amplitude: f64,
    /// `mode` as given (ignored when a `scale_fn` is given).
    pub mode: String,
    /// `exp_gamma`.
    pub gamma: f64,
    pub scale_fn: ScaleFn,
    pub scale_mode: ScaleMode,
}

/// `CyclicLR`'s arguments, after type conversion.
pub struct CyclicArgs {
    pub base_learning_rate: Num,
    pub max_learning_rate: Num,
    pub step_size_up: i64,
    pub step_size_down: Option<i64>,
    pub mode: String,
    pub exp_gamma: f64,
    pub scale_fn: Option<Box<dyn Callback>>,
    pub scale_mode: String,
    pub last_epoch: i64,
    pub verbose: bool,
}

impl CyclicLR {
    /// Validate as paddle does (in its order), before the first `step()`.
    pub fn new(args: CyclicArgs) -> CoreResult<Self> {
        let max_lr = validate::learning_rate("max_learning_rate", args.max_learning_rate)?;
        let up = validate::positive_int("step_size_up", args.step_size_up)? as f64;
        let down = match args.step_size_down {
            Some(down) => validate::positive_int("step_size_down", down)? as f64,
            None => up,
        };
        let cycle_size = up + down;
        let step_up_pct = up / cycle_size;
        let amplitude = Num::Float(max_lr).sub(args.base_learning_rate)?.as_f64();
        let (scale_fn, scale_mode) = if let Some(f) = args.scale_fn {
            (ScaleFn::User(f), ScaleMode::parse(&args.scale_mode)?)
        } else {
            let builtin = builtin_scale(&args.mode)?;
            // paddle checks scale_mode even where the mode then sets its own.
            ScaleMode::parse(&args.scale_mode)?;
            builtin
        };
        let base_lr = validate::learning_rate("base_learning_rate", args.base_learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, args.last_epoch, args.verbose),
            cycle_size,
            step_up_pct,
            max_lr,
            amplitude,
            mode: args.mode,
            gamma: args.exp_gamma,
            scale_fn,
            scale_mode,
        })
    }

    /// The scale function at `x`.
    pub fn scale(&self, x: Num) -> CoreResult<Num> {
        match &self.scale_fn {
            ScaleFn::Triangular => Ok(Num::Float(1.0)),
            ScaleFn::Triangular2 => triangular2_scale(x),
            ScaleFn::ExpRange => exp_range_scale(self.gamma, x),
            ScaleFn::User(f) => f.call(x),
        }
    }

    /// The value at `epoch`, in paddle's operation order.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        let iterations = epoch as f64;
        let cycle = 1.0 + float_floordiv(iterations, self.cycle_size)?;
        let pct = 1.0 + divide(iterations, self.cycle_size)? - cycle;
        let factor = if pct <= self.step_up_pct {
            divide(pct, self.step_up_pct)?
        } else {
            divide(1.0 - pct, 1.0 - self.step_up_pct)?
        };
        let base_height = self.amplitude * factor;
        let x = match self.scale_mode {
            ScaleMode::Cycle => Num::Float(cycle),
            ScaleMode::Iterations => Num::Int(epoch),
        };
        let scaled = Num::Float(base_height).mul(self.scale(x)?)?;
        Num::Float(self.common.base_lr).add(scaled)
    }
}

/// Python's `a / b` on floats (ZeroDivisionError on a zero divisor).
fn divide(a: f64, b: f64) -> CoreResult<f64> {
    Num::Float(a).truediv(Num::Float(b))
}

impl Kernel for CyclicLR {
    kernel_plumbing!();
    fn detach_callbacks(&mut self) {
        if let ScaleFn::User(f) = &mut self.scale_fn {
            *f = Box::new(crate::callback::Detached);
        }
    }
    fn class_name(&self) -> &'static str {
        "CyclicLR"
    }
    fn callbacks(&self) -> Vec<&dyn Callback> {
        match &self.scale_fn {
            ScaleFn::User(f) => vec![f.as_ref()],
            _ => Vec::new(),
        }
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.value_at(self.common.last_epoch)
    }
    fn is_pure(&self) -> bool {
        !self.calls_python()
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        self.value_at(epoch)
    }
    fn lock_free_step(&self) -> Option<Box<dyn LockFreeStep>> {
        // A user's scale_fn is Python: it is called with the GIL, under the lock.
        self.is_pure()
            .then(|| Box::new(ByValue(self.clone())) as Box<dyn LockFreeStep>)
    }
    fn calls_python(&self) -> bool {
        matches!(self.scale_fn, ScaleFn::User(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::FnCallback;

    fn args(mode: &str, up: i64, down: Option<i64>) -> CyclicArgs {
        CyclicArgs {
            base_learning_rate: Num::Float(0.5),
            max_learning_rate: Num::Float(1.0),
            step_size_up: up,
            step_size_down: down,
            mode: mode.to_owned(),
            exp_gamma: 0.9,
            scale_fn: None,
            scale_mode: "cycle".to_owned(),
            last_epoch: -1,
            verbose: false,
        }
    }

    fn cyclic(mode: &str, up: i64, down: Option<i64>) -> CyclicLR {
        CyclicLR::new(args(mode, up, down)).unwrap()
    }

    #[test]
    fn triangular_rises_to_max_and_falls_back() {
        let k = cyclic("triangular", 2, Some(2));
        let values: Vec<f64> = (0..=4).map(|e| k.value_at(e).unwrap().as_f64()).collect();
        assert_eq!(values, [0.5, 0.75, 1.0, 0.75, 0.5]);
    }

    #[test]
    fn triangular2_halves_the_amplitude_each_cycle() {
        let k = cyclic("triangular2", 2, None);
        assert_eq!(k.value_at(2).unwrap(), Num::Float(1.0));
        assert_eq!(k.value_at(6).unwrap(), Num::Float(0.75));
        assert_eq!(k.value_at(10).unwrap(), Num::Float(0.625));
    }

    #[test]
    fn exp_range_scales_by_gamma_to_the_epoch() {
        let k = cyclic("exp_range", 2, None);
        assert_eq!(k.scale_mode, ScaleMode::Iterations);
        assert_eq!(
            k.value_at(2).unwrap(),
            Num::Float(0.5 + 0.5 * 0.9_f64.powf(2.0))
        );
    }

    #[test]
    fn triangular2_at_a_very_negative_epoch_divides_by_zero_like_python() {
        let k = cyclic("triangular2", 1, None);
        assert!(matches!(k.value_at(-5000), Err(CoreError::ZeroDivision(_))));
        assert!(matches!(k.value_at(5000), Err(CoreError::Overflow(_))));
    }

    #[test]
    fn a_user_scale_fn_sees_the_cycle_or_the_epoch() {
        let mut a = args("ignored", 3, Some(1));
        a.scale_fn = Some(Box::new(FnCallback(Ok)));
        let by_cycle = CyclicLR::new(a).unwrap();
        assert!(by_cycle.calls_python() && !by_cycle.is_pure());
        // epoch 5: cycle 2.0, pct 0.25 -> factor 0.25 / 0.75.
        let expected = 0.5 + 0.5 * (0.25 / 0.75) * 2.0;
        assert_eq!(by_cycle.value_at(5).unwrap(), Num::Float(expected));

        let mut a = args("ignored", 3, Some(1));
        a.scale_fn = Some(Box::new(FnCallback(Ok)));
        a.scale_mode = "iterations".to_owned();
        let by_epoch = CyclicLR::new(a).unwrap();
        assert_eq!(
            by_epoch.value_at(5).unwrap(),
            Num::Float(0.5 + 0.5 * (0.25 / 0.75) * 5.0)
        );
    }

    #[test]
    fn rejects_what_paddle_rejects() {
        let bad = |a: CyclicArgs| CyclicLR::new(a).err();
        assert!(matches!(
            bad(args("triangular", 0, None)),
            Some(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(args("triangular", 2, Some(0))),
            Some(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(args("linear", 2, None)),
            Some(CoreError::Value(_))
        ));
        let mut a = args("triangular", 2, None);
        a.scale_mode = "epoch".to_owned();
        assert!(matches!(bad(a), Some(CoreError::Value(_))));
        let mut a = args("triangular", 2, None);
        a.max_learning_rate = Num::Float(-1.0);
        assert!(matches!(bad(a), Some(CoreError::Value(_))));
    }
}
