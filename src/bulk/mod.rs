//! Bulk evaluation: many values of a schedule at once, without touching it.
//!
//! - `fill`: `precompute(n)`, the next `n` values (element 0 is the current `last_lr`,
//!   element `i` the value after `i` more `step()` calls), into an `f64` or `f32` slice.
//! - `gather`: `lr_at(steps)`, the same values at arbitrary step counts, in any order.
//!
//! Three ways to produce values, chosen per kernel (`Plan`):
//! - schedules whose values depend on the epoch alone are evaluated in parallel chunks;
//! - recurrences that offer a `Scan` compute their libm terms in parallel chunks, then fold
//!   them into values in one ordered pass (`scan`);
//! - the rest (Python callbacks, recurrences without a scan) step a private copy in order.
//!
//! Kernels produce `f64`; a `f32` output is filled chunk by chunk through a small buffer, each
//! value rounded once, so no second table is ever allocated.
//!
//! A long fill can be stopped (Ctrl-C in Python): it asks a `Stop` before each chunk, so it
//! returns within one chunk's time of being told.

mod gather;
mod pages;
mod scan;
mod sequence;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::error::{CoreError, CoreResult};
use crate::schedule::Kernel;

pub use gather::{gather, gather_until, StepCount};
pub use scan::{epoch_of, Scan};
pub use sequence::Sequence;

/// Elements per parallel task: large enough to amortise scheduling, small enough to balance
/// (and, as `f64`, to stay in a core's L2 cache when it is a `f32` fill's buffer).
pub const CHUNK: usize = 1 << 14;

/// Values per piece of a `f32` fill's `f64` buffer (16 KiB, on the stack).
const NARROW_PIECE: usize = 1 << 11;

/// An output element type: `f64`, or `f32` (each exact `f64` value rounded once).
pub trait Element: Copy + Default + Send + Sync + 'static {
    /// Bytes per element.
    const SIZE: usize;
    /// The value rounded to this type.
    fn from_f64(value: f64) -> Self;
    /// `out` itself as `f64` values (`Ok` for `f64`), or back (`Err` for `f32`).
    fn as_wide(out: &mut [Self]) -> Result<&mut [f64], &mut [Self]>;
    /// Fill `out` through `fill(offset, values)`, which writes the `f64` values of
    /// `out[offset..offset + values.len()]`: all of `out` itself for `f64`; piece by piece
    /// through a buffer on the stack, each value rounded once, for `f32`.
    fn fill_via(
        out: &mut [Self],
        fill: impl FnMut(usize, &mut [f64]) -> CoreResult<()>,
    ) -> CoreResult<()>;
}

impl Element for f64 {
    const SIZE: usize = 8;
    fn as_wide(out: &mut [Self]) -> Result<&mut [f64], &mut [Self]> {
        Ok(out)
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value
    }
    fn fill_via(
        out: &mut [Self],
        mut fill: impl FnMut(usize, &mut [f64]) -> CoreResult<()>,
    ) -> CoreResult<()> {
        fill(0, out)
    }
}

