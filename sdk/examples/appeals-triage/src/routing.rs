//! Who answers an appeal: the category code list and the responsible body
//! per country, aligned with the lab's `adapters/codelists/`
//! (`appeal_categories.csv`, `madrid_units.csv`, `kz_bodies.csv`).

/// One category of `appeal_categories`, with its labels and owners.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Category {
    /// The `appeal_categories` code.
    pub(crate) code: &'static str,
    pub(crate) label_es: &'static str,
    pub(crate) label_ru: &'static str,
    pub(crate) label_kk: &'static str,
    /// The responsible `madrid_units` code; `JMD` means the district's junta.
    pub(crate) madrid_unit: &'static str,
    /// The `kz_bodies` kind; the body is `<kind>:<region KATO>`.
    pub(crate) kz_body_kind: &'static str,
}

/// The category used when no keyword matched: general citizen services
/// (Línea Madrid; the Government for Citizens offices in Kazakhstan).
pub(crate) const FALLBACK: &str = "citizen_services";

macro_rules! categories {
    ($(($code:literal, $es:literal, $ru:literal, $kk:literal, $unit:literal, $kind:literal)),* $(,)?) => {
        /// Every category, in the code list's order.
        pub(crate) const CATEGORIES: &[Category] = &[$(Category {
            code: $code,
            label_es: $es,
            label_ru: $ru,
            label_kk: $kk,
            madrid_unit: $unit,
            kz_body_kind: $kind,
        }),*];
    };
}

categories![
    (
        "roads",
        "pavimentos y vía pública",
        "дороги и тротуары",
        "жолдар мен жаяу жүргіншілер жолдары",
        "AG-OEQ",
        "roads_transport"
    ),
    (
        "street_lighting",
        "alumbrado público",
        "уличное освещение",
        "көше жарығы",
        "AG-OEQ",
        "housing_utilities"
    ),
    (
        "waste_cleaning",
        "limpieza viaria y residuos",
        "уборка улиц и вывоз мусора",
        "көшелерді тазалау және қоқыс шығару",
        "AG-UMM",
        "housing_utilities"
    ),
    (
        "green_areas",
        "zonas verdes y arbolado",
        "зелёные насаждения и парки",
        "жасыл желектер мен саябақтар",
        "AG-UMM",
        "akimat"
    ),
    (
        "public_transport",
        "transporte público",
        "общественный транспорт",
        "қоғамдық көлік",
        "EM-EMT",
        "roads_transport"
    ),
    (
        "traffic_parking",
        "movilidad y estacionamiento",
        "дорожное движение и парковка",
        "жол қозғалысы және көлік тұрағы",
        "AG-UMM",
        "police"
    ),
    ("noise", "ruido", "шум", "шу", "AG-UMM", "ecology"),
    (
        "air_quality",
        "calidad del aire",
        "качество воздуха",
        "ауа сапасы",
        "AG-UMM",
        "ecology"
    ),
    (
        "taxes",
        "tributos y tasas",
        "налоги и сборы",
        "салықтар мен алымдар",
        "OA-ATM",
        "state_revenue"
    ),
    (
        "social_services",
        "servicios sociales",
        "социальная помощь",
        "әлеуметтік көмек",
        "AG-PSF",
        "social_protection"
    ),
    (
        "public_health",
        "salud pública",
        "здравоохранение",
        "денсаулық сақтау",
        "OA-MSA",
        "health"
    ),
    (
        "education",
        "educación y escuelas infantiles",
        "образование и детские сады",
        "білім беру және балабақшалар",
        "JMD",
        "education"
    ),
    (
        "housing",
        "vivienda",
        "жилищные вопросы",
        "тұрғын үй мәселелері",
        "EM-EMVS",
        "housing_utilities"
    ),
    (
        "public_safety",
        "seguridad ciudadana",
        "общественная безопасность",
        "қоғамдық қауіпсіздік",
        "PM",
        "police"
    ),
    (
        "culture_sports",
        "cultura e instalaciones deportivas",
        "культура и спорт",
        "мәдениет және спорт",
        "JMD",
        "culture_sports"
    ),
    (
        "citizen_services",
        "atención a la ciudadanía y trámites",
        "государственные услуги и обслуживание граждан",
        "мемлекеттік қызметтер және азаматтарға қызмет көрсету",
        "DG-ATC",
        "public_services"
    ),
    (
        "employment",
        "empleo",
        "занятость",
        "жұмыспен қамту",
        "OA-AEM",
        "social_protection"
    ),
    (
        "animals",
        "protección animal",
        "защита животных",
        "жануарларды қорғау",
        "OA-MSA",
        "akimat"
    ),
];

