//! What the piecewise-constant schedules (`PiecewiseDecay`, `MultiStepDecay`, `StepDecay`)
//! share: paddle's boundary scan, the constant runs of epochs it produces, and
//! `base_lr * gamma ** i` with Python's int and float rules.
//!
//! A run is a stretch of consecutive epochs over which `get_lr` takes the same branch with the
//! same operands, so its value is computed once and copied over the run (`fill_runs`).

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;

/// A list or tuple of numbers as given (paddle keeps the object; the attribute gives back the
/// same kind of sequence).
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    pub items: Vec<Num>,
    pub is_tuple: bool,
}

/// The value at an epoch, and the last epoch (inclusive) through which it holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    pub value: Num,
    pub last: i64,
}

/// paddle's scan `for i in range(len(b)): if epoch < b[i]: return i`, and `len(b)` when no
/// boundary is above the epoch. The boundaries need not be sorted: the first one above wins.
pub fn first_above(boundaries: &[Num], epoch: i64) -> usize {
    let epoch = Num::Int(epoch);
    boundaries
        .iter()
        .position(|b| epoch.lt(*b))
        .unwrap_or(boundaries.len())
}

/// The last epoch for which `first_above` still returns `index`, given an epoch for which it
/// does: as the epoch grows, the boundaries before `index` stay at or below it, and
/// `boundaries[index]` stays above it until the epoch reaches it. Past every boundary
/// (`index == len`) the run never ends.
pub fn last_epoch_of_run(boundaries: &[Num], index: usize) -> i64 {
    boundaries
        .get(index)
        .map_or(i64::MAX, |bound| last_int_below(*bound))
}

/// The largest i64 strictly below `bound` (which is above some i64).
fn last_int_below(bound: Num) -> i64 {
    match bound {
        Num::Int(b) => b.saturating_sub(1),
        Num::Float(f) => {
            // `ceil` is exact; `e < f` holds for an int `e` exactly when `e < ceil(f)`.
            let ceiling = f.ceil();
            if ceiling >= i64::MAX as f64 {
                i64::MAX
            } else {
                (ceiling as i64).saturating_sub(1)
            }
        }
    }
}

/// Fill `out` with the values at epochs `first_epoch, first_epoch + 1, ...`, one run at a time:
/// `run_at(epoch)` is called once per run and its value copied over the run.
pub fn fill_runs(
    first_epoch: i64,
    out: &mut [f64],
    run_at: impl Fn(i64) -> CoreResult<Run>,
) -> CoreResult<()> {
    let mut rest = out;
    let mut epoch = first_epoch;
    while !rest.is_empty() {
        let run = run_at(epoch)?;
        // Epochs from `epoch` through `run.last`, at least 1, at most what is left to fill.
        let span = (i128::from(run.last) - i128::from(epoch) + 1).clamp(1, rest.len() as i128);
        let (head, tail) = rest.split_at_mut(usize::try_from(span).unwrap_or(1));
        head.fill(run.value.as_f64());
        rest = tail;
        epoch = epoch.saturating_add(i64::try_from(span).unwrap_or(i64::MAX));
    }
    Ok(())
}

/// paddle's `base_lr * (gamma ** i)`. An int `gamma` to a power `i >= 0` is an exact Python
/// int, which the multiplication converts to the nearest float; every other case is float
/// `pow` (an int `gamma` to a negative power included, as CPython does).
pub fn scaled_power(base_lr: f64, gamma: Num, i: i64) -> CoreResult<f64> {
    let power = match gamma {
        Num::Int(g) if i >= 0 => float_of_int_power(g, i)?,
        _ => gamma.pow(Num::Int(i))?.as_f64(),
    };
    Ok(base_lr * power)
}

/// Limbs enough for any int a float can hold (17 * 64 > 1024 bits).
const MAX_LIMBS: usize = 17;

/// `float(base ** exp)` for ints, `exp >= 0`: correctly rounded (as CPython's `PyLong_AsDouble`)
/// even where the power is beyond 64 bits; `OverflowError`, as CPython, beyond the float range.
fn float_of_int_power(base: i64, exp: i64) -> CoreResult<f64> {
    if let Ok(power) = Num::Int(base).pow(Num::Int(exp)) {
        return Ok(power.as_f64());
    }
    // `Num::pow` refuses only powers beyond i64, so |base| >= 2 here and the loop is short.
    let too_large = || CoreError::overflow("int too large to convert to float");
    let mut limbs = vec![1_u64];
    for _ in 0..exp {
        multiply_limbs(&mut limbs, base.unsigned_abs());
        if limbs.len() > MAX_LIMBS {
            return Err(too_large());
        }
    }
    let magnitude = limbs_to_f64(&limbs).ok_or_else(too_large)?;
    Ok(if base < 0 && exp % 2 == 1 {
        -magnitude
    } else {
        magnitude
    })
}

/// `limbs *= factor` (little-endian base-2**64 digits).
fn multiply_limbs(limbs: &mut Vec<u64>, factor: u64) {
    let mut carry = 0_u128;
    for limb in limbs.iter_mut() {
        let product = u128::from(*limb) * u128::from(factor) + carry;
        *limb = product as u64;
        carry = product >> 64;
    }
    if carry != 0 {
        limbs.push(carry as u64);
    }
}

