//! The mapping engine: a compiled execution plan (resolved paths,
//! pre-looked-up code-list maps, parsed zones) and the per-record
//! interpreter. Nothing here parses a spec: see `spec` for that.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::finding::{Finding, Severity};
use crate::ids::{self, IdKind};
use crate::names;
use crate::path::{self, FieldPath, Root, Seg};
use crate::time::{self, LocalPolicy, Placed, Zone};
use crate::translit::{self, Scheme};

/// FNV-1a: code-list keys are short strings, where SipHash's setup cost
/// dominates; there is no untrusted-key DoS concern for compiled lists.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A pre-looked-up code list or value map: source value → target value.
pub(crate) type CodeMap = HashMap<String, Value, std::hash::BuildHasherDefault<Fnv>>;

/// A compiled mapping spec for one direction.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) file: String,
    pub(crate) description: String,
    pub(crate) shape: Shape,
    pub(crate) rules: Vec<Rule>,
    pub(crate) items: Vec<Rule>,
    /// Sorted top-level field names that `rules` read from the record;
    /// `FieldPath::slot` indexes this. Resolved once per record by one
    /// ordered walk instead of one map search per rule.
    pub(crate) keys: Vec<String>,
    /// Sorted `(field, rule index)` of single-field sources an owned record
    /// gives away (see `Rule::take`).
    pub(crate) takes: Vec<(String, usize)>,
}

