//! Interface text in English, Spanish, Kazakh and Russian, and how a request
//! picks its language: `?lang=` (remembered in the `lang` cookie by the pages
//! layer), then the cookie, then `Accept-Language`, then English.
//!
//! The texts live in `portal/i18n/texts.toml` (one table per key, one entry
//! per language code), compiled in and parsed once. A file of the same format
//! named by the `GOVLAB_TEXTS` environment variable replaces texts key by key
//! when the portal starts ([`load`]), so the lab can correct a translation
//! without a rebuild.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// Environment variable naming a file whose texts replace the built-in ones.
pub const TEXTS_ENV: &str = "GOVLAB_TEXTS";

/// Largest override file read, bytes (1 MiB).
pub const MAX_TEXTS_BYTES: u64 = 1024 * 1024;

/// The built-in texts.
const BUILT_IN: &str = include_str!("../i18n/texts.toml");

/// What the built-in texts are called in errors.
const BUILT_IN_NAME: &str = "portal/i18n/texts.toml (built in)";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (the default).
    En,
    /// Spanish.
    Es,
    /// Kazakh (Cyrillic).
    Kk,
    /// Russian.
    Ru,
}

impl Lang {
    /// Every language, in switcher order.
    pub const ALL: [Lang; 4] = [Lang::Kk, Lang::Ru, Lang::Es, Lang::En];

    /// Every language in the order of a text row ([`Lang::index`]).
    const BY_INDEX: [Lang; 4] = [Lang::En, Lang::Es, Lang::Kk, Lang::Ru];

    /// BCP 47 code, as in `<html lang>` and in the texts file.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
        }
    }

    /// Position of this language's text in a row of the table.
    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Es => 1,
            Lang::Kk => 2,
            Lang::Ru => 3,
        }
    }

    /// Parses `en`, `es`, `kk`, `ru`, `es-ES`, `en_GB`, `kk-KZ`, …
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "kk" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// The language of an exact code of the texts file (`en`, `es`, `kk`,
    /// `ru`).
    fn of_code(code: &str) -> Option<Lang> {
        Lang::BY_INDEX.into_iter().find(|lang| lang.code() == code)
    }

    /// The best supported language of an `Accept-Language` header, by
    /// q-value (ties: first listed).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The language of a request: `?lang=`, cookie, `Accept-Language`.
    pub fn of_request_headers(uri: &Uri, headers: &HeaderMap) -> Lang {
        uri.query()
            .and_then(query_lang)
            .and_then(Lang::parse)
            .or_else(|| crate::auth::cookie_value(headers, LANG_COOKIE).and_then(Lang::parse))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En)
    }

    /// [`Lang::of_request_headers`] of request parts.
    pub fn of_request(parts: &Parts) -> Lang {
        Lang::of_request_headers(&parts.uri, &parts.headers)
    }

    /// The text of `key` in this language (the key itself if unknown, so a
    /// missing translation shows rather than breaks the page).
    pub fn t(self, key: &'static str) -> &'static str {
        self.lookup(key).unwrap_or(key)
    }

    /// A scenario's title in this language (`scenario.<id>.title`), else
    /// `fallback` (the title of its definition).
    pub fn scenario_title<'a>(self, id: &str, fallback: &'a str) -> &'a str {
        self.lookup(&format!("scenario.{id}.title"))
            .unwrap_or(fallback)
    }

    /// A metric's human name in this language (`metric.<name>`), else the
    /// raw name.
    pub fn metric_name(self, name: &str) -> &str {
        self.lookup(&format!("metric.{name}")).unwrap_or(name)
    }

    /// The text of `key` in this language, if there is one.
    fn lookup(self, key: &str) -> Option<&'static str> {
        texts().get(key).map(|row| row[self.index()].as_str())
    }

    /// A number with `decimals` decimals in this language's format: a
    /// decimal comma in Spanish, Kazakh and Russian; Kazakh and Russian
    /// also group the digits of numbers of five or more digits by three
    /// with a no-break space (`12 345,5`).
    pub fn number(self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        match self {
            Lang::En => text,
            Lang::Es => text.replace('.', ","),
            Lang::Kk | Lang::Ru => group_thousands(&text.replace('.', ","), '\u{a0}'),
        }
    }
}