/// The nearest float (ties to even) to a non-zero big int whose top limb is non-zero; `None`
/// when it rounds beyond the float range.
fn limbs_to_f64(limbs: &[u64]) -> Option<f64> {
    let (&top, _) = limbs.split_last()?;
    let bits = (limbs.len() - 1) * 64 + (64 - top.leading_zeros() as usize);
    if bits <= 64 {
        return Some(top as f64);
    }
    if bits > 1024 {
        return None;
    }
    // The top 64 bits, with every lower bit folded into bit 0 (a sticky bit far below the
    // 53-bit rounding position): one u64 -> f64 rounding, then an exact scaling by 2**shift.
    let shift = bits - 64;
    let (word, offset) = (shift / 64, shift % 64);
    let high = if offset == 0 {
        limbs[word]
    } else {
        (limbs[word] >> offset) | (limbs[word + 1] << (64 - offset))
    };
    let below = limbs[word] & ((1_u64 << offset) - 1);
    let sticky = below != 0 || limbs[..word].iter().any(|&l| l != 0);
    let scale = f64::from_bits((shift as u64 + 1023) << 52);
    let value = (high | u64::from(sticky)) as f64 * scale;
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_above_is_paddles_first_match_scan() {
        let b = [Num::Int(3), Num::Float(1.5), Num::Int(10)];
        assert_eq!(first_above(&b, -7), 0);
        assert_eq!(first_above(&b, 2), 0);
        assert_eq!(first_above(&b, 3), 2);
        assert_eq!(first_above(&b, 10), 3);
        assert_eq!(first_above(&[Num::Float(f64::NAN)], 0), 1);
    }

    #[test]
    fn runs_end_just_below_the_boundary() {
        let b = [
            Num::Int(5),
            Num::Float(7.0),
            Num::Float(9.5),
            Num::Float(-2.5),
            Num::Float(f64::INFINITY),
            Num::Float(1e300),
            Num::Int(i64::MIN + 1),
        ];
        let lasts: Vec<i64> = (0..=b.len()).map(|i| last_epoch_of_run(&b, i)).collect();
        assert_eq!(lasts, [4, 6, 9, -3, i64::MAX, i64::MAX, i64::MIN, i64::MAX]);
        // Near 2**63 every float is an integer; 2**63 itself is above every i64.
        assert_eq!(
            last_int_below(Num::Float(9_223_372_036_854_775_808.0)),
            i64::MAX
        );
        assert_eq!(
            last_int_below(Num::Float(9_223_372_036_854_774_784.0)),
            9_223_372_036_854_774_783
        );
    }

    #[test]
    fn int_powers_beyond_64_bits_round_like_python() {
        // float((-2) ** 70), float(3 ** 41), float(7 ** 300) and float(2 ** 1023) from CPython.
        assert_eq!(
            float_of_int_power(-2, 70).unwrap(),
            1.180_591_620_717_411_3e21
        );
        assert_eq!(
            float_of_int_power(-2, 71).unwrap(),
            -2.361_183_241_434_822_6e21
        );
        assert_eq!(float_of_int_power(3, 41).unwrap(), 3.647_299_637_717_079e19);
        assert_eq!(
            float_of_int_power(7, 300).unwrap(),
            3.383_857_020_074_91e253
        );
        assert_eq!(float_of_int_power(2, 1023).unwrap(), 2.0_f64.powi(1023));
        assert!(matches!(
            float_of_int_power(2, 1024),
            Err(CoreError::Overflow(_))
        ));
        assert!(matches!(
            float_of_int_power(-3, 1_000_000),
            Err(CoreError::Overflow(_))
        ));
        assert_eq!(float_of_int_power(-1, i64::MAX).unwrap(), -1.0);
        assert_eq!(float_of_int_power(0, i64::MAX).unwrap(), 0.0);
    }

    #[test]
    fn rounding_of_big_ints_is_to_nearest_even() {
        // 2**70 + 2**17 is exactly halfway between two floats (spacing 2**18 at 2**70): ties to
        // even (down); one more unit in the last limb breaks the tie (up).
        let tie = [1_u64 << 17, 1 << 6];
        assert_eq!(limbs_to_f64(&tie).unwrap(), 2.0_f64.powi(70));
        let above = [(1_u64 << 17) + 1, 1 << 6];
        assert_eq!(
            limbs_to_f64(&above).unwrap(),
            2.0_f64.powi(70) + 2.0_f64.powi(18)
        );
    }

    #[test]
    fn scaled_power_follows_python_types() {
        // int ** negative int is float pow; 0 ** -1 is ZeroDivisionError as in CPython.
        assert_eq!(scaled_power(1.0, Num::Int(-2), -3).unwrap(), -0.125);
        assert!(matches!(
            scaled_power(1.0, Num::Int(0), -1),
            Err(CoreError::ZeroDivision(_))
        ));
        assert_eq!(scaled_power(0.5, Num::Int(0), 0).unwrap(), 0.5);
        assert_eq!(
            scaled_power(0.1, Num::Float(0.1), 3).unwrap(),
            0.1 * 0.1_f64.powf(3.0)
        );
    }

    #[test]
    fn fill_runs_copies_each_value_over_its_run() {
        let b = [Num::Int(2), Num::Float(4.5)];
        let mut out = [0.0; 9];
        fill_runs(-1, &mut out, |e| {
            let i = first_above(&b, e);
            Ok(Run {
                value: Num::Int(i64::try_from(i).unwrap()),
                last: last_epoch_of_run(&b, i),
            })
        })
        .unwrap();
        assert_eq!(out, [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
    }
}
