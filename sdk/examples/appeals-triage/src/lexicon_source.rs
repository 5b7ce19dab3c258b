//! Parsing of `lexicon.txt` into owned, folded rules. `build.rs` includes
//! this file (with `#[path]`) to turn the lexicon into the agent's static
//! tables at compile time; the unit tests use it to check those tables.
//! It must stay self-contained apart from `crate::fold`.

use crate::fold::words;

/// One lexicon line, `target | weight | term, term, ...`, parsed.
#[derive(Debug, PartialEq)]
pub(crate) struct RuleSource<'a> {
    /// A category code or a `!marker`.
    pub(crate) target: &'a str,
    pub(crate) weight: f32,
    pub(crate) terms: Vec<TermSource>,
}

/// A term's stems in order, each folded and flagged whole-word (`=`).
pub(crate) type TermSource = Vec<(String, bool)>;

/// Parses `target | weight | term, term, ...` lines; comments and blank
/// lines are ignored, malformed lines skipped (a unit test checks that none
/// are).
pub(crate) fn parse_lexicon(text: &str) -> Vec<RuleSource<'_>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.splitn(3, '|').map(str::trim);
            let target = parts.next()?;
            let weight: f32 = parts.next()?.parse().ok()?;
            let terms = parts.next()?.split(',').filter_map(parse_term).collect();
            Some(RuleSource {
                target,
                weight,
                terms,
            })
        })
        .collect()
}

/// Parses a term as written in the lexicon (`doble fila`, `ibi=`); `None`
/// when no stem is left after folding.
pub(crate) fn parse_term(raw: &str) -> Option<TermSource> {
    let stems: TermSource = raw
        .split_whitespace()
        .filter_map(|part| {
            let (part, whole_word) = match part.strip_suffix('=') {
                Some(part) => (part, true),
                None => (part, false),
            };
            // A stem is one word; `words` may only split off noise.
            let text = words(part).into_iter().next()?;
            Some((text, whole_word))
        })
        .collect();
    (!stems.is_empty()).then_some(stems)
}
