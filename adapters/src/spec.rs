//! Mapping specs: TOML files in `adapters/mappings/`, one per direction,
//! compiled once into an execution plan. Errors carry file, line and reason.
//!
//! # Format
//!
//! ```toml
//! [mapping]
//! from = "madrid.request"          # schema names, see `Adapters::schemas`
//! to = "canonical.appeal"
//! description = "what this direction does"
//! # explode = "horas"              # one output per element ($item, $index)
//! # collect = { into = "horas", length = 24, empty = {...}, slot = { from = "...", steps = [...] } }
//!
//! [[rule]]
//! to = "requestType"               # target path (a.b[0].c)
//! from = "tipo"                    # source path, or a list of paths
//! # value = "constant"             # instead of `from`
//! # when = { path = "x", equals = "y" }   # or not_equals / present / one_of / starts_with
//! # default = "used when the result is null"
//! # required = true                # null result is an error
//! steps = [
//!   { op = "codelist", list = "appeal_types", key = "madrid_tipo", value = "code", unmapped = "error" },
//! ]
//! ```
//!
//! Ops: `trim`, `upper`, `lower`, `upper_turkic`, `lower_turkic`,
//! `translit` (`scheme` = `kk_latin_2021` | `ru_icao`), `codelist` (`list`,
//! `key`, `value`, `unmapped` = `error` | `default` | `pass_through`,
//! `default`, null when left out), `map` (`table`, `unmapped`, `default`), `datetime`
//! (`assume_zone`, `zone`, `ambiguous` = `earliest` | `latest` | `error`,
//! `nonexistent` = `error` | `shift_forward` | `skip`), `date_of` (`zone`),
//! `date_to_datetime` (`time`, `zone`, `out_zone`), `local_datetime`
//! (`zone`, `out_zone`, policies; input `[year, month, day, hour]`),
//! `local_part` (`zone`, `part` = `year` | `month` | `day` | `hour`),
//! `join` (`separator`), `word` (`part` = `first` | `rest`), `coalesce`, `split_name` (`style` = `es` | `kz`,
//! `part` = `first` | `second` | `surname` | `given` | `patronymic`),
//! `identifier` (`kind` = `iin` | `bin` | `dni` | `nie` | `dni_or_nie`,
//! `severity` = `error` | `warning`), `number`, `integer`, `text`, `pad`
//! (`width`), `scale` (`factor`) or `unit` (`from`, `to`), `prefix`
//! (`value`), `strip_prefix` (`value`, `unmapped`).

use std::ops::Range;

use chrono::NaiveTime;
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::codelists::CodeLists;
use crate::engine::{
    CodeMap, Cond, CondTest, DatePart, IdCheck, NamePart, NameStyle, Plan, Rule, Shape, Source,
    Step, Unmapped,
};
use crate::finding::Severity;
use crate::ids::IdKind;
use crate::path::FieldPath;
use crate::time::{Ambiguous, LocalPolicy, Nonexistent, Zone};
use crate::translit::Scheme;

/// A mapping spec that cannot be loaded: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct SpecError {
    /// The spec file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// What is wrong and how to fix it.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    mapping: Spanned<RawHeader>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    item: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    from: String,
    to: String,
    #[serde(default)]
    description: String,
    explode: Option<String>,
    collect: Option<RawCollect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollect {
    into: String,
    length: usize,
    empty: toml::Value,
    slot: RawRule,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    to: String,
    from: Option<RawFrom>,
    value: Option<toml::Value>,
    default: Option<toml::Value>,
    when: Option<RawWhen>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    steps: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    #[allow(
        dead_code,
        reason = "documentation for spec readers, not used by the engine"
    )]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFrom {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhen {
    path: String,
    equals: Option<toml::Value>,
    not_equals: Option<toml::Value>,
    present: Option<bool>,
    one_of: Option<Vec<toml::Value>>,
    starts_with: Option<String>,
}

/// Line numbers from byte offsets.
struct Lines<'a> {
    file: &'a str,
    text: &'a str,
}

impl Lines<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn error(&self, span: Range<usize>, reason: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.to_owned(),
            line: self.line(span),
            reason: reason.into(),
        }
    }
}

