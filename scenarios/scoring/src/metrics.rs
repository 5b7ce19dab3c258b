//! Pure scoring metrics: classification, ranking, alerting and quantiles
//! (fairness lives in [`crate::fairness`]).
//!
//! Every function here is total: it never panics and never fails. Where a
//! formula would divide by zero the result is `0.0` unless a function says
//! otherwise (the scikit-learn `zero_division=0` convention), so an agent that
//! predicts nothing scores zero rather than "undefined". Inputs are pairs of
//! `(truth, predicted)` so truth and prediction cannot differ in length.

use std::collections::{BTreeMap, BTreeSet};

/// `numerator / denominator`, or `0.0` when the denominator is zero.
fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Harmonic mean of precision and recall, `0.0` when both are zero.
fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Share of pairs whose prediction equals the truth: `correct / n`.
///
/// Returns `0.0` for no pairs.
pub fn accuracy<T: PartialEq>(pairs: &[(T, T)]) -> f64 {
    let correct = pairs.iter().filter(|(truth, pred)| truth == pred).count();
    ratio(correct as u64, pairs.len() as u64)
}

/// Precision, recall and F1 of one class (or of one positive label).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassScores {
    /// `tp / (tp + fp)`; `0.0` when the class was never predicted.
    pub precision: f64,
    /// `tp / (tp + fn)`; `0.0` when the class never occurs in the truth.
    pub recall: f64,
    /// `2·p·r / (p + r)`; `0.0` when `p + r = 0`.
    pub f1: f64,
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub fn_: u64,
}

impl ClassScores {
    fn from_counts(tp: u64, fp: u64, fn_: u64) -> ClassScores {
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        ClassScores {
            precision,
            recall,
            f1: f1(precision, recall),
            tp,
            fp,
            fn_,
        }
    }

    /// Number of truth occurrences of the class: `tp + fn`.
    pub fn support(&self) -> u64 {
        self.tp + self.fn_
    }
}

/// One-vs-rest scores for every class that occurs in the truth or in the
/// predictions. Classes absent from both are not listed.
pub fn per_class<T: Ord + Clone>(pairs: &[(T, T)]) -> BTreeMap<T, ClassScores> {
    // (tp, fp, fn) per class.
    let mut counts: BTreeMap<T, (u64, u64, u64)> = BTreeMap::new();
    for (truth, pred) in pairs {
        if truth == pred {
            counts.entry(truth.clone()).or_default().0 += 1;
        } else {
            counts.entry(pred.clone()).or_default().1 += 1;
            counts.entry(truth.clone()).or_default().2 += 1;
        }
    }
    counts
        .into_iter()
        .map(|(class, (tp, fp, fn_))| (class, ClassScores::from_counts(tp, fp, fn_)))
        .collect()
}

/// Macro-averaged F1: the unweighted mean of [`per_class`] F1 over the classes
/// present in the truth or the predictions. `0.0` for no pairs.
pub fn macro_f1<T: Ord + Clone>(pairs: &[(T, T)]) -> f64 {
    let classes = per_class(pairs);
    if classes.is_empty() {
        return 0.0;
    }
    classes.values().map(|scores| scores.f1).sum::<f64>() / classes.len() as f64
}

/// Scores of a positive label (e.g. "urgent", "misrouted") from
/// `(truth_is_positive, predicted_positive)` pairs.
pub fn binary_scores(pairs: &[(bool, bool)]) -> ClassScores {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for &(truth, pred) in pairs {
        match (truth, pred) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
    }
    ClassScores::from_counts(tp, fp, fn_)
}

/// Number of distinct relevant items among the first `k` of `ranking`.
fn hits_at_k<I: Ord>(ranking: &[I], relevant: &BTreeSet<I>, k: usize) -> u64 {
    let top: BTreeSet<&I> = ranking.iter().take(k).collect();
    top.into_iter()
        .filter(|item| relevant.contains(item))
        .count() as u64
}

/// Precision@k: `|top_k(ranking) ∩ relevant| / k`.
///
/// The denominator is `k` even when the ranking is shorter (missing
/// positions count as misses); a repeated item counts once; `k = 0` gives
/// `0.0`.
pub fn precision_at_k<I: Ord>(ranking: &[I], relevant: &BTreeSet<I>, k: usize) -> f64 {
    ratio(hits_at_k(ranking, relevant, k), k as u64)
}

