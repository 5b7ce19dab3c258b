//! `madrid.requests`: Sugerencias y Reclamaciones (sugerencia, reclamación,
//! felicitación, petición de información) and Avisos (Open311-style street
//! incidents), with Spanish free text, Europe/Madrid timestamps and the
//! three-month legal reply limit. Truth: category, responsible unit,
//! priority and whether the request was sent to the wrong unit.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::appeal_text;
use super::codelists::CODELISTS;
use super::madrid_residents::{district_and_barrio, streets_of};
use super::record::quoted;
use super::rng::Weighted;
use super::text::{CITIZEN_NOISE, SMALL_NUMBERS, add_noise, concat, numbered};
use super::time::{Date, madrid_offset_hours, timestamp};

/// A request in `madrid.requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadridRequest {
    /// `MAD-2025-0000001`.
    pub id: String,
    /// `sugerencia`, `reclamacion`, `felicitacion`, `peticion_informacion`
    /// or `aviso`.
    pub tipo: String,
    /// `web`, `telefono_010`, `presencial`, `app` or `correo`.
    pub canal: String,
    /// Avisos only: Open311 service code.
    pub service_code: Option<String>,
    /// Avisos only: Open311 service name.
    pub service_name: Option<String>,
    /// Two-digit district code.
    pub cod_distrito: String,
    /// Street address, when the citizen gave one.
    pub direccion: Option<String>,
    /// Latitude (WGS84), when located.
    pub lat: Option<f64>,
    /// Longitude (WGS84), when located.
    pub lon: Option<f64>,
    /// The citizen's text.
    pub texto: String,
    /// Registration, Europe/Madrid with offset.
    pub fecha_registro: String,
    /// Answer, if answered.
    pub fecha_respuesta: Option<String>,
    /// Legal limit: registration plus three months.
    pub fecha_limite: String,
    /// `registrada`, `en_tramite`, `respondida` or `cerrada`.
    pub estado: String,
    /// Code of the unit the request was sent to (`madrid_units.csv`).
    pub unidad_destino: String,
}

/// Ground truth of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadridRequestTruth {
    /// The request id.
    pub id: String,
    /// Category code (`appeal_categories.csv`).
    pub categoria: String,
    /// The unit that should handle it.
    pub unidad_responsable: String,
    /// `baja`, `media`, `alta` or `urgente`.
    pub prioridad: String,
    /// True when `unidad_destino` differs from `unidad_responsable`.
    pub mal_dirigida: bool,
    /// True when the recorded category or priority disagrees with what the
    /// text says (annotator disagreement; see `appeal_text`).
    pub reetiquetada: bool,
}

/// Avisos service catalogue: (code, name, category).
const AVISOS: &[(&str, &str, &str)] = &[
    ("AV-CALZADA", "Desperfecto en calzada", "roads"),
    ("AV-ACERA", "Desperfecto en acera", "roads"),
    ("AV-ALUMBRADO", "Farola apagada", "street_lighting"),
    (
        "AV-CONTENEDOR",
        "Contenedor lleno o dañado",
        "waste_cleaning",
    ),
    ("AV-LIMPIEZA", "Suciedad en vía pública", "waste_cleaning"),
    (
        "AV-MUEBLES",
        "Recogida de muebles y enseres",
        "waste_cleaning",
    ),
    ("AV-ARBOL", "Árbol en mal estado", "green_areas"),
    ("AV-VEHICULO", "Vehículo abandonado", "traffic_parking"),
    ("AV-SEMAFORO", "Semáforo averiado", "traffic_parking"),
    ("AV-ANIMAL", "Animal muerto en vía pública", "animals"),
    ("AV-PLAGA", "Plagas en vía pública", "public_health"),
];
const AVISO_WEIGHTS: &[f64] = &[14.0, 12.0, 10.0, 14.0, 12.0, 9.0, 8.0, 5.0, 5.0, 2.0, 3.0];

/// Request types and their shares.
const TIPOS: &[(&str, f64)] = &[
    ("aviso", 45.0),
    ("reclamacion", 30.0),
    ("sugerencia", 10.0),
    ("peticion_informacion", 10.0),
    ("felicitacion", 5.0),
];