/// Top-level fields of `record` for each of `keys` (both sorted the same
/// way), found in one walk.
fn fill_slots<'a>(keys: &[String], record: &'a Value) -> Vec<Option<&'a Value>> {
    let mut slots = vec![None; keys.len()];
    let Value::Object(map) = record else {
        return slots;
    };
    let mut entries = map.iter().peekable();
    for (slot, key) in slots.iter_mut().zip(keys) {
        while let Some((name, value)) = entries.peek() {
            match name.as_str().cmp(key.as_str()) {
                std::cmp::Ordering::Less => {
                    entries.next();
                }
                std::cmp::Ordering::Equal => {
                    *slot = Some(*value);
                    entries.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
    }
    slots
}

/// How records flow through a plan.
#[derive(Debug)]
pub(crate) enum Shape {
    /// One record in, one record out.
    OneToOne,
    /// One record in, one record out per element of `array`.
    Explode { array: FieldPath },
    /// Many records in (a JSON array), one record out with an array
    /// `into` of `length` slots, each element placed by `slot`.
    Collect {
        into: FieldPath,
        length: usize,
        empty: Value,
        slot: Box<Rule>,
    },
}

/// One target field and how to compute it.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) target: FieldPath,
    pub(crate) source: Source,
    pub(crate) steps: Vec<Step>,
    pub(crate) when: Option<Cond>,
    pub(crate) default: Option<Value>,
    pub(crate) required: bool,
    pub(crate) line: usize,
    /// The source is read by no later rule: an owned record may give the
    /// value away instead of cloning it (see `Plan::run_owned`).
    pub(crate) take: bool,
}

#[derive(Debug)]
pub(crate) enum Source {
    Nothing,
    One(FieldPath),
    Many(Vec<FieldPath>),
    Const(Value),
}

#[derive(Debug)]
pub(crate) struct Cond {
    pub(crate) path: FieldPath,
    pub(crate) test: CondTest,
}

#[derive(Debug)]
pub(crate) enum CondTest {
    Equals(Value),
    NotEquals(Value),
    Present(bool),
    OneOf(Vec<Value>),
    StartsWith(String),
}

/// What to do with a value that is not in a code list or value map.
#[derive(Debug, Clone)]
pub(crate) enum Unmapped {
    Error,
    Default(Value),
    PassThrough,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum NameStyle {
    Spanish,
    Kazakh,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum NamePart {
    First,
    Second,
    Surname,
    Given,
    Patronymic,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum DatePart {
    Year,
    Month,
    Day,
    Hour,
}

/// Which identifier check to run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdCheck {
    One(IdKind),
    /// DNI, or NIE when the value starts with X, Y or Z.
    DniOrNie,
}

/// One transform.
#[derive(Debug)]
pub(crate) enum Step {
    Trim,
    Upper,
    Lower,
    UpperTurkic,
    LowerTurkic,
    Translit(Scheme),
    Lookup {
        name: String,
        map: CodeMap,
        unmapped: Unmapped,
    },
    DateTime {
        assume: Option<Zone>,
        out: Zone,
        policy: LocalPolicy,
    },
    DateOf {
        zone: Zone,
    },
    DateToDateTime {
        time: NaiveTime,
        zone: Zone,
        out: Zone,
        policy: LocalPolicy,
    },
    LocalDateTime {
        zone: Zone,
        out: Zone,
        policy: LocalPolicy,
    },
    LocalPart {
        zone: Zone,
        part: DatePart,
    },
    Join {
        separator: String,
    },
    Coalesce,
    Word {
        rest: bool,
    },
    SplitName {
        style: NameStyle,
        part: NamePart,
    },
    Identifier {
        check: IdCheck,
        severity: Severity,
    },
    Number,
    Integer,
    Text,
    Pad {
        width: usize,
    },
    Scale {
        factor: f64,
    },
    Prefix(String),
    StripPrefix {
        prefix: String,
        unmapped: Unmapped,
    },
}

/// Where one target field came from (per-field provenance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProvenance {
    /// JSON pointer of the field in the output.
    pub target: String,
    /// JSON pointers of the source fields read (empty for constants).
    pub sources: Vec<String>,
    /// The mapping rule, as `file:line`.
    pub rule: String,
    /// How the value was obtained: `mapped`, `constant`, `default`,
    /// `code-default`, `pass-through`.
    pub how: &'static str,
}

/// What a plan run records besides errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Collect {
    /// Per-field provenance.
    pub(crate) provenance: bool,
    /// Warning and info findings (errors are always kept).
    pub(crate) warnings: bool,
}

/// Collects findings and, when asked, provenance while a plan runs.
pub(crate) struct Sink {
    pub(crate) findings: Vec<Finding>,
    pub(crate) provenance: Option<Vec<FieldProvenance>>,
    warnings: bool,
}

impl Sink {
    pub(crate) fn new(collect: Collect) -> Sink {
        Sink {
            findings: Vec::new(),
            provenance: collect.provenance.then(Vec::new),
            warnings: collect.warnings,
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Records a warning or info finding, built only when warnings are kept.
    fn note(&mut self, make: impl FnOnce() -> Finding) {
        if self.warnings {
            self.findings.push(make());
        }
    }
}

/// The record context a rule is evaluated in.
struct Scope<'a> {
    record: &'a Value,
    /// Pre-resolved top-level fields (see `Plan::keys`); empty when not used.
    slots: &'a [Option<&'a Value>],
    item: Option<(&'a Value, usize)>,
    /// JSON pointer of the exploded array, to render `$item` locations.
    item_base: &'a str,
    /// Prefix added to target pointers (an output index, a slot).
    target_prefix: &'a str,
}

static NULL: Value = Value::Null;

impl<'a> Scope<'a> {
    fn read(&self, path: &FieldPath) -> Cow<'a, Value> {
        match path.root {
            Root::Record => {
                let found = match path.slot.and_then(|slot| self.slots.get(slot)) {
                    Some(first) => first.and_then(|first| path::get(first, &path.segs[1..])),
                    None => path.get(self.record),
                };
                Cow::Borrowed(found.unwrap_or(&NULL))
            }
            Root::Item => Cow::Borrowed(
                self.item
                    .and_then(|(item, _)| path.get(item))
                    .unwrap_or(&NULL),
            ),
            Root::Index => Cow::Owned(
                self.item
                    .map_or(Value::Null, |(_, index)| Value::from(index)),
            ),
        }
    }

    fn pointer(&self, path: &FieldPath) -> String {
        match (path.root, self.item) {
            (Root::Item, Some((_, index))) => {
                let rest = path.pointer().strip_prefix("/$item").unwrap_or("");
                format!("{}/{index}{rest}", self.item_base)
            }
            (Root::Index, Some((_, index))) => format!("{}/{index}", self.item_base),
            _ => path.pointer().to_owned(),
        }
    }
}

/// What evaluating one rule produced.
enum RuleOut {
    Write(Value, &'static str),
    NotApplicable,
    Skip,
}

/// What one step produced.
enum Flow<'v> {
    Value(Cow<'v, Value>),
    Skip,
}

/// Context for one step: the rule and scope, to name locations in
/// findings (built only when a finding is made).
struct StepCtx<'a> {
    rule: &'a Rule,
    scope: &'a Scope<'a>,
    target: &'a str,
    how: &'static str,
}

impl StepCtx<'_> {
    fn location(&self) -> String {
        source_location(self.rule, self.scope)
    }
}

