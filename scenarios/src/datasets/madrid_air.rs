//! `madrid.air`: hourly air quality in the datos.madrid.es layout — one
//! row per station, magnitude and day with 24 value/validity pairs. Levels
//! follow station type, daily traffic peaks, weekly and seasonal cycles;
//! what is emitted builds up in still air and is flushed by wind under a
//! high mixing layer (the city's weather, `air_weather`), so multi-day
//! stagnation episodes, summer ozone and Saharan dust push some days over
//! EU and WHO thresholds; a few hours are invalid (`N`).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::air_weather;
use super::codelists::CODELISTS;
use super::rng::{RecordRng, hash_str, hash_words, unit_from_hash};
use super::time::Date;

/// The city whose weather the series share.
const CITY: &str = "Madrid";

/// One row: a station, magnitude and day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadridAirDay {
    /// `28`.
    pub provincia: String,
    /// `079`.
    pub municipio: String,
    /// Station, three digits.
    pub estacion: String,
    /// Magnitude, two digits.
    pub magnitud: String,
    /// `28079SSS_M_T` (station, magnitude, technique).
    pub punto_muestreo: String,
    /// Year.
    pub ano: i32,
    /// Month.
    pub mes: u32,
    /// Day.
    pub dia: u32,
    /// 24 hourly values, local official time, hour 1 = 00:00–01:00.
    pub horas: Vec<HourValue>,
}

/// One hour's value and validity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourValue {
    /// Concentration in the magnitude's unit (`0` when not measured).
    pub valor: f64,
    /// `V` valid or `N` not valid.
    pub validez: String,
}

/// The first day of the series.
pub(crate) const FIRST_DAY: Date = air_weather::FIRST_DAY;

struct Series {
    station: String,
    station_kind: String,
    magnitude: u32,
    technique: u32,
    /// The series' own noise.
    seed: u64,
}

static SERIES: LazyLock<Vec<Series>> = LazyLock::new(|| {
    CODELISTS
        .madrid_stations
        .iter()
        .flat_map(|station| {
            station.magnitudes.iter().map(|&magnitude| Series {
                station: station.code.clone(),
                station_kind: station.kind.clone(),
                magnitude,
                technique: technique(magnitude),
                seed: hash_str(&format!("{}/{magnitude}", station.code)),
            })
        })
        .collect()
});

/// Number of (station, magnitude) series; row `i` is series `i mod n` on
/// day `i / n`.
pub(crate) fn series_count() -> u64 {
    SERIES.len() as u64
}

fn technique(magnitude: u32) -> u32 {
    match magnitude {
        1 => 38,
        6 => 48,
        7 | 8 | 12 => 8,
        9 | 10 => 47,
        14 => 6,
        20 | 30 | 35 => 59,
        _ => 2,
    }
}

/// Typical level (annual mean at an urban background station) and the
/// number of decimals written.
fn base_level(magnitude: u32) -> (f64, usize) {
    match magnitude {
        1 => (5.0, 0),
        6 => (0.3, 1),
        7 => (12.0, 0),
        8 => (28.0, 0),
        9 => (9.0, 0),
        10 => (17.0, 0),
        12 => (45.0, 0),
        14 => (55.0, 0),
        20 => (3.0, 1),
        30 => (0.6, 1),
        35 => (0.5, 1),
        42 => (1.35, 2),
        43 => (1.2, 2),
        _ => (0.12, 2),
    }
}

/// Multiplier for station type.
fn station_factor(kind: &str, magnitude: u32) -> f64 {
    let traffic_related = matches!(magnitude, 6 | 7 | 8 | 12 | 20 | 30 | 35);
    match (kind, traffic_related, magnitude) {
        ("UT", true, _) => 1.5,
        ("S", true, _) => 0.6,
        ("UT", false, 14) => 0.8,
        ("S", false, 14) => 1.15,
        _ => 1.0,
    }
}

/// Daily profile by hour (0–23) and weekday.
fn diurnal(magnitude: u32, hour: u32, weekend: bool) -> f64 {
    let h = f64::from(hour);
    let bump = |centre: f64, width: f64| (-((h - centre) / width).powi(2)).exp();
    match magnitude {
        14 => 0.35 + 1.3 * bump(16.0, 3.5),
        6 | 7 | 8 | 12 | 20 | 30 | 35 => {
            let peaks = if weekend {
                0.3 * bump(13.0, 4.0) + 0.4 * bump(21.0, 2.5)
            } else {
                1.0 * bump(8.5, 1.6) + 0.8 * bump(20.5, 2.0)
            };
            0.45 + peaks
        }
        9 | 10 => 0.8 + 0.3 * bump(9.0, 2.0) + 0.3 * bump(21.0, 2.5),
        _ => 0.9 + 0.2 * bump(8.0, 2.0),
    }
}

