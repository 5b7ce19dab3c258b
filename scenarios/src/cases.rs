//! Building the cases of a pilot: for each scenario, the payload an agent
//! sees and the truth the lab keeps, from the dataset generators (or, for
//! `service-finder`, from the service catalogue and a seeded text
//! generator).
//!
//! **Invariant: ground truth never enters a payload.** Payloads are built
//! from input records only; truth records, the hidden risk model, expected
//! records and the split seed stay in [`CaseTruth`] on the host. Case seeds
//! and virtual clocks are derived from `(scenario id, version, split seed,
//! case index)` through SHA-256, so they reveal nothing about the split
//! seed, and the same inputs always give the same cases.
//!
//! Cases are built by index range ([`build_cases`]), so a pilot can stream
//! them in chunks and any range can be rebuilt on its own.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use govlab_adapters::Adapters;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::datasets::{self, Dataset, DatasetError, GenConfig, Record, Split, Truth};
use crate::scenario::{Scenario, ScenarioKind};
use crate::secrecy::EvalKey;

mod air;
mod residency;

/// The virtual clock of case 0: 2025-07-01T00:00:00Z, in nanoseconds.
const CLOCK_BASE_UNIX_NS: u64 = 1_751_328_000_000_000_000;
/// Case clocks spread over 30 days after [`CLOCK_BASE_UNIX_NS`].
const CLOCK_SPREAD_SECONDS: u64 = 30 * 86_400;

/// A case could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// The adapters needed for expected records did not load.
    #[error("cannot load the adapters that compute expected records")]
    Adapters(#[source] govlab_adapters::AdapterError),
    /// The service catalogue is not valid.
    #[error("the service catalogue scenarios/defs/service-finder/catalogue.json is invalid: {0}")]
    Catalogue(String),
    /// No usable source record was found for a case.
    #[error("{scenario}: cannot build case {index}: {reason}")]
    Build {
        /// The scenario id.
        scenario: String,
        /// The case index.
        index: u64,
        /// Why.
        reason: String,
    },
}

/// Which split and seed the cases come from.
///
/// `Debug` shows the seed of the public practice split only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SplitSeed {
    /// The split.
    pub split: Split,
    /// Its generator seed: [`datasets::PRACTICE_SEED`] for practice,
    /// [`EvalKey::seed`] for evaluation (never shown to anyone).
    pub seed: u64,
    /// The evaluation key the seed is derived from and the dataset
    /// commitment is keyed with; `None` for practice.
    pub key: Option<EvalKey>,
}

impl fmt::Debug for SplitSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("SplitSeed");
        out.field("split", &self.split);
        match self.key {
            None => out.field("seed", &self.seed),
            Some(key) => out.field("seed", &"<redacted>").field("key", &key),
        };
        out.finish()
    }
}

impl SplitSeed {
    /// The public practice split.
    pub fn practice() -> SplitSeed {
        SplitSeed {
            split: Split::Practice,
            seed: datasets::PRACTICE_SEED,
            key: None,
        }
    }

    /// The evaluation split drawn from the lab's secret key.
    pub fn evaluation(key: &EvalKey) -> SplitSeed {
        SplitSeed {
            split: Split::Evaluation,
            seed: key.seed(),
            key: Some(*key),
        }
    }

    /// The split a pilot or dataset asks for: practice needs nothing,
    /// evaluation needs the lab's evaluation key.
    pub fn resolve(split: Split, key: Option<EvalKey>) -> Result<SplitSeed, DatasetError> {
        match (split, key) {
            (Split::Practice, _) => Ok(SplitSeed::practice()),
            (Split::Evaluation, Some(key)) => Ok(SplitSeed::evaluation(&key)),
            (Split::Evaluation, None) => Err(DatasetError::MissingEvaluationKey),
        }
    }

    /// The dataset commitment a scorecard carries for the cases whose
    /// SHA-256 is `digest`: `sha256:<hex>` for the public practice split,
    /// and for evaluation an HMAC under the lab's key ([`EvalKey::commit`]),
    /// which nobody without the key can recompute to test a guess.
    pub fn dataset_commitment(&self, digest: [u8; 32]) -> String {
        match &self.key {
            Some(key) => key.commit(&digest),
            None => format!("sha256:{}", hex::encode(digest)),
        }
    }
}

/// One case: what the agent sees and what the lab keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltCase {
    /// Position in the split.
    pub index: u64,
    /// The case id shown to the agent and in findings.
    pub case_id: String,
    /// The payload passed to `decide` (JSON text).
    pub payload: String,
    /// Seeds the agent's random number generators.
    pub seed: u64,
    /// Where the agent's virtual clock starts.
    pub clock_start_unix_ns: u64,
    /// The truth, host side only.
    pub truth: CaseTruth,
}

