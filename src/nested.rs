//! What `LinearWarmup` wraps: a number, a fastwarmup scheduler, or a foreign one.

use std::sync::Arc;

use crate::cell::SchedCell;
use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::{Kernel, Log};

/// A scheduler implemented outside the core (a Python object with paddle's protocol). The
/// binding layer implements it; the core only steps it and reads its value.
pub trait Foreign: Send + Sync {
    /// `obj.step(epoch)`.
    fn step(&self, epoch: i64) -> CoreResult<()>;
    /// `obj()`.
    fn value(&self) -> CoreResult<Num>;
    /// `copy.deepcopy(obj)`.
    fn deep_clone(&self) -> CoreResult<Box<dyn Foreign>>;
    /// `obj.state_dict()`, kept opaque, to undo a step that is rejected.
    fn save(&self) -> CoreResult<Box<dyn std::any::Any + Send + Sync>>;
    /// `obj.set_state_dict(saved)`.
    fn restore(&self, saved: Box<dyn std::any::Any + Send + Sync>) -> CoreResult<()>;
    /// How many warm-up levels the object stands for (it may nest schedulers, fastwarmup's
    /// among them), counted up to `limit` (a cycle counts as deeper than any limit).
    fn nesting_depth(&self, _limit: usize) -> CoreResult<usize> {
        Ok(0)
    }
}

/// The `learning_rate` of a `LinearWarmup`.
pub enum Nested {
    /// A float or int, returned as given after warm-up.
    Constant(Num),
    /// A fastwarmup scheduler, shared with its Python object (stepped without Python calls).
    Shared(Arc<SchedCell>),
    /// A private copy of a fastwarmup scheduler (inside `precompute`).
    Owned(Box<dyn Kernel>),
    /// Anything else with paddle's scheduler protocol.
    Foreign(Box<dyn Foreign>),
}

impl Nested {
    /// paddle: `self.learning_rate.step(epoch); return self.learning_rate()`, or the constant.
    pub fn step_to(&mut self, epoch: i64, log: &mut Log) -> CoreResult<Num> {
        match self {
            Self::Constant(v) => Ok(*v),
            Self::Shared(cell) => cell.update(|k| {
                k.step(Some(epoch), log)?;
                Ok(k.common().last_lr)
            }),
            Self::Owned(k) => {
                k.step(Some(epoch), log)?;
                Ok(k.common().last_lr)
            }
            Self::Foreign(f) => {
                // A foreign step is not transactional by itself: undo it through the paddle
                // protocol when it raises or yields a value that is refused.
                let saved = f.save()?;
                let stepped = f.step(epoch).and_then(|()| f.value());
                if stepped.is_err() {
                    // The step's own error is the one to report.
                    let _ = f.restore(saved);
                }
                stepped
            }
        }
    }

    /// Whether the nested value at an explicit epoch depends on the epoch alone.
    pub fn is_pure(&self) -> bool {
        match self {
            Self::Constant(_) => true,
            Self::Shared(cell) => cell.read(Kernel::is_pure).unwrap_or(false),
            Self::Owned(k) => k.is_pure(),
            Self::Foreign(_) => false,
        }
    }

    /// The value `step_to(epoch)` gives, for a pure owned or constant nest.
    pub fn lr_at(&self, epoch: i64) -> CoreResult<Num> {
        match self {
            Self::Constant(v) => Ok(*v),
            Self::Owned(k) => k.lr_at(epoch),
            Self::Shared(cell) => cell.read(|k| k.lr_at(epoch))?,
            Self::Foreign(_) => Err(crate::error::CoreError::runtime(
                "a foreign scheduler cannot be evaluated without stepping it",
            )),
        }
    }

    /// `out[i] = lr_at(first_epoch + i)`, for a pure owned or constant nest.
    pub fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        match self {
            Self::Constant(v) => {
                out.fill(v.as_f64());
                Ok(())
            }
            Self::Owned(k) => k.fill_from(first_epoch, out),
            Self::Shared(cell) => cell.read(|k| k.fill_from(first_epoch, out))?,
            Self::Foreign(_) => Err(crate::error::CoreError::runtime(
                "a foreign scheduler cannot be evaluated without stepping it",
            )),
        }
    }

    /// `out[i] = lr_at(epochs[i])`, for a pure owned or constant nest (one lock for all).
    pub fn values_at(&self, epochs: &mut [i64], out: &mut [f64]) -> CoreResult<()> {
        match self {
            Self::Constant(v) => {
                out.fill(v.as_f64());
                Ok(())
            }
            Self::Owned(k) => k.values_at(epochs, out),
            Self::Shared(cell) => cell.read(|k| k.values_at(epochs, out))?,
            Self::Foreign(_) => Err(crate::error::CoreError::runtime(
                "a foreign scheduler cannot be evaluated without stepping it",
            )),
        }
    }

    /// Refuse explicit steps through `first..=last` that the nested scheduler would refuse
    /// (see `Kernel::check_epochs`); a constant or foreign nest refuses none up front.
    pub fn check_epochs(&self, first: i64, last: i64) -> CoreResult<()> {
        match self {
            Self::Constant(_) | Self::Foreign(_) => Ok(()),
            Self::Owned(k) => k.check_epochs(first, last),
            Self::Shared(cell) => cell.read(|k| k.check_epochs(first, last))?,
        }
    }

    /// Whether a foreign scheduler is nested here, at any depth.
    pub fn holds_foreign(&self) -> bool {
        match self {
            Self::Constant(_) => false,
            Self::Shared(cell) => cell.read(Kernel::holds_foreign).unwrap_or(true),
            Self::Owned(k) => k.holds_foreign(),
            Self::Foreign(_) => true,
        }
    }

    /// How many `LinearWarmup` levels are nested here (see `Kernel::nesting_depth`), counted
    /// up to `limit` for a foreign scheduler.
    pub fn nesting_depth(&self, limit: usize) -> CoreResult<usize> {
        match self {
            Self::Constant(_) => Ok(0),
            // The parameters copy answers without the lock (the nest may be mid-step).
            Self::Shared(cell) => cell
                .params(Kernel::nesting_depth)
                .or_else(|_| cell.read(Kernel::nesting_depth)),
            Self::Owned(k) => Ok(k.nesting_depth()),
            Self::Foreign(f) => f.nesting_depth(limit),
        }
    }

    /// Whether stepping calls into Python.
    pub fn calls_python(&self) -> bool {
        match self {
            Self::Constant(_) => false,
            Self::Shared(cell) => cell.read(Kernel::calls_python).unwrap_or(true),
            Self::Owned(k) => k.calls_python(),
            Self::Foreign(_) => true,
        }
    }

    /// A copy sharing nothing: a shared scheduler becomes an owned one.
    pub fn deep_clone(&self) -> CoreResult<Self> {
        Ok(match self {
            Self::Constant(v) => Self::Constant(*v),
            Self::Shared(cell) => Self::Owned(cell.snapshot()?),
            Self::Owned(k) => Self::Owned(k.deep_clone()?),
            Self::Foreign(f) => Self::Foreign(f.deep_clone()?),
        })
    }
}
