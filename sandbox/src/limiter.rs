//! The per-case [`wasmtime::ResourceLimiter`]: caps linear memory (summed
//! over the case's memories), tables and instances, records the peak memory
//! and whether a growth was refused so the outcome can say `memory_limit`.

use wasmtime::ResourceLimiter;

/// Caps and bookkeeping for one case.
#[derive(Debug)]
pub(crate) struct CaseLimiter {
    max_memory_bytes: usize,
    max_table_elements: usize,
    max_instances: usize,
    max_tables: usize,
    max_memories: usize,
    /// Linear memory currently allocated across all memories of the case.
    pub(crate) memory_bytes: usize,
    /// Highest value `memory_bytes` reached.
    pub(crate) peak_memory_bytes: usize,
    /// The first growth that was refused, as `(current, desired)` bytes of
    /// the case's total memory.
    pub(crate) refused_memory: Option<(usize, usize)>,
}

/// The caps of a [`CaseLimiter`], copied from [`Limits`](crate::Limits).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LimiterCaps {
    pub(crate) max_memory_bytes: usize,
    pub(crate) max_table_elements: usize,
    pub(crate) max_instances: usize,
    pub(crate) max_tables: usize,
    pub(crate) max_memories: usize,
}

impl CaseLimiter {
    pub(crate) fn new(caps: LimiterCaps) -> Self {
        CaseLimiter {
            max_memory_bytes: caps.max_memory_bytes,
            max_table_elements: caps.max_table_elements,
            max_instances: caps.max_instances,
            max_tables: caps.max_tables,
            max_memories: caps.max_memories,
            memory_bytes: 0,
            peak_memory_bytes: 0,
            refused_memory: None,
        }
    }
}

impl ResourceLimiter for CaseLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let growth = desired.saturating_sub(current);
        let total = self.memory_bytes.saturating_add(growth);
        if total > self.max_memory_bytes {
            if self.refused_memory.is_none() {
                self.refused_memory = Some((self.memory_bytes, total));
            }
            // Refuse like a full machine would: `memory.grow` returns -1 and
            // the agent decides what to do (a Rust agent aborts).
            return Ok(false);
        }
        self.memory_bytes = total;
        self.peak_memory_bytes = self.peak_memory_bytes.max(total);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= self.max_table_elements)
    }

    fn instances(&self) -> usize {
        self.max_instances
    }

    fn tables(&self) -> usize {
        self.max_tables
    }

    fn memories(&self) -> usize {
        self.max_memories
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn limiter(max_memory_bytes: usize) -> CaseLimiter {
        CaseLimiter::new(LimiterCaps {
            max_memory_bytes,
            max_table_elements: 10,
            max_instances: 1,
            max_tables: 1,
            max_memories: 2,
        })
    }

    #[test]
    fn memory_is_capped_across_memories_and_peak_is_kept() {
        let mut limiter = limiter(100);
        assert!(limiter.memory_growing(0, 40, None).unwrap());
        assert!(limiter.memory_growing(0, 50, None).unwrap());
        assert!(!limiter.memory_growing(40, 60, None).unwrap());
        assert_eq!(limiter.refused_memory, Some((90, 110)));
        assert!(limiter.memory_growing(50, 60, None).unwrap());
        assert_eq!(limiter.peak_memory_bytes, 100);
        assert!(limiter.table_growing(0, 10, None).unwrap());
        assert!(!limiter.table_growing(10, 11, None).unwrap());
    }
}
