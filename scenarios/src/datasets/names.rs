//! Name pools: Spanish (Madrid residents), Kazakh and Russian (Kazakh
//! citizens, in Kazakh and Russian Cyrillic forms), and the foreign names
//! each side meets. Pools are skewed so that the first entries are the
//! most frequent, as real name frequencies are.

use std::sync::LazyLock;

use super::rng::RecordRng;
use super::translit::kazakh_to_latin;

/// An index skewed towards the start of a pool of `len` entries.
pub(crate) fn skewed(rng: &mut RecordRng, len: usize) -> usize {
    ((len as f64) * rng.unit().powf(1.7)) as usize % len.max(1)
}

/// Picks from a pool with the frequency skew.
pub(crate) fn pick_skewed<'a, T>(rng: &mut RecordRng, pool: &'a [T]) -> &'a T {
    &pool[skewed(rng, pool.len())]
}

pub(crate) const ES_MALE: &[&str] = &[
    "Antonio",
    "José",
    "Manuel",
    "Francisco",
    "David",
    "Juan",
    "Javier",
    "Daniel",
    "Carlos",
    "Jesús",
    "Alejandro",
    "Miguel",
    "Rafael",
    "Pablo",
    "Sergio",
    "Ángel",
    "Fernando",
    "Luis",
    "Jorge",
    "Alberto",
    "Álvaro",
    "Diego",
    "Adrián",
    "Raúl",
    "Enrique",
    "Ramón",
    "Vicente",
    "Iván",
    "Rubén",
    "Óscar",
    "Andrés",
    "Joaquín",
    "Santiago",
    "Eduardo",
    "Víctor",
    "Roberto",
    "Mario",
    "Hugo",
    "Martín",
    "Lucas",
    "José Luis",
    "Juan Carlos",
    "José Antonio",
    "Francisco Javier",
    "Jose Manuel",
    "Mateo",
    "Leo",
    "Marcos",
    "Gonzalo",
    "Ignacio",
];

pub(crate) const ES_FEMALE: &[&str] = &[
    "María",
    "Carmen",
    "Ana",
    "Laura",
    "Isabel",
    "Cristina",
    "Marta",
    "Lucía",
    "Elena",
    "Pilar",
    "Paula",
    "Sara",
    "Raquel",
    "Rosa",
    "Dolores",
    "Mercedes",
    "Beatriz",
    "Julia",
    "Teresa",
    "Silvia",
    "Patricia",
    "Irene",
    "Rocío",
    "Nuria",
    "Alba",
    "Andrea",
    "Sofía",
    "Marina",
    "Claudia",
    "Eva",
    "Inmaculada",
    "Montserrat",
    "Lorena",
    "Natalia",
    "Carla",
    "María José",
    "María Carmen",
    "Ana María",
    "María Pilar",
    "María Dolores",
    "Martina",
    "Valeria",
    "Noelia",
    "Alicia",
    "Victoria",
    "Esther",
    "Consuelo",
    "Blanca",
    "Olga",
    "Celia",
];

pub(crate) const ES_SURNAMES: &[&str] = &[
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Cruz",
    "Calvo",
    "Gallego",
    "Vidal",
    "León",
    "Herrera",
    "Márquez",
    "Peña",
    "Cabrera",
    "Flores",
    "Campos",
    "Vega",
    "Fuentes",
    "Carrasco",
    "Díez",
    "de la Fuente",
    "del Río",
    "Sáez",
];

/// A foreign nationality present in Madrid, with its share of foreign
/// residents and the name pools used for it.
pub(crate) struct ForeignOrigin {
    pub(crate) country: &'static str,
    pub(crate) weight: f64,
    pub(crate) male: &'static [&'static str],
    pub(crate) female: &'static [&'static str],
    pub(crate) surnames: &'static [&'static str],
    /// True when people carry two surnames (Hispanic naming).
    pub(crate) two_surnames: bool,
}

