//! `air-quality-alerts` cases: 72 observed hours of one pollutant at one
//! station with the weather observed over them, the met office's forecast
//! for the next 48 hours, and (kept on the host) the forecast hours whose
//! 24-hour mean will break the WHO 2021 guideline level.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::{AirTruth, Builder, CaseError, CaseRng, CaseTruth, case_id};
use crate::datasets::air_weather::{self, Weather};
use crate::datasets::{self, Dataset, GenConfig, Record};

/// Hours observed before the forecast is issued.
pub(super) const OBSERVED_HOURS: usize = 72;
/// Hours the forecast covers (and alerts are scored on).
pub(super) const FORECAST_HOURS: usize = 48;

/// One hour of a window.
pub(super) struct AirHour {
    pub(super) time: String,
    pub(super) value: Option<f64>,
    pub(super) valid: bool,
}

/// One series' hours (observed, then forecast) and the city's weather.
struct AirWindow {
    city: String,
    station: String,
    pollutant: &'static str,
    languages: &'static [&'static str],
    /// `OBSERVED_HOURS + FORECAST_HOURS` hours.
    hours: Vec<AirHour>,
    /// The weather over the observed hours, then the forecast.
    weather: Vec<Weather>,
}

/// The scored pollutants, their units and WHO 2021 24-hour guideline
/// levels (see the scenario description).
const POLLUTANTS: [(&str, &str, f64); 5] = [
    ("NO2", "µg/m³", 25.0),
    ("SO2", "µg/m³", 40.0),
    ("PM2.5", "µg/m³", 15.0),
    ("PM10", "µg/m³", 45.0),
    ("CO", "mg/m³", 4.0),
];

/// Valid values a 24-hour mean needs.
const MIN_VALID_HOURS: usize = 18;

fn unit_of(pollutant: &str) -> &'static str {
    POLLUTANTS
        .iter()
        .find(|(name, _, _)| *name == pollutant)
        .map_or("µg/m³", |(_, unit, _)| unit)
}

/// Madrid magnitude codes of the scored pollutants.
fn madrid_pollutant(magnitude: &str) -> Option<&'static str> {
    match magnitude.trim_start_matches('0') {
        "1" => Some("SO2"),
        "6" => Some("CO"),
        "8" => Some("NO2"),
        "9" => Some("PM2.5"),
        "10" => Some("PM10"),
        _ => None,
    }
}

fn scored_pollutant(name: &str) -> Option<&'static str> {
    POLLUTANTS
        .iter()
        .map(|(pollutant, _, _)| *pollutant)
        .find(|pollutant| *pollutant == name)
}

/// Hours from `from` on whose 24-hour mean breaks the pollutant's
/// threshold: the hour is valid and the mean of the valid values of it and
/// the 23 before it, at least [`MIN_VALID_HOURS`] of them, is above the
/// level.
pub(super) fn exceedance_hours(pollutant: &str, hours: &[AirHour], from: usize) -> BTreeSet<i64> {
    let Some(&(_, _, limit)) = POLLUTANTS.iter().find(|(name, _, _)| *name == pollutant) else {
        return BTreeSet::new();
    };
    let value = |hour: &AirHour| if hour.valid { hour.value } else { None };
    (from.max(23)..hours.len())
        .filter(|&at| {
            if value(&hours[at]).is_none() {
                return false;
            }
            let valid: Vec<f64> = hours[at + 1 - 24..=at].iter().filter_map(value).collect();
            valid.len() >= MIN_VALID_HOURS && valid.iter().sum::<f64>() / valid.len() as f64 > limit
        })
        .map(|at| at as i64)
        .collect()
}

/// One observed hour as the payload shows it.
fn observed_json(hour: &AirHour, weather: Weather) -> Value {
    json!({
        "time": hour.time,
        "value": hour.value,
        "valid": hour.valid,
        "wind_ms": weather.wind_ms,
        "mixing_height_m": weather.mixing_height_m,
    })
}

