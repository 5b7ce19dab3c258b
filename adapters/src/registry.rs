//! The loaded adapters: compiled mapping plans, schema validators and the
//! routing between named schemas (always through the canonical model).
//! Built once; `Send + Sync`, share it with `Arc`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::codelists::{CodeListError, CodeLists};
use crate::engine::{Collect, FieldProvenance, Plan, Sink};
use crate::finding::{Finding, Outcome, Severity};
use crate::spec::{self, SpecError};

/// Everything that can go wrong loading or using the adapters.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// A mapping spec is malformed.
    #[error("mapping spec {0}")]
    Spec(#[from] SpecError),
    /// A code list is malformed.
    #[error(transparent)]
    CodeList(#[from] CodeListError),
    /// A JSON Schema does not compile.
    #[error("schema '{name}' does not compile: {reason}")]
    Schema {
        /// Schema name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A schema name nobody knows.
    #[error("unknown schema '{name}'{}; known schemas are: {known}", suggestion.as_deref().map(|s| format!(" (did you mean '{s}'? schema names are singular, dataset names plural)")).unwrap_or_default())]
    UnknownSchema {
        /// The name asked for.
        name: String,
        /// The known name closest to it, if one is close.
        suggestion: Option<String>,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// No chain of mappings joins the two schemas.
    #[error("no mapping from {from} to {to}; run `govlab adapters list` to see the pairs")]
    NoRoute {
        /// Source schema.
        from: String,
        /// Target schema.
        to: String,
    },
    /// The record cannot be mapped: at least one error finding.
    #[error("record cannot be mapped from {from} to {to}: {}", first_error(.findings))]
    Record {
        /// Source schema of the failing hop.
        from: String,
        /// Target schema of the failing hop.
        to: String,
        /// All findings of the hop (errors first).
        findings: Vec<Finding>,
    },
    /// A record fails schema validation (when validation was asked for).
    #[error("record is not a valid {schema}: {}", first_error(.findings))]
    Invalid {
        /// The schema validated against.
        schema: String,
        /// The findings.
        findings: Vec<Finding>,
    },
    /// A spec directory or file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn first_error(findings: &[Finding]) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    match findings.iter().find(|f| f.severity == Severity::Error) {
        Some(first) if errors > 1 => format!(
            "{} at {} ({} more errors)",
            first.message,
            display_pointer(&first.location),
            errors - 1
        ),
        Some(first) => format!("{} at {}", first.message, display_pointer(&first.location)),
        None => "no error findings".to_owned(),
    }
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// Named schemas. The Madrid and Kazakh record schemas
/// (`adapters/schemas/records/`) are the contract of the synthetic
/// datasets too: `govlab-scenarios` reads them through [`schema_text`], so
/// the generators and the adapters validate against the same files.
const SCHEMA_FILES: &[(&str, &str)] = &[
    (
        "madrid.resident",
        include_str!("../schemas/records/madrid.residents.schema.json"),
    ),
    (
        "madrid.request",
        include_str!("../schemas/records/madrid.requests.schema.json"),
    ),
    (
        "madrid.air",
        include_str!("../schemas/records/madrid.air.schema.json"),
    ),
    (
        "madrid.open311",
        include_str!("../schemas/sources/madrid.open311.schema.json"),
    ),
    (
        "kz.citizen",
        include_str!("../schemas/records/kz.citizens.schema.json"),
    ),
    (
        "kz.appeal",
        include_str!("../schemas/records/kz.appeals.schema.json"),
    ),
    (
        "kz.air",
        include_str!("../schemas/records/kz.air.schema.json"),
    ),
    (
        "canonical.person",
        include_str!("../schemas/canonical/person.schema.json"),
    ),
    (
        "canonical.address",
        include_str!("../schemas/canonical/address.schema.json"),
    ),
    (
        "canonical.appeal",
        include_str!("../schemas/canonical/appeal.schema.json"),
    ),
    (
        "canonical.observation",
        include_str!("../schemas/canonical/observation.schema.json"),
    ),
    (
        "canonical.public_service",
        include_str!("../schemas/canonical/public_service.schema.json"),
    ),
];

/// The JSON text of the named schema (`madrid.resident`, `kz.appeal`,
/// `canonical.person`, …), as compiled in.
pub fn schema_text(name: &str) -> Option<&'static str> {
    SCHEMA_FILES
        .iter()
        .find(|(schema, _)| *schema == name)
        .map(|(_, text)| *text)
}

/// The built-in mapping specs, one per direction.
const SPEC_FILES: &[(&str, &str)] = &[
    (
        "mappings/madrid_resident_to_person.toml",
        include_str!("../mappings/madrid_resident_to_person.toml"),
    ),
    (
        "mappings/person_to_madrid_resident.toml",
        include_str!("../mappings/person_to_madrid_resident.toml"),
    ),
    (
        "mappings/kz_citizen_to_person.toml",
        include_str!("../mappings/kz_citizen_to_person.toml"),
    ),
    (
        "mappings/person_to_kz_citizen.toml",
        include_str!("../mappings/person_to_kz_citizen.toml"),
    ),
    (
        "mappings/madrid_request_to_appeal.toml",
        include_str!("../mappings/madrid_request_to_appeal.toml"),
    ),
    (
        "mappings/appeal_to_madrid_request.toml",
        include_str!("../mappings/appeal_to_madrid_request.toml"),
    ),
    (
        "mappings/madrid_open311_to_appeal.toml",
        include_str!("../mappings/madrid_open311_to_appeal.toml"),
    ),
    (
        "mappings/kz_appeal_to_appeal.toml",
        include_str!("../mappings/kz_appeal_to_appeal.toml"),
    ),
    (
        "mappings/appeal_to_kz_appeal.toml",
        include_str!("../mappings/appeal_to_kz_appeal.toml"),
    ),
    (
        "mappings/madrid_air_to_observation.toml",
        include_str!("../mappings/madrid_air_to_observation.toml"),
    ),
    (
        "mappings/observation_to_madrid_air.toml",
        include_str!("../mappings/observation_to_madrid_air.toml"),
    ),
    (
        "mappings/kz_air_to_observation.toml",
        include_str!("../mappings/kz_air_to_observation.toml"),
    ),
    (
        "mappings/observation_to_kz_air.toml",
        include_str!("../mappings/observation_to_kz_air.toml"),
    ),
];

/// Names of all schemas, in a stable order.
pub fn schema_names() -> Vec<&'static str> {
    SCHEMA_FILES.iter().map(|(name, _)| *name).collect()
}

/// Whether `name` is a canonical (pivot) schema.
pub fn is_canonical(name: &str) -> bool {
    name.starts_with("canonical.")
}

/// One mapping direction, as listed by `govlab adapters list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingInfo {
    /// Source schema.
    pub from: String,
    /// Target schema.
    pub to: String,
    /// The spec file.
    pub file: String,
    /// What the direction does.
    pub description: String,
}

