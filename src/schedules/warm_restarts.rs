//! `CosineAnnealingWarmRestarts`.

use std::f64::consts::PI;

use crate::error::{CoreError, CoreResult};
use crate::pyops::{math_cos, math_floor, math_log_base, Num};
use crate::schedule::{kernel_plumbing, next_epoch, Common, Kernel, Log, StateValue};
use crate::schedules::validate;

/// Cosine annealing with warm restarts (SGDR):
///
/// `lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2`,
///
/// where `T_cur` counts the epochs since the last restart and `T_i` is the current cycle's
/// length (`T_0`, then multiplied by `T_mult` at each restart). paddle overrides `step`:
/// `step()` adds one to `T_cur` and restarts once it reaches `T_i`; `step(epoch)` recomputes
/// both from `epoch` (for `T_mult > 1` from `n = int(log(epoch / T_0 * (T_mult - 1) + 1,
/// T_mult))`, which makes `T_cur` a float).
///
/// paddle's state dict omits `T_cur` and `T_i`; fastwarmup saves them too, and rebuilds them
/// from `last_epoch` when a dict lacks them (see `sequential_cycle`).
#[derive(Clone, Debug)]
pub struct CosineAnnealingWarmRestarts {
    common: Common,
    pub t_0: i64,
    pub t_mult: i64,
    /// As given (paddle does not convert it).
    pub eta_min: Num,
    /// An int, or a float after an explicit `step(epoch)` with `T_mult > 1`.
    pub t_cur: Num,
    pub t_i: i64,
}

fn overflow(what: &str) -> CoreError {
    CoreError::overflow(format!(
        "{what} does not fit in a 64-bit signed integer (fastwarmup supports ints within i64)"
    ))
}

impl CosineAnnealingWarmRestarts {
    /// Validate as paddle does (`T_0` and `T_mult` must be ints: a float is a `ValueError`,
    /// as in paddle), before the first `step()`.
    pub fn new(
        learning_rate: Num,
        t_0: Num,
        t_mult: Num,
        eta_min: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let t_0 = match t_0 {
            Num::Int(t) if t > 0 => t,
            _ => {
                return Err(CoreError::value(format!(
                    "Expected positive integer T_0, but got {}",
                    validate::show(t_0)
                )))
            }
        };
        let t_mult = match t_mult {
            Num::Int(m) if m >= 1 => m,
            _ => {
                return Err(CoreError::value(format!(
                    "Expected integer T_mult >= 1, but got {}",
                    validate::show(t_mult)
                )))
            }
        };
        let eta_min = validate::finite("eta_min", eta_min)?;
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            t_0,
            t_mult,
            eta_min,
            t_cur: Num::Int(last_epoch),
            t_i: t_0,
        })
    }

    /// paddle's `get_lr` for a cycle position.
    fn value(&self, t_cur: Num, t_i: i64) -> CoreResult<Num> {
        let angle = Num::Float(PI).mul(t_cur)?.truediv(Num::Int(t_i))?;
        let cos = math_cos(angle)?;
        let amplitude = Num::Float(self.common.base_lr).sub(self.eta_min)?;
        let half = amplitude.mul(Num::Float(1.0 + cos))?.truediv(Num::Int(2))?;
        self.eta_min.add(Num::Float(half))
    }

    /// `(T_cur, T_i)` after paddle's `step(None)` from the current state: one more epoch, and
    /// one restart when `T_cur` reaches `T_i`.
    fn next_cycle(&self) -> CoreResult<(Num, i64)> {
        self.next_cycle_from(self.t_cur, self.t_i)
    }

    /// `next_cycle` from `(t_cur, t_i)`.
    fn next_cycle_from(&self, t_cur: Num, t_i: i64) -> CoreResult<(Num, i64)> {
        let t_cur = t_cur.add(Num::Int(1))?;
        if t_cur.ge(Num::Int(t_i)) {
            let next_t_i = t_i
                .checked_mul(self.t_mult)
                .ok_or_else(|| overflow("T_i * T_mult"))?;
            Ok((t_cur.sub(Num::Int(t_i))?, next_t_i))
        } else {
            Ok((t_cur, t_i))
        }
    }

    /// `(T_cur, T_i)` after paddle's `step(epoch)`. With `T_mult == 1` and `epoch >= T_0`
    /// paddle leaves `T_i` as it was.
    fn explicit_cycle(&self, epoch: i64) -> CoreResult<(Num, i64)> {
        if epoch < 0 {
            return Err(CoreError::value(format!(
                "Expected non-negative epoch, but got {epoch}"
            )));
        }
        if epoch < self.t_0 {
            return Ok((Num::Int(epoch), self.t_0));
        }
        if self.t_mult == 1 {
            return Ok((Num::Int(epoch % self.t_0), self.t_i));
        }
        // n = int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))
        let grown = Num::Int(epoch).truediv(Num::Int(self.t_0))? * (self.t_mult - 1) as f64 + 1.0;
        // The logarithm is >= 0 here (grown >= 1), so int()'s truncation is a floor.
        let n = math_floor(math_log_base(grown, self.t_mult as f64)?)?;
        let power = u32::try_from(n)
            .ok()
            .and_then(|n| self.t_mult.checked_pow(n))
            .ok_or_else(|| overflow("T_mult ** n"))?;
        // T_cur = epoch - T_0 * (T_mult ** n - 1) / (T_mult - 1)
        let restarts = self
            .t_0
            .checked_mul(power - 1)
            .ok_or_else(|| overflow("T_0 * (T_mult ** n - 1)"))?;
        let elapsed = Num::Int(restarts).truediv(Num::Int(self.t_mult - 1))?;
        let t_cur = Num::Int(epoch).sub(Num::Float(elapsed))?;
        let t_i = self
            .t_0
            .checked_mul(power)
            .ok_or_else(|| overflow("T_0 * T_mult ** n"))?;
        Ok((t_cur, t_i))
    }

    /// `(T_cur, T_i)` at `last_epoch` as a paddle scheduler built with `last_epoch=-1` and
    /// stepped with `step()` since reaches them: `T_cur` an int counting from the last
    /// restart. (Another path, explicit epochs with `T_mult > 1` or a construction with
    /// `last_epoch >= 0`, can leave different values; those are only known from a dict that
    /// has them.) Before epoch 0: the state `__init__` sets before its first step.
    pub fn sequential_cycle(&self, last_epoch: i64) -> CoreResult<(Num, i64)> {
        if last_epoch < 0 {
            return Ok((Num::Int(last_epoch), self.t_0));
        }
        if self.t_mult == 1 {
            return Ok((Num::Int(last_epoch % self.t_0), self.t_0));
        }
        let (mut start, mut t_i) = (0_i64, self.t_0);
        // Cycles grow geometrically: at most 63 iterations.
        while last_epoch - start >= t_i {
            start += t_i;
            t_i = t_i
                .checked_mul(self.t_mult)
                .ok_or_else(|| overflow("T_i * T_mult"))?;
        }
        Ok((Num::Int(last_epoch - start), t_i))
    }

    /// paddle's step bookkeeping (`epoch is None and last_epoch < 0` counts as epoch 0).
    fn apply_advance(&mut self, epoch: Option<i64>) -> CoreResult<()> {
        let epoch = epoch.or(if self.common.last_epoch < 0 {
            Some(0)
        } else {
            None
        });
        let (epoch, (t_cur, t_i)) = match epoch {
            None => (next_epoch(self.common.last_epoch)?, self.next_cycle()?),
            Some(e) => (e, self.explicit_cycle(e)?),
        };
        self.t_cur = t_cur;
        self.t_i = t_i;
        self.common.last_epoch = epoch;
        Ok(())
    }
}

