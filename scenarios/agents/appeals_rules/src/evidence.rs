//! The evidence the `appeals-triage` description says sets a priority —
//! a danger to life or health, vulnerable persons affected, harm already
//! done, an earlier appeal unanswered — read from folded text by phrases
//! (Kazakh, Russian, Spanish), and the description's priority rule.

/// Phrases of a danger to life or health (folded, as `govlab_textmodel::fold` gives).
const HAZARD: &[&str] = &[
    // ru
    "опасно для жизни",
    "угроза жизни",
    "может случиться беда",
    "люди могут пострадать",
    "открытый люк",
    "провал в асфальте",
    "не огорожен",
    "без ограждения",
    "по колено",
    "размером с машину",
    "будет авария",
    "вылетают на встречку",
    "оголенные провода",
    "висят провода",
    "ударить током",
    "вот-вот рухнет",
    "может упасть на людей",
    "висит над тротуаром",
    "на провода",
    "на проводах",
    "чуть не сбили",
    "поножовщин",
    "угрожали ножом",
    "избили",
    "притон",
    "шприцы",
    "кусают людей",
    "покусали",
    "нападают стаей",
    "пахнет газом",
    "запах газа",
    "обваливается",
    "может рухнуть",
    "куски падают",
    "жить опасно",
    "батареи холодные",
    "дети мерзнут",
    "испорченное мясо",
    "вспышка инфекции",
    "нечистоты",
    "угроза инфекции",
    "инфекционная опасность",
    "кружится голова",
    "задыхаются",
    "угарный газ",
    "угроза отравления",
    // kk (folded)
    "омирге кауипти",
    "кауип тондиреди",
    "денсаулыгына кауип бар",
    "апат болуы мумкин",
    "ашык люк",
    "коршалмаган",
    "тизеге дейин",
    "коликтей улкен",
    "апат болады",
    "ашык сымдар",
    "сымдар салбырап",
    "ток согуы",
    "кез келген сатте кулайды",
    "сымдардын устине",
    "адамдарга кулауы",
    "кагып кете жаздады",
    "пышакпен",
    "урып-сокты",
    "нашакорлар",
    "шприцтер",
    "адамдарды кабады",
    "адамды капты",
    "шабуыл жасайды",
    "газдын иси",
    "газ иси",
    "кулап жатыр",
    "батареялар суык",
    "балалар тонып",
    "бузылган ет",
    "уланганда",
    "инфекция кауп",
    "инфекция таралуы",
    "басы айналады",
    "тынысы тарылады",
    "иис газы",
    "улану кауп",
    // es (folded)
    "peligro para",
    "riesgo real",
    "riesgo para la salud",
    "accidente en cualquier momento",
    "tapa de alcantarilla",
    "zanja sin vallar",
    "mitad del carril",
    "rueda entera",
    "invaden el otro sentido",
    "va a haber un accidente",
    "cables pelados",
    "cuelgan cables",
    "una descarga",
    "suelta de la base",
    "se puede caer",
    "esta rajada",
    "ha caido sobre",
    "casi atropellan",
    "no paran",
    "navajas",
    "cuchillo",
    "jeringuillas",
    "mordido",
    "atacan a la gente",
    "huele a gas",
    "olor fuerte a gas",
    "cayendo a trozos",
    "desprenderse",
    "intoxicacion",
    "un brote",
    "agua fecal",
    "aguas residuales",
    "se marea",
    "cuesta respirar",
    "monoxido",
];

/// Phrases of children, elderly, disabled or ill persons affected.
const VULNERABLE: &[&str] = &[
    // ru
    "школа",
    "детский сад",
    "детская площадка",
    "каждый день ходят",
    "каждый день гуляют",
    "живут пожилые",
    "живут пенсионеры",
    "живут ветераны",
    "инвалид",
    "на коляске",
    "маленькие дети",
    "грудной",
    "беременн",
    "бабушка",
    "пожилая соседка",
    "дети ходят в школу",
    "в садик",
    "по зрению",
    // kk
    "мектеп бар",
    "балабакша бар",
    "балалар аланы бар",
    "балалар мектепке",
    "балабакшага апарады",
    "балалар журеди",
    "балалар ойнайды",
    "карт адамдар",
    "зейнеткерлер",
    "ардагерлер",
    "мугедек",
    "арбамен",
    "емшектеги",
    "жукти",
    "кишкентай балалар",
    "ге келген аже",
    "карт коршим",
    // es
    "un colegio",
    "parque infantil",
    "pasan ninos",
    "personas mayores",
    "viven jubilados",
    "silla de ruedas",
    "discapacidad",
    "dependiente",
    "ninos pequenos",
    "un bebe",
    "embarazada",
    "vive sola",
    "vive solo",
    "los ninos al colegio",
    "ninos a la guarderia",
];