/// Recall@k: `|top_k(ranking) ∩ relevant| / |relevant|`; `0.0` when nothing
/// is relevant.
pub fn recall_at_k<I: Ord>(ranking: &[I], relevant: &BTreeSet<I>, k: usize) -> f64 {
    ratio(hits_at_k(ranking, relevant, k), relevant.len() as u64)
}

/// Recall@k against what k allows: `|top_k ∩ relevant| / min(k, |relevant|)`,
/// so a perfect ranking scores 1 even when more items are relevant than k
/// (plain recall@k would cap it at `k / |relevant|`); `0.0` when nothing is
/// relevant or k is 0.
pub fn normalised_recall_at_k<I: Ord>(ranking: &[I], relevant: &BTreeSet<I>, k: usize) -> f64 {
    ratio(
        hits_at_k(ranking, relevant, k),
        (k as u64).min(relevant.len() as u64),
    )
}

/// One ranked answer to a query and the items that would have been right.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedQuery<I> {
    /// The agent's answer, best first.
    pub ranking: Vec<I>,
    /// The correct items (any one of them counts as a hit).
    pub relevant: BTreeSet<I>,
}

/// Top-k accuracy: share of queries with at least one relevant item among
/// the first `k` ranked. `0.0` for no queries.
pub fn top_k_accuracy<I: Ord>(queries: &[RankedQuery<I>], k: usize) -> f64 {
    let hits = queries
        .iter()
        .filter(|query| hits_at_k(&query.ranking, &query.relevant, k) > 0)
        .count();
    ratio(hits as u64, queries.len() as u64)
}

/// Mean reciprocal rank: the mean over queries of `1 / rank` of the first
/// relevant item (ranks start at 1), counting `0` for a query with no
/// relevant item ranked. `0.0` for no queries.
pub fn mean_reciprocal_rank<I: Ord>(queries: &[RankedQuery<I>]) -> f64 {
    if queries.is_empty() {
        return 0.0;
    }
    let total: f64 = queries
        .iter()
        .map(|query| {
            query
                .ranking
                .iter()
                .position(|item| query.relevant.contains(item))
                .map_or(0.0, |idx| 1.0 / (idx + 1) as f64)
        })
        .sum();
    total / queries.len() as f64
}

/// How lead times of alerts are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTimeConfig {
    /// How many hours before an episode an alert may come and still count
    /// for it; this also caps the lead time.
    pub cap_hours: i64,
}

impl Default for LeadTimeConfig {
    fn default() -> LeadTimeConfig {
        LeadTimeConfig { cap_hours: 24 }
    }
}

/// Alert quality over `(series, hour)` sets.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertScores {
    /// `|predicted ∩ truth| / |predicted|` over alert hours.
    pub precision: f64,
    /// `|predicted ∩ truth| / |truth|` over alert hours.
    pub recall: f64,
    /// Episodes in the truth: maximal runs of consecutive exceedance hours of
    /// one series.
    pub episodes: u64,
    /// Episodes with at least one predicted alert in their window.
    pub detected_episodes: u64,
    /// Mean lead time in hours over detected episodes, `None` if none was
    /// detected. Negative when alerts came late.
    pub mean_lead_time_hours: Option<f64>,
}

