//! Parsers for the Madrid CSV files: the padrón (population by section, age
//! and nationality) and the hourly air-quality file as datos.madrid.es
//! publishes them, and the CSV layouts of govlab's `madrid.residents` and
//! `madrid.requests` datasets (`docs/records.md`).
//!
//! Quirks handled: `;` separators, every field quoted, text padded with
//! trailing spaces, zero counts written as empty strings, older files in
//! Latin-1/Windows-1252 (detected as invalid UTF-8 and decoded with
//! `encoding_rs`), a UTF-8 byte-order mark, CRLF line ends, decimal commas,
//! and `V`/`N` validity flags. Columns are found by header name, so a
//! reordered file still reads.

use std::borrow::Cow;

use serde_json::{Value, json};

/// Which text encoding a file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEncoding {
    /// Valid UTF-8 (with or without a byte-order mark).
    Utf8,
    /// Not UTF-8: decoded as Windows-1252 (a superset of printable Latin-1).
    Windows1252,
}

/// Decodes file bytes: UTF-8 when valid, else Windows-1252.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, SourceEncoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), SourceEncoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text, SourceEncoding::Windows1252)
        }
    }
}

/// A file that cannot be read at all (bad header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// A column the format needs is missing from the header.
    #[error("line 1: missing column {column}; is this a Madrid {format} file?")]
    MissingColumn {
        /// The column.
        column: String,
        /// `padrón` or `hourly air-quality`.
        format: &'static str,
    },
    /// The CSV structure itself is broken.
    #[error("line {line}: {reason}")]
    Malformed {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
}

/// One row of a parsed file: its line, and the row or why it was refused.
pub type Row<T> = (u64, Result<T, String>);

struct Table {
    header: Vec<String>,
    rows: Vec<(u64, Result<Vec<String>, String>)>,
}

fn read_table(text: &str) -> Result<Table, CsvError> {
    // The csv crate reports record lines one short with CRLF line ends;
    // normalise them so row line numbers match what an editor shows.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|err| CsvError::Malformed {
            line: 1,
            reason: err.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_uppercase())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                if record.iter().all(str::is_empty) {
                    continue;
                }
                rows.push((line, Ok(record.iter().map(str::to_owned).collect())));
            }
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                rows.push((line, Err(err.to_string())));
            }
        }
    }
    Ok(Table { header, rows })
}

fn columns<const N: usize>(
    header: &[String],
    names: [&str; N],
    format: &'static str,
) -> Result<[usize; N], CsvError> {
    let mut out = [0usize; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| CsvError::MissingColumn {
                column: name.to_owned(),
                format,
            })?;
    }
    Ok(out)
}

fn cell(row: &[String], idx: usize) -> &str {
    row.get(idx).map_or("", String::as_str)
}

/// A count cell: empty means zero.
fn count(text: &str, column: &str) -> Result<u32, String> {
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<u32>()
        .map_err(|_| format!("{column} '{text}' is not a count"))
}

/// A measurement cell: empty means zero, decimal comma accepted.
fn measurement(text: &str, column: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Ok(0.0);
    }
    text.parse::<f64>()
        .or_else(|_| text.replace(',', ".").parse::<f64>())
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{column} '{text}' is not a number"))
}

fn integer(text: &str, column: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .map_err(|_| format!("{column} '{text}' is not an integer"))
}

fn padded(text: &str, width: usize, column: &str) -> Result<String, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{column} '{text}' is not a numeric code"));
    }
    let trimmed = text.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
    Ok(format!("{trimmed:0>width$}"))
}

/// `COD_DIST_BARRIO` (district × 100 + barrio, `101` for Palacio, `1301`
/// for Entrevías) as four digits, checked against `COD_DISTRITO`.
fn dist_barrio(text: &str, district: &str) -> Result<String, String> {
    let column = "COD_DIST_BARRIO";
    let code = padded(text, 4, column)?;
    let district = padded(district, 2, "COD_DISTRITO")?;
    match code.split_at_checked(2) {
        Some((head, barrio)) if code.len() == 4 && head == district && barrio != "00" => Ok(code),
        _ => Err(format!(
            "{column} '{text}' is not district {district} × 100 + a barrio number"
        )),
    }
}

/// One row's cells, by their index in the parser's column names.
struct Cells<'a, const N: usize> {
    row: &'a [String],
    idx: [usize; N],
}

impl<'a, const N: usize> Cells<'a, N> {
    fn get(&self, i: usize) -> &'a str {
        self.idx.get(i).map_or("", |&at| cell(self.row, at))
    }
}

