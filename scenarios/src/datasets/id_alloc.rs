//! Which identifier each record gets: unique IINs, DNIs and NIEs within a
//! dataset and seed, derived from `(seed, split, dataset, i)` only.
//!
//! Every scheme is the same idea: record `i` owns slot `perm(i)` of a
//! finite slot space, where `perm` is a keyed bijection
//! ([`Permutation`]) seeded from the dataset's stream key, and each slot
//! decodes to a distinct identifier. Distinct records therefore get
//! distinct identifiers as long as the dataset has no more records than
//! slots (the capacities are constants below; beyond them indices wrap and
//! identifiers repeat).
//!
//! **IIN** (`YYMMDD` + century/sex digit + 4-digit serial + check digit).
//! Uniqueness is per (birth date, sex): a slot decodes to a birth date, a
//! sex and a *serial pair*. Pair `k` stands for the serials
//! `s = 10·(k div 5) + (k mod 5)` and `s + 5`, which differ only in the
//! last serial digit. That digit has weight 11 ≡ 0 in the first checksum
//! pass and weight 2 in the second, so when the first pass gives 10 the two
//! second passes differ by 10 (mod 11) and at most one of them is 10: one
//! serial of every pair is always issuable. The serial ranges are split
//! between datasets so they never meet:
//!
//! | serials | pairs | used by |
//! | --- | --- | --- |
//! | 0000–3999 | 0–1999 | `kz.citizens` |
//! | 4000–8999 | 2000–4499 | `kz.families` members other than the head |
//! | 9000–9999 | — | left free (cross-border cases draw 9000–9949) |
//!
//! `kz.citizens` slots are laid out by birth year and sex in proportion to
//! the age pyramid the generator passes in ([`BirthSlots`]), so the birth
//! date and sex *come from* the slot and the pyramid holds exactly over the
//! slot space. Family members get their age from the household; their slot
//! gives the day of the year and the pair.
//!
//! **DNI**: the 8-digit number is the slot itself (`0..10^8`); slots are
//! laid out oldest birth year first ([`YearRanges`]), so older Spaniards
//! have lower numbers, as real DNIs roughly do.
//!
//! **NIE**: a slot decodes to a prefix and a 7-digit number, X : Y : Z ≈
//! 3 : 6 : 1 (X before 2008, Y since, Z since Y ran out).

use super::ids::make_iin;
use super::permute::Permutation;
use super::rng::{StreamKey, mix64};
use super::time::{Date, is_leap};

/// Serial pairs of `kz.citizens` IINs: serials 0000–3999.
pub(crate) const CITIZEN_PAIRS: u32 = 2000;
/// Serial pairs of `kz.families` members: serials 4000–8999.
pub(crate) const FAMILY_PAIRS: u32 = 2500;
/// Member positions per household besides the head (spouse, up to seven
/// children, a parent).
pub(crate) const FAMILY_MEMBER_POSITIONS: u64 = 9;
/// Family member slots: 365 days × [`FAMILY_PAIRS`] = 912,500, so the
/// members of the first 101,388 households all get distinct IINs.
pub(crate) const FAMILY_MEMBER_SLOTS: u64 = 365 * FAMILY_PAIRS as u64;

/// DNI numbers: all of `00000000`–`99999999`.
pub(crate) const DNI_SLOTS: u64 = 100_000_000;
/// NIE slots: ten per block of `q`; residents up to this index get distinct
/// NIEs.
pub(crate) const NIE_SLOTS: u64 = 16_666_660;

/// A stable word for a scheme name (FNV-1a, then SplitMix64), computed at
/// compile time.
const fn scheme_tag(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    let mut position = 0;
    while position < bytes.len() {
        hash ^= bytes[position] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01B3);
        position += 1;
    }
    mix64(hash)
}

const IIN_SCHEME: u64 = scheme_tag("iin");
const FAMILY_IIN_SCHEME: u64 = scheme_tag("family-iin");
const DNI_SCHEME: u64 = scheme_tag("dni");
const NIE_SCHEME: u64 = scheme_tag("nie");

/// The key word of an identifier scheme in a dataset's stream.
fn scheme_key(key: &StreamKey, scheme: u64) -> u64 {
    mix64(key.latent ^ scheme)
}

