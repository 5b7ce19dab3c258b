//! Identifier checks: Kazakh IIN and BIN, Spanish DNI and NIE.
//!
//! The algorithms are the published ones (Kazakh Government Decree No. 565
//! of 2003 for IIN/BIN, the Spanish Ministry of the Interior's mod-23 letter
//! for DNI/NIE). Checks never panic on any input.

use std::fmt;

/// Which identifier scheme a value claims to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// Kazakh individual identification number (12 digits).
    Iin,
    /// Kazakh business identification number (12 digits).
    Bin,
    /// Spanish national identity document number (8 digits + letter).
    Dni,
    /// Spanish foreigner identity number (X/Y/Z + 7 digits + letter).
    Nie,
}

impl IdKind {
    /// Parses the name used in mapping specs: `iin`, `bin`, `dni`, `nie`.
    pub fn from_name(name: &str) -> Option<IdKind> {
        match name {
            "iin" => Some(IdKind::Iin),
            "bin" => Some(IdKind::Bin),
            "dni" => Some(IdKind::Dni),
            "nie" => Some(IdKind::Nie),
            _ => None,
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Iin => "IIN",
            IdKind::Bin => "BIN",
            IdKind::Dni => "DNI",
            IdKind::Nie => "NIE",
        })
    }
}

/// Why an identifier failed its check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The value does not have the shape of the scheme (length, digits, letters).
    #[error("{kind} must be {expected}")]
    Shape {
        /// Scheme checked.
        kind: IdKind,
        /// Human description of the expected shape.
        expected: &'static str,
    },
    /// The embedded date (IIN birth date, BIN registration month) is impossible.
    #[error("{kind} encodes an impossible date")]
    Date {
        /// Scheme checked.
        kind: IdKind,
    },
    /// A category digit (IIN century/sex, BIN entity type) has no meaning.
    #[error("{kind} has an unknown category digit {digit}")]
    Category {
        /// Scheme checked.
        kind: IdKind,
        /// The offending digit.
        digit: u8,
    },
    /// The check digit or control letter does not match.
    #[error("{kind} check character is wrong: expected {expected}")]
    Check {
        /// Scheme checked.
        kind: IdKind,
        /// The character the algorithm computes.
        expected: char,
    },
    /// Both weighting passes give 10: such a number is never issued.
    #[error("{kind} can never be issued: both check passes give 10")]
    NeverIssued {
        /// Scheme checked.
        kind: IdKind,
    },
}

/// Checks `value` against `kind`. Surrounding whitespace is not accepted:
/// trim before calling when the source is untidy.
pub fn check(kind: IdKind, value: &str) -> Result<(), IdError> {
    match kind {
        IdKind::Iin => check_iin(value),
        IdKind::Bin => check_bin(value),
        IdKind::Dni => check_dni(value),
        IdKind::Nie => check_nie(value),
    }
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

fn twelve_digits(kind: IdKind, value: &str) -> Result<[u8; 12], IdError> {
    let bytes = value.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(IdError::Shape {
            kind,
            expected: "exactly 12 digits",
        });
    }
    let mut digits = [0u8; 12];
    for (slot, byte) in digits.iter_mut().zip(bytes) {
        *slot = byte - b'0';
    }
    Ok(digits)
}