/// Precision and recall of alert hours, and the mean lead time of episodes.
///
/// An episode `[s, e]` of a series is detected when the series has a
/// predicted alert in its window `[max(s − cap, e_prev + 1), e]`, where
/// `e_prev` is the end of the previous episode of that series. Its lead time
/// is `s − h` for the first such alert hour `h`: positive when the alert came
/// before the exceedance, at most `cap`, negative when it came late.
pub fn alert_scores<S: Ord + Clone>(
    predicted: &BTreeSet<(S, i64)>,
    truth: &BTreeSet<(S, i64)>,
    config: LeadTimeConfig,
) -> AlertScores {
    let correct = predicted.intersection(truth).count() as u64;
    let precision = ratio(correct, predicted.len() as u64);
    let recall = ratio(correct, truth.len() as u64);

    // Episodes per series: the set is sorted by (series, hour).
    let mut episodes: Vec<(S, i64, i64)> = Vec::new();
    for (series, hour) in truth {
        match episodes.last_mut() {
            Some((last_series, _, end))
                if last_series == series && end.checked_add(1) == Some(*hour) =>
            {
                *end = *hour;
            }
            _ => episodes.push((series.clone(), *hour, *hour)),
        }
    }

    let mut leads = Vec::new();
    let mut prev: Option<(&S, i64)> = None;
    for (series, start, end) in &episodes {
        let mut window_start = start.saturating_sub(config.cap_hours.max(0));
        if let Some((prev_series, prev_end)) = prev
            && prev_series == series
        {
            window_start = window_start.max(prev_end.saturating_add(1));
        }
        let first_alert = predicted
            .range((series.clone(), window_start)..=(series.clone(), *end))
            .next();
        if let Some((_, hour)) = first_alert {
            leads.push(start.saturating_sub(*hour) as f64);
        }
        prev = Some((series, *end));
    }
    let mean_lead_time_hours =
        (!leads.is_empty()).then(|| leads.iter().sum::<f64>() / leads.len() as f64);
    AlertScores {
        precision,
        recall,
        episodes: episodes.len() as u64,
        detected_episodes: leads.len() as u64,
        mean_lead_time_hours,
    }
}

