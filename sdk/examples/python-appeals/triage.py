"""The triage logic of the Python appeals agent: plain Python with no lab
imports, so `python3 -m unittest` tests it outside the sandbox.

The same method as the Rust `appeals-triage` example, in short: detect the
language, fold the text (case, accents, Kazakh letters typed on a Russian
keyboard, look-alike Latin letters in Cyrillic words, doubled letters),
score every `appeal_categories` code with the keyword lexicon, route the
category to the responsible body, set the priority from danger words, flag
appeals addressed to another body as misrouted, and draft a reply marked as
AI-generated.
"""

import unicodedata

import lexicon


class BadCase(Exception):
    """The case is not an appeal this agent can read (an `invalid-input`)."""


# appeal_categories.csv: code -> (madrid_unit, kz_body_kind). `JMD` is the
# district's junta (`JMD-<cod_distrito>`); a Kazakh body is `<kind>:<region KATO>`.
CATEGORIES = {
    "roads": ("AG-OEQ", "roads_transport"),
    "street_lighting": ("AG-OEQ", "housing_utilities"),
    "waste_cleaning": ("AG-UMM", "housing_utilities"),
    "green_areas": ("AG-UMM", "akimat"),
    "public_transport": ("EM-EMT", "roads_transport"),
    "traffic_parking": ("AG-UMM", "police"),
    "noise": ("AG-UMM", "ecology"),
    "air_quality": ("AG-UMM", "ecology"),
    "taxes": ("OA-ATM", "state_revenue"),
    "social_services": ("AG-PSF", "social_protection"),
    "public_health": ("OA-MSA", "health"),
    "education": ("JMD", "education"),
    "housing": ("EM-EMVS", "housing_utilities"),
    "public_safety": ("PM", "police"),
    "culture_sports": ("JMD", "culture_sports"),
    "citizen_services": ("DG-ATC", "public_services"),
    "employment": ("OA-AEM", "social_protection"),
    "animals": ("OA-MSA", "akimat"),
}
FALLBACK = "citizen_services"

REPUBLICAN = {
    "health": "ministry:health",
    "education": "ministry:education",
    "social_protection": "ministry:labour",
    "police": "ministry:internal_affairs",
    "state_revenue": "ministry:finance",
    "ecology": "ministry:ecology",
    "roads_transport": "ministry:transport",
    "housing_utilities": "ministry:industry",
    "culture_sports": "ministry:culture",
}

_FOLD = str.maketrans({
    "ё": "е", "й": "и", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о",
    "ұ": "у", "ү": "у", "һ": "х", "і": "и", "ñ": "n", "ç": "c",
    # Spelled as the Kazakh Latin alphabet writes them, so that a text
    # written in it and turned back into Cyrillic matches the lexicon.
    "я": "иа", "ю": "иу", "ц": "тс", "э": "е", "ь": "", "ъ": "",
})

# The 2021 Kazakh Latin alphabet back to Cyrillic (digraphs first).
_FROM_LATIN_DIGRAPHS = (("şç", "щ"), ("ch", "ч"), ("iu", "иу"), ("ia", "иа"), ("io", "ио"))
_FROM_LATIN = {
    "a": "а", "ä": "ә", "b": "б", "v": "в", "g": "г", "ğ": "ғ", "d": "д", "e": "е",
    "j": "ж", "z": "з", "i": "и", "k": "к", "q": "қ", "l": "л", "m": "м", "n": "н",
    "ñ": "ң", "o": "о", "ö": "ө", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
    "ū": "ұ", "ü": "ү", "f": "ф", "h": "х", "ş": "ш", "y": "ы", "ı": "і", "c": "тс",
    "w": "у", "x": "кс",
}


def from_kazakh_latin(text):
    """A text in the 2021 Kazakh Latin alphabet (Russian or Kazakh) back in
    Cyrillic, closely enough for the lexicon: the lab's script twins."""
    text = text.replace("İ", "i").lower()
    out, i = [], 0
    while i < len(text):
        for latin, cyrillic in _FROM_LATIN_DIGRAPHS:
            if text.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(_FROM_LATIN.get(text[i], text[i]))
            i += 1
    return "".join(out)
