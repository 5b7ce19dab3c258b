//! `cross-border-residency` competent agent: asks the lab's adapter to
//! convert the source record into the target country's schema, applies the
//! registration facts of the new country (address, identifier, dates), then
//! looks for the person among the register's search results. A result is
//! the person when sex agrees, given name and surname agree across spelling
//! conventions (`spelling`) and the birth date agrees exactly (in
//! Kazakhstan, the date an IIN was issued for, which survives a mistyped
//! birth-date field). The person's earlier record gives the new one its id
//! and lifelong identifier, and in Kazakhstan its Cyrillic names. It does
//! not chase clerical slips in birth dates or changed surnames: those stay
//! with the registration's provisional identifier.

mod spelling;

use govlab_sdk::host::{self, Level};
use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

use spelling::{close, cyrillic_key, icao, latin_key};

/// Fields an earlier record passes on, per target schema.
fn kept_fields(target: &str) -> &'static [&'static str] {
    match target {
        "madrid.resident" => &["id", "document_type", "document_number"],
        _ => &[
            "id",
            "iin",
            "surname_kk",
            "given_name_kk",
            "surname_ru",
            "given_name_ru",
        ],
    }
}

fn text<'v>(record: &'v Value, key: &str) -> &'v str {
    record.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Whether `name` (any convention) is close to one of `keys`.
fn matches_any(name: &str, keys: &[String]) -> bool {
    let key = latin_key(name);
    keys.iter().any(|wanted| close(&key, wanted))
}

/// The birth date (`YYYY-MM-DD`) an IIN was issued for.
fn iin_birth_date(iin: &str) -> Option<String> {
    let digits = iin.as_bytes();
    if digits.len() != 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let century = match digits[6] {
        b'1' | b'2' => 1800,
        b'3' | b'4' => 1900,
        b'5' | b'6' => 2000,
        _ => return None,
    };
    let year = century + iin.get(0..2)?.parse::<i32>().ok()?;
    Some(format!("{year:04}-{}-{}", iin.get(2..4)?, iin.get(4..6)?))
}

/// A Kazakh citizen's earlier padrón record among `matches`.
fn earlier_in_padron<'m>(citizen: &Value, matches: &'m [Value]) -> Option<&'m Value> {
    let sex = match text(citizen, "sex") {
        "male" => "H",
        _ => "M",
    };
    let surnames = [
        latin_key(text(citizen, "surname_latin")),
        latin_key(&icao(text(citizen, "surname_ru"))),
    ];
    let given = [
        latin_key(text(citizen, "given_name_latin")),
        latin_key(&icao(text(citizen, "given_name_ru"))),
    ];
    matches.iter().find(|record| {
        text(record, "sexo") == sex
            && text(record, "fecha_nacimiento") == text(citizen, "birth_date")
            && matches_any(text(record, "apellido1"), &surnames)
            && matches_any(text(record, "nombre"), &given)
    })
}

/// A Madrid resident's earlier Kazakh record among `matches`; the
/// registration has the names in today's Cyrillic.
fn earlier_in_kazakhstan<'m>(
    resident: &Value,
    registration: &Value,
    matches: &'m [Value],
) -> Option<&'m Value> {
    let sex = match text(resident, "sexo") {
        "H" => "male",
        _ => "female",
    };
    let first = text(resident, "apellido1");
    let full = match resident.get("apellido2").and_then(Value::as_str) {
        Some(second) => format!("{first} {second}"),
        None => first.to_owned(),
    };
    let surnames = [latin_key(&full), latin_key(first)];
    let given = [latin_key(text(resident, "nombre"))];
    let cyrillic = |record: &Value, key: &str| {
        close(
            &cyrillic_key(text(record, key)),
            &cyrillic_key(text(registration, key)),
        )
    };
    matches.iter().find(|record| {
        let latin = matches_any(text(record, "surname_latin"), &surnames)
            && matches_any(text(record, "given_name_latin"), &given);
        let in_cyrillic = cyrillic(record, "surname_kk") && cyrillic(record, "given_name_kk");
        text(record, "sex") == sex
            && iin_birth_date(text(record, "iin")).as_deref()
                == Some(text(resident, "fecha_nacimiento"))
            && (latin || in_cyrillic)
    })
}

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let source = agent_kit::str_field(&case, "source_schema")?;
        let target = agent_kit::str_field(&case, "target_schema")?;
        let record = agent_kit::object_field(&case, "record")?;
        let registration = agent_kit::object_field(&case, "registration")?;
        let matches = case
            .get("register_matches")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut converted = host::convert(source, target, record).map_err(|err| {
            AgentError::internal(format!("the adapter could not convert the record: {err}"))
        })?;
        let mut notes = Vec::new();
        if let (Some(out), Some(facts)) = (converted.as_object_mut(), registration.as_object()) {
            for (key, value) in facts {
                out.insert(key.clone(), value.clone());
                notes.push(format!("{key} from the registration"));
            }
        }
        let earlier = if target == "madrid.resident" {
            earlier_in_padron(record, matches)
        } else {
            earlier_in_kazakhstan(record, registration, matches)
        };
        if let (Some(out), Some(earlier)) = (converted.as_object_mut(), earlier) {
            let kept: Map<String, Value> = kept_fields(target)
                .iter()
                .filter_map(|key| Some(((*key).to_owned(), earlier.get(*key)?.clone())))
                .collect();
            notes.push(format!(
                "the register knows the person as {}: its id and identifier are kept",
                text(earlier, "id")
            ));
            out.extend(kept);
        }
        host::log(Level::Debug, &format!("converted {source} to {target}"));
        Ok(json!({"target_schema": target, "record": converted, "notes": notes}))
    }
}

govlab_sdk::export_agent!(Competent);