const LATAM_MALE: &[&str] = &[
    "José",
    "Luis",
    "Carlos",
    "Jorge",
    "Juan",
    "Andrés",
    "Kevin",
    "Jhon",
    "Wilson",
    "Brayan",
    "Luis Alberto",
    "Cristian",
    "Edwin",
    "Jonathan",
    "Miguel Ángel",
];
const LATAM_FEMALE: &[&str] = &[
    "María",
    "Yessenia",
    "Daniela",
    "Gabriela",
    "Valentina",
    "Andrea",
    "Karen",
    "Yuliana",
    "Luz Marina",
    "Ana Lucía",
    "Mayerlin",
    "Rosa María",
    "Paola",
    "Diana",
    "Carolina",
];
const LATAM_SURNAMES: &[&str] = &[
    "Rodríguez",
    "Gómez",
    "Pérez",
    "Hernández",
    "Ramírez",
    "Torres",
    "Flores",
    "Rojas",
    "Vargas",
    "Castillo",
    "Mendoza",
    "Quispe",
    "Chávez",
    "Guzmán",
    "Cárdenas",
    "Zambrano",
    "Paredes",
    "Villalobos",
    "Salazar",
    "Ríos",
];
const RO_MALE: &[&str] = &[
    "Ion", "Andrei", "Mihai", "Gheorghe", "Vasile", "Florin", "Marius", "Ionuț",
];
const RO_FEMALE: &[&str] = &[
    "Maria",
    "Elena",
    "Ioana",
    "Andreea",
    "Mihaela",
    "Florentina",
    "Gabriela",
];
const RO_SURNAMES: &[&str] = &[
    "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu",
    "Matei",
];
const CN_MALE: &[&str] = &["Wei", "Jian", "Hao", "Lei", "Jun", "Ming", "Tao", "Yong"];
const CN_FEMALE: &[&str] = &["Li", "Xiu Ying", "Min", "Jing", "Yan", "Hui", "Fang", "Xin"];
const CN_SURNAMES: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
];
const MA_MALE: &[&str] = &[
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Said",
    "Rachid",
    "Hamza",
    "Karim",
    "Abdelkader",
];
const MA_FEMALE: &[&str] = &[
    "Fatima", "Khadija", "Aicha", "Naima", "Malika", "Samira", "Zineb",
];
const MA_SURNAMES: &[&str] = &[
    "El Idrissi",
    "Benali",
    "El Amrani",
    "Bouzid",
    "Alaoui",
    "Haddad",
    "Tahiri",
    "Ouali",
];
const IT_MALE: &[&str] = &[
    "Marco",
    "Luca",
    "Giuseppe",
    "Alessandro",
    "Francesco",
    "Matteo",
    "Andrea",
];
const IT_FEMALE: &[&str] = &[
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Valentina",
    "Federica",
];
const IT_SURNAMES: &[&str] = &[
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
];
const UA_MALE: &[&str] = &[
    "Oleksandr",
    "Andrii",
    "Serhii",
    "Dmytro",
    "Volodymyr",
    "Mykola",
];
const UA_FEMALE: &[&str] = &["Olena", "Iryna", "Nataliia", "Tetiana", "Oksana", "Yuliia"];
const UA_SURNAMES: &[&str] = &[
    "Kovalenko",
    "Bondarenko",
    "Shevchenko",
    "Tkachenko",
    "Kravchenko",
    "Melnyk",
];
/// Kazakh nationals in Madrid: names as printed in their passports (ICAO
/// transliteration of the Russian form), one surname.
pub(crate) const KZ_PASSPORT_MALE: &[&str] = &[
    "Nurlan", "Yerlan", "Askhat", "Daulet", "Arman", "Timur", "Aidos", "Dias", "Alikhan", "Serik",
];
pub(crate) const KZ_PASSPORT_FEMALE: &[&str] = &[
    "Aigerim", "Assel", "Dinara", "Aruzhan", "Madina", "Saltanat", "Zhanar", "Aizhan", "Dana",
];
pub(crate) const KZ_PASSPORT_SURNAMES: &[&str] = &[
    "Zhaksybekov",
    "Sarsenbayev",
    "Nurlanov",
    "Kassymov",
    "Akhmetov",
    "Omarov",
    "Ospanov",
    "Zhumabayev",
    "Iskakov",
    "Tulegenov",
    "Abenov",
    "Baimukhanov",
];