impl Builder<'_> {
    /// Cases alternate between Madrid series and Kazakh stations; each is
    /// 72 observed hours of one pollutant from any hour of the year and the
    /// 48 hours after them, which the agent sees only as a weather forecast.
    pub(super) fn air(
        &self,
        index: u64,
    ) -> Result<(String, Map<String, Value>, CaseTruth), CaseError> {
        let case_id = case_id("AQ-", index);
        let mut rng = CaseRng::new(self.seeds.seed(index) ^ 0xA1A1);
        let window = if index.is_multiple_of(2) {
            self.madrid_window(&mut rng, index)?
        } else {
            self.kz_window(&mut rng, index)?
        };
        let exceedance = exceedance_hours(window.pollutant, &window.hours, OBSERVED_HOURS)
            .into_iter()
            .map(|hour| hour - OBSERVED_HOURS as i64)
            .collect();
        let forecast = &window.hours[OBSERVED_HOURS..];
        let truth = AirTruth {
            times: forecast.iter().map(|hour| hour.time.clone()).collect(),
            exceedance_hours: exceedance,
            languages: window.languages.to_vec(),
            city: window.city.clone(),
        };
        let mut payload = Map::new();
        payload.insert("city".to_owned(), Value::String(window.city));
        payload.insert("station".to_owned(), Value::String(window.station));
        payload.insert(
            "pollutant".to_owned(),
            Value::String(window.pollutant.to_owned()),
        );
        payload.insert(
            "unit".to_owned(),
            Value::String(unit_of(window.pollutant).to_owned()),
        );
        payload.insert("languages".to_owned(), json!(window.languages));
        payload.insert(
            "hours".to_owned(),
            Value::Array(
                window.hours[..OBSERVED_HOURS]
                    .iter()
                    .zip(&window.weather)
                    .map(|(hour, weather)| observed_json(hour, *weather))
                    .collect(),
            ),
        );
        payload.insert(
            "forecast".to_owned(),
            Value::Array(
                forecast
                    .iter()
                    .zip(&window.weather[OBSERVED_HOURS..])
                    .map(|(hour, weather)| {
                        json!({
                            "time": hour.time,
                            "wind_ms": weather.wind_ms,
                            "mixing_height_m": weather.mixing_height_m,
                        })
                    })
                    .collect(),
            ),
        );
        Ok((case_id, payload, CaseTruth::Air(truth)))
    }

    /// The weather over a window that starts at `first_hour`: observed
    /// for the observed hours, the met office's forecast (issued after the
    /// last observed hour, its errors drawn from `rng`) after them.
    fn window_weather(
        &self,
        config: &GenConfig,
        city: &str,
        first_hour: i64,
        rng: &mut CaseRng,
    ) -> Vec<Weather> {
        let latent = air_weather::dataset_latent(config);
        let issued = first_hour + OBSERVED_HOURS as i64 - 1;
        let forecast_seed = rng.next_u64();
        (0..(OBSERVED_HOURS + FORECAST_HOURS) as i64)
            .map(|offset| {
                let hour = first_hour + offset;
                if hour <= issued {
                    air_weather::weather(latent, city, hour)
                } else {
                    air_weather::forecast(latent, city, issued, hour, forecast_seed)
                }
                .reported()
            })
            .collect()
    }

    fn madrid_window(&self, rng: &mut CaseRng, index: u64) -> Result<AirWindow, CaseError> {
        let config = self.config(Dataset::MadridAir);
        let layout = madrid_air_layout(&config);
        if layout.series.is_empty() {
            return Err(self.fail(index, "madrid.air has no series of a scored pollutant"));
        }
        let (series_index, pollutant) = *rng.pick(&layout.series);
        let first_hour = rng.below(330 * 24);
        let last_hour = first_hour + (OBSERVED_HOURS + FORECAST_HOURS) as u64 - 1;
        let mut hours = Vec::with_capacity(OBSERVED_HOURS + FORECAST_HOURS);
        let mut station = String::new();
        for day in first_hour / 24..=last_hour / 24 {
            let record = datasets::generate(&config, day * layout.per_day + series_index).record;
            let Record::MadridAir(row) = record else {
                return Err(self.fail(index, "madrid.air returned another record type"));
            };
            station.clone_from(&row.estacion);
            for (hour, value) in row.horas.iter().enumerate() {
                let absolute = day * 24 + hour as u64;
                if absolute < first_hour || absolute > last_hour {
                    continue;
                }
                let valid = value.validez == "V";
                hours.push(AirHour {
                    time: format!(
                        "{:04}-{:02}-{:02}T{:02}:00:00",
                        row.ano, row.mes, row.dia, hour
                    ),
                    value: valid.then_some(value.valor),
                    valid,
                });
            }
        }
        let weather = self.window_weather(&config, "Madrid", first_hour as i64, rng);
        Ok(AirWindow {
            city: "Madrid".to_owned(),
            station,
            pollutant,
            languages: &["es"],
            hours,
            weather,
        })
    }

    fn kz_window(&self, rng: &mut CaseRng, index: u64) -> Result<AirWindow, CaseError> {
        let config = self.config(Dataset::KzAir);
        let layout = kz_air_layout(&config);
        if layout.series.is_empty() {
            return Err(self.fail(index, "kz.air has no series of a scored pollutant"));
        }
        let (series_index, pollutant) = *rng.pick(&layout.series);
        let first_hour = rng.below(330 * 24);
        let mut hours = Vec::with_capacity(OBSERVED_HOURS + FORECAST_HOURS);
        let mut station = String::new();
        let mut city = String::new();
        for hour in first_hour..first_hour + (OBSERVED_HOURS + FORECAST_HOURS) as u64 {
            let record = datasets::generate(&config, hour * layout.per_hour + series_index).record;
            let Record::KzAir(reading) = record else {
                return Err(self.fail(index, "kz.air returned another record type"));
            };
            station.clone_from(&reading.station_id);
            city.clone_from(&reading.city);
            let value = if reading.valid { reading.value } else { None };
            hours.push(AirHour {
                time: reading.time_local.clone(),
                value,
                valid: reading.valid && value.is_some(),
            });
        }
        let weather = self.window_weather(&config, &city, first_hour as i64, rng);
        Ok(AirWindow {
            city,
            station,
            pollutant,
            languages: &["kk", "ru"],
            hours,
            weather,
        })
    }
}