/// What the lab knows about a case and the agent must not.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseTruth {
    /// `appeals-triage`.
    Appeal(AppealTruth),
    /// `family-support`.
    Family(FamilyTruth),
    /// `cross-border-residency`.
    Residency(ResidencyTruth),
    /// `air-quality-alerts`.
    Air(AirTruth),
    /// `service-finder`.
    Service(ServiceTruth),
}

impl CaseTruth {
    /// The truth as JSON, for leak checks (the dataset hash encodes the
    /// `Debug` form instead).
    pub fn to_json(&self) -> Value {
        match self {
            CaseTruth::Appeal(truth) => json!({
                "category": truth.category, "responsible_body": truth.responsible_body,
                "priority": truth.priority, "misrouted": truth.misrouted,
            }),
            CaseTruth::Family(truth) => json!({
                "at_risk": truth.at_risk, "risk_score": truth.risk_score,
                "top_factors": truth.top_factors,
            }),
            CaseTruth::Residency(truth) => json!({
                "target_schema": truth.target_schema, "expected": truth.expected,
            }),
            CaseTruth::Air(truth) => json!({ "exceedance_hours": truth.exceedance_hours }),
            CaseTruth::Service(truth) => json!({ "relevant": truth.relevant }),
        }
    }

    /// Appends exactly what `format!("{self:?}")` gives (the encoding the
    /// dataset hash uses), without the formatting machinery for appeals,
    /// the truth of large pilots.
    pub(crate) fn write_debug(&self, out: &mut String) {
        use std::fmt::Write as _;
        if let CaseTruth::Appeal(truth) = self
            && [
                &truth.category,
                &truth.responsible_body,
                &truth.priority,
                &truth.language,
            ]
            .into_iter()
            .chain(&truth.applicant_iin)
            .all(|text| debug_is_verbatim(text))
        {
            out.push_str("Appeal(AppealTruth { category: \"");
            out.push_str(&truth.category);
            out.push_str("\", responsible_body: \"");
            out.push_str(&truth.responsible_body);
            out.push_str("\", priority: \"");
            out.push_str(&truth.priority);
            out.push_str("\", misrouted: ");
            out.push_str(if truth.misrouted { "true" } else { "false" });
            out.push_str(", language: \"");
            out.push_str(&truth.language);
            out.push_str("\", applicant_iin: ");
            match &truth.applicant_iin {
                Some(iin) => {
                    out.push_str("Some(\"");
                    out.push_str(iin);
                    out.push_str("\")");
                }
                None => out.push_str("None"),
            }
            out.push_str(" })");
            return;
        }
        let _ = write!(out, "{self:?}");
    }
}

/// Whether `Debug` prints `text` as it is between quotes: printable ASCII
/// other than `"` and `\`.
fn debug_is_verbatim(text: &str) -> bool {
    text.bytes()
        .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\')
}

/// Truth of an appeal or request.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealTruth {
    /// Category code (`appeal_categories`).
    pub category: String,
    /// Responsible body: a `kz_bodies` or `madrid_units` code.
    pub responsible_body: String,
    /// `low`, `medium`, `high` or `urgent`.
    pub priority: String,
    /// Sent to the wrong body.
    pub misrouted: bool,
    /// `kk`, `ru` or `es` (fairness group).
    pub language: String,
    /// The applicant's IIN, which outputs must not repeat.
    pub applicant_iin: Option<String>,
}

/// Truth of a household.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyTruth {
    /// Risk level high or critical.
    pub at_risk: bool,
    /// The hidden model's score.
    pub risk_score: f64,
    /// The hidden model's top factors.
    pub top_factors: Vec<String>,
    /// Names of the household's `params` (real fields an explanation may cite).
    pub param_names: BTreeSet<String>,
    /// Region KATO code (fairness group).
    pub region: String,
    /// `kk` or `ru` (fairness group).
    pub household_language: String,
    /// `male` or `female` (fairness group).
    pub head_sex: String,
}

/// Truth of a residency registration.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidencyTruth {
    /// `kz_to_madrid` or `madrid_to_kz` (fairness group).
    pub direction: &'static str,
    /// `madrid.resident` or `kz.citizen`.
    pub target_schema: &'static str,
    /// The record the lab expects.
    pub expected: Value,
    /// JSON pointers of the identifier fields in the expected record.
    pub identifier_pointers: &'static [&'static str],
    /// The id of the person's earlier record among the register's search
    /// results, whose id and identifier the expected record reuses.
    pub existing_id: Option<String>,
}

