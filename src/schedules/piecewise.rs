//! `PiecewiseDecay`.

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::staircase::{first_above, last_epoch_of_run, Run, Sequence};
use crate::schedules::validate;

/// A constant value between boundaries:
///
/// `lr(e) = values[i]` for the first `i` with `e < boundaries[i]` (boundaries in the order
/// given), else `values[-1]`. Values are returned as given (an int stays an int).
#[derive(Clone, Debug)]
pub struct PiecewiseDecay {
    common: Common,
    boundaries: Sequence,
    values: Sequence,
}

impl PiecewiseDecay {
    /// Validate as paddle does, before the first `step()` (`base_lr` is paddle's default 0.1).
    pub fn new(
        boundaries: Sequence,
        values: Sequence,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let (b, v) = (boundaries.items.len(), values.items.len());
        if b == 0 {
            return Err(CoreError::value("boundaries must not be empty, got []"));
        }
        if v <= b {
            return Err(CoreError::value(format!(
                "values must have one more element than boundaries, got len(values)={v} and \
                 len(boundaries)={b}"
            )));
        }
        for (i, value) in values.items.iter().enumerate() {
            validate::finite(&format!("values[{i}]"), *value)?;
        }
        Ok(Self {
            common: Common::new(0.1, last_epoch, verbose),
            boundaries,
            values,
        })
    }

    /// `boundaries` as given.
    pub fn boundaries(&self) -> &Sequence {
        &self.boundaries
    }

    /// `values` as given.
    pub fn values(&self) -> &Sequence {
        &self.values
    }

    /// paddle's `values[i]`, or `values[len(values) - 1]` when no boundary is above the epoch.
    fn piece_value(&self, index: usize) -> Num {
        let values = &self.values.items;
        // `new` checked len(values) > len(boundaries) >= index.
        if index < self.boundaries.items.len() {
            values[index]
        } else {
            values[values.len() - 1]
        }
    }

    /// The value at `epoch`.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        Ok(self.piece_value(first_above(&self.boundaries.items, epoch)))
    }

    /// The value at `epoch` and the last epoch of its piece.
    pub fn run_at(&self, epoch: i64) -> CoreResult<Run> {
        let index = first_above(&self.boundaries.items, epoch);
        Ok(Run {
            value: self.piece_value(index),
            last: last_epoch_of_run(&self.boundaries.items, index),
        })
    }
}

piecewise_constant_kernel!(PiecewiseDecay, "PiecewiseDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn list(items: &[Num]) -> Sequence {
        Sequence {
            items: items.to_vec(),
            is_tuple: false,
        }
    }

    fn piecewise(boundaries: &[Num], values: &[Num]) -> PiecewiseDecay {
        PiecewiseDecay::new(list(boundaries), list(values), -1, false).unwrap()
    }

    #[test]
    fn values_are_returned_as_given() {
        // paddle: PiecewiseDecay([3, 1.5], [1, 2, 3.0]) at epochs -2..6.
        let k = piecewise(
            &[Num::Int(3), Num::Float(1.5)],
            &[Num::Int(1), Num::Int(2), Num::Float(3.0)],
        );
        let got: Vec<Num> = (-2..6).map(|e| k.value_at(e).unwrap()).collect();
        let one = Num::Int(1);
        let three = Num::Float(3.0);
        assert_eq!(got, [one, one, one, one, one, three, three, three]);
    }

    #[test]
    fn extra_values_are_skipped_for_the_last() {
        let k = piecewise(
            &[Num::Int(10)],
            &[Num::Float(0.5), Num::Float(0.25), Num::Float(0.125)],
        );
        assert_eq!(k.value_at(9).unwrap(), Num::Float(0.5));
        assert_eq!(k.value_at(10).unwrap(), Num::Float(0.125));
    }

    #[test]
    fn filling_by_runs_is_exact() {
        let cases: [(&[Num], &[Num]); 4] = [
            (
                &[Num::Int(3), Num::Int(7)],
                &[Num::Int(1), Num::Float(0.5), Num::Float(0.1)],
            ),
            // Unsorted, fractional, negative and infinite boundaries.
            (
                &[
                    Num::Float(4.5),
                    Num::Int(-3),
                    Num::Float(2.0),
                    Num::Float(f64::INFINITY),
                ],
                &[
                    Num::Float(0.4),
                    Num::Float(0.3),
                    Num::Float(0.2),
                    Num::Float(0.1),
                    Num::Int(0),
                ],
            ),
            (
                &[Num::Float(f64::NAN), Num::Int(5)],
                &[Num::Int(9), Num::Int(8), Num::Int(7)],
            ),
            (
                &[Num::Int(i64::MIN + 2)],
                &[Num::Float(1.0), Num::Float(2.0)],
            ),
        ];
        for (boundaries, values) in cases {
            let k = piecewise(boundaries, values);
            for chunk in [1, 3, 1000] {
                assert_fill_is_exact(&k, -12, 40, chunk);
            }
            assert_fill_is_exact(&k, i64::MIN, 10, 4);
            assert_fill_is_exact(&k, i64::MAX - 9, 10, 4);
        }
    }

    #[test]
    fn rejects_bad_lengths() {
        let empty = PiecewiseDecay::new(list(&[]), list(&[Num::Float(1.0)]), -1, false);
        assert!(matches!(empty, Err(CoreError::Value(_))));
        let short = PiecewiseDecay::new(list(&[Num::Int(1)]), list(&[Num::Float(1.0)]), -1, false);
        assert!(matches!(short, Err(CoreError::Value(_))));
    }
}
