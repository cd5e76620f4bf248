//! fastwarmup's own warm-up schedules (not paddle's): the schedules transformers' `get_scheduler`
//! names (`transformers.optimization`, 5.x), written as paddle-style kernels.
//!
//! Each one is `lr(e) = base_lr * factor(e)`, the shape of PyTorch's `LambdaLR`
//! (`base_lr * lmbda(last_epoch)`), with `factor` computed by the same double operations in the
//! same order as transformers' lambda, so the values are bit-identical to transformers' over a
//! torch optimizer. Python ints stay exact integers until the lambda converts them (`float(s - w)`
//! is the difference rounded once, done here in `i128`), int `/` int is CPython's correctly
//! rounded true division, `math.cos`/`math.sqrt` are libm's `cos` and IEEE `sqrt`.

use std::f64::consts::PI;

use crate::error::{CoreError, CoreResult};
use crate::pyops::{float_mod, float_pow, math_cos, Num};
use crate::schedule::Common;
use crate::schedules::validate;

/// The shape of a warm-up or decay phase of `WarmupStableDecay`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// `'linear'`.
    Linear,
    /// `'cosine'`.
    Cosine,
    /// `'1-sqrt'`.
    OneMinusSqrt,
}

impl Curve {
    /// Parse transformers' name for it.
    pub fn parse(kind: &str, value: &str) -> CoreResult<Self> {
        match value {
            "linear" => Ok(Curve::Linear),
            "cosine" => Ok(Curve::Cosine),
            "1-sqrt" => Ok(Curve::OneMinusSqrt),
            _ => Err(CoreError::value(format!(
                "Unknown {kind} type: {value}, expected 'linear', 'cosine' or '1-sqrt'"
            ))),
        }
    }

    /// transformers' name for it.
    pub fn name(self) -> &'static str {
        match self {
            Curve::Linear => "linear",
            Curve::Cosine => "cosine",
            Curve::OneMinusSqrt => "1-sqrt",
        }
    }
}

/// Which schedule a `WarmupSchedule` is (one per Python class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `WarmupLinearDecay` (transformers' `linear`).
    Linear,
    /// `WarmupCosineDecay` (`cosine`, `cosine_with_min_lr`).
    Cosine,
    /// `CosineWarmupWithMinLR` (`cosine_warmup_with_min_lr`).
    CosineShifted,
    /// `CosineWithHardRestarts` (`cosine_with_restarts`).
    HardRestarts,
    /// `WarmupPolynomialDecay` (`polynomial`).
    Polynomial,
    /// `InverseSqrtDecay` (`inverse_sqrt`).
    InverseSqrt,
    /// `ConstantWithWarmup` (`constant_with_warmup`, `constant`).
    Constant,
    /// `WarmupStableDecay` (`warmup_stable_decay`).
    StableDecay,
}

impl Kind {
    /// The Python class name.
    pub fn class_name(self) -> &'static str {
        match self {
            Kind::Linear => "WarmupLinearDecay",
            Kind::Cosine => "WarmupCosineDecay",
            Kind::CosineShifted => "CosineWarmupWithMinLR",
            Kind::HardRestarts => "CosineWithHardRestarts",
            Kind::Polynomial => "WarmupPolynomialDecay",
            Kind::InverseSqrt => "InverseSqrtDecay",
            Kind::Constant => "ConstantWithWarmup",
            Kind::StableDecay => "WarmupStableDecay",
        }
    }
}

/// The parameters of every kind (each kind reads its own; the rest keep their defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `warmup_steps`.
    pub warmup_steps: i64,
    /// `total_steps` (linear, cosine, restarts, polynomial).
    pub total_steps: i64,
    /// `stable_steps` (WSD; may be negative, as transformers computes it from a total).
    pub stable_steps: i64,
    /// `decay_steps` (WSD).
    pub decay_steps: i64,
    /// `num_cycles` as given.
    pub num_cycles: Num,
    /// `min_lr` as given, when given.
    pub min_lr: Option<Num>,
    /// The minimum as a ratio of the learning rate: `min_lr_ratio` as given, or
    /// `min_lr / learning_rate`, or 0.0.
    pub min_lr_ratio: Num,
    /// `warmup_lr_ratio` (`CosineWarmupWithMinLR`), when given.
    pub warmup_lr_ratio: Option<Num>,
    /// `lr_end` (polynomial).
    pub lr_end: Num,
    /// `power` (polynomial).
    pub power: Num,
    /// `timescale` (inverse square root).
    pub timescale: i64,
    /// `warmup_type` (WSD).
    pub warmup_type: Curve,
    /// `decay_type` (WSD).
    pub decay_type: Curve,
    /// The learning rate as given (transformers' polynomial divides by `optimizer.defaults["lr"]`).
    pub learning_rate: Num,
}

