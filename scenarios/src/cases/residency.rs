//! `cross-border-residency` cases: a person moving between Kazakhstan and
//! Madrid, the registration facts of the new country, and what the target
//! register's search for the person returned: the person's own earlier
//! record (spelt another way, perhaps with a clerical slip in the birth
//! date) among relatives and namesakes, or strangers only. The expected
//! record, kept on the host, reuses an earlier record's id and lifelong
//! identifier (NIE or IIN) and, in Kazakhstan, its Cyrillic names.

use govlab_adapters::Adapters;
use govlab_adapters::translit::{Scheme, transliterate};
use serde_json::{Map, Value, json};

use super::{
    Builder, CaseError, CaseRng, CaseTruth, ResidencyTruth, case_id, overlay, parse_date,
    spanish_to_cyrillic,
};
use crate::datasets::{self, Dataset, Record};

/// Chance that the person already has a record in the target register.
const RETURNING: f64 = 0.35;
/// Chance that a register's earlier record has a slip in the birth date.
const SLIP: f64 = 0.12;
/// Chance that a namesake in the register was born on a date one slip away
/// from the person's (the case no rule can always tell apart).
const NEAR_BIRTH_DATE: f64 = 0.12;
/// Chance that a woman's earlier padrón record has her surname of the time
/// (before or after a marriage): only the given name, sex and birth date
/// tie it to her.
const OTHER_SURNAME: f64 = 0.2;
/// Records looked through for a person of the right nationality.
const SEARCH: u64 = 64;
/// Where other people (relatives, namesakes, strangers) are drawn from in
/// the source datasets, far from the records cases start at.
const OTHERS_BASE: u64 = 1 << 32;

/// Fields that come from the person's earlier target-country record when
/// there is one, per target schema.
const KEPT_FROM_EARLIER: [(&str, &[&str]); 2] = [
    (
        "madrid.resident",
        &["id", "document_type", "document_number"],
    ),
    (
        "kz.citizen",
        &[
            "id",
            "iin",
            "surname_kk",
            "given_name_kk",
            "surname_ru",
            "given_name_ru",
        ],
    ),
];

/// The person a case is about, as the register's search sees them.
struct Person<'v> {
    /// The case index.
    index: u64,
    /// The source-country record.
    source: &'v Value,
    /// The expected target record before an earlier record is reused.
    expected: &'v Value,
    adapters: &'v Adapters,
}

/// A person's earlier record or someone else's, for the search results.
enum Match {
    /// The person's own earlier record.
    Earlier,
    /// Shares the surname (adapted to their sex), not the given name or
    /// birth date.
    Relative,
    /// Same given name, surname and sex; another birth date.
    Namesake,
    /// Same birth date, another name.
    SameBirthDate,
}

/// How an earlier record spells names.
#[derive(Clone, Copy)]
enum Spelling {
    /// As the person's current record (or the migration office today).
    Current,
    /// The older convention (Russian-based passport Latin in Madrid, older
    /// Cyrillic habits in Kazakhstan).
    Older,
    /// With a clerk's slip: a letter dropped or doubled.
    Slip,
}

fn spelling(rng: &mut CaseRng) -> Spelling {
    match rng.below(20) {
        0..=7 => Spelling::Current,
        8..=17 => Spelling::Older,
        _ => Spelling::Slip,
    }
}

/// A clerk's slip in a name: an inner letter dropped or doubled.
fn slip_letter(rng: &mut CaseRng, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return name.to_owned();
    }
    let at = 1 + rng.below(chars.len() as u64 - 2) as usize;
    let mut out: Vec<char> = chars.clone();
    if rng.chance(0.5) {
        out.remove(at);
    } else {
        out.insert(at, chars[at]);
    }
    out.into_iter().collect()
}