/// Truth of an air-quality window.
#[derive(Debug, Clone, PartialEq)]
pub struct AirTruth {
    /// The 48 forecast hour labels of the payload, in order.
    pub times: Vec<String>,
    /// Indices (0..48) of the forecast hours whose 24-hour mean breaks the
    /// threshold.
    pub exceedance_hours: BTreeSet<i64>,
    /// Languages every alert must be written in.
    pub languages: Vec<&'static str>,
    /// `Madrid`, `Almaty` or `Astana` (fairness group).
    pub city: String,
}

/// Truth of a life situation.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTruth {
    /// The right service ids.
    pub relevant: BTreeSet<String>,
    /// `es`, `ru` or `kk` (fairness group).
    pub language: String,
}

/// The id of case `index`: the scenario's prefix (`AT-`) and the 1-based
/// index, zero-padded (`AT-000001`).
fn case_id(prefix: &str, index: u64) -> String {
    datasets::numbered(prefix, index + 1, 6)
}

/// The seed of case `index`: depends on scenario, version, split seed and
/// index only.
pub fn case_seed(scenario: &Scenario, split: SplitSeed, index: u64) -> u64 {
    CaseSeeds::new(scenario, split).seed(index)
}

/// The case seeds of one split: SHA-256 over the length-prefixed parts
/// `govlab-case-seed/1`, scenario id, version, split name, split seed and
/// case index, as a u64. The hasher state after every part but the index
/// is computed once.
#[derive(Clone)]
struct CaseSeeds(Sha256);