_LOOKALIKE = str.maketrans("acekmoptxy", "асекмортху")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _finish(word):
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in word)
    if cyrillic:
        word = word.translate(_LOOKALIKE)
    else:
        word = word.replace("v", "b")
        if len(word) > 1 and word[0] == "h" and word[1].isalpha():
            word = word[1:]
    out = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def words(text):
    """The folded words of `text`."""
    # Fold Kazakh and Russian letters before stripping accents: NFD would
    # turn `й` into `и` + a combining mark anyway, but `ё` must become `е`.
    folded = _strip_accents(text.lower().translate(_FOLD))
    out, word = [], []
    for ch in folded:
        if ch.isalnum():
            word.append(ch)
        elif word:
            out.append(_finish("".join(word)))
            word = []
    if word:
        out.append(_finish("".join(word)))
    return out


def _parse(text):
    """Rules `(target, weight, [term])`, a term being `[(stem, whole_word)]`."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        target, weight, terms = (part.strip() for part in line.split("|", 2))
        parsed = []
        for term in terms.split(","):
            stems = []
            for stem in term.split():
                whole = stem.endswith("=")
                folded = words(stem.rstrip("="))
                stems.extend((part, whole) for part in folded)
            if stems:
                parsed.append(stems)
        rules.append((target, float(weight), parsed))
    return rules


# Parsed at import, which componentize-py runs at build time: every case
# starts with the rules ready.
RULES = _parse(lexicon.TEXT)
# Every term with its rule's target and weight, flattened.
TERMS = [(target, weight, term) for target, weight, terms in RULES for term in terms]


class Text:
    """The folded words of an appeal, indexed for lexicon matching: a
    one-stem term is one set lookup, so a case costs a few thousand of them
    instead of a scan of every word for every term (the interpreter's fuel
    is the budget that matters)."""

    def __init__(self, text):
        self.words = words(text)
        self.whole = set(self.words)
        self.prefixes = {w[:i] for w in self.words for i in range(1, len(w) + 1)}
        self.scores = {}
        for target, weight, term in TERMS:
            if self._occurs(term):
                self.scores[target] = self.scores.get(target, 0.0) + weight

    def _has(self, stem, whole):
        return stem in (self.whole if whole else self.prefixes)

    def _occurs(self, term):
        if not all(self._has(stem, whole) for stem, whole in term):
            return False
        if len(term) == 1:
            return True
        ws, n = self.words, len(term)
        for start in range(len(ws) - n + 1):
            if all(
                (ws[start + i] == stem) if whole else ws[start + i].startswith(stem)
                for i, (stem, whole) in enumerate(term)
            ):
                return True
        return False

    def score(self, target):
        return self.scores.get(target, 0.0)


def classify(text):
    """The best category of a `Text` and a confidence in 0..1."""
    best, best_points, second = FALLBACK, 0.0, 0.0
    for code in CATEGORIES:
        points = text.score(code)
        if points > best_points:
            best, best_points, second = code, points, best_points
        elif points > second:
            second = points
    if best_points == 0:
        return FALLBACK, 0.15
    margin = (best_points - second) / best_points
    evidence = min(best_points, 4.0) / 4.0
    return best, round(min(0.3 + 0.35 * margin + 0.3 * evidence, 0.95), 2)


def priority(text, kind):
    if text.score("!urgent") > 0:
        return "urgent"
    no_heating = text.score("!heating") > 0
    if no_heating and text.score("!winter") > 0:
        return "urgent"
    if kind in ("felicitacion", "response"):
        return "low"
    if no_heating or text.score("!high") > 0:
        return "high"
    if text.score("!low") >= 1 or kind in ("sugerencia", "proposal"):
        return "low"
    return "medium"


def detect_language(text):
    if any(ch in KAZAKH_LETTERS for ch in text):
        return "kk"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    return "es"


def top_region(kato):
    kato = (kato or "").strip()
    if len(kato) != 9 or not kato.isdigit():
        return None
    return kato[:2] + "0000000"


def madrid_unit(category, district, addressee):
    unit = CATEGORIES[category][0]
    if unit != "JMD":
        return unit
    for raw in (district, (addressee or "").removeprefix("JMD-") if addressee else None):
        try:
            number = int((raw or "").strip())
        except ValueError:
            continue
        if 1 <= number <= 21:
            return "JMD-%02d" % number
    return "DG-ATC"


def kz_body(category, kato, addressee):
    kind = CATEGORIES[category][1]
    region = top_region(kato)
    if region is None and addressee and ":" in addressee:
        region = top_region(addressee.split(":", 1)[1])
    if region is None:
        return REPUBLICAN.get(kind, "corp:gov4c")
    return "%s:%s" % (kind, region)


AI_LABEL = {
    "es": "[Texto generado por inteligencia artificial. Borrador pendiente de revisión por el personal municipal.]",
    "ru": "[Текст создан искусственным интеллектом. Черновик, требует проверки сотрудником.]",
    "kk": "[Мәтінді жасанды интеллект жасаған. Жоба, қызметкер тексеруі тиіс.]",
}
RECEIVED = {
    "es": "Hemos recibido su comunicación sobre «{topic}». La tramitará: {body}.",
    "ru": "Ваше обращение по теме «{topic}» получено. Его рассмотрит: {body}.",
    "kk": "«{topic}» тақырыбындағы өтінішіңіз қабылданды. Оны қарайтын орган: {body}.",
}
URGENT = {
    "es": "Se ha marcado como urgente. Si hay peligro inmediato, llame al 112.",
    "ru": "Обращение отмечено как срочное. При непосредственной опасности звоните 112.",
    "kk": "Өтініш шұғыл деп белгіленді. Тікелей қауіп болса, 112 нөміріне қоңырау шалыңыз.",
}


def _label(entry, language):
    """The label of a code-list entry (`(code, [(lang, label)])`) in `language`."""
    if entry is None:
        return None
    code, labels = entry
    by_lang = dict(labels)
    return by_lang.get(language) or by_lang.get("ru") or by_lang.get("es") or code


def read_case(case):
    """What the agent reads from a case envelope (or a bare record)."""
    if not isinstance(case, dict):
        raise BadCase("the case is not a JSON object")
    record = case.get("record", case)
    if not isinstance(record, dict):
        raise BadCase("`record` is not a JSON object")

    def field(*names):
        for name in names:
            value = record.get(name, case.get(name))
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    text = field("text", "texto")
    if text is None:
        raise BadCase("the case has no appeal text (`text`, or `texto` for Madrid requests)")
    source = case.get("source") if isinstance(case.get("source"), str) else ""
    if source.startswith("madrid.") or "texto" in record:
        country = "ES"
    elif source.startswith("kz.") or "region_kato" in record:
        country = "KZ"
    else:
        country = None
    return {
        "text": text,
        "language": field("language", "idioma"),
        "addressee": field("addressee_body", "unidad_destino"),
        "district": field("cod_distrito"),
        "kato": field("region_kato"),
        "kind": field("type", "tipo"),
        "country": country,
    }


def triage(case, lookup=None):
    """The decision for `case`. `lookup(list, code)` answers
    `(code, [(lang, label)])` or `None` (the lab's `lookup-code`)."""
    appeal = read_case(case)
    text = appeal["text"]
    language = appeal["language"] if appeal["language"] in AI_LABEL else detect_language(text)
    country = appeal["country"] or ("ES" if language == "es" else "KZ")
    if country == "KZ" and not any("\u0400" <= ch <= "\u04ff" for ch in text):
        text = from_kazakh_latin(text)
    indexed = Text(text)
    category, confidence = classify(indexed)
    if country == "ES":
        body = madrid_unit(category, appeal["district"], appeal["addressee"])
        body_list = "madrid_units"
    else:
        body = kz_body(category, appeal["kato"], appeal["addressee"])
        body_list = "kz_bodies"
    prio = priority(indexed, appeal["kind"])
    misrouted = appeal["addressee"] is not None and appeal["addressee"] != body

    topic = body_name = None
    if lookup is not None:
        topic = _label(lookup("appeal_categories", category), language)
        body_name = _label(lookup(body_list, body), language)
    lines = [
        AI_LABEL[language],
        RECEIVED[language].format(topic=topic or category, body=body_name or body),
    ]
    if prio == "urgent":
        lines.append(URGENT[language])
    return {
        "category": category,
        "responsible_body": body,
        "priority": prio,
        "misrouted": misrouted,
        "confidence": confidence,
        "reply_draft": {"language": language, "text": "\n".join(lines), "ai_generated": True},
    }
