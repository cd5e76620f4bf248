//! `MultiStepDecay`.

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::Common;
use crate::schedules::staircase::{first_above, last_epoch_of_run, scaled_power, Run, Sequence};
use crate::schedules::validate;

/// Decay by `gamma` at each milestone:
///
/// `lr(e) = base_lr * gamma ** i`, `i` the number of milestones at or below `e` (the index of
/// the first milestone above `e`).
#[derive(Clone, Debug)]
pub struct MultiStepDecay {
    common: Common,
    milestones: Sequence,
    pub gamma: Num,
}

impl MultiStepDecay {
    /// Validate as paddle does (milestones strictly increasing, `gamma < 1.0`), before the
    /// first `step()`.
    pub fn new(
        learning_rate: Num,
        milestones: Sequence,
        gamma: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        if milestones.items.windows(2).any(|pair| !pair[0].lt(pair[1])) {
            let shown: Vec<String> = milestones
                .items
                .iter()
                .map(|m| validate::show(*m))
                .collect();
            return Err(CoreError::value(format!(
                "milestones must be strictly increasing, got [{}]",
                shown.join(", ")
            )));
        }
        let gamma = validate::below_one("gamma", gamma)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            milestones,
            gamma,
        })
    }

    /// `milestones` as given.
    pub fn milestones(&self) -> &Sequence {
        &self.milestones
    }

    /// The value at `epoch`.
    pub fn value_at(&self, epoch: i64) -> CoreResult<Num> {
        Ok(self.run_at(epoch)?.value)
    }

    /// The value at `epoch` and the last epoch before the next milestone.
    pub fn run_at(&self, epoch: i64) -> CoreResult<Run> {
        let index = first_above(&self.milestones.items, epoch);
        let exponent = i64::try_from(index)
            .map_err(|_| CoreError::overflow("too many milestones for a 64-bit exponent"))?;
        Ok(Run {
            value: Num::Float(scaled_power(self.common.base_lr, self.gamma, exponent)?),
            last: last_epoch_of_run(&self.milestones.items, index),
        })
    }
}

piecewise_constant_kernel!(MultiStepDecay, "MultiStepDecay");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedules::pure::testing::assert_fill_is_exact;

    fn multi_step(milestones: &[Num], gamma: Num) -> CoreResult<MultiStepDecay> {
        let milestones = Sequence {
            items: milestones.to_vec(),
            is_tuple: true,
        };
        MultiStepDecay::new(Num::Float(0.5), milestones, gamma, -1, false)
    }

    #[test]
    fn decays_at_each_milestone() {
        let k = multi_step(&[Num::Int(30), Num::Int(50)], Num::Float(0.1)).unwrap();
        assert_eq!(k.value_at(29).unwrap(), Num::Float(0.5 * 0.1_f64.powf(0.0)));
        assert_eq!(k.value_at(30).unwrap(), Num::Float(0.5 * 0.1));
        assert_eq!(k.value_at(50).unwrap(), Num::Float(0.5 * 0.1_f64.powf(2.0)));
    }

    #[test]
    fn int_gamma_powers_are_exact_ints() {
        // paddle: 0.5 * (-3) ** 2 == 0.5 * 9 (an int), and 0 ** 0 == 1.
        let k = multi_step(&[Num::Int(1), Num::Int(2)], Num::Int(-3)).unwrap();
        assert_eq!(k.value_at(5).unwrap(), Num::Float(4.5));
        let zero = multi_step(&[Num::Int(1)], Num::Int(0)).unwrap();
        assert_eq!(zero.value_at(0).unwrap(), Num::Float(0.5));
        assert_eq!(zero.value_at(1).unwrap(), Num::Float(0.0));
    }

    #[test]
    fn filling_by_runs_is_exact() {
        let milestones = [Num::Int(-4), Num::Float(2.5), Num::Int(3), Num::Float(9.0)];
        for gamma in [Num::Float(0.1), Num::Float(-0.7), Num::Int(-2), Num::Int(0)] {
            let k = multi_step(&milestones, gamma).unwrap();
            for chunk in [1, 2, 5, 100] {
                assert_fill_is_exact(&k, -10, 30, chunk);
            }
        }
        let none = multi_step(&[], Num::Float(0.1)).unwrap();
        assert_fill_is_exact(&none, i64::MAX - 5, 6, 2);
    }

    #[test]
    fn rejects_bad_arguments() {
        let unsorted = multi_step(&[Num::Int(5), Num::Float(5.0)], Num::Float(0.1));
        assert!(matches!(unsorted, Err(CoreError::Value(_))));
        let nan = multi_step(&[Num::Float(f64::NAN), Num::Int(5)], Num::Float(0.1));
        assert!(matches!(nan, Err(CoreError::Value(_))));
        let gamma = multi_step(&[Num::Int(5)], Num::Int(1));
        assert!(matches!(gamma, Err(CoreError::Value(_))));
    }
}
