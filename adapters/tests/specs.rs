//! Malformed mapping specs fail at load with file, line and reason:
//! `tests/data/bad_specs/*.toml`, each starting with `# expect: <prefix>`.
//! Also checks that every shipped spec in `adapters/mappings/` loads from
//! disk (the same files the binary embeds).

use govlab_adapters::{AdapterError, Adapters};

#[test]
fn malformed_specs_report_file_line_and_reason() {
    let mut paths: Vec<_> = std::fs::read_dir(crate::data("bad_specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 12);
    let mut failures = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap();
        let name = format!("bad_specs/{}", path.file_name().unwrap().to_string_lossy());
        match Adapters::from_specs(&[(name.clone(), text.clone())]) {
            Ok(_) => failures.push(format!("{name}: loaded")),
            Err(AdapterError::Spec(err)) => {
                let got = err.to_string();
                if !got.starts_with(expect) {
                    failures.push(format!("{name}:\n  got  {got}\n  want {expect}…"));
                }
            }
            Err(other) => failures.push(format!("{name}: {other}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shipped_specs_load_from_disk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let adapters = Adapters::with_mapping_dir(&dir).unwrap();
    assert_eq!(adapters.mappings().len(), 13);
    assert!(
        adapters
            .mappings()
            .iter()
            .all(|m| m.file.ends_with(".toml") && !m.description.is_empty())
    );
}

#[test]
fn a_mapping_dir_that_does_not_exist_is_an_io_error() {
    let err = Adapters::with_mapping_dir(std::path::Path::new("/nonexistent/govlab")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read /nonexistent/govlab: "),
        "{err}"
    );
}
