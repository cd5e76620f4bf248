//! Scratch tables of `f64`s: small ones on the heap, large ones in a mapping of their own.
//!
//! A table of millions of values taken from the allocator faulted in a 4 KiB page at a time on
//! every `lr_at` call measured here (1,300 page faults for 1M values, a quarter of the call):
//! glibc hands memory that large back to the kernel between calls. A fresh anonymous mapping,
//! aligned to a huge page and advised for transparent huge pages, faults in 2 MiB at a time
//! (already zeroed) and goes back to the kernel when dropped. Below `LARGE` a mapping's fixed
//! cost (a system call each way, a whole huge page cleared) outweighs its faults: the heap
//! serves.

use memmap2::MmapMut;

use crate::error::{CoreError, CoreResult};

/// From this many bytes on a table is mapped (NumPy's threshold for huge-page advice).
const LARGE: usize = 4 << 20;

/// A transparent huge page on x86-64 and on aarch64 with 4 KiB base pages (elsewhere larger:
/// the table is then aligned to 2 MiB only, and faults in as the kernel maps it).
const HUGE_PAGE: usize = 2 << 20;

/// A zeroed table of `f64`s.
pub struct ScratchTable {
    storage: Storage,
    len: usize,
}

enum Storage {
    Heap(Vec<f64>),
    /// The mapping, and the offset in bytes of the first huge-page boundary in it.
    Mapped(MmapMut, usize),
}

impl ScratchTable {
    /// A table of `len` zeros.
    pub fn zeroed(len: usize) -> CoreResult<Self> {
        let too_large = || CoreError::overflow(format!("a table of {len} values is too large"));
        let bytes = len.checked_mul(size_of::<f64>()).ok_or_else(too_large)?;
        if bytes < LARGE {
            return Ok(Self {
                storage: Storage::Heap(vec![0.0; len]),
                len,
            });
        }
        // One huge page more than needed, so that the table can start on a boundary whatever
        // address the kernel picks (only newer kernels align large mappings themselves).
        let mapped = bytes.checked_add(HUGE_PAGE).ok_or_else(too_large)?;
        let map = MmapMut::map_anon(mapped).map_err(|err| {
            CoreError::runtime(format!("cannot map a table of {mapped} bytes: {err}"))
        })?;
        // Only advice: a kernel without transparent huge pages maps 4 KiB pages.
        #[cfg(target_os = "linux")]
        let _ = map.advise(memmap2::Advice::HugePage);
        let offset = (map.as_ptr() as usize).next_multiple_of(HUGE_PAGE) - map.as_ptr() as usize;
        Ok(Self {
            storage: Storage::Mapped(map, offset),
            len,
        })
    }

    /// The values, to fill.
    pub fn values_mut(&mut self) -> CoreResult<&mut [f64]> {
        let len = self.len;
        match &mut self.storage {
            Storage::Heap(values) => Ok(values),
            // Within the mapping (`offset < HUGE_PAGE`), from a huge-page boundary: the cast
            // of whole, aligned `f64`s succeeds.
            Storage::Mapped(map, offset) => {
                let bytes = &mut map[*offset..*offset + len * size_of::<f64>()];
                bytemuck::try_cast_slice_mut(bytes)
                    .map_err(|err| CoreError::runtime(format!("a mapped table is unusable: {err}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_zeroed_and_writable_on_the_heap_and_mapped() {
        for len in [0, 1, 513, LARGE / 8 - 1, LARGE / 8, 3 << 20] {
            let mut table = ScratchTable::zeroed(len).unwrap();
            assert_eq!(
                matches!(table.storage, Storage::Mapped(..)),
                len * 8 >= LARGE
            );
            let values = table.values_mut().unwrap();
            assert_eq!(values.len(), len);
            assert!(values.iter().all(|v| v.to_bits() == 0));
            if len * 8 >= LARGE {
                assert_eq!(values.as_ptr() as usize % HUGE_PAGE, 0);
            }
            values
                .iter_mut()
                .enumerate()
                .for_each(|(i, v)| *v = i as f64);
            assert!(values.iter().enumerate().all(|(i, v)| *v == i as f64));
        }
    }

    #[test]
    fn a_table_too_large_to_count_is_refused() {
        assert!(matches!(
            ScratchTable::zeroed(usize::MAX / 4),
            Err(CoreError::Overflow(_))
        ));
    }
}
