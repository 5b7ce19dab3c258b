//! Free-text generation for requests and appeals: templates per category
//! and type, slot filling, and the noise real citizens' text has (typos,
//! missing accents, shouting, very short or long messages).

use super::rng::RecordRng;

/// Spanish body templates per category code. `{via}` is a street,
/// `{barrio}` a barrio, `{n}` a small number.
pub(crate) fn spanish_bodies(category: &str) -> &'static [&'static str] {
    match category {
        "roads" => &[
            "Hay un bache enorme en {via} a la altura del número {n}, ya se han caído dos motos.",
            "La acera de {via} está levantada por las raíces y es imposible pasar con carrito.",
            "El asfalto de {via} en {barrio} lleva meses hundido y se encharca cuando llueve.",
            "Faltan baldosas en la acera de {via}, una vecina mayor se cayó la semana pasada.",
        ],
        "street_lighting" => &[
            "Las farolas de {via} llevan {n} días apagadas y la calle está completamente a oscuras.",
            "Una farola de {via} parpadea toda la noche, en {barrio} hay varias fundidas.",
            "El parque de {barrio} no tiene luz por la noche, da miedo pasar.",
        ],
        "waste_cleaning" => &[
            "Los contenedores de {via} están desbordados desde hace {n} días y huele fatal.",
            "No se barre {via} desde hace semanas, hay hojas y basura por todas partes.",
            "Han dejado muebles y colchones abandonados junto a los contenedores de {via}.",
            "La recogida de vidrio en {barrio} no pasa, el contenedor está lleno.",
        ],
        "green_areas" => &[
            "El árbol frente al número {n} de {via} tiene una rama a punto de caer.",
            "El césped del parque de {barrio} está seco y los bancos rotos.",
            "Piden poda de los plátanos de {via}, las ramas tocan las ventanas.",
        ],
        "public_transport" => &[
            "El autobús de la línea {n} pasa con retrasos de más de veinte minutos por {via}.",
            "El conductor del autobús {n} no paró en la parada de {via} aunque hice señal.",
            "La marquesina de la parada de {via} está rota y no protege de la lluvia.",
        ],
        "traffic_parking" => &[
            "Coches aparcados en doble fila en {via} todas las mañanas, no pasa ni la ambulancia.",
            "El semáforo del cruce de {via} está averiado desde hace {n} días.",
            "Hay una furgoneta abandonada en {via} desde hace meses.",
            "Solicitan reductores de velocidad en {via}, los coches pasan muy rápido junto al colegio.",
        ],
        "noise" => &[
            "El bar de {via} tiene música alta hasta las {n} de la madrugada todos los fines de semana.",
            "Obras en {via} empiezan a las siete de la mañana, también los sábados.",
            "Ruido constante de terrazas en {barrio}, no podemos dormir.",
        ],
        "air_quality" => &[
            "El humo de una chimenea en {via} entra en las viviendas, el aire es irrespirable.",
            "En {barrio} el tráfico hace que el aire esté muy contaminado, piden medidas.",
            "Huele a quemado en {barrio} desde hace {n} días.",
        ],
        "taxes" => &[
            "Me han cobrado dos veces el IBI de mi vivienda de {via}.",
            "No he recibido la notificación de la tasa de basuras y ahora tengo recargo.",
            "Solicito fraccionar el pago del impuesto de vehículos, no puedo pagarlo de una vez.",
        ],
        "social_services" => &[
            "Llevo {n} meses esperando cita con la trabajadora social del centro de {barrio}.",
            "Mi madre necesita ayuda a domicilio y no nos han contestado a la solicitud.",
            "Solicito información sobre ayudas para familias con hijos en {barrio}.",
        ],
        "public_health" => &[
            "Hay ratas en el solar de {via}, se ven a plena luz del día.",
            "Un local de {via} vende comida en malas condiciones higiénicas.",
            "Plaga de cucarachas en las alcantarillas de {barrio}.",
        ],
        "education" => &[
            "No hay plazas en la escuela infantil municipal de {barrio}, estamos en lista de espera.",
            "La calefacción de la escuela infantil de {via} no funciona.",
            "Solicito información del plazo de matrícula de las escuelas infantiles.",
        ],
        "housing" => &[
            "Vivo en una vivienda de la EMVS en {via} con humedades desde hace {n} meses.",
            "Solicito información sobre el programa de alquiler asequible.",
            "El ascensor del edificio municipal de {via} lleva {n} semanas roto.",
        ],
        "public_safety" => &[
            "Venta de droga en el parque de {barrio} por las tardes, los vecinos tienen miedo.",
            "Peleas todas las noches en {via}, piden más presencia de la Policía Municipal.",
            "Robos de bicicletas en {via}, ya van {n} este mes.",
        ],
        "culture_sports" => &[
            "La piscina del polideportivo de {barrio} está cerrada sin aviso.",
            "Las actividades del centro cultural de {barrio} se han cancelado sin explicación.",
            "Los vestuarios del polideportivo de {via} están sucios y sin agua caliente.",
        ],
        "citizen_services" => &[
            "No consigo cita previa para el empadronamiento, la web no da huecos en {n} semanas.",
            "En la oficina de Línea Madrid de {barrio} me atendieron muy bien.",
            "El teléfono 010 no contesta, llevo {n} días intentándolo.",
        ],
        "employment" => &[
            "Solicito información sobre cursos de formación de la Agencia para el Empleo.",
            "Me inscribí en un curso en {barrio} y nadie me ha llamado.",
        ],
        "animals" => &[
            "Hay un perro abandonado en {via} desde hace {n} días.",
            "Colonia de gatos en {barrio} sin control, piden intervención.",
            "Animal muerto en la calzada de {via}.",
        ],
        _ => &["Tengo un problema en {via} y necesito ayuda."],
    }
}