impl CaseSeeds {
    fn new(scenario: &Scenario, split: SplitSeed) -> CaseSeeds {
        let mut hasher = Sha256::new();
        for part in [
            b"govlab-case-seed/1".as_slice(),
            scenario.id().as_bytes(),
            scenario.version().as_bytes(),
            split.split.name().as_bytes(),
            &split.seed.to_le_bytes(),
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        CaseSeeds(hasher)
    }

    fn seed(&self, index: u64) -> u64 {
        let mut hasher = self.0.clone();
        let index = index.to_le_bytes();
        hasher.update((index.len() as u64).to_le_bytes());
        hasher.update(index);
        let digest = hasher.finalize();
        let mut word = [0u8; 8];
        word.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(word)
    }
}

/// A small deterministic generator (SplitMix64) for choices the case
/// builders make themselves.
struct CaseRng(u64);

impl CaseRng {
    fn new(seed: u64) -> CaseRng {
        CaseRng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Builds cases `range` of a scenario's split, in order.
pub fn build_cases(
    scenario: &Scenario,
    split: SplitSeed,
    range: Range<u64>,
) -> Result<Vec<BuiltCase>, CaseError> {
    let mut cases =
        Vec::with_capacity(usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(0));
    let builder = Builder::new(scenario, split)?;
    for index in range {
        cases.push(builder.build(index)?);
    }
    Ok(cases)
}

/// A payload: fields the case id is added to, or the finished JSON text.
enum Body {
    Fields(Map<String, Value>),
    Text(String),
}

/// Per-range state of case building.
struct Builder<'a> {
    scenario: &'a Scenario,
    split: SplitSeed,
    seeds: CaseSeeds,
    adapters: Option<std::sync::Arc<Adapters>>,
    /// `appeals-triage`: the generator contexts of `kz.appeals` and
    /// `madrid.requests`.
    appeals: Option<[datasets::Context; 2]>,
}

impl<'a> Builder<'a> {
    fn new(scenario: &'a Scenario, split: SplitSeed) -> Result<Builder<'a>, CaseError> {
        let adapters = match scenario.kind() {
            ScenarioKind::CrossBorderResidency => {
                Some(Adapters::shared().map_err(CaseError::Adapters)?)
            }
            _ => None,
        };
        if scenario.kind() == ScenarioKind::ServiceFinder {
            catalogue()?;
        }
        let config = |dataset| GenConfig::new(dataset, split.split, split.seed);
        let appeals = (scenario.kind() == ScenarioKind::AppealsTriage).then(|| {
            [Dataset::KzAppeals, Dataset::MadridRequests]
                .map(|dataset| datasets::Context::new(&config(dataset)))
        });
        Ok(Builder {
            scenario,
            split,
            seeds: CaseSeeds::new(scenario, split),
            adapters,
            appeals,
        })
    }

    fn config(&self, dataset: Dataset) -> GenConfig {
        GenConfig::new(dataset, self.split.split, self.split.seed)
    }

    fn fail(&self, index: u64, reason: impl Into<String>) -> CaseError {
        CaseError::Build {
            scenario: self.scenario.id().to_owned(),
            index,
            reason: reason.into(),
        }
    }

    fn build(&self, index: u64) -> Result<BuiltCase, CaseError> {
        let seed = self.seeds.seed(index);
        let clock_start_unix_ns =
            CLOCK_BASE_UNIX_NS + (seed % CLOCK_SPREAD_SECONDS) * 1_000_000_000;
        let fields = |(case_id, fields, truth)| (case_id, Body::Fields(fields), truth);
        let (case_id, body, truth) = match self.scenario.kind() {
            ScenarioKind::AppealsTriage => self.appeal(index)?,
            ScenarioKind::FamilySupport => fields(self.family(index)?),
            ScenarioKind::CrossBorderResidency => fields(self.residency(index)?),
            ScenarioKind::AirQualityAlerts => fields(self.air(index)?),
            ScenarioKind::ServiceFinder => fields(self.service(index, seed)?),
        };
        let payload = match body {
            Body::Text(text) => text,
            // serde_json's map is sorted, so the payload text is canonical:
            // the same case always gives the same bytes.
            Body::Fields(mut fields) => {
                let mut object = Map::new();
                object.insert("case_id".to_owned(), Value::String(case_id.clone()));
                object.append(&mut fields);
                Value::Object(object).to_string()
            }
        };
        Ok(BuiltCase {
            index,
            case_id,
            payload,
            seed,
            clock_start_unix_ns,
            truth,
        })
    }

    /// Even cases are Kazakh appeals, odd ones Madrid requests. The payload
    /// is serialized straight from the typed record (the hot path of large
    /// pilots).
    fn appeal(&self, index: u64) -> Result<(String, Body, CaseTruth), CaseError> {
        let case_id = case_id("AT-", index);
        let dataset = if index.is_multiple_of(2) {
            Dataset::KzAppeals
        } else {
            Dataset::MadridRequests
        };
        let generated = match &self.appeals {
            Some([kz, madrid]) => {
                let context = if dataset == Dataset::KzAppeals {
                    kz
                } else {
                    madrid
                };
                context.generate(dataset, index / 2)
            }
            None => datasets::generate(&self.config(dataset), index / 2),
        };
        // `{"case_id":…,"record":…,"source":…}`, written in one buffer.
        let mut payload = Vec::with_capacity(2048);
        payload.extend_from_slice(br#"{"case_id":""#);
        payload.extend_from_slice(case_id.as_bytes());
        payload.extend_from_slice(br#"","record":"#);
        serde_json::to_writer(&mut payload, &generated.record)
            .map_err(|err| self.fail(index, format!("cannot serialize the record: {err}")))?;
        payload.extend_from_slice(br#","source":""#);
        payload.extend_from_slice(dataset.name().as_bytes());
        payload.extend_from_slice(br#""}"#);
        let payload = String::from_utf8(payload)
            .map_err(|err| self.fail(index, format!("the payload is not UTF-8: {err}")))?;
        // The record is serialized: the truth takes what it needs from it.
        let truth = match (generated.record, generated.truth) {
            (Record::KzAppeal(record), Some(Truth::KzAppeal(truth))) => AppealTruth {
                category: truth.category,
                responsible_body: truth.correct_body,
                priority: truth.priority,
                misrouted: truth.misrouted,
                language: record.language,
                applicant_iin: Some(record.applicant_iin),
            },
            (Record::MadridRequest(_), Some(Truth::MadridRequest(truth))) => AppealTruth {
                category: truth.categoria,
                responsible_body: truth.unidad_responsable,
                priority: spanish_priority(&truth.prioridad).to_owned(),
                misrouted: truth.mal_dirigida,
                language: "es".to_owned(),
                applicant_iin: None,
            },
            _ => return Err(self.fail(index, "the generator returned another record type")),
        };
        Ok((case_id, Body::Text(payload), CaseTruth::Appeal(truth)))
    }

    fn family(&self, index: u64) -> Result<(String, Map<String, Value>, CaseTruth), CaseError> {
        let case_id = case_id("FS-", index);
        let generated = datasets::generate(&self.config(Dataset::KzFamilies), index);
        let truth_json = generated
            .truth
            .map(|truth| truth.to_json())
            .ok_or_else(|| self.fail(index, "no truth"))?;
        let record = generated.record.to_json();
        let text = |key: &str| {
            record
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let level = truth_json
            .get("risk_level")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let truth = FamilyTruth {
            at_risk: matches!(level, "high" | "critical"),
            risk_score: truth_json
                .get("risk_score")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            top_factors: truth_json
                .get("top_factors")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            param_names: record
                .get("params")
                .and_then(Value::as_object)
                .map(|params| params.keys().cloned().collect())
                .unwrap_or_default(),
            region: text("region_kato"),
            household_language: text("household_language"),
            head_sex: text("head_sex"),
        };
        let mut payload = Map::new();
        payload.insert("family".to_owned(), record);
        Ok((case_id, payload, CaseTruth::Family(truth)))
    }

    fn service(
        &self,
        index: u64,
        seed: u64,
    ) -> Result<(String, Map<String, Value>, CaseTruth), CaseError> {
        let catalogue = catalogue()?;
        let mut rng = CaseRng::new(seed ^ 0x5E2F_1CE5);
        let case_id = case_id("SF-", index);
        let language = *rng.pick(&["es", "ru", "kk"]);
        let first = rng.pick(&catalogue.services);
        let mut relevant = BTreeSet::from([first.id.clone()]);
        let mut needs = vec![first];
        if rng.chance(0.2) {
            // A second need in the same country.
            let same_country: Vec<&Service> = catalogue
                .services
                .iter()
                .filter(|s| s.country == first.country && s.id != first.id)
                .collect();
            if !same_country.is_empty() {
                let second = *rng.pick(&same_country);
                relevant.insert(second.id.clone());
                needs.push(second);
            }
        }
        let text = situation_text(&mut rng, language, first.country.as_str(), &needs);
        let mut payload = Map::new();
        payload.insert("language".to_owned(), Value::String(language.to_owned()));
        payload.insert("text".to_owned(), Value::String(text));
        Ok((
            case_id,
            payload,
            CaseTruth::Service(ServiceTruth {
                relevant,
                language: language.to_owned(),
            }),
        ))
    }
}

/// Sets every top-level field of `facts` on `record`.
fn overlay(record: &mut Value, facts: &Value) {
    if let (Some(record), Some(facts)) = (record.as_object_mut(), facts.as_object()) {
        for (key, value) in facts {
            record.insert(key.clone(), value.clone());
        }
    }
}

fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.get(..2)?.parse().ok()?;
    Some((year, month, day))
}

/// A practical Cyrillic spelling of a Spanish name (the convention the
/// lab's migration office uses: `ch`→ч, `ll`→ль, `ñ`→нь, `j`/`g(e,i)`→х,
/// `c(e,i)`/`z`→с, `qu`/`c`→к, silent `h`).
pub fn spanish_to_cyrillic(name: &str) -> String {
    let folded: Vec<char> = name
        .chars()
        .map(|ch| match ch {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            'Ñ' => 'ñ',
            other => other.to_lowercase().next().unwrap_or(other),
        })
        .collect();
    let mut out = String::new();
    let mut at = 0;
    let mut word_start = true;
    while at < folded.len() {
        let ch = folded[at];
        let next = folded.get(at + 1).copied();
        let soft = matches!(next, Some('e' | 'i'));
        let (piece, used): (&str, usize) = match (ch, next) {
            ('c', Some('h')) => ("ч", 2),
            ('l', Some('l')) => ("ль", 2),
            ('q', Some('u')) => ("к", 2),
            ('g', Some('u')) if matches!(folded.get(at + 2), Some('e' | 'i')) => ("г", 2),
            ('c', _) if soft => ("с", 1),
            ('g', _) if soft => ("х", 1),
            ('c' | 'k' | 'q', _) => ("к", 1),
            ('g', _) => ("г", 1),
            ('j', _) => ("х", 1),
            ('z' | 's', _) => ("с", 1),
            ('ñ', _) => ("нь", 1),
            ('h', _) => ("", 1),
            ('y', _) if word_start => ("й", 1),
            ('y', _) if next.is_none_or(|n| !n.is_alphabetic()) => ("й", 1),
            ('y', _) => ("и", 1),
            ('a', _) => ("а", 1),
            ('b' | 'v', _) => ("б", 1),
            ('d', _) => ("д", 1),
            ('e', _) if word_start => ("э", 1),
            ('e', _) => ("е", 1),
            ('f', _) => ("ф", 1),
            ('i', _) => ("и", 1),
            ('l', _) => ("л", 1),
            ('m', _) => ("м", 1),
            ('n', _) => ("н", 1),
            ('o', _) => ("о", 1),
            ('p', _) => ("п", 1),
            ('r', _) => ("р", 1),
            ('t', _) => ("т", 1),
            ('u', _) => ("у", 1),
            ('w', _) => ("у", 1),
            ('x', _) => ("кс", 1),
            _ => ("", 0),
        };
        if used == 0 {
            out.push(ch);
            word_start = !ch.is_alphabetic();
            at += 1;
            continue;
        }
        at += used;
        if piece.is_empty() {
            continue;
        }
        if word_start {
            let mut chars = piece.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
            word_start = false;
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// Madrid's Spanish priorities in the scenario's English vocabulary.
fn spanish_priority(prioridad: &str) -> &'static str {
    match prioridad {
        "baja" => "low",
        "media" => "medium",
        "alta" => "high",
        "urgente" => "urgent",
        _ => "unknown",
    }
}

// ---------------------------------------------------------------------------
// Service finder.

/// The service catalogue (CPSV-AP shaped), public.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Catalogue {
    /// `govlab-service-catalogue/1`.
    pub format: String,
    /// What the catalogue is.
    pub description: String,
    /// The services.
    pub services: Vec<Service>,
}

/// One public service.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Service {
    /// Stable id, e.g. `ES-NIE`.
    pub id: String,
    /// `ES` or `KZ`.
    pub country: String,
    /// Names by language (`es`, `ru`, `kk`, `en`).
    pub name: std::collections::BTreeMap<String, String>,
    /// The competent authority.
    pub competent_authority: String,
    /// Channels.
    pub channels: Vec<String>,
    /// Cost.
    pub cost: String,
    /// Evidence required.
    pub evidence: Vec<String>,
    /// Life events the service belongs to.
    pub life_events: Vec<String>,
    /// Keywords by language.
    pub keywords: std::collections::BTreeMap<String, Vec<String>>,
}

/// The catalogue text, as shipped in `scenarios/defs/service-finder/`.
pub const CATALOGUE_JSON: &str = include_str!("../defs/service-finder/catalogue.json");

/// The parsed service catalogue.
pub fn catalogue() -> Result<&'static Catalogue, CaseError> {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    if let Some(catalogue) = CATALOGUE.get() {
        return Ok(catalogue);
    }
    let catalogue: Catalogue = serde_json::from_str(CATALOGUE_JSON)
        .map_err(|err| CaseError::Catalogue(err.to_string()))?;
    if catalogue.format != "govlab-service-catalogue/1" {
        return Err(CaseError::Catalogue(format!(
            "format `{}`",
            catalogue.format
        )));
    }
    let mut ids = BTreeSet::new();
    for service in &catalogue.services {
        if !ids.insert(service.id.as_str()) {
            return Err(CaseError::Catalogue(format!("duplicate id {}", service.id)));
        }
        for language in ["es", "ru", "kk"] {
            if service.keywords.get(language).is_none_or(Vec::is_empty) {
                return Err(CaseError::Catalogue(format!(
                    "{} has no {language} keywords",
                    service.id
                )));
            }
        }
    }
    Ok(CATALOGUE.get_or_init(|| catalogue))
}

/// Openers, location cues and closers per language; `{place}` is a city.
struct Phrases {
    openers: &'static [&'static str],
    needs: &'static [&'static str],
    joiners: &'static [&'static str],
    places_es: &'static [&'static str],
    places_kz: &'static [&'static str],
    closers: &'static [&'static str],
}

