//! Deterministic synthetic Madrid and Kazakh government datasets.
//!
//! Each [`Dataset`] produces input records (what an agent may see) and, for
//! labelled datasets, separate truth records keyed by the same `id`. The
//! field-level contract is `docs/records.md`; every record validates against
//! the JSON Schema returned by [`Dataset::schema`].
//!
//! Determinism: record `i` of a dataset depends only on `(seed, split,
//! dataset, i)` — it is drawn from its own ChaCha8 stream — so any range
//! can be generated on its own, in parallel, on any machine, and the bytes
//! are the same. Datasets that reference citizens (appeals, families) point
//! at records `0..population` of `kz.citizens` with the same seed and split.
//!
//! ```
//! use govlab_scenarios::datasets::{Dataset, GenConfig, Split, PRACTICE_SEED};
//!
//! let config = GenConfig::new(Dataset::KzCitizens, Split::Practice, PRACTICE_SEED);
//! let first = govlab_scenarios::datasets::records(&config, 0..2).next();
//! assert!(first.is_some_and(|generated| generated.record.id().starts_with("KZ-")));
//! ```

pub(crate) mod air_weather;
mod appeal_text;
mod codelists;
mod id_alloc;
pub mod ids;
mod kz_air;
mod kz_appeals;
mod kz_citizens;
mod kz_families;
mod madrid_air;
mod madrid_requests;
mod madrid_residents;
pub(crate) mod names;
mod names_es;
mod names_kz;
mod permute;
mod record;
mod rng;
mod text;
mod time;
mod translit;
mod write;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

pub use kz_air::KzAirReading;
pub use kz_appeals::{KzAppeal, KzAppealTruth};
pub use kz_citizens::{KzAddress, KzCitizen, KzDocument};
pub use kz_families::{FamilyMember, KzFamily, KzFamilyTruth, ParamValue};
pub use madrid_air::{HourValue, MadridAirDay};
pub use madrid_requests::{MadridRequest, MadridRequestTruth};
pub use madrid_residents::{Domicilio, MadridResident};
pub use record::{Generated, Record, Truth};
pub use translit::kazakh_to_latin;
pub use write::{Format, WriteConfig, WriteStats, write};

use rng::StreamKey;
pub(crate) use text::numbered;

/// The public seed of the practice split (its ground truth is shipped).
pub const PRACTICE_SEED: u64 = 20_250_301;

/// How many `kz.citizens` records linked datasets draw applicants and
/// household heads from, unless configured otherwise.
pub const DEFAULT_POPULATION: u64 = 10_000;

