//! Appeal and request texts composed from slot grammars — one TOML file per
//! language in `appeal_text/` with many alternatives per slot — and the
//! evidence that sets an appeal's priority (the rule the `appeals-triage`
//! description states), a second issue now and then, irrelevant detail,
//! polite formulae and lengths from one line to several paragraphs.
//!
//! Template syntax: `{a|b|c}` picks one alternative (alternatives nest;
//! `{|x}` is an optional `x`), `{name}` fills a named slot. A grammar is
//! checked when it is loaded; a broken grammar is a bug in this crate.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::codelists::CODELISTS;
use super::rng::RecordRng;

/// One language's grammar (`appeal_text/<language>.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Grammar {
    /// Opening lines per appeal type (`""` = no opener).
    openers: BTreeMap<String, Vec<String>>,
    /// Who writes: "I live at …", "as a mother of three …".
    intros: Vec<String>,
    /// The issue itself, per category code.
    issues: BTreeMap<String, Vec<String>>,
    /// A danger to life or health, per category code; `any` for the rest.
    hazards: BTreeMap<String, Vec<String>>,
    /// Children, elderly, disabled or ill persons affected.
    vulnerable: Vec<String>,
    /// Someone has already been hurt or fallen ill.
    harm: Vec<String>,
    /// An earlier appeal on the same issue went unanswered or its deadline passed.
    repeated: Vec<String>,
    /// Decoys: a danger explicitly ruled out.
    calm: Vec<String>,
    /// Decoys: shouting that carries no evidence.
    shouts: Vec<String>,
    /// What introduces a second, different issue (`{issue}` is that issue).
    second: Vec<String>,
    /// Irrelevant detail.
    details: Vec<String>,
    /// Thanks for a resolved issue (`{issue}` is the issue).
    thanks: Vec<String>,
    /// Questions that end a request for information.
    questions: Vec<String>,
    /// Closing formulae (`""` = none).
    closers: Vec<String>,
}

/// The language files, by language code.
const SOURCES: &[(&str, &str)] = &[
    ("kk", include_str!("appeal_text/kk.toml")),
    ("ru", include_str!("appeal_text/ru.toml")),
    ("es", include_str!("appeal_text/es.toml")),
];

static GRAMMARS: LazyLock<BTreeMap<&'static str, Grammar>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|&(language, source)| {
            let grammar: Grammar = toml::from_str(source)
                .unwrap_or_else(|error| panic!("appeal_text/{language}.toml: {error}"));
            (language, grammar)
        })
        .collect()
});

/// The grammar of `language` (`kk`, `ru` or `es`).
pub(crate) fn grammar(language: &str) -> &'static Grammar {
    GRAMMARS
        .get(language)
        .or_else(|| GRAMMARS.get("ru"))
        .unwrap_or_else(|| unreachable!("the grammars are built in"))
}

/// Categories in which a danger to life is common enough to draw often.
const HAZARD_PRONE: &[&str] = &[
    "roads",
    "street_lighting",
    "green_areas",
    "traffic_parking",
    "public_safety",
    "animals",
    "housing",
    "public_health",
    "air_quality",
];

/// The category a second issue (and an annotator's disagreement) most
/// often comes from: issues that overlap in real appeals.
pub(crate) fn neighbour(category: &str) -> &'static str {
    match category {
        "roads" => "traffic_parking",
        "street_lighting" => "public_safety",
        "waste_cleaning" => "public_health",
        "green_areas" => "waste_cleaning",
        "public_transport" => "roads",
        "traffic_parking" => "roads",
        "noise" => "public_safety",
        "air_quality" => "public_health",
        "taxes" => "citizen_services",
        "social_services" => "housing",
        "public_health" => "waste_cleaning",
        "education" => "social_services",
        "housing" => "social_services",
        "public_safety" => "street_lighting",
        "culture_sports" => "education",
        "citizen_services" => "taxes",
        "employment" => "social_services",
        _ => "public_health",
    }
}

/// How an appeal's type weighs on its priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gravity {
    /// A complaint, an application, a street incident: medium at least.
    Serious,
    /// A proposal or a request for information: low without evidence.
    Mild,
    /// Thanks or feedback on a reply: always low, never any evidence.
    Thanks,
}