impl Element for f32 {
    const SIZE: usize = 4;
    fn as_wide(out: &mut [Self]) -> Result<&mut [f64], &mut [Self]> {
        Err(out)
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn fill_via(
        out: &mut [Self],
        mut fill: impl FnMut(usize, &mut [f64]) -> CoreResult<()>,
    ) -> CoreResult<()> {
        let mut wide = [0.0; NARROW_PIECE];
        for (index, piece) in out.chunks_mut(NARROW_PIECE).enumerate() {
            let wide = &mut wide[..piece.len()];
            fill(index * NARROW_PIECE, wide)?;
            for (slot, value) in piece.iter_mut().zip(wide.iter()) {
                *slot = *value as f32;
            }
        }
        Ok(())
    }
}

/// Whether a fill must end early: asked before each chunk of work (from any worker thread).
pub trait Stop: Sync {
    /// `Err` ends the fill with that error.
    fn check(&self) -> CoreResult<()>;
}

/// Never stops.
pub struct Never;

impl Stop for Never {
    fn check(&self) -> CoreResult<()> {
        Ok(())
    }
}

/// Stops once the flag is set (by the thread waiting for the fill).
impl Stop for AtomicBool {
    fn check(&self) -> CoreResult<()> {
        if self.load(Ordering::Relaxed) {
            Err(CoreError::runtime("precompute was interrupted"))
        } else {
            Ok(())
        }
    }
}

/// Refuse `n` values from the current one where the epochs overflow or stepping would
/// refuse them.
pub fn check_steps(kernel: &dyn Kernel, n: usize) -> CoreResult<()> {
    let last = kernel.common().last_epoch;
    i64::try_from(n)
        .ok()
        .and_then(|n| last.checked_add(n))
        .ok_or_else(|| CoreError::overflow(format!("n={n} steps past epoch {last} overflow")))?;
    kernel.check_horizon(n)
}

/// Refuse `count` items of `item_size` bytes that cannot be allocated or exceed
/// `memory_limit`; `what` names the count in the message (`n`, `len(steps)`).
pub fn check_memory(
    what: &str,
    count: usize,
    item_size: usize,
    memory_limit: Option<u64>,
) -> CoreResult<()> {
    let bytes = count
        .checked_mul(item_size)
        .filter(|b| isize::try_from(*b).is_ok())
        .ok_or_else(|| CoreError::value(format!("{what}={count} is too large to allocate")))?;
    if let Some(limit) = memory_limit {
        if bytes as u64 > limit {
            return Err(CoreError::value(format!(
                "{what}={count} needs {bytes} bytes, more than this machine's memory ({limit} \
                 bytes)"
            )));
        }
    }
    Ok(())
}

/// Fill `out` with the next `out.len()` values of a private copy `kernel` (which is consumed).
pub fn fill<T: Element>(kernel: Box<dyn Kernel>, out: &mut [T]) -> CoreResult<()> {
    fill_until(kernel, out, &Never)
}

/// `fill`, asking `stop` before each chunk of work; its error ends the fill (`out` is then
/// partly written).
pub fn fill_until<T: Element>(
    kernel: Box<dyn Kernel>,
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let Some((first, rest)) = out.split_first_mut() else {
        return Ok(());
    };
    *first = T::from_f64(kernel.common().last_lr.as_f64());
    if runs_in_parallel(kernel.as_ref()) {
        let start = kernel.common().last_epoch;
        fill_parallel(kernel.as_ref(), start, rest, stop)
    } else {
        Sequence::new(kernel).fill_until(rest, stop)
    }
}

/// Whether `kernel`'s values are evaluated independently, over all cores (else they come from
/// a `Sequence`).
pub fn runs_in_parallel(kernel: &dyn Kernel) -> bool {
    kernel.is_pure() && kernel.sequential_is_explicit() && !kernel.calls_python()
}

/// Whether a fill of `kernel` runs on all cores (evaluated or scanned) rather than stepping.
pub fn uses_all_cores(kernel: &dyn Kernel) -> bool {
    runs_in_parallel(kernel) || (!kernel.calls_python() && kernel.scan().is_some())
}

/// The epoch `offset` steps after `start`, refusing to wrap.
fn epoch_after(start: i64, offset: usize) -> CoreResult<i64> {
    i64::try_from(offset)
        .ok()
        .and_then(|o| start.checked_add(o))
        .ok_or_else(|| CoreError::overflow(format!("{offset} steps past epoch {start} overflow")))
}

/// `out[i] = lr_at(start + 1 + i)`, over all cores; the first error in epoch order wins.
fn fill_parallel<T: Element>(
    kernel: &dyn Kernel,
    start: i64,
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            stop.check()?;
            let first = epoch_after(start, 1 + chunk_index * CHUNK)?;
            T::fill_via(chunk, |offset, values| {
                kernel.fill_from(epoch_after(first, offset)?, values)
            })
        })
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyops::Num;
    use crate::schedule::Log;
    use crate::schedules::{
        CosineAnnealingDecay, CosineAnnealingWarmRestarts, LinearLR, TwoStepCosineDecay,
    };

    /// `k` after its construction step and `more` further steps.
    fn stepped(mut k: Box<dyn Kernel>, more: usize) -> Box<dyn Kernel> {
        for _ in 0..=more {
            k.step(None, &mut Log::muted()).unwrap();
        }
        k
    }

    fn cosine(t_max: i64) -> Box<dyn Kernel> {
        cosine_from(t_max, -1)
    }

    /// Built with `last_epoch` (paddle does not check it): stepping from below 0 passes epoch
    /// 0, which sets `base_lr`.
    fn cosine_from(t_max: i64, last_epoch: i64) -> Box<dyn Kernel> {
        let k =
            CosineAnnealingDecay::new(Num::Float(0.1), t_max, Num::Float(1e-4), last_epoch, false);
        Box::new(k.unwrap())
    }

    fn two_step(t_max1: i64, t_max2: i64) -> Box<dyn Kernel> {
        let k = TwoStepCosineDecay::new(Num::Float(0.1), t_max1, t_max2, Num::Int(0), -1, false);
        Box::new(k.unwrap())
    }

    fn linear_lr(total: Num, start: f64, end: f64) -> Box<dyn Kernel> {
        let k = LinearLR::new(
            Num::Float(0.5),
            total,
            Num::Float(start),
            Num::Float(end),
            -1,
            false,
        );
        Box::new(k.unwrap())
    }

    fn restarts(t_0: i64, t_mult: i64) -> Box<dyn Kernel> {
        let k = CosineAnnealingWarmRestarts::new(
            Num::Float(0.1),
            Num::Int(t_0),
            Num::Int(t_mult),
            Num::Float(1e-3),
            -1,
            false,
        );
        Box::new(k.unwrap())
    }

    fn poly() -> Box<dyn Kernel> {
        Box::new(crate::schedules::polynomial::testing::decay(
            50_000, 0.9, false,
        ))
    }

    /// The recurrences with a `Scan`, and a pure schedule, from several states.
    fn schedules() -> Vec<(&'static str, Box<dyn Kernel>)> {
        vec![
            ("cosine 1000", stepped(cosine(1000), 0)),
            ("cosine 7 (trough exits)", stepped(cosine(7), 3)),
            ("cosine 1", stepped(cosine(1), 0)),
            ("cosine 1 through epoch 0", stepped(cosine_from(1, -4), 0)),
            ("cosine 5 through epoch 0", stepped(cosine_from(5, -30), 0)),
            ("two-step 300/41", stepped(two_step(300, 41), 5)),
            ("two-step 5/3000", stepped(two_step(5, 3000), 0)),
            (
                "linear_lr int",
                stepped(linear_lr(Num::Int(30_000), 0.25, 1.0), 0),
            ),
            (
                "linear_lr float",
                stepped(linear_lr(Num::Float(100.5), 1.0, 0.0), 2),
            ),
            ("restarts 1000x1", stepped(restarts(1000, 1), 0)),
            ("restarts 3x2", stepped(restarts(3, 2), 4)),
            ("restarts 1x1", stepped(restarts(1, 1), 0)),
            ("poly", stepped(poly(), 0)),
        ]
    }

    /// What `precompute` promises: `sched()`, then the value after each further `step()`.
    fn stepped_one_at_a_time(mut k: Box<dyn Kernel>, n: usize) -> Vec<u64> {
        let mut out = vec![k.common().last_lr.as_f64().to_bits()];
        while out.len() < n {
            k.step(None, &mut Log::muted()).unwrap();
            out.push(k.common().last_lr.as_f64().to_bits());
        }
        out
    }

    fn bits(values: &[f64]) -> Vec<u64> {
        values.iter().map(|v| v.to_bits()).collect()
    }

    /// Scanned and stepped fills run in blocks (to use all cores, to be stoppable): the block
    /// boundaries change no value, also where a kernel carries a shortcut between the steps of
    /// one call (the cosine shared by two steps, the restart phase).
    #[test]
    fn fills_equal_stepping_one_at_a_time() {
        let n = 2 * scan::BLOCK + 3 * CHUNK + 17;
        for (label, kernel) in schedules() {
            let expected = stepped_one_at_a_time(kernel.deep_clone().unwrap(), n);
            let mut out = vec![0.0; n];
            fill(kernel, &mut out).unwrap();
            assert!(bits(&out) == expected, "{label}");
        }
    }

    #[test]
    fn the_recurrences_scan() {
        for (label, kernel) in schedules() {
            assert_eq!(
                kernel.scan().is_some(),
                !label.starts_with("poly"),
                "{label}"
            );
        }
    }

    #[test]
    fn float32_fills_round_the_float64_values_once() {
        for (label, kernel) in schedules() {
            let n = scan::BLOCK + 5;
            let mut wide = vec![0.0; n];
            fill(kernel.deep_clone().unwrap(), &mut wide).unwrap();
            let mut narrow = vec![0.0_f32; n];
            fill(kernel, &mut narrow).unwrap();
            let rounded: Vec<u32> = wide.iter().map(|v| (*v as f32).to_bits()).collect();
            let got: Vec<u32> = narrow.iter().map(|v| v.to_bits()).collect();
            assert!(got == rounded, "{label}");
        }
    }

    /// A small deterministic generator for step indices (no dependency for tests).
    fn scrambled(count: usize, below: u64) -> Vec<u64> {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        (0..count)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % below
            })
            .collect()
    }

    #[test]
    fn gather_equals_the_fill_at_each_step() {
        let n = scan::BLOCK + 2 * CHUNK + 3;
        for (label, kernel) in schedules() {
            let mut table = vec![0.0_f64; n];
            fill(kernel.deep_clone().unwrap(), &mut table).unwrap();
            // Sparse (evaluated, or bucketed in order) and dense (read from a table).
            for count in [5_000, n] {
                let mut steps = scrambled(count, n as u64);
                steps.extend([0, 0, 1, n as u64 - 1, 7, 7]);
                let mut out = vec![0.0; steps.len()];
                gather(kernel.deep_clone().unwrap(), &steps, &mut out).unwrap();
                let expected: Vec<u64> =
                    steps.iter().map(|s| table[*s as usize].to_bits()).collect();
                assert!(bits(&out) == expected, "{label}, {count} steps");
            }
        }
    }

    #[test]
    fn sparse_far_steps_are_sorted_rather_than_bucketed() {
        let steps = [3 * scan::BLOCK as u64 + 1, 2, 0];
        let mut table = vec![0.0_f64; 3 * scan::BLOCK + 2];
        fill(stepped(cosine(77), 0), &mut table).unwrap();
        let mut out = [0.0; 3];
        gather(stepped(cosine(77), 0), &steps, &mut out).unwrap();
        let expected: Vec<u64> = steps.iter().map(|s| table[*s as usize].to_bits()).collect();
        assert_eq!(bits(&out), expected);
    }

    struct StopAfter(std::sync::atomic::AtomicUsize);

    impl Stop for StopAfter {
        fn check(&self) -> CoreResult<()> {
            if self.0.fetch_sub(1, Ordering::Relaxed) == 0 {
                Err(CoreError::value("stopped"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn a_stop_ends_stepped_scanned_and_parallel_fills_with_its_error() {
        let stepping = || {
            let factor = crate::callback::FnCallback(|_| Ok(Num::Float(0.9)));
            let k = crate::schedules::MultiplicativeDecay::new(
                Num::Float(0.1),
                Box::new(factor),
                -1,
                false,
            );
            stepped(Box::new(k.unwrap()), 0)
        };
        let makers: [&dyn Fn() -> Box<dyn Kernel>; 3] = [
            &|| stepped(cosine(10), 0),
            &|| stepped(poly(), 0),
            &stepping,
        ];
        for make in makers {
            let mut out = vec![0.0; 40 * CHUNK];
            let stop = StopAfter(2.into());
            let err = fill_until(make(), &mut out, &stop).unwrap_err();
            assert!(matches!(err, CoreError::Value(m) if m == "stopped"));
        }
        let flag = AtomicBool::new(true);
        let mut out = vec![0.0; 10];
        let err = fill_until(stepped(poly(), 0), &mut out, &flag).unwrap_err();
        assert!(matches!(err, CoreError::Runtime(_)));
        assert!(fill_until(stepped(poly(), 0), &mut out, &AtomicBool::new(false)).is_ok());
    }
}
