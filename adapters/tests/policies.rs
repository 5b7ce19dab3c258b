//! Engine behaviour pinned with small inline specs: code-list and value-map
//! policies (error, default, pass-through), conditionals, defaults, arrays,
//! units, and the daylight-saving policies of exploded Madrid air rows.

use govlab_adapters::{AdapterError, Adapters, ConvertConfig};
use serde_json::{Value, json};

fn adapters(spec: &str) -> Adapters {
    Adapters::from_specs(&[("inline.toml".to_owned(), spec.to_owned())]).unwrap()
}

fn run(adapters: &Adapters, input: Value) -> Result<(Value, Vec<String>), Vec<String>> {
    match adapters.convert_with(
        "kz.air",
        "canonical.observation",
        &input,
        &ConvertConfig::default(),
    ) {
        Ok(c) => Ok((
            c.value,
            c.findings.iter().map(|f| f.message.clone()).collect(),
        )),
        Err(AdapterError::Record { findings, .. }) => {
            Err(findings.iter().map(|f| f.message.clone()).collect())
        }
        Err(other) => panic!("{other}"),
    }
}

const HEADER: &str = "[mapping]\nfrom = \"kz.air\"\nto = \"canonical.observation\"\n";

#[test]
fn codelist_policies() {
    let spec = |policy: &str| {
        format!(
            "{HEADER}[[rule]]\nto = \"name\"\nfrom = \"station_id\"\nsteps = [{{ op = \"codelist\", list = \"kz_air_stations\", key = \"station_id\", value = \"name_latin\", {policy} }}]\n"
        )
    };
    let error = adapters(&spec("unmapped = \"error\""));
    let default = adapters(&spec("unmapped = \"default\", default = \"unknown\""));
    let null_default = adapters(&spec("unmapped = \"default\""));
    let pass = adapters(&spec("unmapped = \"pass_through\""));
    let known = json!({"station_id": "ALA-001"});
    let unknown = json!({"station_id": "ALA-999"});
    for a in [&error, &default, &null_default, &pass] {
        let (value, findings) = run(a, known.clone()).unwrap();
        assert_eq!(value["name"], "Medeu audany (Dostyq dañğyly)");
        assert!(findings.is_empty());
    }
    assert_eq!(
        run(&error, unknown.clone()).unwrap_err(),
        vec!["'ALA-999' for /name is not in code list kz_air_stations"]
    );
    assert_eq!(
        run(&default, unknown.clone()).unwrap(),
        (
            json!({"name": "unknown"}),
            vec!["'ALA-999' for /name is not in code list kz_air_stations; used the default \"unknown\"".to_owned()]
        )
    );
    assert_eq!(
        run(&null_default, unknown.clone()).unwrap().0,
        json!({"name": null})
    );
    assert_eq!(
        run(&pass, unknown.clone()).unwrap(),
        (
            json!({"name": "ALA-999"}),
            vec![
                "'ALA-999' for /name is not in code list kz_air_stations; copied unchanged"
                    .to_owned()
            ]
        )
    );
    // Null is not "unmapped": an absent optional value stays null under every policy.
    assert_eq!(
        run(&error, json!({"station_id": null})).unwrap().0,
        json!({"name": null})
    );
}

#[test]
fn conditionals_defaults_required_and_arrays() {
    let a = adapters(&format!(
        r#"{HEADER}
[[rule]]
to = "kind"
value = "other"

[[rule]]
to = "kind"
value = "city"
when = {{ path = "city", one_of = ["Almaty", "Astana"] }}

[[rule]]
to = "tags[1]"
from = "pollutant"
default = "none"

[[rule]]
to = "deep.list[0].unit"
from = "unit"
required = true

[[rule]]
to = "sum"
from = ["city", "station_id", "missing"]
steps = [{{ op = "join", separator = "/" }}]

[[rule]]
to = "first"
from = ["missing", "station_id"]
steps = [{{ op = "coalesce" }}]
"#
    ));
    let (value, _) = run(
        &a,
        json!({"city": "Astana", "station_id": "AST-001", "unit": "µg/m³"}),
    )
    .unwrap();
    assert_eq!(
        value,
        json!({"kind": "city", "tags": [null, "none"], "deep": {"list": [{"unit": "µg/m³"}]},
               "sum": "Astana/AST-001", "first": "AST-001"})
    );
    let err = run(&a, json!({"city": "Oslo"})).unwrap_err();
    assert_eq!(err, vec!["required field /deep/list/0/unit has no value"]);
}

