//! A counting semaphore over a fixed number of slots (blocking, no async
//! runtime needed).

use std::sync::{Condvar, Mutex, PoisonError};

/// A counting semaphore: a burst of cases waits for an instance slot, a
/// burst of uploads for a compile slot, instead of piling up.
#[derive(Debug)]
pub(crate) struct Slots {
    free: Mutex<usize>,
    released: Condvar,
}

pub(crate) struct SlotGuard<'a>(&'a Slots);

impl Slots {
    pub(crate) fn new(n: usize) -> Self {
        Slots {
            free: Mutex::new(n),
            released: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> SlotGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .released
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        SlotGuard(self)
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.released.notify_one();
    }
}
