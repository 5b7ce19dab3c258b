//! Property test: the engine never panics, whatever JSON it is given, in
//! any direction (it returns a value or an error).

use govlab_adapters::{Adapters, ConvertConfig, schema_names};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        // Strings the specs look for: dates, codes, Cyrillic, prefixes.
        prop_oneof![
            Just("2025-03-30T02:30:00"),
            Just("2025-10-26T02:30:00+02:00"),
            Just("9999-12-31"),
            Just("V"),
            Just("N"),
            Just("KZ-IIN"),
            Just("ES-MAD-BARRIO:0401"),
            Just("KATO:750000000"),
            Just("Қасым-Жомарт"),
            Just("reclamacion"),
            Just("12345678Z"),
            Just("08"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        "[a-z_]{1,10}",
                        Just("horas".to_owned()),
                        Just("tipo".to_owned()),
                        Just("domicilio".to_owned()),
                        Just("identifier".to_owned()),
                        Just("time".to_owned()),
                        Just("ano".to_owned()),
                        Just("fecha_registro".to_owned()),
                        Just("surname_latin".to_owned()),
                        Just("citizenship".to_owned()),
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn engine_never_panics(record in arb_json()) {
        let adapters = Adapters::shared().unwrap();
        let config = ConvertConfig { validate_source: false, validate_target: false, provenance: true };
        for mapping in adapters.mappings() {
            let _ = adapters.convert_with(&mapping.from, &mapping.to, &record, &config);
        }
        for name in schema_names() {
            let _ = adapters.validate(name, &record);
        }
    }
}
