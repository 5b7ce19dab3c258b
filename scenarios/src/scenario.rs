//! Scenario definitions: the versioned `scenarios/defs/<id>/scenario.toml`
//! files with their input and output JSON Schemas, loaded and checked.
//!
//! A definition names the datasets and split sizes, the per-case sandbox
//! limits, the efficiency budgets, the metrics (each either scored or only
//! shown), the composite weights and the fairness groups. The five built-in
//! scenarios are compiled in ([`Scenario::builtin`], [`list`]); a definition
//! in another directory can be loaded with [`Scenario::from_dir`] as long as
//! its `id` is one of the five (the scoring of each is code, in
//! [`crate::evaluate`]).
//!
//! Loading checks everything a pilot relies on, so a run never fails half
//! way because of its definition: the format tag, a `MAJOR.MINOR.PATCH`
//! version, positive split sizes and limits, usable weights, metrics and
//! fairness groups that match what the scenario's evaluator computes, known
//! datasets, and schemas that compile.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use govlab_sandbox::{Limits, SandboxConfig};
use govlab_scoring::scorecard::{ScoringConfig, Weights};
use serde::Deserialize;
use serde_json::Value;

use crate::datasets::Dataset;

/// Format tag every scenario file carries.
pub const SCENARIO_FORMAT: &str = "govlab-scenario/1";

/// The five scenarios govlab knows how to build cases for and score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScenarioKind {
    /// `appeals-triage`.
    AppealsTriage,
    /// `family-support`.
    FamilySupport,
    /// `cross-border-residency`.
    CrossBorderResidency,
    /// `air-quality-alerts`.
    AirQualityAlerts,
    /// `service-finder`.
    ServiceFinder,
}

impl ScenarioKind {
    /// Every kind, in listing order.
    pub const ALL: [ScenarioKind; 5] = [
        ScenarioKind::AppealsTriage,
        ScenarioKind::FamilySupport,
        ScenarioKind::CrossBorderResidency,
        ScenarioKind::AirQualityAlerts,
        ScenarioKind::ServiceFinder,
    ];

    /// The scenario id, e.g. `appeals-triage`.
    pub fn id(self) -> &'static str {
        match self {
            ScenarioKind::AppealsTriage => "appeals-triage",
            ScenarioKind::FamilySupport => "family-support",
            ScenarioKind::CrossBorderResidency => "cross-border-residency",
            ScenarioKind::AirQualityAlerts => "air-quality-alerts",
            ScenarioKind::ServiceFinder => "service-finder",
        }
    }

    /// The kind of a scenario id.
    pub fn from_id(id: &str) -> Option<ScenarioKind> {
        ScenarioKind::ALL.into_iter().find(|kind| kind.id() == id)
    }
}

/// A scenario definition could not be loaded or is inconsistent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// No scenario has this id.
    #[error("unknown scenario `{id}`; known scenarios: {known} (run `govlab scenarios list`)")]
    Unknown {
        /// The id asked for.
        id: String,
        /// The known ids, comma-separated.
        known: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TOML does not parse or has unknown fields.
    #[error("{file}: not a valid scenario definition: {reason}")]
    Parse {
        /// The file.
        file: String,
        /// What the parser said.
        reason: String,
    },
    /// A schema file is not JSON or not a usable JSON Schema.
    #[error("{file}: not a usable JSON Schema: {reason}; fix the schema file")]
    Schema {
        /// The schema file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The definition parses but breaks a rule.
    #[error("{file}: {reason}")]
    Invalid {
        /// The file.
        file: String,
        /// The rule it breaks and how to fix it.
        reason: String,
    },
}

/// Split sizes, in cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSizes {
    /// Cases of the practice split (public seed).
    pub practice: u64,
    /// Cases of the evaluation split (secret seed).
    pub evaluation: u64,
    /// Fewest cases a pilot may run and still get a composite and a
    /// certificate: below it, intervals are too wide and small groups
    /// cannot be compared.
    pub minimum: u64,
}