/// `text` (digits, an optional sign and an optional `,` fraction) with the
/// whole part grouped by three with `separator` when it has five digits or
/// more; anything else (`NaN`, `inf`) unchanged.
fn group_thousands(text: &str, separator: char) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = unsigned.split_at(unsigned.find(',').unwrap_or(unsigned.len()));
    if whole.len() < 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2 * (whole.len() / 3));
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    out.push_str(fraction);
    out
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_request(parts))
    }
}

/// The value of `lang=` in a query string.
pub fn query_lang(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .filter(|v| !v.is_empty())
}

/// The interface texts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TextsError {
    /// The override file could not be read.
    #[error("cannot read the texts file {path} ({TEXTS_ENV}): {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The override file is over [`MAX_TEXTS_BYTES`].
    #[error("the texts file {path} ({TEXTS_ENV}) is larger than 1 MiB")]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// A texts file is not of the expected format.
    #[error("the texts file {file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong, naming the key and language.
        message: String,
    },
}

/// Every text: key → one text per language, in [`Lang::index`] order.
type Texts = HashMap<String, [String; 4]>;

/// One key of a texts file and its (language, text) pairs.
type Entry = (String, Vec<(Lang, String)>);

/// The texts in effect, made once.
static TEXTS: OnceLock<Texts> = OnceLock::new();

/// Loads the texts: the built-in ones with the replacements of the file
/// named by `GOVLAB_TEXTS`, if set. The portal calls it at start
/// ([`crate::AppState::new`]) so a bad file stops it with the file's name
/// and the key at fault.
pub fn load() -> Result<(), TextsError> {
    let texts = build(std::env::var_os(TEXTS_ENV))?;
    // The first table made wins; one made earlier (a page rendered before
    // start, in tests) came from the same files.
    let _ = TEXTS.set(texts);
    Ok(())
}

/// The texts in effect; made on first use if [`load`] has not run (an
/// error then is logged and the built-in texts are used).
fn texts() -> &'static Texts {
    TEXTS.get_or_init(|| {
        build(std::env::var_os(TEXTS_ENV)).unwrap_or_else(|err| {
            tracing::error!("{err}; using the built-in texts");
            built_in().unwrap_or_default()
        })
    })
}

/// The built-in texts with the replacements of the file at `path`.
fn build(path: Option<OsString>) -> Result<Texts, TextsError> {
    let mut texts = built_in()?;
    if let Some(path) = path.filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let text = read_capped(&path)?;
        apply_override(&mut texts, &text, &path.display().to_string())?;
    }
    Ok(texts)
}

/// The built-in texts, every key in every language.
fn built_in() -> Result<Texts, TextsError> {
    complete_texts(BUILT_IN, BUILT_IN_NAME)
}

/// A texts file in which every key has every language.
fn complete_texts(text: &str, file: &str) -> Result<Texts, TextsError> {
    let mut texts = Texts::new();
    for (key, pairs) in entries(text, file)? {
        let mut row: [Option<String>; 4] = Default::default();
        for (lang, text) in pairs {
            row[lang.index()] = Some(text);
        }
        if let Some(lang) = Lang::BY_INDEX
            .into_iter()
            .find(|lang| row[lang.index()].is_none())
        {
            return Err(TextsError::Invalid {
                file: file.to_owned(),
                message: format!("key {key:?} has no {} text", lang.code()),
            });
        }
        texts.insert(key, row.map(Option::unwrap_or_default));
    }
    Ok(texts)
}