/// Seasonal multiplier by day of year.
fn seasonal(magnitude: u32, day_of_year: f64) -> f64 {
    // +1 in mid-January, −1 in mid-July.
    let winter = ((day_of_year - 15.0) / 365.0 * std::f64::consts::TAU).cos();
    match magnitude {
        14 => 1.0 - 0.45 * winter,
        9 | 10 => 1.0 + 0.1 * winter,
        _ => 1.0 + 0.35 * winter,
    }
}

/// Episode strength on a day (0 = none), shared by all stations: an
/// episode starts on ~4 % of days and lasts 2–5 days. Kinds: 2 summer
/// ozone, 3 Saharan dust.
fn episode(latent: u64, kind: u64, day: i64) -> f64 {
    (0..5)
        .filter_map(|back| {
            let start = day - back;
            let word = hash_words(&[latent, kind, start as u64]);
            let starts = unit_from_hash(word) < 0.04;
            let length = 2 + (word >> 60) % 4;
            (starts && (back as u64) < length)
                .then(|| 0.6 + 1.4 * unit_from_hash(word.rotate_left(17)))
        })
        .fold(0.0, f64::max)
}

fn round_to(value: f64, decimals: usize) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

/// Whether a magnitude builds up in still air (every one but ozone, which
/// the sun makes where the air is clean).
fn builds_up(magnitude: u32) -> bool {
    magnitude != 14
}

/// The emission of a series at an hour: its level at typical ventilation.
fn emission(series: &Series, hour: i64) -> f64 {
    let date = air_weather::date_of(hour);
    let day_of_year = (date.to_days() - Date::new(date.year, 1, 1).to_days()) as f64;
    let (base, _) = base_level(series.magnitude);
    base * station_factor(&series.station_kind, series.magnitude)
        * seasonal(series.magnitude, day_of_year)
        * diurnal(
            series.magnitude,
            hour.rem_euclid(24) as u32,
            date.weekday() >= 5,
        )
}

/// Generates row `index`: the series' emissions held in Madrid's air
/// ([`air_weather::build_up`]), Saharan dust on top of particles, summer
/// ozone episodes, slow station noise and a few invalid hours.
pub(crate) fn generate(context: &Context, index: u64) -> MadridAirDay {
    let mut rng: RecordRng = context.key.record(index);
    let series = &SERIES[(index % series_count().max(1)) as usize];
    let day_number = (index / series_count().max(1)) as i64;
    let date = FIRST_DAY.add_days(day_number);
    let day_of_year = (date.to_days() - Date::new(date.year, 1, 1).to_days()) as f64;
    let weekend = date.weekday() >= 5;
    let absolute_day = date.to_days();
    let first_hour = day_number * 24;

    let latent = context.key.latent;
    let winter = ((day_of_year - 15.0) / 365.0 * std::f64::consts::TAU).cos();
    let levels: Vec<f64> = if builds_up(series.magnitude) {
        let dust = match series.magnitude {
            // Saharan dust intrusions.
            9 | 10 => 1.0 + episode(latent, 3, absolute_day) * 2.2,
            _ => 1.0,
        };
        air_weather::build_up(latent, CITY, first_hour, 24, |hour| emission(series, hour))
            .into_iter()
            .map(|level| level * dust)
            .collect()
    } else {
        // Summer ozone episodes.
        let boost = episode(latent, 2, absolute_day) * (-winter).max(0.0) * 1.1;
        let (base, _) = base_level(series.magnitude);
        let level = base
            * station_factor(&series.station_kind, series.magnitude)
            * seasonal(series.magnitude, day_of_year)
            * (1.0 + boost);
        (0..24)
            .map(|hour| level * diurnal(series.magnitude, hour, weekend))
            .collect()
    };
    let (_, decimals) = base_level(series.magnitude);
    let noise_seed = hash_words(&[latent, series.seed]);
    let outage = rng.chance(0.004);
    let mut horas = Vec::with_capacity(24);
    for (hour, level) in levels.into_iter().enumerate() {
        let absolute = first_hour + hour as i64;
        let noise = 0.3 * air_weather::smooth_noise(noise_seed, absolute, 3);
        let value = level * noise.exp() * rng.uniform(0.95, 1.05);
        let invalid = rng.chance(0.012);
        let (valor, validez) = if outage {
            (0.0, "N")
        } else if invalid {
            (
                if rng.chance(0.5) {
                    0.0
                } else {
                    round_to(value, decimals)
                },
                "N",
            )
        } else {
            (round_to(value.max(0.0), decimals), "V")
        };
        horas.push(HourValue {
            valor,
            validez: validez.to_owned(),
        });
    }
    MadridAirDay {
        provincia: "28".to_owned(),
        municipio: "079".to_owned(),
        estacion: series.station.clone(),
        magnitud: format!("{:02}", series.magnitude),
        punto_muestreo: format!(
            "28079{}_{}_{}",
            series.station, series.magnitude, series.technique
        ),
        ano: date.year,
        mes: date.month,
        dia: date.day,
        horas,
    }
}