/// JSON pointer of the value a rule reads, for findings.
fn source_location(rule: &Rule, scope: &Scope<'_>) -> String {
    match &rule.source {
        Source::One(path) => scope.pointer(path),
        Source::Many(paths) => paths
            .iter()
            .find(|p| p.root != Root::Record)
            .or(paths.first())
            .map(|p| scope.pointer(p))
            .unwrap_or_default(),
        Source::Nothing | Source::Const(_) => {
            format!("{}{}", scope.target_prefix, rule.target.pointer())
        }
    }
}

impl Plan {
    /// Runs the plan over one input. For `Explode` the output is a JSON
    /// array; for `Collect` the input may be an array or a single record.
    pub(crate) fn run(&self, input: &Value, sink: &mut Sink) -> Value {
        match &self.shape {
            Shape::OneToOne => {
                let scope = Scope {
                    record: input,
                    slots: &fill_slots(&self.keys, input),
                    item: None,
                    item_base: "",
                    target_prefix: "",
                };
                self.build(&self.rules, &scope, sink).unwrap_or(Value::Null)
            }
            Shape::Explode { array } => {
                let mut out = Vec::new();
                let Some(Value::Array(elements)) = array.get(input) else {
                    sink.findings.push(Finding::new(
                        "GL-MAP-TYPE",
                        Severity::Error,
                        format!("expected an array at {array}"),
                        array.pointer(),
                    ));
                    return Value::Array(out);
                };
                for (index, element) in elements.iter().enumerate() {
                    let prefix = format!("/{}", out.len());
                    let scope = Scope {
                        record: input,
                        slots: &[],
                        item: Some((element, index)),
                        item_base: array.pointer(),
                        target_prefix: &prefix,
                    };
                    if let Some(value) = self.build(&self.rules, &scope, sink) {
                        out.push(value);
                    }
                }
                Value::Array(out)
            }
            Shape::Collect {
                into,
                length,
                empty,
                slot,
            } => self.collect(input, into, *length, empty, slot, sink),
        }
    }

    /// Evaluates `rules` into a new object; `None` when a rule says skip.
    fn build(&self, rules: &[Rule], scope: &Scope<'_>, sink: &mut Sink) -> Option<Value> {
        // Top-level fields are gathered in rule order and the object is
        // bulk-built at the end (a later write of the same key wins), which
        // is much cheaper than one ordered-map insertion per field.
        let mut top: Vec<(String, Value)> = Vec::with_capacity(rules.len());
        for rule in rules {
            let out = self.eval(rule, scope, None, sink);
            if !self.keep(rule, scope, out, &mut top, sink) {
                return None;
            }
        }
        Some(Value::Object(
            top.into_iter().collect::<Map<String, Value>>(),
        ))
    }

    /// Runs a one-to-one plan over a record it may consume: values read by
    /// a single rule are moved out instead of cloned.
    pub(crate) fn run_owned(&self, mut record: Value, sink: &mut Sink) -> Value {
        if !matches!(self.shape, Shape::OneToOne) {
            return self.run(&record, sink);
        }
        // Move out every value only one rule reads, in one ordered walk.
        let mut taken: Vec<Option<Value>> = Vec::new();
        if let Value::Object(map) = &mut record
            && !self.takes.is_empty()
        {
            taken.resize(self.rules.len(), None);
            let mut wanted = self.takes.iter().peekable();
            for (name, value) in map.iter_mut() {
                while let Some((key, rule)) = wanted.peek() {
                    match key.as_str().cmp(name.as_str()) {
                        std::cmp::Ordering::Less => {
                            wanted.next();
                        }
                        std::cmp::Ordering::Equal => {
                            taken[*rule] = Some(std::mem::take(value));
                            wanted.next();
                            break;
                        }
                        std::cmp::Ordering::Greater => break,
                    }
                }
            }
        }
        let slots = fill_slots(&self.keys, &record);
        let scope = Scope {
            record: &record,
            slots: &slots,
            item: None,
            item_base: "",
            target_prefix: "",
        };
        let mut top: Vec<(String, Value)> = Vec::with_capacity(self.rules.len());
        for (idx, rule) in self.rules.iter().enumerate() {
            let value = if rule.take {
                Some(
                    taken
                        .get_mut(idx)
                        .and_then(Option::take)
                        .unwrap_or(Value::Null),
                )
            } else {
                None
            };
            let out = self.eval(rule, &scope, value, sink);
            if !self.keep(rule, &scope, out, &mut top, sink) {
                return Value::Null;
            }
        }
        Value::Object(top.into_iter().collect::<Map<String, Value>>())
    }