/// A Kazakh name as an earlier padrón record has it: `latin` is the 2021
/// Latin form, `russian` the Russian Cyrillic one.
fn padron_name(rng: &mut CaseRng, spelling: Spelling, latin: &str, russian: &str) -> String {
    match spelling {
        Spelling::Current => latin.to_owned(),
        Spelling::Older => transliterate(Scheme::RussianIcao, russian).0,
        Spelling::Slip => slip_letter(rng, latin),
    }
}

/// A Spanish name in Cyrillic as an earlier Kazakh record has it: the
/// office's spelling today, an older habit (`ия` for `иа`, `е` for a
/// word-initial `э`, no soft sign) or a clerk's slip.
fn kz_cyrillic(rng: &mut CaseRng, spelling: Spelling, name: &str) -> String {
    let today = spanish_to_cyrillic(name);
    match spelling {
        Spelling::Current => today,
        Spelling::Older => {
            let older = today
                .replace("иа", "ия")
                .replace('ь', "")
                .replace('Э', "Е")
                .replace("ио", "ё");
            if older == today {
                slip_letter(rng, &today)
            } else {
                older
            }
        }
        Spelling::Slip => slip_letter(rng, &today),
    }
}

/// A clerical slip in a `YYYY-MM-DD` date: day and month swapped when both
/// can be a month, else one digit of the day, the month or the year
/// mistyped. The result is another valid date (days up to 28 only).
fn slip_date(rng: &mut CaseRng, date: &str) -> String {
    let Some((year, month, day)) = parse_date(date) else {
        return date.to_owned();
    };
    if day <= 12 && day != month && rng.chance(0.4) {
        return format!("{year:04}-{day:02}-{month:02}");
    }
    let other_digit = |rng: &mut CaseRng, digit: u32, range: std::ops::RangeInclusive<u32>| {
        let choices: Vec<u32> = range.filter(|d| *d != digit).collect();
        *rng.pick(&choices)
    };
    match rng.below(3) {
        0 => {
            // The day's last digit (keeping 01–28).
            let tens = (day / 10).min(2);
            let low = if tens == 0 { 1 } else { 0 };
            let high = if tens == 2 { 8 } else { 9 };
            let unit = other_digit(rng, day % 10, low..=high);
            format!("{year:04}-{month:02}-{:02}", tens * 10 + unit)
        }
        1 if month < 10 => {
            let unit = other_digit(rng, month, 1..=9);
            format!("{year:04}-{unit:02}-{:02}", day.min(28))
        }
        _ => {
            let unit = other_digit(rng, year.rem_euclid(10) as u32, 0..=9);
            let year = year - year.rem_euclid(10) + unit as i32;
            format!("{year:04}-{month:02}-{:02}", day.min(28))
        }
    }
}

/// A Kazakh or Russian surname for the other sex (`-ов` ↔ `-ова`, `-ин` ↔
/// `-ина`, also in Latin letters); others are left as they are.
fn surname_for_sex(surname: &str, female: bool) -> String {
    let lower = surname.to_lowercase();
    let male_endings = ["ov", "ev", "in", "ов", "ев", "ин"];
    if female && male_endings.iter().any(|end| lower.ends_with(end)) {
        let a = if surname.is_ascii() { "a" } else { "а" };
        return format!("{surname}{a}");
    }
    if !female
        && male_endings
            .iter()
            .any(|end| lower.ends_with(&format!("{end}a")) || lower.ends_with(&format!("{end}а")))
    {
        let mut out = surname.to_owned();
        out.pop();
        return out;
    }
    surname.to_owned()
}