/// Priority levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    /// `low`, `medium`, `high`, `urgent`.
    pub(crate) fn code(self) -> &'static str {
        ["low", "medium", "high", "urgent"][self as usize]
    }

    /// Madrid's `baja`, `media`, `alta`, `urgente`.
    pub(crate) fn spanish(self) -> &'static str {
        ["baja", "media", "alta", "urgente"][self as usize]
    }

    /// One level up or down (an annotator's disagreement).
    fn shifted(self, up: bool) -> Priority {
        let at = self as usize;
        let at = if up {
            (at + 1).min(3)
        } else {
            at.saturating_sub(1)
        };
        Priority::ALL[at]
    }
}

/// What the text says about the stakes; the priority follows from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// A danger to life or health.
    pub(crate) hazard: bool,
    /// Children, elderly, disabled or ill persons affected.
    pub(crate) vulnerable: bool,
    /// Someone has already been hurt or fallen ill.
    pub(crate) harm: bool,
    /// An earlier appeal went unanswered or its deadline passed.
    pub(crate) repeated: bool,
}

impl Evidence {
    /// Draws the evidence of an appeal of `category` and `gravity`;
    /// `complaint` appeals repeat earlier ones more often.
    pub(crate) fn draw(
        rng: &mut RecordRng,
        category: &str,
        gravity: Gravity,
        complaint: bool,
    ) -> Evidence {
        let scale = match gravity {
            Gravity::Serious => 1.0,
            Gravity::Mild => 0.4,
            Gravity::Thanks => return Evidence::default(),
        };
        let hazard = if HAZARD_PRONE.contains(&category) {
            0.24
        } else {
            0.05
        };
        Evidence {
            hazard: rng.chance(hazard * scale),
            vulnerable: rng.chance(0.32 * scale),
            harm: rng.chance(0.16 * scale),
            repeated: rng.chance(if complaint { 0.35 } else { 0.15 } * scale),
        }
    }

    /// The priority rule the scenario description states:
    /// urgent = a danger that affects a vulnerable person or has already
    /// hurt someone; high = a danger alone, or two of vulnerable / harm /
    /// repeated; medium = one of them, or a serious type; low otherwise.
    pub(crate) fn priority(self, gravity: Gravity) -> Priority {
        let others = u8::from(self.vulnerable) + u8::from(self.harm) + u8::from(self.repeated);
        if gravity == Gravity::Thanks {
            Priority::Low
        } else if self.hazard && (self.vulnerable || self.harm) {
            Priority::Urgent
        } else if self.hazard || others >= 2 {
            Priority::High
        } else if others == 1 || gravity == Gravity::Serious {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

/// Share of appeals whose recorded labels disagree with what the text
/// says, as two annotators of real appeals disagree: the category (to the
/// second issue's or the neighbouring one) and the priority (one level).
pub(crate) const CATEGORY_LABEL_NOISE: f64 = 0.03;
/// See [`CATEGORY_LABEL_NOISE`].
pub(crate) const PRIORITY_LABEL_NOISE: f64 = 0.04;

impl Gravity {
    /// The gravity of a Kazakh appeal type or a Madrid request `tipo`.
    pub(crate) fn of(kind: &str) -> Gravity {
        match kind {
            "application" | "complaint" | "aviso" | "reclamacion" => Gravity::Serious,
            "response" | "felicitacion" => Gravity::Thanks,
            _ => Gravity::Mild,
        }
    }
}

/// What an appeal's text will say, and the labels recorded for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drawn {
    /// What the text is made of.
    pub(crate) spec: Spec<'static>,
    /// The recorded category (the text's, unless relabelled).
    pub(crate) category: &'static str,
    /// The recorded priority.
    pub(crate) priority: Priority,
    /// The recorded labels disagree with the text.
    pub(crate) relabelled: bool,
}

/// Draws the evidence, second issue and recorded labels of an appeal of
/// type `kind` (Kazakh `type` or Madrid `tipo`) about `category`.
pub(crate) fn draw(rng: &mut RecordRng, kind: &'static str, category: &'static str) -> Drawn {
    let gravity = Gravity::of(kind);
    let complaint = matches!(kind, "complaint" | "reclamacion");
    let evidence = Evidence::draw(rng, category, gravity, complaint);
    let second = draw_second(rng, category, gravity);
    let (recorded, priority, relabelled) =
        recorded_labels(rng, category, second, evidence.priority(gravity), gravity);
    Drawn {
        spec: Spec {
            kind,
            gravity,
            category,
            second,
            evidence,
        },
        category: recorded,
        priority,
        relabelled,
    }
}

/// The recorded labels of an appeal: `(category, priority, relabelled)`.
fn recorded_labels(
    rng: &mut RecordRng,
    category: &'static str,
    second: Option<&'static str>,
    priority: Priority,
    gravity: Gravity,
) -> (&'static str, Priority, bool) {
    let recategorised = rng.chance(CATEGORY_LABEL_NOISE);
    let reprioritised = gravity != Gravity::Thanks && rng.chance(PRIORITY_LABEL_NOISE);
    let up = rng.chance(0.5);
    let category = match (recategorised, second) {
        (false, _) => category,
        (true, Some(second)) => second,
        (true, None) => neighbour(category),
    };
    let shifted = if reprioritised {
        priority.shifted(up || priority == Priority::Low)
    } else {
        priority
    };
    (category, shifted, recategorised || reprioritised)
}

/// What one appeal's text is made of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec<'a> {
    /// The appeal type (a key of the grammar's `openers`).
    pub(crate) kind: &'a str,
    pub(crate) gravity: Gravity,
    pub(crate) category: &'a str,
    /// A second, different issue the appeal also raises.
    pub(crate) second: Option<&'a str>,
    pub(crate) evidence: Evidence,
}

/// Draws the second issue of an appeal, if it has one.
fn draw_second(rng: &mut RecordRng, category: &str, gravity: Gravity) -> Option<&'static str> {
    if gravity == Gravity::Thanks || !rng.chance(0.22) {
        return None;
    }
    let second = if rng.chance(0.6) {
        neighbour(category)
    } else {
        let categories = &CODELISTS.categories;
        categories[rng.index(categories.len())].code.as_str()
    };
    (second != category).then_some(second)
}