/// The `q`-quantile by the nearest-rank method: the smallest value `v` such
/// that at least `q · n` values are `≤ v`, i.e. the element of rank
/// `max(1, ⌈q·n⌉)` in sorted order (rank computed with a 1e-9 tolerance so
/// float error in `q·n` does not push an exact rank up by one).
///
/// Always returns an observed value (no interpolation), so quantiles of
/// integers stay integers and are reproducible. `q` is clamped to `[0, 1]`
/// (NaN counts as 0); `None` for no values. Reorders `values`.
pub fn quantile<T: Ord + Copy>(values: &mut [T], q: f64) -> Option<T> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
    // Truncation is intended: the value is a small non-negative integer.
    let rank = ((q * n as f64 - 1e-9).ceil().max(1.0) as usize).min(n);
    let (_, value, _) = values.select_nth_unstable(rank - 1);
    Some(*value)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde::Deserialize;

    use super::*;

    const EPS: f64 = 1e-6;

    fn close(actual: f64, expected: f64, what: &str) {
        assert!(
            (actual - expected).abs() < EPS,
            "{what}: got {actual}, expected {expected}"
        );
    }

    #[derive(Deserialize)]
    struct ExpectedClass {
        precision: f64,
        recall: f64,
        f1: f64,
        support: u64,
    }

    #[derive(Deserialize)]
    struct ClassificationCase {
        name: String,
        pairs: Vec<(String, String)>,
        accuracy: f64,
        macro_f1: f64,
        per_class: BTreeMap<String, ExpectedClass>,
    }

    #[test]
    fn classification_cases() {
        let cases: Vec<ClassificationCase> =
            serde_json::from_str(include_str!("../tests/data/classification.json")).unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let name = &case.name;
            close(
                accuracy(&case.pairs),
                case.accuracy,
                &format!("{name} accuracy"),
            );
            close(
                macro_f1(&case.pairs),
                case.macro_f1,
                &format!("{name} macro_f1"),
            );
            let actual = per_class(&case.pairs);
            let actual_classes: Vec<&String> = actual.keys().collect();
            let expected_classes: Vec<&String> = case.per_class.keys().collect();
            assert_eq!(actual_classes, expected_classes, "{name} classes");
            for (class, expected) in &case.per_class {
                let got = &actual[class];
                close(
                    got.precision,
                    expected.precision,
                    &format!("{name} {class} precision"),
                );
                close(
                    got.recall,
                    expected.recall,
                    &format!("{name} {class} recall"),
                );
                close(got.f1, expected.f1, &format!("{name} {class} f1"));
                assert_eq!(got.support(), expected.support, "{name} {class} support");
            }
        }
    }

    #[derive(Deserialize)]
    struct BinaryCase {
        name: String,
        pairs: Vec<(bool, bool)>,
        precision: f64,
        recall: f64,
        f1: f64,
    }

    #[test]
    fn binary_cases() {
        let cases: Vec<BinaryCase> =
            serde_json::from_str(include_str!("../tests/data/binary.json")).unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let got = binary_scores(&case.pairs);
            close(
                got.precision,
                case.precision,
                &format!("{} precision", case.name),
            );
            close(got.recall, case.recall, &format!("{} recall", case.name));
            close(got.f1, case.f1, &format!("{} f1", case.name));
        }
    }

    #[derive(Deserialize)]
    struct AtKCase {
        k: usize,
        precision: f64,
        recall: f64,
    }

    #[derive(Deserialize)]
    struct TopKCase {
        k: usize,
        accuracy: f64,
    }

    #[derive(Deserialize)]
    struct RankingData {
        ranking: Vec<String>,
        relevant: BTreeSet<String>,
        at_k: Vec<AtKCase>,
        queries: Vec<(Vec<String>, BTreeSet<String>)>,
        top_k: Vec<TopKCase>,
        mrr: f64,
    }

    #[test]
    fn ranking_cases() {
        let data: RankingData =
            serde_json::from_str(include_str!("../tests/data/ranking.json")).unwrap();
        for case in &data.at_k {
            let k = case.k;
            close(
                precision_at_k(&data.ranking, &data.relevant, k),
                case.precision,
                &format!("p@{k}"),
            );
            close(
                recall_at_k(&data.ranking, &data.relevant, k),
                case.recall,
                &format!("r@{k}"),
            );
        }
        let queries: Vec<RankedQuery<String>> = data
            .queries
            .into_iter()
            .map(|(ranking, relevant)| RankedQuery { ranking, relevant })
            .collect();
        for case in &data.top_k {
            close(
                top_k_accuracy(&queries, case.k),
                case.accuracy,
                &format!("top-{}", case.k),
            );
        }
        close(mean_reciprocal_rank(&queries), data.mrr, "mrr");
        close(mean_reciprocal_rank::<String>(&[]), 0.0, "mrr of nothing");
    }

    #[derive(Deserialize)]
    struct AlertCase {
        name: String,
        cap_hours: i64,
        predicted: Vec<(String, i64)>,
        truth: Vec<(String, i64)>,
        precision: f64,
        recall: f64,
        episodes: u64,
        detected_episodes: u64,
        mean_lead_time_hours: Option<f64>,
    }

    #[test]
    fn alert_cases() {
        let cases: Vec<AlertCase> =
            serde_json::from_str(include_str!("../tests/data/alerts.json")).unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let name = &case.name;
            let predicted: BTreeSet<(String, i64)> = case.predicted.into_iter().collect();
            let truth: BTreeSet<(String, i64)> = case.truth.into_iter().collect();
            let got = alert_scores(
                &predicted,
                &truth,
                LeadTimeConfig {
                    cap_hours: case.cap_hours,
                },
            );
            close(got.precision, case.precision, &format!("{name} precision"));
            close(got.recall, case.recall, &format!("{name} recall"));
            assert_eq!(got.episodes, case.episodes, "{name} episodes");
            assert_eq!(
                got.detected_episodes, case.detected_episodes,
                "{name} detected"
            );
            match (got.mean_lead_time_hours, case.mean_lead_time_hours) {
                (Some(got), Some(expected)) => close(got, expected, &format!("{name} lead")),
                (got, expected) => assert_eq!(got, expected, "{name} lead"),
            }
        }
    }

    #[derive(Deserialize)]
    struct QuantileCase {
        values: Vec<u64>,
        q: f64,
        expected: Option<u64>,
    }

    #[test]
    fn quantile_cases() {
        let cases: Vec<QuantileCase> =
            serde_json::from_str(include_str!("../tests/data/quantiles.json")).unwrap();
        assert!(!cases.is_empty());
        for mut case in cases {
            let input = case.values.clone();
            assert_eq!(
                quantile(&mut case.values, case.q),
                case.expected,
                "q={} of {input:?}",
                case.q
            );
        }
        let mut hundred: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(quantile(&mut hundred, 0.95), Some(95));
        assert_eq!(quantile(&mut hundred, 0.5), Some(50));
        assert_eq!(quantile(&mut hundred, 0.99), Some(99));
        assert_eq!(quantile(&mut hundred, f64::NAN), Some(1));
    }
}
