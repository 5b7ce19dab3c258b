//! The shared code lists in `adapters/codelists/`, parsed once.
//!
//! The files are compiled into the adapters crate, which owns them, so a
//! malformed file is a bug caught by this module's tests, not a runtime condition: rows that do
//! not parse are reported by [`check`] and skipped by the loaders.

use std::sync::LazyLock;

/// Splits one CSV line (`,`-separated, `"`-quoted with `""` escapes).
pub(crate) fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    fields.push(field);
    fields
}

/// The data rows of a CSV file with a header, each as a field vector with
/// exactly as many fields as the header.
fn rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header = lines.next().map(split_csv_line).unwrap_or_default();
    let width = header.len();
    let rows = lines
        .map(split_csv_line)
        .filter(|fields| fields.len() == width)
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|field| field == name)
        .unwrap_or(usize::MAX)
}

fn get(row: &[String], index: usize) -> &str {
    row.get(index).map_or("", String::as_str)
}

/// The text of a code list, from the adapters crate that owns the files
/// (one copy, no path into another crate); empty for an unknown name,
/// which the tests below would catch.
pub(crate) fn codelist(name: &str) -> &'static str {
    govlab_adapters::codelists::builtin_text(name).unwrap_or_default()
}

/// A Madrid district.
#[derive(Debug)]
pub(crate) struct District {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) population: u64,
}

/// A Madrid barrio.
#[derive(Debug)]
pub(crate) struct Barrio {
    pub(crate) code: String,
    pub(crate) district: String,
    pub(crate) name: String,
    pub(crate) postcode: String,
}

/// A Madrid responsible unit.
#[derive(Debug)]
pub(crate) struct Unit {
    pub(crate) code: String,
}

/// A KATO region (oblast, city of republican significance or district).
#[derive(Debug)]
pub(crate) struct Region {
    pub(crate) kato: String,
    pub(crate) name_ru: String,
    pub(crate) level: String,
    pub(crate) population: u64,
    pub(crate) parent: String,
    pub(crate) center_ru: String,
    pub(crate) center_kk: String,
    pub(crate) postcode: String,
}

/// A Kazakh state body.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) code: String,
    pub(crate) region: String,
    pub(crate) kind: String,
}

/// A row of the category crosswalk.
#[derive(Debug)]
pub(crate) struct Category {
    pub(crate) code: String,
    pub(crate) madrid_unit: String,
    pub(crate) kz_body_kind: String,
}

/// A Madrid air quality station.
#[derive(Debug)]
pub(crate) struct MadridStation {
    pub(crate) code: String,
    pub(crate) kind: String,
    pub(crate) magnitudes: Vec<u32>,
}

/// A Kazakh air quality station.
#[derive(Debug)]
pub(crate) struct KzStation {
    pub(crate) id: String,
    pub(crate) city: String,
    pub(crate) name_ru: String,
    pub(crate) pollutants: Vec<String>,
}

/// All code lists, parsed.
#[derive(Debug)]
pub(crate) struct CodeLists {
    pub(crate) districts: Vec<District>,
    pub(crate) barrios: Vec<Barrio>,
    pub(crate) units: Vec<Unit>,
    pub(crate) regions: Vec<Region>,
    pub(crate) bodies: Vec<Body>,
    pub(crate) categories: Vec<Category>,
    pub(crate) madrid_stations: Vec<MadridStation>,
    pub(crate) kz_stations: Vec<KzStation>,
}