/// Spanish openers per Madrid request type.
pub(crate) fn spanish_openers(tipo: &str) -> &'static [&'static str] {
    match tipo {
        "sugerencia" => &[
            "Sugiero que se estudie lo siguiente:",
            "Propongo una mejora.",
            "Buenos días, les escribo para sugerir algo.",
            "",
        ],
        "reclamacion" => &[
            "Quiero presentar una reclamación.",
            "Es la tercera vez que me quejo y nadie hace nada.",
            "Buenas tardes, escribo para quejarme.",
            "",
        ],
        "felicitacion" => &[
            "Quiero felicitar al personal municipal.",
            "Muchas gracias por la rapidez.",
            "Solo quería dar las gracias.",
        ],
        "peticion_informacion" => &[
            "Solicito información.",
            "Quería saber lo siguiente:",
            "Hola, una consulta.",
        ],
        _ => &["", "Aviso:", "Incidencia:"],
    }
}

/// Spanish closers.
pub(crate) const SPANISH_CLOSERS: &[&str] = &[
    "",
    "",
    "Gracias.",
    "Un saludo.",
    "Espero una respuesta pronto.",
    "Por favor, hagan algo ya.",
    "Atentamente.",
];

/// Spanish filler sentences that make some messages long.
pub(crate) const SPANISH_FILLERS: &[&str] = &[
    "Vivo en el barrio desde hace muchos años y nunca había visto algo así.",
    "Ya lo comuniqué por teléfono pero no me dieron número de expediente.",
    "Adjunto fotos aunque no sé si se ven bien.",
    "Mis vecinos están igual de molestos.",
    "No es la primera vez que pasa.",
    "Les agradecería que me informaran de las medidas que se tomen.",
];