/// paddle's sequential `step()` as a `bulk::Scan`, from a state with an int `T_cur` in
/// `0..T_i`: a step's value depends on its `(T_cur, T_i)` alone, and the cycle at any step is
/// found without stepping (a cycle at a time), so the terms are the values and the fold has
/// nothing to do.
struct RestartScan {
    schedule: CosineAnnealingWarmRestarts,
    t_cur: i64,
    t_i: i64,
}

impl RestartScan {
    /// `(T_cur, T_i)` after `steps` more `step()` calls: a restart when `T_cur` reaches `T_i`,
    /// which is then multiplied by `T_mult`.
    fn cycle_after(&self, steps: u64) -> CoreResult<(i64, i64)> {
        let (mut t_cur, mut t_i, mut steps) = (self.t_cur, self.t_i, u128::from(steps));
        loop {
            let to_restart = u128::from((t_i - t_cur).unsigned_abs());
            if steps < to_restart {
                return Ok((t_cur + steps as i64, t_i));
            }
            steps -= to_restart;
            t_cur = 0;
            t_i = t_i
                .checked_mul(self.schedule.t_mult)
                .ok_or_else(|| overflow("T_i * T_mult"))?;
            if self.schedule.t_mult == 1 {
                let t_cur = steps % u128::from(t_i.unsigned_abs());
                return Ok((i64::try_from(t_cur).map_err(|_| overflow("T_cur"))?, t_i));
            }
        }
    }
}