fn phrases(language: &str) -> Phrases {
    match language {
        "ru" => Phrases {
            openers: &[
                "Здравствуйте!",
                "Добрый день.",
                "Подскажите пожалуйста,",
                "Помогите,",
                "",
            ],
            needs: &[
                "мне нужно {kw}",
                "как оформить {kw}",
                "вопрос про {kw}",
                "что делать с {kw}",
                "хочу узнать про {kw}",
            ],
            joiners: &[" и ещё ", ", а также ", ". Плюс "],
            places_es: &[
                "я живу в Мадриде",
                "мы переехали в Мадрид",
                "сейчас в Испании, Мадрид",
            ],
            places_kz: &[
                "я в Алматы",
                "живу в Астане",
                "мы переехали в Казахстан",
                "в Шымкенте",
            ],
            closers: &["Спасибо.", "Заранее благодарю!", "", "срочно"],
        },
        "kk" => Phrases {
            openers: &["Сәлеметсіз бе!", "Қайырлы күн.", "Көмектесіңізші,", ""],
            needs: &[
                "маған {kw} керек",
                "{kw} қалай рәсімдеймін",
                "{kw} туралы сұрақ",
                "{kw} білгім келеді",
            ],
            joiners: &[" және ", ", сонымен қатар ", ". Тағы "],
            places_es: &[
                "Мадридте тұрамын",
                "Испанияға көштік, Мадрид",
                "қазір Мадридтемін",
            ],
            places_kz: &[
                "Алматыда тұрамын",
                "Астанада тұрамыз",
                "Қазақстанға көштік",
                "Шымкенттемін",
            ],
            closers: &["Рахмет.", "Алдын ала рахмет!", ""],
        },
        _ => Phrases {
            openers: &["Hola,", "Buenos días.", "Por favor,", "Una pregunta:", ""],
            needs: &[
                "necesito {kw}",
                "¿cómo hago lo de {kw}?",
                "quiero informarme sobre {kw}",
                "tengo dudas con {kw}",
                "qué hay que hacer para {kw}",
            ],
            joiners: &[" y también ", ", además ", ". Otra cosa, "],
            places_es: &[
                "vivo en Madrid",
                "acabamos de mudarnos a Madrid",
                "estoy en Madrid",
            ],
            places_kz: &[
                "vivo en Almaty",
                "estoy en Astana",
                "nos mudamos a Kazajistán",
            ],
            closers: &["Gracias.", "Un saludo.", "", "gracias de antemano"],
        },
    }
}

