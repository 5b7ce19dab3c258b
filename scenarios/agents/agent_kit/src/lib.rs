//! Small helpers the reference agents share: text folding and stems (from
//! `govlab-textmodel`),
//! Kazakh Latin (2021) → Cyrillic, and typed access to JSON payload fields.

use govlab_sdk::AgentError;
use govlab_sdk::serde_json::Value;

pub use govlab_textmodel::{fold, stems};

/// Whether `ch` is a letter of the Cyrillic block.
fn is_cyrillic(ch: char) -> bool {
    matches!(ch, '\u{0400}'..='\u{04FF}')
}

/// Cyrillic of one lower-case Kazakh Latin (2021) letter; `и` stands for
/// `İ/i` (the caller picks `й` after a vowel).
fn kazakh_letter(ch: char) -> Option<char> {
    Some(match ch {
        'a' => 'а',
        'ä' => 'ә',
        'b' => 'б',
        'v' => 'в',
        'g' => 'г',
        'ğ' => 'ғ',
        'd' => 'д',
        'e' => 'е',
        'j' => 'ж',
        'z' => 'з',
        'i' => 'и',
        'k' => 'к',
        'q' => 'қ',
        'l' => 'л',
        'm' => 'м',
        'n' => 'н',
        'ñ' => 'ң',
        'o' => 'о',
        'ö' => 'ө',
        'p' => 'п',
        'r' => 'р',
        's' => 'с',
        't' => 'т',
        'u' => 'у',
        'ū' => 'ұ',
        'ü' => 'ү',
        'f' => 'ф',
        'h' => 'х',
        'ş' => 'ш',
        'y' => 'ы',
        'ı' => 'і',
        _ => return None,
    })
}

/// Lower case with Turkic rules (`İ`→`i`, `I`→`ı`), one letter.
fn turkic_lower(ch: char) -> char {
    match ch {
        'İ' => 'i',
        'I' => 'ı',
        other => other.to_lowercase().next().unwrap_or(other),
    }
}

/// The loan-letter digraphs of the govlab Kazakh 2021 convention
/// (lower case), longest first.
const DIGRAPHS: &[(&str, char)] = &[
    ("şç", 'щ'),
    ("ts", 'ц'),
    ("ch", 'ч'),
    ("iu", 'ю'),
    ("ia", 'я'),
    ("io", 'ё'),
];

/// Latin vowels only Kazakh words have (і, ы, ә, ө, ү, ұ).
const NATIVE_VOWELS: &[char] = &['ı', 'y', 'ä', 'ö', 'ü', 'ū'];

fn is_cyrillic_vowel(ch: char) -> bool {
    matches!(
        ch.to_lowercase().next().unwrap_or(ch),
        'а' | 'ә'
            | 'е'
            | 'и'
            | 'й'
            | 'і'
            | 'о'
            | 'ө'
            | 'у'
            | 'ұ'
            | 'ү'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'ё'
    )
}

