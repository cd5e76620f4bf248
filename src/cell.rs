//! A scheduler shared between its Python object and the schedulers that nest it.
//!
//! The kernel sits behind a mutex (taken with `try_lock`: a re-entrant step from a Python
//! callback is refused instead of deadlocking). Its `last_lr` and `last_epoch` live in atomics:
//! `__call__` is a plain load, and a schedule whose value depends on the epoch alone steps
//! without the lock at all (`step_lock_free`, see `lock_free`). The atomics are the state's
//! truth: every locked operation first loads them into the kernel and publishes them after.
//!
//! Lock-free steps use relaxed atomics and are meant for one stepping thread at a time (in
//! Python, the thread holding the GIL): they are memory-safe from any thread, but two threads
//! stepping one scheduler at once may each miss the other's step.

use spin::mutex::{SpinMutex as Mutex, SpinMutexGuard as MutexGuard};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::error::{CoreError, CoreResult};
use crate::lock_free::LockFreeStep;
use crate::pyops::Num;
use crate::schedule::{Common, Kernel};

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
}

/// A lock-free step and the `base_lr` it was built with (`base_lr` is settable).
struct Plan {
    step: Box<dyn LockFreeStep>,
    base_lr: f64,
}

impl SchedCell {
    /// Wrap a kernel.
    pub fn new(kernel: Box<dyn Kernel>) -> Self {
        let cell = Self {
            lr_bits: AtomicU64::new(0),
            lr_is_int: AtomicBool::new(false),
            epoch: AtomicI64::new(0),
            kernel: Mutex::new(kernel),
            plan: OnceLock::new(),
            plan_live: AtomicBool::new(false),
            plan_retired: AtomicBool::new(false),
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

    /// Replace the kernel (construction in `__init__`). With `lock_free`, the first kernel
    /// installed that offers a lock-free step steps with it; installing another kernel after
    /// that retires it, for good.
    pub fn replace(&self, kernel: Box<dyn Kernel>, lock_free: bool) -> CoreResult<()> {
        let mut guard = self.lock()?;
        if self.plan.get().is_some() {
            self.plan_retired.store(true, Ordering::Relaxed);
        } else if let Some(step) = kernel.lock_free_step().filter(|_| lock_free) {
            let base_lr = kernel.common().base_lr;
            // The lock is held, so no other thread can have set it meanwhile.
            let _ = self.plan.set(Plan { step, base_lr });
        }
        *guard = kernel;
        self.publish(guard.as_ref());
        Ok(())
    }

    /// A deep copy of the kernel, sharing nothing with this cell.
    pub fn snapshot(&self) -> CoreResult<Box<dyn Kernel>> {
        self.lock()?.deep_clone()
    }
}
