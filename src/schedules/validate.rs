//! Argument checks shared by the schedulers. paddle asserts some of these; fastwarmup always
//! raises `ValueError`/`TypeError` with the argument's name and value.

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;

/// A learning rate: a finite number >= 0 (paddle: `learning_rate < 0` is a `ValueError`;
/// fastwarmup also refuses NaN and infinities). Returns `float(value)`.
pub fn learning_rate(name: &str, value: Num) -> CoreResult<f64> {
    let v = value.as_f64();
    if !v.is_finite() || value.lt(Num::Int(0)) {
        return Err(CoreError::value(format!(
            "{name} must be a finite number >= 0, got {}",
            show(value)
        )));
    }
    Ok(v)
}

/// A count that paddle requires to be a positive int (`decay_steps`, `warmup_steps`, ...).
pub fn positive_int(name: &str, value: i64) -> CoreResult<i64> {
    if value <= 0 {
        return Err(CoreError::value(format!(
            "{name} must be a positive integer, got {value}"
        )));
    }
    Ok(value)
}

/// A finite number (NaN and infinities make every later value NaN or an error).
pub fn finite(name: &str, value: Num) -> CoreResult<Num> {
    if !value.as_f64().is_finite() {
        return Err(CoreError::value(format!(
            "{name} must be a finite number, got {}",
            show(value)
        )));
    }
    Ok(value)
}

/// A number shown as Python would print it (close enough for messages).
pub fn show(value: Num) -> String {
    match value {
        Num::Int(i) => i.to_string(),
        Num::Float(f) if f.is_nan() => "nan".to_owned(),
        Num::Float(f) if f.is_infinite() => {
            if f > 0.0 {
                "inf".to_owned()
            } else {
                "-inf".to_owned()
            }
        }
        Num::Float(f) => format!("{f:?}"),
    }
}

/// A finite number > 0 (`d_model`, NaturalExpDecay's `gamma`, ...: paddle's `> 0` checks).
pub fn positive(name: &str, value: Num) -> CoreResult<Num> {
    let value = finite(name, value)?;
    if !value.gt(Num::Int(0)) {
        return Err(CoreError::value(format!(
            "{name} must be greater than 0, got {}",
            show(value)
        )));
    }
    Ok(value)
}

/// A finite number < 1.0 (the `gamma` of the decays: paddle's `gamma >= 1.0` check).
pub fn below_one(name: &str, value: Num) -> CoreResult<Num> {
    let value = finite(name, value)?;
    if value.ge(Num::Float(1.0)) {
        return Err(CoreError::value(format!(
            "{name} must be less than 1.0 so that the learning rate will decay, got {}",
            show(value)
        )));
    }
    Ok(value)
}