/// Header of the datos.madrid.es hourly layout, built from its rule.
#[cfg(test)]
static CSV_HEADER_STRING: LazyLock<String> = LazyLock::new(|| {
    let mut header = "PROVINCIA;MUNICIPIO;ESTACION;MAGNITUD;PUNTO_MUESTREO;ANO;MES;DIA".to_owned();
    for hour in 1..=24 {
        header.push_str(&format!(";H{hour:02};V{hour:02}"));
    }
    header
});

/// The header as written (kept as a constant for the writer).
pub(crate) const CSV_HEADER: &str = "PROVINCIA;MUNICIPIO;ESTACION;MAGNITUD;PUNTO_MUESTREO;ANO;MES;DIA;H01;V01;H02;V02;H03;V03;H04;V04;H05;V05;H06;V06;H07;V07;H08;V08;H09;V09;H10;V10;H11;V11;H12;V12;H13;V13;H14;V14;H15;V15;H16;V16;H17;V17;H18;V18;H19;V19;H20;V20;H21;V21;H22;V22;H23;V23;H24;V24";

impl MadridAirDay {
    /// One CSV row as in the real files (`28;079;4;1;28079004_1_38;2025;03;02;00021;V;…`):
    /// the municipality in three digits, station and magnitude without
    /// leading zeros, month and day in two digits, and every value with
    /// five integer digits (`00021`, `00000.4`).
    pub(crate) fn write_csv_row(&self, out: &mut String) {
        use std::fmt::Write as _;
        let trim = |code: &str| code.trim_start_matches('0').to_owned();
        let decimals = self
            .magnitud
            .parse()
            .map_or(0, |magnitude| base_level(magnitude).1);
        let width = if decimals == 0 { 5 } else { 6 + decimals };
        let _ = write!(
            out,
            "{};{};{};{};{};{};{:02};{:02}",
            self.provincia,
            self.municipio,
            trim(&self.estacion),
            trim(&self.magnitud),
            self.punto_muestreo,
            self.ano,
            self.mes,
            self.dia
        );
        for hour in &self.horas {
            let _ = write!(out, ";{:0width$.decimals$};{}", hour.valor, hour.validez);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{Dataset, GenConfig, Split};

    #[test]
    fn header_matches_layout() {
        assert_eq!(CSV_HEADER, CSV_HEADER_STRING.as_str());
    }

    #[test]
    fn rows_cycle_stations_and_show_episodes() {
        let context = Context::new(&GenConfig::new(Dataset::MadridAir, Split::Practice, 3));
        let n = series_count();
        assert!(n > 100, "{n}");
        let first = generate(&context, 0);
        let next_day = generate(&context, n);
        assert_eq!(first.estacion, next_day.estacion);
        assert_eq!((first.dia, next_day.dia), (1, 2));
        // A year of NO2 at Escuelas Aguirre: some hours over the EU hourly
        // limit of 200 µg/m³ are rare but present across all traffic
        // stations; invalid hours exist; most hours are valid.
        let (mut over_limit, mut invalid, mut hours) = (0, 0, 0);
        let mut daily_pm10_over = 0;
        for index in 0..(n * 365) {
            let row = generate(&context, index);
            for hour in &row.horas {
                hours += 1;
                if hour.validez == "N" {
                    invalid += 1;
                }
            }
            if row.magnitud == "08" {
                over_limit += row.horas.iter().filter(|hour| hour.valor > 200.0).count();
            }
            if row.magnitud == "10" {
                let valid: Vec<f64> = row
                    .horas
                    .iter()
                    .filter(|h| h.validez == "V")
                    .map(|h| h.valor)
                    .collect();
                if !valid.is_empty() && valid.iter().sum::<f64>() / valid.len() as f64 > 50.0 {
                    daily_pm10_over += 1;
                }
            }
        }
        assert!(over_limit > 0, "no NO2 hour over 200");
        assert!(daily_pm10_over > 0, "no PM10 day over 50");
        let invalid_share = f64::from(invalid) / f64::from(hours);
        assert!((0.005..0.04).contains(&invalid_share), "{invalid_share}");
    }
}