/// Per-case sandbox limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseLimits {
    /// Fuel per case.
    pub fuel: u64,
    /// Wall-clock deadline per case, in milliseconds.
    pub timeout_ms: u64,
    /// Linear memory cap per case, in MiB.
    pub memory_mib: u64,
}

/// Efficiency budgets: fuel or memory at the budget scores zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// Fuel budget per case.
    pub fuel: u64,
    /// Memory budget per case, in MiB.
    pub memory_mib: u64,
}

/// The adapter path a scenario allows agents to use through `convert`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdapterPath {
    /// Schemas an agent may convert between, e.g. `kz.citizen` ↔ `madrid.resident`.
    pub schemas: Vec<String>,
    /// What the adapter is for in this scenario.
    pub note: String,
}

/// Whether a metric makes up the effectiveness score or is only shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A share in `[0, 1]` averaged into effectiveness.
    Score,
    /// Shown beside the score (e.g. a lead time in hours).
    Shown,
}

impl MetricKind {
    /// `score` or `shown`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Score => "score",
            MetricKind::Shown => "shown",
        }
    }
}

/// One metric of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    /// The name it has in the scorecard.
    pub name: String,
    /// Scored or shown.
    pub kind: MetricKind,
    /// What it measures.
    pub description: String,
}

/// Fairness groups of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FairnessDef {
    /// Protected attributes compared across their groups.
    pub groups: Vec<String>,
    /// Attributes changed one at a time in counterfactual twins of a sample
    /// of cases (see [`crate::counterfactual`]).
    #[serde(default)]
    pub counterfactual: Vec<String>,
}

/// The contents of a `scenario.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDef {
    /// Always [`SCENARIO_FORMAT`].
    pub format: String,
    /// The scenario id (one of [`ScenarioKind`]).
    pub id: String,
    /// `MAJOR.MINOR.PATCH`; part of every case seed and of the scorecard.
    pub version: String,
    /// A one-line title.
    pub title: String,
    /// What an agent must do, for its authors.
    pub description: String,
    /// Datasets the cases are built from.
    pub datasets: Vec<String>,
    /// Input schema file, relative to the definition.
    pub input_schema: String,
    /// Output schema file, relative to the definition.
    pub output_schema: String,
    /// Split sizes.
    pub splits: SplitSizes,
    /// Per-case limits.
    pub limits: CaseLimits,
    /// Efficiency budgets.
    pub budgets: Budgets,
    /// Composite weights.
    pub weights: Weights,
    /// Fairness groups.
    #[serde(default)]
    pub fairness: FairnessDef,
    /// The adapter path agents may use, if any.
    #[serde(default)]
    pub adapter: Option<AdapterPath>,
    /// Metrics, in display order.
    pub metrics: Vec<MetricDef>,
}

/// A loaded, checked scenario with its compiled schemas.
#[derive(Debug)]
pub struct Scenario {
    kind: ScenarioKind,
    def: ScenarioDef,
    input_schema: Value,
    output_schema: Value,
    input_validator: jsonschema::Validator,
    output_validator: jsonschema::Validator,
}

/// The files of one definition: `(file name, text)` for the TOML and the
/// two schemas.
struct DefFiles<'a> {
    dir: &'a str,
    toml: &'a str,
    input_schema: &'a str,
    output_schema: &'a str,
}

macro_rules! builtin_files {
    ($id:literal) => {
        DefFiles {
            dir: concat!("scenarios/defs/", $id),
            toml: include_str!(concat!("../defs/", $id, "/scenario.toml")),
            input_schema: include_str!(concat!("../defs/", $id, "/input.schema.json")),
            output_schema: include_str!(concat!("../defs/", $id, "/output.schema.json")),
        }
    };
}