/// Kazakh Latin (2021 alphabet, govlab's loan-letter convention: Ts, Ch,
/// Şç, İu, İa, İo) back to Cyrillic, the inverse of the host's
/// `translit::transliterate(Scheme::KazakhLatin2021, …)`. Digraphs match
/// first; casing follows the first Latin letter (Turkic: `İ/i` → `И/и`,
/// `I/ı` → `І/і`); `i` after a vowel is `й`. The table is not one to one,
/// so `Х`/`Һ` both come back as `Х`, `Э` as `Е`, and `Ъ`/`Ь` stay lost.
/// Cyrillic and characters outside the table pass through unchanged.
pub fn kazakh_latin_to_cyrillic(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev: Option<char> = None;
    let mut index = 0;
    while index < chars.len() {
        let ch = chars[index];
        let upper = ch.is_uppercase();
        let lower = turkic_lower(ch);
        let digraph = chars.get(index + 1).and_then(|&next| {
            let pair: String = [lower, turkic_lower(next)].iter().collect();
            // `ts` before a Kazakh-only vowel is native т + с (сәлеметсіз,
            // жатсыз): loan words never put ц there.
            let native = pair == "ts"
                && chars
                    .get(index + 2)
                    .is_some_and(|&after| NATIVE_VOWELS.contains(&turkic_lower(after)));
            DIGRAPHS
                .iter()
                .find(|(latin, _)| *latin == pair && !native)
                .map(|(_, cyrillic)| *cyrillic)
        });
        let (cyrillic, width) = match digraph {
            Some(cyrillic) => (cyrillic, 2),
            None => match kazakh_letter(lower) {
                Some('и') if prev.is_some_and(is_cyrillic_vowel) => ('й', 1),
                Some(cyrillic) => (cyrillic, 1),
                None => {
                    out.push(ch);
                    prev = Some(ch);
                    index += 1;
                    continue;
                }
            },
        };
        let cased = if upper {
            cyrillic.to_uppercase().next().unwrap_or(cyrillic)
        } else {
            cyrillic
        };
        out.push(cased);
        prev = Some(cased);
        index += width;
    }
    out
}

/// Whether `text` has more Latin letters than Cyrillic ones.
pub fn mostly_latin(text: &str) -> bool {
    let (mut latin, mut cyrillic) = (0usize, 0usize);
    for ch in text.chars().filter(|ch| ch.is_alphabetic()) {
        if is_cyrillic(ch) {
            cyrillic += 1;
        } else {
            latin += 1;
        }
    }
    latin > cyrillic
}

/// `text` in Cyrillic when `language` is `kk` and the text is mostly
/// Latin (a Kazakh Latin 2021 rendering); otherwise `text` unchanged.
pub fn kazakh_cyrillic<'a>(language: &str, text: &'a str) -> std::borrow::Cow<'a, str> {
    if language == "kk" && mostly_latin(text) {
        std::borrow::Cow::Owned(kazakh_latin_to_cyrillic(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A string field of an object, or an `invalid_input` error naming it.
pub fn str_field<'a>(value: &'a Value, key: &str) -> Result<&'a str, AgentError> {
    value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| AgentError::invalid_input(format!("the case has no `{key}` string")))
}

