//! `precompute(n)`: the next `n` values of a schedule, without touching it.
//!
//! Element 0 is the current `last_lr`; element `i` is the value after `i` more `step()` calls.
//! Schedules whose values depend on the epoch alone are evaluated in parallel chunks; the rest
//! (recurrences, Python callbacks) step a private copy sequentially.

use rayon::prelude::*;

use crate::error::{CoreError, CoreResult};
use crate::schedule::Kernel;

/// Elements per parallel task: large enough to amortise scheduling, small enough to balance.
const CHUNK: usize = 1 << 14;

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
pub fn fill(mut kernel: Box<dyn Kernel>, out: &mut [f64]) -> CoreResult<()> {
    let Some((first, rest)) = out.split_first_mut() else {
        return Ok(());
    };
    *first = kernel.common().last_lr.as_f64();
    let start = kernel.common().last_epoch;
    if kernel.is_pure() && kernel.sequential_is_explicit() && !kernel.calls_python() {
        fill_parallel(kernel.as_ref(), start, rest)
    } else {
        kernel.fill_by_stepping(rest)
    }
}

/// `out[i] = lr_at(start + 1 + i)`, over all cores; the first error in epoch order wins.
/// (`check_request` has verified that every epoch fits in an i64.)
fn fill_parallel(kernel: &dyn Kernel, start: i64, out: &mut [f64]) -> CoreResult<()> {
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            let offset = i64::try_from(chunk_index * CHUNK)
                .map_err(|_| CoreError::overflow("precompute offset overflows"))?;
            kernel.fill_from(start + 1 + offset, chunk)
        })
        .collect();
    results.into_iter().collect()
}
