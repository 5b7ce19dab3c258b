//! Date/time parsing, time-zone conversion and the policies for local
//! times that do not exist (spring-forward gap) or exist twice (fall-back
//! overlap).
//!
//! Madrid data are in `Europe/Madrid` (CET/CEST); Kazakh data in UTC+5 (the
//! single national zone since 1 March 2024); the canonical model is UTC.

use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    SecondsFormat, TimeZone, Timelike, Utc,
};

/// A time zone as written in mapping specs: `UTC`, a fixed offset such as
/// `+05:00`, or an IANA name such as `Europe/Madrid`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Zone {
    /// Coordinated Universal Time, written with a `Z` suffix.
    Utc,
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
    /// An IANA time zone with daylight-saving rules.
    Named(chrono_tz::Tz),
}

impl Zone {
    /// Parses `UTC`, `Z`, `+05:00`, `-03:30`, `UTC+5` or an IANA name.
    pub fn parse(name: &str) -> Option<Zone> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("utc") || name == "Z" {
            return Some(Zone::Utc);
        }
        let offset_text = name.strip_prefix("UTC").unwrap_or(name);
        if let Some(sign) = offset_text
            .chars()
            .next()
            .filter(|c| *c == '+' || *c == '-')
        {
            let body = &offset_text[1..];
            let (hours, minutes) = match body.split_once(':') {
                Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
                None => (body.parse::<i32>().ok()?, 0),
            };
            if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) * if sign == '-' { -1 } else { 1 };
            return FixedOffset::east_opt(seconds).map(Zone::Fixed);
        }
        name.parse::<chrono_tz::Tz>().ok().map(Zone::Named)
    }

    /// Expresses an instant in this zone.
    pub fn convert(&self, instant: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        match self {
            Zone::Utc => instant.with_timezone(&Utc).fixed_offset(),
            Zone::Fixed(offset) => instant.with_timezone(offset),
            Zone::Named(tz) => instant.with_timezone(tz).fixed_offset(),
        }
    }

    fn local(&self, naive: NaiveDateTime) -> LocalResult<DateTime<FixedOffset>> {
        match self {
            Zone::Utc => LocalResult::Single(Utc.from_utc_datetime(&naive).fixed_offset()),
            Zone::Fixed(offset) => offset.from_local_datetime(&naive),
            Zone::Named(tz) => tz.from_local_datetime(&naive).map(|dt| dt.fixed_offset()),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Utc => f.write_str("UTC"),
            Zone::Fixed(offset) => write!(f, "{offset}"),
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// What to do with a local time that occurs twice (the fall-back hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ambiguous {
    /// Take the first occurrence (still summer time).
    Earliest,
    /// Take the second occurrence (winter time).
    Latest,
    /// Refuse the value.
    Error,
}

/// What to do with a local time that never occurs (the spring-forward gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Nonexistent {
    /// Refuse the value.
    Error,
    /// Move it forward by the size of the gap (02:30 → 03:30 in Madrid).
    ShiftForward,
    /// Drop the value (or the exploded element holding it).
    Skip,
}

/// How local wall-clock times are resolved to instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalPolicy {
    /// Policy for repeated local times.
    pub ambiguous: Ambiguous,
    /// Policy for skipped local times.
    pub nonexistent: Nonexistent,
}

impl Default for LocalPolicy {
    fn default() -> Self {
        LocalPolicy {
            ambiguous: Ambiguous::Error,
            nonexistent: Nonexistent::Error,
        }
    }
}

/// Why a date or time could not be read or placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not a date/time in any accepted format.
    #[error("'{text}' is not an ISO 8601 date or date-time")]
    Parse {
        /// The offending text.
        text: String,
    },
    /// A local time that does not occur in the zone (daylight-saving gap).
    #[error("local time {local} does not exist in {zone} (daylight-saving gap)")]
    Nonexistent {
        /// The local time.
        local: String,
        /// The zone.
        zone: String,
    },
    /// A local time that occurs twice in the zone (daylight-saving overlap).
    #[error("local time {local} is ambiguous in {zone} (daylight-saving overlap)")]
    Ambiguous {
        /// The local time.
        local: String,
        /// The zone.
        zone: String,
    },
}

/// The result of placing a local time: an instant, or "skip" per policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Placed {
    /// The local time maps to this instant.
    At(DateTime<FixedOffset>),
    /// The local time does not exist and the policy says to drop it.
    Skipped,
}