/// Reads a file whose rows have the fixed columns `names`, and turns each
/// row into a `T` with `parse`.
fn parse_rows<T, const N: usize>(
    bytes: &[u8],
    names: [&str; N],
    format: &'static str,
    parse: impl Fn(&Cells<'_, N>) -> Result<T, String>,
) -> Result<(Vec<Row<T>>, SourceEncoding), CsvError> {
    let (text, encoding) = decode(bytes);
    let table = read_table(&text)?;
    let idx = columns(&table.header, names, format)?;
    let rows = table
        .rows
        .into_iter()
        .map(|(line, row)| {
            let parsed = row.and_then(|row| parse(&Cells { row: &row, idx }));
            (line, parsed)
        })
        .collect();
    Ok((rows, encoding))
}

/// One padrón row: residents of one census section and age, by
/// nationality and sex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadronRow {
    /// District code, two digits (`01`).
    pub cod_distrito: String,
    /// District name.
    pub desc_distrito: String,
    /// `COD_DIST_BARRIO` as district and barrio, two digits each (`0101`
    /// for the file's `101`, Palacio).
    pub cod_dist_barrio: String,
    /// Barrio name.
    pub desc_barrio: String,
    /// Census section code within the district.
    pub cod_dist_seccion: String,
    /// Age in years.
    pub edad: u32,
    /// Spanish men.
    pub espanoles_hombres: u32,
    /// Spanish women.
    pub espanoles_mujeres: u32,
    /// Foreign men.
    pub extranjeros_hombres: u32,
    /// Foreign women.
    pub extranjeros_mujeres: u32,
}

/// Parses a padrón CSV file (any encoding the portal has used).
pub fn parse_padron(bytes: &[u8]) -> Result<(Vec<Row<PadronRow>>, SourceEncoding), CsvError> {
    let names = [
        "COD_DISTRITO",
        "DESC_DISTRITO",
        "COD_DIST_BARRIO",
        "DESC_BARRIO",
        "COD_DIST_SECCION",
        "COD_EDAD_INT",
        "ESPANOLESHOMBRES",
        "ESPANOLESMUJERES",
        "EXTRANJEROSHOMBRES",
        "EXTRANJEROSMUJERES",
    ];
    parse_rows(bytes, names, "padrón", |cells| {
        let c = |i: usize| cells.get(i);
        Ok(PadronRow {
            cod_distrito: padded(c(0), 2, names[0])?,
            desc_distrito: c(1).to_owned(),
            cod_dist_barrio: dist_barrio(c(2), c(0))?,
            desc_barrio: c(3).to_owned(),
            cod_dist_seccion: c(4).to_owned(),
            edad: count(c(5), names[5])?,
            espanoles_hombres: count(c(6), names[6])?,
            espanoles_mujeres: count(c(7), names[7])?,
            extranjeros_hombres: count(c(8), names[8])?,
            extranjeros_mujeres: count(c(9), names[9])?,
        })
    })
}

/// Parses an hourly air-quality CSV into `madrid.air` records (the JSON
/// shape of `docs/records.md`).
pub fn parse_air(bytes: &[u8]) -> Result<(Vec<Row<Value>>, SourceEncoding), CsvError> {
    let (text, encoding) = decode(bytes);
    let table = read_table(&text)?;
    let names = [
        "PROVINCIA",
        "MUNICIPIO",
        "ESTACION",
        "MAGNITUD",
        "PUNTO_MUESTREO",
        "ANO",
        "MES",
        "DIA",
    ];
    let idx = columns(&table.header, names, "hourly air-quality")?;
    let mut hour_idx = Vec::with_capacity(24);
    for hour in 1..=24 {
        let [h, v] = columns(
            &table.header,
            [
                format!("H{hour:02}").as_str(),
                format!("V{hour:02}").as_str(),
            ],
            "hourly air-quality",
        )?;
        hour_idx.push((h, v));
    }
    let rows = table
        .rows
        .into_iter()
        .map(|(line, row)| {
            let parsed = row.and_then(|row| {
                let c = |i: usize| cell(&row, idx[i]);
                let mut horas = Vec::with_capacity(24);
                for (n, (h, v)) in hour_idx.iter().enumerate() {
                    let column = format!("H{:02}", n + 1);
                    let valor = measurement(cell(&row, *h), &column)?;
                    let validez = match cell(&row, *v).to_uppercase().as_str() {
                        "V" => "V",
                        "N" | "" => "N",
                        other => return Err(format!("V{:02} '{other}' is not V or N", n + 1)),
                    };
                    horas.push(json!({"valor": valor, "validez": validez}));
                }
                Ok(json!({
                    "provincia": padded(c(0), 2, names[0])?,
                    "municipio": padded(c(1), 3, names[1])?,
                    "estacion": padded(c(2), 3, names[2])?,
                    "magnitud": padded(c(3), 2, names[3])?,
                    "punto_muestreo": c(4),
                    "ano": integer(c(5), names[5])?,
                    "mes": integer(c(6), names[6])?,
                    "dia": integer(c(7), names[7])?,
                    "horas": horas,
                }))
            });
            (line, parsed)
        })
        .collect();
    Ok((rows, encoding))
}

