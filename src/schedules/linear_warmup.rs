//! `LinearWarmup`.

use std::sync::Arc;

use crate::error::{CoreError, CoreResult};
use crate::lock_free::{LockFreeStep, NestedStep};
use crate::nested::Nested;
use crate::pyops::Num;
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// Linear warm-up from `start_lr` to `end_lr` over `warmup_steps`, then `learning_rate`:
///
/// `lr(e) = (end_lr - start_lr) * e / warmup_steps + start_lr` for `e < warmup_steps`;
/// afterwards the nested scheduler stepped to epoch `e - warmup_steps` (or the number itself).
pub struct LinearWarmup {
    common: Common,
    pub nested: Nested,
    pub ramp: WarmupRamp,
    /// Warm-up levels down to the innermost schedule, this one included (`MAX_NESTING` at most).
    depth: usize,
}

/// The deepest chain of `LinearWarmup`s that can be built (each nesting another). Stepping,
/// `precompute` and copies recurse once per level in Rust (about 200 bytes of stack each), and
/// `state_dict`, `deepcopy` and pickle once or more per level in Python, so at this depth they
/// all stay far from a stack overflow and within Python's default recursion limit.
pub const MAX_NESTING: usize = 256;

/// The warm-up part of a `LinearWarmup`: its parameters and the ramp's values.
#[derive(Clone, Copy, Debug)]
pub struct WarmupRamp {
    pub warmup_steps: i64,
    pub start_lr: Num,
    pub end_lr: Num,
    /// `end_lr - start_lr` with Python's int/float rules, as a float.
    delta: f64,
}

impl WarmupRamp {
    /// The ramp's value at `epoch` (before `warmup_steps`), in paddle's operation order.
    #[inline]
    fn value(&self, epoch: i64) -> Num {
        Num::Float(self.delta * epoch as f64 / self.warmup_steps as f64 + self.start_lr.as_f64())
    }

    /// The nested scheduler's epoch at `epoch` (from `warmup_steps` on).
    fn nested_epoch(&self, epoch: i64) -> CoreResult<i64> {
        epoch
            .checked_sub(self.warmup_steps)
            .ok_or_else(|| CoreError::overflow(format!("epoch {epoch} - warmup_steps overflows")))
    }
}

impl LinearWarmup {
    /// Validate as paddle does (its asserts become `ValueError`), before the first `step()`.
    pub fn new(
        nested: Nested,
        warmup_steps: i64,
        start_lr: Num,
        end_lr: Num,
        last_epoch: i64,
        verbose: bool,
    ) -> CoreResult<Self> {
        let warmup_steps = validate::positive_int("warmup_steps", warmup_steps)?;
        let end_lr = validate::finite("end_lr", end_lr)?;
        if !end_lr.gt(start_lr) {
            return Err(CoreError::value(format!(
                "end_lr {} must be greater than start_lr {}",
                validate::show(end_lr),
                validate::show(start_lr)
            )));
        }
        let base_lr = validate::learning_rate("start_lr", start_lr)?;
        let delta = end_lr.sub(start_lr)?.as_f64();
        let depth = nesting_depth(&nested)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
            nested,
            ramp: WarmupRamp {
                warmup_steps,
                start_lr,
                end_lr,
                delta,
            },
            depth,
        })
    }

    /// A copy with another nested scheduler (a deep copy of the Python object wires in the
    /// copy of its nested object).
    #[must_use]
    pub fn with_nested(&self, nested: Nested) -> Self {
        Self {
            common: self.common.clone(),
            nested,
            ramp: self.ramp,
            depth: self.depth,
        }
    }
}

/// The depth of a `LinearWarmup` around `nested`, refused beyond `MAX_NESTING`.
fn nesting_depth(nested: &Nested) -> CoreResult<usize> {
    let depth = nested.nesting_depth(MAX_NESTING)?.saturating_add(1);
    if depth > MAX_NESTING {
        return Err(CoreError::value(format!(
            "LinearWarmup nested too deep: learning_rate nests {} levels of LinearWarmup, so \
             this one would be level {depth}; at most {MAX_NESTING} levels are supported",
            depth - 1
        )));
    }
    Ok(depth)
}

/// `LinearWarmup`'s lock-free step: the ramp, then the nested scheduler's own lock-free step.
struct WarmupStep {
    ramp: WarmupRamp,
    nested: NestedStep,
}