/// The Kazakh check digit over the first 11 digits, or `None` when both
/// weighting passes give 10 (never issued).
pub fn kz_check_digit(digits: &[u8; 11]) -> Option<u8> {
    let pass = |weights: [u32; 11]| -> u32 {
        digits
            .iter()
            .zip(weights)
            .map(|(d, w)| u32::from(*d) * w)
            .sum::<u32>()
            % 11
    };
    let first = pass([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if first != 10 {
        return u8::try_from(first).ok();
    }
    let second = pass([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    if second != 10 {
        return u8::try_from(second).ok();
    }
    None
}

fn kz_check(kind: IdKind, digits: &[u8; 12]) -> Result<(), IdError> {
    let mut head = [0u8; 11];
    head.copy_from_slice(&digits[..11]);
    match kz_check_digit(&head) {
        None => Err(IdError::NeverIssued { kind }),
        Some(c) if c == digits[11] => Ok(()),
        Some(c) => Err(IdError::Check {
            kind,
            expected: char::from(b'0' + c),
        }),
    }
}

fn two(d: &[u8]) -> u32 {
    u32::from(d[0]) * 10 + u32::from(d[1])
}

fn check_iin(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Iin;
    let d = twelve_digits(kind, value)?;
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        digit => return Err(IdError::Category { kind, digit }),
    };
    let year = century + i32::try_from(two(&d[0..2])).unwrap_or(0);
    if chrono::NaiveDate::from_ymd_opt(year, two(&d[2..4]), two(&d[4..6])).is_none() {
        return Err(IdError::Date { kind });
    }
    kz_check(kind, &d)
}

fn check_bin(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Bin;
    let d = twelve_digits(kind, value)?;
    if !(1..=12).contains(&two(&d[2..4])) {
        return Err(IdError::Date { kind });
    }
    if !matches!(d[4], 4..=6) {
        return Err(IdError::Category { kind, digit: d[4] });
    }
    if d[5] > 3 {
        return Err(IdError::Category { kind, digit: d[5] });
    }
    kz_check(kind, &d)
}

/// The control letter of an 8-digit DNI number (or of an NIE's number after
/// its X/Y/Z is replaced by 0/1/2): `TRWAGMYFPDXBNJZSQVHLCKE[number mod 23]`.
pub fn dni_letter(number: u32) -> char {
    char::from(DNI_LETTERS[(number % 23) as usize])
}

fn check_letter(kind: IdKind, number: u32, letter: u8) -> Result<(), IdError> {
    let expected = dni_letter(number);
    if char::from(letter) == expected {
        Ok(())
    } else {
        Err(IdError::Check { kind, expected })
    }
}

fn parse_digits(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
    )
}

fn check_dni(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Dni;
    let bytes = value.as_bytes();
    let shape = IdError::Shape {
        kind,
        expected: "8 digits followed by a control letter",
    };
    if bytes.len() != 9 || !bytes[8].is_ascii_uppercase() {
        return Err(shape);
    }
    let number = parse_digits(&bytes[..8]).ok_or(shape)?;
    check_letter(kind, number, bytes[8])
}

fn check_nie(value: &str) -> Result<(), IdError> {
    let kind = IdKind::Nie;
    let bytes = value.as_bytes();
    let shape = IdError::Shape {
        kind,
        expected: "X, Y or Z, 7 digits and a control letter",
    };
    if bytes.len() != 9 || !bytes[8].is_ascii_uppercase() {
        return Err(shape);
    }
    let prefix = match bytes[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return Err(shape),
    };
    let rest = parse_digits(&bytes[1..8]).ok_or(shape)?;
    check_letter(kind, prefix * 10_000_000 + rest, bytes[8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(kind: IdKind, value: &str) -> String {
        match check(kind, value) {
            Ok(()) => "ok".to_owned(),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn published_test_values() {
        // (kind, value, expected verdict) from shared/domain-facts.md.
        let cases = [
            (IdKind::Iin, "791028302728", "ok"),
            (IdKind::Iin, "061211600012", "ok"),
            (IdKind::Iin, "800416100254", "ok"),
            (IdKind::Iin, "900101300007", "ok"),
            (IdKind::Iin, "900101300811", "ok"),
            (IdKind::Iin, "050315600108", "ok"),
            (
                IdKind::Iin,
                "010101600586",
                "IIN check character is wrong: expected 5",
            ),
            (
                IdKind::Iin,
                "821214240092",
                "IIN can never be issued: both check passes give 10",
            ),
            (IdKind::Bin, "940140000385", "ok"),
            (IdKind::Bin, "950341000052", "ok"),
            (IdKind::Bin, "240340005129", "ok"),
            (IdKind::Dni, "12345678Z", "ok"),
            (IdKind::Dni, "54362315K", "ok"),
            (
                IdKind::Dni,
                "54362315Z",
                "DNI check character is wrong: expected K",
            ),
            (IdKind::Nie, "X2482300W", "ok"),
            (
                IdKind::Nie,
                "X2482300A",
                "NIE check character is wrong: expected W",
            ),
            (IdKind::Nie, "Y2853959H", "ok"),
        ];
        for (kind, value, want) in cases {
            assert_eq!(verdict(kind, value), want, "{kind} {value}");
        }
    }

    #[test]
    fn shapes_dates_and_categories() {
        let cases = [
            (IdKind::Iin, "", "IIN must be exactly 12 digits"),
            (IdKind::Iin, "90010130000", "IIN must be exactly 12 digits"),
            (
                IdKind::Iin,
                "9001013000０7",
                "IIN must be exactly 12 digits",
            ),
            (
                IdKind::Iin,
                "901301300007",
                "IIN encodes an impossible date",
            ),
            (
                IdKind::Iin,
                "900101700007",
                "IIN has an unknown category digit 7",
            ),
            (
                IdKind::Bin,
                "941340000385",
                "BIN encodes an impossible date",
            ),
            (
                IdKind::Bin,
                "940170000385",
                "BIN has an unknown category digit 7",
            ),
            (
                IdKind::Dni,
                "1234567Z",
                "DNI must be 8 digits followed by a control letter",
            ),
            (
                IdKind::Dni,
                "12345678z",
                "DNI must be 8 digits followed by a control letter",
            ),
            (
                IdKind::Nie,
                "A2482300W",
                "NIE must be X, Y or Z, 7 digits and a control letter",
            ),
            (
                IdKind::Nie,
                "XÑ482300W",
                "NIE must be X, Y or Z, 7 digits and a control letter",
            ),
        ];
        for (kind, value, want) in cases {
            assert_eq!(verdict(kind, value), want, "{kind} {value:?}");
        }
    }

    #[test]
    fn second_pass_is_used_only_when_first_gives_ten() {
        // 900101300811: first pass gives 10, second gives 1.
        let head = [9, 0, 0, 1, 0, 1, 3, 0, 0, 8, 1];
        assert_eq!(kz_check_digit(&head), Some(1));
    }
}
