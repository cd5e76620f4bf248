//! `lr_at(steps)`: values at arbitrary step counts, equal to what stepping gives there.
//!
//! Step `s` is the value `sched()` returns after `s` more `step()` calls (0 is the current
//! value), as `precompute(n)[s]`. Where the schedule depends on the epoch alone, each
//! requested value is evaluated directly, over all cores. Otherwise its values are produced
//! in order up to the largest step: for dense requests into a table `precompute` would fill,
//! read after; for sparse ones block by block, the requested ones picked out of each block as
//! it passes (the requests are bucketed by block first, in linear time).

use rayon::prelude::*;

use super::pages::ScratchTable;
use super::{epoch_of, runs_in_parallel, Element, Sequence, Stop, CHUNK};
use crate::error::{CoreError, CoreResult};
use crate::schedule::Kernel;

/// Values evaluated per call of `Kernel::values_at` (its epochs and values live on the stack).
const PIECE: usize = 1 << 10;

/// A step count as the caller holds it: a `u64`, or an `i64` the caller has checked is not
/// negative (a NumPy array read in place).
pub trait StepCount: Copy + Send + Sync + 'static {
    fn count(self) -> u64;
}

impl StepCount for u64 {
    #[inline]
    fn count(self) -> u64 {
        self
    }
}

impl StepCount for i64 {
    #[inline]
    fn count(self) -> u64 {
        self.unsigned_abs()
    }
}

/// `out[j]` = the value after `steps[j]` more `step()` calls of a private copy `kernel`
/// (consumed). The caller has checked `largest`, the largest of `steps`, with
/// `check_steps`. Asks `stop` before each chunk of work.
pub fn gather_until<T: Element, S: StepCount>(
    kernel: Box<dyn Kernel>,
    steps: &[S],
    largest: u64,
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    debug_assert_eq!(steps.len(), out.len());
    if evaluates_directly(kernel.as_ref()) {
        return gather_evaluated(kernel.as_ref(), steps, out, stop);
    }
    match largest.checked_add(1) {
        Some(len) if len <= DENSE * steps.len() as u64 && len <= MAX_TABLE => {
            gather_from_table(kernel, len as usize, steps, out, stop)
        }
        _ => gather_in_order(kernel, steps, largest, out, stop),
    }
}

/// `gather_until`, never stopped.
pub fn gather<T: Element, S: StepCount>(
    kernel: Box<dyn Kernel>,
    steps: &[S],
    out: &mut [T],
) -> CoreResult<()> {
    let largest = steps.iter().map(|s| s.count()).max().unwrap_or(0);
    gather_until(kernel, steps, largest, out, &super::Never)
}

/// Requests at least this dense (values up to the largest step per requested step) read a
/// table of those values, filled as `precompute` fills it (on every core), rather than
/// picking them out block by block (on one thread, after bucketing the requests).
const DENSE: u64 = 2;

/// The largest such table, in values (256 MiB of `f64`).
const MAX_TABLE: u64 = 1 << 25;

/// Whether each requested value can be evaluated on its own: from epoch 0 on, where the
/// closed forms raise nowhere between the requested steps that they do not raise at the
/// largest (overflow grows with the epoch; a bounded schedule is refused up front by
/// `check_steps`). Before it (a scheduler made with a negative `last_epoch`), stepping's
/// errors at skipped steps must be seen.
fn evaluates_directly(kernel: &dyn Kernel) -> bool {
    runs_in_parallel(kernel) && kernel.common().last_epoch >= 0
}

/// The values up to step `len - 1`, filled as `precompute` fills them (on every core) into
/// a table of their own, then each request read from it, in parallel.
fn gather_from_table<T: Element, S: StepCount>(
    kernel: Box<dyn Kernel>,
    len: usize,
    steps: &[S],
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let mut pages = ScratchTable::zeroed(len)?;
    let table = pages.values_mut()?;
    super::fill_until(kernel, table, stop)?;
    let table = &*table;
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .zip(steps.par_chunks(CHUNK))
        .map(|(out, steps)| {
            for (slot, step) in out.iter_mut().zip(steps) {
                let value = usize::try_from(step.count())
                    .ok()
                    .and_then(|s| table.get(s));
                let value = value.ok_or_else(|| changed(step.count(), table.len()))?;
                *slot = T::from_f64(*value);
            }
            Ok(())
        })
        .collect();
    results.into_iter().collect()
}