impl crate::bulk::Scan for RestartScan {
    fn terms(&self, first: u64, out: &mut [f64]) -> CoreResult<()> {
        let (mut t_cur, mut t_i) = self.cycle_after(first - 1)?;
        for slot in out {
            (t_cur, t_i) = match self.schedule.next_cycle_from(Num::Int(t_cur), t_i)? {
                (Num::Int(c), t_i) => (c, t_i),
                // int + 1 and int - int stay ints
                (c, _) => return Err(CoreError::runtime(format!("T_cur became {c:?}"))),
            };
            *slot = self.schedule.value(Num::Int(t_cur), t_i)?.as_f64();
        }
        Ok(())
    }

    fn fold(&self, _first: u64, prev: &mut f64, values: &mut [f64]) -> CoreResult<()> {
        if let Some(last) = values.last() {
            *prev = *last;
        }
        Ok(())
    }
}

/// A `T_i` entry: a positive int.
fn state_cycle_length(value: &StateValue) -> CoreResult<i64> {
    match value.as_num("T_i")? {
        Num::Int(t) if t > 0 => Ok(t),
        other => Err(CoreError::value(format!(
            "state_dict['T_i'] must be a positive int, got {}",
            validate::show(other)
        ))),
    }
}

impl Kernel for CosineAnnealingWarmRestarts {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "CosineAnnealingWarmRestarts"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        self.value(self.t_cur, self.t_i)
    }
    /// paddle's `CosineAnnealingWarmRestarts.step` (it never takes a closed form).
    fn step(&mut self, epoch: Option<i64>, log: &mut Log) -> CoreResult<()> {
        let saved = (self.common.clone(), self.t_cur, self.t_i);
        let value = self
            .apply_advance(epoch)
            .and_then(|()| self.value(self.t_cur, self.t_i));
        match value {
            Ok(v) => {
                self.common.last_lr = v;
                log.emit(self.class_name(), &self.common);
                Ok(())
            }
            Err(e) => {
                (self.common, self.t_cur, self.t_i) = saved;
                Err(e)
            }
        }
    }
    fn advance(&mut self, epoch: Option<i64>) -> CoreResult<bool> {
        self.apply_advance(epoch)?;
        Ok(false)
    }
    /// `step(epoch)` depends on the epoch alone, except that with `T_mult == 1` paddle keeps
    /// `T_i` for epochs `>= T_0`: pure while that `T_i` is `T_0` (always, unless a dict set it).
    fn is_pure(&self) -> bool {
        self.t_mult > 1 || self.t_i == self.t_0
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        let (t_cur, t_i) = self.explicit_cycle(epoch)?;
        self.value(t_cur, t_i)
    }
    fn sequential_is_explicit(&self) -> bool {
        false
    }
    /// From the states paddle's stepping reaches (an int `T_cur` in `0..T_i`, past the first
    /// step); others step.
    fn scan(&self) -> Option<Box<dyn crate::bulk::Scan>> {
        match self.t_cur {
            Num::Int(t_cur) if self.common.last_epoch >= 0 && (0..self.t_i).contains(&t_cur) => {
                Some(Box::new(RestartScan {
                    schedule: self.clone(),
                    t_cur,
                    t_i: self.t_i,
                }))
            }
            _ => None,
        }
    }
    fn extra_state(&self) -> Vec<(&'static str, StateValue)> {
        vec![
            ("T_cur", StateValue::Num(self.t_cur)),
            ("T_i", StateValue::Int(self.t_i)),
        ]
    }
    /// Entries missing from the dict (all of them in paddle's) are rebuilt from the loaded
    /// `last_epoch` as the sequential path reaches it (`sequential_cycle`).
    fn load_extra_state(&mut self, entries: &[(&'static str, StateValue)]) -> CoreResult<()> {
        let find = |name: &str| entries.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
        let given_t_cur = find("T_cur").map(|v| v.as_num("T_cur")).transpose()?;
        let given_t_i = find("T_i").map(state_cycle_length).transpose()?;
        let (t_cur, t_i) = match (given_t_cur, given_t_i) {
            (Some(t_cur), Some(t_i)) => (t_cur, t_i),
            (t_cur, t_i) => {
                let rebuilt = self.sequential_cycle(self.common.last_epoch)?;
                (t_cur.unwrap_or(rebuilt.0), t_i.unwrap_or(rebuilt.1))
            }
        };
        self.t_cur = validate::finite("state_dict['T_cur']", t_cur)?;
        self.t_i = t_i;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restarts(t_0: i64, t_mult: i64, last_epoch: i64) -> CosineAnnealingWarmRestarts {
        let mut k = CosineAnnealingWarmRestarts::new(
            Num::Float(0.5),
            Num::Int(t_0),
            Num::Int(t_mult),
            Num::Int(0),
            last_epoch,
            false,
        )
        .unwrap();
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    fn step(k: &mut CosineAnnealingWarmRestarts, epoch: Option<i64>) -> CoreResult<()> {
        k.step(epoch, &mut Log::muted())
    }

    #[test]
    fn construction_starts_at_epoch_zero() {
        let k = restarts(3, 2, -1);
        assert_eq!((k.common().last_epoch, k.t_cur, k.t_i), (0, Num::Int(0), 3));
        assert_eq!(k.common().last_lr, Num::Float(0.5));
    }

    #[test]
    fn construction_with_last_epoch_restarts_once_as_paddle_does() {
        // T_cur starts at last_epoch = 5, steps to 6 >= T_i = 2: one subtraction only.
        let k = restarts(2, 1, 5);
        assert_eq!((k.common().last_epoch, k.t_cur, k.t_i), (6, Num::Int(4), 2));
    }

    #[test]
    fn sequential_steps_restart_with_growing_cycles() {
        let mut k = restarts(2, 3, -1);
        let mut seen = Vec::new();
        for _ in 0..10 {
            step(&mut k, None).unwrap();
            seen.push((k.t_cur, k.t_i));
        }
        let int = Num::Int;
        assert_eq!(
            seen,
            vec![
                (int(1), 2),
                (int(0), 6),
                (int(1), 6),
                (int(2), 6),
                (int(3), 6),
                (int(4), 6),
                (int(5), 6),
                (int(0), 18),
                (int(1), 18),
                (int(2), 18),
            ]
        );
    }

    #[test]
    fn explicit_epochs_follow_paddles_log_formula() {
        let mut k = restarts(2, 3, -1);
        step(&mut k, Some(9)).unwrap();
        // n = int(log(9 / 2 * 2 + 1, 3)) = 2; T_cur = 9 - 2 * 8 / 2 = 1.0 (a float).
        assert_eq!((k.t_cur, k.t_i), (Num::Float(1.0), 18));
        step(&mut k, Some(1)).unwrap();
        assert_eq!((k.t_cur, k.t_i), (Num::Int(1), 2));
        let mut one = restarts(4, 1, -1);
        step(&mut one, Some(10)).unwrap();
        assert_eq!((one.t_cur, one.t_i), (Num::Int(2), 4));
    }

    #[test]
    fn negative_explicit_epoch_is_refused_and_changes_nothing() {
        let mut k = restarts(2, 2, -1);
        step(&mut k, None).unwrap();
        let before = k.clone();
        assert!(matches!(step(&mut k, Some(-1)), Err(CoreError::Value(_))));
        assert_eq!(
            (k.common(), k.t_cur, k.t_i),
            (before.common(), before.t_cur, before.t_i)
        );
    }

    #[test]
    fn sequential_cycle_rebuilds_the_stepped_state() {
        for (t_0, t_mult) in [(1, 1), (3, 1), (1, 2), (2, 3), (5, 2)] {
            let mut k = restarts(t_0, t_mult, -1);
            for _ in 0..500 {
                assert_eq!(
                    k.sequential_cycle(k.common().last_epoch).unwrap(),
                    (k.t_cur, k.t_i),
                    "T_0 {t_0} T_mult {t_mult} epoch {}",
                    k.common().last_epoch
                );
                step(&mut k, None).unwrap();
            }
        }
    }

    #[test]
    fn a_dict_without_the_cycle_state_resumes_the_sequential_schedule() {
        let mut original = restarts(2, 2, -1);
        for _ in 0..20 {
            step(&mut original, None).unwrap();
        }
        let mut resumed = restarts(2, 2, -1);
        resumed.common_mut().last_epoch = original.common().last_epoch;
        resumed.common_mut().last_lr = original.common().last_lr;
        resumed.load_extra_state(&[]).unwrap();
        for _ in 0..50 {
            step(&mut original, None).unwrap();
            step(&mut resumed, None).unwrap();
            assert_eq!(resumed.common(), original.common());
        }
    }

    #[test]
    fn purity_needs_t_i_at_t_0_when_t_mult_is_one() {
        let mut k = restarts(3, 1, -1);
        assert!(k.is_pure());
        k.load_extra_state(&[("T_i", StateValue::Int(7))]).unwrap();
        assert!(!k.is_pure());
        assert!(restarts(3, 2, -1).is_pure());
    }

    #[test]
    fn rejects_bad_arguments() {
        let bad = |t_0: Num, t_mult: Num| {
            CosineAnnealingWarmRestarts::new(Num::Float(0.1), t_0, t_mult, Num::Int(0), -1, false)
        };
        assert!(matches!(
            bad(Num::Int(0), Num::Int(1)),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(Num::Float(2.0), Num::Int(1)),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(Num::Int(2), Num::Int(0)),
            Err(CoreError::Value(_))
        ));
        assert!(matches!(
            bad(Num::Int(2), Num::Float(2.0)),
            Err(CoreError::Value(_))
        ));
    }
}