/// Russian body templates per category code. `{street}` and `{city}` are
/// slots.
pub(crate) fn russian_bodies(category: &str) -> &'static [&'static str] {
    match category {
        "roads" => &[
            "На {street} огромная яма, машины объезжают по встречной полосе.",
            "Тротуар по {street} разрушен, пожилым людям невозможно пройти.",
        ],
        "street_lighting" => &[
            "Во дворе дома по {street} уже {n} дней не горят фонари.",
            "На {street} не работает уличное освещение, вечером очень темно.",
        ],
        "waste_cleaning" => &[
            "Мусор во дворе по {street} не вывозят уже {n} дней.",
            "Контейнерная площадка на {street} переполнена, стоит запах.",
        ],
        "green_areas" => &[
            "Сухое дерево у дома по {street} может упасть на детскую площадку.",
            "Просим благоустроить сквер на {street}.",
        ],
        "public_transport" => &[
            "Автобус маршрута {n} ходит раз в час, люди не могут добраться на работу.",
            "Водитель автобуса {n} грубил пассажирам на остановке {street}.",
        ],
        "traffic_parking" => &[
            "Машины паркуются на тротуаре по {street}, пешеходам негде идти.",
            "На перекрёстке {street} не работает светофор.",
        ],
        "noise" => &[
            "Ночной клуб на {street} шумит до {n} утра.",
            "Строительные работы на {street} ведутся ночью.",
        ],
        "air_quality" => &[
            "В {city} зимой невозможно дышать из-за смога, просим принять меры.",
            "Частный сектор у {street} топит углём, весь район в дыму.",
        ],
        "taxes" => &[
            "Мне начислен налог на имущество, которое я продал {n} лет назад.",
            "Прошу разъяснить начисление налога на транспорт.",
        ],
        "social_services" => &[
            "Прошу назначить адресную социальную помощь, семья из {n} человек без дохода.",
            "Не выплачивают пособие на ребёнка уже {n} месяца.",
        ],
        "public_health" => &[
            "В поликлинике по {street} невозможно записаться к врачу.",
            "Прошу проверить санитарное состояние кафе на {street}.",
        ],
        "education" => &[
            "Ребёнка не принимают в школу по месту жительства на {street}.",
            "Очередь в детский сад уже {n} лет, прошу помочь.",
        ],
        "housing" => &[
            "Дом по {street} аварийный, в квартире трещины, прошу переселить.",
            "Прошу поставить семью на очередь на жильё.",
            "Отопление в доме по {street} не работает {n} дней.",
        ],
        "public_safety" => &[
            "Во дворе по {street} каждую ночь собирается пьяная компания.",
            "Прошу усилить патрулирование на {street}.",
        ],
        "culture_sports" => &[
            "Просим открыть спортивную секцию для детей в микрорайоне у {street}.",
            "Дом культуры в {city} закрыт на ремонт уже {n} лет.",
        ],
        "citizen_services" => &[
            "В ЦОНе на {street} огромная очередь, электронная очередь не работает.",
            "Не могу получить услугу на egov, система выдаёт ошибку.",
        ],
        "employment" => &[
            "Прошу помочь с трудоустройством, я без работы {n} месяцев.",
            "Прошу включить меня в программу молодёжной практики.",
        ],
        "animals" => &[
            "Стая бездомных собак у школы на {street} нападает на детей.",
            "Прошу отловить бродячих собак во дворе по {street}.",
        ],
        _ => &["Прошу рассмотреть мой вопрос по {street}."],
    }
}

/// Kazakh body templates per category code.
pub(crate) fn kazakh_bodies(category: &str) -> &'static [&'static str] {
    match category {
        "roads" => &["{street} көшесінде үлкен шұңқыр бар, көліктер өте алмайды."],
        "street_lighting" => &["{street} көшесінде {n} күннен бері көше шамдары жанбайды."],
        "waste_cleaning" => &["{street} көшесіндегі аулада қоқыс {n} күннен бері шығарылмайды."],
        "green_areas" => &["{street} көшесіндегі құрғақ ағаш балалар алаңына құлауы мүмкін."],
        "public_transport" => &["{n} бағытындағы автобус сағатына бір рет жүреді."],
        "traffic_parking" => &["{street} көшесіндегі бағдаршам жұмыс істемейді."],
        "noise" => &["{street} көшесіндегі түнгі клуб таңғы {n}-ге дейін шулайды."],
        "air_quality" => {
            &["Қыста {city} қаласында түтіннен дем алу мүмкін емес, шара қолдануды сұраймыз."]
        }
        "taxes" => &["Маған {n} жыл бұрын сатылған мүлікке салық есептелген."],
        "social_services" => {
            &["{n} адамнан тұратын отбасыма атаулы әлеуметтік көмек тағайындауды сұраймын."]
        }
        "public_health" => &["{street} көшесіндегі емханада дәрігерге жазылу мүмкін емес."],
        "education" => &["Балабақшаға кезекте {n} жыл тұрмыз, көмектесуді сұраймыз."],
        "housing" => &["{street} көшесіндегі үй апатты жағдайда, көшіруді сұраймыз."],
        "public_safety" => &["{street} көшесінде түнде патрульдеуді күшейтуді сұраймыз."],
        "culture_sports" => &["Балаларға арналған спорт секциясын ашуды сұраймыз."],
        "citizen_services" => &["{street} көшесіндегі ХҚКО-да кезек өте ұзын."],
        "employment" => &["{n} айдан бері жұмыссызмын, жұмысқа орналасуға көмектесуді сұраймын."],
        "animals" => &["{street} көшесіндегі мектеп маңында иесіз иттер балаларға шабуыл жасайды."],
        _ => &["{street} көшесі бойынша мәселемді қарауды сұраймын."],
    }
}