/// Each value from `Kernel::values_at`, a piece at a time, over all cores.
fn gather_evaluated<T: Element, S: StepCount>(
    kernel: &dyn Kernel,
    steps: &[S],
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let start = kernel.common().last_epoch;
    let current = kernel.common().last_lr.as_f64();
    let results: Vec<CoreResult<()>> = out
        .par_chunks_mut(CHUNK)
        .zip(steps.par_chunks(CHUNK))
        .map(|(out, steps)| {
            stop.check()?;
            let mut epochs = [0_i64; PIECE];
            let mut wide = [0.0_f64; PIECE];
            for (out, steps) in out.chunks_mut(PIECE).zip(steps.chunks(PIECE)) {
                let epochs = &mut epochs[..steps.len()];
                // Step 0 is the current value, not evaluated: it borrows the epoch of a step
                // that is (all zeros: none is).
                let Some(filler) = steps.iter().map(|s| s.count()).find(|s| *s != 0) else {
                    for slot in out.iter_mut() {
                        *slot = T::from_f64(current);
                    }
                    continue;
                };
                let mut has_zero = false;
                for (epoch, step) in epochs.iter_mut().zip(steps) {
                    let step = step.count();
                    has_zero |= step == 0;
                    *epoch = epoch_of(start, if step == 0 { filler } else { step });
                }
                // Into `out` itself where it holds f64, else through `wide`.
                let (values, narrow) = match T::as_wide(out) {
                    Ok(values) => (values, None),
                    Err(narrow) => (&mut wide[..steps.len()], Some(narrow)),
                };
                kernel.values_at(epochs, values)?;
                if has_zero {
                    // Step 0 is the current value, whatever its epoch evaluates to.
                    for (value, step) in values.iter_mut().zip(steps) {
                        if step.count() == 0 {
                            *value = current;
                        }
                    }
                }
                if let Some(narrow) = narrow {
                    for (slot, value) in narrow.iter_mut().zip(values.iter()) {
                        *slot = T::from_f64(*value);
                    }
                }
            }
            Ok(())
        })
        .collect();
    results.into_iter().collect()
}

/// One ordered pass of the schedule's `Sequence` up to the largest step, each block's
/// requests picked out of it as it passes.
fn gather_in_order<T: Element, S: StepCount>(
    kernel: Box<dyn Kernel>,
    steps: &[S],
    largest: u64,
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let current = kernel.common().last_lr.as_f64();
    let mut sequence = Sequence::new(kernel);
    let block = sequence.block_len() as u64;
    // Step s >= 1 is element (s - 1) % block of block (s - 1) / block.
    let order = bucketed(steps, |step| (step - 1) / block);
    let mut pending = order.iter().peekable();
    while let Some(&&position) = pending.peek() {
        if steps[position].count() != 0 {
            break;
        }
        out[position] = T::from_f64(current);
        pending.next();
    }
    let len = usize::try_from(largest).map_err(|_| CoreError::overflow("steps too far"))?;
    let mut misplaced = None;
    sequence.for_each_block(len, stop, |offset, values| {
        // This block holds steps offset + 1 ..= offset + values.len().
        let end = (offset + values.len()) as u64;
        while let Some(&&position) = pending.peek() {
            let step = steps[position].count();
            if step > end {
                break;
            }
            let index = step.checked_sub(1).and_then(|s| usize::try_from(s).ok());
            let index = index.and_then(|s| s.checked_sub(offset));
            match index.and_then(|index| values.get(index)) {
                Some(value) => out[position] = T::from_f64(*value),
                None => misplaced = misplaced.or(Some(step)),
            }
            pending.next();
        }
    })?;
    match misplaced {
        Some(step) => Err(changed(step, len)),
        None => Ok(()),
    }
}

/// The error for a step found outside the values computed for it: the caller's array of
/// steps changed while it was read (another thread wrote to it without the GIL).
fn changed(step: u64, computed: usize) -> CoreError {
    CoreError::runtime(format!(
        "the steps changed while lr_at read them: step {step} is past the {computed} values \
         computed up to the largest step"
    ))
}

/// The positions of `steps`, ordered by `block_of(step)` (step 0 first): a counting sort when
/// the blocks are few for the requests, else a sort by step.
fn bucketed<S: StepCount>(steps: &[S], block_of: impl Fn(u64) -> u64) -> Vec<usize> {
    let bucket = |step: S| match step.count() {
        0 => 0,
        s => block_of(s) + 1,
    };
    let buckets = steps.iter().map(|&s| bucket(s)).max().map_or(0, |b| b + 1);
    if buckets > 4 * steps.len() as u64 + 1024 {
        let mut order: Vec<usize> = (0..steps.len()).collect();
        order.sort_unstable_by_key(|&p| steps[p].count());
        return order;
    }
    let mut starts = vec![0_usize; buckets as usize + 1];
    for &step in steps {
        starts[bucket(step) as usize + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut order = vec![0_usize; steps.len()];
    for (position, &step) in steps.iter().enumerate() {
        let slot = &mut starts[bucket(step) as usize];
        order[*slot] = position;
        *slot += 1;
    }
    order
}