/// Which serial of a pair to try first, from the slot (so that first
/// choices end in 0–4 and 5–9 alike).
fn flip(slot: u64) -> bool {
    mix64(slot ^ 0x1F1F_5E71_A15E_11A1) & 1 == 1
}

/// The IIN of a birth date, sex and serial pair (`flip` chooses which
/// serial of the pair comes first; the other is taken when the first is
/// unissuable).
fn iin_of_pair(birth: Date, male: bool, pair: u32, flip: bool) -> String {
    let base = (pair / 5) * 10 + pair % 5;
    let (first, second) = if flip {
        (base + 5, base)
    } else {
        (base, base + 5)
    };
    make_iin(birth.year, birth.month, birth.day, male, first)
        .or_else(|| make_iin(birth.year, birth.month, birth.day, male, second))
        // One serial of every pair is issuable (see the module docs and the
        // test `every_pair_has_an_issuable_serial`).
        .unwrap_or_default()
}

fn days_in_year(year: i32) -> u64 {
    if is_leap(year) { 366 } else { 365 }
}

/// One stratum of [`BirthSlots`]: a birth year and sex with `per_day`
/// pairs on each of its days.
#[derive(Debug, Clone)]
struct Stratum {
    start: u64,
    year: i32,
    male: bool,
    per_day: u64,
}

/// The `kz.citizens` slot space: birth years and sexes in proportion to an
/// age pyramid, each day of a stratum with the same number of serial
/// pairs (at most [`CITIZEN_PAIRS`]).
#[derive(Debug, Clone)]
pub(crate) struct BirthSlots {
    strata: Vec<Stratum>,
    len: u64,
}

/// What a citizen's slot decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BirthSlot {
    pub(crate) birth: Date,
    pub(crate) male: bool,
    pair: u32,
    flip: bool,
}

impl BirthSlot {
    /// The IIN of this slot.
    pub(crate) fn iin(&self) -> String {
        iin_of_pair(self.birth, self.male, self.pair, self.flip)
    }
}

impl BirthSlots {
    /// Lays out `(birth year, weight of men, weight of women)` strata: the
    /// densest (per day) gets [`CITIZEN_PAIRS`] pairs a day, the others in
    /// proportion (at least one).
    pub(crate) fn new(years: &[(i32, f64, f64)]) -> BirthSlots {
        let densest = years
            .iter()
            .flat_map(|&(year, men, women)| {
                let days = days_in_year(year) as f64;
                [men / days, women / days]
            })
            .fold(0.0_f64, f64::max);
        let mut strata = Vec::with_capacity(years.len() * 2);
        let mut start = 0u64;
        for &(year, men, women) in years {
            for (male, weight) in [(true, men), (false, women)] {
                let density = weight / days_in_year(year) as f64;
                let per_day = if densest > 0.0 {
                    ((density / densest) * f64::from(CITIZEN_PAIRS)).round() as u64
                } else {
                    1
                }
                .clamp(1, u64::from(CITIZEN_PAIRS));
                strata.push(Stratum {
                    start,
                    year,
                    male,
                    per_day,
                });
                start += per_day * days_in_year(year);
            }
        }
        BirthSlots { strata, len: start }
    }

    /// The number of slots (citizens with distinct IINs).
    #[cfg(test)]
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Birth date, sex and serial pair of `slot` (`slot < len`).
    pub(crate) fn locate(&self, slot: u64) -> BirthSlot {
        let position = self
            .strata
            .partition_point(|stratum| stratum.start <= slot)
            .saturating_sub(1);
        let Some(stratum) = self.strata.get(position) else {
            return BirthSlot {
                birth: Date::new(2000, 1, 1),
                male: true,
                pair: 0,
                flip: false,
            };
        };
        let offset = slot - stratum.start;
        let day = offset / stratum.per_day;
        let local_pair = offset % stratum.per_day;
        // Spread a sparse stratum's pairs over the whole range (an
        // increasing map, so still one pair per local index).
        let pair = local_pair * u64::from(CITIZEN_PAIRS) / stratum.per_day;
        BirthSlot {
            birth: Date::new(stratum.year, 1, 1).add_days(day as i64),
            male: stratum.male,
            pair: pair as u32,
            flip: flip(slot),
        }
    }