/// Foreign nationalities of Madrid residents, weights ≈ shares of the
/// foreign population (Kazakhstan over-represented on purpose: the lab's
/// cross-border cases need them).
pub(crate) static FOREIGN_ORIGINS: &[ForeignOrigin] = &[
    ForeignOrigin {
        country: "VE",
        weight: 13.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "CO",
        weight: 11.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "RO",
        weight: 8.0,
        male: RO_MALE,
        female: RO_FEMALE,
        surnames: RO_SURNAMES,
        two_surnames: false,
    },
    ForeignOrigin {
        country: "PE",
        weight: 7.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "CN",
        weight: 7.0,
        male: CN_MALE,
        female: CN_FEMALE,
        surnames: CN_SURNAMES,
        two_surnames: false,
    },
    ForeignOrigin {
        country: "EC",
        weight: 5.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "HN",
        weight: 5.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "MA",
        weight: 5.0,
        male: MA_MALE,
        female: MA_FEMALE,
        surnames: MA_SURNAMES,
        two_surnames: false,
    },
    ForeignOrigin {
        country: "IT",
        weight: 5.0,
        male: IT_MALE,
        female: IT_FEMALE,
        surnames: IT_SURNAMES,
        two_surnames: false,
    },
    ForeignOrigin {
        country: "PY",
        weight: 4.0,
        male: LATAM_MALE,
        female: LATAM_FEMALE,
        surnames: LATAM_SURNAMES,
        two_surnames: true,
    },
    ForeignOrigin {
        country: "UA",
        weight: 3.0,
        male: UA_MALE,
        female: UA_FEMALE,
        surnames: UA_SURNAMES,
        two_surnames: false,
    },
    ForeignOrigin {
        country: "KZ",
        weight: 3.0,
        male: KZ_PASSPORT_MALE,
        female: KZ_PASSPORT_FEMALE,
        surnames: KZ_PASSPORT_SURNAMES,
        two_surnames: false,
    },
];

/// One name in its Kazakh, Russian and Latin (2021, from the Kazakh form)
/// spellings.
#[derive(Debug, Clone)]
pub(crate) struct Spelled {
    pub(crate) kk: String,
    pub(crate) ru: String,
    pub(crate) latin: String,
}

fn spelled(pairs: &[(&'static str, &'static str)]) -> Vec<Spelled> {
    pairs
        .iter()
        .map(|&(kk, ru)| Spelled {
            kk: kk.to_owned(),
            ru: ru.to_owned(),
            latin: kazakh_to_latin(kk),
        })
        .collect()
}

