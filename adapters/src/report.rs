//! The interoperability report for one mapping pair over a dataset: field
//! coverage, information loss, round-trip fidelity, validation pass rates
//! and the top findings with examples. JSON (this crate's own output
//! format, hence `Serialize`) and a terminal table.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::engine::{Collect, Plan, Rule, Shape, Source};
use crate::finding::{Finding, Severity, Status};
use crate::path::{FieldPath, Root, Seg};
use crate::registry::{AdapterError, Adapters, is_canonical};

/// One input record: its line (1-based) and the parsed value, or the
/// parse error when the line is not JSON.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// Line (or CSV row) the record came from.
    pub line: usize,
    /// The record, or why it could not be read.
    pub value: Result<Value, String>,
}

/// How the report is built.
#[derive(Debug, Clone, Copy)]
pub struct CheckConfig {
    /// How many finding groups to keep in `top_findings`.
    pub top_findings: usize,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig { top_findings: 10 }
    }
}

/// Field coverage of the source side.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Distinct source fields that had a value in at least one record.
    pub fields_present: usize,
    /// Of those, how many the mapping reads.
    pub fields_used: usize,
    /// `fields_used / fields_present`.
    pub ratio: f64,
    /// Per field.
    pub fields: Vec<FieldCoverage>,
}

/// Coverage of one source field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldCoverage {
    /// JSON pointer, array indexes as `*`.
    pub field: String,
    /// Records in which it had a value.
    pub records_present: usize,
    /// Whether the mapping reads it.
    pub used: bool,
}

/// A field whose values are not carried across one hop.
#[derive(Debug, Clone, Serialize)]
pub struct LossEntry {
    /// `source → canonical` or `canonical → target`.
    pub hop: String,
    /// JSON pointer of the field on the hop's input side.
    pub field: String,
    /// Records in which it had a value that was dropped.
    pub records: usize,
    /// One such value.
    pub example: String,
}

/// Round-trip fidelity: source → canonical → target → canonical.
#[derive(Debug, Clone, Serialize)]
pub struct RoundTrip {
    /// Whether a reverse mapping exists for the target.
    pub available: bool,
    /// Records that made the whole trip.
    pub compared_records: usize,
    /// Records whose two canonical forms are equal in every field.
    pub exact_records: usize,
    /// Records whose way back raised errors (still compared field by field).
    pub failed_records: usize,
    /// Equal field comparisons over all comparisons.
    pub field_fidelity: f64,
    /// Per canonical field.
    pub fields: Vec<FieldFidelity>,
}

/// Round-trip fidelity of one canonical field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldFidelity {
    /// JSON pointer, array indexes as `*`.
    pub field: String,
    /// Comparisons made.
    pub compared: usize,
    /// Comparisons that were equal.
    pub equal: usize,
    /// `equal / compared`.
    pub ratio: f64,
    /// The first difference seen.
    pub example: Option<DiffExample>,
}

/// One field that changed in the round trip.
#[derive(Debug, Clone, Serialize)]
pub struct DiffExample {
    /// Input line of the record.
    pub line: usize,
    /// First canonical value (`null` when absent).
    pub before: Value,
    /// Value after the round trip (`null` when absent).
    pub after: Value,
}

/// Validation pass rate on one side.
#[derive(Debug, Clone, Serialize)]
pub struct SideRate {
    /// Schema validated against.
    pub schema: String,
    /// Records validated.
    pub validated: usize,
    /// Records without errors.
    pub passed: usize,
    /// `passed / validated`.
    pub rate: f64,
}

/// Validation on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationRates {
    /// Source records against the source schema.
    pub source: SideRate,
    /// Mapped records against the target schema.
    pub target: SideRate,
}

/// Findings of one rule, with an example.
#[derive(Debug, Clone, Serialize)]
pub struct FindingSummary {
    /// Stable rule id.
    pub rule_id: String,
    /// Severity.
    pub severity: Severity,
    /// Where it was found: `source`, `source → canonical`, `canonical → target`, `target`, `round trip`.
    pub stage: String,
    /// How many times.
    pub count: usize,
    /// Input line of the first occurrence.
    pub example_line: usize,
    /// Its JSON pointer.
    pub example_location: String,
    /// Its message.
    pub example_message: String,
}