fn parse() -> CodeLists {
    let (h, r) = rows(codelist("madrid_districts"));
    let (code, name, population) = (
        column(&h, "code"),
        column(&h, "name"),
        column(&h, "population"),
    );
    let districts = r
        .iter()
        .map(|row| District {
            code: get(row, code).to_owned(),
            name: get(row, name).to_owned(),
            population: get(row, population).parse().unwrap_or(0),
        })
        .collect();

    let (h, r) = rows(codelist("madrid_barrios"));
    let (code, district, name, postcode) = (
        column(&h, "cod_dist_barrio"),
        column(&h, "cod_distrito"),
        column(&h, "name"),
        column(&h, "postcode"),
    );
    let barrios = r
        .iter()
        .map(|row| Barrio {
            code: get(row, code).to_owned(),
            district: get(row, district).to_owned(),
            name: get(row, name).to_owned(),
            postcode: get(row, postcode).to_owned(),
        })
        .collect();

    let (h, r) = rows(codelist("madrid_units"));
    let code = column(&h, "code");
    let units = r
        .iter()
        .map(|row| Unit {
            code: get(row, code).to_owned(),
        })
        .collect();

    let (h, r) = rows(codelist("kato_regions"));
    let columns = [
        "kato",
        "name_kk",
        "name_ru",
        "level",
        "population",
        "parent_kato",
        "center_ru",
        "name_latin",
        "postcode",
        "center_kk",
    ]
    .map(|name| column(&h, name));
    let regions = r
        .iter()
        .map(|row| Region {
            kato: get(row, columns[0]).to_owned(),
            name_ru: get(row, columns[2]).to_owned(),
            level: get(row, columns[3]).to_owned(),
            population: get(row, columns[4]).parse().unwrap_or(0),
            parent: get(row, columns[5]).to_owned(),
            center_ru: get(row, columns[6]).to_owned(),
            postcode: get(row, columns[8]).to_owned(),
            center_kk: get(row, columns[9]).to_owned(),
        })
        .collect();

    let (h, r) = rows(codelist("kz_bodies"));
    let (code, region, kind) = (
        column(&h, "code"),
        column(&h, "region_kato"),
        column(&h, "kind"),
    );
    let bodies = r
        .iter()
        .map(|row| Body {
            code: get(row, code).to_owned(),
            region: get(row, region).to_owned(),
            kind: get(row, kind).to_owned(),
        })
        .collect();

    let (h, r) = rows(codelist("appeal_categories"));
    let (code, unit, kind) = (
        column(&h, "code"),
        column(&h, "madrid_unit"),
        column(&h, "kz_body_kind"),
    );
    let categories = r
        .iter()
        .map(|row| Category {
            code: get(row, code).to_owned(),
            madrid_unit: get(row, unit).to_owned(),
            kz_body_kind: get(row, kind).to_owned(),
        })
        .collect();

    let (h, r) = rows(codelist("madrid_air_stations"));
    let (code, kind, magnitudes) = (
        column(&h, "code"),
        column(&h, "type"),
        column(&h, "magnitudes"),
    );
    let madrid_stations = r
        .iter()
        .map(|row| MadridStation {
            code: get(row, code).to_owned(),
            kind: get(row, kind).to_owned(),
            magnitudes: get(row, magnitudes)
                .split_whitespace()
                .filter_map(|value| value.parse().ok())
                .collect(),
        })
        .collect();

    let (h, r) = rows(codelist("kz_air_stations"));
    let (id, city, name, pollutants_column) = (
        column(&h, "station_id"),
        column(&h, "city"),
        column(&h, "name_ru"),
        column(&h, "pollutants"),
    );
    let kz_stations = r
        .iter()
        .map(|row| KzStation {
            id: get(row, id).to_owned(),
            city: get(row, city).to_owned(),
            name_ru: get(row, name).to_owned(),
            pollutants: get(row, pollutants_column)
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        })
        .collect();

    CodeLists {
        districts,
        barrios,
        units,
        regions,
        bodies,
        categories,
        madrid_stations,
        kz_stations,
    }
}

impl CodeLists {
    /// A region by KATO code.
    pub(crate) fn region(&self, kato: &str) -> Option<&Region> {
        self.regions.iter().find(|region| region.kato == kato)
    }
}

/// The header and rows of an embedded file, for tests of columns the
/// generators do not load.
#[cfg(test)]
pub(crate) fn table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    rows(text)
}

/// The parsed code lists.
pub(crate) static CODELISTS: LazyLock<CodeLists> = LazyLock::new(parse);