/// Phrases of harm already done.
const HARM: &[&str] = &[
    // ru
    "сломал",
    "поврежд",
    "получили травмы",
    "пострадали",
    "травмпункт",
    "приступы астмы",
    "заболел",
    "были в больнице",
    "вызывали скорую",
    "сбили пешехода",
    "пострадал ребенок",
    "увезла скорая",
    "отравление",
    "кишечная инфекция",
    // kk
    "сындырды",
    "жаракат алды",
    "зардап шекти",
    "ауырып калды",
    "демикпеси",
    "жедел жардем шакырдык",
    "ауруханада",
    "кагып кетти",
    // es
    "se cayo",
    "se rompio",
    "se hizo dano",
    "se lesiono",
    "se han hecho dano",
    "ir a urgencias",
    "crisis de asma",
    "enfermo",
    "fuimos a urgencias",
    "al 112",
    "atropellaron",
    "resulto herido",
    "en ambulancia",
];

/// Phrases of an earlier appeal unanswered or out of time.
const REPEATED: &[&str] = &[
    // ru
    "повторно",
    "-й раз",
    "ответа нет",
    "отпиской",
    "срок рассмотрения",
    "обещали решить",
    "обещали проверить",
    "второе обращение",
    "третье обращение",
    "не первое обращение",
    "без решения",
    "без ответа",
    // kk
    "кайталап",
    "рет жазып",
    "жауап жок",
    "формалды жауап",
    "карау мерзими",
    "жумыс кунинде шешемиз",
    "тексеремиз деди",
    "екинши",
    "ушинши",
    "биринши емес",
    "шешилмей жабылды",
    "жауапсыз",
    // es
    "vez que lo comunico",
    "lo comunico de nuevo",
    "sigue sin respuesta",
    "se cerro sin hacer nada",
    "mas de tres meses",
    "no he tenido respuesta",
    "nadie ha contestado",
    "lo revisarian",
    "vez que escribo",
    "quedo sin respuesta",
    "sin solucion",
];

/// How an appeal's type weighs on its priority (the description's rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gravity {
    /// Complaints, applications, Avisos, reclamaciones.
    Serious,
    /// Proposals, requests for information, sugerencias.
    Mild,
    /// Thanks and feedback on a reply.
    Thanks,
}

impl Gravity {
    /// The gravity of an appeal type (`type` or `tipo`).
    pub fn of(kind: &str) -> Gravity {
        match kind {
            "application" | "complaint" | "aviso" | "reclamacion" => Gravity::Serious,
            "response" | "felicitacion" => Gravity::Thanks,
            _ => Gravity::Mild,
        }
    }
}

/// The evidence found in a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// A danger to life or health.
    pub hazard: bool,
    /// Vulnerable persons affected.
    pub vulnerable: bool,
    /// Harm already done.
    pub harm: bool,
    /// An earlier appeal unanswered.
    pub repeated: bool,
}

impl Evidence {
    /// Reads the evidence in `folded` text.
    pub fn read(folded: &str) -> Evidence {
        let any = |phrases: &[&str]| phrases.iter().any(|phrase| folded.contains(phrase));
        Evidence {
            hazard: any(HAZARD),
            vulnerable: any(VULNERABLE),
            harm: any(HARM),
            repeated: any(REPEATED),
        }
    }

    /// The description's rule: urgent = a danger that affects a vulnerable
    /// person or has hurt someone; high = a danger alone, or two of
    /// vulnerable / harm / repeated; medium = one of them or a serious
    /// type; low otherwise; thanks are always low.
    pub fn priority(self, gravity: Gravity) -> &'static str {
        let others = u8::from(self.vulnerable) + u8::from(self.harm) + u8::from(self.repeated);
        match gravity {
            Gravity::Thanks => "low",
            _ if self.hazard && (self.vulnerable || self.harm) => "urgent",
            _ if self.hazard || others >= 2 => "high",
            _ if others == 1 || gravity == Gravity::Serious => "medium",
            _ => "low",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_folded_so_they_can_match() {
        for phrase in HAZARD.iter().chain(VULNERABLE).chain(HARM).chain(REPEATED) {
            assert_eq!(&govlab_textmodel::fold(phrase), phrase);
        }
    }

    #[test]
    fn the_rule_reads_evidence_and_ignores_ruled_out_dangers() {
        let read = |text: &str| Evidence::read(&govlab_textmodel::fold(text));
        let urgent = read("Из столба торчат оголённые провода. Рядом школа.");
        assert_eq!(urgent.priority(Gravity::Serious), "urgent");
        let calm = read("Угрозы для жизни нет, но неприятно.");
        assert_eq!(calm, Evidence::default());
        assert_eq!(calm.priority(Gravity::Mild), "low");
        let kazakh = read("Өмірге қауіп жоқ, бірақ ыңғайсыз.");
        assert_eq!(kazakh, Evidence::default());
    }
}