/// Russian openers per Kazakh appeal type.
pub(crate) fn russian_openers(kind: &str) -> &'static [&'static str] {
    match kind {
        "proposal" => &["Предлагаю следующее.", "У меня есть предложение.", ""],
        "application" => &["Прошу рассмотреть моё заявление.", "Здравствуйте!", ""],
        "complaint" => &[
            "Жалуюсь на бездействие.",
            "Обращаюсь уже не первый раз.",
            "",
        ],
        "request" => &["Прошу предоставить информацию.", "Прошу разъяснить.", ""],
        _ => &["Выражаю благодарность.", "Хочу оставить отзыв.", ""],
    }
}

/// Kazakh openers per appeal type.
pub(crate) fn kazakh_openers(kind: &str) -> &'static [&'static str] {
    match kind {
        "proposal" => &["Ұсыныс енгіземін.", ""],
        "application" => &["Өтінішімді қарауды сұраймын.", "Сәлеметсіз бе!", ""],
        "complaint" => &[
            "Шағым түсіремін.",
            "Бұл мәселе бойынша бірінші рет жазып отырған жоқпын.",
            "",
        ],
        "request" => &["Ақпарат беруді сұраймын.", ""],
        _ => &["Алғысымды білдіремін.", ""],
    }
}

/// Russian closers.
pub(crate) const RUSSIAN_CLOSERS: &[&str] = &[
    "",
    "Заранее спасибо.",
    "Прошу принять меры.",
    "С уважением.",
];
/// Kazakh closers.
pub(crate) const KAZAKH_CLOSERS: &[&str] = &[
    "",
    "Алдын ала рахмет.",
    "Шара қолдануды сұраймын.",
    "Құрметпен.",
];

/// Fills `{via}`, `{barrio}`, `{street}`, `{city}` and `{n}` slots.
pub(crate) fn fill(template: &str, slots: &[(&str, &str)], out: &mut String) {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('}') else {
            out.push_str(after);
            return;
        };
        let name = &after[1..end];
        match slots.iter().find(|(slot, _)| *slot == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
}

/// Noise applied to citizens' text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Noise {
    /// Probability that a message loses its accents (ñ kept).
    pub(crate) strip_accents: f64,
    /// Per-word probability of a typo.
    pub(crate) typo_per_word: f64,
    /// Probability of all lower case.
    pub(crate) lowercase: f64,
    /// Probability of all upper case.
    pub(crate) shouting: f64,
}

pub(crate) const CITIZEN_NOISE: Noise = Noise {
    strip_accents: 0.3,
    typo_per_word: 0.025,
    lowercase: 0.1,
    shouting: 0.03,
};

fn strip_accent(ch: char) -> char {
    match ch {
        'á' => 'a',
        'é' => 'e',
        'í' => 'i',
        'ó' => 'o',
        'ú' | 'ü' => 'u',
        'Á' => 'A',
        'É' => 'E',
        'Í' => 'I',
        'Ó' => 'O',
        'Ú' => 'U',
        'ё' => 'е',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'і' => 'и',
        other => other,
    }
}

