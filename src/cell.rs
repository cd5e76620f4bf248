//! A scheduler shared between its Python object and the schedulers that nest it.
//!
//! The kernel sits behind a mutex (taken with `try_lock`: a re-entrant step from a Python
//! callback is refused instead of deadlocking). Its `last_lr` and `last_epoch` live in atomics:
//! `__call__` is a plain load, and a schedule whose value depends on the epoch alone steps
//! without the lock at all (`step_lock_free`, see `lock_free`). The atomics are the state's
//! truth: every locked operation first loads them into the kernel and publishes them after.
//!
//! Lock-free steps use relaxed atomics and are meant for one stepping thread at a time: they are
//! memory-safe from any thread, but two threads stepping one cell at once could each miss the
//! other's step. From Python that cannot happen: the extension declares that it needs the GIL
//! (`gil_used = true`, so a free-threaded CPython turns the GIL back on when importing it), and
//! no step or read releases it, so each call on a scheduler is atomic with respect to other
//! Python threads. Only `precompute` releases the GIL, while it fills a table from a private
//! copy of the kernel.

use spin::mutex::{SpinMutex as Mutex, SpinMutexGuard as MutexGuard};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use crate::error::{CoreError, CoreResult};
use crate::lock_free::LockFreeStep;
use crate::pyops::Num;
use crate::schedule::{Common, Kernel, StateValue};