/// Category shares of Sugerencias y Reclamaciones (environment ≈ 35 %).
const SYR_CATEGORY_WEIGHTS: &[(&str, f64)] = &[
    ("waste_cleaning", 14.0),
    ("green_areas", 7.0),
    ("noise", 8.0),
    ("air_quality", 4.0),
    ("roads", 7.0),
    ("street_lighting", 3.0),
    ("public_transport", 8.0),
    ("traffic_parking", 9.0),
    ("taxes", 7.0),
    ("social_services", 6.0),
    ("public_health", 3.0),
    ("education", 3.0),
    ("housing", 3.0),
    ("public_safety", 5.0),
    ("culture_sports", 5.0),
    ("citizen_services", 6.0),
    ("employment", 2.0),
    ("animals", 2.0),
];

/// Approximate district centroids (lat, lon), by district index.
const DISTRICT_CENTROIDS: [(f64, f64); 21] = [
    (40.4155, -3.7074),
    (40.3990, -3.6960),
    (40.4110, -3.6760),
    (40.4300, -3.6780),
    (40.4530, -3.6770),
    (40.4600, -3.6980),
    (40.4360, -3.7040),
    (40.4800, -3.7100),
    (40.4350, -3.7400),
    (40.4000, -3.7450),
    (40.3830, -3.7300),
    (40.3850, -3.7070),
    (40.3900, -3.6600),
    (40.4070, -3.6450),
    (40.4450, -3.6500),
    (40.4700, -3.6400),
    (40.3450, -3.7000),
    (40.3700, -3.6200),
    (40.4000, -3.6000),
    (40.4300, -3.6100),
    (40.4700, -3.5800),
];

const CHANNELS: &[(&str, f64)] = &[
    ("web", 45.0),
    ("app", 25.0),
    ("telefono_010", 18.0),
    ("presencial", 8.0),
    ("correo", 4.0),
];

/// Requests are registered during 2025; answers after this date are not
/// known yet.
const FIRST_DAY: Date = Date::new(2025, 1, 1);
const DATA_CUTOFF: Date = Date::new(2026, 1, 31);

struct Tables {
    tipos: Weighted,
    avisos: Weighted,
    syr_categories: Weighted,
    channels: Weighted,
    hours: Weighted,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    tipos: Weighted::new(TIPOS.iter().map(|&(_, weight)| weight)),
    avisos: Weighted::new(AVISO_WEIGHTS.iter().copied()),
    syr_categories: Weighted::new(SYR_CATEGORY_WEIGHTS.iter().map(|&(_, weight)| weight)),
    channels: Weighted::new(CHANNELS.iter().map(|&(_, weight)| weight)),
    // Citizens write mostly in the morning and evening.
    hours: Weighted::new([
        0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.6, 1.5, 3.5, 5.5, 6.5, 6.5, 6.0, 5.5, 4.5, 4.5, 5.0, 5.5,
        5.5, 5.0, 4.5, 3.5, 2.5, 1.2,
    ]),
});

/// Appends the street type with only its first letter in capitals.
fn push_title_case_via(tipo_via: &str, out: &mut String) {
    let mut chars = tipo_via.chars();
    out.extend(chars.next());
    let rest = chars.as_str();
    if rest.is_ascii() {
        out.extend(
            rest.bytes()
                .map(|byte| char::from(byte.to_ascii_lowercase())),
        );
    } else {
        out.push_str(&rest.to_lowercase());
    }
}

/// Share of Avisos whose citizen picked another service than the one the
/// text describes.
const WRONG_SERVICE_SHARE: f64 = 0.2;

/// The unit responsible for `category` in `district` (district boards,
/// `JMD-<district>`, for their own matters and unknown categories).
fn unit_of(category: &str, district: &str) -> String {
    let unit = CODELISTS
        .categories
        .iter()
        .find(|row| row.code == category)
        .map(|row| row.madrid_unit.as_str());
    match unit {
        Some("JMD") | None => concat(&["JMD-", district]),
        Some(unit) => unit.to_owned(),
    }
}