const KZ_MALE_PAIRS: &[(&str, &str)] = &[
    ("Нұрлан", "Нурлан"),
    ("Ерлан", "Ерлан"),
    ("Асхат", "Асхат"),
    ("Дәурен", "Даурен"),
    ("Серік", "Серик"),
    ("Бауыржан", "Бауыржан"),
    ("Ерболат", "Ерболат"),
    ("Қайрат", "Кайрат"),
    ("Марат", "Марат"),
    ("Ержан", "Ержан"),
    ("Әлібек", "Алибек"),
    ("Арман", "Арман"),
    ("Мұхтар", "Мухтар"),
    ("Талғат", "Талгат"),
    ("Айдос", "Айдос"),
    ("Нұрсұлтан", "Нурсултан"),
    ("Ернар", "Ернар"),
    ("Дархан", "Дархан"),
    ("Бекзат", "Бекзат"),
    ("Темірлан", "Темирлан"),
    ("Алихан", "Алихан"),
    ("Асылан", "Асылан"),
    ("Санжар", "Санжар"),
    ("Ислам", "Ислам"),
    ("Мирас", "Мирас"),
    ("Абылай", "Абылай"),
    ("Қуаныш", "Куаныш"),
    ("Болат", "Болат"),
    ("Мұрат", "Мурат"),
    ("Данияр", "Данияр"),
    ("Ақжол", "Акжол"),
    ("Жандос", "Жандос"),
];
const KZ_FEMALE_PAIRS: &[(&str, &str)] = &[
    ("Айгерім", "Айгерим"),
    ("Гүлнар", "Гульнар"),
    ("Әсел", "Асель"),
    ("Жанар", "Жанар"),
    ("Динара", "Динара"),
    ("Аружан", "Аружан"),
    ("Айжан", "Айжан"),
    ("Гүлмира", "Гульмира"),
    ("Мадина", "Мадина"),
    ("Ақбота", "Акбота"),
    ("Салтанат", "Салтанат"),
    ("Назерке", "Назерке"),
    ("Дана", "Дана"),
    ("Томирис", "Томирис"),
    ("Жансая", "Жансая"),
    ("Ұлжан", "Улжан"),
    ("Меруерт", "Меруерт"),
    ("Сәуле", "Сауле"),
    ("Балжан", "Балжан"),
    ("Камила", "Камила"),
    ("Әйгерім", "Айгерим"),
    ("Ләззат", "Ляззат"),
    ("Перизат", "Перизат"),
    ("Інжу", "Инжу"),
];
/// Kazakh surname stems (male `-ов/-ев` forms); the female form adds `а`.
const KZ_SURNAME_PAIRS: &[(&str, &str)] = &[
    ("Сәрсенбаев", "Сарсенбаев"),
    ("Жақсыбеков", "Жаксыбеков"),
    ("Нұрланов", "Нурланов"),
    ("Қасымов", "Касымов"),
    ("Төлеуов", "Толеуов"),
    ("Ахметов", "Ахметов"),
    ("Серікбаев", "Серикбаев"),
    ("Омаров", "Омаров"),
    ("Бекмұхамбетов", "Бекмухамбетов"),
    ("Әбдірахманов", "Абдрахманов"),
    ("Исаев", "Исаев"),
    ("Жұмабаев", "Жумабаев"),
    ("Оспанов", "Оспанов"),
    ("Ысқақов", "Искаков"),
    ("Тілеуғабылов", "Тлеугабылов"),
    ("Байжанов", "Байжанов"),
    ("Мұратов", "Муратов"),
    ("Құдайбергенов", "Кудайбергенов"),
    ("Есенов", "Есенов"),
    ("Әлиев", "Алиев"),
    ("Бейсенов", "Бейсенов"),
    ("Сүлейменов", "Сулейменов"),
    ("Төлегенов", "Тулегенов"),
    ("Әбенов", "Абенов"),
    ("Баймұханов", "Баймуханов"),
];
/// Kazakh surnames without a Russian suffix (same for both sexes).
const KZ_PLAIN_SURNAME_PAIRS: &[(&str, &str)] = &[
    ("Сәрсенбай", "Сарсенбай"),
    ("Жақсыбек", "Жаксыбек"),
    ("Нұрлан", "Нурлан"),
    ("Тоқтар", "Токтар"),
    ("Әбдіғали", "Абдигали"),
    ("Серікбай", "Серикбай"),
];
const RU_MALE_PAIRS: &[(&str, &str)] = &[
    ("Александр", "Александр"),
    ("Сергей", "Сергей"),
    ("Дмитрий", "Дмитрий"),
    ("Андрей", "Андрей"),
    ("Алексей", "Алексей"),
    ("Евгений", "Евгений"),
    ("Виктор", "Виктор"),
    ("Владимир", "Владимир"),
    ("Игорь", "Игорь"),
    ("Николай", "Николай"),
];
const RU_FEMALE_PAIRS: &[(&str, &str)] = &[
    ("Елена", "Елена"),
    ("Ольга", "Ольга"),
    ("Наталья", "Наталья"),
    ("Татьяна", "Татьяна"),
    ("Ирина", "Ирина"),
    ("Светлана", "Светлана"),
    ("Анна", "Анна"),
    ("Юлия", "Юлия"),
    ("Екатерина", "Екатерина"),
    ("Мария", "Мария"),
];
/// Russian surnames (male form; the female form adds `а`, except the
/// Korean ones, which do not change).
const RU_SURNAME_PAIRS: &[(&str, &str)] = &[
    ("Иванов", "Иванов"),
    ("Петров", "Петров"),
    ("Смирнов", "Смирнов"),
    ("Кузнецов", "Кузнецов"),
    ("Попов", "Попов"),
    ("Васильев", "Васильев"),
    ("Соколов", "Соколов"),
    ("Михайлов", "Михайлов"),
    ("Новиков", "Новиков"),
    ("Федоров", "Федоров"),
    ("Морозов", "Морозов"),
    ("Волков", "Волков"),
];
const KOREAN_SURNAMES: &[(&str, &str)] =
    &[("Ким", "Ким"), ("Цой", "Цой"), ("Пак", "Пак"), ("Ли", "Ли")];
