//! A scheduler shared between its Python object and the schedulers that nest it.
//!
//! The kernel sits behind a mutex (taken with `try_lock`: a re-entrant step from a Python
//! callback is refused instead of deadlocking); the current value is also published in atomics
//! so that `__call__` is a plain load.

use spin::mutex::{SpinMutex as Mutex, SpinMutexGuard as MutexGuard};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::Kernel;

/// A kernel behind a lock, with its `last_lr` and `last_epoch` published for lock-free reads.
pub struct SchedCell {
    kernel: Mutex<Box<dyn Kernel>>,
    lr_bits: AtomicU64,
    lr_is_int: AtomicBool,
    epoch: AtomicI64,
}

impl SchedCell {
    /// Wrap a kernel.
    pub fn new(kernel: Box<dyn Kernel>) -> Self {
        let cell = Self {
            lr_bits: AtomicU64::new(0),
            lr_is_int: AtomicBool::new(false),
            epoch: AtomicI64::new(0),
            kernel: Mutex::new(kernel),
        };
        if let Some(guard) = cell.kernel.try_lock() {
            cell.publish(guard.as_ref());
        }
        cell
    }

    fn lock(&self) -> CoreResult<MutexGuard<'_, Box<dyn Kernel>>> {
        self.kernel.try_lock().ok_or_else(|| {
            CoreError::runtime(
                "the scheduler is already being stepped (re-entrant or concurrent call)",
            )
        })
    }

    fn publish(&self, kernel: &dyn Kernel) {
        let common = kernel.common();
        self.epoch.store(common.last_epoch, Ordering::Relaxed);
        match common.last_lr {
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

    /// Replace the kernel (construction in `__init__`).
    pub fn replace(&self, kernel: Box<dyn Kernel>) -> CoreResult<()> {
        let mut guard = self.lock()?;
        *guard = kernel;
        self.publish(guard.as_ref());
        Ok(())
    }

    /// A deep copy of the kernel, sharing nothing with this cell.
    pub fn snapshot(&self) -> CoreResult<Box<dyn Kernel>> {
        self.lock()?.deep_clone()
    }
}
