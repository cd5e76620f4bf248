//! Steps that take no lock, for the schedules whose value at an epoch depends on the epoch alone.
//!
//! Such a scheduler's whole state is `last_epoch` and `last_lr`, which its cell publishes in
//! atomics anyway. Stepping it is then: compute the value at the new epoch from parameters that
//! never change, and store both atomics. A `LockFreeStep` is that computation, built once from
//! the kernel when the cell installs it (`Kernel::lock_free_step`); the cell keeps it beside the
//! kernel and uses it for `step()` whenever nothing else needs the lock (see `SchedCell`).
//!
//! It is the per-step hot path: no lock round-trip, no state copied for a rollback (nothing is
//! written until the value is known), no dynamic dispatch beyond one call per nesting level.
//!
//! A plan copies the parameters, so it is only right while they do not change: `base_lr` and
//! `verbose` are checked by the cell at every locked operation, and every other parameter can
//! only change by installing another kernel, which retires the plan. A setter added for any
//! other parameter must retire the plan too (`SchedCell::replace` shows how).

use std::sync::Arc;

use crate::cell::SchedCell;
use crate::pyops::Num;
use crate::schedule::Kernel;

/// The value `step(epoch)` gives, computed without the kernel's lock.
pub trait LockFreeStep: Send + Sync {
    /// The value at `epoch`, stepping nested cells to their epochs; `None` when the step must
    /// take the locked path instead (it would raise, or a nested scheduler needs its lock),
    /// in which case nothing was changed.
    fn step_to(&self, epoch: i64) -> Option<Num>;
    /// Whether stepping goes through `cell`, directly or through the plans of nested cells (a
    /// scheduler nested in itself, which must take the locked path to be refused).
    fn reaches(&self, _cell: &SchedCell) -> bool {
        false
    }
}

/// The lock-free step of a kernel whose value is `lr_at(epoch)` for an explicit epoch and for
/// `last_epoch + 1` alike, and whose only state is `last_epoch` and `last_lr` (a copy of the
/// kernel, only ever read).
pub struct ByValue<K>(pub K);

impl<K: Kernel> LockFreeStep for ByValue<K> {
    #[inline]
    fn step_to(&self, epoch: i64) -> Option<Num> {
        self.0.lr_at(epoch).ok()
    }
}

/// What a nesting scheduler's lock-free step hands over to after its own part.
pub enum NestedStep {
    /// A number, returned as it is.
    Constant(Num),
    /// A shared scheduler, stepped lock-free in its own cell.
    Cell(Arc<SchedCell>),
}

impl NestedStep {
    /// The nested value at `epoch`, stepping a nested cell.
    #[inline]
    pub fn step_to(&self, epoch: i64) -> Option<Num> {
        match self {
            Self::Constant(v) => Some(*v),
            Self::Cell(cell) => cell.step_lock_free(Some(epoch)),
        }
    }

    /// See `LockFreeStep::reaches`.
    pub fn reaches(&self, target: &SchedCell) -> bool {
        match self {
            Self::Constant(_) => false,
            Self::Cell(cell) => {
                std::ptr::eq(Arc::as_ptr(cell), target) || cell.plan_reaches(target)
            }
        }
    }
}