impl Grammar {
    /// Composes the text of `spec`, filling `slots`.
    pub(crate) fn compose(
        &self,
        spec: &Spec,
        slots: &[(&str, &str)],
        rng: &mut RecordRng,
    ) -> String {
        let mut issue = String::new();
        self.expand_one(
            self.issues.get(spec.category).map(Vec::as_slice),
            slots,
            rng,
            &mut issue,
        );
        let mut parts: Vec<String> = Vec::with_capacity(12);
        let short = spec.gravity != Gravity::Thanks && rng.chance(0.08);
        match spec.gravity {
            Gravity::Thanks => {
                let mut thanks = String::new();
                let with_issue = [slots, &[("issue", issue.as_str())]].concat();
                self.expand_one(Some(&self.thanks), &with_issue, rng, &mut thanks);
                parts.push(self.pick_opener(spec.kind, slots, rng));
                parts.push(thanks);
            }
            _ if short => parts.push(issue),
            _ => {
                parts.push(self.pick_opener(spec.kind, slots, rng));
                if rng.chance(0.3) {
                    parts.push(self.expanded(&self.intros, slots, rng));
                }
                parts.push(issue);
                for _ in 0..rng.count(0.3, 3) {
                    parts.push(self.expanded(&self.details, slots, rng));
                }
            }
        }
        let mut evidence: Vec<String> = Vec::with_capacity(4);
        if spec.evidence.hazard {
            let own = self.hazards.get(spec.category).filter(|_| rng.chance(0.8));
            let list = own.or_else(|| self.hazards.get("any")).map(Vec::as_slice);
            let mut text = String::new();
            self.expand_one(list, slots, rng, &mut text);
            evidence.push(text);
        } else if spec.gravity != Gravity::Thanks && rng.chance(0.12) {
            evidence.push(self.expanded(&self.calm, slots, rng));
        }
        if spec.evidence.vulnerable {
            evidence.push(self.expanded(&self.vulnerable, slots, rng));
        }
        if spec.evidence.harm {
            evidence.push(self.expanded(&self.harm, slots, rng));
        }
        // The order evidence comes in tells nothing.
        for at in (1..evidence.len()).rev() {
            evidence.swap(at, rng.index(at + 1));
        }
        parts.extend(evidence);
        if let Some(second) = spec.second {
            let mut other = String::new();
            self.expand_one(
                self.issues.get(second).map(Vec::as_slice),
                slots,
                rng,
                &mut other,
            );
            let with_issue = [slots, &[("issue", other.as_str())]].concat();
            parts.push(self.expanded(&self.second, &with_issue, rng));
        }
        if spec.evidence.repeated {
            parts.push(self.expanded(&self.repeated, slots, rng));
        }
        if spec.gravity == Gravity::Mild && !short && rng.chance(0.6) {
            parts.push(self.expanded(&self.questions, slots, rng));
        }
        if spec.gravity != Gravity::Thanks && rng.chance(0.15) {
            parts.push(self.expanded(&self.shouts, slots, rng));
        }
        if !short {
            parts.push(self.expanded(&self.closers, slots, rng));
        }
        // Long appeals come in paragraphs.
        let paragraphs = parts.len() > 5 && rng.chance(0.4);
        let mut out = String::new();
        for (at, part) in parts.iter().filter(|part| !part.is_empty()).enumerate() {
            if at > 0 {
                out.push_str(if paragraphs && at % 3 == 0 {
                    "\n\n"
                } else {
                    " "
                });
            }
            out.push_str(part);
        }
        out
    }