    /// Records provenance and places a rule's output; false means skip the record.
    fn keep(
        &self,
        rule: &Rule,
        scope: &Scope<'_>,
        out: RuleOut,
        top: &mut Vec<(String, Value)>,
        sink: &mut Sink,
    ) -> bool {
        match out {
            RuleOut::Write(value, how) => {
                if let Some(provenance) = sink.provenance.as_mut() {
                    provenance.push(FieldProvenance {
                        target: format!("{}{}", scope.target_prefix, rule.target.pointer()),
                        sources: rule_sources(rule, scope),
                        rule: format!("{}:{}", self.file, rule.line),
                        how,
                    });
                }
                place(top, &rule.target, value);
                true
            }
            RuleOut::NotApplicable => true,
            RuleOut::Skip => false,
        }
    }

    /// Evaluates one rule; `taken` is its source value when the caller
    /// moved it out of an owned record already.
    fn eval<'s>(
        &'s self,
        rule: &'s Rule,
        scope: &'s Scope<'s>,
        taken: Option<Value>,
        sink: &mut Sink,
    ) -> RuleOut {
        if let Some(cond) = &rule.when
            && !cond.holds(&scope.read(&cond.path))
        {
            return RuleOut::NotApplicable;
        }
        let (mut value, mut how): (Cow<'s, Value>, &'static str) = match &rule.source {
            Source::Nothing => (Cow::Borrowed(&NULL), "mapped"),
            Source::One(_) if taken.is_some() => {
                (Cow::Owned(taken.unwrap_or(Value::Null)), "mapped")
            }
            Source::One(path) => (scope.read(path), "mapped"),
            Source::Many(paths) => (
                Cow::Owned(Value::Array(
                    paths.iter().map(|p| scope.read(p).into_owned()).collect(),
                )),
                "mapped",
            ),
            Source::Const(value) => (Cow::Borrowed(value), "constant"),
        };
        let target = rule.target.pointer();
        for step in &rule.steps {
            let mut ctx = StepCtx {
                rule,
                scope,
                target,
                how,
            };
            match step.apply(value, &mut ctx, sink) {
                Ok(Flow::Value(next)) => {
                    value = next;
                    how = ctx.how;
                }
                Ok(Flow::Skip) => return RuleOut::Skip,
                Err(finding) => {
                    sink.findings.push(finding);
                    return RuleOut::Write(Value::Null, "mapped");
                }
            }
        }
        if value.is_null() {
            if let Some(default) = &rule.default {
                value = Cow::Borrowed(default);
                how = "default";
            } else if rule.required {
                sink.findings.push(Finding::new(
                    "GL-MAP-REQUIRED",
                    Severity::Error,
                    format!("required field {target} has no value"),
                    source_location(rule, scope),
                ));
            }
        }
        RuleOut::Write(value.into_owned(), how)
    }

    fn collect(
        &self,
        input: &Value,
        into: &FieldPath,
        length: usize,
        empty: &Value,
        slot: &Rule,
        sink: &mut Sink,
    ) -> Value {
        let elements: Vec<&Value> = match input {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let Some(first) = elements.first() else {
            sink.findings.push(Finding::new(
                "GL-MAP-COLLECT",
                Severity::Error,
                "nothing to collect: the input array is empty",
                "",
            ));
            return Value::Null;
        };
        let head_scope = Scope {
            record: first,
            slots: &[],
            item: None,
            item_base: "",
            target_prefix: "",
        };
        let Some(mut out) = self.build(&self.rules, &head_scope, sink) else {
            return Value::Null;
        };
        let mut slots = vec![empty.clone(); length];
        let mut filled = vec![false; length];
        for (index, element) in elements.iter().enumerate() {
            let prefix = format!("/{index}");
            let scope = Scope {
                record: element,
                slots: &[],
                item: None,
                item_base: "",
                target_prefix: &prefix,
            };
            if index > 0 {
                // Every element must belong to the same output record.
                let mut quiet = Sink::new(Collect {
                    provenance: false,
                    warnings: false,
                });
                let head = self.build(&self.rules, &scope, &mut quiet);
                if head.as_ref() != Some(&out) {
                    sink.findings.push(Finding::new(
                        "GL-MAP-COLLECT",
                        Severity::Error,
                        format!(
                            "element {index} belongs to a different {} record than element 0",
                            self.to
                        ),
                        prefix.clone(),
                    ));
                    continue;
                }
            }
            let position = match self.eval(slot, &scope, None, sink) {
                RuleOut::Write(Value::Number(n), _) => {
                    n.as_u64().and_then(|n| usize::try_from(n).ok())
                }
                _ => None,
            };
            let Some(position) = position.filter(|p| *p < length) else {
                sink.findings.push(Finding::new(
                    "GL-MAP-COLLECT",
                    Severity::Error,
                    format!("element {index} has no slot in 0..{length} of {into}"),
                    prefix,
                ));
                continue;
            };
            if filled[position] {
                sink.findings.push(Finding::new(
                    "GL-MAP-COLLECT",
                    Severity::Error,
                    format!("element {index} falls in slot {position} of {into}, already filled"),
                    prefix,
                ));
                continue;
            }
            let slot_prefix = format!("{}/{position}", into.pointer());
            let item_scope = Scope {
                record: element,
                slots: &[],
                item: None,
                item_base: "",
                target_prefix: &slot_prefix,
            };
            if let Some(value) = self.build(&self.items, &item_scope, sink) {
                slots[position] = value;
                filled[position] = true;
            }
        }
        into.set(&mut out, Value::Array(slots));
        out
    }
}

