//! A keyed bijection of `0..len`: what lets a generator give record `i` a
//! unique identifier from `i` alone (no shared state, any chunking, any
//! thread count).
//!
//! An alternating (unbalanced) Feistel network on the smallest number of
//! bits that covers `len` is a permutation of `0..2^bits`: the value is
//! split into a high and a low part, and each round xors one part with a
//! keyed hash (SplitMix64) of the other, which is invertible whatever the
//! sizes of the parts. Walking the cycle until the value falls back inside
//! `0..len` ("cycle walking") restricts it to a permutation of `0..len`;
//! fewer than two steps are needed on average, since `2^bits < 2 · len`.
//! The map is fixed by `(len, key)`.

use super::rng::mix64;

/// Half-rounds: each part is rewritten three times. The map is a bijection
/// for any count; identifiers need only look unrelated to `i`.
const ROUNDS: u64 = 6;

/// A keyed permutation of `0..len`.
#[derive(Debug, Clone)]
pub(crate) struct Permutation {
    len: u64,
    low_bits: u32,
    low_mask: u64,
    high_mask: u64,
    key: u64,
}

impl Permutation {
    /// The permutation of `0..len` (`len` ≥ 1; 0 is treated as 1) for `key`.
    pub(crate) fn new(len: u64, key: u64) -> Permutation {
        let len = len.max(1);
        // Bits needed to write `len - 1`, at least 2.
        let bits = (u64::BITS - (len - 1).leading_zeros()).max(2);
        let low_bits = bits / 2;
        Permutation {
            len,
            low_bits,
            low_mask: (1u64 << low_bits) - 1,
            high_mask: (1u64 << (bits - low_bits)) - 1,
            key: mix64(key),
        }
    }

    /// The image of `index` (taken modulo the domain size).
    pub(crate) fn apply(&self, index: u64) -> u64 {
        let mut value = index % self.len;
        loop {
            value = self.feistel(value);
            if value < self.len {
                return value;
            }
        }
    }

    fn feistel(&self, value: u64) -> u64 {
        let (mut high, mut low) = (value >> self.low_bits, value & self.low_mask);
        for round in 0..ROUNDS {
            let round_key = self
                .key
                .wrapping_add(round.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            if round % 2 == 0 {
                high ^= mix64(low ^ round_key) & self.high_mask;
            } else {
                low ^= mix64(high ^ round_key) & self.low_mask;
            }
        }
        (high << self.low_bits) | low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_bijection(len: u64, key: u64) -> bool {
        let permutation = Permutation::new(len, key);
        let mut seen = vec![false; len as usize];
        for index in 0..len {
            let image = permutation.apply(index);
            if image >= len || std::mem::replace(&mut seen[image as usize], true) {
                return false;
            }
        }
        true
    }

    #[test]
    fn every_small_domain_is_permuted() {
        for len in 1..=300 {
            assert!(is_bijection(len, len * 31), "len {len}");
        }
        for len in [1000, 4096, 12_345, 65_537] {
            assert!(is_bijection(len, 7), "len {len}");
        }
    }

    #[test]
    fn keys_give_different_permutations() {
        let first = Permutation::new(1_000_000, 1);
        let second = Permutation::new(1_000_000, 2);
        let same = (0..1000)
            .filter(|&index| first.apply(index) == second.apply(index))
            .count();
        assert!(same < 5, "{same}");
        // Not the identity, and not a shift.
        let moved = (0..1000)
            .filter(|&index| first.apply(index) != index)
            .count();
        assert!(moved > 990, "{moved}");
    }

    #[test]
    fn the_algorithm_is_pinned() {
        // A change here changes every identifier of every dataset.
        let permutation = Permutation::new(100_000_000, 20_250_301);
        let images: Vec<u64> = (0..3).map(|index| permutation.apply(index)).collect();
        assert_eq!(images, PINNED);
    }

    const PINNED: [u64; 3] = [46_108_944, 38_408_917, 4_064_046];
}