/// Replaces texts of `texts` by those of an override file (`file` names it
/// in errors); every key and language must be known. Nothing is replaced
/// if anything is wrong.
fn apply_override(texts: &mut Texts, text: &str, file: &str) -> Result<(), TextsError> {
    let entries = entries(text, file)?;
    if let Some((key, _)) = entries.iter().find(|(key, _)| !texts.contains_key(key)) {
        return Err(TextsError::Invalid {
            file: file.to_owned(),
            message: format!("unknown key {key:?} (not a text of the portal)"),
        });
    }
    for (key, pairs) in entries {
        if let Some(row) = texts.get_mut(&key) {
            for (lang, text) in pairs {
                row[lang.index()] = text;
            }
        }
    }
    Ok(())
}

/// The entries of a texts file: key → (language, text), each text a
/// non-empty string under a known language code.
fn entries(text: &str, file: &str) -> Result<Vec<Entry>, TextsError> {
    let invalid = |message: String| TextsError::Invalid {
        file: file.to_owned(),
        message,
    };
    let table: toml::Table =
        toml::from_str(text).map_err(|err| invalid(format!("not valid TOML: {err}")))?;
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table {
        let toml::Value::Table(langs) = value else {
            return Err(invalid(format!(
                "key {key:?} is not a table (write [\"{key}\"] then en = \"…\", es = \"…\", kk = \"…\", ru = \"…\")"
            )));
        };
        let mut pairs = Vec::with_capacity(langs.len());
        for (code, value) in langs {
            let Some(lang) = Lang::of_code(&code) else {
                return Err(invalid(format!(
                    "key {key:?}: unknown language {code:?} (known: en, es, kk, ru; quote dotted keys: [\"a.b\"])"
                )));
            };
            let toml::Value::String(text) = value else {
                return Err(invalid(format!(
                    "key {key:?}: the {code} text is not a string"
                )));
            };
            if text.trim().is_empty() {
                return Err(invalid(format!("key {key:?}: the {code} text is empty")));
            }
            pairs.push((lang, text));
        }
        entries.push((key, pairs));
    }
    Ok(entries)
}