/// The name a code list gives `code`, or the file's own (trimmed) text when
/// the code is not in the list.
fn listed_name(list: &str, code: &str, text: &str) -> String {
    crate::codelists::CodeLists::builtin()
        .ok()
        .and_then(|lists| lists.get(list))
        .and_then(|list| list.value(code, "name"))
        .map_or_else(|| text.to_owned(), str::to_owned)
}

/// A cell that is `null` in the record when it is empty in the file.
fn nullable(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text.to_owned())
    }
}

/// Parses govlab's padrón-style resident CSV (`data generate madrid.residents
/// --format csv`, `docs/records.md`) into `madrid.resident` records.
/// District and barrio names come from the code lists (the file has them in
/// upper case, padded); codes are read with or without leading zeros.
pub fn parse_residents(bytes: &[u8]) -> Result<(Vec<Row<Value>>, SourceEncoding), CsvError> {
    let names = [
        "COD_DISTRITO",
        "DESC_DISTRITO",
        "COD_DIST_BARRIO",
        "DESC_BARRIO",
        "ID",
        "TIPO_DOCUMENTO",
        "NUM_DOCUMENTO",
        "NOMBRE",
        "APELLIDO1",
        "APELLIDO2",
        "SEXO",
        "FECHA_NACIMIENTO",
        "NACIONALIDAD",
        "PAIS_NACIMIENTO",
        "TIPO_VIA",
        "NOMBRE_VIA",
        "NUMERO",
        "PLANTA",
        "PUERTA",
        "COD_POSTAL",
        "MUNICIPIO",
        "FECHA_ALTA",
    ];
    parse_rows(bytes, names, "resident (padrón-style)", |cells| {
        let c = |i: usize| cells.get(i);
        let district = padded(c(0), 2, names[0])?;
        let barrio = dist_barrio(c(2), c(0))?;
        Ok(json!({
            "id": c(4),
            "document_type": c(5),
            "document_number": c(6),
            "nombre": c(7),
            "apellido1": c(8),
            "apellido2": nullable(c(9)),
            "sexo": c(10),
            "fecha_nacimiento": c(11),
            "nacionalidad": c(12),
            "pais_nacimiento": c(13),
            "domicilio": {
                "tipo_via": c(14),
                "nombre_via": c(15),
                "numero": c(16),
                "planta": nullable(c(17)),
                "puerta": nullable(c(18)),
                "cod_postal": c(19),
                "desc_distrito": listed_name("madrid_districts", &district, c(1)),
                "cod_distrito": district,
                "desc_barrio": listed_name("madrid_barrios", &barrio, c(3)),
                "cod_barrio": barrio,
                "municipio": c(20),
            },
            "fecha_alta": c(21),
        }))
    })
}

/// A coordinate cell: decimal comma or point; empty is `null`.
fn coordinate(text: &str, column: &str) -> Result<Value, String> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    measurement(text, column).map(|value| json!(value))
}

/// Parses govlab's requests CSV (`data generate madrid.requests --format
/// csv`, `docs/records.md`) into `madrid.request` records: `TEXTO` quoted,
/// empty cells `null`, coordinates with a decimal comma.
pub fn parse_requests(bytes: &[u8]) -> Result<(Vec<Row<Value>>, SourceEncoding), CsvError> {
    let names = [
        "ID",
        "TIPO",
        "CANAL",
        "SERVICE_CODE",
        "SERVICE_NAME",
        "COD_DISTRITO",
        "DIRECCION",
        "LATITUD",
        "LONGITUD",
        "TEXTO",
        "FECHA_REGISTRO",
        "FECHA_RESPUESTA",
        "FECHA_LIMITE",
        "ESTADO",
        "UNIDAD_DESTINO",
    ];
    parse_rows(bytes, names, "requests", |cells| {
        let c = |i: usize| cells.get(i);
        Ok(json!({
            "id": c(0),
            "tipo": c(1),
            "canal": c(2),
            "service_code": nullable(c(3)),
            "service_name": nullable(c(4)),
            "cod_distrito": padded(c(5), 2, names[5])?,
            "direccion": nullable(c(6)),
            "lat": coordinate(c(7), names[7])?,
            "lon": coordinate(c(8), names[8])?,
            "texto": c(9),
            "fecha_registro": c(10),
            "fecha_respuesta": nullable(c(11)),
            "fecha_limite": c(12),
            "estado": c(13),
            "unidad_destino": c(14),
        }))
    })
}