/// Places a wall-clock time in `zone`, applying `policy` to DST gaps and overlaps.
pub fn place_local(
    naive: NaiveDateTime,
    zone: &Zone,
    policy: LocalPolicy,
) -> Result<Placed, TimeError> {
    match zone.local(naive) {
        LocalResult::Single(dt) => Ok(Placed::At(dt)),
        LocalResult::Ambiguous(early, late) => match policy.ambiguous {
            Ambiguous::Earliest => Ok(Placed::At(early)),
            Ambiguous::Latest => Ok(Placed::At(late)),
            Ambiguous::Error => Err(TimeError::Ambiguous {
                local: naive.to_string(),
                zone: zone.to_string(),
            }),
        },
        LocalResult::None => match policy.nonexistent {
            Nonexistent::Skip => Ok(Placed::Skipped),
            Nonexistent::ShiftForward => {
                let shifted = naive + gap_size(zone, naive);
                match zone.local(shifted) {
                    LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => Ok(Placed::At(dt)),
                    LocalResult::None => Err(TimeError::Nonexistent {
                        local: naive.to_string(),
                        zone: zone.to_string(),
                    }),
                }
            }
            Nonexistent::Error => Err(TimeError::Nonexistent {
                local: naive.to_string(),
                zone: zone.to_string(),
            }),
        },
    }
}

/// Size of the daylight-saving gap around `naive`: the offset a few hours
/// after minus the offset a few hours before (gaps are at most an hour or
/// two in real zones).
fn gap_size(zone: &Zone, naive: NaiveDateTime) -> Duration {
    let offset_at = |probe: NaiveDateTime| match zone.local(probe) {
        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => {
            Some(dt.offset().local_minus_utc())
        }
        LocalResult::None => None,
    };
    let before = offset_at(naive - Duration::hours(3));
    let after = offset_at(naive + Duration::hours(3));
    match (before, after) {
        (Some(before), Some(after)) if after > before => {
            Duration::seconds(i64::from(after - before))
        }
        _ => Duration::hours(1),
    }
}

/// Parses an ISO 8601 date-time. Text with an offset (`+01:00`, `Z`) is
/// taken as is; text without one is a wall-clock time in `assume` (required
/// then) placed with `policy`.
pub fn parse_datetime(
    text: &str,
    assume: Option<&Zone>,
    policy: LocalPolicy,
) -> Result<Placed, TimeError> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(Placed::At(dt));
    }
    let naive = parse_naive(text).ok_or_else(|| TimeError::Parse {
        text: text.to_owned(),
    })?;
    let zone = assume.ok_or_else(|| TimeError::Parse {
        text: text.to_owned(),
    })?;
    place_local(naive, zone, policy)
}

fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive);
        }
    }
    None
}

/// Parses an ISO 8601 calendar date (`YYYY-MM-DD`).
pub fn parse_date(text: &str) -> Result<NaiveDate, TimeError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| TimeError::Parse {
        text: text.to_owned(),
    })
}

/// Writes an instant in `zone` as RFC 3339 with seconds (`Z` for UTC).
pub fn format_datetime(instant: DateTime<FixedOffset>, zone: &Zone) -> String {
    let local = zone.convert(instant);
    let year = local.year();
    if !(0..=9999).contains(&year) {
        return local.to_rfc3339_opts(SecondsFormat::Secs, matches!(zone, Zone::Utc));
    }
    // Hand-written: this runs for every date-time of every record, and the
    // formatting machinery costs several times more.
    let mut out = String::with_capacity(25);
    let two = |out: &mut String, n: u32| {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    };
    let year = year as u32;
    two(&mut out, year / 100);
    two(&mut out, year % 100);
    out.push('-');
    two(&mut out, local.month());
    out.push('-');
    two(&mut out, local.day());
    out.push('T');
    two(&mut out, local.hour());
    out.push(':');
    two(&mut out, local.minute());
    out.push(':');
    two(&mut out, local.second());
    let offset = local.offset().local_minus_utc();
    if offset == 0 && matches!(zone, Zone::Utc) {
        out.push('Z');
    } else {
        out.push(if offset < 0 { '-' } else { '+' });
        let minutes = offset.unsigned_abs() / 60;
        two(&mut out, minutes / 60);
        out.push(':');
        two(&mut out, minutes % 60);
    }
    out
}

/// The local calendar date of an instant in `zone`.
pub fn local_date(instant: DateTime<FixedOffset>, zone: &Zone) -> NaiveDate {
    zone.convert(instant).date_naive()
}