/// The text of the file at `path`, refused over [`MAX_TEXTS_BYTES`].
fn read_capped(path: &Path) -> Result<String, TextsError> {
    let read_error = |error: std::io::Error| TextsError::Read {
        path: path.to_owned(),
        error,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXTS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_TEXTS_BYTES {
        return Err(TextsError::TooLarge {
            path: path.to_owned(),
        });
    }
    String::from_utf8(bytes).map_err(|_| TextsError::Invalid {
        file: path.display().to_string(),
        message: "not UTF-8 text".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;
    use std::io::Write as _;

    use super::*;

    #[test]
    fn picks_language() {
        assert_eq!(
            Lang::from_accept_language("es-ES,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, es;q=0.7"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("kk-KZ,ru;q=0.8"), Some(Lang::Kk));
        assert_eq!(Lang::from_accept_language("ru-RU"), Some(Lang::Ru));
        assert_eq!(
            Lang::from_accept_language("de, ru;q=0.3, kk;q=0.6"),
            Some(Lang::Kk)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("KK"), Some(Lang::Kk));
        assert_eq!(Lang::parse("ru_RU"), Some(Lang::Ru));
        let uri: Uri = "/scoreboard".parse().unwrap();
        assert_eq!(Lang::of_request_headers(&uri, &HeaderMap::new()), Lang::En);
    }

    #[test]
    fn every_language_is_in_the_switcher_once_with_its_own_name() {
        let codes: BTreeSet<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, BTreeSet::from(["en", "es", "kk", "ru"]));
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(Lang::BY_INDEX[lang.index()], lang);
        }
        assert_eq!(Lang::Kk.name(), "Қазақша");
        assert_eq!(Lang::Ru.name(), "Русский");
    }

    #[test]
    fn numbers_per_language() {
        assert_eq!(Lang::Es.number(12.25, 1), "12,2");
        assert_eq!(Lang::En.number(12345.5, 1), "12345.5");
        assert_eq!(Lang::Es.number(12345.5, 1), "12345,5");
        assert_eq!(Lang::Ru.number(12.25, 1), "12,2");
        assert_eq!(Lang::Kk.number(1234.0, 0), "1234");
        assert_eq!(Lang::Ru.number(12345.5, 1), "12\u{a0}345,5");
        assert_eq!(Lang::Kk.number(-1_234_567.0, 0), "-1\u{a0}234\u{a0}567");
        assert_eq!(Lang::Ru.number(123_456.0, 2), "123\u{a0}456,00");
        assert_eq!(Lang::Ru.number(f64::NAN, 1), "NaN");
    }

    #[test]
    fn every_key_has_every_language_and_no_empty_text() {
        // `built_in` refuses a missing or empty text; this says which.
        let texts = built_in().expect("the built-in texts load");
        assert!(texts.len() > 200, "{} keys", texts.len());
        let table: toml::Table = toml::from_str(BUILT_IN).unwrap();
        for (key, langs) in &table {
            let langs = langs.as_table().unwrap();
            for lang in Lang::ALL {
                let text = langs.get(lang.code()).and_then(toml::Value::as_str);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{key:?} has no {} text",
                    lang.code()
                );
            }
            assert_eq!(langs.len(), 4, "{key:?} has an unknown language");
        }
        for lang in Lang::ALL {
            assert_ne!(lang.t("nav.skip"), "nav.skip");
        }
        assert_eq!(
            Lang::Ru.t("cert.download"),
            "Скачать оценочную карту (JSON)"
        );
    }

    /// The `{…}` placeholders of a text, and characters that must survive
    /// translation unchanged.
    fn placeholders(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                found.insert(rest[start..].to_owned());
                break;
            };
            found.insert(rest[start..=start + len].to_owned());
            rest = &rest[start + len + 1..];
        }
        for entity in text.split('&').skip(1) {
            if let Some(name) = entity.split(';').next().filter(|n| !n.contains(' ')) {
                found.insert(format!("&{name};"));
            }
        }
        found
    }

    #[test]
    fn placeholders_match_across_languages() {
        let texts = built_in().unwrap();
        for (key, row) in &texts {
            let english = placeholders(&row[Lang::En.index()]);
            for lang in Lang::ALL {
                assert_eq!(
                    placeholders(&row[lang.index()]),
                    english,
                    "{key:?} in {}",
                    lang.code()
                );
            }
        }
        assert_eq!(
            placeholders("{n} of {total} &amp; more"),
            BTreeSet::from(["{n}".to_owned(), "{total}".to_owned(), "&amp;".to_owned()])
        );
    }

    #[test]
    fn scenario_titles_and_metric_names_are_translated() {
        let defs = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/defs");
        let mut scenarios = 0;
        for dir in std::fs::read_dir(defs).unwrap() {
            let file = dir.unwrap().path().join("scenario.toml");
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let def: toml::Table = toml::from_str(&text).unwrap();
            let id = def["id"].as_str().unwrap();
            let title = def["title"].as_str().unwrap();
            assert_eq!(Lang::En.scenario_title(id, "?"), title, "{id}");
            for lang in Lang::ALL {
                assert_ne!(lang.scenario_title(id, "?"), "?", "{id}");
            }
            for metric in def["metrics"].as_array().unwrap() {
                let name = metric["name"].as_str().unwrap();
                for lang in Lang::ALL {
                    assert_ne!(lang.metric_name(name), name, "{name} in {}", lang.code());
                }
            }
            scenarios += 1;
        }
        assert_eq!(scenarios, 5);
        assert_eq!(Lang::Ru.metric_name("no_such_metric"), "no_such_metric");
        assert_eq!(Lang::Kk.scenario_title("no-such", "Fallback"), "Fallback");
        assert_eq!(
            Lang::En.metric_name("category_macro_f1"),
            "Category macro-F1"
        );
    }

    fn override_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn override_file_replaces_texts_key_by_key() {
        let file = override_file(
            "[\"cert.download\"]\nru = \"Загрузить оценочную карту (JSON)\"\n\n[\"nav.skip\"]\nen = \"Jump to content\"\nkk = \"Мазмұнға көшу\"\n",
        );
        let texts = build(Some(file.path().as_os_str().to_owned())).unwrap();
        let built = built_in().unwrap();
        let row = &texts["cert.download"];
        assert_eq!(row[Lang::Ru.index()], "Загрузить оценочную карту (JSON)");
        assert_eq!(
            row[Lang::En.index()],
            built["cert.download"][Lang::En.index()]
        );
        assert_eq!(texts["nav.skip"][Lang::En.index()], "Jump to content");
        assert_eq!(texts["nav.skip"][Lang::Kk.index()], "Мазмұнға көшу");
        assert_eq!(texts["nav.skip"][Lang::Es.index()], "Saltar al contenido");
        assert_eq!(texts["nav.login"], built["nav.login"]);
        // No file (or an empty variable): the built-in texts.
        assert_eq!(build(None).unwrap(), built);
        assert_eq!(build(Some(OsString::new())).unwrap(), built);
    }

    fn refusal(text: &str) -> String {
        let file = override_file(text);
        let err = build(Some(file.path().as_os_str().to_owned()))
            .expect_err("refused")
            .to_string();
        let name = file.path().display().to_string();
        assert!(err.contains(&name), "{err} does not name {name}");
        err
    }

    #[test]
    fn bad_override_files_are_refused_naming_file_and_key() {
        let err = refusal("[\"nav.bogus\"]\nen = \"Bogus\"\n");
        assert!(err.contains("unknown key \"nav.bogus\""), "{err}");
        let err = refusal("[\"nav.skip\"]\nfr = \"Aller au contenu\"\n");
        assert!(err.contains("\"nav.skip\""), "{err}");
        assert!(err.contains("unknown language \"fr\""), "{err}");
        let err = refusal("[\"nav.skip\"]\nen = \"   \"\n");
        assert!(err.contains("\"nav.skip\": the en text is empty"), "{err}");
        let err = refusal("[\"nav.skip\"]\nen = 3\n");
        assert!(err.contains("not a string"), "{err}");
        let err = refusal("[\"nav.skip\"\nen = \"x\"\n");
        assert!(err.contains("not valid TOML"), "{err}");
        let err = refusal("\"nav.skip\" = \"x\"\n");
        assert!(err.contains("\"nav.skip\" is not a table"), "{err}");
        // An unquoted dotted key is a nested table: refused, not ignored.
        let err = refusal("[nav.skip]\nen = \"x\"\n");
        assert!(err.contains("unknown language \"skip\""), "{err}");
        let err = refusal(&"#".repeat(usize::try_from(MAX_TEXTS_BYTES).unwrap() + 1));
        assert!(err.contains("larger than 1 MiB"), "{err}");
        let err = build(Some("/nonexistent/govlab-texts.toml".into()))
            .expect_err("missing file refused")
            .to_string();
        assert!(err.contains("/nonexistent/govlab-texts.toml"), "{err}");
        assert!(err.contains("GOVLAB_TEXTS"), "{err}");
    }

    #[test]
    fn every_key_used_by_the_pages_is_translated() {
        let sources = [
            include_str!("pages/mod.rs"),
            include_str!("pages/scoreboard.rs"),
            include_str!("pages/pilots.rs"),
            include_str!("pages/agents.rs"),
            include_str!("pages/staff.rs"),
            include_str!("pages/charts.rs"),
            include_str!("auth/login.rs"),
        ];
        let texts = built_in().unwrap();
        for source in sources {
            for piece in source.split("t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                assert!(texts.contains_key(key), "no text for {key:?}");
            }
        }
        // Every key once: a duplicated table is a TOML error.
        assert!(toml::from_str::<toml::Table>(BUILT_IN).is_ok());
    }
}