    fn pick_opener(&self, kind: &str, slots: &[(&str, &str)], rng: &mut RecordRng) -> String {
        let mut out = String::new();
        self.expand_one(
            self.openers.get(kind).map(Vec::as_slice),
            slots,
            rng,
            &mut out,
        );
        out
    }

    fn expanded(&self, list: &[String], slots: &[(&str, &str)], rng: &mut RecordRng) -> String {
        let mut out = String::new();
        self.expand_one(Some(list), slots, rng, &mut out);
        out
    }

    /// Expands one template of `list` (nothing for a missing or empty list).
    fn expand_one(
        &self,
        list: Option<&[String]>,
        slots: &[(&str, &str)],
        rng: &mut RecordRng,
        out: &mut String,
    ) {
        if let Some(list) = list.filter(|list| !list.is_empty()) {
            expand(&list[rng.index(list.len())], slots, rng, out);
        }
    }

    /// Every template of the grammar, for its checks.
    #[cfg(test)]
    fn templates(&self) -> impl Iterator<Item = &String> {
        self.openers
            .values()
            .chain(self.issues.values())
            .chain(self.hazards.values())
            .flatten()
            .chain(&self.intros)
            .chain(&self.vulnerable)
            .chain(&self.harm)
            .chain(&self.repeated)
            .chain(&self.calm)
            .chain(&self.shouts)
            .chain(&self.second)
            .chain(&self.details)
            .chain(&self.thanks)
            .chain(&self.questions)
            .chain(&self.closers)
    }
}

