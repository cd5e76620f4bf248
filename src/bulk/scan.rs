//! Recurrences at closed-form speed: a sequential fill split into a parallel part and an
//! ordered one.
//!
//! A recurrence such as paddle's cosine annealing computes each value from the one before:
//! `lr(e) = ratio(e) * (lr(e - 1) - eta_min) + eta_min`. The expensive part, `ratio(e)` (two
//! cosines and a division), depends on the epoch alone; only the cheap part (a multiplication
//! and two additions) needs the previous value. A `Scan` computes the first part for a block
//! of steps on all cores (`terms`), then folds the terms into values in step order (`fold`),
//! with the same operations on the same operands as stepping, so the values are
//! bit-identical. The fold of one block runs while the other cores compute the next block's
//! terms.

use rayon::prelude::*;

use super::{Element, Stop, CHUNK};
use crate::error::CoreResult;

/// Values per block: enough chunks of terms to keep every core busy, few enough that two
/// blocks of `f64` stay small beside any output.
pub(super) const BLOCK: usize = CHUNK * 16;

/// The epoch `step` steps after `start`. Scans are only asked for steps whose epochs
/// `check_steps` has verified to fit in an i64.
#[inline]
pub fn epoch_of(start: i64, step: u64) -> i64 {
    start.saturating_add(i64::try_from(step).unwrap_or(i64::MAX))
}

/// A recurrence's sequential fill in two parts. Steps are counted from the state the scan was
/// made from: step 1 is the value the first `step()` call would produce.
pub trait Scan: Send + Sync {
    /// `out[i]` = the term of step `first + i`: depends on the step alone (any thread, any
    /// order). An error is the one stepping raises at that step.
    fn terms(&self, first: u64, out: &mut [f64]) -> CoreResult<()>;
    /// Turn `values`, the terms of steps `first..`, into the values, in place and in order.
    /// `prev` is the value before `values[0]`; it is left at the last value.
    fn fold(&self, first: u64, prev: &mut f64, values: &mut [f64]) -> CoreResult<()>;
}

/// A scan's position: `done` steps produced, the last of them `prev`.
pub(super) struct Progress {
    pub done: u64,
    pub prev: f64,
}

/// The terms of steps `first..first + out.len()`, over all cores; the first error in step
/// order wins.
fn terms_parallel(scan: &dyn Scan, first: u64, out: &mut [f64], stop: &dyn Stop) -> CoreResult<()> {
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(index, chunk)| {
            stop.check()?;
            scan.terms(first + (index * CHUNK) as u64, chunk)
        })
        .collect();
    results.into_iter().collect()
}

/// The next `values.len()` values, in place.
pub(super) fn next_block(
    scan: &dyn Scan,
    progress: &mut Progress,
    values: &mut [f64],
    stop: &dyn Stop,
) -> CoreResult<()> {
    terms_parallel(scan, progress.done + 1, values, stop)?;
    scan.fold(progress.done + 1, &mut progress.prev, values)?;
    progress.done += values.len() as u64;
    Ok(())
}

/// The next `out.len()` values, block by block: the fold of a block (then its copy into
/// `out`) runs beside the terms of the next one. An error in a fold comes before one in the
/// next block's terms (it is at an earlier step).
pub(super) fn fill<T: Element>(
    scan: &dyn Scan,
    progress: &mut Progress,
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let mut blocks = out.chunks_mut(BLOCK).peekable();
    let Some(first_len) = blocks.peek().map(|b| b.len()) else {
        return Ok(());
    };
    let mut current = vec![0.0; first_len];
    let mut next = vec![0.0; first_len];
    terms_parallel(scan, progress.done + 1, &mut current, stop)?;
    while let Some(block) = blocks.next() {
        let first = progress.done + 1;
        let next_len = blocks.peek().map_or(0, |b| b.len());
        next.truncate(next_len);
        let prev = &mut progress.prev;
        let ahead_first = first + current.len() as u64;
        let (folded, ahead) = rayon::join(
            || {
                scan.fold(first, prev, &mut current)?;
                for (slot, value) in block.iter_mut().zip(&current) {
                    *slot = T::from_f64(*value);
                }
                Ok(())
            },
            || terms_parallel(scan, ahead_first, &mut next, stop),
        );
        folded?;
        ahead?;
        progress.done += current.len() as u64;
        std::mem::swap(&mut current, &mut next);
    }
    Ok(())
}
