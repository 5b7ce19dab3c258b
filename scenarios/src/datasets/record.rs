//! The typed record and truth values of every dataset, and their JSON and
//! CSV encodings.

use serde::{Deserialize, Serialize};

use super::{
    KzAirReading, KzAppeal, KzAppealTruth, KzCitizen, KzFamily, KzFamilyTruth, MadridAirDay,
    MadridRequest, MadridRequestTruth, MadridResident,
};

/// An input record of any dataset (serialised without a tag: the JSON is
/// exactly the dataset's record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Record {
    /// `madrid.residents`.
    MadridResident(MadridResident),
    /// `madrid.requests`.
    MadridRequest(MadridRequest),
    /// `madrid.air`.
    MadridAir(MadridAirDay),
    /// `kz.citizens`.
    KzCitizen(KzCitizen),
    /// `kz.appeals`.
    KzAppeal(KzAppeal),
    /// `kz.families`.
    KzFamily(KzFamily),
    /// `kz.air`.
    KzAir(KzAirReading),
}

/// A truth record of a labelled dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Truth {
    /// `madrid.requests.truth`.
    MadridRequest(MadridRequestTruth),
    /// `kz.appeals.truth`.
    KzAppeal(KzAppealTruth),
    /// `kz.families.truth`.
    KzFamily(KzFamilyTruth),
}

/// One generated record and, for labelled datasets, its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// What an agent may see.
    pub record: Record,
    /// The label, kept apart from the input.
    pub truth: Option<Truth>,
}

impl Record {
    /// The record's identifier (air rows: station, magnitude or pollutant,
    /// and date or time).
    pub fn id(&self) -> String {
        match self {
            Record::MadridResident(record) => record.id.clone(),
            Record::MadridRequest(record) => record.id.clone(),
            Record::MadridAir(record) => format!(
                "{}-{}-{:04}-{:02}-{:02}",
                record.estacion, record.magnitud, record.ano, record.mes, record.dia
            ),
            Record::KzCitizen(record) => record.id.clone(),
            Record::KzAppeal(record) => record.id.clone(),
            Record::KzFamily(record) => record.id.clone(),
            Record::KzAir(record) => {
                format!(
                    "{}-{}-{}",
                    record.station_id, record.pollutant, record.time_local
                )
            }
        }
    }

    /// The record as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Appends one CSV row (`;`-separated, native layout) for the Madrid
    /// datasets; returns false for datasets without a CSV layout.
    pub(crate) fn write_csv_row(&self, out: &mut String) -> bool {
        match self {
            Record::MadridResident(record) => record.write_csv_row(out),
            Record::MadridRequest(record) => record.write_csv_row(out),
            Record::MadridAir(record) => record.write_csv_row(out),
            _ => return false,
        }
        true
    }
}

impl Truth {
    /// The truth record as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Appends a CSV cell in the padrón style: quoted, `"` doubled.
pub(crate) fn quoted(out: &mut String, value: &str) {
    out.push('"');
    for ch in value.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
}
