//! `precompute(n)`: the next `n` values of a schedule, without touching it.
//!
//! Element 0 is the current `last_lr`; element `i` is the value after `i` more `step()` calls.
//! Schedules whose values depend on the epoch alone are evaluated in parallel chunks; the rest
//! (recurrences, Python callbacks) step a private copy sequentially.
//!
//! A long fill can be stopped (Ctrl-C in Python): `fill_until` asks a `Stop` before each chunk,
//! so it returns within one chunk's time of being told.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::error::{CoreError, CoreResult};
use crate::schedule::Kernel;

/// Elements per parallel task: large enough to amortise scheduling, small enough to balance.
const CHUNK: usize = 1 << 14;

/// Steps between two checks of the `Stop` in a sequential fill: tens of milliseconds at most,
/// even for a schedule nested `MAX_NESTING` deep (each step then walks every level).
const SEQUENTIAL_CHUNK: usize = 1 << 10;

/// Values zeroed between two checks of the `Stop` while a table is allocated (the first touch
/// of its pages is most of the time this takes).
const ZERO_PIECE: usize = 1 << 20;

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

/// Refuse `n` values before allocating them: the epochs must fit, stepping must not refuse
/// them (the error stepping would give comes first), and the array must fit in memory
/// (`memory_limit` bytes, the machine's total memory when known).
pub fn check_request(
    kernel: &dyn Kernel,
    n: usize,
    item_size: usize,
    memory_limit: Option<u64>,
) -> CoreResult<()> {
    let last = kernel.common().last_epoch;
    i64::try_from(n)
        .ok()
        .and_then(|n| last.checked_add(n))
        .ok_or_else(|| CoreError::overflow(format!("n={n} steps past epoch {last} overflow")))?;
    kernel.check_horizon(n)?;
    let bytes = n
        .checked_mul(item_size.max(8))
        .filter(|b| isize::try_from(*b).is_ok())
        .ok_or_else(|| CoreError::value(format!("n={n} is too large to allocate")))?;
    if let Some(limit) = memory_limit {
        if bytes as u64 > limit {
            return Err(CoreError::value(format!(
                "n={n} needs {bytes} bytes, more than this machine's memory ({limit} bytes)"
            )));
        }
    }
    Ok(())
}

/// Fill `out` with the next `out.len()` values of a private copy `kernel` (which is consumed).
pub fn fill(kernel: Box<dyn Kernel>, out: &mut [f64]) -> CoreResult<()> {
    fill_until(kernel, out, &Never)
}

/// `fill`, asking `stop` before each chunk of work; its error ends the fill (`out` is then
/// partly written).
pub fn fill_until(mut kernel: Box<dyn Kernel>, out: &mut [f64], stop: &dyn Stop) -> CoreResult<()> {
    let Some((first, rest)) = out.split_first_mut() else {
        return Ok(());
    };
    *first = kernel.common().last_lr.as_f64();
    let start = kernel.common().last_epoch;
    if runs_in_parallel(kernel.as_ref()) {
        fill_parallel(kernel.as_ref(), start, rest, stop)
    } else {
        // `fill_by_stepping` leaves the kernel stepped, so the chunks continue one another.
        for chunk in rest.chunks_mut(SEQUENTIAL_CHUNK) {
            stop.check()?;
            kernel.fill_by_stepping(chunk)?;
        }
        Ok(())
    }
}

/// Whether `fill` evaluates `kernel`'s values independently, over all cores (else it steps
/// a copy in order).
pub fn runs_in_parallel(kernel: &dyn Kernel) -> bool {
    kernel.is_pure() && kernel.sequential_is_explicit() && !kernel.calls_python()
}

/// Grow `out`, which has room for `n` values, to `n` zeros, asking `stop` before each piece.
pub fn grow_zeroed(out: &mut Vec<f64>, n: usize, stop: &dyn Stop) -> CoreResult<()> {
    while out.len() < n {
        stop.check()?;
        let next = n.min(out.len().saturating_add(ZERO_PIECE));
        out.resize(next, 0.0);
    }
    Ok(())
}

/// `out[i] = lr_at(start + 1 + i)`, over all cores; the first error in epoch order wins.
/// (`check_request` has verified that every epoch fits in an i64.)
fn fill_parallel(
    kernel: &dyn Kernel,
    start: i64,
    out: &mut [f64],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            stop.check()?;
            let offset = i64::try_from(chunk_index * CHUNK)
                .map_err(|_| CoreError::overflow("precompute offset overflows"))?;
            kernel.fill_from(start + 1 + offset, chunk)
        })
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyops::Num;
    use crate::schedule::Log;
    use crate::schedules::{CosineAnnealingDecay, LinearLR, PolynomialDecay};

    fn constructed(mut k: Box<dyn Kernel>) -> Box<dyn Kernel> {
        k.step(None, &mut Log::muted()).unwrap();
        k
    }

    fn cosine() -> Box<dyn Kernel> {
        let k = CosineAnnealingDecay::new(Num::Float(0.1), 1000, Num::Float(1e-4), -1, false);
        constructed(Box::new(k.unwrap()))
    }

    fn linear_lr() -> Box<dyn Kernel> {
        let k = LinearLR::new(
            Num::Float(0.5),
            Num::Int(30_000),
            Num::Float(0.25),
            Num::Float(1.0),
            -1,
            false,
        );
        constructed(Box::new(k.unwrap()))
    }

    fn poly() -> Box<dyn Kernel> {
        let k = PolynomialDecay::new(
            Num::Float(0.1),
            50_000,
            Num::Float(0.0),
            Num::Float(0.9),
            false,
            -1,
            false,
        );
        constructed(Box::new(k.unwrap()))
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

    /// Sequential fills run in chunks of `SEQUENTIAL_CHUNK` steps (to be stoppable): the
    /// chunk boundaries change no value, also where a kernel carries a shortcut between the
    /// steps of one call (`CosineAnnealingDecay`'s shared cosine).
    #[test]
    fn chunked_fills_equal_stepping_one_at_a_time() {
        let n = 3 * SEQUENTIAL_CHUNK + 17;
        for make in [cosine, linear_lr, poly] {
            let mut out = vec![0.0; n];
            fill(make(), &mut out).unwrap();
            let bits: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
            assert_eq!(bits, stepped_one_at_a_time(make(), n));
        }
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
    fn a_stop_ends_sequential_and_parallel_fills_with_its_error() {
        for make in [cosine, poly] {
            let mut out = vec![0.0; 40 * CHUNK];
            let stop = StopAfter(2.into());
            let err = fill_until(make(), &mut out, &stop).unwrap_err();
            assert!(matches!(err, CoreError::Value(m) if m == "stopped"));
        }
        let flag = AtomicBool::new(true);
        let mut out = vec![0.0; 10];
        let err = fill_until(poly(), &mut out, &flag).unwrap_err();
        assert!(matches!(err, CoreError::Runtime(_)));
        assert!(fill_until(poly(), &mut out, &AtomicBool::new(false)).is_ok());
    }
}