fn builtin_files() -> [DefFiles<'static>; 5] {
    [
        builtin_files!("appeals-triage"),
        builtin_files!("family-support"),
        builtin_files!("cross-border-residency"),
        builtin_files!("air-quality-alerts"),
        builtin_files!("service-finder"),
    ]
}

/// Every built-in scenario, in listing order.
pub fn list() -> Result<&'static [Scenario], ScenarioError> {
    static BUILTIN: OnceLock<Vec<Scenario>> = OnceLock::new();
    if let Some(all) = BUILTIN.get() {
        return Ok(all);
    }
    let all = builtin_files()
        .iter()
        .map(Scenario::from_files)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BUILTIN.get_or_init(|| all))
}

impl Scenario {
    /// The built-in scenario `id`.
    pub fn builtin(id: &str) -> Result<&'static Scenario, ScenarioError> {
        let all = list()?;
        all.iter()
            .find(|scenario| scenario.id() == id)
            .ok_or_else(|| ScenarioError::Unknown {
                id: id.to_owned(),
                known: all.iter().map(Scenario::id).collect::<Vec<_>>().join(", "),
            })
    }

    /// Loads `dir/scenario.toml` and the schemas it names.
    pub fn from_dir(dir: &Path) -> Result<Scenario, ScenarioError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| ScenarioError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let toml_text = read("scenario.toml")?;
        let dir_name = dir.display().to_string();
        let def = parse_def(&format!("{dir_name}/scenario.toml"), &toml_text)?;
        let input_schema = read(&def.input_schema)?;
        let output_schema = read(&def.output_schema)?;
        Scenario::from_files(&DefFiles {
            dir: &dir_name,
            toml: &toml_text,
            input_schema: &input_schema,
            output_schema: &output_schema,
        })
    }

    fn from_files(files: &DefFiles<'_>) -> Result<Scenario, ScenarioError> {
        let toml_file = format!("{}/scenario.toml", files.dir);
        let def = parse_def(&toml_file, files.toml)?;
        let invalid = |reason: String| ScenarioError::Invalid {
            file: toml_file.clone(),
            reason,
        };
        if def.format != SCENARIO_FORMAT {
            return Err(invalid(format!(
                "format is `{}`, expected `{SCENARIO_FORMAT}`",
                def.format
            )));
        }
        let kind = ScenarioKind::from_id(&def.id).ok_or_else(|| {
            invalid(format!(
                "id `{}` is not a scenario govlab can score; use one of: {}",
                def.id,
                ScenarioKind::ALL.map(ScenarioKind::id).join(", ")
            ))
        })?;
        check_def(&def, kind).map_err(invalid)?;
        let input_file = format!("{}/{}", files.dir, def.input_schema);
        let output_file = format!("{}/{}", files.dir, def.output_schema);
        let (input_schema, input_validator) = compile_schema(&input_file, files.input_schema)?;
        let (output_schema, output_validator) = compile_schema(&output_file, files.output_schema)?;
        Ok(Scenario {
            kind,
            def,
            input_schema,
            output_schema,
            input_validator,
            output_validator,
        })
    }

    /// The scenario's kind.
    pub fn kind(&self) -> ScenarioKind {
        self.kind
    }

    /// The id, e.g. `appeals-triage`.
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// The version.
    pub fn version(&self) -> &str {
        &self.def.version
    }

    /// The whole definition.
    pub fn def(&self) -> &ScenarioDef {
        &self.def
    }

    /// The input JSON Schema (what every case payload validates against).
    pub fn input_schema(&self) -> &Value {
        &self.input_schema
    }

    /// The output JSON Schema (what every decision must validate against).
    pub fn output_schema(&self) -> &Value {
        &self.output_schema
    }

    /// The compiled input schema.
    pub fn input_validator(&self) -> &jsonschema::Validator {
        &self.input_validator
    }

    /// The compiled output schema.
    pub fn output_validator(&self) -> &jsonschema::Validator {
        &self.output_validator
    }

    /// Fewest cases a pilot needs for a composite and a certificate.
    pub fn minimum_cases(&self) -> u64 {
        self.def.splits.minimum
    }

    /// Cases of `split` in the definition.
    pub fn split_size(&self, split: crate::datasets::Split) -> u64 {
        match split {
            crate::datasets::Split::Practice => self.def.splits.practice,
            crate::datasets::Split::Evaluation => self.def.splits.evaluation,
        }
    }

    /// The sandbox limits of one case of this scenario.
    pub fn limits(&self) -> Limits {
        let limits = &self.def.limits;
        Limits {
            fuel: Some(limits.fuel),
            timeout: Duration::from_millis(limits.timeout_ms),
            max_memory_bytes: usize::try_from(limits.memory_mib << 20).unwrap_or(usize::MAX),
            ..Limits::default()
        }
    }

    /// A sandbox configuration with this scenario's limits.
    pub fn sandbox_config(&self) -> SandboxConfig {
        SandboxConfig {
            limits: self.limits(),
            ..SandboxConfig::default()
        }
    }

    /// How the scorecard is computed: weights and budgets.
    pub fn scoring_config(&self) -> ScoringConfig {
        ScoringConfig {
            weights: self.def.weights,
            fuel_budget: self.def.budgets.fuel,
            memory_budget_bytes: self.def.budgets.memory_mib << 20,
            minimum_cases: self.def.splits.minimum,
        }
    }
}