/// Wall-clock time `time` on `date` in `zone`.
pub fn at_time(
    date: NaiveDate,
    time: NaiveTime,
    zone: &Zone,
    policy: LocalPolicy,
) -> Result<Placed, TimeError> {
    place_local(date.and_time(time), zone, policy)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn madrid() -> Zone {
        Zone::parse("Europe/Madrid").unwrap()
    }

    fn place(text: &str, policy: LocalPolicy) -> Result<String, TimeError> {
        let naive = parse_naive(text).unwrap();
        place_local(naive, &madrid(), policy).map(|placed| match placed {
            Placed::At(dt) => format_datetime(dt, &Zone::Utc),
            Placed::Skipped => "skipped".to_owned(),
        })
    }

    fn policy(ambiguous: Ambiguous, nonexistent: Nonexistent) -> LocalPolicy {
        LocalPolicy {
            ambiguous,
            nonexistent,
        }
    }

    #[test]
    fn zone_names() {
        assert_eq!(Zone::parse("UTC"), Some(Zone::Utc));
        assert_eq!(
            Zone::parse("+05:00"),
            Some(Zone::Fixed(FixedOffset::east_opt(5 * 3600).unwrap()))
        );
        assert_eq!(Zone::parse("UTC+5"), Zone::parse("+05:00"));
        assert_eq!(
            Zone::parse("-03:30"),
            Some(Zone::Fixed(FixedOffset::west_opt(3 * 3600 + 1800).unwrap()))
        );
        assert!(matches!(Zone::parse("Europe/Madrid"), Some(Zone::Named(_))));
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert_eq!(Zone::parse("+25:00"), None);
    }

    #[test]
    fn madrid_spring_forward_gap() {
        // 2025-03-30 is the last Sunday of March: 02:00 CET jumps to 03:00 CEST.
        let gap = "2025-03-30T02:30:00";
        let err = place(gap, LocalPolicy::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "local time 2025-03-30 02:30:00 does not exist in Europe/Madrid (daylight-saving gap)"
        );
        assert_eq!(
            place(gap, policy(Ambiguous::Error, Nonexistent::ShiftForward)).unwrap(),
            // 03:30 CEST
            "2025-03-30T01:30:00Z"
        );
        assert_eq!(
            place(gap, policy(Ambiguous::Error, Nonexistent::Skip)).unwrap(),
            "skipped"
        );
        // Either side of the gap is unambiguous.
        assert_eq!(
            place("2025-03-30T01:59:00", LocalPolicy::default()).unwrap(),
            "2025-03-30T00:59:00Z"
        );
        assert_eq!(
            place("2025-03-30T03:00:00", LocalPolicy::default()).unwrap(),
            "2025-03-30T01:00:00Z"
        );
    }

    #[test]
    fn madrid_fall_back_overlap() {
        // 2025-10-26 is the last Sunday of October: 03:00 CEST goes back to 02:00 CET.
        let overlap = "2025-10-26T02:30:00";
        let err = place(overlap, LocalPolicy::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "local time 2025-10-26 02:30:00 is ambiguous in Europe/Madrid (daylight-saving overlap)"
        );
        assert_eq!(
            place(overlap, policy(Ambiguous::Earliest, Nonexistent::Error)).unwrap(),
            "2025-10-26T00:30:00Z"
        );
        assert_eq!(
            place(overlap, policy(Ambiguous::Latest, Nonexistent::Error)).unwrap(),
            "2025-10-26T01:30:00Z"
        );
    }

    #[test]
    fn offsets_in_text_win_over_assumed_zone() {
        let placed = parse_datetime(
            "2025-03-04T10:15:00+01:00",
            Some(&Zone::parse("+05:00").unwrap()),
            LocalPolicy::default(),
        )
        .unwrap();
        let Placed::At(dt) = placed else {
            panic!("expected an instant")
        };
        assert_eq!(format_datetime(dt, &Zone::Utc), "2025-03-04T09:15:00Z");
        assert_eq!(
            format_datetime(dt, &Zone::parse("UTC+5").unwrap()),
            "2025-03-04T14:15:00+05:00"
        );
        assert_eq!(format_datetime(dt, &madrid()), "2025-03-04T10:15:00+01:00");
    }

    #[test]
    fn formatting_matches_rfc3339() {
        for (text, zone) in [
            ("2025-03-04T10:15:00+01:00", "UTC"),
            ("2025-03-04T10:15:00+01:00", "+05:00"),
            ("0999-01-01T00:00:00Z", "-03:30"),
            ("2025-10-26T00:30:00Z", "Europe/Madrid"),
        ] {
            let dt = DateTime::parse_from_rfc3339(text).unwrap();
            let zone = Zone::parse(zone).unwrap();
            let want = zone
                .convert(dt)
                .to_rfc3339_opts(SecondsFormat::Secs, matches!(zone, Zone::Utc));
            assert_eq!(format_datetime(dt, &zone), want, "{text} in {zone}");
        }
    }

    #[test]
    fn naive_text_needs_a_zone() {
        assert!(parse_datetime("2025-03-04T10:15:00", None, LocalPolicy::default()).is_err());
        assert!(parse_datetime("not a date", Some(&Zone::Utc), LocalPolicy::default()).is_err());
        assert!(parse_date("2025-02-30").is_err());
        assert_eq!(
            parse_date("2025-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
    }

    #[test]
    fn kazakhstan_single_zone() {
        let almaty = Zone::parse("Asia/Almaty").unwrap();
        let instant = DateTime::parse_from_rfc3339("2025-01-15T03:00:00Z").unwrap();
        // Since 2024-03-01 all of Kazakhstan is UTC+5.
        assert_eq!(
            format_datetime(instant, &almaty),
            "2025-01-15T08:00:00+05:00"
        );
    }
}
