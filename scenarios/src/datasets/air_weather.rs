//! The weather the air datasets share, per city and hour: multi-day
//! stagnation episodes (winter anticyclones and inversions), wind speed and
//! mixing-layer height, the ventilation they give, the build-up of
//! pollution that ventilation drives, and the met office's imperfect
//! forecast of it.
//!
//! Everything is a pure function of `(latent, city, hour)`, so any record of
//! a series can be generated on its own. Hours count from the datasets'
//! first day, 2025-01-01 00:00 local time.

use super::rng::{hash_str, hash_words, unit_from_hash};
use super::time::Date;
use super::{Context, GenConfig};

/// Hour 0 is this day's midnight, local time.
pub(crate) const FIRST_DAY: Date = Date::new(2025, 1, 1);

/// Hours of weather a concentration looks back on: after two days even a
/// stagnant air mass has lost most of what it held.
pub(crate) const LOOKBACK_HOURS: i64 = 48;

/// What the air holds at typical ventilation, per unit of hourly emission:
/// `1 / (1 − e^{−0.3})`. Concentrations are scaled by it, so an emission
/// level is the concentration it gives in ordinary weather.
const TYPICAL_HOLD: f64 = 3.858_295_913_510_083;

/// One city's climate.
struct Climate {
    /// Typical wind speed, m/s.
    wind_ms: f64,
    /// Typical afternoon mixing-layer height, m.
    mixing_m: f64,
    /// Daily chance that a stagnation episode starts, in summer and in
    /// mid-winter.
    episode_rate: (f64, f64),
}

fn climate(city: &str) -> Climate {
    match city {
        // A basin under the mountains: weak winds, long winter inversions.
        "Almaty" => Climate {
            wind_ms: 1.7,
            mixing_m: 800.0,
            episode_rate: (0.05, 0.24),
        },
        // The windy steppe.
        "Astana" => Climate {
            wind_ms: 4.5,
            mixing_m: 900.0,
            episode_rate: (0.04, 0.14),
        },
        _ => Climate {
            wind_ms: 3.0,
            mixing_m: 1_200.0,
            episode_rate: (0.05, 0.15),
        },
    }
}

/// The weather of one hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Weather {
    /// Wind speed, m/s.
    pub(crate) wind_ms: f64,
    /// Height of the mixing layer, m.
    pub(crate) mixing_height_m: f64,
}

impl Weather {
    /// Wind speed × mixing height, m²/s.
    pub(crate) fn ventilation(self) -> f64 {
        self.wind_ms * self.mixing_height_m
    }

    /// The share of what the air holds that one hour flushes out, as a
    /// rate: slow in still air under a low lid, fast in a ventilated one.
    fn flush_rate(self) -> f64 {
        0.045 + 0.5 * (1.0 - (-self.ventilation() / 2_000.0).exp())
    }

    /// As a bulletin writes it: wind to 0.1 m/s, height to 10 m.
    pub(crate) fn reported(self) -> Weather {
        Weather {
            wind_ms: (self.wind_ms * 10.0).round() / 10.0,
            mixing_height_m: (self.mixing_height_m / 10.0).round() * 10.0,
        }
    }
}

/// The latent word a dataset's weather is drawn from (each air dataset
/// has its own, so Madrid's and Kazakhstan's weather are independent).
pub(crate) fn dataset_latent(config: &GenConfig) -> u64 {
    Context::new(config).key.latent
}

/// The date of an hour.
pub(crate) fn date_of(hour: i64) -> Date {
    FIRST_DAY.add_days(hour.div_euclid(24))
}

/// 1 in mid-January, 0 from May to September.
pub(crate) fn winter(date: Date) -> f64 {
    let day_of_year = (date.to_days() - Date::new(date.year, 1, 1).to_days()) as f64;
    ((day_of_year - 15.0) / 365.0 * std::f64::consts::TAU)
        .cos()
        .max(0.0)
}

/// Smooth noise in [−1, 1] over hours (knots every `knot_hours`).
pub(crate) fn smooth_noise(seed: u64, hour: i64, knot_hours: i64) -> f64 {
    let knot_hours = knot_hours.max(1);
    let knot = hour.div_euclid(knot_hours);
    let t = hour.rem_euclid(knot_hours) as f64 / knot_hours as f64;
    let at = |k: i64| 2.0 * unit_from_hash(hash_words(&[seed, k as u64])) - 1.0;
    let eased = t * t * (3.0 - 2.0 * t);
    at(knot) * (1.0 - eased) + at(knot + 1) * eased
}

/// Stagnation in `[0, 1.2]`: episodes start at any hour of a day (more
/// often in winter), last 18–90 hours, set in over 8 hours and clear over
/// 6.
fn stagnation(latent: u64, city_word: u64, climate: &Climate, hour: i64) -> f64 {
    let day = hour.div_euclid(24);
    (0..5)
        .filter_map(|back| {
            let start_day = day - back;
            let word = hash_words(&[latent, city_word, 0x57A6_A710, start_day as u64]);
            let (summer, winter_rate) = climate.episode_rate;
            let rate = summer + (winter_rate - summer) * winter(FIRST_DAY.add_days(start_day));
            if unit_from_hash(word) >= rate {
                return None;
            }
            let start = start_day * 24 + ((word >> 8) % 24) as i64;
            let length = 18 + ((word >> 20) % 73) as i64;
            let strength = 0.5 + 0.7 * unit_from_hash(word.rotate_left(29));
            let into = hour - start;
            if into < 0 || into >= length + 6 {
                return None;
            }
            let onset = (into as f64 / 8.0).min(1.0);
            let clearing = (1.0 - (into - length) as f64 / 6.0).min(1.0);
            Some(strength * onset.min(clearing))
        })
        .fold(0.0, f64::max)
}