/// `(last_epoch, last_lr, extra entries)` of a state dict (see `SchedCell::saved_state`).
pub type SavedState = (i64, Num, Vec<(&'static str, StateValue)>);

/// A kernel behind a lock, with its `last_lr` and `last_epoch` in atomics.
pub struct SchedCell {
    kernel: Mutex<Box<dyn Kernel>>,
    lr_bits: AtomicU64,
    lr_is_int: AtomicBool,
    epoch: AtomicI64,
    /// The lock-free step of the first kernel installed that has one. Installed once and never
    /// replaced, so it can be used without the lock; a later `replace` retires it instead.
    plan: OnceLock<Plan>,
    /// Whether `plan` describes the kernel as it is now (not retired, not verbose, the same
    /// `base_lr`): recomputed by every locked operation.
    plan_live: AtomicBool,
    plan_retired: AtomicBool,
    /// A copy of the installed kernel's parameters, made at install and never stepped (see
    /// `Kernel::parameters`): read by attribute getters without the lock, so a user's function
    /// can read its scheduler's parameters while it is being stepped.
    params: RwLock<Option<Arc<dyn Kernel>>>,
    /// `base_lr` and `verbose`, published like `last_lr` and `last_epoch`.
    base_lr_bits: AtomicU64,
    verbose: AtomicBool,
}

/// A lock-free step and the `base_lr` it was built with (`base_lr` is settable).
struct Plan {
    step: Box<dyn LockFreeStep>,
    base_lr: f64,
}

impl SchedCell {
    /// Wrap a kernel.
    pub fn new(kernel: Box<dyn Kernel>) -> Self {
        let params = kernel_params(kernel.as_ref());
        let cell = Self {
            lr_bits: AtomicU64::new(0),
            lr_is_int: AtomicBool::new(false),
            epoch: AtomicI64::new(0),
            kernel: Mutex::new(kernel),
            plan: OnceLock::new(),
            plan_live: AtomicBool::new(false),
            plan_retired: AtomicBool::new(false),
            params: RwLock::new(params),
            base_lr_bits: AtomicU64::new(0),
            verbose: AtomicBool::new(false),
        };
        if let Some(guard) = cell.kernel.try_lock() {
            cell.publish(guard.as_ref());
        }
        cell
    }

    /// The kernel, locked, with the state lock-free steps may have advanced loaded into it.
    fn lock(&self) -> CoreResult<MutexGuard<'_, Box<dyn Kernel>>> {
        let mut guard = self.kernel.try_lock().ok_or_else(|| {
            CoreError::runtime(
                "the scheduler is already being stepped (re-entrant or concurrent call)",
            )
        })?;
        let common = guard.common_mut();
        common.last_epoch = self.last_epoch();
        common.last_lr = self.last_lr();
        Ok(guard)
    }

    /// Store the kernel's state in the atomics, and whether the lock-free plan still fits it.
    fn publish(&self, kernel: &dyn Kernel) {
        let common = kernel.common();
        self.store_state(common.last_epoch, common.last_lr);
        self.base_lr_bits
            .store(common.base_lr.to_bits(), Ordering::Relaxed);
        self.verbose.store(common.verbose, Ordering::Relaxed);
        self.plan_live
            .store(self.plan_fits(common), Ordering::Relaxed);
    }

    fn plan_fits(&self, common: &Common) -> bool {
        !common.verbose
            && !self.plan_retired.load(Ordering::Relaxed)
            && self
                .plan
                .get()
                .is_some_and(|plan| plan.base_lr.to_bits() == common.base_lr.to_bits())
    }

    #[inline]
    fn store_state(&self, epoch: i64, lr: Num) {
        self.epoch.store(epoch, Ordering::Relaxed);
        match lr {
            Num::Float(v) => {
                self.lr_bits.store(v.to_bits(), Ordering::Relaxed);
                self.lr_is_int.store(false, Ordering::Relaxed);
            }
            Num::Int(i) => {
                self.lr_bits.store(i.cast_unsigned(), Ordering::Relaxed);
                self.lr_is_int.store(true, Ordering::Relaxed);
            }
        }
    }

    /// The current `last_lr`, without locking.
    #[inline]
    pub fn last_lr(&self) -> Num {
        let bits = self.lr_bits.load(Ordering::Relaxed);
        if self.lr_is_int.load(Ordering::Relaxed) {
            Num::Int(bits.cast_signed())
        } else {
            Num::Float(f64::from_bits(bits))
        }
    }

    /// `base_lr` as last published, without locking.
    pub fn base_lr(&self) -> f64 {
        f64::from_bits(self.base_lr_bits.load(Ordering::Relaxed))
    }

    /// `verbose` as last published, without locking.
    pub fn verbose(&self) -> bool {
        self.verbose.load(Ordering::Relaxed)
    }

    /// Read the installed kernel's parameters (see `params`), without the kernel's lock.
    pub fn params<R>(&self, f: impl FnOnce(&dyn Kernel) -> R) -> CoreResult<R> {
        let params = self
            .params
            .read()
            .map_err(|_| CoreError::runtime("the scheduler's parameters are unreadable"))?
            .clone();
        params
            .map(|p| f(p.as_ref()))
            .ok_or_else(|| CoreError::runtime("the scheduler has no parameters"))
    }

    /// `last_epoch`, `last_lr` and the extra state-dict entries, as `state_dict()` saves them.
    /// While the kernel is being stepped (its user's function reading it), the last published
    /// state, for a kernel that has no extra entries (the ones that call a user's function).
    pub fn saved_state(&self) -> CoreResult<SavedState> {
        let state = self.read(|k| (k.common().last_epoch, k.common().last_lr, k.extra_state()));
        if state.is_err() && self.params(|k| k.extra_state().is_empty())? {
            return Ok((self.last_epoch(), self.last_lr(), Vec::new()));
        }
        state
    }

    /// The current `last_epoch`, without locking (readable from a user's callable mid-step).
    #[inline]
    pub fn last_epoch(&self) -> i64 {
        self.epoch.load(Ordering::Relaxed)
    }

    /// Run `f` on the kernel, then publish its `last_lr` and `last_epoch`.
    pub fn update<R>(&self, f: impl FnOnce(&mut dyn Kernel) -> CoreResult<R>) -> CoreResult<R> {
        let mut guard = self.lock()?;
        let result = f(guard.as_mut());
        self.publish(guard.as_ref());
        result
    }

    /// Read the kernel.
    pub fn read<R>(&self, f: impl FnOnce(&dyn Kernel) -> R) -> CoreResult<R> {
        let guard = self.lock()?;
        Ok(f(guard.as_ref()))
    }

    /// paddle's `step(epoch)` without the lock, for a schedule installed with a lock-free
    /// step (see `lock_free`). `None` when the step must take the locked path (no plan, a
    /// verbose scheduler, a step that would raise, a nested scheduler that needs its lock, or
    /// the lock held): nothing has changed then.
    #[inline]
    pub fn step_lock_free(&self, epoch: Option<i64>) -> Option<Num> {
        if !self.plan_live.load(Ordering::Relaxed) || self.kernel.is_locked() {
            return None;
        }
        let plan = self.plan.get()?;
        let epoch = match epoch {
            Some(e) => e,
            None => self.last_epoch().checked_add(1)?,
        };
        let lr = plan.step.step_to(epoch)?;
        self.store_state(epoch, lr);
        Some(lr)
    }

    /// Whether this cell's plan steps through `target` (see `LockFreeStep::reaches`). Plans are
    /// only installed where this is false for their own cell, and never change after, so the
    /// chain of plans it follows has no cycle.
    pub fn plan_reaches(&self, target: &SchedCell) -> bool {
        self.plan
            .get()
            .is_some_and(|plan| plan.step.reaches(target))
    }

    /// Replace the kernel (construction in `__init__`). With `lock_free`, the first kernel
    /// installed that offers a lock-free step steps with it, unless stepping it would come back
    /// to this cell (a scheduler nested in itself); installing another kernel after that
    /// retires it, for good.
    pub fn replace(&self, kernel: Box<dyn Kernel>, lock_free: bool) -> CoreResult<()> {
        let params = kernel_params(kernel.as_ref());
        let mut guard = self.lock()?;
        if self.plan.get().is_some() {
            self.plan_retired.store(true, Ordering::Relaxed);
        } else if let Some(step) = kernel
            .lock_free_step()
            .filter(|step| lock_free && !step.reaches(self))
        {
            let base_lr = kernel.common().base_lr;
            // The lock is held, so no other thread can have set it meanwhile.
            let _ = self.plan.set(Plan { step, base_lr });
        }
        *guard = kernel;
        self.publish(guard.as_ref());
        if let Ok(mut slot) = self.params.write() {
            *slot = params;
        }
        Ok(())
    }

    /// A deep copy of the kernel, sharing nothing with this cell.
    pub fn snapshot(&self) -> CoreResult<Box<dyn Kernel>> {
        self.lock()?.deep_clone()
    }
}

/// The parameters copy of `kernel` (`None` if it cannot be made).
fn kernel_params(kernel: &dyn Kernel) -> Option<Arc<dyn Kernel>> {
    kernel.parameters().ok().map(Arc::from)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::nested::Nested;
    use crate::schedule::Log;
    use crate::schedules::LinearWarmup;

    fn poly() -> Box<dyn Kernel> {
        Box::new(crate::schedules::polynomial::testing::decay(30, 0.9, false))
    }

    /// A cell as `__init__` leaves it: installed, then one construction step.
    fn installed(kernel: Box<dyn Kernel>, lock_free: bool) -> SchedCell {
        let cell = SchedCell::new(Box::new(crate::schedules::Base::placeholder()));
        cell.replace(kernel, lock_free).unwrap();
        cell.update(|k| k.step(None, &mut Log::muted())).unwrap();
        cell
    }

    fn locked_step(cell: &SchedCell, epoch: Option<i64>) -> Num {
        cell.update(|k| {
            k.step(epoch, &mut Log::muted())?;
            Ok(k.common().last_lr)
        })
        .unwrap()
    }

    fn state(cell: &SchedCell) -> (i64, Num, i64, Num) {
        let (epoch, lr) = cell
            .read(|k| (k.common().last_epoch, k.common().last_lr))
            .unwrap();
        (cell.last_epoch(), cell.last_lr(), epoch, lr)
    }

    #[test]
    fn lock_free_steps_equal_locked_steps_and_locked_operations_see_them() {
        let fast = installed(poly(), true);
        let slow = installed(poly(), false);
        assert!(slow.step_lock_free(None).is_none());
        for epoch in [None, None, Some(7), None, Some(2), Some(40), None, Some(0)] {
            let value = fast
                .step_lock_free(epoch)
                .expect("a pure, quiet schedule steps lock-free");
            assert_eq!(value, locked_step(&slow, epoch), "epoch {epoch:?}");
            assert_eq!(state(&fast), state(&slow));
        }
        // A locked step continues from the lock-free ones.
        assert_eq!(locked_step(&fast, None), locked_step(&slow, None));
        assert_eq!(state(&fast), state(&slow));
    }

    #[test]
    fn verbose_and_a_new_base_lr_take_the_locked_path_until_undone() {
        let cell = installed(poly(), true);
        let set = |f: fn(&mut Common)| {
            cell.update(|k| {
                f(k.common_mut());
                Ok(())
            })
            .unwrap();
        };
        set(|c| c.verbose = true);
        assert!(cell.step_lock_free(None).is_none());
        set(|c| c.verbose = false);
        assert!(cell.step_lock_free(None).is_some());
        set(|c| c.base_lr = 0.5);
        assert!(cell.step_lock_free(None).is_none());
        set(|c| c.base_lr = 0.1);
        assert!(cell.step_lock_free(None).is_some());
    }

    #[test]
    fn a_second_install_retires_the_plan() {
        let cell = installed(poly(), true);
        cell.replace(poly(), true).unwrap();
        assert!(cell.step_lock_free(None).is_none());
        assert_eq!(locked_step(&cell, None), Num::Float(0.1));
    }

    #[test]
    fn a_refused_step_changes_nothing() {
        let cell = installed(poly(), true);
        let before = state(&cell);
        assert!(cell.step_lock_free(Some(i64::MAX)).is_some()); // min(epoch, decay_steps)
        let reached = state(&cell);
        assert_ne!(before, reached);
        // last_epoch + 1 overflows: refused, left to the locked path's error.
        assert!(cell.step_lock_free(None).is_none());
        assert_eq!(state(&cell), reached);
    }

    #[test]
    fn a_warmup_steps_its_shared_nest_lock_free_unless_the_nest_needs_its_lock() {
        let nested = Arc::new(installed(poly(), true));
        let warmup = LinearWarmup::new(
            Nested::Shared(Arc::clone(&nested)),
            5,
            Num::Float(0.0),
            Num::Float(0.1),
            -1,
            false,
        )
        .unwrap();
        let outer = installed(Box::new(warmup), true);
        for _ in 0..8 {
            assert!(outer.step_lock_free(None).is_some());
        }
        assert_eq!((outer.last_epoch(), nested.last_epoch()), (8, 3));
        assert_eq!(outer.last_lr(), nested.last_lr());
        nested
            .update(|k| {
                k.common_mut().verbose = true;
                Ok(())
            })
            .unwrap();
        let before = (state(&outer), state(&nested));
        assert!(outer.step_lock_free(None).is_none());
        assert_eq!((state(&outer), state(&nested)), before);
        // Within the warm-up the nest is not involved.
        assert!(outer.step_lock_free(Some(2)).is_some());
    }

    fn warmup_of(nested: &Arc<SchedCell>) -> Box<dyn Kernel> {
        let nested = Nested::Shared(Arc::clone(nested));
        let warmup = LinearWarmup::new(nested, 2, Num::Float(0.0), Num::Float(0.1), -1, false);
        Box::new(warmup.unwrap())
    }

    #[test]
    fn a_schedule_nested_in_itself_gets_no_lock_free_step() {
        let placeholder = || Box::new(crate::schedules::Base::placeholder());
        let itself = Arc::new(SchedCell::new(placeholder()));
        itself.replace(warmup_of(&itself), true).unwrap();
        assert!(!itself.plan_live.load(Ordering::Relaxed));
        assert!(itself.step_lock_free(Some(5)).is_none());

        let first = Arc::new(SchedCell::new(placeholder()));
        let second = Arc::new(SchedCell::new(placeholder()));
        second.replace(warmup_of(&first), true).unwrap();
        first.replace(warmup_of(&second), true).unwrap();
        assert!(second.plan_reaches(&first) && !first.plan_reaches(&first));
        assert!(first.step_lock_free(Some(5)).is_none());
        assert!(second.step_lock_free(Some(5)).is_none()); // its nest needs the lock
    }
}