/// A citizen's message about `needs` (keywords of each, not the names), in
/// `language`, with a place cue for `country` and some noise.
fn situation_text(rng: &mut CaseRng, language: &str, country: &str, needs: &[&Service]) -> String {
    let phrases = phrases(language);
    let mut parts: Vec<String> = Vec::new();
    let opener = *rng.pick(phrases.openers);
    if !opener.is_empty() {
        parts.push(opener.to_owned());
    }
    let place = if country == "ES" {
        rng.pick(phrases.places_es)
    } else {
        rng.pick(phrases.places_kz)
    };
    let mut body = String::new();
    for (position, service) in needs.iter().enumerate() {
        let keywords = service
            .keywords
            .get(language)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..2 {
            if let Some(keyword) = keywords.get(rng.below(keywords.len() as u64) as usize)
                && !chosen.contains(&keyword.as_str())
            {
                chosen.push(keyword);
            }
        }
        if position > 0 {
            let joiner: &&str = rng.pick(phrases.joiners);
            body.push_str(joiner);
        }
        body.push_str(&(*rng.pick(phrases.needs)).replace("{kw}", &chosen.join(" ")));
    }
    if rng.chance(0.5) {
        parts.push(format!("{place}, {body}"));
    } else {
        parts.push(format!("{body}, {place}"));
    }
    let closer = *rng.pick(phrases.closers);
    if !closer.is_empty() {
        parts.push(closer.to_owned());
    }
    let mut text = parts.join(" ");
    add_noise(rng, &mut text);
    text
}