const ES_IN_KZ_MALE: &[(&str, &str)] = &[
    ("Хосе", "Хосе"),
    ("Карлос", "Карлос"),
    ("Хавьер", "Хавьер"),
    ("Пабло", "Пабло"),
    ("Мануэль", "Мануэль"),
];
const ES_IN_KZ_FEMALE: &[(&str, &str)] = &[
    ("Мария", "Мария"),
    ("Ана", "Ана"),
    ("Лаура", "Лаура"),
    ("Лусия", "Лусия"),
    ("Кармен", "Кармен"),
];
const ES_IN_KZ_SURNAMES: &[(&str, &str)] = &[
    ("Гарсия", "Гарсия"),
    ("Мартинес", "Мартинес"),
    ("Лопес", "Лопес"),
    ("Санчес", "Санчес"),
    ("Фернандес", "Фернандес"),
    ("Родригес", "Родригес"),
    ("Гонсалес", "Гонсалес"),
    ("Перес", "Перес"),
];

/// The patronymics formed from one father's name, indexed by sex
/// (0 = male, 1 = female).
#[derive(Debug, Clone)]
pub(crate) struct Patronymics {
    /// Russian form (`-ович`/`-овна`).
    pub(crate) ru: [String; 2],
    /// Kazakh form (`-ұлы`/`-қызы`), with its Latin spelling.
    pub(crate) kazakh: [(String, String); 2],
    /// Russian form in Kazakh spelling, with its Latin spelling.
    pub(crate) russian_in_kk: [(String, String); 2],
    /// Russian form as written in Kazakh documents of non-Kazakh names,
    /// with its Latin spelling.
    pub(crate) ru_latin: [String; 2],
}

fn patronymics(father: &Spelled) -> Patronymics {
    let (ru_male, ru_female) = russian_patronymic(&father.ru);
    let (kk_male, kk_female) = russian_patronymic(&father.kk);
    let with_latin = |text: String| {
        let latin = kazakh_to_latin(&text);
        (text, latin)
    };
    Patronymics {
        ru_latin: [kazakh_to_latin(&ru_male), kazakh_to_latin(&ru_female)],
        ru: [ru_male, ru_female],
        kazakh: [
            with_latin(format!("{}ұлы", father.kk)),
            with_latin(format!("{}қызы", father.kk)),
        ],
        russian_in_kk: [with_latin(kk_male), with_latin(kk_female)],
    }
}

/// A name family: given names, surnames (with female forms) and whether
/// patronymics exist.
pub(crate) struct NamePool {
    pub(crate) male: Vec<Spelled>,
    pub(crate) female: Vec<Spelled>,
    /// Male surname forms.
    pub(crate) surnames_male: Vec<Spelled>,
    /// Female surname forms, aligned with `surnames_male`.
    pub(crate) surnames_female: Vec<Spelled>,
    /// Patronymics formed from each name in `male`.
    pub(crate) patronymics: Vec<Patronymics>,
    pub(crate) has_patronymic: bool,
    pub(crate) kazakh_patronymic: bool,
}

fn feminine(pairs: &[(&'static str, &'static str)], korean: usize) -> Vec<(String, String)> {
    pairs
        .iter()
        .enumerate()
        .map(|(index, &(kk, ru))| {
            if index >= pairs.len() - korean {
                (kk.to_owned(), ru.to_owned())
            } else {
                (format!("{kk}а"), format!("{ru}а"))
            }
        })
        .collect()
}

