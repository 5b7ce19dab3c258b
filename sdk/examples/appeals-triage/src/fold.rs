//! Pure text folding, shared by the agent and its build script (which
//! includes this file with `#[path]` to normalise the lexicon at compile
//! time), so the lexicon and the appeal text fold exactly the same way. It
//! must stay self-contained: no `crate::` paths, std only.
//!
//! The folding, in order: lower case; accents stripped (`á` → `a`, `ñ` →
//! `n`, `ё` → `е`); Kazakh letters folded to the Russian keyboard's (`қ` →
//! `к`, `ә` → `а`, `і` → `и`...), as people type without a Kazakh layout;
//! anything not a letter or digit becomes a word break; Latin look-alikes
//! inside Cyrillic words (`мусoр` with a Latin `o`) become Cyrillic; in
//! Latin words `v` → `b` and a leading `h` is dropped (the commonest Spanish
//! spelling slips); runs of one letter collapse (`ruuuido`, `calle` →
//! `cale`), which also absorbs doubled-key typos.

/// Normalises `text` into words (see the module docs).
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        for lower in ch.to_lowercase() {
            let folded = fold(lower);
            if folded.is_alphanumeric() {
                word.push(folded);
            } else if !word.is_empty() {
                out.push(finish_word(&word));
                word.clear();
            }
        }
    }
    if !word.is_empty() {
        out.push(finish_word(&word));
    }
    out
}

/// Folds one lower-case character: accents, Kazakh letters, `ё`, `й`.
fn fold(ch: char) -> char {
    match ch {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ё' => 'е',
        'й' => 'и',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        other => other,
    }
}

fn is_cyrillic(ch: char) -> bool {
    matches!(ch, '\u{0400}'..='\u{04FF}')
}

/// Latin letters that look like Cyrillic ones, as typed by mistake.
fn latin_lookalike(ch: char) -> Option<char> {
    Some(match ch {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

/// Script fixes, Spanish spelling folds and run collapsing for one word.
fn finish_word(word: &str) -> String {
    let cyrillic = word.chars().any(is_cyrillic);
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for (idx, ch) in word.chars().enumerate() {
        let ch = if cyrillic {
            latin_lookalike(ch).unwrap_or(ch)
        } else {
            match ch {
                'v' => 'b',
                'h' if idx == 0 && word.chars().nth(1).is_some_and(char::is_alphabetic) => continue,
                other => other,
            }
        };
        if Some(ch) != last {
            out.push(ch);
        }
        last = Some(ch);
    }
    out
}
