//! Bootstrap confidence intervals: deterministic resamples of a pilot's
//! cases, percentile intervals and the ties they imply on a scoreboard.
//!
//! A pilot's figures are recomputed on [`RESAMPLES`] resamples of its cases
//! drawn with replacement; the 95 % interval of a figure is the 2.5th and
//! 97.5th percentile of its resampled values. Above [`FULL_RESAMPLE_LIMIT`]
//! cases each resample draws that many cases (m-out-of-n bootstrap) and the
//! interval is narrowed by `√(m / n)`, so large pilots cost the same. The
//! generator is seeded from the pilot's identity (agent, scenario, version,
//! split, dataset commitment, cases): the same pilot always gets the same
//! intervals, and the scorecard stays byte-reproducible.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Resamples per pilot.
pub const RESAMPLES: usize = 200;
/// Largest resample; larger pilots use m-out-of-n resampling.
pub const FULL_RESAMPLE_LIMIT: usize = 10_000;

/// A 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether two intervals share any value.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// Deterministic resamples of `n` cases.
#[derive(Debug, Clone)]
pub struct Resampler {
    state: u64,
    n: usize,
    draw: usize,
}

impl Resampler {
    /// A resampler of `n` cases seeded from the pilot's identity.
    pub fn new(n: usize, identity: &[&str]) -> Resampler {
        let mut hash = Sha256::new();
        hash.update(b"govlab-bootstrap/1");
        for part in identity {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
        let digest = hash.finalize();
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&digest[..8]);
        Resampler {
            state: u64::from_le_bytes(seed),
            n,
            draw: n.min(FULL_RESAMPLE_LIMIT),
        }
    }

    /// SplitMix64: small, fast and good enough for resampling indices.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next resample's case indices (sorted, so case order is kept).
    pub fn resample(&mut self) -> Vec<u32> {
        if self.n == 0 {
            return Vec::new();
        }
        let n = self.n as u64;
        let mut indices: Vec<u32> = (0..self.draw)
            .map(|_| {
                // Multiply-shift maps 64 random bits onto 0..n without modulo bias worth measuring.
                let index = ((u128::from(self.next()) * u128::from(n)) >> 64) as u64;
                u32::try_from(index).unwrap_or(u32::MAX)
            })
            .collect();
        indices.sort_unstable();
        indices
    }

    /// How much to narrow an m-out-of-n interval around the point estimate.
    pub fn scale(&self) -> f64 {
        if self.draw >= self.n || self.n == 0 {
            1.0
        } else {
            (self.draw as f64 / self.n as f64).sqrt()
        }
    }
}

/// The 95 % percentile interval of `values` around `point`, narrowed by
/// `scale` (see [`Resampler::scale`]) and widened to contain `point`.
pub fn percentile_interval(point: f64, values: &mut Vec<f64>, scale: f64) -> Option<Interval> {
    values.retain(|value| value.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let rank = (q * (values.len() - 1) as f64).round() as usize;
        values[rank.min(values.len() - 1)]
    };
    let (low, high) = (at(0.025), at(0.975));
    let low = point - (point - low) * scale;
    let high = point + (high - point) * scale;
    Some(Interval {
        low: low.min(point),
        high: high.max(point),
    })
}

/// The order a board lists entries in: best score first, then input order
/// (entries without a score last).
pub fn board_order(entries: &[(Option<f64>, Option<Interval>)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let score = |i: usize| entries[i].0.unwrap_or(f64::NEG_INFINITY);
        score(b).total_cmp(&score(a)).then(a.cmp(&b))
    });
    order
}

/// Ranks of scores with statistical ties: entries are ordered by score and
/// an entry shares the rank of the entry above it when their intervals
/// overlap (a chain of overlaps forms one tie group). Returns, in input
/// order, `(rank, tied)` where `tied` says the rank is shared.
pub fn tie_ranks(entries: &[(Option<f64>, Option<Interval>)]) -> Vec<(usize, bool)> {
    let order = board_order(entries);
    let mut ranks = vec![(0, false); entries.len()];
    let mut rank = 0;
    for (position, &index) in order.iter().enumerate() {
        let tied_with_previous = position > 0 && {
            let previous = order[position - 1];
            match (entries[previous].1, entries[index].1) {
                (Some(a), Some(b)) => a.overlaps(&b),
                _ => entries[previous].0 == entries[index].0,
            }
        };
        if !tied_with_previous {
            rank = position + 1;
        }
        ranks[index] = (rank, false);
    }
    for index in 0..entries.len() {
        let shared = ranks.iter().filter(|(r, _)| *r == ranks[index].0).count() > 1;
        ranks[index].1 = shared;
    }
    ranks
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn resamples_are_deterministic_and_depend_on_the_identity() {
        let mut a = Resampler::new(500, &["agent", "appeals-triage"]);
        let mut b = Resampler::new(500, &["agent", "appeals-triage"]);
        let mut c = Resampler::new(500, &["other", "appeals-triage"]);
        let first = a.resample();
        assert_eq!(first, b.resample());
        assert_ne!(first, c.resample());
        assert_eq!(first.len(), 500);
        assert!(first.iter().all(|&i| i < 500));
        assert!(first.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn large_pilots_draw_m_out_of_n() {
        let mut big = Resampler::new(40_000, &["x"]);
        assert_eq!(big.resample().len(), FULL_RESAMPLE_LIMIT);
        assert!((big.scale() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn interval_of_a_mean_covers_the_truth_and_shrinks_with_n() {
        // Bernoulli(0.3) outcomes: the bootstrap interval of the mean.
        let width = |n: usize| {
            let data: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 10 < 3))).collect();
            let mut resampler = Resampler::new(n, &["mean", &n.to_string()]);
            let mut means: Vec<f64> = (0..RESAMPLES)
                .map(|_| {
                    let sample = resampler.resample();
                    sample.iter().map(|&i| data[i as usize]).sum::<f64>() / sample.len() as f64
                })
                .collect();
            let interval = percentile_interval(0.3, &mut means, resampler.scale()).unwrap();
            assert!(interval.low <= 0.3 && 0.3 <= interval.high, "{interval:?}");
            interval.high - interval.low
        };
        let (small, large) = (width(100), width(2_000));
        // The normal approximation gives 0.18 and 0.04.
        assert!((0.12..0.26).contains(&small), "{small}");
        assert!((0.025..0.06).contains(&large), "{large}");
    }

    #[test]
    fn overlapping_intervals_share_a_rank() {
        let iv = |low, high| Some(Interval { low, high });
        let entries = [
            (Some(70.0), iv(65.0, 75.0)),
            (Some(100.0), iv(100.0, 100.0)),
            (Some(68.0), iv(63.0, 72.0)),
            (Some(9.0), iv(7.0, 11.0)),
        ];
        assert_eq!(
            tie_ranks(&entries),
            vec![(2, true), (1, false), (2, true), (4, false)]
        );
        // Within a tie the better score is listed first.
        assert_eq!(board_order(&entries), vec![1, 0, 2, 3]);
    }
}
