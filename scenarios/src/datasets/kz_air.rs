//! `kz.air`: hourly PM2.5, PM10, NO2, SO2 and CO readings for Almaty and
//! Astana stations (UTC+5). Winters bring coal-heating smog; what is
//! emitted builds up in still air (the city's weather, `air_weather`), worst
//! in Almaty's windless basin at night and in multi-day inversion episodes.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::air_weather;
use super::codelists::CODELISTS;
use super::rng::hash_str;
use super::time::timestamp;

/// One hourly reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzAirReading {
    /// `ALA-001`, `AST-001`, …
    pub station_id: String,
    /// `Almaty` or `Astana`.
    pub city: String,
    /// Station name (Russian).
    pub station_name: String,
    /// `PM2.5`, `PM10`, `NO2`, `SO2` or `CO`.
    pub pollutant: String,
    /// `µg/m³` (CO: `mg/m³`).
    pub unit: String,
    /// Start of the hour, local time with `+05:00`.
    pub time_local: String,
    /// Concentration; `null` when the hour is missing.
    pub value: Option<f64>,
    /// False for missing or flagged hours.
    pub valid: bool,
}

struct Series {
    station: String,
    city: String,
    name: String,
    pollutant: String,
    seed: u64,
}

static SERIES: LazyLock<Vec<Series>> = LazyLock::new(|| {
    CODELISTS
        .kz_stations
        .iter()
        .flat_map(|station| {
            station.pollutants.iter().map(|pollutant| Series {
                station: station.id.clone(),
                city: station.city.clone(),
                name: station.name_ru.clone(),
                pollutant: pollutant.clone(),
                seed: hash_str(&format!("{}/{pollutant}", station.id)),
            })
        })
        .collect()
});

/// Number of (station, pollutant) series; row `i` is series `i mod n` at
/// hour `i / n` from 2025-01-01 00:00.
pub(crate) fn series_count() -> u64 {
    SERIES.len() as u64
}

/// (summer level, extra winter level, decimals) per city and pollutant:
/// emissions, as the concentration they give at typical ventilation
/// (Almaty's still basin holds about twice as much).
fn levels(city: &str, pollutant: &str) -> (f64, f64, usize) {
    match (city, pollutant) {
        ("Almaty", "PM2.5") => (8.0, 40.0, 0),
        ("Almaty", "PM10") => (18.0, 45.0, 0),
        ("Almaty", "NO2") => (11.0, 11.0, 0),
        ("Almaty", "SO2") => (10.0, 25.0, 0),
        ("Almaty", "CO") => (0.6, 1.6, 1),
        (_, "PM2.5") => (12.0, 38.0, 0),
        (_, "PM10") => (30.0, 45.0, 0),
        (_, "NO2") => (15.0, 15.0, 0),
        (_, "SO2") => (15.0, 45.0, 0),
        _ => (0.4, 1.0, 1),
    }
}

/// The emission of a series at an hour (its level at typical
/// ventilation): heating smog peaks in the evening and night, traffic at 8
/// and 19; heating grows with winter.
fn emission(series: &Series, hour: i64) -> f64 {
    let (summer_level, winter_extra, _) = levels(&series.city, &series.pollutant);
    let heating = winter_extra * air_weather::winter(air_weather::date_of(hour));
    let h = hour.rem_euclid(24) as f64;
    let bump = |centre: f64, width: f64| (-((h - centre) / width).powi(2)).exp();
    let profile = match series.pollutant.as_str() {
        "NO2" | "CO" => 0.7 + 0.5 * bump(8.5, 1.8) + 0.6 * bump(19.5, 2.5),
        _ => 0.75 + 0.6 * bump(22.0, 3.0) + 0.3 * bump(8.0, 2.0),
    };
    (summer_level + heating) * profile
}

/// Generates reading `index`: the series' emissions held in the city's
/// air ([`air_weather::build_up`]) with slow station noise, a few missing
/// hours and flagged spikes.
pub(crate) fn generate(context: &Context, index: u64) -> KzAirReading {
    let mut rng = context.key.record(index);
    let n = series_count().max(1);
    let series = &SERIES[(index % n) as usize];
    let hour_number = (index / n) as i64;
    let date = air_weather::date_of(hour_number);
    let hour = hour_number.rem_euclid(24) as u32;
    let (_, _, decimals) = levels(&series.city, &series.pollutant);
    let latent = context.key.latent;
    let level = air_weather::build_up(latent, &series.city, hour_number, 1, |at| {
        emission(series, at)
    })
    .first()
    .copied()
    .unwrap_or(0.0);
    let noise = (0.3 * air_weather::smooth_noise(series.seed ^ latent, hour_number, 3)).exp();
    let value = level * noise;
    let scale = 10f64.powi(decimals as i32);
    let missing = rng.chance(0.015);
    let flagged = !missing && rng.chance(0.005);
    let value = if missing {
        None
    } else if flagged {
        // Sensor spikes that quality control flags.
        Some((value * 4.0 * scale).round() / scale)
    } else {
        Some((value * rng.uniform(0.95, 1.05) * scale).round() / scale)
    };
    KzAirReading {
        station_id: series.station.clone(),
        city: series.city.clone(),
        station_name: series.name.clone(),
        pollutant: series.pollutant.clone(),
        unit: if series.pollutant == "CO" {
            "mg/m³"
        } else {
            "µg/m³"
        }
        .to_owned(),
        time_local: timestamp(date, hour, 0, 0, 5),
        value,
        valid: !missing && !flagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{Dataset, GenConfig, Split};

    #[test]
    fn almaty_winter_smog_exceeds_summer_levels() {
        let context = Context::new(&GenConfig::new(Dataset::KzAir, Split::Practice, 4));
        let n = series_count();
        let mean_pm25 = |first_hour: u64, hours: u64| {
            let (mut sum, mut count) = (0.0, 0);
            for index in first_hour * n..(first_hour + hours) * n {
                let reading = generate(&context, index);
                if reading.city == "Almaty" && reading.pollutant == "PM2.5" && reading.valid {
                    sum += reading.value.unwrap_or(0.0);
                    count += 1;
                }
            }
            sum / f64::from(count)
        };
        let january = mean_pm25(0, 24 * 20);
        let july = mean_pm25(24 * 190, 24 * 20);
        assert!(january > 2.5 * july, "january {january} july {july}");
        assert!(january > 50.0, "january {january}");
        let first = generate(&context, 0);
        assert_eq!(first.time_local, "2025-01-01T00:00:00+05:00");
        assert_eq!(
            generate(&context, n).time_local,
            "2025-01-01T01:00:00+05:00"
        );
    }
}
