//! Code lists (districts, barrios, KATO, bodies, appeal types and the
//! category crosswalk, pollutants, stations, document types, channels):
//! CSV data files under `adapters/codelists/`, embedded in the binary and
//! parsed once.
//!
//! Each list is keyed by its first column. Built-in list names:
//!
//! | list | key column | what |
//! |------|------------|------|
//! | `madrid_districts` | `code` | the 21 Madrid districts (`01`–`21`) |
//! | `madrid_barrios` | `cod_dist_barrio` | the 131 barrios (`0101` Palacio …) |
//! | `madrid_units` | `code` | municipal units requests are sent to |
//! | `kato_regions` | `kato` | KATO oblasts, cities and city districts |
//! | `kz_bodies` | `code` | Kazakh state bodies appeals are sent to |
//! | `appeal_types` | `code` | canonical appeal type ↔ Madrid `tipo` ↔ Kazakh `type` |
//! | `appeal_categories` | `code` | category crosswalk (Madrid unit ↔ Kazakh body kind) |
//! | `pollutants` | `madrid_magnitude` | Madrid magnitude ↔ pollutant code and unit |
//! | `madrid_air_stations` | `code` | Madrid air-quality stations (`008` …) |
//! | `kz_air_stations` | `station_id` | Kazakh air-quality stations (`ALA-001` …) |
//! | `document_types` | `code` | identity document types and their identifier schemes |
//! | `channels` | `code` | canonical request channels ↔ Madrid `canal` ↔ Kazakh `channel` |
//! | `sexes` | `code` | canonical sex ↔ Madrid `sexo` ↔ Kazakh `sex` |
//!
//! Label columns are those named `name`, `label`, `name_<lang>` or
//! `label_<lang>`; `name_latin` is reported as language `kk-Latn`, and a
//! bare `name` takes the list's language (`es` for Madrid lists and
//! pollutants, `und` otherwise).

use std::collections::HashMap;
use std::sync::OnceLock;

/// One code and its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEntry {
    /// The code (the list's key column).
    pub code: String,
    /// `(language, label)` pairs in column order.
    pub labels: Vec<(String, String)>,
}

/// Why a code list could not be read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeListError {
    /// The CSV text is malformed.
    #[error("code list '{list}' line {line}: {reason}")]
    Csv {
        /// List name.
        list: String,
        /// 1-based line of the problem.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A column named in a mapping spec does not exist.
    #[error("code list '{list}' has no column '{column}'; columns are: {columns}")]
    NoColumn {
        /// List name.
        list: String,
        /// Column asked for.
        column: String,
        /// The columns that exist, comma-separated.
        columns: String,
    },
}

/// A parsed code list.
#[derive(Debug, Clone)]
pub struct CodeList {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    by_key: HashMap<String, usize>,
    default_lang: &'static str,
}