fn parse_def(file: &str, text: &str) -> Result<ScenarioDef, ScenarioError> {
    toml::from_str(text).map_err(|err| ScenarioError::Parse {
        file: file.to_owned(),
        reason: err.to_string().trim().to_owned(),
    })
}

fn compile_schema(file: &str, text: &str) -> Result<(Value, jsonschema::Validator), ScenarioError> {
    let fail = |reason: String| ScenarioError::Schema {
        file: file.to_owned(),
        reason,
    };
    let schema: Value = serde_json::from_str(text).map_err(|err| fail(err.to_string()))?;
    let validator = jsonschema::draft202012::new(&schema).map_err(|err| fail(err.to_string()))?;
    Ok((schema, validator))
}

/// Checks the rules of a definition of `kind`; the error says what to fix.
fn check_def(def: &ScenarioDef, kind: ScenarioKind) -> Result<(), String> {
    let parts: Vec<&str> = def.version.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|part| part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "version `{}` must be MAJOR.MINOR.PATCH, e.g. 1.0.0",
            def.version
        ));
    }
    if def.title.trim().is_empty() || def.description.trim().is_empty() {
        return Err("title and description must not be empty".to_owned());
    }
    if def.splits.practice == 0 || def.splits.evaluation == 0 {
        return Err("split sizes must be at least 1".to_owned());
    }
    if def.splits.minimum == 0
        || def.splits.minimum > def.splits.practice
        || def.splits.minimum > def.splits.evaluation
    {
        return Err(format!(
            "splits.minimum must be at least 1 and at most both split sizes (got {})",
            def.splits.minimum
        ));
    }
    let limits = &def.limits;
    if limits.fuel == 0 || limits.timeout_ms == 0 || limits.memory_mib == 0 {
        return Err(
            "limits.fuel, limits.timeout_ms and limits.memory_mib must be greater than zero"
                .to_owned(),
        );
    }
    if def.budgets.fuel == 0 || def.budgets.memory_mib == 0 {
        return Err("budgets.fuel and budgets.memory_mib must be greater than zero".to_owned());
    }
    let weights = [
        def.weights.effectiveness,
        def.weights.interoperability,
        def.weights.efficiency,
        def.weights.reliability,
        def.weights.compliance,
        def.weights.fairness,
    ];
    if weights.iter().any(|w| !w.is_finite() || *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
        return Err("weights must be finite, non-negative and not all zero".to_owned());
    }
    // Service-finder cases come from its own catalogue, not from a dataset.
    if def.datasets.is_empty() && kind != ScenarioKind::ServiceFinder {
        return Err("list at least one dataset".to_owned());
    }
    for name in &def.datasets {
        if name.parse::<Dataset>().is_err() {
            return Err(format!("unknown dataset `{name}` (run `govlab data list`)"));
        }
    }
    let expected = crate::evaluate::metric_names(kind);
    let declared: Vec<(&str, MetricKind)> = def
        .metrics
        .iter()
        .map(|m| (m.name.as_str(), m.kind))
        .collect();
    if declared != expected {
        let want: Vec<String> = expected
            .iter()
            .map(|(name, kind)| format!("{name} ({})", kind.as_str()))
            .collect();
        return Err(format!(
            "metrics must be exactly, in order: {} (the scenario's scoring computes these)",
            want.join(", ")
        ));
    }
    let supported = crate::evaluate::fairness_attributes(kind);
    if let Some(group) = def
        .fairness
        .groups
        .iter()
        .find(|group| !supported.contains(&group.as_str()))
    {
        return Err(format!(
            "fairness group `{group}` is not available; this scenario supports: {}",
            supported.join(", ")
        ));
    }
    let twins = crate::counterfactual::supported(kind);
    if let Some(attribute) = def
        .fairness
        .counterfactual
        .iter()
        .find(|attribute| !twins.contains(&attribute.as_str()))
    {
        return Err(format!(
            "counterfactual attribute `{attribute}` is not available; this scenario supports: {}",
            if twins.is_empty() {
                "none".to_owned()
            } else {
                twins.join(", ")
            }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_builtin_definition_loads() {
        let all = list().unwrap();
        let ids: Vec<&str> = all.iter().map(Scenario::id).collect();
        assert_eq!(ids, ScenarioKind::ALL.map(ScenarioKind::id));
        for scenario in all {
            assert_eq!(scenario.kind().id(), scenario.id());
            assert!(scenario.scoring_config().fuel_budget > 0);
        }
    }

    #[test]
    fn an_unknown_id_lists_the_known_ones() {
        let err = Scenario::builtin("appeal-triage").unwrap_err().to_string();
        assert!(err.contains("unknown scenario `appeal-triage`"), "{err}");
        assert!(err.contains("appeals-triage"), "{err}");
    }

    fn with_toml(edit: impl Fn(&str) -> String) -> Result<Scenario, ScenarioError> {
        let files = builtin_files();
        let files = &files[0];
        let toml = edit(files.toml);
        Scenario::from_files(&DefFiles {
            dir: "test",
            toml: &toml,
            input_schema: files.input_schema,
            output_schema: files.output_schema,
        })
    }

    #[test]
    fn broken_definitions_are_refused_with_the_rule() {
        let cases: [(&str, &str, &str); 5] = [
            (
                "version = \"2.0.0\"",
                "version = \"2.0\"",
                "MAJOR.MINOR.PATCH",
            ),
            ("practice = 600", "practice = 0", "split sizes"),
            ("effectiveness = 0.40", "effectiveness = -1.0", "weights"),
            (
                "name = \"routing_accuracy\"",
                "name = \"routing\"",
                "metrics must be exactly",
            ),
            (
                "groups = [\"language\"]",
                "groups = [\"height\"]",
                "fairness group `height`",
            ),
        ];
        for (from, to, expected) in cases {
            let err = with_toml(|text| text.replace(from, to))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{from} -> {to}: {err}");
        }
        let err = with_toml(|text| format!("{text}\nunknown_field = 1\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field"), "{err}");
    }

    #[test]
    fn limits_reach_the_sandbox_config() {
        let scenario = Scenario::builtin("appeals-triage").unwrap();
        let config = scenario.sandbox_config();
        assert_eq!(config.limits.fuel, Some(scenario.def().limits.fuel));
        assert_eq!(
            config.limits.max_memory_bytes as u64,
            scenario.def().limits.memory_mib << 20
        );
    }
}