/// The interoperability report for one mapping pair over a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct InteropReport {
    /// Source schema.
    pub from: String,
    /// Target schema.
    pub to: String,
    /// The canonical schema the pair goes through.
    pub canonical: String,
    /// SUCCESS / FAILURE / WARNING over the whole dataset.
    pub status: Status,
    /// Records read.
    pub records: usize,
    /// Lines that were not JSON records.
    pub unreadable: usize,
    /// Records mapped to the target.
    pub mapped: usize,
    /// Records whose mapping failed.
    pub failed: usize,
    /// Error / warning / info finding counts.
    pub errors: usize,
    /// Warning count.
    pub warnings: usize,
    /// Info count.
    pub infos: usize,
    /// Source field coverage.
    pub coverage: Coverage,
    /// Fields not carried across each hop.
    pub information_loss: Vec<LossEntry>,
    /// Round-trip fidelity.
    pub round_trip: RoundTrip,
    /// Validation pass rates.
    pub validation: ValidationRates,
    /// Most frequent findings, errors first.
    pub top_findings: Vec<FindingSummary>,
}

/// Reports keep every finding but no provenance.
const FULL: Collect = Collect {
    provenance: false,
    warnings: true,
};

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Pointers a plan reads, array indexes collapsed to `*`.
fn read_set(plan: &Plan) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let explode_base = match &plan.shape {
        Shape::Explode { array } => collapse(array.pointer()),
        _ => String::new(),
    };
    let mut add = |path: &FieldPath| {
        let pointer = match path.root {
            Root::Record => collapse_segs(&path.segs),
            Root::Item => format!("{explode_base}/*{}", collapse_segs(&path.segs)),
            Root::Index => return,
        };
        out.insert(pointer);
    };
    let mut rules: Vec<&Rule> = plan.rules.iter().chain(plan.items.iter()).collect();
    if let Shape::Collect { slot, .. } = &plan.shape {
        rules.push(slot);
    }
    for rule in rules {
        match &rule.source {
            Source::One(path) => add(path),
            Source::Many(paths) => paths.iter().for_each(&mut add),
            Source::Nothing | Source::Const(_) => {}
        }
        if let Some(cond) = &rule.when {
            add(&cond.path);
        }
    }
    out
}

fn collapse_segs(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        out.push('/');
        match seg {
            Seg::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Seg::Index(_) => out.push('*'),
        }
    }
    out
}

