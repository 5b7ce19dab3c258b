//! Calendar arithmetic without a time-zone database: civil dates, Madrid's
//! CET/CEST rule, Kazakhstan's UTC+5 and its public holidays.

/// A civil date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
}

impl Date {
    pub(crate) const fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub(crate) fn to_days(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year =
            (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub(crate) fn from_days(days: i64) -> Date {
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of week, 0 = Monday … 6 = Sunday.
    pub(crate) fn weekday(self) -> u32 {
        (self.to_days() + 3).rem_euclid(7) as u32
    }

    pub(crate) fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// Adds calendar months, clamping the day to the month's length.
    pub(crate) fn add_months(self, months: u32) -> Date {
        let total = self.month - 1 + months;
        let year = self.year + (total / 12) as i32;
        let month = total % 12 + 1;
        Date::new(year, month, self.day.min(days_in_month(year, month)))
    }

    /// `YYYY-MM-DD`.
    pub(crate) fn iso(self) -> String {
        let mut out = String::with_capacity(10);
        self.push_iso(&mut out);
        out
    }

    /// `DD.MM.YYYY`, as people write dates in Kazakhstan and Spain.
    pub(crate) fn dotted(self) -> String {
        let mut out = String::with_capacity(10);
        match u32::try_from(self.year) {
            Ok(year) if year <= 9999 && self.month <= 99 && self.day <= 99 => {
                push_digits(&mut out, self.day, 2);
                out.push('.');
                push_digits(&mut out, self.month, 2);
                out.push('.');
                push_digits(&mut out, year, 4);
            }
            _ => {
                use std::fmt::Write as _;
                let _ = write!(out, "{:02}.{:02}.{:04}", self.day, self.month, self.year);
            }
        }
        out
    }

    /// Appends `YYYY-MM-DD` (what `format!("{:04}-{:02}-{:02}")` gives,
    /// without the formatting machinery: generators call this per record).
    pub(crate) fn push_iso(self, out: &mut String) {
        match u32::try_from(self.year) {
            Ok(year) if year <= 9999 && self.month <= 99 && self.day <= 99 => {
                push_digits(out, year, 4);
                out.push('-');
                push_digits(out, self.month, 2);
                out.push('-');
                push_digits(out, self.day, 2);
            }
            _ => {
                use std::fmt::Write as _;
                let _ = write!(out, "{:04}-{:02}-{:02}", self.year, self.month, self.day);
            }
        }
    }
}

/// Appends `value` zero-padded to `width` digits; `value` must be below
/// `10^width` and `width` at most 4.
fn push_digits(out: &mut String, mut value: u32, width: usize) {
    let mut digits = [b'0'; 4];
    for digit in digits[..width].iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
    out.extend(digits[..width].iter().map(|&digit| char::from(digit)));
}

pub(crate) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> Date {
    let last = Date::new(year, month, days_in_month(year, month));
    last.add_days(-i64::from((last.weekday() + 1) % 7))
}

/// Madrid's UTC offset in hours at a local wall-clock time (EU rule: CEST
/// from the last Sunday of March 02:00 local to the last Sunday of October
/// 03:00 local). The skipped spring hour reads as CEST; the repeated autumn
/// hour as CEST (its first occurrence).
pub(crate) fn madrid_offset_hours(date: Date, hour: u32) -> i32 {
    let start = last_sunday(date.year, 3);
    let end = last_sunday(date.year, 10);
    let after_start = date > start || (date == start && hour >= 2);
    let before_end = date < end || (date == end && hour < 3);
    if after_start && before_end { 2 } else { 1 }
}

/// `YYYY-MM-DDTHH:MM:SS+HH:00` for a local time and whole-hour offset.
pub(crate) fn timestamp(date: Date, hour: u32, minute: u32, second: u32, offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    if hour > 99 || minute > 99 || second > 99 || offset > 99 {
        return format!(
            "{}T{hour:02}:{minute:02}:{second:02}{sign}{offset:02}:00",
            date.iso()
        );
    }
    let mut out = String::with_capacity(25);
    date.push_iso(&mut out);
    out.push('T');
    push_digits(&mut out, hour, 2);
    out.push(':');
    push_digits(&mut out, minute, 2);
    out.push(':');
    push_digits(&mut out, second, 2);
    out.push(sign);
    push_digits(&mut out, offset, 2);
    out.push_str(":00");
    out
}

/// Kazakhstan's official holidays with fixed dates that move to the next
/// working day when they fall on a weekend (Labour Code art. 85).
const KZ_FIXED_HOLIDAYS: &[(u32, u32)] = &[
    (1, 1),
    (1, 2),
    (3, 8),
    (3, 21),
    (3, 22),
    (3, 23),
    (5, 1),
    (5, 7),
    (5, 9),
    (7, 6),
    (8, 30),
    (10, 25),
    (12, 16),
];

/// Religious holidays: days off that are not moved (Orthodox Christmas
/// 7 January and the first day of Kurban Ait, from published calendars).
const KZ_RELIGIOUS_FIXED: &[(u32, u32)] = &[(1, 7)];
const KURBAN_AIT: &[(i32, u32, u32)] = &[
    (2023, 6, 28),
    (2024, 6, 16),
    (2025, 6, 6),
    (2026, 5, 27),
    (2027, 5, 16),
];

fn kz_fixed_holiday(date: Date) -> bool {
    KZ_FIXED_HOLIDAYS
        .iter()
        .any(|&(month, day)| date.month == month && date.day == day)
}

fn kz_unmoved_holiday(date: Date) -> bool {
    KZ_RELIGIOUS_FIXED
        .iter()
        .any(|&(month, day)| date.month == month && date.day == day)
        || KURBAN_AIT
            .iter()
            .any(|&(year, month, day)| Date::new(year, month, day) == date)
}

/// Days from `start` on, each with whether it is a day off in Kazakhstan: a
/// weekend, a holiday, or a weekday that replaces a fixed holiday falling on
/// a weekend. The simulation begins three weeks earlier so that replacement
/// days owed from before `start` are counted. Government decrees that swap
/// extra bridge days are not modelled.
fn kz_calendar(start: Date) -> impl Iterator<Item = (Date, bool)> {
    let mut owed = 0u32;
    (start.to_days() - 21..)
        .map(Date::from_days)
        .filter_map(move |date| {
            let off = if date.weekday() >= 5 {
                owed += u32::from(kz_fixed_holiday(date));
                true
            } else if kz_fixed_holiday(date) || kz_unmoved_holiday(date) {
                true
            } else if owed > 0 {
                owed -= 1;
                true
            } else {
                false
            };
            (date >= start).then_some((date, off))
        })
}

#[cfg(test)]
/// True when `date` is a day off in Kazakhstan (see [`kz_calendar`]).
pub(crate) fn kz_is_day_off(date: Date) -> bool {
    kz_calendar(date).next().is_some_and(|(_, off)| off)
}

/// The date `n` Kazakh working days after `date` (the registration day
/// itself does not count).
pub(crate) fn kz_add_working_days(date: Date, n: u32) -> Date {
    kz_calendar(date.add_days(1))
        .filter(|&(_, off)| !off)
        .nth(n.saturating_sub(1) as usize)
        .map_or(date, |(day, _)| day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generators' fast hand rule for Madrid's offset agrees with the
    /// adapters' time-zone database (chrono-tz) at every hour of three
    /// years: the rule is an optimisation, not a second definition.
    #[test]
    fn the_madrid_offset_rule_agrees_with_the_zone_database() {
        use govlab_adapters::time::{
            Ambiguous, LocalPolicy, Nonexistent, Placed, Zone, format_datetime, parse_datetime,
        };
        let Some(zone) = Zone::parse("Europe/Madrid") else {
            panic!("Europe/Madrid is not in the zone database");
        };
        let policy = LocalPolicy {
            ambiguous: Ambiguous::Earliest,
            nonexistent: Nonexistent::ShiftForward,
        };
        let mut day = Date::new(2024, 1, 1);
        let mut hours = 0;
        while day < Date::new(2027, 1, 1) {
            for hour in 0..24 {
                let ours = timestamp(day, hour, 30, 0, madrid_offset_hours(day, hour));
                let local = format!("{}T{hour:02}:30:00", day.iso());
                let Ok(Placed::At(instant)) = parse_datetime(&local, Some(&zone), policy) else {
                    panic!("{local} not placed");
                };
                let theirs = format_datetime(instant, &zone);
                if theirs.starts_with(&local) {
                    // The skipped spring hour reads as CEST here and is
                    // shifted forward there: only existing times compare.
                    assert_eq!(ours, theirs, "{local}");
                    hours += 1;
                }
            }
            day = day.add_days(1);
        }
        assert!(hours > 26_000, "{hours}");
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(Date::new(1970, 1, 1).to_days(), 0);
        assert_eq!(Date::new(2000, 3, 1).to_days(), 11_017);
        for days in (-80_000..80_000).step_by(37) {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::new(2025, 11, 25).weekday(), 1);
        assert_eq!(Date::new(2025, 1, 31).add_months(1), Date::new(2025, 2, 28));
        assert_eq!(
            Date::new(2024, 11, 30).add_months(3),
            Date::new(2025, 2, 28)
        );
    }

    #[test]
    fn fast_formatting_matches_format() {
        for (year, month, day) in [(2025, 1, 9), (999, 12, 31), (-4, 3, 1), (12_345, 10, 10)] {
            let date = Date::new(year, month, day);
            assert_eq!(date.iso(), format!("{year:04}-{month:02}-{day:02}"));
            for (hour, minute, second, offset) in [(0, 5, 59, 5), (23, 0, 0, -3), (100, 7, 7, 0)] {
                let sign = if offset < 0 { '-' } else { '+' };
                assert_eq!(
                    timestamp(date, hour, minute, second, offset),
                    format!(
                        "{}T{hour:02}:{minute:02}:{second:02}{sign}{:02}:00",
                        date.iso(),
                        offset.abs()
                    )
                );
            }
        }
    }

    #[test]
    fn madrid_summer_time() {
        // 2025: CEST from 30 March to 26 October.
        assert_eq!(madrid_offset_hours(Date::new(2025, 3, 30), 1), 1);
        assert_eq!(madrid_offset_hours(Date::new(2025, 3, 30), 3), 2);
        assert_eq!(madrid_offset_hours(Date::new(2025, 7, 1), 12), 2);
        assert_eq!(madrid_offset_hours(Date::new(2025, 10, 26), 4), 1);
        assert_eq!(madrid_offset_hours(Date::new(2025, 12, 1), 12), 1);
        assert_eq!(
            timestamp(
                Date::new(2025, 3, 4),
                10,
                15,
                0,
                madrid_offset_hours(Date::new(2025, 3, 4), 10)
            ),
            "2025-03-04T10:15:00+01:00"
        );
    }

    #[test]
    fn kazakh_calendar() {
        // Nauryz 2025: 21 (Fri), 22 (Sat), 23 (Sun) → 24 and 25 March off.
        assert!(kz_is_day_off(Date::new(2025, 3, 21)));
        assert!(kz_is_day_off(Date::new(2025, 3, 24)));
        assert!(kz_is_day_off(Date::new(2025, 3, 25)));
        assert!(!kz_is_day_off(Date::new(2025, 3, 26)));
        // Kurban Ait 2025 (Fri 6 June) and an ordinary Tuesday.
        assert!(kz_is_day_off(Date::new(2025, 6, 6)));
        assert!(!kz_is_day_off(Date::new(2025, 6, 10)));
        // Orthodox Christmas on a Sunday is not moved (2024-01-07 was Sunday).
        assert!(!kz_is_day_off(Date::new(2024, 1, 8)));
        // 15 working days from Monday 3 March 2025: 8 March (Sat) moves to
        // Monday 10 March; Nauryz takes 21, 24 and 25 March.
        assert_eq!(
            kz_add_working_days(Date::new(2025, 3, 3), 15),
            Date::new(2025, 3, 28)
        );
    }
}