fn spelled_owned(pairs: Vec<(String, String)>) -> Vec<Spelled> {
    pairs
        .into_iter()
        .map(|(kk, ru)| Spelled {
            latin: kazakh_to_latin(&kk),
            kk,
            ru,
        })
        .collect()
}

/// The Russian patronymics (male, female) formed from a father's name.
pub(crate) fn russian_patronymic(father: &str) -> (String, String) {
    let irregular = [
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Евгений", "Евгеньевич", "Евгеньевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Данияр", "Даниярович", "Данияровна"),
    ];
    if let Some(&(_, male, female)) = irregular.iter().find(|(name, _, _)| *name == father) {
        return (male.to_owned(), female.to_owned());
    }
    if let Some(stem) = father.strip_suffix('й') {
        return (format!("{stem}евич"), format!("{stem}евна"));
    }
    (format!("{father}ович"), format!("{father}овна"))
}

fn pool(
    male: &[(&'static str, &'static str)],
    female: &[(&'static str, &'static str)],
    surnames: Vec<(String, String)>,
    surnames_female: Vec<(String, String)>,
    kazakh_patronymic: bool,
    has_patronymic: bool,
) -> NamePool {
    let male = spelled(male);
    let patronymics = male.iter().map(patronymics).collect();
    NamePool {
        male,
        female: spelled(female),
        surnames_male: spelled_owned(surnames),
        surnames_female: spelled_owned(surnames_female),
        patronymics,
        has_patronymic,
        kazakh_patronymic,
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|&(kk, ru)| (kk.to_owned(), ru.to_owned()))
        .collect()
}

/// Kazakh names (surnames with `-ов/-ев`, or plain stems).
pub(crate) static KAZAKH: LazyLock<NamePool> = LazyLock::new(|| {
    let mut male = owned(KZ_SURNAME_PAIRS);
    let mut female = feminine(KZ_SURNAME_PAIRS, 0);
    male.extend(owned(KZ_PLAIN_SURNAME_PAIRS));
    female.extend(owned(KZ_PLAIN_SURNAME_PAIRS));
    pool(KZ_MALE_PAIRS, KZ_FEMALE_PAIRS, male, female, true, true)
});

/// Russian (and Korean) names of Kazakh citizens.
pub(crate) static RUSSIAN: LazyLock<NamePool> = LazyLock::new(|| {
    let mut pairs = RU_SURNAME_PAIRS.to_vec();
    pairs.extend_from_slice(KOREAN_SURNAMES);
    let female = feminine(&pairs, KOREAN_SURNAMES.len());
    pool(
        RU_MALE_PAIRS,
        RU_FEMALE_PAIRS,
        owned(&pairs),
        female,
        false,
        true,
    )
});

/// Spanish residents of Kazakhstan, names in Cyrillic transcription.
pub(crate) static SPANISH_IN_KZ: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        ES_IN_KZ_MALE,
        ES_IN_KZ_FEMALE,
        owned(ES_IN_KZ_SURNAMES),
        owned(ES_IN_KZ_SURNAMES),
        false,
        false,
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patronymics() {
        assert_eq!(
            russian_patronymic("Болат"),
            ("Болатович".to_owned(), "Болатовна".to_owned())
        );
        assert_eq!(
            russian_patronymic("Сергей"),
            ("Сергеевич".to_owned(), "Сергеевна".to_owned())
        );
        assert_eq!(russian_patronymic("Николай").0, "Николаевич");
    }

    #[test]
    fn pools_are_aligned() {
        for pool in [&*KAZAKH, &*RUSSIAN, &*SPANISH_IN_KZ] {
            assert_eq!(pool.surnames_male.len(), pool.surnames_female.len());
            assert_eq!(pool.male.len(), pool.patronymics.len());
        }
        assert_eq!(
            RUSSIAN.surnames_female.last().map(|name| name.ru.as_str()),
            Some("Ли")
        );
        assert_eq!(KAZAKH.surnames_female[0].kk, "Сәрсенбаева");
        assert_eq!(KAZAKH.surnames_female[0].latin, "Särsenbaeva");
    }
}