/// The category with `code`, if it is one of ours.
pub(crate) fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|category| category.code == code)
}

/// The Madrid unit responsible for `category` in district `district`
/// (`"01"`..`"21"`). Categories owned by the district's junta fall back to
/// the junta the request was addressed to, then to Línea Madrid, when the
/// district is unknown.
pub(crate) fn madrid_unit(
    category: &Category,
    district: Option<&str>,
    addressee: Option<&str>,
) -> String {
    if category.madrid_unit != "JMD" {
        return category.madrid_unit.to_owned();
    }
    let district = district.and_then(district_code).or_else(|| {
        addressee
            .and_then(|unit| unit.strip_prefix("JMD-"))
            .and_then(district_code)
    });
    match district {
        Some(district) => format!("JMD-{district}"),
        None => "DG-ATC".to_owned(),
    }
}

/// A two-digit Madrid district code (`"1"` → `"01"`), if it is one of 01–21.
fn district_code(raw: &str) -> Option<String> {
    let number: u8 = raw.trim().parse().ok()?;
    (1..=21).contains(&number).then(|| format!("{number:02}"))
}

/// The Kazakh body responsible for `category` in the region of `kato` (any
/// KATO code inside the region), else in the addressee's region. Without a
/// region the republican body of the same kind answers.
pub(crate) fn kz_body(category: &Category, kato: Option<&str>, addressee: Option<&str>) -> String {
    let kind = category.kz_body_kind;
    let region = kato.and_then(top_region).or_else(|| {
        addressee
            .and_then(|body| body.split_once(':'))
            .and_then(|(_, kato)| top_region(kato))
    });
    match region {
        Some(region) => format!("{kind}:{region}"),
        None => republican_body(kind).to_owned(),
    }
}

/// The oblast or city of republican significance a KATO code belongs to:
/// its first two digits followed by zeros (`751110000` → `750000000`).
pub(crate) fn top_region(kato: &str) -> Option<String> {
    let kato = kato.trim();
    if kato.len() != 9 || !kato.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(format!("{}0000000", &kato[..2]))
}

/// The republican body for a kind of regional body.
fn republican_body(kind: &str) -> &'static str {
    match kind {
        "health" => "ministry:health",
        "education" => "ministry:education",
        "social_protection" => "ministry:labour",
        "police" => "ministry:internal_affairs",
        "state_revenue" => "ministry:finance",
        "ecology" => "ministry:ecology",
        "roads_transport" => "ministry:transport",
        "housing_utilities" => "ministry:industry",
        "culture_sports" => "ministry:culture",
        _ => "corp:gov4c",
    }
}

