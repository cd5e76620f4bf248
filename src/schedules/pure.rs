//! `Kernel` for the schedules whose value is a function of the epoch alone.
//!
//! Such a schedule is a struct with a `common: Common` field and a method
//! `value_at(&self, epoch: i64) -> CoreResult<Num>` (paddle's `get_lr` at that epoch). Its
//! `step(epoch)` is paddle's base step, `lr_at` is `value_at` (so precompute runs in parallel),
//! its state is `last_epoch` and `last_lr` alone (so it steps lock-free), and extra `Kernel`
//! methods (a faster exact `fill_from`) can be passed after the class name.

/// `pure_kernel!(Type, "PaddleClassName" [, extra Kernel methods])`.
macro_rules! pure_kernel {
    ($ty:ty, $class:literal $(, $($extra:tt)*)?) => {
        impl $crate::schedule::Kernel for $ty {
            fn class_name(&self) -> &'static str {
                $class
            }
            $crate::schedule::kernel_plumbing!();
            fn get_lr(
                &mut self,
                _log: &mut $crate::schedule::Log,
            ) -> $crate::error::CoreResult<$crate::pyops::Num> {
                self.value_at(self.common.last_epoch)
            }
            fn is_pure(&self) -> bool {
                true
            }
            fn lr_at(&self, epoch: i64) -> $crate::error::CoreResult<$crate::pyops::Num> {
                self.value_at(epoch)
            }
            fn lock_free_step(
                &self,
            ) -> Option<Box<dyn $crate::lock_free::LockFreeStep>> {
                Some(Box::new($crate::lock_free::ByValue(self.clone())))
            }
            $($($extra)*)?
        }
    };
}

/// `pure_kernel!` for a piecewise-constant schedule with a `run_at(&self, epoch) ->
/// CoreResult<Run>` method: `precompute` computes each run's value once and fills the run.
macro_rules! piecewise_constant_kernel {
    ($ty:ty, $class:literal) => {
        pure_kernel!(
            $ty,
            $class,
            fn fill_from(
                &self,
                first_epoch: i64,
                out: &mut [f64],
            ) -> $crate::error::CoreResult<()> {
                $crate::schedules::staircase::fill_runs(first_epoch, out, |epoch| {
                    self.run_at(epoch)
                })
            }
        );
    };
}

/// Test helpers shared by the kernels' unit tests.
#[cfg(test)]
pub mod testing {
    use crate::schedule::Kernel;

    /// `fill_from` over `first..first + len` equals `lr_at` at every epoch, bit for bit (both
    /// as one call and split at every `chunk` elements, as the parallel driver splits).
    pub fn assert_fill_is_exact(kernel: &dyn Kernel, first: i64, len: usize, chunk: usize) {
        let epoch_at = |offset: usize| first.checked_add(i64::try_from(offset).unwrap()).unwrap();
        let mut whole = vec![f64::NAN; len];
        kernel.fill_from(first, &mut whole).unwrap();
        let mut chunked = vec![f64::NAN; len];
        for (index, part) in chunked.chunks_mut(chunk).enumerate() {
            kernel.fill_from(epoch_at(index * chunk), part).unwrap();
        }
        for (offset, (a, b)) in whole.iter().zip(&chunked).enumerate() {
            let epoch = epoch_at(offset);
            let expected = kernel.lr_at(epoch).unwrap().as_f64().to_bits();
            assert_eq!(a.to_bits(), expected, "fill_from at epoch {epoch}");
            assert_eq!(b.to_bits(), expected, "chunked fill_from at epoch {epoch}");
        }
    }
}