/// Writes `value` at `target` into the pending top-level fields.
fn place(top: &mut Vec<(String, Value)>, target: &FieldPath, value: Value) {
    let Some((Seg::Key(first), rest)) = target.segs.split_first() else {
        return;
    };
    if rest.is_empty() {
        top.push((first.clone(), value));
        return;
    }
    match top.iter_mut().rev().find(|(key, _)| key == first) {
        Some((_, existing)) => path::set(existing, rest, value),
        None => {
            let mut child = Value::Null;
            path::set(&mut child, rest, value);
            top.push((first.clone(), child));
        }
    }
}

fn rule_sources(rule: &Rule, scope: &Scope<'_>) -> Vec<String> {
    match &rule.source {
        Source::One(path) => vec![scope.pointer(path)],
        Source::Many(paths) => paths.iter().map(|p| scope.pointer(p)).collect(),
        Source::Nothing | Source::Const(_) => Vec::new(),
    }
}

impl Cond {
    fn holds(&self, value: &Value) -> bool {
        match &self.test {
            CondTest::Equals(expected) => loosely_equal(value, expected),
            CondTest::NotEquals(expected) => !loosely_equal(value, expected),
            CondTest::Present(present) => value.is_null() != *present,
            CondTest::OneOf(options) => options.iter().any(|o| loosely_equal(value, o)),
            CondTest::StartsWith(prefix) => value
                .as_str()
                .is_some_and(|s| s.starts_with(prefix.as_str())),
        }
    }
}

fn loosely_equal(value: &Value, expected: &Value) -> bool {
    match (value, expected) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => value == expected,
    }
}

/// The text used to look a value up in a code list or value map.
pub(crate) fn lookup_key(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn type_error(ctx: &StepCtx<'_>, op: &str, expected: &str, got: &Value) -> Finding {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Finding::new(
        "GL-MAP-TYPE",
        Severity::Error,
        format!("{op} for {} needs {expected}, found {kind}", ctx.target),
        ctx.location(),
    )
}

fn as_text<'v>(value: &'v Value, ctx: &StepCtx<'_>, op: &str) -> Result<&'v str, Finding> {
    value
        .as_str()
        .ok_or_else(|| type_error(ctx, op, "a string", value))
}

fn as_integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

fn as_float(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let s = s.trim();
            // Madrid files write decimals with a comma in some years.
            s.parse::<f64>()
                .ok()
                .or_else(|| s.replace(',', ".").parse::<f64>().ok())
        }
        _ => None,
    }
    .filter(|f| f.is_finite())
}

fn time_error(ctx: &StepCtx<'_>, err: &time::TimeError) -> Finding {
    Finding::new(
        "GL-MAP-DATETIME",
        Severity::Error,
        format!("{} cannot be set: {err}", ctx.target),
        ctx.location(),
    )
}

