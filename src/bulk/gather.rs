//! `lr_at(steps)`: values at arbitrary step counts, equal to what stepping gives there.
//!
//! Step `s` is the value `sched()` returns after `s` more `step()` calls (0 is the current
//! value), as `precompute(n)[s]`. Schedules evaluated by epoch are evaluated at each requested
//! step directly, over all cores; the others produce their values in order, block by block,
//! once up to the largest step, and pick the requested ones out of each block (the requests
//! are bucketed by block first, in linear time).

use rayon::prelude::*;

use super::{epoch_after, runs_in_parallel, Element, Sequence, Stop, CHUNK};
use crate::error::CoreResult;
use crate::schedule::Kernel;

/// `out[j]` = the value after `steps[j]` more `step()` calls of a private copy `kernel`
/// (consumed). The caller has checked the largest step with `check_steps`. Asks `stop`
/// before each chunk of work.
pub fn gather_until<T: Element>(
    kernel: Box<dyn Kernel>,
    steps: &[u64],
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    debug_assert_eq!(steps.len(), out.len());
    if runs_in_parallel(kernel.as_ref()) {
        gather_evaluated(kernel.as_ref(), steps, out, stop)
    } else {
        gather_in_order(kernel, steps, out, stop)
    }
}

/// Each value from `Kernel::lr_at`, over all cores.
fn gather_evaluated<T: Element>(
    kernel: &dyn Kernel,
    steps: &[u64],
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
            for (slot, &step) in out.iter_mut().zip(steps) {
                let value = match step {
                    0 => current,
                    s => kernel.lr_at(epoch_after(start, s as usize)?)?.as_f64(),
                };
                *slot = T::from_f64(value);
            }
            Ok(())
        })
        .collect();
    results.into_iter().collect()
}

/// One ordered pass of the schedule's `Sequence` up to the largest step.
fn gather_in_order<T: Element>(
    kernel: Box<dyn Kernel>,
    steps: &[u64],
    out: &mut [T],
    stop: &dyn Stop,
) -> CoreResult<()> {
    let current = kernel.common().last_lr.as_f64();
    let mut sequence = Sequence::new(kernel);
    let block = sequence.block_len() as u64;
    // Step s >= 1 is element (s - 1) % block of block (s - 1) / block.
    let block_of = |step: u64| (step - 1) / block;
    let order = bucketed(steps, block_of);
    let mut values = vec![0.0; sequence.block_len()];
    let mut filled: Option<u64> = None;
    for &position in &order {
        let step = steps[position];
        let value = if step == 0 {
            current
        } else {
            let wanted = block_of(step);
            while filled.is_none_or(|b| b < wanted) {
                stop.check()?;
                sequence.next(&mut values, stop)?;
                filled = Some(filled.map_or(0, |b| b + 1));
            }
            values[((step - 1) % block) as usize]
        };
        out[position] = T::from_f64(value);
    }
    Ok(())
}

/// The positions of `steps`, ordered by `block_of(step)` (step 0 first): a counting sort when
/// the blocks are few for the requests, else a sort by step.
fn bucketed(steps: &[u64], block_of: impl Fn(u64) -> u64) -> Vec<usize> {
    let bucket = |step: u64| if step == 0 { 0 } else { block_of(step) + 1 };
    let buckets = steps.iter().map(|&s| bucket(s)).max().map_or(0, |b| b + 1);
    if buckets > 4 * steps.len() as u64 + 1024 {
        let mut order: Vec<usize> = (0..steps.len()).collect();
        order.sort_unstable_by_key(|&p| steps[p]);
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