impl Params {
    /// Defaults for every parameter but the learning rate and `warmup_steps`.
    pub fn new(learning_rate: Num, warmup_steps: i64) -> Self {
        Self {
            warmup_steps,
            total_steps: 0,
            stable_steps: 0,
            decay_steps: 0,
            num_cycles: Num::Float(0.5),
            min_lr: None,
            min_lr_ratio: Num::Float(0.0),
            warmup_lr_ratio: None,
            lr_end: Num::Float(1e-7),
            power: Num::Float(1.0),
            timescale: 0,
            warmup_type: Curve::Linear,
            decay_type: Curve::Cosine,
            learning_rate,
        }
    }
}

/// `lr(e) = base_lr * factor(e)`, `factor` as transformers' lambda of `kind`.
#[derive(Clone, Debug)]
pub struct WarmupSchedule {
    common: Common,
    /// Which schedule.
    pub kind: Kind,
    /// Its parameters.
    pub params: Params,
    num_cycles_f: f64,
    min_ratio_f: f64,
}

/// A step count: an int >= 0.
fn count(name: &str, value: i64) -> CoreResult<i64> {
    if value < 0 {
        return Err(CoreError::value(format!(
            "{name} must be an integer >= 0, got {value}"
        )));
    }
    Ok(value)
}

/// `float(a - b)` for Python ints: the exact difference, rounded once (in `i64` when it fits,
/// whose conversion is a single instruction; `i128`'s is a library call).
#[inline]
fn diff(a: i64, b: i64) -> f64 {
    match a.checked_sub(b) {
        Some(d) => d as f64,
        None => (i128::from(a) - i128::from(b)) as f64,
    }
}

/// `float(n)` for a Python int `n` (round to nearest even, as CPython).
#[inline]
fn int_f64(n: i128) -> f64 {
    match i64::try_from(n) {
        Ok(small) => small as f64,
        Err(_) => n as f64,
    }
}

/// `float(max(1, n))` for a Python int `n`.
#[inline]
fn at_least_one(n: i128) -> f64 {
    int_f64(n.max(1))
}

/// An exact int as `i64`, for CPython's int true division.
fn int(value: i128) -> CoreResult<Num> {
    i64::try_from(value).map(Num::Int).map_err(|_| {
        CoreError::overflow(format!(
            "integer {value} does not fit in a 64-bit signed integer"
        ))
    })
}