impl CodeList {
    /// Parses a `,`-separated CSV with a header row; the first column is the key.
    pub fn parse(name: &str, csv_text: &str) -> Result<CodeList, CodeListError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(csv_text.as_bytes());
        let csv_error = |err: csv::Error| CodeListError::Csv {
            list: name.to_owned(),
            line: err.position().map_or(0, csv::Position::line),
            reason: err.to_string(),
        };
        let columns: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_owned)
            .collect();
        if columns.is_empty() || columns[0].is_empty() {
            return Err(CodeListError::Csv {
                list: name.to_owned(),
                line: 1,
                reason: "missing header row".to_owned(),
            });
        }
        let mut rows = Vec::new();
        let mut by_key = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let row: Vec<String> = record.iter().map(str::to_owned).collect();
            let key = row.first().cloned().unwrap_or_default();
            if by_key.insert(key.clone(), rows.len()).is_some() {
                return Err(CodeListError::Csv {
                    list: name.to_owned(),
                    line: record.position().map_or(0, csv::Position::line),
                    reason: format!("duplicate code '{key}'"),
                });
            }
            rows.push(row);
        }
        let default_lang = if name.starts_with("madrid_") || name == "pollutants" {
            "es"
        } else {
            "und"
        };
        Ok(CodeList {
            name: name.to_owned(),
            columns,
            rows,
            by_key,
            default_lang,
        })
    }

    /// The list's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Column names, key column first.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the list has no codes.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn column_index(&self, column: &str) -> Result<usize, CodeListError> {
        self.columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| CodeListError::NoColumn {
                list: self.name.clone(),
                column: column.to_owned(),
                columns: self.columns.join(", "),
            })
    }

    /// The entry for `code` (key column), with its labels.
    pub fn get(&self, code: &str) -> Option<CodeEntry> {
        let row = &self.rows[*self.by_key.get(code)?];
        let mut labels = Vec::new();
        for (column, value) in self.columns.iter().zip(row) {
            if value.is_empty() {
                continue;
            }
            let lang = match column.as_str() {
                "name" | "label" => self.default_lang.to_owned(),
                "name_latin" | "label_latin" => "kk-Latn".to_owned(),
                other => match other
                    .strip_prefix("name_")
                    .or_else(|| other.strip_prefix("label_"))
                {
                    Some(lang) if lang.len() == 2 => lang.to_owned(),
                    _ => continue,
                },
            };
            labels.push((lang, value.clone()));
        }
        Some(CodeEntry {
            code: row.first().cloned().unwrap_or_default(),
            labels,
        })
    }

    /// The value of `column` in the row of `code`.
    pub fn value(&self, code: &str, column: &str) -> Option<&str> {
        let row = &self.rows[*self.by_key.get(code)?];
        let idx = self.columns.iter().position(|c| c == column)?;
        row.get(idx).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A map from the values of `key` to the values of `value` (rows with an
    /// empty key or value are left out; with a non-unique key column the
    /// first row wins, and the shadowed keys are returned alongside).
    pub fn column_map(
        &self,
        key: &str,
        value: &str,
    ) -> Result<(HashMap<String, String>, Vec<String>), CodeListError> {
        let key_idx = self.column_index(key)?;
        let value_idx = self.column_index(value)?;
        let mut map = HashMap::with_capacity(self.rows.len());
        let mut shadowed = Vec::new();
        for row in &self.rows {
            let (Some(k), Some(v)) = (row.get(key_idx), row.get(value_idx)) else {
                continue;
            };
            if k.is_empty() || v.is_empty() {
                continue;
            }
            if map.contains_key(k) {
                shadowed.push(k.clone());
            } else {
                map.insert(k.clone(), v.clone());
            }
        }
        Ok((map, shadowed))
    }
}

/// A set of named code lists.
#[derive(Debug, Clone, Default)]
pub struct CodeLists {
    lists: HashMap<String, CodeList>,
}

impl CodeLists {
    /// Parses `(name, csv text)` pairs.
    pub fn from_texts<'a>(
        texts: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<CodeLists, CodeListError> {
        let mut lists = HashMap::new();
        for (name, text) in texts {
            lists.insert(name.to_owned(), CodeList::parse(name, text)?);
        }
        Ok(CodeLists { lists })
    }

    /// The built-in lists, parsed on first use.
    pub fn builtin() -> Result<&'static CodeLists, CodeListError> {
        static BUILTIN: OnceLock<Result<CodeLists, CodeListError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| CodeLists::from_texts(BUILTIN_TEXTS.iter().copied()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The list called `name`.
    pub fn get(&self, name: &str) -> Option<&CodeList> {
        self.lists.get(name)
    }

    /// Names of all lists, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.lists.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

const BUILTIN_TEXTS: &[(&str, &str)] = &[
    (
        "madrid_districts",
        include_str!("../codelists/madrid_districts.csv"),
    ),
    (
        "madrid_barrios",
        include_str!("../codelists/madrid_barrios.csv"),
    ),
    (
        "madrid_units",
        include_str!("../codelists/madrid_units.csv"),
    ),
    (
        "kato_regions",
        include_str!("../codelists/kato_regions.csv"),
    ),
    ("kz_bodies", include_str!("../codelists/kz_bodies.csv")),
    (
        "appeal_types",
        include_str!("../codelists/appeal_types.csv"),
    ),
    (
        "appeal_categories",
        include_str!("../codelists/appeal_categories.csv"),
    ),
    ("pollutants", include_str!("../codelists/pollutants.csv")),
    (
        "madrid_air_stations",
        include_str!("../codelists/madrid_air_stations.csv"),
    ),
    (
        "kz_air_stations",
        include_str!("../codelists/kz_air_stations.csv"),
    ),
    (
        "document_types",
        include_str!("../codelists/document_types.csv"),
    ),
    ("channels", include_str!("../codelists/channels.csv")),
    ("sexes", include_str!("../codelists/sexes.csv")),
];

/// The CSV text of the built-in list `name` (`madrid_barrios`, …), as
/// compiled in: for readers that parse the files themselves (the dataset
/// generators), so every crate reads the one copy.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN_TEXTS
        .iter()
        .find(|(list, _)| *list == name)
        .map(|(_, text)| *text)
}

/// Names of the built-in lists (see the module docs for what each holds).
pub fn list_names() -> Vec<&'static str> {
    BUILTIN_TEXTS.iter().map(|(name, _)| *name).collect()
}

/// Looks `code` up in the built-in list `list` (by its key column).
pub fn lookup(list: &str, code: &str) -> Option<CodeEntry> {
    CodeLists::builtin().ok()?.get(list)?.get(code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_builtin_list_loads_and_is_non_empty() {
        let lists = CodeLists::builtin().unwrap();
        for name in list_names() {
            let list = lists.get(name).unwrap();
            assert!(!list.is_empty(), "{name}");
        }
    }

    #[test]
    fn lookup_returns_labels_with_languages() {
        let centro = lookup("madrid_districts", "01").unwrap();
        assert_eq!(centro.labels, vec![("es".to_owned(), "Centro".to_owned())]);
        let complaint = lookup("appeal_types", "complaint").unwrap();
        assert!(
            complaint
                .labels
                .contains(&("kk".to_owned(), "Шағым".to_owned()))
        );
        assert!(
            complaint
                .labels
                .contains(&("ru".to_owned(), "Жалоба".to_owned()))
        );
        assert_eq!(lookup("madrid_districts", "99"), None);
        assert_eq!(lookup("no_such_list", "01"), None);
    }

    #[test]
    fn crosswalk_columns() {
        let lists = CodeLists::builtin().unwrap();
        let (map, shadowed) = lists
            .get("appeal_types")
            .unwrap()
            .column_map("madrid_tipo", "kz_type")
            .unwrap();
        assert_eq!(
            map.get("reclamacion").map(String::as_str),
            Some("complaint")
        );
        assert!(shadowed.is_empty());
        let err = lists
            .get("appeal_types")
            .unwrap()
            .column_map("nope", "kz_type")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("code list 'appeal_types' has no column 'nope'")
        );
    }

    #[test]
    fn malformed_lists_are_refused_with_a_line() {
        let err = CodeList::parse("t", "code,name\na,1\na,2\n").unwrap_err();
        assert_eq!(err.to_string(), "code list 't' line 3: duplicate code 'a'");
        let err = CodeList::parse("t", "code,name\na,1,extra\n").unwrap_err();
        assert!(err.to_string().starts_with("code list 't' line 2"), "{err}");
    }
}
