//! Cutting text an agent controls to a cap: on a character boundary
//! ([`truncate`]), and with control characters escaped and the cut noted
//! ([`bounded_text`]) for what reports keep.

/// `text` with control characters escaped (`\u{7}`; newlines and tabs
/// kept) and cut at `max` bytes on a character boundary, with the original
/// length noted when cut: how anything an agent wrote is kept (agent error
/// messages, details, the runner's findings).
pub fn bounded_text(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 32);
    let mut cut = false;
    for ch in text.chars() {
        if out.len() >= max {
            cut = true;
            break;
        }
        if ch.is_control() && ch != '\n' && ch != '\t' {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    cut |= truncate(&mut out, max);
    if cut {
        out.push_str(&format!("… [{} bytes in all]", text.len()));
    }
    out
}

/// Cuts `text` to at most `max` bytes on a character boundary; whether it
/// cut anything.
pub(crate) fn truncate(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    true
}