impl LockFreeStep for WarmupStep {
    #[inline]
    fn step_to(&self, epoch: i64) -> Option<Num> {
        if epoch < self.ramp.warmup_steps {
            Some(self.ramp.value(epoch))
        } else {
            self.nested.step_to(self.ramp.nested_epoch(epoch).ok()?)
        }
    }
    fn reaches(&self, cell: &crate::cell::SchedCell) -> bool {
        self.nested.reaches(cell)
    }
}

impl Kernel for LinearWarmup {
    kernel_plumbing!(@access);
    fn class_name(&self) -> &'static str {
        "LinearWarmup"
    }
    fn get_lr(&mut self, log: &mut Log) -> CoreResult<Num> {
        let epoch = self.common.last_epoch;
        if epoch < self.ramp.warmup_steps {
            Ok(self.ramp.value(epoch))
        } else {
            let nested_epoch = self.ramp.nested_epoch(epoch)?;
            self.nested.step_to(nested_epoch, log)
        }
    }
    fn lock_free_step(&self) -> Option<Box<dyn LockFreeStep>> {
        let nested = match &self.nested {
            Nested::Constant(v) => NestedStep::Constant(*v),
            Nested::Shared(cell) => NestedStep::Cell(Arc::clone(cell)),
            Nested::Owned(_) | Nested::Foreign(_) => return None,
        };
        Some(Box::new(WarmupStep {
            ramp: self.ramp,
            nested,
        }))
    }
    fn is_pure(&self) -> bool {
        self.nested.is_pure()
    }
    fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        if epoch < self.ramp.warmup_steps {
            Ok(self.ramp.value(epoch))
        } else {
            self.nested.lr_at(self.ramp.nested_epoch(epoch)?)
        }
    }
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        // Epochs before `warmup_steps` warm up; the rest is the nest's, from its epoch 0 on.
        let warm = usize::try_from(self.ramp.warmup_steps.saturating_sub(first_epoch))
            .unwrap_or(0)
            .min(out.len());
        let (warming, nested) = out.split_at_mut(warm);
        let mut epoch = first_epoch;
        for slot in warming {
            *slot = self.ramp.value(epoch).as_f64();
            epoch += 1;
        }
        if nested.is_empty() {
            return Ok(());
        }
        self.nested
            .fill_from(self.ramp.nested_epoch(epoch)?, nested)
    }
    fn values_at(&self, epochs: &mut [i64], out: &mut [f64]) -> CoreResult<()> {
        // The nest's epochs in place and one call to it for all; a warm-up epoch borrows
        // another one's nested epoch (one the nest is asked anyway) and is overwritten after.
        let warm = self.ramp.warmup_steps;
        let Some(filler) = epochs.iter().find(|e| **e >= warm) else {
            for (slot, epoch) in out.iter_mut().zip(epochs.iter()) {
                *slot = self.ramp.value(*epoch).as_f64();
            }
            return Ok(());
        };
        let filler = self.ramp.nested_epoch(*filler)?;
        let mut warming = Vec::new();
        for (slot, epoch) in epochs.iter_mut().enumerate() {
            if *epoch < warm {
                warming.push((slot, *epoch));
                *epoch = filler;
            } else {
                // `epoch >= warm > 0` (validated at construction): no overflow.
                *epoch -= warm;
            }
        }
        self.nested.values_at(epochs, out)?;
        for (slot, epoch) in warming {
            out[slot] = self.ramp.value(epoch).as_f64();
        }
        Ok(())
    }
    fn check_epochs(&self, first: i64, last: i64) -> CoreResult<()> {
        // Epochs from `warmup_steps` on step the nest to `epoch - warmup_steps`.
        if last < self.ramp.warmup_steps {
            return Ok(());
        }
        let nested_first = self.ramp.nested_epoch(first.max(self.ramp.warmup_steps))?;
        self.nested
            .check_epochs(nested_first, self.ramp.nested_epoch(last)?)
    }
    fn calls_python(&self) -> bool {
        self.nested.calls_python()
    }
    fn holds_foreign(&self) -> bool {
        self.nested.holds_foreign()
    }
    fn nesting_depth(&self) -> usize {
        self.depth
    }
    fn deep_clone(&self) -> CoreResult<Box<dyn Kernel>> {
        Ok(Box::new(self.with_nested(self.nested.deep_clone()?)))
    }
    fn parameters(&self) -> CoreResult<Box<dyn Kernel>> {
        // The nest is its own object, read through its own parameters.
        Ok(Box::new(
            self.with_nested(Nested::Constant(Num::Float(0.0))),
        ))
    }
}