#[test]
fn units_numbers_and_padding() {
    let a = adapters(&format!(
        r#"{HEADER}
[[rule]]
to = "ugm3"
from = "value"
steps = [{{ op = "unit", from = "mg/m³", to = "µg/m³" }}]

[[rule]]
to = "padded"
from = "value"
steps = [{{ op = "integer" }}, {{ op = "pad", width = 3 }}]

[[rule]]
to = "comma"
from = "text"
steps = [{{ op = "number" }}]
"#
    ));
    let (value, _) = run(&a, json!({"value": 8, "text": "41,5"})).unwrap();
    assert_eq!(
        value,
        json!({"ugm3": 8000.0, "padded": "008", "comma": 41.5})
    );
    let err = run(&a, json!({"value": "eight", "text": "1"})).unwrap_err();
    assert_eq!(
        err,
        vec![
            "scale for /ugm3 needs a number, found a string",
            "integer for /padded needs an integer, found a string"
        ]
    );
}

fn air_row(day: u32, month: u32) -> Value {
    let horas: Vec<Value> = (0..24)
        .map(|h| json!({"valor": f64::from(h) + 1.0, "validez": "V"}))
        .collect();
    json!({"provincia":"28","municipio":"079","estacion":"008","magnitud":"08",
           "punto_muestreo":"28079008_8_8","ano":2025,"mes":month,"dia":day,"horas":horas})
}

#[test]
fn madrid_air_hours_across_daylight_saving() {
    let adapters = Adapters::shared().unwrap();
    // A winter day: H01 starts at 00:00 CET = 23:00 UTC the day before.
    let winter = adapters
        .convert("madrid.air", "canonical.observation", &air_row(15, 1))
        .unwrap();
    let winter = winter.as_array().unwrap();
    assert_eq!(winter.len(), 24);
    assert_eq!(winter[0]["time"], "2025-01-14T23:00:00Z");
    assert_eq!(winter[23]["time"], "2025-01-15T22:00:00Z");
    // 2025-03-30: 02:00 local does not exist; H03 is dropped (policy skip).
    let spring = adapters
        .convert_with(
            "madrid.air",
            "canonical.observation",
            &air_row(30, 3),
            &ConvertConfig::default(),
        )
        .unwrap();
    let obs = spring.value.as_array().unwrap();
    assert_eq!(obs.len(), 23);
    assert_eq!(obs[1]["time"], "2025-03-30T00:00:00Z");
    assert_eq!(
        obs[2]["time"], "2025-03-30T01:00:00Z",
        "H04 starts 03:00 CEST"
    );
    assert_eq!(obs[2]["value"], 4.0);
    assert_eq!(spring.findings.len(), 1);
    assert_eq!(spring.findings[0].rule_id, "GL-MAP-TIME-SKIPPED");
    assert_eq!(spring.findings[0].location, "/horas/2");
    // 2025-10-26: 02:00 local happens twice; H03 takes the first (CEST).
    let autumn = adapters
        .convert("madrid.air", "canonical.observation", &air_row(26, 10))
        .unwrap();
    let obs = autumn.as_array().unwrap();
    assert_eq!(obs.len(), 24);
    assert_eq!(obs[2]["time"], "2025-10-26T00:00:00Z");
    assert_eq!(
        obs[3]["time"], "2025-10-26T02:00:00Z",
        "H04 starts 03:00 CET"
    );
    // And back: the 23 spring observations fill 23 slots, the gap is 0/N.
    let back = adapters
        .convert("canonical.observation", "madrid.air", &spring.value)
        .unwrap();
    assert_eq!(back["horas"][2], json!({"valor": 0.0, "validez": "N"}));
    assert_eq!(back["horas"][3], json!({"valor": 4.0, "validez": "V"}));
    assert_eq!(back["dia"], 30);
    assert_eq!(back["magnitud"], "08");
}

#[test]
fn collecting_refuses_mixed_rows_and_duplicate_hours() {
    let adapters = Adapters::shared().unwrap();
    let obs = adapters
        .convert("madrid.air", "canonical.observation", &air_row(15, 1))
        .unwrap();
    let mut items = obs.as_array().unwrap().clone();
    items[5] = items[4].clone();
    items[7]["pollutant"] = json!("PM10");
    let err = adapters
        .convert("canonical.observation", "madrid.air", &Value::Array(items))
        .unwrap_err();
    let AdapterError::Record { findings, .. } = err else {
        panic!("expected a record error")
    };
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "element 5 falls in slot 4 of /horas, already filled",
            "element 7 belongs to a different madrid.air record than element 0"
        ]
    );
}