    /// The slot of record `index` of the dataset whose stream key is `key`.
    pub(crate) fn slot_of(&self, key: &StreamKey, index: u64) -> BirthSlot {
        let permutation = Permutation::new(self.len, scheme_key(key, IIN_SCHEME));
        self.locate(permutation.apply(index))
    }
}

/// The IIN and birth date of member `position` (`0..9`) of household
/// `family` in the dataset whose stream key is `key`, born in `year`.
pub(crate) fn family_member_iin(
    key: &StreamKey,
    family: u64,
    position: u64,
    year: i32,
    male: bool,
) -> (Date, String) {
    let member = family * FAMILY_MEMBER_POSITIONS + position.min(FAMILY_MEMBER_POSITIONS - 1);
    let permutation = Permutation::new(FAMILY_MEMBER_SLOTS, scheme_key(key, FAMILY_IIN_SCHEME));
    let slot = permutation.apply(member);
    let day = slot / u64::from(FAMILY_PAIRS);
    let pair = CITIZEN_PAIRS + (slot % u64::from(FAMILY_PAIRS)) as u32;
    let birth = Date::new(year, 1, 1).add_days(day as i64);
    (birth, iin_of_pair(birth, male, pair, flip(slot)))
}

/// Contiguous ranges of a number space, one per birth year, in increasing
/// year order, sized by weight.
#[derive(Debug, Clone)]
pub(crate) struct YearRanges {
    /// `(first number, year)`, increasing.
    starts: Vec<(u64, i32)>,
}

impl YearRanges {
    /// Splits `0..total` by `(year, weight)` (years in increasing order).
    pub(crate) fn new(total: u64, years: &[(i32, f64)]) -> YearRanges {
        let sum: f64 = years.iter().map(|&(_, weight)| weight.max(0.0)).sum();
        let mut starts = Vec::with_capacity(years.len());
        let mut cumulative = 0.0;
        for &(year, weight) in years {
            let start = if sum > 0.0 {
                (cumulative / sum * total as f64) as u64
            } else {
                0
            };
            starts.push((start, year));
            cumulative += weight.max(0.0);
        }
        YearRanges { starts }
    }

    /// The year whose range holds `number`.
    pub(crate) fn year_of(&self, number: u64) -> i32 {
        let position = self
            .starts
            .partition_point(|&(start, _)| start <= number)
            .saturating_sub(1);
        self.starts.get(position).map_or(2000, |&(_, year)| year)
    }
}

/// The DNI number of record `index` of the dataset whose stream key is
/// `key`, and the holder's birth year from `ranges`.
pub(crate) fn dni_number(key: &StreamKey, index: u64, ranges: &YearRanges) -> (u32, i32) {
    let number = Permutation::new(DNI_SLOTS, scheme_key(key, DNI_SCHEME)).apply(index);
    (number as u32, ranges.year_of(number))
}