/// Python's `max(0.0, x)` (`max(0, x)`): `x` if `x > 0`, else zero.
#[inline]
fn clip_at_zero(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Python's `math.sqrt`.
fn math_sqrt(x: f64) -> CoreResult<f64> {
    if x < 0.0 {
        return Err(CoreError::value("math domain error"));
    }
    Ok(x.sqrt())
}

impl WarmupSchedule {
    /// Validate `params` for `kind`, before the first `step()`.
    pub fn new(kind: Kind, params: Params, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let base_lr = validate::learning_rate("learning_rate", params.learning_rate)?;
        count("warmup_steps", params.warmup_steps)?;
        let num_cycles = validate::finite("num_cycles", params.num_cycles)?;
        let min_ratio = validate::finite("min_lr_ratio", params.min_lr_ratio)?;
        match kind {
            Kind::Linear | Kind::Cosine | Kind::CosineShifted | Kind::HardRestarts => {
                count("total_steps", params.total_steps)?;
            }
            Kind::Polynomial => {
                count("total_steps", params.total_steps)?;
                validate::finite("lr_end", params.lr_end)?;
                validate::finite("power", params.power)?;
                if !params.learning_rate.gt(params.lr_end) {
                    return Err(CoreError::value(format!(
                        "lr_end ({}) must be smaller than initial lr ({})",
                        validate::show(params.lr_end),
                        validate::show(params.learning_rate)
                    )));
                }
                if params.total_steps == params.warmup_steps {
                    return Err(CoreError::value(format!(
                        "total_steps ({}) must differ from warmup_steps: the decay would divide \
                         by zero at step {}",
                        params.total_steps, params.warmup_steps
                    )));
                }
            }
            Kind::InverseSqrt => {
                if params.timescale <= 0 {
                    return Err(CoreError::value(format!(
                        "timescale must be a positive integer, got {}",
                        params.timescale
                    )));
                }
            }
            Kind::Constant => {}
            Kind::StableDecay => {
                count("decay_steps", params.decay_steps)?;
            }
        }
        if let Some(r) = params.warmup_lr_ratio {
            validate::finite("warmup_lr_ratio", r)?;
        }
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            kind,
            num_cycles_f: num_cycles.as_f64(),
            min_ratio_f: min_ratio.as_f64(),
            params,
        })
    }

    /// transformers' lambda at step `s`.
    #[allow(clippy::too_many_lines)]
    pub fn factor(&self, s: i64) -> CoreResult<f64> {
        let p = &self.params;
        let w = p.warmup_steps;
        let warm = || s as f64 / at_least_one(i128::from(w));
        Ok(match self.kind {
            Kind::Constant => {
                if s < w {
                    // float(s) / float(max(1.0, w)): the same double as max(1, w).
                    warm()
                } else {
                    1.0
                }
            }
            Kind::Linear => {
                if s < w {
                    warm()
                } else {
                    let t = p.total_steps;
                    clip_at_zero(diff(t, s) / at_least_one(i128::from(t) - i128::from(w)))
                }
            }
            Kind::Cosine => {
                if s < w {
                    warm()
                } else {
                    let t = p.total_steps;
                    let progress = diff(s, w) / at_least_one(i128::from(t) - i128::from(w));
                    let factor = 0.5 * (1.0 + math_cos(PI * self.num_cycles_f * 2.0 * progress)?);
                    // factor * (1 - r) + r, then max(0, factor).
                    clip_at_zero(factor * (1.0 - self.min_ratio_f) + self.min_ratio_f)
                }
            }
            Kind::CosineShifted => {
                // Every count is converted to float first.
                let (sf, wf, tf) = (s as f64, w as f64, p.total_steps as f64);
                if sf < wf {
                    match p.warmup_lr_ratio {
                        None => (sf + 1.0) / 1.0_f64.max(wf),
                        Some(r) => {
                            let r = r.as_f64();
                            let below = wf - 1.0;
                            // max(1, w - 1.0)
                            let den = if below > 1.0 { below } else { 1.0 };
                            r + (1.0 - r) * sf / den
                        }
                    }
                } else {
                    let span = tf - wf;
                    let den = if span > 1.0 { span } else { 1.0 };
                    let progress = (sf - wf + 1.0) / den;
                    let factor = 0.5 * (1.0 + math_cos(PI * self.num_cycles_f * 2.0 * progress)?);
                    clip_at_zero(factor * (1.0 - self.min_ratio_f) + self.min_ratio_f)
                }
            }
            Kind::HardRestarts => {
                if s < w {
                    warm()
                } else {
                    let t = p.total_steps;
                    let progress = diff(s, w) / at_least_one(i128::from(t) - i128::from(w));
                    if progress >= 1.0 {
                        0.0
                    } else {
                        let phase = float_mod(self.num_cycles_f * progress, 1.0)?;
                        clip_at_zero(0.5 * (1.0 + math_cos(PI * phase)?))
                    }
                }
            }
            Kind::Polynomial => {
                let t = p.total_steps;
                let lr_init = p.learning_rate;
                if s < w {
                    warm()
                } else if s > t {
                    p.lr_end.truediv(lr_init)?
                } else {
                    let lr_range = lr_init.sub(p.lr_end)?;
                    let decay_steps = int(i128::from(t) - i128::from(w))?;
                    let done = int(i128::from(s) - i128::from(w))?.truediv(decay_steps)?;
                    let pct_remaining = 1.0 - done;
                    let pow = match p.power {
                        Num::Int(k) => float_pow(pct_remaining, k as f64)?,
                        Num::Float(k) => float_pow(pct_remaining, k)?,
                    };
                    let decay = lr_range.as_f64() * pow + p.lr_end.as_f64();
                    Num::Float(decay).truediv(lr_init)?
                }
            }
            Kind::InverseSqrt => {
                if s < w {
                    warm()
                } else {
                    let ts = p.timescale;
                    let shift = i128::from(ts) - i128::from(w);
                    let x = int(i128::from(s) + shift)?.truediv(Num::Int(ts))?;
                    let root = math_sqrt(x)?;
                    if root == 0.0 {
                        return Err(CoreError::zero_division("float division by zero"));
                    }
                    1.0 / root
                }
            }
            Kind::StableDecay => {
                let r = self.min_ratio_f;
                let stable_end = i128::from(w) + i128::from(p.stable_steps);
                let decay_end = stable_end + i128::from(p.decay_steps);
                let s128 = i128::from(s);
                if s < w {
                    let progress = warm();
                    let factor = match p.warmup_type {
                        Curve::Linear => progress,
                        Curve::Cosine => 0.5 * (1.0 - math_cos(PI * progress)?),
                        Curve::OneMinusSqrt => 1.0 - math_sqrt(1.0 - progress)?,
                    };
                    clip_at_zero(factor * (1.0 - r) + r)
                } else if s128 < stable_end {
                    1.0
                } else if s128 < decay_end {
                    let progress = int_f64(s128 - stable_end) / at_least_one(p.decay_steps.into());
                    let factor = match p.decay_type {
                        Curve::Linear => 1.0 - progress,
                        Curve::Cosine => {
                            0.5 * (1.0 + math_cos(PI * self.num_cycles_f * 2.0 * progress)?)
                        }
                        Curve::OneMinusSqrt => 1.0 - math_sqrt(progress)?,
                    };
                    clip_at_zero(factor * (1.0 - r) + r)
                } else {
                    r
                }
            }
        })
    }

    /// `base_lr * factor(epoch)`, `LambdaLR`'s product.
    #[inline]
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        Ok(Num::Float(self.common.base_lr * self.factor(epoch)?))
    }
}