/// Generates request `index` and its truth.
pub(crate) fn generate(context: &Context, index: u64) -> (MadridRequest, MadridRequestTruth) {
    let mut rng = context.key.record(index);
    let tables = &*TABLES;
    let lists = &*CODELISTS;

    let tipo = TIPOS[tables.tipos.sample(&mut rng)].0;
    let (service, category) = if tipo == "aviso" {
        let (code, name, category) = AVISOS[tables.avisos.sample(&mut rng)];
        (Some((code, name)), category)
    } else {
        (
            None,
            SYR_CATEGORY_WEIGHTS[tables.syr_categories.sample(&mut rng)].0,
        )
    };
    let (district_index, barrio_index) = district_and_barrio(&mut rng);
    let district = &lists.districts[district_index];
    let barrio = &lists.barrios[barrio_index];

    let responsible = unit_of(category, &district.code);
    let misdirected = rng.chance(0.11);
    let destination = if misdirected {
        let others: Vec<&str> = lists
            .units
            .iter()
            .map(|unit| unit.code.as_str())
            .filter(|code| *code != responsible)
            .collect();
        rng.pick(&others).to_string()
    } else {
        responsible.clone()
    };

    // Address: always for avisos, sometimes for the rest.
    let (tipo_via, nombre_via) = *rng.pick(streets_of(&district.code));
    let mut via = String::with_capacity(tipo_via.len() + 1 + nombre_via.len());
    push_title_case_via(tipo_via, &mut via);
    via.push(' ');
    via.push_str(nombre_via);
    let located = tipo == "aviso" || rng.chance(0.35);
    let number = 1 + rng.below(180);
    let (lat, lon) = DISTRICT_CENTROIDS[district_index % DISTRICT_CENTROIDS.len()];
    let (lat, lon) = (
        ((lat + rng.uniform(-0.012, 0.012)) * 1e5).round() / 1e5,
        ((lon + rng.uniform(-0.015, 0.015)) * 1e5).round() / 1e5,
    );

    // What the text says, and the labels recorded for it.
    let drawn = appeal_text::draw(&mut rng, tipo, category);
    let recorded_category = drawn.category;
    let responsible = if recorded_category == category {
        responsible
    } else {
        unit_of(recorded_category, &district.code)
    };
    // Citizens pick the wrong Avisos service now and then.
    let service = match service {
        Some(_) if rng.chance(WRONG_SERVICE_SHARE) => {
            let (code, name, _) = *rng.pick(AVISOS);
            Some((code, name))
        }
        service => service,
    };

    // Text.
    let day = FIRST_DAY.add_days(rng.below(365) as i64);
    let earlier = day.add_days(-(30 + rng.below(150) as i64));
    let earlier_date = earlier.dotted();
    let earlier_ref = numbered(
        if earlier.year < 2025 {
            "MAD-2024-"
        } else {
            "MAD-2025-"
        },
        1 + rng.below(index.max(1) + 5000),
        7,
    );
    let slots = [
        ("via", via.as_str()),
        ("barrio", barrio.name.as_str()),
        ("n", SMALL_NUMBERS[(2 + rng.below(12)) as usize]),
        ("date", earlier_date.as_str()),
        ("ref", earlier_ref.as_str()),
    ];
    let mut texto = appeal_text::grammar("es").compose(&drawn.spec, &slots, &mut rng);
    add_noise(&mut texto, CITIZEN_NOISE, &mut rng);

    // Timestamps.
    let hour = tables.hours.sample(&mut rng) as u32;
    let (minute, second) = (rng.below(60) as u32, rng.below(60) as u32);
    let registered = timestamp(day, hour, minute, second, madrid_offset_hours(day, hour));
    let limit_day = day.add_months(3);
    let limit = timestamp(
        limit_day,
        hour,
        minute,
        second,
        madrid_offset_hours(limit_day, hour),
    );
    let median_days = if tipo == "aviso" { 6.0 } else { 28.0 };
    let answered = rng.chance(0.9);
    let delay_days = rng.lognormal(median_days, 0.8).round() as i64;
    let answer_day = day.add_days(delay_days.max(1));
    let answer_hour = 8 + rng.below(7) as u32;
    let (fecha_respuesta, estado) = if answered && answer_day <= DATA_CUTOFF {
        let stamp = timestamp(
            answer_day,
            answer_hour,
            rng.below(60) as u32,
            0,
            madrid_offset_hours(answer_day, answer_hour),
        );
        (
            Some(stamp),
            if rng.chance(0.7) {
                "cerrada"
            } else {
                "respondida"
            },
        )
    } else {
        (
            None,
            if rng.chance(0.3) {
                "registrada"
            } else {
                "en_tramite"
            },
        )
    };

    let mal_dirigida = destination != responsible;
    let request = MadridRequest {
        id: numbered("MAD-2025-", index + 1, 7),
        tipo: tipo.to_owned(),
        canal: CHANNELS[tables.channels.sample(&mut rng)].0.to_owned(),
        service_code: service.map(|(code, _)| code.to_owned()),
        service_name: service.map(|(_, name)| name.to_owned()),
        cod_distrito: district.code.clone(),
        direccion: located.then(|| concat(&[&via, " ", &number.to_string()])),
        lat: located.then_some(lat),
        lon: located.then_some(lon),
        texto,
        fecha_registro: registered,
        fecha_respuesta,
        fecha_limite: limit,
        estado: estado.to_owned(),
        unidad_destino: destination,
    };
    let truth = MadridRequestTruth {
        id: request.id.clone(),
        categoria: category.to_owned(),
        unidad_responsable: responsible,
        prioridad: drawn.priority.spanish().to_owned(),
        mal_dirigida,
        reetiquetada: drawn.relabelled,
    };
    (request, truth)
}

