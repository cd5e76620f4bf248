//! A schedule's values in step order, from a private copy: scanned where the kernel offers a
//! `Scan`, else stepped one by one.

use super::scan::{self, Progress, Scan};
use super::{Element, Stop};
use crate::error::CoreResult;
use crate::pyops::Num;
use crate::schedule::Kernel;

/// Steps between two checks of the `Stop` in a stepped fill: tens of milliseconds at most,
/// even for a schedule nested `MAX_NESTING` deep (each step then walks every level).
const STEPPED_BLOCK: usize = 1 << 10;

/// The values after each further `step()` of a private copy of a kernel.
pub struct Sequence {
    how: How,
}

enum How {
    Scanned(Box<dyn Scan>, Progress),
    Stepped(Box<dyn Kernel>),
}

impl Sequence {
    /// From the kernel's current state (which is `sched()`, step 0).
    pub fn new(kernel: Box<dyn Kernel>) -> Self {
        let scan = match kernel.common().last_lr {
            // A scan carries a float; an int `last_lr` (from a state dict) is stepped.
            Num::Float(prev) if !kernel.calls_python() => kernel.scan().map(|scan| (scan, prev)),
            _ => None,
        };
        let how = match scan {
            Some((scan, prev)) => How::Scanned(scan, Progress { done: 0, prev }),
            None => How::Stepped(kernel),
        };
        Self { how }
    }

    /// How many values `next` produces at a time at best (the unit of `fill_until`).
    pub fn block_len(&self) -> usize {
        match self.how {
            How::Scanned(..) => scan::BLOCK,
            How::Stepped(_) => STEPPED_BLOCK,
        }
    }

    /// The next `out.len()` values, asking `stop` before each block.
    pub fn fill_until<T: Element>(&mut self, out: &mut [T], stop: &dyn Stop) -> CoreResult<()> {
        if let How::Scanned(scan, progress) = &mut self.how {
            return scan::fill(scan.as_ref(), progress, out, stop);
        }
        for block in out.chunks_mut(self.block_len()) {
            stop.check()?;
            T::fill_via(block, |values| self.next(values, stop))?;
        }
        Ok(())
    }

    /// The next `values.len()` values.
    pub fn next(&mut self, values: &mut [f64], stop: &dyn Stop) -> CoreResult<()> {
        match &mut self.how {
            How::Stepped(kernel) => kernel.fill_by_stepping(values),
            How::Scanned(scan, progress) => scan::next_block(scan.as_ref(), progress, values, stop),
        }
    }
}