pub(crate) fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(dt) => Value::String(dt.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// Known schema names (`madrid.resident`, `canonical.person`, …).
pub(crate) fn compile(
    file: &str,
    text: &str,
    codelists: &CodeLists,
    known_schemas: &[&str],
) -> Result<Plan, SpecError> {
    let lines = Lines { file, text };
    let raw: RawSpec = toml::from_str(text).map_err(|err| SpecError {
        file: file.to_owned(),
        line: err.span().map_or(0, |span| lines.line(span)),
        reason: err.message().trim().to_owned(),
    })?;
    let header_span = raw.mapping.span();
    let header = raw.mapping.into_inner();
    for name in [&header.from, &header.to] {
        if !known_schemas.contains(&name.as_str()) {
            return Err(lines.error(
                header_span.clone(),
                format!(
                    "unknown schema '{name}'; known schemas are: {}",
                    known_schemas.join(", ")
                ),
            ));
        }
    }
    let compile_rules = |raws: Vec<Spanned<RawRule>>| -> Result<Vec<Rule>, SpecError> {
        raws.into_iter()
            .map(|raw| {
                let span = raw.span();
                compile_rule(raw.into_inner(), span, &lines, codelists)
            })
            .collect()
    };
    let mut rules = compile_rules(raw.rule)?;
    mark_takes(&mut rules);
    let keys = assign_slots(&mut rules);
    let takes = take_table(&rules);
    let items = compile_rules(raw.item)?;
    let shape = match (header.explode, header.collect) {
        (Some(_), Some(_)) => {
            return Err(lines.error(header_span, "a mapping cannot both explode and collect"));
        }
        (Some(array), None) => Shape::Explode {
            array: FieldPath::parse(&array).map_err(|e| lines.error(header_span.clone(), e))?,
        },
        (None, Some(collect)) => {
            if collect.length == 0 || collect.length > 10_000 {
                return Err(lines.error(header_span, "collect.length must be between 1 and 10000"));
            }
            let mut slot_raw = collect.slot;
            slot_raw.to = "$slot".to_owned();
            Shape::Collect {
                into: FieldPath::parse(&collect.into)
                    .map_err(|e| lines.error(header_span.clone(), e))?,
                length: collect.length,
                empty: to_json(&collect.empty),
                slot: Box::new(compile_rule_with_target(
                    slot_raw,
                    header_span.clone(),
                    &lines,
                    codelists,
                    FieldPath::parse("slot").map_err(|e| lines.error(header_span.clone(), e))?,
                )?),
            }
        }
        (None, None) => Shape::OneToOne,
    };
    if !items.is_empty() && !matches!(shape, Shape::Collect { .. }) {
        return Err(lines.error(
            header_span,
            "[[item]] rules need `collect` in [mapping]; use [[rule]] otherwise",
        ));
    }
    if rules.is_empty() {
        return Err(lines.error(header_span, "the spec has no [[rule]]"));
    }
    Ok(Plan {
        from: header.from,
        to: header.to,
        file: file.to_owned(),
        description: header.description,
        shape,
        rules,
        items,
        keys,
        takes,
    })
}

/// Sorted distinct top-level fields the rules read from the record, with
/// each record-rooted path's `slot` pointing into it.
fn assign_slots(rules: &mut [Rule]) -> Vec<String> {
    let first_key = |path: &FieldPath| match (path.root, path.segs.first()) {
        (crate::path::Root::Record, Some(crate::path::Seg::Key(key))) => Some(key.clone()),
        _ => None,
    };
    let mut keys: Vec<String> = Vec::new();
    for rule in rules.iter() {
        for path in rule_paths(rule) {
            keys.extend(first_key(path));
        }
    }
    keys.sort();
    keys.dedup();
    for rule in rules.iter_mut() {
        let mut set = |path: &mut FieldPath| {
            path.slot = first_key(path).and_then(|key| keys.binary_search(&key).ok());
        };
        match &mut rule.source {
            Source::One(path) => set(path),
            Source::Many(paths) => paths.iter_mut().for_each(&mut set),
            Source::Nothing | Source::Const(_) => {}
        }
        if let Some(cond) = &mut rule.when {
            set(&mut cond.path);
        }
    }
    keys
}

fn rule_paths(rule: &Rule) -> Vec<&FieldPath> {
    let mut paths: Vec<&FieldPath> = match &rule.source {
        Source::One(path) => vec![path],
        Source::Many(paths) => paths.iter().collect(),
        Source::Nothing | Source::Const(_) => Vec::new(),
    };
    if let Some(cond) = &rule.when {
        paths.push(&cond.path);
    }
    paths
}

/// Sorted `(field, rule index)` of the rules that may move their value.
fn take_table(rules: &[Rule]) -> Vec<(String, usize)> {
    let mut takes: Vec<(String, usize)> = rules
        .iter()
        .enumerate()
        .filter_map(|(idx, rule)| match (&rule.source, rule.take) {
            (Source::One(path), true) => match path.segs.as_slice() {
                [crate::path::Seg::Key(key)] => Some((key.clone(), idx)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    takes.sort();
    takes
}

/// Marks the rules whose single source path no other rule reads (as a
/// source or a condition, nor through an overlapping path), so an owned
/// record can move that value instead of cloning it.
fn mark_takes(rules: &mut [Rule]) {
    let reads: Vec<Vec<&FieldPath>> = rules.iter().map(rule_paths).collect();
    let takes: Vec<bool> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let Source::One(path) = &rule.source else {
                return false;
            };
            if path.root != crate::path::Root::Record || path.segs.len() != 1 {
                return false;
            }
            let shared = reads.iter().enumerate().any(|(j, other)| {
                let own_condition = j == i
                    && rule
                        .when
                        .as_ref()
                        .is_some_and(|c| crate::path::overlaps(&c.path, path));
                (j != i || own_condition) && other.iter().any(|p| crate::path::overlaps(p, path))
            });
            !shared
        })
        .collect();
    for (rule, take) in rules.iter_mut().zip(takes) {
        rule.take = take;
    }
}

fn compile_rule(
    raw: RawRule,
    span: Range<usize>,
    lines: &Lines<'_>,
    codelists: &CodeLists,
) -> Result<Rule, SpecError> {
    if raw.to.is_empty() {
        return Err(lines.error(span, "rule has no `to`: name the target field"));
    }
    let target = FieldPath::parse(&raw.to).map_err(|e| lines.error(span.clone(), e))?;
    compile_rule_with_target(raw, span, lines, codelists, target)
}

fn compile_rule_with_target(
    raw: RawRule,
    span: Range<usize>,
    lines: &Lines<'_>,
    codelists: &CodeLists,
    target: FieldPath,
) -> Result<Rule, SpecError> {
    let path = |text: &str| FieldPath::parse(text).map_err(|e| lines.error(span.clone(), e));
    let source = match (raw.from, raw.value) {
        (Some(_), Some(_)) => {
            return Err(lines.error(
                span,
                format!(
                    "rule for '{}' has both `from` and `value`; keep one",
                    raw.to
                ),
            ));
        }
        (Some(RawFrom::One(from)), None) => Source::One(path(&from)?),
        (Some(RawFrom::Many(froms)), None) => {
            Source::Many(froms.iter().map(|f| path(f)).collect::<Result<_, _>>()?)
        }
        (None, Some(value)) => Source::Const(to_json(&value)),
        (None, None) => Source::Nothing,
    };
    let when = match raw.when {
        None => None,
        Some(when) => {
            let tests = [
                when.equals.as_ref().map(|v| CondTest::Equals(to_json(v))),
                when.not_equals
                    .as_ref()
                    .map(|v| CondTest::NotEquals(to_json(v))),
                when.present.map(CondTest::Present),
                when.one_of
                    .as_ref()
                    .map(|vs| CondTest::OneOf(vs.iter().map(to_json).collect())),
                when.starts_with.clone().map(CondTest::StartsWith),
            ];
            let mut tests = tests.into_iter().flatten();
            let (Some(test), None) = (tests.next(), tests.next()) else {
                return Err(lines.error(
                    span,
                    "`when` needs exactly one of equals, not_equals, present, one_of, starts_with",
                ));
            };
            Some(Cond {
                path: path(&when.path)?,
                test,
            })
        }
    };
    let steps = raw
        .steps
        .into_iter()
        .map(|step| {
            let step_span = step.span();
            compile_step(step.get_ref(), &raw.to, codelists)
                .map_err(|reason| lines.error(step_span, reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rule {
        target,
        source,
        steps,
        when,
        default: raw.default.as_ref().map(to_json),
        required: raw.required,
        line: lines.line(span),
        take: false,
    })
}

struct Params<'a> {
    op: &'a str,
    table: &'a toml::Table,
}

impl<'a> Params<'a> {
    fn str(&self, key: &str) -> Result<Option<&'a str>, String> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("`{key}` of op '{}' must be a string", self.op)),
        }
    }

    fn required_str(&self, key: &str) -> Result<&'a str, String> {
        self.str(key)?
            .ok_or_else(|| format!("op '{}' needs `{key}`", self.op))
    }

    fn zone(&self, key: &str) -> Result<Option<Zone>, String> {
        match self.str(key)? {
            None => Ok(None),
            Some(name) => Zone::parse(name).map(Some).ok_or_else(|| {
                format!("`{key}` = '{name}' is not a time zone; use UTC, +05:00 or an IANA name like Europe/Madrid")
            }),
        }
    }

    fn required_zone(&self, key: &str) -> Result<Zone, String> {
        self.zone(key)?
            .ok_or_else(|| format!("op '{}' needs `{key}`", self.op))
    }

    fn policy(&self) -> Result<LocalPolicy, String> {
        let ambiguous = match self.str("ambiguous")? {
            None | Some("error") => Ambiguous::Error,
            Some("earliest") => Ambiguous::Earliest,
            Some("latest") => Ambiguous::Latest,
            Some(other) => {
                return Err(format!(
                    "`ambiguous` = '{other}'; use earliest, latest or error"
                ));
            }
        };
        let nonexistent = match self.str("nonexistent")? {
            None | Some("error") => Nonexistent::Error,
            Some("shift_forward") => Nonexistent::ShiftForward,
            Some("skip") => Nonexistent::Skip,
            Some(other) => {
                return Err(format!(
                    "`nonexistent` = '{other}'; use error, shift_forward or skip"
                ));
            }
        };
        Ok(LocalPolicy {
            ambiguous,
            nonexistent,
        })
    }

    fn unmapped(&self) -> Result<Unmapped, String> {
        let default = self.table.get("default").map(to_json);
        match (self.str("unmapped")?, default) {
            (None | Some("error"), None) => Ok(Unmapped::Error),
            (Some("default"), Some(default)) => Ok(Unmapped::Default(default)),
            // TOML has no null: `default` left out means null.
            (Some("default"), None) => Ok(Unmapped::Default(Value::Null)),
            (Some("pass_through"), None) => Ok(Unmapped::PassThrough),
            (Some("error" | "pass_through") | None, Some(_)) => {
                Err("`default` is only used with `unmapped` = 'default'".to_owned())
            }
            (Some(other), _) => Err(format!(
                "`unmapped` = '{other}'; use error, default or pass_through"
            )),
        }
    }

    fn check_keys(&self, allowed: &[&str]) -> Result<(), String> {
        for key in self.table.keys() {
            if key != "op" && !allowed.contains(&key.as_str()) {
                let allowed = if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                };
                return Err(format!(
                    "op '{}' has no parameter `{key}`; parameters are: {allowed}",
                    self.op
                ));
            }
        }
        Ok(())
    }
}

const OPS: &str = "word, trim, upper, lower, upper_turkic, lower_turkic, translit, codelist, map, datetime, date_of, date_to_datetime, local_datetime, local_part, join, coalesce, split_name, identifier, number, integer, text, pad, scale, unit, prefix, strip_prefix";

/// Conversion factors between the units the datasets use.
fn unit_factor(from: &str, to: &str) -> Option<f64> {
    let scale = |unit: &str| -> Option<f64> {
        match unit {
            "µg/m³" | "ug/m3" | "μg/m³" => Some(1.0e-3),
            "mg/m³" | "mg/m3" => Some(1.0),
            "g/m³" | "g/m3" => Some(1.0e3),
            _ => None,
        }
    };
    Some(scale(from)? / scale(to)?)
}

fn compile_step(table: &toml::Table, target: &str, codelists: &CodeLists) -> Result<Step, String> {
    let op = match table.get("op") {
        Some(toml::Value::String(op)) => op.as_str(),
        _ => {
            return Err(format!(
                "step of rule '{target}' has no `op`; ops are: {OPS}"
            ));
        }
    };
    let p = Params { op, table };
    let step = match op {
        "trim" | "upper" | "lower" | "upper_turkic" | "lower_turkic" | "coalesce" | "number"
        | "integer" | "text" => {
            p.check_keys(&[])?;
            match op {
                "trim" => Step::Trim,
                "upper" => Step::Upper,
                "lower" => Step::Lower,
                "upper_turkic" => Step::UpperTurkic,
                "lower_turkic" => Step::LowerTurkic,
                "coalesce" => Step::Coalesce,
                "number" => Step::Number,
                "integer" => Step::Integer,
                _ => Step::Text,
            }
        }
        "translit" => {
            p.check_keys(&["scheme"])?;
            let name = p.required_str("scheme")?;
            Step::Translit(
                Scheme::from_name(name)
                    .ok_or_else(|| format!("`scheme` = '{name}'; use kk_latin_2021 or ru_icao"))?,
            )
        }
        "codelist" => {
            p.check_keys(&["list", "key", "value", "unmapped", "default"])?;
            let name = p.required_str("list")?;
            let list = codelists.get(name).ok_or_else(|| {
                format!(
                    "unknown code list '{name}'; lists are: {}",
                    codelists.names().join(", ")
                )
            })?;
            let key = p.str("key")?.unwrap_or(&list.columns()[0]);
            let value = p.str("value")?.unwrap_or(&list.columns()[0]);
            let (map, shadowed) = list.column_map(key, value).map_err(|e| e.to_string())?;
            if !shadowed.is_empty() {
                return Err(format!(
                    "column '{key}' of code list '{name}' is not unique ({} repeats), so it cannot be a lookup key",
                    shadowed.join(", ")
                ));
            }
            Step::Lookup {
                name: format!("code list {name}"),
                map: map
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect::<CodeMap>(),
                unmapped: p.unmapped()?,
            }
        }
        "map" => {
            p.check_keys(&["table", "unmapped", "default"])?;
            let Some(toml::Value::Table(entries)) = table.get("table") else {
                return Err("op 'map' needs `table` = { source = target, ... }".to_owned());
            };
            Step::Lookup {
                name: format!("the value map of rule '{target}'"),
                map: entries
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json(v)))
                    .collect::<CodeMap>(),
                unmapped: p.unmapped()?,
            }
        }
        "datetime" => {
            p.check_keys(&["assume_zone", "zone", "ambiguous", "nonexistent"])?;
            Step::DateTime {
                assume: p.zone("assume_zone")?,
                out: p.required_zone("zone")?,
                policy: p.policy()?,
            }
        }
        "date_of" => {
            p.check_keys(&["zone"])?;
            Step::DateOf {
                zone: p.required_zone("zone")?,
            }
        }
        "date_to_datetime" => {
            p.check_keys(&["time", "zone", "out_zone", "ambiguous", "nonexistent"])?;
            let time_text = p.str("time")?.unwrap_or("00:00:00");
            let time = NaiveTime::parse_from_str(time_text, "%H:%M:%S")
                .map_err(|_| format!("`time` = '{time_text}' is not HH:MM:SS"))?;
            Step::DateToDateTime {
                time,
                zone: p.required_zone("zone")?,
                out: p.required_zone("out_zone")?,
                policy: p.policy()?,
            }
        }
        "local_datetime" => {
            p.check_keys(&["zone", "out_zone", "ambiguous", "nonexistent"])?;
            Step::LocalDateTime {
                zone: p.required_zone("zone")?,
                out: p.required_zone("out_zone")?,
                policy: p.policy()?,
            }
        }
        "local_part" => {
            p.check_keys(&["zone", "part"])?;
            let part = match p.required_str("part")? {
                "year" => DatePart::Year,
                "month" => DatePart::Month,
                "day" => DatePart::Day,
                "hour" => DatePart::Hour,
                other => return Err(format!("`part` = '{other}'; use year, month, day or hour")),
            };
            Step::LocalPart {
                zone: p.required_zone("zone")?,
                part,
            }
        }
        "word" => {
            p.check_keys(&["part"])?;
            match p.required_str("part")? {
                "first" => Step::Word { rest: false },
                "rest" => Step::Word { rest: true },
                other => return Err(format!("`part` = '{other}'; use first or rest")),
            }
        }
        "join" => {
            p.check_keys(&["separator"])?;
            Step::Join {
                separator: p.str("separator")?.unwrap_or(" ").to_owned(),
            }
        }
        "split_name" => {
            p.check_keys(&["style", "part"])?;
            let style = match p.required_str("style")? {
                "es" => NameStyle::Spanish,
                "kz" => NameStyle::Kazakh,
                other => return Err(format!("`style` = '{other}'; use es or kz")),
            };
            let part = match (style, p.required_str("part")?) {
                (NameStyle::Spanish, "first") => NamePart::First,
                (NameStyle::Spanish, "second") => NamePart::Second,
                (NameStyle::Kazakh, "surname") => NamePart::Surname,
                (NameStyle::Kazakh, "given") => NamePart::Given,
                (NameStyle::Kazakh, "patronymic") => NamePart::Patronymic,
                (NameStyle::Spanish, other) => {
                    return Err(format!(
                        "`part` = '{other}'; with style es use first or second"
                    ));
                }
                (NameStyle::Kazakh, other) => {
                    return Err(format!(
                        "`part` = '{other}'; with style kz use surname, given or patronymic"
                    ));
                }
            };
            Step::SplitName { style, part }
        }
        "identifier" => {
            p.check_keys(&["kind", "severity"])?;
            let kind = p.required_str("kind")?;
            let check = match kind {
                "dni_or_nie" => IdCheck::DniOrNie,
                other => IdCheck::One(IdKind::from_name(other).ok_or_else(|| {
                    format!("`kind` = '{other}'; use iin, bin, dni, nie or dni_or_nie")
                })?),
            };
            let severity = match p.str("severity")? {
                None | Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some(other) => return Err(format!("`severity` = '{other}'; use error or warning")),
            };
            Step::Identifier { check, severity }
        }
        "pad" => {
            p.check_keys(&["width"])?;
            match table.get("width") {
                Some(toml::Value::Integer(w)) if (1..=64).contains(w) => Step::Pad {
                    width: usize::try_from(*w).unwrap_or(1),
                },
                _ => return Err("op 'pad' needs `width` between 1 and 64".to_owned()),
            }
        }
        "scale" => {
            p.check_keys(&["factor"])?;
            match table.get("factor") {
                Some(toml::Value::Float(f)) if f.is_finite() => Step::Scale { factor: *f },
                Some(toml::Value::Integer(i)) => Step::Scale { factor: *i as f64 },
                _ => return Err("op 'scale' needs a numeric `factor`".to_owned()),
            }
        }
        "unit" => {
            p.check_keys(&["from", "to"])?;
            let (from, to) = (p.required_str("from")?, p.required_str("to")?);
            Step::Scale {
                factor: unit_factor(from, to).ok_or_else(|| {
                    format!("no conversion from '{from}' to '{to}'; units are µg/m³, mg/m³, g/m³")
                })?,
            }
        }
        "prefix" => {
            p.check_keys(&["value"])?;
            Step::Prefix(p.required_str("value")?.to_owned())
        }
        "strip_prefix" => {
            p.check_keys(&["value", "unmapped", "default"])?;
            Step::StripPrefix {
                prefix: p.required_str("value")?.to_owned(),
                unmapped: p.unmapped()?,
            }
        }
        other => {
            return Err(format!(
                "unknown op '{other}' in rule '{target}'; ops are: {OPS}"
            ));
        }
    };
    Ok(step)
}