/// Header of the CSV layout.
pub(crate) const CSV_HEADER: &str = "ID;TIPO;CANAL;SERVICE_CODE;SERVICE_NAME;COD_DISTRITO;DIRECCION;LATITUD;LONGITUD;TEXTO;FECHA_REGISTRO;FECHA_RESPUESTA;FECHA_LIMITE;ESTADO;UNIDAD_DESTINO";

impl MadridRequest {
    /// One CSV row: `;`-separated, free text always quoted, missing values
    /// as empty cells, coordinates with a decimal comma as in the city's
    /// spreadsheets.
    pub(crate) fn write_csv_row(&self, out: &mut String) {
        let decimal_comma = |value: Option<f64>| {
            value.map_or_else(String::new, |value| format!("{value:.5}").replace('.', ","))
        };
        let plain = [
            self.id.as_str(),
            &self.tipo,
            &self.canal,
            self.service_code.as_deref().unwrap_or(""),
            self.service_name.as_deref().unwrap_or(""),
            &self.cod_distrito,
            self.direccion.as_deref().unwrap_or(""),
        ];
        out.push_str(&plain.join(";"));
        out.push(';');
        out.push_str(&decimal_comma(self.lat));
        out.push(';');
        out.push_str(&decimal_comma(self.lon));
        out.push(';');
        quoted(out, &self.texto);
        for cell in [
            self.fecha_registro.as_str(),
            self.fecha_respuesta.as_deref().unwrap_or(""),
            &self.fecha_limite,
            &self.estado,
            &self.unidad_destino,
        ] {
            out.push(';');
            out.push_str(cell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{Dataset, GenConfig, Split};

    #[test]
    fn truth_and_inputs_agree() {
        let context = Context::new(&GenConfig::new(Dataset::MadridRequests, Split::Practice, 9));
        let mut misdirected = 0;
        let mut texts = std::collections::BTreeSet::new();
        for index in 0..3000 {
            let (request, truth) = generate(&context, index);
            assert_eq!(request.id, truth.id);
            assert_eq!(
                truth.mal_dirigida,
                request.unidad_destino != truth.unidad_responsable
            );
            misdirected += usize::from(truth.mal_dirigida);
            assert_eq!(request.tipo == "aviso", request.service_code.is_some());
            assert!(request.fecha_limite > request.fecha_registro);
            if let Some(answer) = &request.fecha_respuesta {
                assert!(answer[..10] >= request.fecha_registro[..10], "{request:?}");
                assert!(matches!(request.estado.as_str(), "respondida" | "cerrada"));
            }
            texts.insert(request.texto);
        }
        assert!((200..500).contains(&misdirected), "{misdirected}");
        assert!(
            texts.len() > 2500,
            "texts are too repetitive: {}",
            texts.len()
        );
    }
}