fn string_at<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A date some years back, `YYYY-MM-DD`, for an earlier registration.
fn earlier_date(rng: &mut CaseRng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2006 + rng.below(17),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

/// What kind each search result is: the earlier record (when the person
/// is returning) and zero to two others, in register order.
fn search_results(rng: &mut CaseRng) -> Vec<Match> {
    let mut results = Vec::new();
    if rng.chance(RETURNING) {
        results.push(Match::Earlier);
    }
    let others = match rng.below(20) {
        0..=7 => 0,
        8..=14 => 1,
        _ => 2,
    };
    for _ in 0..others {
        results.push(match rng.below(10) {
            0..=3 => Match::Relative,
            4..=7 => Match::Namesake,
            _ => Match::SameBirthDate,
        });
    }
    // Registers list by their own key: shuffle.
    for at in (1..results.len()).rev() {
        let other = rng.below(at as u64 + 1) as usize;
        results.swap(at, other);
    }
    results
}

impl Builder<'_> {
    /// The first record from `start` on (up to [`SEARCH`]) of the dataset
    /// whose nationality is `nationality`.
    fn person(&self, dataset: Dataset, start: u64, nationality: &str) -> Option<Record> {
        let config = self.config(dataset);
        (start..start + SEARCH)
            .map(|index| datasets::generate(&config, index).record)
            .find(|record| match record {
                Record::KzCitizen(citizen) => citizen.citizenship == nationality,
                Record::MadridResident(resident) => resident.nacionalidad == nationality,
                _ => false,
            })
    }

    /// Even cases: a Kazakh citizen registering in Madrid; odd cases: a
    /// Spanish resident of Madrid registering in Kazakhstan. The expected
    /// record is the adapters' conversion with the registration facts
    /// applied, and the person's earlier record's id, identifier (and
    /// Kazakh Cyrillic names) when the register has one.
    pub(super) fn residency(
        &self,
        index: u64,
    ) -> Result<(String, Map<String, Value>, CaseTruth), CaseError> {
        let adapters = self
            .adapters
            .as_ref()
            .ok_or_else(|| self.fail(index, "adapters not loaded"))?;
        let case_id = case_id("CR-", index);
        let mut rng = CaseRng::new(self.seeds.seed(index) ^ 0x5EED_CA5E);
        let pair = index / 2;
        let (direction, source_schema, target_schema) = if index.is_multiple_of(2) {
            ("kz_to_madrid", "kz.citizen", "madrid.resident")
        } else {
            ("madrid_to_kz", "madrid.resident", "kz.citizen")
        };
        let (source, registration) = if index.is_multiple_of(2) {
            self.kz_to_madrid(&mut rng, index, pair)?
        } else {
            self.madrid_to_kz(&mut rng, index, pair)?
        };
        let convert = |record: &Value| {
            adapters
                .convert(source_schema, target_schema, record)
                .map_err(|err| self.fail(index, format!("adapter: {err}")))
        };
        let mut expected = convert(&source)?;
        overlay(&mut expected, &registration);
        let mut matches = Vec::new();
        let mut existing_id = None;
        let converted = expected.clone();
        let person = Person {
            index,
            source: &source,
            expected: &converted,
            adapters,
        };
        for (position, kind) in search_results(&mut rng).into_iter().enumerate() {
            let record = self.register_match(&mut rng, &person, &kind, position as u64)?;
            if matches!(kind, Match::Earlier) {
                existing_id = Some(string_at(&record, "id").to_owned());
                let kept = KEPT_FROM_EARLIER
                    .iter()
                    .find(|(schema, _)| *schema == target_schema)
                    .map_or(&[][..], |(_, fields)| *fields);
                for field in kept {
                    if let (Some(out), Some(value)) = (expected.as_object_mut(), record.get(*field))
                    {
                        out.insert((*field).to_owned(), value.clone());
                    }
                }
            }
            matches.push(record);
        }
        let mut payload = Map::new();
        payload.insert("direction".to_owned(), Value::String(direction.to_owned()));
        payload.insert(
            "source_schema".to_owned(),
            Value::String(source_schema.to_owned()),
        );
        payload.insert(
            "target_schema".to_owned(),
            Value::String(target_schema.to_owned()),
        );
        payload.insert("record".to_owned(), source);
        payload.insert("registration".to_owned(), registration);
        payload.insert("register_matches".to_owned(), Value::Array(matches));
        let truth = ResidencyTruth {
            direction,
            target_schema,
            expected,
            identifier_pointers: if index.is_multiple_of(2) {
                &["/document_type", "/document_number"]
            } else {
                &["/iin", "/document/type", "/document/number"]
            },
            existing_id,
        };
        Ok((case_id, payload, CaseTruth::Residency(truth)))
    }

    /// A Kazakh citizen and the Madrid registration: a provisional NIE, an
    /// address (another resident's) and the date.
    fn kz_to_madrid(
        &self,
        rng: &mut CaseRng,
        index: u64,
        pair: u64,
    ) -> Result<(Value, Value), CaseError> {
        let source = self
            .person(Dataset::KzCitizens, pair * 4, "KZ")
            .ok_or_else(|| self.fail(index, "no Kazakh citizen found"))?;
        let home = datasets::generate(&self.config(Dataset::MadridResidents), pair)
            .record
            .to_json();
        let prefix = 1 + rng.below(2) as u32;
        let registration = json!({
            "id": format!("MR-{:07}", 9_000_000 + pair),
            "document_type": "NIE",
            "document_number": datasets::ids::format_nie(prefix, rng.below(10_000_000) as u32),
            "domicilio": home.get("domicilio").cloned().unwrap_or(Value::Null),
            "fecha_alta": format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            // Declared on the padrón form; the Kazakh register has no country of birth.
            "pais_nacimiento": "KZ",
        });
        Ok((source.to_json(), registration))
    }

    /// A Spanish resident of Madrid and the Kazakh registration: a
    /// provisional IIN, the names in the migration office's Cyrillic, an
    /// address (another citizen's) and a residence permit.
    fn madrid_to_kz(
        &self,
        rng: &mut CaseRng,
        index: u64,
        pair: u64,
    ) -> Result<(Value, Value), CaseError> {
        let source = self
            .person(Dataset::MadridResidents, pair * 4, "ES")
            .ok_or_else(|| self.fail(index, "no Spanish resident found"))?;
        let source = source.to_json();
        let birth_date = string_at(&source, "fecha_nacimiento").to_owned();
        let male = string_at(&source, "sexo") == "H";
        let iin = self
            .iin(rng, &birth_date, male, 9000)
            .ok_or_else(|| self.fail(index, "no issuable IIN"))?;
        let home = datasets::generate(&self.config(Dataset::KzCitizens), pair)
            .record
            .to_json();
        let surname = spanish_surname(&source);
        // The migration service records a foreigner's name in Cyrillic too.
        let (surname_cyr, given_cyr) = (
            spanish_to_cyrillic(&surname),
            spanish_to_cyrillic(string_at(&source, "nombre")),
        );
        let registration = json!({
            "id": format!("KZ-{:07}", 9_000_000 + pair),
            "iin": iin,
            "surname_kk": surname_cyr,
            "given_name_kk": given_cyr,
            "surname_ru": surname_cyr,
            "given_name_ru": given_cyr,
            "address": home.get("address").cloned().unwrap_or(Value::Null),
            "document": {"type": "residence_permit", "number": format!("{:09}", rng.below(1_000_000_000))},
        });
        Ok((source, registration))
    }

    /// An IIN for a birth date and sex, serials from `serial_base`.
    fn iin(
        &self,
        rng: &mut CaseRng,
        birth_date: &str,
        male: bool,
        serial_base: u32,
    ) -> Option<String> {
        let (year, month, day) = parse_date(birth_date)?;
        let serial = serial_base + rng.below(900) as u32;
        (0..50).find_map(|k| datasets::ids::make_iin(year, month, day, male, serial + k))
    }

    /// Search result `position`, in the target schema: built from the
    /// person's own source record for [`Match::Earlier`], else from someone
    /// else's, as registered years ago, then made to resemble the person as
    /// `kind` says.
    fn register_match(
        &self,
        rng: &mut CaseRng,
        person: &Person<'_>,
        kind: &Match,
        position: u64,
    ) -> Result<Value, CaseError> {
        let base = self.search_base(kind, person, position)?;
        let padron = person.source.get("iin").is_some();
        let (source_schema, target_schema) = if padron {
            ("kz.citizen", "madrid.resident")
        } else {
            ("madrid.resident", "kz.citizen")
        };
        let mut record = person
            .adapters
            .convert(source_schema, target_schema, &base)
            .map_err(|err| self.fail(person.index, format!("adapter: {err}")))?;
        let style = spelling(rng);
        if padron {
            self.earlier_padron_record(rng, &mut record, &base, style);
            self.resemble_in_padron(rng, &mut record, person, kind, style)?;
        } else {
            self.resemble_in_kazakhstan(rng, &mut record, &base, person, kind, style)?;
        }
        Ok(record)
    }

    /// Makes an earlier padrón record resemble a Kazakh citizen as `kind`
    /// says.
    fn resemble_in_padron(
        &self,
        rng: &mut CaseRng,
        record: &mut Value,
        person: &Person<'_>,
        kind: &Match,
        style: Spelling,
    ) -> Result<(), CaseError> {
        let Person {
            source, expected, ..
        } = *person;
        let names = |record: &mut Value, rng: &mut CaseRng| {
            let given = padron_name(
                rng,
                style,
                string_at(source, "given_name_latin"),
                string_at(source, "given_name_ru"),
            );
            let surname = padron_name(
                rng,
                style,
                string_at(source, "surname_latin"),
                string_at(source, "surname_ru"),
            );
            overlay(record, &json!({"nombre": given, "apellido1": surname}));
        };
        match kind {
            Match::Earlier => {
                names(record, rng);
                let birth = string_at(expected, "fecha_nacimiento").to_owned();
                let birth = if rng.chance(SLIP) {
                    slip_date(rng, &birth)
                } else {
                    birth
                };
                overlay(record, &json!({"fecha_nacimiento": birth}));
                if string_at(expected, "sexo") == "M" && rng.chance(OTHER_SURNAME) {
                    let other = self.search_base(&Match::Relative, person, 7)?;
                    let surname = padron_name(
                        rng,
                        style,
                        string_at(&other, "surname_latin"),
                        string_at(&other, "surname_ru"),
                    );
                    overlay(
                        record,
                        &json!({"apellido1": surname_for_sex(&surname, true)}),
                    );
                }
            }
            Match::Relative => {
                let female = string_at(record, "sexo") == "M";
                let surname = padron_name(
                    rng,
                    style,
                    string_at(source, "surname_latin"),
                    string_at(source, "surname_ru"),
                );
                overlay(
                    record,
                    &json!({"apellido1": surname_for_sex(&surname, female)}),
                );
            }
            Match::Namesake => {
                names(record, rng);
                let mut facts = json!({"sexo": string_at(expected, "sexo")});
                if rng.chance(NEAR_BIRTH_DATE) {
                    facts["fecha_nacimiento"] =
                        json!(slip_date(rng, string_at(expected, "fecha_nacimiento")));
                }
                overlay(record, &facts);
            }
            Match::SameBirthDate => {
                overlay(
                    record,
                    &json!({"fecha_nacimiento": string_at(expected, "fecha_nacimiento")}),
                );
            }
        }
        Ok(())
    }

    /// Makes a Kazakh register record (converted from `base`) an earlier
    /// record that resembles a Madrid resident as `kind` says: an IIN
    /// issued for its birth date, the names in Cyrillic and Latin as typed
    /// then, another address and residence permit.
    fn resemble_in_kazakhstan(
        &self,
        rng: &mut CaseRng,
        record: &mut Value,
        base: &Value,
        person: &Person<'_>,
        kind: &Match,
        style: Spelling,
    ) -> Result<(), CaseError> {
        let Person {
            index,
            source,
            expected,
            ..
        } = *person;
        let (birth, male) = match kind {
            Match::Earlier | Match::SameBirthDate => (
                string_at(expected, "birth_date").to_owned(),
                string_at(expected, "sex") == "male",
            ),
            Match::Namesake if rng.chance(NEAR_BIRTH_DATE) => (
                slip_date(rng, string_at(expected, "birth_date")),
                string_at(expected, "sex") == "male",
            ),
            Match::Namesake => (
                string_at(record, "birth_date").to_owned(),
                string_at(expected, "sex") == "male",
            ),
            Match::Relative => (
                string_at(record, "birth_date").to_owned(),
                string_at(record, "sex") == "male",
            ),
        };
        let iin = self
            .iin(rng, &birth, male, 1000)
            .ok_or_else(|| self.fail(index, "no issuable IIN"))?;
        // The IIN keeps the birth date it was issued for; the typed date of
        // an earlier record may carry a slip.
        let typed = if matches!(kind, Match::Earlier) && rng.chance(SLIP) {
            slip_date(rng, &birth)
        } else {
            birth
        };
        let (given, surname) = match kind {
            Match::Earlier | Match::Namesake => (
                string_at(source, "nombre").to_owned(),
                spanish_surname(source),
            ),
            Match::Relative => (
                string_at(base, "nombre").to_owned(),
                spanish_surname(source),
            ),
            Match::SameBirthDate => (string_at(base, "nombre").to_owned(), spanish_surname(base)),
        };
        let (given_cyr, surname_cyr) = (
            kz_cyrillic(rng, style, &given),
            kz_cyrillic(rng, style, &surname),
        );
        let (given_latin, surname_latin) = match rng.below(10) {
            0..=4 => (given.clone(), surname.clone()),
            5..=7 => (fold_upper(&given), fold_upper(&surname)),
            _ => (
                given.clone(),
                surname.split(' ').next().unwrap_or_default().to_owned(),
            ),
        };
        let home = datasets::generate(
            &self.config(Dataset::KzCitizens),
            OTHERS_BASE + index * 4 + rng.below(4),
        )
        .record
        .to_json();
        overlay(
            record,
            &json!({
                "id": format!("KZ-{:07}", 1_000_000 + rng.below(7_000_000)),
                "iin": iin,
                "sex": if male { "male" } else { "female" },
                "birth_date": typed,
                "surname_kk": surname_cyr,
                "given_name_kk": given_cyr,
                "surname_ru": surname_cyr,
                "given_name_ru": given_cyr,
                "surname_latin": surname_latin,
                "given_name_latin": given_latin,
                "address": home.get("address").cloned().unwrap_or(Value::Null),
                "document": {"type": "residence_permit", "number": format!("{:09}", rng.below(1_000_000_000))},
            }),
        );
        Ok(())
    }

    /// The source record search result `position` is built from: the
    /// person's own for their earlier record, else another person of the
    /// same nationality.
    fn search_base(
        &self,
        kind: &Match,
        person: &Person<'_>,
        position: u64,
    ) -> Result<Value, CaseError> {
        if matches!(kind, Match::Earlier) {
            return Ok(person.source.clone());
        }
        let (dataset, nationality) = if person.source.get("iin").is_some() {
            (Dataset::KzCitizens, "KZ")
        } else {
            (Dataset::MadridResidents, "ES")
        };
        let start = OTHERS_BASE + (person.index * 4 + position) * SEARCH;
        self.person(dataset, start, nationality)
            .map(|record| record.to_json())
            .ok_or_else(|| {
                self.fail(
                    person.index,
                    format!("no {nationality} person for a search result"),
                )
            })
    }

    /// What makes a converted Kazakh record an earlier padrón record: an
    /// old id, an NIE of the time, a Madrid address and date of the time.
    fn earlier_padron_record(
        &self,
        rng: &mut CaseRng,
        record: &mut Value,
        base: &Value,
        style: Spelling,
    ) {
        let home = datasets::generate(
            &self.config(Dataset::MadridResidents),
            OTHERS_BASE + rng.below(1 << 20),
        )
        .record
        .to_json();
        let prefix = if rng.chance(0.6) { 0 } else { 1 };
        let given = padron_name(
            rng,
            style,
            string_at(base, "given_name_latin"),
            string_at(base, "given_name_ru"),
        );
        let surname = padron_name(
            rng,
            style,
            string_at(base, "surname_latin"),
            string_at(base, "surname_ru"),
        );
        overlay(
            record,
            &json!({
                "id": format!("MR-{:07}", 1_000_000 + rng.below(7_000_000)),
                "document_type": "NIE",
                "document_number": datasets::ids::format_nie(prefix, rng.below(10_000_000) as u32),
                "nombre": given,
                "apellido1": surname,
                "domicilio": home.get("domicilio").cloned().unwrap_or(Value::Null),
                "fecha_alta": earlier_date(rng),
                "pais_nacimiento": "KZ",
            }),
        );
    }
}