/// The NIE of record `index` as (prefix index 0 = X, 1 = Y, 2 = Z; 7-digit
/// number).
pub(crate) fn nie_parts(key: &StreamKey, index: u64) -> (u32, u32) {
    let slot = Permutation::new(NIE_SLOTS, scheme_key(key, NIE_SCHEME)).apply(index);
    let (block, lane) = (slot / 10, (slot % 10) as u32);
    match lane {
        // X: 3 lanes → 0..5_000_000, spread over all 7 digits (2n or 2n+1,
        // still one number per n).
        0..=2 => {
            let n = block * 3 + u64::from(lane);
            (0, (2 * n + (mix64(n) & 1)) as u32)
        }
        // Y: 6 lanes → 0..10_000_000.
        3..=8 => (1, (block * 6 + u64::from(lane - 3)) as u32),
        // Z: 1 lane → 0..1_666_666 (recent, low numbers).
        _ => (2, block as u32),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::datasets::ids::{iin_birth, is_valid_iin};

    #[test]
    fn every_pair_has_an_issuable_serial() {
        // Exhaustive over serial pairs for a spread of dates and both sexes.
        for (year, month, day) in [(1990, 1, 1), (1882, 12, 14), (2001, 1, 1), (2024, 2, 29)] {
            for male in [true, false] {
                for pair in 0..5000 {
                    for flip in [false, true] {
                        let iin = iin_of_pair(Date::new(year, month, day), male, pair, flip);
                        assert!(is_valid_iin(&iin), "{year} {pair} {flip}: {iin:?}");
                    }
                }
            }
        }
    }

    fn flat_years() -> BirthSlots {
        let years: Vec<(i32, f64, f64)> = (1930..=2024).map(|year| (year, 1.0, 1.0)).collect();
        BirthSlots::new(&years)
    }

    #[test]
    fn birth_slots_decode_to_distinct_iins() {
        let slots = flat_years();
        let key = StreamKey::new(1, "practice", "test");
        let mut seen = HashSet::new();
        for index in 0..50_000 {
            let slot = slots.slot_of(&key, index);
            let iin = slot.iin();
            let (year, month, day) = iin_birth(&iin).map_or((0, 0, 0), |(date, _)| date);
            assert_eq!(Date::new(year, month, day), slot.birth, "{iin} {slot:?}");
            assert!(seen.insert(iin));
        }
    }

    #[test]
    fn slots_follow_the_weights() {
        let years = [(1990, 3.0, 1.0), (1991, 0.0, 2.0)];
        let slots = BirthSlots::new(&years);
        let count = |predicate: &dyn Fn(&BirthSlot) -> bool| {
            (0..slots.len())
                .step_by(97)
                .filter(|&slot| predicate(&slots.locate(slot)))
                .count() as f64
        };
        let total = count(&|_| true);
        let men_1990 = count(&|slot| slot.male && slot.birth.year == 1990) / total;
        assert!((men_1990 - 0.5).abs() < 0.01, "{men_1990}");
        // A zero weight still gets one pair a day (the floor).
        assert!(count(&|slot| slot.male && slot.birth.year == 1991) > 0.0);
    }

    #[test]
    fn family_members_never_share_or_meet_citizens() {
        let key = StreamKey::new(3, "practice", "kz.families");
        let mut seen = HashSet::new();
        // All nine positions of 20,000 households, everyone born the same
        // year and sex: the hardest case.
        for family in 0..20_000 {
            for position in 0..FAMILY_MEMBER_POSITIONS {
                let (birth, iin) = family_member_iin(&key, family, position, 1990, true);
                assert!(is_valid_iin(&iin), "{iin}");
                assert_eq!(birth.year, 1990);
                let serial: u32 = iin[7..11].parse().unwrap_or(0);
                assert!((4000..9000).contains(&serial), "{iin}");
                assert!(seen.insert(iin));
            }
        }
        const { assert!(FAMILY_MEMBER_SLOTS / FAMILY_MEMBER_POSITIONS > 100_000) };
    }

    #[test]
    fn year_ranges_put_older_years_first() {
        let ranges = YearRanges::new(100, &[(1950, 1.0), (1980, 1.0), (2000, 2.0)]);
        assert_eq!(ranges.year_of(0), 1950);
        assert_eq!(ranges.year_of(24), 1950);
        assert_eq!(ranges.year_of(25), 1980);
        assert_eq!(ranges.year_of(50), 2000);
        assert_eq!(ranges.year_of(99), 2000);
    }

    #[test]
    fn nie_prefixes_are_mixed() {
        let key = StreamKey::new(4, "practice", "madrid.residents");
        let mut prefixes = [0u32; 3];
        for index in 0..30_000 {
            let (prefix, number) = nie_parts(&key, index);
            assert!(number < 10_000_000);
            prefixes[prefix as usize] += 1;
        }
        let share = |count: u32| f64::from(count) / 30_000.0;
        assert!((share(prefixes[0]) - 0.3).abs() < 0.02, "{prefixes:?}");
        assert!((share(prefixes[1]) - 0.6).abs() < 0.02, "{prefixes:?}");
        assert!((share(prefixes[2]) - 0.1).abs() < 0.02, "{prefixes:?}");
    }
}