/// An object field, or an `invalid_input` error naming it.
pub fn object_field<'a>(value: &'a Value, key: &str) -> Result<&'a Value, AgentError> {
    value
        .get(key)
        .filter(|field| field.is_object())
        .ok_or_else(|| AgentError::invalid_input(format!("the case has no `{key}` object")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(Cyrillic, Latin)`: the Latin side is the host adapters'
    /// `transliterate(Scheme::KazakhLatin2021, …)` of the Cyrillic side
    /// (practice-split appeals and names, and the adapters' own examples).
    const PAIRS: &[(&str, &str)] = &[
        (
            "6 адамнан тұратын отбасыма атаулы әлеуметтік көмек тағайындауды сұраймын. шара қолдануды сұраймын.",
            "6 adamnan tūratyn otbasyma atauly äleumettık kömek tağaiyndaudy sūraimyn. şara qoldanudy sūraimyn.",
        ),
        (
            "Баймұханова Әсел Темірлановна",
            "Baimūhanova Äsel Temırlanovna",
        ),
        (
            "Шағым түсіремін. Бейбітшілік көшесіндегі үй апатты жағдайда, көшіруді сұраймыз.",
            "Şağym tüsıremın. Beibıtşılık köşesındegı üi apatty jağdaida, köşırudı sūraimyz.",
        ),
        (
            "СӘЛЕМЕТСІЗ БЕ! ҚЫСТА ОРАЛ ҚАЛАСЫНДА ТҮТІННЕН ДЕМ АЛУ МҮМКІН ЕМЕС, ШАРА ҚОЛДАНУДЫ СҰРАЙМЫЗ. ҚҰРМЕТПЕН.",
            "SÄLEMETSIZ BE! QYSTA ORAL QALASYNDA TÜTINNEN DEM ALU MÜMKIN EMES, ŞARA QOLDANUDY SŪRAİMYZ. QŪRMETPEN.",
        ),
        (
            "Сәлеметсіз бе! Әуезов көшесіндегі ХҚКО-да кезек өте ұзын. Шара қолдануды сұраймын.",
            "Sälemetsız be! Äuezov köşesındegı HQKO-da kezek öte ūzyn. Şara qoldanudy sūraimyn.",
        ),
        (
            "Сәлеметсіз бе! Балабақшаға кезекте 3 жыл тұрмыз, көмектесуді сұраймыз. Өмірге қауіп төніп тұр. Алдын ала рахмет.",
            "Sälemetsız be! Balabaqşağa kezekte 3 jyl tūrmyz, kömektesudı sūraimyz. Ömırge qauıp tönıp tūr. Aldyn ala rahmet.",
        ),
        (
            "Шағым түсіремін. Балаларға арналған спорт секциясын ашуды сұраймыз. Шара қолдануды сұраймын.",
            "Şağym tüsıremın. Balalarğa arnalğan sport sektsiiasyn aşudy sūraimyz. Şara qoldanudy sūraimyn.",
        ),
        ("Қасым-Жомарт Тоқаев", "Qasym-Jomart Toqaev"),
        ("Нұрсұлтан", "Nūrsūltan"),
        ("Әлия", "Äliia"),
        ("Іңкәр", "Iñkär"),
        ("іңкәр", "ıñkär"),
        ("Айгүл Өмірзақова", "Aigül Ömırzaqova"),
        ("Ғабит Мүсірепов", "Ğabit Müsırepov"),
        ("Қызылорда", "Qyzylorda"),
        ("Цой", "Tsoi"),
        ("ЦЕНТР", "TSENTR"),
        ("Чокан", "Chokan"),
        ("Щукин", "Şçukin"),
        ("Юлия", "İuliia"),
        ("ЮЛИЯ", "İULİİA"),
        ("Яна", "İana"),
        ("Ёлка", "İolka"),
        ("БОРЩ", "BORŞÇ"),
        ("ИІ", "İI"),
        ("ШЫМКЕНТ", "ŞYMKENT"),
    ];

    #[test]
    fn kazakh_latin_round_trips_to_the_cyrillic() {
        for (cyrillic, latin) in PAIRS {
            assert_eq!(kazakh_latin_to_cyrillic(latin), *cyrillic, "{latin}");
        }
    }

    #[test]
    fn lossy_letters_come_back_as_their_common_form() {
        // Һ → H, Э → E, Ь dropped: the table cannot tell them apart.
        assert_eq!(kazakh_latin_to_cyrillic("Harun"), "Харун");
        assert_eq!(kazakh_latin_to_cyrillic("Elmira"), "Елмира");
        assert_eq!(kazakh_latin_to_cyrillic("İlias"), "Иляс");
    }

    #[test]
    fn only_latin_kazakh_text_is_converted() {
        let cyrillic = "Сәлеметсіз бе! eGov арқылы";
        assert_eq!(
            kazakh_latin_to_cyrillic(cyrillic),
            "Сәлеметсіз бе! еГов арқылы"
        );
        assert_eq!(kazakh_cyrillic("kk", cyrillic), cyrillic);
        assert_eq!(kazakh_cyrillic("kk", "Qaiyrly kün."), "Қайырлы күн.");
        assert_eq!(kazakh_cyrillic("ru", "Qaiyrly kün."), "Qaiyrly kün.");
        assert_eq!(kazakh_cyrillic("es", "vivo en Almaty"), "vivo en Almaty");
        assert_eq!(kazakh_cyrillic("kk", "123, 45!"), "123, 45!");
    }
}
