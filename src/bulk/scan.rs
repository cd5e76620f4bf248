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

use super::{Stop, CHUNK};
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

/// The next `out.len()` values, computed in `out` itself, block by block: the fold of a
/// block runs beside the terms of the next one.
pub(super) fn fill_in_place(
    scan: &dyn Scan,
    progress: &mut Progress,
    out: &mut [f64],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let mut blocks: Vec<&mut [f64]> = out.chunks_mut(BLOCK).collect();
    if let Some(first) = blocks.first_mut() {
        terms_parallel(scan, progress.done + 1, first, stop)?;
    }
    for k in 0..blocks.len() {
        let (done, ahead) = blocks.split_at_mut(k + 1);
        let next: &mut [f64] = ahead.first_mut().map_or(&mut [], |b| &mut **b);
        fold_beside_terms(scan, progress, done[k], next, |_| {}, stop)?;
    }
    Ok(())
}

/// The next `len` values, block by block, each handed in order to `emit(offset, values)` once
/// folded: two blocks of `f64` take turns, one folded (and emitted) while the other cores
/// compute the terms of the other.
pub(super) fn for_each_block(
    scan: &dyn Scan,
    progress: &mut Progress,
    len: usize,
    stop: &dyn Stop,
    mut emit: impl FnMut(usize, &[f64]) + Send,
) -> CoreResult<()> {
    let mut current = vec![0.0; len.min(BLOCK)];
    let mut next = vec![0.0; current.len()];
    terms_parallel(scan, progress.done + 1, &mut current, stop)?;
    let mut offset = 0;
    while !current.is_empty() {
        next.truncate((len - offset - current.len()).min(BLOCK));
        let here = offset;
        fold_beside_terms(
            scan,
            progress,
            &mut current,
            &mut next,
            |values| emit(here, values),
            stop,
        )?;
        offset += current.len();
        std::mem::swap(&mut current, &mut next);
    }
    Ok(())
}

/// Fold `current` (the terms of the next steps) into values and `emit` them, while the other
/// cores compute the terms of the steps after it into `next`. An error in the fold comes
/// before one in `next`'s terms (it is at an earlier step).
fn fold_beside_terms(
    scan: &dyn Scan,
    progress: &mut Progress,
    current: &mut [f64],
    next: &mut [f64],
    emit: impl FnOnce(&[f64]) + Send,
    stop: &dyn Stop,
) -> CoreResult<()> {
    let first = progress.done + 1;
    let ahead = first + current.len() as u64;
    let prev = &mut progress.prev;
    let (folded, terms) = rayon::join(
        || {
            scan.fold(first, prev, current)?;
            emit(current);
            Ok(())
        },
        || terms_parallel(scan, ahead, next, stop),
    );
    folded?;
    terms?;
    progress.done += current.len() as u64;
    Ok(())
}