/// Both Spanish surnames of a `madrid.resident` record, space-separated.
fn spanish_surname(record: &Value) -> String {
    match record.get("apellido2").and_then(Value::as_str) {
        Some(second) => format!("{} {second}", string_at(record, "apellido1")),
        None => string_at(record, "apellido1").to_owned(),
    }
}

/// Upper case without Spanish accents, as older registers typed names.
fn fold_upper(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
            'á' | 'Á' => 'A',
            'é' | 'É' => 'E',
            'í' | 'Í' => 'I',
            'ó' | 'Ó' => 'O',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'U',
            'ñ' | 'Ñ' => 'N',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::{SplitSeed, build_cases};
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn slips_give_another_valid_date() {
        let mut rng = CaseRng::new(5);
        for date in ["1979-11-10", "2021-01-04", "1963-11-26", "1990-12-31"] {
            for _ in 0..50 {
                let slipped = slip_date(&mut rng, date);
                assert_ne!(slipped, date);
                let (_, month, day) = parse_date(&slipped).unwrap();
                assert!(
                    (1..=12).contains(&month) && (1..=28).contains(&day),
                    "{slipped}"
                );
            }
        }
    }

    #[test]
    fn about_a_third_return_and_keep_their_earlier_identifier() {
        let scenario = Scenario::builtin("cross-border-residency").unwrap();
        let cases = build_cases(scenario, SplitSeed::practice(), 0..200).unwrap();
        let mut returning = 0;
        for case in &cases {
            let CaseTruth::Residency(truth) = &case.truth else {
                panic!("not a residency case");
            };
            let payload: Value = serde_json::from_str(&case.payload).unwrap();
            let matches = payload["register_matches"].as_array().unwrap();
            assert!(matches.len() <= 3);
            let Some(existing) = &truth.existing_id else {
                assert_eq!(truth.expected["id"], payload["registration"]["id"]);
                continue;
            };
            returning += 1;
            let earlier = matches
                .iter()
                .find(|record| record["id"] == existing.as_str())
                .unwrap();
            assert_eq!(truth.expected["id"], earlier["id"]);
            for pointer in truth.identifier_pointers {
                if !pointer.starts_with("/document/") {
                    assert_eq!(truth.expected.pointer(pointer), earlier.pointer(pointer));
                }
            }
        }
        assert!((50..=90).contains(&returning), "{returning}");
    }

    #[test]
    fn surnames_follow_the_sex() {
        assert_eq!(surname_for_sex("Kuznetsov", true), "Kuznetsova");
        assert_eq!(surname_for_sex("Särsenbaeva", false), "Särsenbaev");
        assert_eq!(surname_for_sex("Omarov", false), "Omarov");
        assert_eq!(surname_for_sex("Kim", true), "Kim");
    }

    #[test]
    fn older_spellings_differ_from_todays() {
        let mut rng = CaseRng::new(9);
        assert_eq!(
            padron_name(&mut rng, Spelling::Older, "Särsenbaeva", "Сарсенбаева"),
            "Sarsenbaeva"
        );
        assert_eq!(kz_cyrillic(&mut rng, Spelling::Older, "García"), "Гарсия");
        assert_ne!(kz_cyrillic(&mut rng, Spelling::Slip, "García"), "Гарсиа");
    }
}