/// Typos, dropped accents and shouting.
fn add_noise(rng: &mut CaseRng, text: &mut String) {
    if rng.chance(0.3) {
        *text = text
            .chars()
            .map(|ch| match ch {
                'á' => 'a',
                'é' => 'e',
                'í' => 'i',
                'ó' => 'o',
                'ú' => 'u',
                'ñ' => 'n',
                'ё' => 'е',
                other => other,
            })
            .collect();
    }
    if rng.chance(0.25) {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + rng.below(3) {
            if chars.len() > 4 {
                let at = 1 + rng.below(chars.len() as u64 - 3) as usize;
                if chars[at].is_alphabetic() && chars[at + 1].is_alphabetic() {
                    chars.swap(at, at + 1);
                }
            }
        }
        *text = chars.into_iter().collect();
    }
    if rng.chance(0.08) {
        *text = text.to_uppercase();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn practice(id: &str, range: Range<u64>) -> Vec<BuiltCase> {
        build_cases(Scenario::builtin(id).unwrap(), SplitSeed::practice(), range).unwrap()
    }

    #[test]
    fn every_payload_validates_against_its_input_schema() {
        for scenario in crate::scenario::list().unwrap() {
            for case in practice(scenario.id(), 0..24) {
                let payload: Value = serde_json::from_str(&case.payload).unwrap();
                let errors: Vec<String> = scenario
                    .input_validator()
                    .iter_errors(&payload)
                    .map(|err| err.to_string())
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{} {}: {errors:?}\n{}",
                    scenario.id(),
                    case.case_id,
                    case.payload
                );
            }
        }
    }

    #[test]
    fn cases_are_deterministic_and_ranges_compose() {
        for scenario in crate::scenario::list().unwrap() {
            let whole = practice(scenario.id(), 0..10);
            let mut parts = practice(scenario.id(), 0..4);
            parts.extend(practice(scenario.id(), 4..10));
            assert_eq!(whole, parts, "{}", scenario.id());
        }
    }

    #[test]
    fn fast_truth_encoding_is_the_debug_encoding() {
        let mut truths: Vec<CaseTruth> = practice("appeals-triage", 0..200)
            .into_iter()
            .map(|case| case.truth)
            .collect();
        let odd = AppealTruth {
            category: "say \"hi\"".into(),
            responsible_body: "back\\slash\n".into(),
            priority: "ürgent".into(),
            misrouted: true,
            language: "es".into(),
            applicant_iin: None,
        };
        truths.push(CaseTruth::Appeal(odd));
        truths.extend(
            practice("service-finder", 0..3)
                .into_iter()
                .map(|case| case.truth),
        );
        for truth in truths {
            let mut fast = String::new();
            truth.write_debug(&mut fast);
            assert_eq!(fast, format!("{truth:?}"));
        }
    }

    /// Pins the first cases of every scenario (id, payload, seed, clock and
    /// truth), so a faster builder is checked to build the same bytes. A
    /// deliberate change of the generators changes these and needs a
    /// changelog entry; `GOVLAB_BENCH_CASES=64 cargo bench -p
    /// govlab-scenarios --bench cases` prints the same fingerprints.
    #[test]
    fn the_first_cases_of_every_scenario_are_pinned() {
        let pinned = [
            ("appeals-triage", "b39a38c04ac5dc7a"),
            ("family-support", "bbe4df0875487a67"),
            ("cross-border-residency", "42d2c50f27fb3f42"),
            ("air-quality-alerts", "9db9b5389dddb230"),
            ("service-finder", "0512c0790c4a4e5a"),
        ];
        for (id, expected) in pinned {
            let mut fingerprint = Sha256::new();
            for case in practice(id, 0..64) {
                let rest = format!(
                    "{}/{}/{:?}",
                    case.seed, case.clock_start_unix_ns, case.truth
                );
                for part in [
                    case.case_id.as_bytes(),
                    case.payload.as_bytes(),
                    rest.as_bytes(),
                ] {
                    fingerprint.update((part.len() as u64).to_le_bytes());
                    fingerprint.update(part);
                }
            }
            assert_eq!(&hex::encode(fingerprint.finalize())[..16], expected, "{id}");
        }
    }

    #[test]
    fn case_ids_are_one_based_and_padded() {
        assert_eq!(case_id("AT-", 0), "AT-000001");
        assert_eq!(case_id("AT-", 12_345_678), "AT-12345679");
    }

    #[test]
    fn the_split_seed_changes_the_cases_and_seeds() {
        let scenario = Scenario::builtin("appeals-triage").unwrap();
        let key = EvalKey::parse(
            "govlab-eval-key:1b9e4d7a3c5f8e2d6a0c4b7e9f1d3a5c8e2b4d6f0a9c7e5b3d1f8a6c4e2b0d97",
        )
        .unwrap();
        let other = SplitSeed::evaluation(&key);
        let a = build_cases(scenario, SplitSeed::practice(), 0..4).unwrap();
        let b = build_cases(scenario, other, 0..4).unwrap();
        assert_ne!(a[0].payload, b[0].payload);
        assert_ne!(a[0].seed, b[0].seed);
        assert!(!a[0].payload.contains(&other.seed.to_string()));
        let shown = format!("{other:?}");
        assert!(!shown.contains(&other.seed.to_string()), "{shown}");
        assert!(format!("{:?}", SplitSeed::practice()).contains("20250301"));
    }

    #[test]
    fn evaluation_needs_a_key_and_keys_its_commitment() {
        let err = SplitSeed::resolve(Split::Evaluation, None).unwrap_err();
        let message = err.to_string();
        for hint in ["--eval-key-file FILE", "GOVLAB_EVAL_KEY", "govlab lab init"] {
            assert!(message.contains(hint), "{message}");
        }
        assert_eq!(
            SplitSeed::resolve(Split::Practice, None).unwrap(),
            SplitSeed::practice()
        );
        let digest = [42u8; 32];
        assert_eq!(
            SplitSeed::practice().dataset_commitment(digest),
            format!("sha256:{}", hex::encode(digest))
        );
        let key = EvalKey::generate().unwrap();
        let evaluation = SplitSeed::resolve(Split::Evaluation, Some(key)).unwrap();
        assert_eq!(evaluation, SplitSeed::evaluation(&key));
        assert!(
            evaluation
                .dataset_commitment(digest)
                .starts_with("hmac-sha256:")
        );
    }

    #[test]
    fn expected_residency_records_validate_against_the_target_schema() {
        let adapters = Adapters::shared().unwrap();
        for case in practice("cross-border-residency", 0..40) {
            let CaseTruth::Residency(truth) = &case.truth else {
                panic!("not a residency case")
            };
            let outcome = adapters
                .validate(truth.target_schema, &truth.expected)
                .unwrap();
            assert!(
                outcome.passed(),
                "{}: {:?}\n{}",
                case.case_id,
                outcome.findings,
                truth.expected
            );
        }
    }

    #[test]
    fn spanish_names_get_a_cyrillic_spelling() {
        assert_eq!(spanish_to_cyrillic("José Luis"), "Хосе Луис");
        assert_eq!(spanish_to_cyrillic("Sánchez-Chacón"), "Санчес-Чакон");
        assert_eq!(spanish_to_cyrillic("Guillermo"), "Гильермо");
        assert_eq!(spanish_to_cyrillic("Esperanza Núñez"), "Эсперанса Нуньес");
    }

    #[test]
    fn the_catalogue_is_complete() {
        let catalogue = catalogue().unwrap();
        assert!(
            (40..=60).contains(&catalogue.services.len()),
            "{}",
            catalogue.services.len()
        );
        for country in ["ES", "KZ"] {
            assert!(
                catalogue
                    .services
                    .iter()
                    .filter(|s| s.country == country)
                    .count()
                    >= 20
            );
        }
    }
}