impl crate::schedule::Kernel for WarmupSchedule {
    fn class_name(&self) -> &'static str {
        self.kind.class_name()
    }
    crate::schedule::kernel_plumbing!();
    fn get_lr(&mut self, _log: &mut crate::schedule::Log) -> CoreResult<Num> {
        self.value_at(self.common.last_epoch)
    }
    fn is_pure(&self) -> bool {
        true
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        self.value_at(epoch)
    }
    fn lock_free_step(&self) -> Option<Box<dyn crate::lock_free::LockFreeStep>> {
        Some(Box::new(crate::lock_free::ByValue(self.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Kernel, Log};
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn build(kind: Kind, params: Params) -> WarmupSchedule {
        let mut k = WarmupSchedule::new(kind, params, -1, false).unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    fn params(lr: f64, w: i64, t: i64) -> Params {
        Params {
            total_steps: t,
            ..Params::new(Num::Float(lr), w)
        }
    }

    #[test]
    fn linear_warms_up_then_decays_to_zero() {
        let k = build(Kind::Linear, params(0.1, 4, 10));
        assert_eq!(k.common().last_lr, Num::Float(0.0));
        assert_eq!(k.value_at(2).unwrap(), Num::Float(0.1 * (2.0 / 4.0)));
        assert_eq!(k.value_at(4).unwrap(), Num::Float(0.1 * (6.0 / 6.0)));
        assert_eq!(k.value_at(7).unwrap(), Num::Float(0.1 * (3.0 / 6.0)));
        assert_eq!(k.value_at(10).unwrap(), Num::Float(0.0));
        assert_eq!(k.value_at(50).unwrap(), Num::Float(0.0));
    }

    #[test]
    fn cosine_with_min_ratio_ends_at_the_ratio() {
        let p = Params {
            min_lr_ratio: Num::Float(0.1),
            ..params(2.0, 0, 8)
        };
        let k = build(Kind::Cosine, p);
        assert_eq!(k.value_at(0).unwrap(), Num::Float(2.0));
        let f = 0.5 * (1.0 + (PI * 0.5 * 2.0 * (3.0 / 8.0)).cos());
        assert_eq!(k.value_at(3).unwrap(), Num::Float(2.0 * (f * 0.9 + 0.1)));
        assert_eq!(k.value_at(8).unwrap(), Num::Float(2.0 * (0.0 * 0.9 + 0.1)));
    }

    #[test]
    fn hard_restarts_restart_each_cycle_and_stop_at_the_end() {
        let p = Params {
            num_cycles: Num::Int(2),
            ..params(1.0, 0, 10)
        };
        let k = build(Kind::HardRestarts, p);
        assert_eq!(k.value_at(0).unwrap(), Num::Float(1.0));
        assert_eq!(k.value_at(5).unwrap(), Num::Float(1.0));
        assert_eq!(k.value_at(10).unwrap(), Num::Float(0.0));
        assert_eq!(k.value_at(11).unwrap(), Num::Float(0.0));
    }

    #[test]
    fn polynomial_holds_lr_end_past_the_total() {
        let p = Params {
            lr_end: Num::Float(0.01),
            power: Num::Float(2.0),
            ..params(0.5, 2, 6)
        };
        let k = build(Kind::Polynomial, p);
        let past = 0.01 / 0.5;
        assert_eq!(k.value_at(7).unwrap(), Num::Float(0.5 * past));
        let pct: f64 = 1.0 - 2.0 / 4.0;
        let decay = (0.5 - 0.01) * pct.powf(2.0) + 0.01;
        assert_eq!(k.value_at(4).unwrap(), Num::Float(0.5 * (decay / 0.5)));
        assert!(WarmupSchedule::new(Kind::Polynomial, params(0.5, 3, 3), -1, false).is_err());
        let high_end = Params {
            lr_end: Num::Float(0.5),
            ..params(0.5, 1, 3)
        };
        assert!(WarmupSchedule::new(Kind::Polynomial, high_end, -1, false).is_err());
    }

    #[test]
    fn inverse_sqrt_with_a_timescale() {
        let p = Params {
            timescale: 10,
            ..params(1.0, 5, 0)
        };
        let k = build(Kind::InverseSqrt, p);
        assert_eq!(
            k.value_at(5).unwrap(),
            Num::Float(1.0 / (10.0_f64 / 10.0).sqrt())
        );
        assert_eq!(
            k.value_at(35).unwrap(),
            Num::Float(1.0 / (40.0_f64 / 10.0).sqrt())
        );
        let zero = Params {
            timescale: 0,
            ..params(1.0, 5, 0)
        };
        assert!(WarmupSchedule::new(Kind::InverseSqrt, zero, -1, false).is_err());
    }

    #[test]
    fn wsd_phases() {
        let p = Params {
            stable_steps: 3,
            decay_steps: 4,
            decay_type: Curve::OneMinusSqrt,
            min_lr_ratio: Num::Float(0.25),
            ..params(1.0, 2, 0)
        };
        let k = build(Kind::StableDecay, p);
        assert_eq!(k.value_at(0).unwrap(), Num::Float(0.25));
        assert_eq!(k.value_at(1).unwrap(), Num::Float(0.5 * 0.75 + 0.25));
        assert_eq!(k.value_at(4).unwrap(), Num::Float(1.0));
        let f = 1.0 - (2.0_f64 / 4.0).sqrt();
        assert_eq!(k.value_at(7).unwrap(), Num::Float(f * 0.75 + 0.25));
        assert_eq!(k.value_at(9).unwrap(), Num::Float(0.25));
        assert!(Curve::parse("decay", "step").is_err());
    }

    #[test]
    fn fill_is_exact_for_every_kind() {
        for kind in [
            Kind::Linear,
            Kind::Cosine,
            Kind::CosineShifted,
            Kind::HardRestarts,
            Kind::Polynomial,
            Kind::InverseSqrt,
            Kind::Constant,
            Kind::StableDecay,
        ] {
            let p = Params {
                stable_steps: 5,
                decay_steps: 20,
                timescale: 7,
                ..params(0.3, 10, 40)
            };
            let k = build(kind, p);
            assert_fill_is_exact(&k, 0, 200, 13);
            assert_eq!(k.class_name(), kind.class_name());
        }
    }

    #[test]
    fn rejects_negative_counts() {
        assert!(WarmupSchedule::new(Kind::Linear, params(0.1, -1, 5), -1, false).is_err());
        assert!(WarmupSchedule::new(Kind::Linear, params(0.1, 1, -5), -1, false).is_err());
        assert!(WarmupSchedule::new(Kind::Linear, params(-0.1, 1, 5), -1, false).is_err());
    }

    #[test]
    fn int_conversions_round_once_beyond_i64() {
        assert_eq!(diff(i64::MAX, -1), 9_223_372_036_854_775_808.0);
        assert_eq!(diff(i64::MIN, 1), -9_223_372_036_854_775_808.0);
        assert_eq!(diff((1 << 53) + 1, 0), (1_u64 << 53) as f64);
        assert_eq!(at_least_one(-5), 1.0);
        assert_eq!(
            int_f64(i128::from(i64::MAX) + 2),
            9_223_372_036_854_775_808.0
        );
    }
}