/// How a generator lays out its series: record `step * per_step + series`.
#[derive(Debug, Clone)]
struct AirLayout {
    per_day: u64,
    per_hour: u64,
    /// `(series index, pollutant)` for the scored pollutants.
    series: Vec<(u64, &'static str)>,
}

/// The series of `madrid.air` (one record per series and day): found by
/// reading day 0 until the date changes.
fn madrid_air_layout(config: &GenConfig) -> AirLayout {
    static LAYOUT: OnceLock<AirLayout> = OnceLock::new();
    LAYOUT
        .get_or_init(|| {
            let mut series = Vec::new();
            let mut first_day = None;
            let mut per_day = 0;
            for (index, generated) in datasets::records(config, 0..10_000).enumerate() {
                let Record::MadridAir(row) = generated.record else {
                    break;
                };
                let day = (row.ano, row.mes, row.dia);
                if *first_day.get_or_insert(day) != day {
                    break;
                }
                per_day = index as u64 + 1;
                if let Some(pollutant) = madrid_pollutant(&row.magnitud) {
                    series.push((index as u64, pollutant));
                }
            }
            AirLayout {
                per_day: per_day.max(1),
                per_hour: 0,
                series,
            }
        })
        .clone()
}

/// The series of `kz.air` (one record per station, pollutant and hour):
/// found by reading hour 0 until the time changes.
fn kz_air_layout(config: &GenConfig) -> AirLayout {
    static LAYOUT: OnceLock<AirLayout> = OnceLock::new();
    LAYOUT
        .get_or_init(|| {
            let mut series = Vec::new();
            let mut first_time = None;
            let mut per_hour = 0;
            for (index, generated) in datasets::records(config, 0..10_000).enumerate() {
                let Record::KzAir(reading) = generated.record else {
                    break;
                };
                if first_time.get_or_insert_with(|| reading.time_local.clone())
                    != &reading.time_local
                {
                    break;
                }
                per_hour = index as u64 + 1;
                if let Some(pollutant) = scored_pollutant(&reading.pollutant) {
                    series.push((index as u64, pollutant));
                }
            }
            AirLayout {
                per_day: 0,
                per_hour: per_hour.max(1),
                series,
            }
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_thresholds_need_enough_valid_hours() {
        let hour = |value: f64, valid: bool| AirHour {
            time: String::new(),
            value: Some(value),
            valid,
        };
        let mut hours: Vec<AirHour> = (0..72).map(|_| hour(20.0, true)).collect();
        assert_eq!(exceedance_hours("PM2.5", &hours, 24).len(), 48);
        assert_eq!(exceedance_hours("PM2.5", &hours, 60).len(), 12);
        for slot in hours.iter_mut().take(40).skip(20) {
            slot.valid = false;
        }
        let exceed = exceedance_hours("PM2.5", &hours, 24);
        assert!(
            !exceed.contains(&30),
            "hour 30 has too few valid values in its 24 h"
        );
        assert!(exceed.contains(&60));
        assert!(!exceedance_hours("CO", &hours, 24).is_empty());
        assert!(exceedance_hours("PM10", &hours, 24).is_empty());
    }
}