/// The byte offset of the `}` that closes the `{` at 0, if any.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The alternatives of a group's inside, split at its top-level `|`.
fn alternatives(inside: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, byte) in inside.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => {
                out.push(&inside[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(&inside[start..]);
    out
}

/// Expands `template` into `out`: `{a|b}` picks an alternative, `{name}`
/// fills a slot; an unknown name is kept as written (the grammar checks
/// catch it).
pub(crate) fn expand(
    template: &str,
    slots: &[(&str, &str)],
    rng: &mut RecordRng,
    out: &mut String,
) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let group = &rest[open..];
        let Some(close) = closing(group) else {
            out.push_str(group);
            return;
        };
        let inside = &group[1..close];
        let choices = alternatives(inside);
        if choices.len() > 1 {
            let choice = choices[rng.index(choices.len())];
            expand(choice, slots, rng, out);
        } else if let Some((_, value)) = slots.iter().find(|(name, _)| *name == inside) {
            out.push_str(value);
        } else {
            out.push_str(&group[..=close]);
        }
        rest = &group[close + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::rng::StreamKey;

    const SLOTS: &[(&str, &str)] = &[
        ("street", "X"),
        ("city", "C"),
        ("n", "3"),
        ("date", "01.02.2025"),
        ("ref", "R-1"),
        ("via", "V"),
        ("barrio", "B"),
        ("issue", "I"),
    ];

    #[test]
    fn expansion_picks_nested_alternatives_and_fills_slots() {
        let key = StreamKey::new(1, "practice", "grammar");
        let mut seen = std::collections::BTreeSet::new();
        for index in 0..400 {
            let mut out = String::new();
            expand(
                "a{b|c{d|}}{street} {n}",
                SLOTS,
                &mut key.record(index),
                &mut out,
            );
            seen.insert(out);
        }
        let expected = ["abX 3", "acX 3", "acdX 3"];
        assert_eq!(
            seen.iter().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn every_grammar_is_complete_and_every_template_expands_cleanly() {
        let key = StreamKey::new(1, "practice", "grammar");
        for &(language, _) in SOURCES {
            let grammar = grammar(language);
            for category in CODELISTS.categories.iter().map(|row| row.code.as_str()) {
                assert!(
                    grammar
                        .issues
                        .get(category)
                        .is_some_and(|list| list.len() >= 3),
                    "{language}: issues of {category}"
                );
            }
            assert!(
                grammar.hazards.contains_key("any"),
                "{language}: hazards.any"
            );
            for template in grammar.templates() {
                for index in 0..20 {
                    let mut out = String::new();
                    expand(template, SLOTS, &mut key.record(index), &mut out);
                    assert!(
                        !out.contains(['{', '}', '|']),
                        "{language}: {template:?} gave {out:?}"
                    );
                }
            }
        }
    }

    /// How many texts a template gives (a slot counts once).
    fn variants(template: &str) -> u128 {
        let mut total = 1u128;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let group = &rest[open..];
            let Some(close) = closing(group) else { break };
            let choices = alternatives(&group[1..close]);
            if choices.len() > 1 {
                total = total.saturating_mul(choices.iter().map(|choice| variants(choice)).sum());
            }
            rest = &group[close + 1..];
        }
        total
    }

    #[test]
    fn every_category_has_many_issue_texts_in_every_language() {
        let mut table = String::new();
        for &(language, _) in SOURCES {
            let grammar = grammar(language);
            let mut counts: Vec<(u128, &str)> = grammar
                .issues
                .iter()
                .map(|(category, list)| (list.iter().map(|t| variants(t)).sum(), category.as_str()))
                .collect();
            counts.sort();
            let (fewest, category) = counts[0];
            let median = counts[counts.len() / 2].0;
            table.push_str(&format!(
                "{language}: issue texts per category: fewest {fewest} ({category}), median {median}\n"
            ));
            assert!(fewest >= 16, "{table}");
        }
        eprintln!("{table}");
    }

    #[test]
    fn generated_texts_rarely_repeat() {
        use crate::datasets::{Dataset, GenConfig, PRACTICE_SEED, Record, Split, generate};
        const RECORDS: u64 = 20_000;
        for dataset in [Dataset::KzAppeals, Dataset::MadridRequests] {
            let config = GenConfig::new(dataset, Split::Practice, PRACTICE_SEED);
            let texts: std::collections::HashSet<String> = (0..RECORDS)
                .map(|index| match generate(&config, index).record {
                    Record::KzAppeal(appeal) => appeal.text,
                    Record::MadridRequest(request) => request.texto,
                    _ => String::new(),
                })
                .collect();
            let ratio = texts.len() as f64 / RECORDS as f64;
            eprintln!(
                "{}: {ratio:.3} of {RECORDS} texts are distinct",
                dataset.name()
            );
            assert!(ratio > 0.95, "{}: {ratio}", dataset.name());
        }
    }

    #[test]
    fn the_priority_rule_is_the_described_one() {
        let evidence = |hazard, vulnerable, harm, repeated| Evidence {
            hazard,
            vulnerable,
            harm,
            repeated,
        };
        use Gravity::*;
        use Priority::*;
        let cases = [
            (evidence(true, true, false, false), Mild, Urgent),
            (evidence(true, false, true, false), Serious, Urgent),
            (evidence(true, false, false, true), Serious, High),
            (evidence(false, true, true, false), Mild, High),
            (evidence(false, false, false, true), Mild, Medium),
            (evidence(false, false, false, false), Serious, Medium),
            (evidence(false, false, false, false), Mild, Low),
            (evidence(true, true, true, true), Thanks, Low),
        ];
        for (evidence, gravity, expected) in cases {
            assert_eq!(
                evidence.priority(gravity),
                expected,
                "{evidence:?} {gravity:?}"
            );
        }
    }
}