#[cfg(test)]
/// Problems found in the embedded files (row width mismatches, missing
/// columns); empty when all is well.
pub(crate) fn check() -> Vec<String> {
    let files = [
        ("madrid_districts.csv", codelist("madrid_districts")),
        ("madrid_barrios.csv", codelist("madrid_barrios")),
        ("madrid_units.csv", codelist("madrid_units")),
        ("kato_regions.csv", codelist("kato_regions")),
        ("kz_bodies.csv", codelist("kz_bodies")),
        ("appeal_categories.csv", codelist("appeal_categories")),
        ("appeal_types.csv", codelist("appeal_types")),
        ("pollutants.csv", codelist("pollutants")),
        ("madrid_air_stations.csv", codelist("madrid_air_stations")),
        ("kz_air_stations.csv", codelist("kz_air_stations")),
    ];
    let mut problems = Vec::new();
    for (name, text) in files {
        if text.is_empty() {
            problems.push(format!("{name}: not a built-in list of the adapters crate"));
        }
        let mut lines = text.lines().filter(|line| !line.trim().is_empty());
        let width = lines.next().map_or(0, |line| split_csv_line(line).len());
        for (number, line) in lines.enumerate() {
            let found = split_csv_line(line).len();
            if found != width {
                problems.push(format!(
                    "{name}: data row {} has {found} fields, header has {width}",
                    number + 1
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
impl CodeLists {
    /// The barrios of a district.
    pub(crate) fn barrios_of(&self, district: &str) -> impl Iterator<Item = &Barrio> {
        self.barrios
            .iter()
            .filter(move |barrio| barrio.district == district)
    }

    /// Top-level regions (oblasts and cities of republican significance).
    pub(crate) fn top_regions(&self) -> impl Iterator<Item = &Region> {
        self.regions
            .iter()
            .filter(|region| region.level != "district")
    }

    /// Madrid magnitudes listed in `pollutants.csv`.
    pub(crate) fn magnitudes(&self) -> Vec<u32> {
        let (header, rows) = table(codelist("pollutants"));
        let column = column(&header, "madrid_magnitude");
        rows.iter()
            .filter_map(|row| get(row, column).parse().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_well_formed() {
        assert_eq!(check(), Vec::<String>::new());
        let lists = &*CODELISTS;
        assert_eq!(lists.districts.len(), 21);
        assert_eq!(lists.barrios.len(), 131);
        assert_eq!(lists.top_regions().count(), 20);
        assert!(
            lists
                .districts
                .iter()
                .all(|district| district.population > 0)
        );
        for district in &lists.districts {
            assert!(lists.barrios_of(&district.code).count() >= 3);
        }
        for barrio in &lists.barrios {
            assert_eq!(barrio.code.len(), 4, "{barrio:?}");
            assert_ne!(&barrio.code[2..], "00", "{barrio:?}");
            assert_eq!(&barrio.code[..2], barrio.district, "{barrio:?}");
            assert!(barrio.postcode.starts_with("280"), "{barrio:?}");
        }
    }

    #[test]
    fn crosswalks_point_at_existing_codes() {
        let lists = &*CODELISTS;
        for category in &lists.categories {
            assert!(
                category.madrid_unit == "JMD"
                    || lists
                        .units
                        .iter()
                        .any(|unit| unit.code == category.madrid_unit),
                "{category:?}"
            );
            for region in lists.top_regions() {
                let code = format!("{}:{}", category.kz_body_kind, region.kato);
                assert!(
                    lists.bodies.iter().any(|body| body.code == code),
                    "missing body {code}"
                );
            }
        }
        for station in &lists.madrid_stations {
            for magnitude in &station.magnitudes {
                assert!(lists.magnitudes().contains(magnitude), "{station:?}");
            }
        }
        for region in lists
            .regions
            .iter()
            .filter(|region| !region.parent.is_empty())
        {
            assert!(lists.region(&region.parent).is_some(), "{region:?}");
        }
    }

    #[test]
    fn appeal_types_cross_both_vocabularies() {
        let (header, rows) = table(codelist("appeal_types"));
        let madrid = column(&header, "madrid_tipo");
        let kz = column(&header, "kz_type");
        let mut madrid_types: Vec<&str> = rows.iter().map(|row| get(row, madrid)).collect();
        let mut kz_types: Vec<&str> = rows.iter().map(|row| get(row, kz)).collect();
        madrid_types.sort_unstable();
        kz_types.sort_unstable();
        assert_eq!(
            madrid_types,
            [
                "aviso",
                "felicitacion",
                "peticion_informacion",
                "reclamacion",
                "sugerencia"
            ]
        );
        assert_eq!(
            kz_types,
            [
                "application",
                "complaint",
                "proposal",
                "request",
                "response"
            ]
        );
    }

    #[test]
    fn csv_lines_split_with_quotes() {
        assert_eq!(
            split_csv_line(r#"a,"b, c","say ""hi""",,"#),
            vec!["a", "b, c", "say \"hi\"", "", ""]
        );
    }
}
