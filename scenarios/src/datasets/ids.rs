//! Identifier algorithms: Kazakh IIN and Spanish DNI/NIE, for generating
//! valid numbers and checking them (see `shared/domain-facts.md`).

use govlab_adapters::ids::{IdKind, check};

/// The check algorithms are the adapters' (one definition): the DNI/NIE
/// control letter and the IIN/BIN check digit.
pub use govlab_adapters::ids::{dni_letter, kz_check_digit as iin_check_digit};

/// True when `text` is a well-formed DNI (8 digits + correct letter).
pub fn is_valid_dni(text: &str) -> bool {
    check(IdKind::Dni, text).is_ok()
}

/// True when `text` is a well-formed NIE (X/Y/Z + 7 digits + correct letter).
pub fn is_valid_nie(text: &str) -> bool {
    check(IdKind::Nie, text).is_ok()
}

/// Formats a DNI for an 8-digit number.
pub(crate) fn format_dni(number: u32) -> String {
    format!("{number:08}{}", dni_letter(number))
}

/// Formats an NIE for a prefix index (0 = X, 1 = Y, 2 = Z) and 7 digits.
pub(crate) fn format_nie(prefix: u32, number: u32) -> String {
    let letter = ['X', 'Y', 'Z'][(prefix % 3) as usize];
    format!(
        "{letter}{number:07}{}",
        dni_letter((prefix % 3) * 10_000_000 + number)
    )
}

/// True when `text` is 12 digits with a correct check digit (an IIN or a
/// BIN; `govlab_adapters::ids::check` also checks the date and category).
pub fn is_valid_iin(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut digits = [0u8; 11];
    for (slot, byte) in digits.iter_mut().zip(bytes) {
        *slot = byte - b'0';
    }
    iin_check_digit(&digits) == Some(bytes[11] - b'0')
}

/// Sex encoded in an IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IinSex {
    /// Odd century digit.
    Male,
    /// Even century digit.
    Female,
}

/// Birth date `(year, month, day)` and sex encoded in an IIN, if its
/// century digit is 1–6 and the date part is plausible.
pub fn iin_birth(text: &str) -> Option<((i32, u32, u32), IinSex)> {
    let bytes = text.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let (yy, month, day) = (number(0..2)?, number(2..4)?, number(4..6)?);
    let century = bytes[6] - b'0';
    let base = match century {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let sex = if century % 2 == 1 {
        IinSex::Male
    } else {
        IinSex::Female
    };
    Some(((base + yy as i32, month, day), sex))
}

/// Builds a valid IIN for a birth date, sex and serial, or `None` when the
/// serial yields an unissuable number (try the next serial).
pub(crate) fn make_iin(year: i32, month: u32, day: u32, male: bool, serial: u32) -> Option<String> {
    let century = match year {
        1800..=1899 => 1,
        1900..=1999 => 3,
        _ => 5,
    } + u8::from(!male);
    let yy = (year.rem_euclid(100)) as u32;
    let mut digits = [0u8; 11];
    let head = [yy / 10, yy % 10, month / 10, month % 10, day / 10, day % 10];
    for (slot, value) in digits.iter_mut().zip(head) {
        *slot = value as u8;
    }
    digits[6] = century;
    let serial = serial % 10_000;
    for (offset, divisor) in [1000, 100, 10, 1].into_iter().enumerate() {
        digits[7 + offset] = ((serial / divisor) % 10) as u8;
    }
    let check = iin_check_digit(&digits)?;
    let mut text = String::with_capacity(12);
    for digit in digits {
        text.push(char::from(b'0' + digit));
    }
    text.push(char::from(b'0' + check));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iin_published_values() {
        for valid in [
            "791028302728",
            "061211600012",
            "800416100254",
            "900101300007",
            "900101300811",
            "050315600108",
            "940140000385",
            "950341000052",
            "240340005129",
        ] {
            assert!(is_valid_iin(valid), "{valid} should be valid");
        }
        for invalid in [
            "010101600586",
            "821214240092",
            "79102830272",
            "79102830272x",
        ] {
            assert!(!is_valid_iin(invalid), "{invalid} should be invalid");
        }
        assert_eq!(
            iin_birth("800416100254"),
            Some(((1880, 4, 16), IinSex::Male))
        );
        assert_eq!(
            iin_birth("061211600012"),
            Some(((2006, 12, 11), IinSex::Female))
        );
    }

    #[test]
    fn dni_nie_published_values() {
        for valid in ["12345678Z", "54362315K"] {
            assert!(is_valid_dni(valid), "{valid}");
        }
        assert!(!is_valid_dni("54362315Z"));
        assert!(is_valid_nie("X2482300W"));
        assert!(is_valid_nie("Y2853959H"));
        assert!(!is_valid_nie("X2482300A"));
        assert!(!is_valid_nie("A2482300W"));
        assert_eq!(format_dni(12_345_678), "12345678Z");
        assert_eq!(format_nie(0, 2_482_300), "X2482300W");
    }

    #[test]
    fn made_iins_round_trip() {
        let mut made = 0;
        for serial in 0..500 {
            if let Some(iin) = make_iin(1990, 1, 1, serial % 2 == 0, serial) {
                assert!(is_valid_iin(&iin), "{iin}");
                let sex = if serial % 2 == 0 {
                    IinSex::Male
                } else {
                    IinSex::Female
                };
                assert_eq!(iin_birth(&iin), Some(((1990, 1, 1), sex)));
                made += 1;
            }
        }
        assert!(made > 450, "{made}");
        assert_eq!(
            make_iin(1990, 1, 1, true, 0).as_deref(),
            Some("900101300007")
        );
    }
}
