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

    /// The length of the blocks `for_each_block` hands over (the last may be shorter).
    pub fn block_len(&self) -> usize {
        match self.how {
            How::Scanned(..) => scan::BLOCK,
            How::Stepped(_) => STEPPED_BLOCK,
        }
    }

    /// The next `out.len()` values, asking `stop` before each block.
    pub fn fill_until<T: Element>(&mut self, out: &mut [T], stop: &dyn Stop) -> CoreResult<()> {
        let out = match (&mut self.how, T::as_wide(out)) {
            // Scanned into `out` itself.
            (How::Scanned(scan, progress), Ok(wide)) => {
                return scan::fill_in_place(scan.as_ref(), progress, wide, stop);
            }
            (_, Ok(wide)) => Err(wide),
            (_, Err(narrow)) => Ok(narrow),
        };
        match out {
            Ok(narrow) => self.for_each_block(narrow.len(), stop, |offset, values| {
                for (slot, value) in narrow[offset..].iter_mut().zip(values) {
                    *slot = T::from_f64(*value);
                }
            }),
            Err(wide) => self.for_each_block(wide.len(), stop, |offset, values| {
                wide[offset..offset + values.len()].copy_from_slice(values);
            }),
        }
    }

    /// The next `len` values, a block at a time, each handed in order to `emit(offset,
    /// values)` (`offset` counts from the first of them), asking `stop` before each block.
    pub fn for_each_block(
        &mut self,
        len: usize,
        stop: &dyn Stop,
        mut emit: impl FnMut(usize, &[f64]) + Send,
    ) -> CoreResult<()> {
        match &mut self.how {
            How::Scanned(scan, progress) => {
                scan::for_each_block(scan.as_ref(), progress, len, stop, emit)
            }
            How::Stepped(kernel) => {
                let mut values = vec![0.0; STEPPED_BLOCK.min(len)];
                let mut offset = 0;
                while offset < len {
                    stop.check()?;
                    let values = &mut values[..STEPPED_BLOCK.min(len - offset)];
                    kernel.fill_by_stepping(values)?;
                    emit(offset, values);
                    offset += values.len();
                }
                Ok(())
            }
        }
    }
}
