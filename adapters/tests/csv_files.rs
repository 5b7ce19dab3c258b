//! The Madrid open-data CSV parsers against fixture files that reproduce
//! the portal's quirks byte for byte: quoted fields, trailing spaces, empty
//! counts, CRLF, a UTF-8 BOM, Latin-1 encoding, decimal commas, `V`/`N`.

use govlab_adapters::Adapters;
use govlab_adapters::madrid_csv::{PadronRow, SourceEncoding, decode, parse_air, parse_padron};
use serde_json::json;

#[test]
fn latin1_and_utf8_padron_files_read_the_same() {
    let latin1 = std::fs::read(crate::data("padron_latin1.csv")).unwrap();
    assert!(
        std::str::from_utf8(&latin1).is_err(),
        "the fixture must really be Latin-1"
    );
    let (rows_latin1, enc) = parse_padron(&latin1).unwrap();
    assert_eq!(enc, SourceEncoding::Windows1252);
    let utf8 = std::fs::read(crate::data("padron_utf8_bom.csv")).unwrap();
    let (rows_utf8, enc) = parse_padron(&utf8).unwrap();
    assert_eq!(enc, SourceEncoding::Utf8);
    assert_eq!(rows_latin1, rows_utf8);
    assert_eq!(rows_latin1.len(), 5);
    let (line, chamartin) = &rows_latin1[1];
    assert_eq!(*line, 3);
    assert_eq!(
        chamartin.as_ref().unwrap(),
        &PadronRow {
            cod_distrito: "05".to_owned(),
            desc_distrito: "CHAMARTÍN".to_owned(),
            cod_dist_barrio: "0501".to_owned(),
            desc_barrio: "EL VISO".to_owned(),
            cod_dist_seccion: "5001".to_owned(),
            edad: 34,
            espanoles_hombres: 12,
            espanoles_mujeres: 0,
            extranjeros_hombres: 2,
            extranjeros_mujeres: 0,
        }
    );
    assert_eq!(rows_latin1[3].1.as_ref().unwrap().desc_barrio, "ENTREVÍAS");
    // A bad row is reported with its line, the others still read.
    let (line, bad) = &rows_latin1[4];
    assert_eq!(
        (*line, bad.as_ref().unwrap_err().as_str()),
        (6, "COD_EDAD_INT 'veinte' is not a count")
    );
}

#[test]
fn padron_barrio_codes_are_district_times_100_plus_barrio() {
    let header = "COD_DISTRITO;DESC_DISTRITO;COD_DIST_BARRIO;DESC_BARRIO;COD_BARRIO;COD_DIST_SECCION;COD_SECCION;COD_EDAD_INT;EspanolesHombres;EspanolesMujeres;ExtranjerosHombres;ExtranjerosMujeres";
    let file = format!(
        "{header}\n1;CENTRO;101;PALACIO;1;1001;1;0;1;1;1;1\n2;ARGANZUELA;203;CHOPERA;3;2001;1;0;1;1;1;1\n18;VILLA DE VALLECAS;1803;ENSANCHE DE VALLECAS;3;18001;1;0;1;1;1;1\n1;CENTRO;11;PALACIO;1;1001;1;0;1;1;1;1\n2;ARGANZUELA;103;CHOPERA;3;2001;1;0;1;1;1;1\n"
    );
    let (rows, _) = parse_padron(file.as_bytes()).unwrap();
    let codes: Vec<Result<String, String>> = rows
        .into_iter()
        .map(|(_, row)| row.map(|row| row.cod_dist_barrio))
        .collect();
    assert_eq!(
        codes,
        vec![
            Ok("0101".to_owned()),
            Ok("0203".to_owned()),
            Ok("1803".to_owned()),
            // The older district × 10 + barrio reading, and a barrio of
            // another district, are refused rather than misread.
            Err("COD_DIST_BARRIO '11' is not district 01 × 100 + a barrio number".to_owned()),
            Err("COD_DIST_BARRIO '103' is not district 02 × 100 + a barrio number".to_owned()),
        ]
    );
}

#[test]
fn padron_header_must_match() {
    let err = parse_padron(b"A;B\n1;2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: missing column COD_DISTRITO; is this a Madrid padrón file?"
    );
}

#[test]
fn decode_detects_encodings() {
    assert_eq!(decode(b"Tetu\xe1n").0, "Tetuán");
    assert_eq!(decode(b"Tetu\xe1n").1, SourceEncoding::Windows1252);
    assert_eq!(decode("Tetuán".as_bytes()).1, SourceEncoding::Utf8);
    assert_eq!(decode(b"\xef\xbb\xbfok").0, "ok");
}

#[test]
fn hourly_air_file_with_portal_quirks() {
    let bytes = std::fs::read(crate::data("air_hourly.csv")).unwrap();
    let (rows, _) = parse_air(&bytes).unwrap();
    assert_eq!(rows.len(), 4);
    let first = rows[0].1.as_ref().unwrap();
    assert_eq!(first["estacion"], "004");
    assert_eq!(first["magnitud"], "01");
    assert_eq!(first["horas"][0], json!({"valor": 2.0, "validez": "V"}));
    // Unpadded codes, decimal comma, a 0/N hour.
    let second = rows[1].1.as_ref().unwrap();
    assert_eq!(
        (
            &second["municipio"],
            &second["estacion"],
            &second["magnitud"],
            &second["mes"]
        ),
        (&json!("079"), &json!("008"), &json!("08"), &json!(3))
    );
    assert_eq!(second["horas"][0], json!({"valor": 12.5, "validez": "V"}));
    assert_eq!(second["horas"][2], json!({"valor": 0.0, "validez": "N"}));
    // Every field quoted, trailing spaces, empty values read as zero.
    let third = rows[2].1.as_ref().unwrap();
    assert_eq!(third["punto_muestreo"], "28079024_14_6");
    assert_eq!(third["horas"][0], json!({"valor": 0.0, "validez": "N"}));
    assert_eq!(third["horas"][1], json!({"valor": 61.0, "validez": "V"}));
    // A bad flag fails its row only, with the line number.
    assert_eq!(rows[3].0, 5);
    assert_eq!(rows[3].1.as_ref().unwrap_err(), "V24 'X' is not V or N");
}

#[test]
fn parsed_air_rows_are_valid_and_map() {
    let adapters = Adapters::shared().unwrap();
    let bytes = std::fs::read(crate::data("air_hourly.csv")).unwrap();
    let (rows, _) = parse_air(&bytes).unwrap();
    for (line, row) in rows.iter().take(3) {
        let row = row.as_ref().unwrap();
        let outcome = adapters.validate("madrid.air", row).unwrap();
        assert!(outcome.passed(), "line {line}: {:?}", outcome.findings);
        let kz = adapters.convert("madrid.air", "kz.air", row).unwrap();
        assert!(kz.as_array().unwrap().len() >= 23, "line {line}");
    }
}
