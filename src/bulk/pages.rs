//! Scratch tables in memory of their own, mapped fresh from the kernel.
//!
//! A table of millions of values taken from the allocator lands wherever its heap has room
//! and faults in a 4 KiB page at a time (when it is handed back, the heap is often trimmed,
//! so the next call faults again): on a virtual machine that is as much time as a third of
//! the table's fill. An anonymous mapping advised for transparent huge pages faults in 2 MiB
//! at a time, already zeroed, and goes back to the kernel when dropped.

use memmap2::MmapMut;

use crate::error::{CoreError, CoreResult};

/// The size of a transparent huge page on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// A zeroed table of `f64`s in an anonymous mapping.
pub struct PageTable {
    map: Option<MmapMut>,
    len: usize,
}

impl PageTable {
    /// A table of `len` zeros (no mapping when `len` is 0).
    pub fn zeroed(len: usize) -> CoreResult<Self> {
        if len == 0 {
            return Ok(Self { map: None, len });
        }
        // A whole number of huge pages, which the kernel aligns to one (the rest of the last
        // is never touched, so never mapped in).
        let bytes = len
            .checked_mul(size_of::<f64>())
            .and_then(|bytes| bytes.checked_next_multiple_of(HUGE_PAGE))
            .ok_or_else(|| CoreError::overflow(format!("a table of {len} values is too large")))?;
        let map = MmapMut::map_anon(bytes).map_err(|err| {
            CoreError::runtime(format!("cannot map a table of {bytes} bytes: {err}"))
        })?;
        // Only advice: a kernel without transparent huge pages maps 4 KiB pages.
        #[cfg(target_os = "linux")]
        let _ = map.advise(memmap2::Advice::HugePage);
        Ok(Self {
            map: Some(map),
            len,
        })
    }

    /// The values, to fill.
    pub fn values_mut(&mut self) -> CoreResult<&mut [f64]> {
        match &mut self.map {
            // A mapping is page-aligned and its length a multiple of 8: the cast succeeds.
            Some(map) => bytemuck::try_cast_slice_mut(&mut map[..self.len * size_of::<f64>()])
                .map_err(|err| CoreError::runtime(format!("a mapped table is unusable: {err}"))),
            None => Ok(&mut []),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_zeroed_and_writable() {
        for len in [0, 1, 513, 1 << 20] {
            let mut table = PageTable::zeroed(len).unwrap();
            let values = table.values_mut().unwrap();
            assert_eq!(values.len(), len);
            assert!(values.iter().all(|v| v.to_bits() == 0));
            values
                .iter_mut()
                .enumerate()
                .for_each(|(i, v)| *v = i as f64);
            assert!(values.iter().enumerate().all(|(i, v)| *v == i as f64));
        }
    }
}