/// A readable name of a responsible body for the drafted reply.
pub(crate) fn body_name(body: &str, language: crate::Language) -> String {
    use crate::Language::{Es, Kk, Ru};
    if let Some((_, name)) = MADRID_UNITS.iter().find(|(code, _)| *code == body) {
        return (*name).to_owned();
    }
    if let Some(district) = body.strip_prefix("JMD-") {
        return format!("la Junta Municipal del Distrito {district}");
    }
    let kind = body.split_once(':').map_or(body, |(kind, _)| kind);
    let name = match (kind, language) {
        ("ministry" | "corp", Kk) => "тиісті республикалық орган",
        ("ministry" | "corp", _) => "профильный республиканский орган",
        ("akimat", Kk) => "облыс (қала) әкімдігі",
        ("akimat", _) => "акимат области (города)",
        ("health", Kk) => "денсаулық сақтау басқармасы",
        ("health", _) => "управление здравоохранения",
        ("education", Kk) => "білім басқармасы",
        ("education", _) => "управление образования",
        ("police", Kk) => "полиция департаменті",
        ("police", _) => "департамент полиции",
        ("housing_utilities", Kk) => "энергетика және тұрғын үй-коммуналдық шаруашылық басқармасы",
        ("housing_utilities", _) => "управление энергетики и жилищно-коммунального хозяйства",
        ("social_protection", Kk) => "жұмыспен қамту және әлеуметтік бағдарламалар басқармасы",
        ("social_protection", _) => "управление занятости и социальных программ",
        ("roads_transport", Kk) => "жолаушылар көлігі және автомобиль жолдары басқармасы",
        ("roads_transport", _) => "управление пассажирского транспорта и автомобильных дорог",
        ("ecology", Kk) => "экология департаменті",
        ("ecology", _) => "департамент экологии",
        ("state_revenue", Kk) => "мемлекеттік кірістер департаменті",
        ("state_revenue", _) => "департамент государственных доходов",
        ("culture_sports", Kk) => "мәдениет және спорт басқармасы",
        ("culture_sports", _) => "управление культуры и спорта",
        ("public_services", Kk) => "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы",
        ("public_services", _) => "Государственная корпорация «Правительство для граждан»",
        (_, Es) => "el órgano competente",
        (_, Kk) => "құзыретті орган",
        (_, Ru) => "компетентный орган",
    };
    name.to_owned()
}

/// Madrid units a reply may name (`madrid_units.csv`).
const MADRID_UNITS: &[(&str, &str)] = &[
    (
        "AG-UMM",
        "el Área de Gobierno de Urbanismo, Medio Ambiente y Movilidad",
    ),
    ("AG-OEQ", "el Área de Gobierno de Obras y Equipamientos"),
    (
        "AG-PSF",
        "el Área de Gobierno de Políticas Sociales, Familia e Igualdad",
    ),
    (
        "DG-ATC",
        "la Dirección General de Atención a la Ciudadanía (Línea Madrid)",
    ),
    ("PM", "la Policía Municipal de Madrid"),
    ("OA-ATM", "la Agencia Tributaria Madrid"),
    ("OA-MSA", "Madrid Salud"),
    ("OA-AEM", "la Agencia para el Empleo de Madrid"),
    ("EM-EMT", "la Empresa Municipal de Transportes (EMT)"),
    (
        "EM-EMVS",
        "la Empresa Municipal de la Vivienda y Suelo (EMVS)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(code: &str) -> &'static Category {
        category(code).unwrap_or_else(|| panic!("no category {code}"))
    }

    #[test]
    fn madrid_units_follow_the_code_list() {
        assert_eq!(madrid_unit(cat("roads"), Some("05"), None), "AG-OEQ");
        assert_eq!(madrid_unit(cat("education"), Some("5"), None), "JMD-05");
        assert_eq!(
            madrid_unit(cat("culture_sports"), None, Some("JMD-13")),
            "JMD-13"
        );
        assert_eq!(madrid_unit(cat("education"), Some("99"), None), "DG-ATC");
    }

    #[test]
    fn kazakh_bodies_are_kind_and_top_region() {
        assert_eq!(
            kz_body(cat("public_health"), Some("750000000"), None),
            "health:750000000"
        );
        assert_eq!(
            kz_body(cat("roads"), Some("711210000"), None),
            "roads_transport:710000000"
        );
        assert_eq!(
            kz_body(cat("taxes"), None, Some("akimat:190000000")),
            "state_revenue:190000000"
        );
        assert_eq!(
            kz_body(cat("taxes"), None, Some("ministry:finance")),
            "ministry:finance"
        );
        assert_eq!(kz_body(cat("green_areas"), Some("bad"), None), "corp:gov4c");
    }

    #[test]
    fn every_category_has_a_madrid_unit_name_or_is_a_junta() {
        for category in CATEGORIES {
            let named = MADRID_UNITS
                .iter()
                .any(|(code, _)| *code == category.madrid_unit);
            assert!(named || category.madrid_unit == "JMD", "{}", category.code);
        }
    }
}