/// How `Adapters::convert_with` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConvertConfig {
    /// Validate the input against the source schema first.
    pub validate_source: bool,
    /// Validate the output against the target schema.
    pub validate_target: bool,
    /// Record per-field provenance.
    pub provenance: bool,
}

/// The result of a conversion with its side information.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The converted record (a JSON array when one record maps to many).
    pub value: Value,
    /// Non-error findings of all hops (warnings such as code-list defaults).
    pub findings: Vec<Finding>,
    /// Per hop (`from → to`), where each output field came from.
    pub provenance: Vec<(String, Vec<FieldProvenance>)>,
}

/// Loaded mapping plans and validators.
pub struct Adapters {
    plans: Vec<Plan>,
    by_pair: HashMap<(String, String), usize>,
    validators: HashMap<&'static str, jsonschema::Validator>,
}

impl std::fmt::Debug for Adapters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapters")
            .field("mappings", &self.by_pair.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Adapters {
    /// Loads the built-in specs, code lists and schemas.
    pub fn builtin() -> Result<Adapters, AdapterError> {
        let specs: Vec<(String, String)> = SPEC_FILES
            .iter()
            .map(|(file, text)| ((*file).to_owned(), (*text).to_owned()))
            .collect();
        Adapters::from_specs(&specs)
    }

    /// The built-in adapters, loaded once per process and shared.
    pub fn shared() -> Result<Arc<Adapters>, AdapterError> {
        static SHARED: OnceLock<Arc<Adapters>> = OnceLock::new();
        if let Some(adapters) = SHARED.get() {
            return Ok(Arc::clone(adapters));
        }
        let adapters = Arc::new(Adapters::builtin()?);
        Ok(Arc::clone(SHARED.get_or_init(|| adapters)))
    }

    /// Loads the built-in specs, then every `*.toml` in `dir` on top (a
    /// file for an existing direction replaces the built-in one).
    pub fn with_mapping_dir(dir: &Path) -> Result<Adapters, AdapterError> {
        let io = |source| AdapterError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut specs: Vec<(String, String)> = SPEC_FILES
            .iter()
            .map(|(file, text)| ((*file).to_owned(), (*text).to_owned()))
            .collect();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| AdapterError::Io {
                path: path.display().to_string(),
                source,
            })?;
            specs.push((path.display().to_string(), text));
        }
        Adapters::from_specs(&specs)
    }

    /// Compiles `(file name, TOML text)` specs; later specs for the same
    /// direction replace earlier ones.
    pub fn from_specs(specs: &[(String, String)]) -> Result<Adapters, AdapterError> {
        let codelists = CodeLists::builtin()?;
        let known = schema_names();
        let mut plans: Vec<Plan> = Vec::new();
        let mut by_pair = HashMap::new();
        for (file, text) in specs {
            let plan = spec::compile(file, text, codelists, &known)?;
            let key = (plan.from.clone(), plan.to.clone());
            match by_pair.get(&key) {
                Some(&idx) => plans[idx] = plan,
                None => {
                    by_pair.insert(key, plans.len());
                    plans.push(plan);
                }
            }
        }
        let validators = build_validators()?;
        Ok(Adapters {
            plans,
            by_pair,
            validators,
        })
    }

    /// Every mapping direction loaded.
    pub fn mappings(&self) -> Vec<MappingInfo> {
        let mut out: Vec<MappingInfo> = self
            .plans
            .iter()
            .map(|plan| MappingInfo {
                from: plan.from.clone(),
                to: plan.to.clone(),
                file: plan.file.clone(),
                description: plan.description.clone(),
            })
            .collect();
        out.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        out
    }

    pub(crate) fn plan(&self, from: &str, to: &str) -> Option<&Plan> {
        // A dozen plans: a scan is cheaper than hashing two owned strings.
        self.plans
            .iter()
            .find(|plan| plan.from == from && plan.to == to)
    }

    fn check_name(&self, name: &str) -> Result<(), AdapterError> {
        if self.validators.contains_key(name) {
            Ok(())
        } else {
            let names = schema_names();
            Err(AdapterError::UnknownSchema {
                name: name.to_owned(),
                suggestion: closest(name, &names).map(str::to_owned),
                known: names.join(", "),
            })
        }
    }

    /// The chain of plans from `from` to `to`: direct, or through the
    /// canonical schema both sides map to.
    pub(crate) fn route(&self, from: &str, to: &str) -> Result<Vec<&Plan>, AdapterError> {
        self.check_name(from)?;
        self.check_name(to)?;
        if let Some(plan) = self.plan(from, to) {
            return Ok(vec![plan]);
        }
        for first in &self.plans {
            if first.from == from
                && is_canonical(&first.to)
                && let Some(second) = self.plan(&first.to, to)
            {
                return Ok(vec![first, second]);
            }
        }
        Err(AdapterError::NoRoute {
            from: from.to_owned(),
            to: to.to_owned(),
        })
    }

    /// Converts one record between named schemas (e.g. `madrid.request` →
    /// `kz.appeal`), routing through the canonical model. A record that
    /// maps to several (an hourly Madrid air row) comes back as a JSON array.
    pub fn convert(&self, from: &str, to: &str, record: &Value) -> Result<Value, AdapterError> {
        // Warnings are not returned here, so they are not even built.
        let collect = Collect {
            provenance: false,
            warnings: false,
        };
        self.convert_inner(from, to, record, &ConvertConfig::default(), collect)
            .map(|conversion| conversion.value)
    }

    /// Converts with validation and provenance as configured.
    pub fn convert_with(
        &self,
        from: &str,
        to: &str,
        record: &Value,
        config: &ConvertConfig,
    ) -> Result<Conversion, AdapterError> {
        let collect = Collect {
            provenance: config.provenance,
            warnings: true,
        };
        self.convert_inner(from, to, record, config, collect)
    }

    fn convert_inner(
        &self,
        from: &str,
        to: &str,
        record: &Value,
        config: &ConvertConfig,
        collect: Collect,
    ) -> Result<Conversion, AdapterError> {
        let route = self.route(from, to)?;
        if config.validate_source {
            let outcome = self.validate(from, record)?;
            if !outcome.passed() {
                return Err(AdapterError::Invalid {
                    schema: from.to_owned(),
                    findings: outcome.findings,
                });
            }
        }
        let mut findings = Vec::new();
        let mut provenance = Vec::new();
        let mut current: Option<Value> = None;
        for plan in route {
            // Later hops own their input (the previous hop's output) and
            // may move values out of it.
            let (value, sink) = match current.take() {
                Some(owned) => self.run_plan_owned(plan, owned, collect),
                None => self.run_plan(plan, record, collect),
            };
            if sink.has_errors() {
                let mut all = sink.findings;
                all.sort_by_key(|f| f.severity);
                return Err(AdapterError::Record {
                    from: plan.from.clone(),
                    to: plan.to.clone(),
                    findings: all,
                });
            }
            findings.extend(sink.findings);
            if let Some(hop) = sink.provenance {
                provenance.push((format!("{} → {}", plan.from, plan.to), hop));
            }
            current = Some(value);
        }
        let value = current.unwrap_or(Value::Null);
        if config.validate_target {
            let outcome = self.validate(to, &value)?;
            if !outcome.passed() {
                return Err(AdapterError::Invalid {
                    schema: to.to_owned(),
                    findings: outcome.findings,
                });
            }
        }
        Ok(Conversion {
            value,
            findings,
            provenance,
        })
    }

    /// Converts a record the caller gives away: the fastest path (values
    /// are moved, not copied). Same result as [`Adapters::convert`].
    pub fn convert_owned(
        &self,
        from: &str,
        to: &str,
        record: Value,
    ) -> Result<Value, AdapterError> {
        let route = self.route(from, to)?;
        let collect = Collect {
            provenance: false,
            warnings: false,
        };
        let mut current = record;
        for plan in route {
            let (value, sink) = self.run_plan_owned(plan, current, collect);
            if sink.has_errors() {
                let mut all = sink.findings;
                all.sort_by_key(|f| f.severity);
                return Err(AdapterError::Record {
                    from: plan.from.clone(),
                    to: plan.to.clone(),
                    findings: all,
                });
            }
            current = value;
        }
        Ok(current)
    }

    fn run_plan_owned(&self, plan: &Plan, input: Value, collect: Collect) -> (Value, Sink) {
        let mut sink = Sink::new(collect);
        let value = match (input, &plan.shape) {
            (Value::Array(items), crate::engine::Shape::OneToOne) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    let before = sink.findings.len();
                    out.push(plan.run_owned(item, &mut sink));
                    for finding in &mut sink.findings[before..] {
                        finding.location = format!("/{index}{}", finding.location);
                    }
                }
                Value::Array(out)
            }
            (Value::Array(items), crate::engine::Shape::Explode { .. }) => {
                return self.run_plan(plan, &Value::Array(items), collect);
            }
            (input, _) => plan.run_owned(input, &mut sink),
        };
        (value, sink)
    }

    /// Runs one plan; a 1:1 plan given a JSON array maps each element.
    pub(crate) fn run_plan(&self, plan: &Plan, input: &Value, collect: Collect) -> (Value, Sink) {
        let mut sink = Sink::new(collect);
        let value = match (input, &plan.shape) {
            (
                Value::Array(items),
                crate::engine::Shape::OneToOne | crate::engine::Shape::Explode { .. },
            ) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let before = sink.findings.len();
                    let mapped = plan.run(item, &mut sink);
                    for finding in &mut sink.findings[before..] {
                        finding.location = format!("/{index}{}", finding.location);
                    }
                    match mapped {
                        Value::Array(many) => out.extend(many),
                        one => out.push(one),
                    }
                }
                Value::Array(out)
            }
            _ => plan.run(input, &mut sink),
        };
        (value, sink)
    }

    /// Validates `record` against the named schema (a JSON array is
    /// validated element by element).
    pub fn validate(&self, schema: &str, record: &Value) -> Result<Outcome, AdapterError> {
        self.check_name(schema)?;
        let mut findings = Vec::new();
        if let Some(validator) = self.validators.get(schema) {
            match record {
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        schema_findings(validator, item, &format!("/{index}"), &mut findings);
                    }
                }
                one => schema_findings(validator, one, "", &mut findings),
            }
        }
        Ok(Outcome::from_findings(findings))
    }

    /// Whether `record` is valid against the named schema (fast path, no findings).
    pub fn is_valid(&self, schema: &str, record: &Value) -> Result<bool, AdapterError> {
        self.check_name(schema)?;
        Ok(match (self.validators.get(schema), record) {
            (Some(validator), Value::Array(items)) => items.iter().all(|i| validator.is_valid(i)),
            (Some(validator), one) => validator.is_valid(one),
            (None, _) => true,
        })
    }
}

