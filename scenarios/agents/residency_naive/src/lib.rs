//! `cross-border-residency` naive baseline: copies fields across by their
//! meaning, without mapping codes or scripts (Cyrillic names into the padrón,
//! `male`/`female` where `H`/`M` is expected, and so on), and never looks at
//! the register's search results (it always takes the provisional
//! identifier).

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The baseline.
pub struct Naive;

impl Agent for Naive {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let record = agent_kit::object_field(&case, "record")?;
        let registration = agent_kit::object_field(&case, "registration")?;
        let field = |key: &str| record.get(key).cloned().unwrap_or(Value::Null);
        let facts = |key: &str| registration.get(key).cloned().unwrap_or(Value::Null);
        let target = agent_kit::str_field(&case, "target_schema")?;
        let out = if target == "madrid.resident" {
            json!({
                "id": facts("id"),
                "document_type": facts("document_type"),
                "document_number": facts("document_number"),
                "nombre": field("given_name_ru"),
                "apellido1": field("surname_ru"),
                "apellido2": null,
                "sexo": field("sex"),
                "fecha_nacimiento": field("birth_date"),
                "nacionalidad": field("citizenship"),
                "pais_nacimiento": field("citizenship"),
                "domicilio": facts("domicilio"),
                "fecha_alta": facts("fecha_alta"),
            })
        } else {
            json!({
                "id": facts("id"),
                "iin": facts("iin"),
                "surname_kk": field("apellido1"),
                "given_name_kk": field("nombre"),
                "patronymic_kk": null,
                "surname_ru": field("apellido1"),
                "given_name_ru": field("nombre"),
                "patronymic_ru": null,
                "surname_latin": field("apellido1"),
                "given_name_latin": field("nombre"),
                "patronymic_latin": null,
                "sex": field("sexo"),
                "birth_date": field("fecha_nacimiento"),
                "citizenship": field("nacionalidad"),
                "address": facts("address"),
                "document": facts("document"),
            })
        };
        Ok(json!({"target_schema": target, "record": out}))
    }
}

govlab_sdk::export_agent!(Naive);
