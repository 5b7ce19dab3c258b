//! `govlab-adapters`: schema-mapping adapters between the Madrid, canonical
//! (EU SEMIC Core Vocabularies, Open311, CPSV-AP) and Kazakh data models,
//! with JSON Schema validation and interoperability reports.
//!
//! **Architecture invariant:** this crate knows nothing of wasmtime or of
//! the sandbox. The host hook that lets agents call [`Adapters::convert`]
//! lives in the sandbox/scenarios glue.
//!
//! - Mapping specs are TOML files in `adapters/mappings/` (one per
//!   direction; format in [`spec`]), compiled once into execution plans.
//! - Code lists are CSV files in `adapters/codelists/` ([`codelists`]).
//! - Schemas (JSON Schema 2020-12) are in `adapters/schemas/`: the
//!   canonical model, and source layouts that are not govlab datasets
//!   (`sources/madrid.open311`: Madrid's Avisos as Open311 GeoReport v2
//!   JSON, mapped one way to `canonical.appeal` and from there to any appeal
//!   schema).
//!
//! ```
//! use govlab_adapters::Adapters;
//! use serde_json::json;
//!
//! let adapters = Adapters::shared()?;
//! let appeal = adapters.convert(
//!     "madrid.request",
//!     "canonical.appeal",
//!     &json!({
//!         "id": "MAD-2025-0000001", "tipo": "reclamacion", "canal": "web",
//!         "service_code": null, "service_name": null, "cod_distrito": "01",
//!         "direccion": "Calle de Toledo 12", "lat": 40.41, "lon": -3.70,
//!         "texto": "Farola apagada", "fecha_registro": "2025-03-04T10:15:00+01:00",
//!         "fecha_respuesta": null, "fecha_limite": "2025-06-04T10:15:00+02:00",
//!         "estado": "registrada", "unidad_destino": "AG-OEQ"
//!     }),
//! )?;
//! assert_eq!(appeal["requestType"], "complaint");
//! assert_eq!(appeal["requestedDatetime"], "2025-03-04T09:15:00Z");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod codelists;
mod engine;
pub mod finding;
pub mod ids;
pub mod madrid_csv;
pub mod names;
mod path;
mod registry;
pub mod report;
pub mod spec;
pub mod time;
pub mod translit;

pub use codelists::{CodeEntry, lookup};
pub use engine::FieldProvenance;
pub use finding::{Finding, Outcome, Severity, Status};
pub use registry::{
    AdapterError, Adapters, Conversion, ConvertConfig, MAX_SCHEMA_FINDINGS,
    MAX_SCHEMA_MESSAGE_BYTES, MappingInfo, is_canonical, schema_names, schema_text,
};
pub use report::{CheckConfig, InputRecord, InteropReport};