/// Most schema findings kept per record: enough to fix it, bounded for a
/// record built to fail every keyword (an agent can send one through
/// `convert`).
pub const MAX_SCHEMA_FINDINGS: usize = 50;
/// Longest schema finding message kept (jsonschema quotes the offending
/// value, which may be the whole record).
pub const MAX_SCHEMA_MESSAGE_BYTES: usize = 512;

/// Cuts `text` at `max` bytes on a character boundary, marking the cut.
fn cut(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
}

fn schema_findings(
    validator: &jsonschema::Validator,
    record: &Value,
    prefix: &str,
    out: &mut Vec<Finding>,
) {
    for error in validator.iter_errors(record).take(MAX_SCHEMA_FINDINGS) {
        let keyword = error.kind().keyword().to_owned();
        let rule_id = format!("GL-SCHEMA-{}", keyword.to_uppercase());
        let mut message = error.to_string();
        cut(&mut message, MAX_SCHEMA_MESSAGE_BYTES);
        out.push(Finding::new(
            rule_id,
            Severity::Error,
            message,
            format!("{prefix}{}", error.instance_path()),
        ));
    }
}

fn build_validators() -> Result<HashMap<&'static str, jsonschema::Validator>, AdapterError> {
    let parse = |name: &str, text: &str| -> Result<Value, AdapterError> {
        serde_json::from_str(text).map_err(|err| AdapterError::Schema {
            name: name.to_owned(),
            reason: err.to_string(),
        })
    };
    let address = SCHEMA_FILES
        .iter()
        .find(|(name, _)| *name == "canonical.address")
        .map(|(name, text)| parse(name, text))
        .transpose()?
        .unwrap_or(Value::Null);
    let mut validators = HashMap::new();
    for (name, text) in SCHEMA_FILES {
        let mut schema = parse(name, text)?;
        // Canonical schemas refer to the address as `#/$defs/address`; splice
        // the one address schema in so there is a single source of truth.
        if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut)
            && defs.contains_key("address")
        {
            let mut inlined = address.clone();
            if let Some(obj) = inlined.as_object_mut() {
                obj.remove("$schema");
                obj.remove("$id");
            }
            defs.insert("address".to_owned(), inlined);
        }
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|err| AdapterError::Schema {
                name: (*name).to_owned(),
                reason: err.to_string(),
            })?;
        validators.insert(*name, validator);
    }
    Ok(validators)
}

/// The known name `name` most likely meant: the dataset-style plural
/// (`madrid.residents` → `madrid.resident`), else one within two edits.
fn closest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let singular = name.strip_suffix('s').unwrap_or(name);
    if let Some(found) = names.iter().find(|known| **known == singular) {
        return Some(found);
    }
    names
        .iter()
        .map(|known| (edits(name, known), *known))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Levenshtein distance between two short names.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}