/// Errors of dataset generation and writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The dataset name is not known.
    #[error("unknown dataset `{name}`{}; run `govlab data list` to see all", suggestion_text(.suggestion))]
    UnknownDataset {
        /// The name given.
        name: String,
        /// The closest known name, if any is close.
        suggestion: Option<&'static str>,
    },
    /// The split name is not known.
    #[error("unknown split `{0}`: use `practice` or `evaluation`")]
    UnknownSplit(String),
    /// The evaluation split was asked for without the lab's key.
    #[error(
        "the evaluation split needs the lab's evaluation key: pass --eval-key-file FILE or set GOVLAB_EVAL_KEY (lab staff make the key once with `govlab lab init --out FILE`)"
    )]
    MissingEvaluationKey,
    /// A seed string is not a non-negative integer.
    #[error("seed `{0}` is not a non-negative integer below 2^64")]
    BadSeed(String),
    /// The dataset cannot be written in the requested format.
    #[error("{dataset} has no {format} layout: use jsonl")]
    UnsupportedFormat {
        /// The dataset.
        dataset: Dataset,
        /// The requested format.
        format: Format,
    },
    /// Serialising a record failed.
    #[error("cannot serialise a {dataset} record")]
    Serialize {
        /// The dataset.
        dataset: Dataset,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// Writing the output failed.
    #[error("cannot write {what}")]
    Io {
        /// Which output ("records" or "truth").
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn suggestion_text(suggestion: &Option<&'static str>) -> String {
    suggestion.map_or_else(String::new, |name| format!(" (did you mean `{name}`?)"))
}

/// A synthetic dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// `madrid.residents`: padrón-style persons.
    MadridResidents,
    /// `madrid.requests`: Sugerencias y Reclamaciones and Avisos.
    MadridRequests,
    /// `madrid.air`: hourly air quality, one row per station, magnitude, day.
    MadridAir,
    /// `kz.citizens`: persons with IIN, names in three scripts, KATO address.
    KzCitizens,
    /// `kz.appeals`: e-Otinish-style citizen appeals.
    KzAppeals,
    /// `kz.families`: Digital Family Card households.
    KzFamilies,
    /// `kz.air`: hourly readings for Almaty and Astana stations.
    KzAir,
}

impl Dataset {
    /// All datasets, in listing order.
    pub const ALL: [Dataset; 7] = [
        Dataset::MadridResidents,
        Dataset::MadridRequests,
        Dataset::MadridAir,
        Dataset::KzCitizens,
        Dataset::KzAppeals,
        Dataset::KzFamilies,
        Dataset::KzAir,
    ];

    /// The dotted name (`kz.citizens`).
    pub fn name(self) -> &'static str {
        match self {
            Dataset::MadridResidents => "madrid.residents",
            Dataset::MadridRequests => "madrid.requests",
            Dataset::MadridAir => "madrid.air",
            Dataset::KzCitizens => "kz.citizens",
            Dataset::KzAppeals => "kz.appeals",
            Dataset::KzFamilies => "kz.families",
            Dataset::KzAir => "kz.air",
        }
    }

    /// A one-line description.
    pub fn description(self) -> &'static str {
        match self {
            Dataset::MadridResidents => {
                "padrón-style residents of Madrid: DNI/NIE, names, district and barrio address"
            }
            Dataset::MadridRequests => {
                "Sugerencias y Reclamaciones and Avisos with Spanish free text; truth: category, unit, priority"
            }
            Dataset::MadridAir => {
                "hourly air quality per station, magnitude and day in the datos.madrid.es layout"
            }
            Dataset::KzCitizens => {
                "Kazakh citizens and residents: IIN, Kazakh/Russian/Latin names, KATO address"
            }
            Dataset::KzAppeals => {
                "e-Otinish-style appeals in Kazakh or Russian with deadlines; truth: category, correct body"
            }
            Dataset::KzFamilies => {
                "Digital Family Card households with 100+ parameters; truth: risk level"
            }
            Dataset::KzAir => "hourly PM2.5, PM10, NO2, SO2 and CO readings in Almaty and Astana",
        }
    }

    /// True when the dataset has a truth file.
    pub fn has_truth(self) -> bool {
        matches!(
            self,
            Dataset::MadridRequests | Dataset::KzAppeals | Dataset::KzFamilies
        )
    }

    /// Output formats the dataset supports (JSONL always; the Madrid files
    /// also in their native `;`-separated CSV layout).
    pub fn formats(self) -> &'static [Format] {
        match self {
            Dataset::MadridResidents | Dataset::MadridRequests | Dataset::MadridAir => {
                &[Format::Jsonl, Format::Csv]
            }
            _ => &[Format::Jsonl],
        }
    }

    /// The JSON Schema (2020-12) of input records: the adapters' record
    /// schema (`adapters/schemas/records/`, one copy for generators and
    /// adapters), or for `kz.families`, which no adapter maps, its own.
    pub fn schema(self) -> &'static str {
        let adapter_schema = match self {
            Dataset::MadridResidents => "madrid.resident",
            Dataset::MadridRequests => "madrid.request",
            Dataset::MadridAir => "madrid.air",
            Dataset::KzCitizens => "kz.citizen",
            Dataset::KzAppeals => "kz.appeal",
            Dataset::KzAir => "kz.air",
            Dataset::KzFamilies => return include_str!("../../schemas/kz.families.schema.json"),
        };
        govlab_adapters::schema_text(adapter_schema).unwrap_or_default()
    }

    /// The JSON Schema (2020-12) of truth records, for labelled datasets.
    pub fn truth_schema(self) -> Option<&'static str> {
        match self {
            Dataset::MadridRequests => Some(include_str!(
                "../../schemas/madrid.requests.truth.schema.json"
            )),
            Dataset::KzAppeals => Some(include_str!("../../schemas/kz.appeals.truth.schema.json")),
            Dataset::KzFamilies => {
                Some(include_str!("../../schemas/kz.families.truth.schema.json"))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dataset {
    type Err = DatasetError;

    fn from_str(name: &str) -> Result<Dataset, DatasetError> {
        let wanted = name.trim().to_lowercase().replace(['_', '-'], ".");
        if let Some(dataset) = Dataset::ALL.into_iter().find(|d| d.name() == wanted) {
            return Ok(dataset);
        }
        let suggestion = Dataset::ALL
            .into_iter()
            .map(|dataset| (edit_distance(&wanted, dataset.name()), dataset.name()))
            .min()
            .filter(|&(distance, _)| distance <= 4.max(wanted.len() / 2))
            .map(|(_, name)| name);
        Err(DatasetError::UnknownDataset {
            name: name.to_owned(),
            suggestion,
        })
    }
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// A dataset split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// Public seed, ground truth shipped: for developing agents.
    Practice,
    /// Secret seed from the server configuration: for scoring.
    Evaluation,
}

impl Split {
    /// `practice` or `evaluation`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Practice => "practice",
            Split::Evaluation => "evaluation",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Split {
    type Err = DatasetError;

    fn from_str(name: &str) -> Result<Split, DatasetError> {
        match name.trim().to_lowercase().as_str() {
            "practice" => Ok(Split::Practice),
            "evaluation" | "eval" => Ok(Split::Evaluation),
            _ => Err(DatasetError::UnknownSplit(name.to_owned())),
        }
    }
}

/// Parses a seed (decimal, `_` separators allowed).
pub fn parse_seed(text: &str) -> Result<u64, DatasetError> {
    text.trim()
        .replace('_', "")
        .parse()
        .map_err(|_| DatasetError::BadSeed(text.to_owned()))
}

/// What to generate: dataset, split and seed, and the size of the citizen
/// population linked datasets refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenConfig {
    /// The dataset.
    pub dataset: Dataset,
    /// The split; part of the stream key, so the same seed gives different
    /// data in each split.
    pub split: Split,
    /// The seed.
    pub seed: u64,
    /// Applicants and household heads are `kz.citizens` records
    /// `0..population` (at least 1).
    pub population: u64,
}

impl GenConfig {
    /// A configuration with [`DEFAULT_POPULATION`].
    pub fn new(dataset: Dataset, split: Split, seed: u64) -> GenConfig {
        GenConfig {
            dataset,
            split,
            seed,
            population: DEFAULT_POPULATION,
        }
    }
}

/// Everything a generator needs besides the record index.
pub(crate) struct Context {
    pub(crate) key: StreamKey,
    pub(crate) citizens: StreamKey,
    pub(crate) population: u64,
}

impl Context {
    pub(crate) fn new(config: &GenConfig) -> Context {
        let split = config.split.name();
        Context {
            key: StreamKey::new(config.seed, split, config.dataset.name()),
            citizens: StreamKey::new(config.seed, split, Dataset::KzCitizens.name()),
            population: config.population.max(1),
        }
    }

    /// Record `index` of `dataset` (this context's dataset).
    pub(crate) fn generate(&self, dataset: Dataset, index: u64) -> Generated {
        match dataset {
            Dataset::MadridResidents => Generated {
                record: Record::MadridResident(madrid_residents::generate(self, index)),
                truth: None,
            },
            Dataset::MadridRequests => {
                let (record, truth) = madrid_requests::generate(self, index);
                Generated {
                    record: Record::MadridRequest(record),
                    truth: Some(Truth::MadridRequest(truth)),
                }
            }
            Dataset::MadridAir => Generated {
                record: Record::MadridAir(madrid_air::generate(self, index)),
                truth: None,
            },
            Dataset::KzCitizens => Generated {
                record: Record::KzCitizen(kz_citizens::generate(&self.key, index)),
                truth: None,
            },
            Dataset::KzAppeals => {
                let (record, truth) = kz_appeals::generate(self, index);
                Generated {
                    record: Record::KzAppeal(record),
                    truth: Some(Truth::KzAppeal(truth)),
                }
            }
            Dataset::KzFamilies => {
                let (record, truth) = kz_families::generate(self, index);
                Generated {
                    record: Record::KzFamily(record),
                    truth: Some(Truth::KzFamily(truth)),
                }
            }
            Dataset::KzAir => Generated {
                record: Record::KzAir(kz_air::generate(self, index)),
                truth: None,
            },
        }
    }
}

/// Record `index` of a dataset, with its truth record if labelled.
pub fn generate(config: &GenConfig, index: u64) -> Generated {
    Context::new(config).generate(config.dataset, index)
}

/// Iterates records of `range`, in order, lazily (constant memory).
pub fn records(config: &GenConfig, range: Range<u64>) -> Records {
    Records {
        context: Context::new(config),
        dataset: config.dataset,
        range,
    }
}

/// Iterator over generated records; see [`records`].
pub struct Records {
    context: Context,
    dataset: Dataset,
    range: Range<u64>,
}

impl Iterator for Records {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        let index = self.range.next()?;
        Some(self.context.generate(self.dataset, index))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for Records {
    fn next_back(&mut self) -> Option<Generated> {
        let index = self.range.next_back()?;
        Some(self.context.generate(self.dataset, index))
    }
}

#[cfg(test)]
mod tests;