fn collapse(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_read(field: &str, reads: &BTreeSet<String>) -> bool {
    reads.contains(field)
        || reads
            .iter()
            .any(|r| field.starts_with(r.as_str()) && field.as_bytes().get(r.len()) == Some(&b'/'))
}

/// Non-null leaves with their values; a top-level array contributes its
/// elements' leaves prefixed with the element index.
fn leaves(value: &Value) -> Vec<(String, &Value)> {
    fn walk<'v>(value: &'v Value, prefix: &mut String, out: &mut Vec<(String, &'v Value)>) {
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (key, child) in map {
                    let len = prefix.len();
                    prefix.push('/');
                    prefix.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    walk(child, prefix, out);
                    prefix.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = prefix.len();
                    let _ = write!(prefix, "/{i}");
                    walk(child, prefix, out);
                    prefix.truncate(len);
                }
            }
            leaf => out.push((prefix.clone(), leaf)),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// Leaves of a record or of each element of a top-level array, as
/// record-relative collapsed pointers.
fn record_fields(value: &Value) -> Vec<(String, &Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .flat_map(|item| leaves(item).into_iter().map(|(p, v)| (collapse(&p), v)))
            .collect(),
        other => leaves(other)
            .into_iter()
            .map(|(p, v)| (collapse(&p), v))
            .collect(),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            _ => x == y,
        },
        _ => a == b,
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[derive(Default)]
struct FindingGroup {
    count: usize,
    first: Option<(usize, String, String, String)>,
}

#[derive(Default)]
struct Tally {
    groups: BTreeMap<(Severity, String), FindingGroup>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Tally {
    fn add(&mut self, stage: &str, line: usize, findings: &[Finding]) {
        for finding in findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            let group = self
                .groups
                .entry((finding.severity, finding.rule_id.clone()))
                .or_default();
            group.count += 1;
            group.first.get_or_insert_with(|| {
                (
                    line,
                    finding.location.clone(),
                    finding.message.clone(),
                    stage.to_owned(),
                )
            });
        }
    }
}

#[derive(Default)]
struct FieldStats {
    compared: usize,
    equal: usize,
    example: Option<DiffExample>,
}

impl Adapters {
    /// Builds the interoperability report for `from` → `to` over `records`.
    pub fn check(
        &self,
        from: &str,
        to: &str,
        records: impl IntoIterator<Item = InputRecord>,
        config: &CheckConfig,
    ) -> Result<InteropReport, AdapterError> {
        let route = self.route(from, to)?;
        let canonical = if is_canonical(from) {
            from.to_owned()
        } else if is_canonical(to) {
            to.to_owned()
        } else {
            route.first().map(|p| p.to.clone()).unwrap_or_default()
        };
        let to_canonical: Option<&Plan> = (!is_canonical(from))
            .then(|| self.plan(from, &canonical))
            .flatten();
        let from_canonical: Option<&Plan> = (!is_canonical(to))
            .then(|| self.plan(&canonical, to))
            .flatten();
        let back: Option<&Plan> = (!is_canonical(to))
            .then(|| self.plan(to, &canonical))
            .flatten();
        let source_reads = to_canonical
            .or(from_canonical)
            .map(read_set)
            .unwrap_or_default();
        let canonical_reads = from_canonical.map(read_set);
        let hop1 = format!("{from} → {canonical}");
        let hop2 = format!("{canonical} → {to}");

        let mut tally = Tally::default();
        let mut present: BTreeMap<String, usize> = BTreeMap::new();
        let mut loss: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
        let mut fields: BTreeMap<String, FieldStats> = BTreeMap::new();
        let (mut records_n, mut unreadable, mut mapped, mut failed) = (0, 0, 0, 0);
        let (mut src_ok, mut src_n, mut tgt_ok, mut tgt_n) = (0, 0, 0, 0);
        let (mut rt_compared, mut rt_exact, mut rt_failed) = (0, 0, 0);

        for input in records {
            records_n += 1;
            let line = input.line;
            let record = match input.value {
                Ok(value) => value,
                Err(reason) => {
                    unreadable += 1;
                    tally.add(
                        "input",
                        line,
                        &[Finding::new("GL-INPUT-JSON", Severity::Error, reason, "")],
                    );
                    continue;
                }
            };
            // Source validation.
            let outcome = self.validate(from, &record)?;
            src_n += 1;
            if outcome.passed() {
                src_ok += 1;
            }
            tally.add("source", line, &outcome.findings);
            // Coverage and loss on the first hop.
            let mut seen = BTreeSet::new();
            for (field, value) in record_fields(&record) {
                if seen.insert(field.clone()) {
                    *present.entry(field.clone()).or_default() += 1;
                    if !is_read(&field, &source_reads) {
                        let entry = loss
                            .entry((hop1.clone(), field))
                            .or_insert_with(|| (0, short(value)));
                        entry.0 += 1;
                    }
                }
            }
            // Source → canonical.
            let first = match to_canonical {
                None => record.clone(),
                Some(plan) => {
                    let (value, sink) = self.run_plan(plan, &record, FULL);
                    tally.add(&hop1, line, &sink.findings);
                    if sink.has_errors() {
                        failed += 1;
                        continue;
                    }
                    value
                }
            };
            // Loss on the second hop.
            if let Some(reads) = &canonical_reads {
                let mut seen = BTreeSet::new();
                for (field, value) in record_fields(&first) {
                    if seen.insert(field.clone()) && !is_read(&field, reads) {
                        let entry = loss
                            .entry((hop2.clone(), field))
                            .or_insert_with(|| (0, short(value)));
                        entry.0 += 1;
                    }
                }
            }
            // Canonical → target.
            let target = match from_canonical {
                None => first.clone(),
                Some(plan) => {
                    let (value, sink) = self.run_plan(plan, &first, FULL);
                    tally.add(&hop2, line, &sink.findings);
                    if sink.has_errors() {
                        failed += 1;
                        continue;
                    }
                    value
                }
            };
            mapped += 1;
            let outcome = self.validate(to, &target)?;
            tgt_n += 1;
            if outcome.passed() {
                tgt_ok += 1;
            }
            tally.add("target", line, &outcome.findings);
            // Round trip: target → canonical, compared with the first canonical.
            let Some(back_plan) = back else { continue };
            // A way back with errors still yields every field it could map:
            // compare those too, so fidelity shows what survived.
            let (second, sink) = self.run_plan(back_plan, &target, FULL);
            if sink.has_errors() {
                rt_failed += 1;
            }
            tally.add("round trip", line, &sink.findings);
            rt_compared += 1;
            let before: HashMap<String, &Value> = leaves(&first).into_iter().collect();
            let after: HashMap<String, &Value> = leaves(&second).into_iter().collect();
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            let mut exact = true;
            for key in keys {
                let (b, a) = (before.get(key), after.get(key));
                let equal = matches!((b, a), (Some(b), Some(a)) if same(b, a));
                let stats = fields.entry(collapse(key)).or_default();
                stats.compared += 1;
                if equal {
                    stats.equal += 1;
                } else {
                    exact = false;
                    stats.example.get_or_insert_with(|| DiffExample {
                        line,
                        before: b.map_or(Value::Null, |v| (*v).clone()),
                        after: a.map_or(Value::Null, |v| (*v).clone()),
                    });
                }
            }
            if exact {
                rt_exact += 1;
            }
        }

        // Round-trip differences become findings too, one group per field.
        let mut rt_findings = Vec::new();
        for (field, stats) in &fields {
            if let Some(example) = &stats.example {
                rt_findings.push((
                    example.line,
                    Finding::new(
                        "GL-RT-DIFF",
                        Severity::Warning,
                        format!(
                            "{} of {} records changed {field} in the round trip (e.g. {} → {})",
                            stats.compared - stats.equal,
                            stats.compared,
                            short(&example.before),
                            short(&example.after)
                        ),
                        field.clone(),
                    ),
                ));
            }
        }
        for (line, finding) in rt_findings {
            tally.add("round trip", line, std::slice::from_ref(&finding));
        }
        for ((hop, field), (records, example)) in &loss {
            let finding = Finding::new(
                "GL-LOSS-FIELD",
                Severity::Warning,
                format!(
                    "{field} is not carried across {hop} ({records} records, e.g. '{example}')"
                ),
                field.clone(),
            );
            tally.add(hop, 0, std::slice::from_ref(&finding));
        }

        let coverage_fields: Vec<FieldCoverage> = present
            .iter()
            .map(|(field, n)| FieldCoverage {
                field: field.clone(),
                records_present: *n,
                used: is_read(field, &source_reads),
            })
            .collect();
        let used = coverage_fields.iter().filter(|f| f.used).count();
        let (total_compared, total_equal) = fields
            .values()
            .fold((0, 0), |(c, e), s| (c + s.compared, e + s.equal));
        let mut top: Vec<FindingSummary> = tally
            .groups
            .iter()
            .map(|((severity, rule_id), group)| {
                let (line, location, message, stage) = group.first.clone().unwrap_or_default();
                FindingSummary {
                    rule_id: rule_id.clone(),
                    severity: *severity,
                    stage,
                    count: group.count,
                    example_line: line,
                    example_location: location,
                    example_message: message,
                }
            })
            .collect();
        top.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.count.cmp(&a.count)));
        top.truncate(config.top_findings);
        let status = if tally.errors > 0 {
            Status::Failure
        } else if tally.warnings > 0 {
            Status::Warning
        } else {
            Status::Success
        };
        Ok(InteropReport {
            from: from.to_owned(),
            to: to.to_owned(),
            canonical,
            status,
            records: records_n,
            unreadable,
            mapped,
            failed,
            errors: tally.errors,
            warnings: tally.warnings,
            infos: tally.infos,
            coverage: Coverage {
                fields_present: coverage_fields.len(),
                fields_used: used,
                ratio: ratio(used, coverage_fields.len()),
                fields: coverage_fields,
            },
            information_loss: loss
                .into_iter()
                .map(|((hop, field), (records, example))| LossEntry {
                    hop,
                    field,
                    records,
                    example,
                })
                .collect(),
            round_trip: RoundTrip {
                available: back.is_some(),
                compared_records: rt_compared,
                exact_records: rt_exact,
                failed_records: rt_failed,
                field_fidelity: ratio(total_equal, total_compared),
                fields: fields
                    .into_iter()
                    .map(|(field, s)| FieldFidelity {
                        field,
                        compared: s.compared,
                        equal: s.equal,
                        ratio: ratio(s.equal, s.compared),
                        example: s.example,
                    })
                    .collect(),
            },
            validation: ValidationRates {
                source: SideRate {
                    schema: from.to_owned(),
                    validated: src_n,
                    passed: src_ok,
                    rate: ratio(src_ok, src_n),
                },
                target: SideRate {
                    schema: to.to_owned(),
                    validated: tgt_n,
                    passed: tgt_ok,
                    rate: ratio(tgt_ok, tgt_n),
                },
            },
            top_findings: top,
        })
    }
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>, out: &mut String| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(cell.chars().count());
            text.push_str(cell);
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str("  ");
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.iter().map(|h| (*h).to_owned()).collect(), out);
    line(widths.iter().map(|w| "-".repeat(*w)).collect(), out);
    for row in rows {
        line(row.clone(), out);
    }
}