fn placed<'v>(
    result: Result<Placed, time::TimeError>,
    out: &Zone,
    ctx: &StepCtx<'_>,
    sink: &mut Sink,
) -> Result<Flow<'v>, Finding> {
    match result {
        Ok(Placed::At(dt)) => Ok(Flow::Value(Cow::Owned(Value::String(
            time::format_datetime(dt, out),
        )))),
        Ok(Placed::Skipped) => {
            sink.note(|| {
                Finding::new(
                    "GL-MAP-TIME-SKIPPED",
                    Severity::Info,
                    format!(
                        "{} falls in a daylight-saving gap and was dropped",
                        ctx.target
                    ),
                    ctx.location(),
                )
            });
            Ok(Flow::Skip)
        }
        Err(err) => Err(time_error(ctx, &err)),
    }
}

impl Step {
    fn apply<'v>(
        &self,
        value: Cow<'v, Value>,
        ctx: &mut StepCtx<'_>,
        sink: &mut Sink,
    ) -> Result<Flow<'v>, Finding> {
        // Most transforms carry null through: an absent optional field stays absent.
        let passes_null = !matches!(self, Step::Join { .. } | Step::Coalesce);
        if passes_null && value.is_null() {
            return Ok(Flow::Value(value));
        }
        let out = match self {
            Step::Trim => {
                let trimmed = match value.as_ref() {
                    Value::String(s) => {
                        let t = s.trim();
                        if t.is_empty() {
                            Some(Value::Null)
                        } else if t.len() == s.len() {
                            None
                        } else {
                            Some(Value::String(t.to_owned()))
                        }
                    }
                    _ => None,
                };
                match trimmed {
                    Some(trimmed) => trimmed,
                    None => return Ok(Flow::Value(value)),
                }
            }
            Step::Upper => Value::String(as_text(&value, ctx, "upper")?.to_uppercase()),
            Step::Lower => Value::String(as_text(&value, ctx, "lower")?.to_lowercase()),
            Step::UpperTurkic => Value::String(translit::turkic_upper(as_text(
                &value,
                ctx,
                "upper_turkic",
            )?)),
            Step::LowerTurkic => Value::String(translit::turkic_lower(as_text(
                &value,
                ctx,
                "lower_turkic",
            )?)),
            Step::Translit(scheme) => {
                let (latin, unknown) =
                    translit::transliterate(*scheme, as_text(&value, ctx, "translit")?);
                if unknown > 0 {
                    sink.note(|| {
                        Finding::new(
                            "GL-MAP-TRANSLIT",
                            Severity::Warning,
                            format!("{unknown} letter(s) for {} are outside the transliteration table and were kept", ctx.target),
                            ctx.location(),
                        )
                    });
                }
                Value::String(latin)
            }
            Step::Lookup {
                name,
                map,
                unmapped,
            } => {
                let found = match value.as_ref() {
                    Value::String(key) => map.get(key.as_str()),
                    other => {
                        let key = lookup_key(other).ok_or_else(|| {
                            type_error(ctx, "lookup", "a string or number", other)
                        })?;
                        map.get(&key)
                    }
                };
                match found {
                    Some(found) => found.clone(),
                    None => {
                        return unmapped_value(unmapped, value, Miss::NotIn(name), ctx, sink)
                            .map(Flow::Value);
                    }
                }
            }
            Step::DateTime {
                assume,
                out,
                policy,
            } => {
                let text = as_text(&value, ctx, "datetime")?;
                return placed(
                    time::parse_datetime(text, assume.as_ref(), *policy),
                    out,
                    ctx,
                    sink,
                );
            }
            Step::DateOf { zone } => {
                let text = as_text(&value, ctx, "date_of")?;
                match time::parse_datetime(text, None, LocalPolicy::default()) {
                    Ok(Placed::At(dt)) => {
                        Value::String(time::local_date(dt, zone).format("%Y-%m-%d").to_string())
                    }
                    Ok(Placed::Skipped) => Value::Null,
                    Err(err) => return Err(time_error(ctx, &err)),
                }
            }
            Step::DateToDateTime {
                time: at,
                zone,
                out,
                policy,
            } => {
                let text = as_text(&value, ctx, "date_to_datetime")?;
                let date = time::parse_date(text).map_err(|err| time_error(ctx, &err))?;
                return placed(time::at_time(date, *at, zone, *policy), out, ctx, sink);
            }
            Step::LocalDateTime { zone, out, policy } => {
                let parts = match value.as_ref() {
                    Value::Array(parts) if parts.len() == 4 => parts,
                    _ => {
                        return Err(type_error(
                            ctx,
                            "local_datetime",
                            "[year, month, day, hour]",
                            &value,
                        ));
                    }
                };
                let nums: Vec<Option<i64>> = parts.iter().map(as_integer).collect();
                let (Some(y), Some(m), Some(d), Some(h)) = (nums[0], nums[1], nums[2], nums[3])
                else {
                    return Err(type_error(ctx, "local_datetime", "four integers", &value));
                };
                let date = i32::try_from(y)
                    .ok()
                    .zip(u32::try_from(m).ok())
                    .zip(u32::try_from(d).ok())
                    .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d));
                let (date, hour) = match (date, h) {
                    (Some(date), 24) => (date.checked_add_signed(Duration::days(1)), 0),
                    (date, 0..=23) => (date, h as u32),
                    _ => (None, 0),
                };
                let naive = date.and_then(|date| date.and_hms_opt(hour, 0, 0));
                let Some(naive) = naive else {
                    return Err(Finding::new(
                        "GL-MAP-DATETIME",
                        Severity::Error,
                        format!(
                            "{} cannot be set: {y}-{m}-{d} hour {h} is not a date and hour",
                            ctx.target
                        ),
                        ctx.location(),
                    ));
                };
                return placed(time::place_local(naive, zone, *policy), out, ctx, sink);
            }
            Step::LocalPart { zone, part } => {
                let text = as_text(&value, ctx, "local_part")?;
                let dt = match time::parse_datetime(text, None, LocalPolicy::default()) {
                    Ok(Placed::At(dt)) => zone.convert(dt),
                    Ok(Placed::Skipped) => return Ok(Flow::Value(Cow::Owned(Value::Null))),
                    Err(err) => return Err(time_error(ctx, &err)),
                };
                Value::from(match part {
                    DatePart::Year => i64::from(dt.year()),
                    DatePart::Month => i64::from(dt.month()),
                    DatePart::Day => i64::from(dt.day()),
                    DatePart::Hour => i64::from(dt.hour()),
                })
            }
            Step::Join { separator } => match value.as_ref() {
                Value::Array(parts) => {
                    let texts: Vec<String> = parts
                        .iter()
                        .filter_map(|p| match p {
                            Value::String(s) => Some(s.trim().to_owned()),
                            Value::Number(_) | Value::Bool(_) => lookup_key(p),
                            _ => None,
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    if texts.is_empty() {
                        Value::Null
                    } else {
                        Value::String(texts.join(separator))
                    }
                }
                _ => return Ok(Flow::Value(value)),
            },
            Step::Coalesce => match value.into_owned() {
                Value::Array(parts) => parts
                    .into_iter()
                    .find(|p| !p.is_null())
                    .unwrap_or(Value::Null),
                other => other,
            },
            Step::Word { rest } => {
                let text = as_text(&value, ctx, "word")?.trim();
                let (first, remainder) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
                let piece = if *rest { remainder.trim() } else { first };
                if piece.is_empty() {
                    Value::Null
                } else {
                    Value::String(piece.to_owned())
                }
            }
            Step::SplitName { style, part } => {
                let text = as_text(&value, ctx, "split_name")?;
                let piece = match style {
                    NameStyle::Spanish => {
                        let split = names::split_spanish_surnames(text);
                        match part {
                            NamePart::Second => split.second,
                            _ => Some(split.first).filter(|s| !s.is_empty()),
                        }
                    }
                    NameStyle::Kazakh => names::split_kazakh_name(text).and_then(|n| match part {
                        NamePart::Given => n.given,
                        NamePart::Patronymic => n.patronymic,
                        _ => Some(n.surname),
                    }),
                };
                piece.map_or(Value::Null, Value::String)
            }
            Step::Identifier { check, severity } => {
                let text = as_text(&value, ctx, "identifier")?;
                let result = match check {
                    IdCheck::One(kind) => ids::check(*kind, text),
                    IdCheck::DniOrNie => {
                        let kind = if text.starts_with(['X', 'Y', 'Z']) {
                            IdKind::Nie
                        } else {
                            IdKind::Dni
                        };
                        ids::check(kind, text)
                    }
                };
                if let Err(err) = result {
                    let finding = Finding::new(
                        "GL-MAP-ID-INVALID",
                        *severity,
                        format!("{} '{text}' is not valid: {err}", ctx.target),
                        ctx.location(),
                    );
                    if *severity == Severity::Error {
                        return Err(finding);
                    }
                    sink.note(|| finding);
                }
                return Ok(Flow::Value(value));
            }
            Step::Number => match as_float(&value) {
                Some(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
                None if value.as_str().is_some_and(|s| s.trim().is_empty()) => Value::Null,
                None => return Err(type_error(ctx, "number", "a number", &value)),
            },
            Step::Integer => match as_integer(&value) {
                Some(i) => Value::from(i),
                None if value.as_str().is_some_and(|s| s.trim().is_empty()) => Value::Null,
                None => return Err(type_error(ctx, "integer", "an integer", &value)),
            },
            Step::Text => match lookup_key(&value) {
                Some(text) => Value::String(text),
                None => return Err(type_error(ctx, "text", "a scalar", &value)),
            },
            Step::Pad { width } => {
                let text = lookup_key(&value)
                    .ok_or_else(|| type_error(ctx, "pad", "a string or number", &value))?;
                Value::String(format!("{text:0>width$}"))
            }
            Step::Scale { factor } => match as_float(&value) {
                Some(f) => Number::from_f64(f * factor).map_or(Value::Null, Value::Number),
                None => return Err(type_error(ctx, "scale", "a number", &value)),
            },
            Step::Prefix(prefix) => {
                let mut out = String::new();
                match value.as_ref() {
                    Value::String(text) => {
                        out.reserve(prefix.len() + text.len());
                        out.push_str(prefix);
                        out.push_str(text);
                    }
                    other => {
                        let text = lookup_key(other).ok_or_else(|| {
                            type_error(ctx, "prefix", "a string or number", other)
                        })?;
                        out.push_str(prefix);
                        out.push_str(&text);
                    }
                }
                Value::String(out)
            }
            Step::StripPrefix { prefix, unmapped } => {
                let text = as_text(&value, ctx, "strip_prefix")?;
                match text.strip_prefix(prefix.as_str()) {
                    Some(rest) => Value::String(rest.to_owned()),
                    None => {
                        return unmapped_value(unmapped, value, Miss::Prefix(prefix), ctx, sink)
                            .map(Flow::Value);
                    }
                }
            }
        };
        Ok(Flow::Value(Cow::Owned(out)))
    }
}