/// Applies noise in place.
pub(crate) fn add_noise(text: &mut String, noise: Noise, rng: &mut RecordRng) {
    let strip = rng.chance(noise.strip_accents);
    let case_roll = rng.unit();
    let mut out = String::with_capacity(text.len() + 8);
    // One buffer for the words that get a typo (the hot path of case
    // building: most words are copied as they are).
    let mut chars: Vec<char> = Vec::new();
    // `text.split(' ')`, by bytes: words are short, and a space byte is
    // never inside a multi-byte character.
    let mut rest = text.as_str();
    loop {
        let (word, next) = match rest.bytes().position(|byte| byte == b' ') {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        if !out.is_empty() {
            out.push(' ');
        }
        // More than 3 characters: at most 3 bytes never are, 13 bytes
        // always are (a character is at most 4 bytes).
        let long = word.len() > 12 || (word.len() > 3 && word.chars().count() > 3);
        if long && rng.chance(noise.typo_per_word) {
            let len = word.chars().count();
            chars.clear();
            chars.extend(
                word.chars()
                    .map(|ch| if strip { strip_accent(ch) } else { ch }),
            );
            let at = 1 + rng.index(len - 2);
            match rng.below(3) {
                0 => chars.swap(at, at + 1),
                1 => {
                    chars.remove(at);
                }
                _ => chars.insert(at, chars[at]),
            }
            out.extend(chars.iter());
        } else if strip && !word.is_ascii() {
            // Only non-ASCII characters lose accents.
            out.extend(word.chars().map(strip_accent));
        } else {
            out.push_str(word);
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    if case_roll < noise.shouting {
        out = out.to_uppercase();
    } else if case_roll < noise.shouting + noise.lowercase {
        out = out.to_lowercase();
    }
    *text = out;
}

/// The parts joined without a separator (`format!` without the formatting
/// machinery, for the generators' hot paths).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `prefix` and `number` zero-padded to `width` digits: what
/// `format!("{prefix}{number:0width$}")` gives.
pub(crate) fn numbered(prefix: &str, number: u64, width: usize) -> String {
    let mut digits = [b'0'; 20];
    let mut rest = number;
    let mut len = 0;
    while rest > 0 || len == 0 {
        digits[19 - len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let len = len.max(width.min(20));
    let mut out = String::with_capacity(prefix.len() + len.max(width));
    out.push_str(prefix);
    for _ in len..width {
        out.push('0');
    }
    out.extend(digits[20 - len..].iter().map(|&digit| char::from(digit)));
    out
}

/// `0` to `15` as text, for the small numbers templates mention.
pub(crate) const SMALL_NUMBERS: [&str; 16] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
];

/// Joins non-empty parts with spaces.
pub(crate) fn join_sentences(parts: &[&str], out: &mut String) {
    for part in parts.iter().filter(|part| !part.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::rng::StreamKey;

    #[test]
    fn numbered_pads_like_format() {
        for (number, width) in [
            (0, 0),
            (0, 7),
            (42, 6),
            (1_234_567, 7),
            (12_345_678, 7),
            (u64::MAX, 25),
        ] {
            assert_eq!(
                numbered("OT-", number, width),
                format!("OT-{number:0width$}")
            );
        }
        assert_eq!(concat(&["a", "", "bc"]), "abc");
    }

    #[test]
    fn fill_replaces_known_slots_only() {
        let mut out = String::new();
        fill(
            "en {via} nº {n} {otro}",
            &[("via", "Calle Mayor"), ("n", "3")],
            &mut out,
        );
        assert_eq!(out, "en Calle Mayor nº 3 {otro}");
    }

    #[test]
    fn noise_changes_some_texts_and_keeps_length_close() {
        let key = StreamKey::new(1, "practice", "text");
        let original =
            "La acera de la calle está levantada y es imposible pasar con el carrito del bebé";
        let mut changed = 0;
        for index in 0..200 {
            let mut text = original.to_owned();
            add_noise(&mut text, CITIZEN_NOISE, &mut key.record(index));
            if text != original {
                changed += 1;
            }
            let diff = text.chars().count().abs_diff(original.chars().count());
            assert!(diff <= 6, "{text}");
        }
        assert!((40..200).contains(&changed), "{changed}");
    }
}