impl InteropReport {
    /// A readable multi-section table for the terminal.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "interoperability report: {} → {} (via {})",
            self.from, self.to, self.canonical
        );
        let _ = writeln!(
            out,
            "status {:?}: {} records, {} mapped, {} failed, {} unreadable; {} errors, {} warnings, {} infos\n",
            self.status,
            self.records,
            self.mapped,
            self.failed,
            self.unreadable,
            self.errors,
            self.warnings,
            self.infos
        );
        out.push_str("summary\n");
        table(
            &mut out,
            &["measure", "value"],
            &[
                vec![
                    "source field coverage".to_owned(),
                    format!(
                        "{}/{} ({})",
                        self.coverage.fields_used,
                        self.coverage.fields_present,
                        percent(self.coverage.ratio)
                    ),
                ],
                vec![
                    format!("valid {}", self.validation.source.schema),
                    format!(
                        "{}/{} ({})",
                        self.validation.source.passed,
                        self.validation.source.validated,
                        percent(self.validation.source.rate)
                    ),
                ],
                vec![
                    format!("valid {}", self.validation.target.schema),
                    format!(
                        "{}/{} ({})",
                        self.validation.target.passed,
                        self.validation.target.validated,
                        percent(self.validation.target.rate)
                    ),
                ],
                vec![
                    "round-trip field fidelity".to_owned(),
                    if self.round_trip.available {
                        format!(
                            "{} ({} of {} records exact, {} with errors on the way back)",
                            percent(self.round_trip.field_fidelity),
                            self.round_trip.exact_records,
                            self.round_trip.compared_records,
                            self.round_trip.failed_records
                        )
                    } else {
                        "n/a (no reverse mapping)".to_owned()
                    },
                ],
            ],
        );
        if !self.information_loss.is_empty() {
            out.push_str("\ninformation loss\n");
            let rows: Vec<Vec<String>> = self
                .information_loss
                .iter()
                .map(|l| {
                    vec![
                        l.hop.clone(),
                        l.field.clone(),
                        l.records.to_string(),
                        l.example.clone(),
                    ]
                })
                .collect();
            table(&mut out, &["hop", "field", "records", "example"], &rows);
        }
        let lossy: Vec<Vec<String>> = self
            .round_trip
            .fields
            .iter()
            .filter(|f| f.equal < f.compared)
            .map(|f| {
                let example = f.example.as_ref().map_or(String::new(), |e| {
                    format!(
                        "line {}: {} → {}",
                        e.line,
                        short(&e.before),
                        short(&e.after)
                    )
                });
                vec![f.field.clone(), percent(f.ratio), example]
            })
            .collect();
        if !lossy.is_empty() {
            out.push_str("\nround trip: fields that change\n");
            table(&mut out, &["field", "fidelity", "example"], &lossy);
        }
        if !self.top_findings.is_empty() {
            out.push_str("\ntop findings\n");
            let rows: Vec<Vec<String>> = self
                .top_findings
                .iter()
                .map(|f| {
                    let severity = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    };
                    let at = if f.example_line > 0 {
                        format!("line {} {}", f.example_line, f.example_location)
                    } else {
                        f.example_location.clone()
                    };
                    vec![
                        f.rule_id.clone(),
                        severity.to_owned(),
                        f.count.to_string(),
                        f.stage.clone(),
                        at,
                        short(&Value::String(f.example_message.clone())),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    "rule",
                    "severity",
                    "count",
                    "stage",
                    "example at",
                    "message",
                ],
                &rows,
            );
        }
        out
    }
}