/// Why a value had no mapping, for messages.
#[derive(Clone, Copy)]
enum Miss<'a> {
    NotIn(&'a str),
    Prefix(&'a str),
}

impl std::fmt::Display for Miss<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::NotIn(name) => write!(f, "is not in {name}"),
            Miss::Prefix(prefix) => write!(f, "does not start with '{prefix}'"),
        }
    }
}

fn unmapped_value<'v>(
    policy: &Unmapped,
    value: Cow<'v, Value>,
    miss: Miss<'_>,
    ctx: &mut StepCtx<'_>,
    sink: &mut Sink,
) -> Result<Cow<'v, Value>, Finding> {
    let key = || lookup_key(&value).unwrap_or_default();
    match policy {
        Unmapped::Error => Err(Finding::new(
            "GL-MAP-CODE-UNMAPPED",
            Severity::Error,
            format!("'{}' for {} {miss}", key(), ctx.target),
            ctx.location(),
        )),
        Unmapped::Default(default) => {
            sink.note(|| {
                Finding::new(
                    "GL-MAP-CODE-DEFAULT",
                    Severity::Warning,
                    format!(
                        "'{}' for {} {miss}; used the default {default}",
                        key(),
                        ctx.target
                    ),
                    ctx.location(),
                )
            });
            ctx.how = "code-default";
            Ok(Cow::Owned(default.clone()))
        }
        Unmapped::PassThrough => {
            sink.note(|| {
                Finding::new(
                    "GL-MAP-CODE-PASSTHROUGH",
                    Severity::Warning,
                    format!("'{}' for {} {miss}; copied unchanged", key(), ctx.target),
                    ctx.location(),
                )
            });
            ctx.how = "pass-through";
            Ok(value)
        }
    }
}