/// The weather of `city` at `hour`.
pub(crate) fn weather(latent: u64, city: &str, hour: i64) -> Weather {
    let climate = climate(city);
    let city_word = hash_str(city);
    let still = stagnation(latent, city_word, &climate, hour).min(1.0);
    let h = hour.rem_euclid(24) as f64;
    let bump = |centre: f64, width: f64| (-((h - centre) / width).powi(2)).exp();
    let winter = winter(date_of(hour));
    let wind = climate.wind_ms
        * (1.0 - 0.7 * still)
        * (0.7 + 0.6 * bump(15.0, 4.0))
        * (0.35 * smooth_noise(hash_words(&[latent, city_word, 1]), hour, 6)).exp();
    let mixing = climate.mixing_m
        * (0.2 + 0.8 * bump(14.0, 4.5))
        * (1.0 - 0.75 * still)
        * (1.0 - 0.4 * winter)
        * (0.3 * smooth_noise(hash_words(&[latent, city_word, 2]), hour, 8)).exp();
    Weather {
        wind_ms: wind.max(0.2),
        mixing_height_m: mixing.max(50.0),
    }
}

/// The met office's forecast, issued after hour `issued`, of the weather at
/// a later `hour`: the pattern may come a few hours early or late (up to
/// ±5 h at a day's lead) and the figures drift more the further ahead.
/// `seed` makes each forecast's errors its own.
pub(crate) fn forecast(latent: u64, city: &str, issued: i64, hour: i64, seed: u64) -> Weather {
    let lead = (hour - issued).max(0) as f64 / 24.0;
    let shift = ((2.0 * unit_from_hash(hash_words(&[seed, 3])) - 1.0) * 5.0 * lead).round() as i64;
    let truth = weather(latent, city, hour + shift);
    let spread = 0.1 + 0.2 * lead;
    Weather {
        wind_ms: truth.wind_ms * (spread * smooth_noise(hash_words(&[seed, 1]), hour, 6)).exp(),
        mixing_height_m: truth.mixing_height_m
            * (spread * smooth_noise(hash_words(&[seed, 2]), hour, 6)).exp(),
    }
}

/// Concentrations at hours `first..first + count` of a pollutant emitted
/// at `emission(hour)` (the concentration it would give at typical
/// ventilation). Each hour the air keeps `e^{−flush}` of what it held and
/// takes in that hour's emission; the air is taken as settled
/// [`LOOKBACK_HOURS`] before `first`.
pub(crate) fn build_up(
    latent: u64,
    city: &str,
    first: i64,
    count: usize,
    emission: impl Fn(i64) -> f64,
) -> Vec<f64> {
    let start = first - LOOKBACK_HOURS;
    let kept = (-weather(latent, city, start).flush_rate()).exp();
    let mut held = emission(start) / (1.0 - kept);
    let mut out = Vec::with_capacity(count);
    for hour in start + 1..first + count as i64 {
        let kept = (-weather(latent, city, hour).flush_rate()).exp();
        held = held * kept + emission(hour);
        if hour >= first {
            out.push(held / TYPICAL_HOLD);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_hold_is_the_hold_at_a_flush_rate_of_0_3() {
        assert!((TYPICAL_HOLD - 1.0 / (1.0 - (-0.3f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn still_air_builds_pollution_up_and_wind_flushes_it() {
        // Over a winter in Almaty, the most polluted hours come after the
        // stillest days, and a forecast drifts from the weather it forecasts.
        let latent = 7;
        let hours = 24 * 90;
        let levels = build_up(latent, "Almaty", 0, hours, |_| 10.0);
        let ventilation: Vec<f64> = (0..hours as i64)
            .map(|hour| weather(latent, "Almaty", hour).ventilation())
            .collect();
        let day_mean =
            |values: &[f64], day: usize| values[day * 24..day * 24 + 24].iter().sum::<f64>() / 24.0;
        let mut days: Vec<(f64, f64)> = (0..90)
            .map(|day| (day_mean(&ventilation, day), day_mean(&levels, day)))
            .collect();
        days.sort_by(|a, b| a.0.total_cmp(&b.0));
        let still: f64 = days[..15].iter().map(|d| d.1).sum::<f64>() / 15.0;
        let windy: f64 = days[75..].iter().map(|d| d.1).sum::<f64>() / 15.0;
        assert!(still > 2.0 * windy, "still {still} windy {windy}");
        let issued = 24 * 40;
        let near = forecast(latent, "Almaty", issued, issued + 1, 11);
        let truth = weather(latent, "Almaty", issued + 1);
        assert!((near.wind_ms / truth.wind_ms).ln().abs() <= 0.1 + 1e-9 + 0.2 / 24.0);
        assert_eq!(
            forecast(latent, "Almaty", issued, issued + 20, 11),
            forecast(latent, "Almaty", issued, issued + 20, 11)
        );
    }
}
