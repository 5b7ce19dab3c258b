// The triage logic of the JavaScript appeals agent: plain JavaScript with no
// lab imports, so `node --test` tests it outside the sandbox.
//
// The same method as the Rust `appeals-triage` example, in short: detect the
// language, fold the text (case, accents, Kazakh letters typed on a Russian
// keyboard, look-alike Latin letters in Cyrillic words, doubled letters),
// score every `appeal_categories` code with the keyword lexicon, route the
// category to the responsible body, set the priority from danger words, flag
// appeals addressed to another body as misrouted, and draft a reply marked as
// AI-generated.

import { TEXT } from './lexicon.js';

/** The case is not an appeal this agent can read (an `invalid-input`). */
export class BadCase extends Error {}

// appeal_categories.csv: code -> [madrid_unit, kz_body_kind]. `JMD` is the
// district's junta (`JMD-<cod_distrito>`); a Kazakh body is `<kind>:<region KATO>`.
export const CATEGORIES = {
  roads: ['AG-OEQ', 'roads_transport'],
  street_lighting: ['AG-OEQ', 'housing_utilities'],
  waste_cleaning: ['AG-UMM', 'housing_utilities'],
  green_areas: ['AG-UMM', 'akimat'],
  public_transport: ['EM-EMT', 'roads_transport'],
  traffic_parking: ['AG-UMM', 'police'],
  noise: ['AG-UMM', 'ecology'],
  air_quality: ['AG-UMM', 'ecology'],
  taxes: ['OA-ATM', 'state_revenue'],
  social_services: ['AG-PSF', 'social_protection'],
  public_health: ['OA-MSA', 'health'],
  education: ['JMD', 'education'],
  housing: ['EM-EMVS', 'housing_utilities'],
  public_safety: ['PM', 'police'],
  culture_sports: ['JMD', 'culture_sports'],
  citizen_services: ['DG-ATC', 'public_services'],
  employment: ['OA-AEM', 'social_protection'],
  animals: ['OA-MSA', 'akimat'],
};
const FALLBACK = 'citizen_services';

const REPUBLICAN = {
  health: 'ministry:health',
  education: 'ministry:education',
  social_protection: 'ministry:labour',
  police: 'ministry:internal_affairs',
  state_revenue: 'ministry:finance',
  ecology: 'ministry:ecology',
  roads_transport: 'ministry:transport',
  housing_utilities: 'ministry:industry',
  culture_sports: 'ministry:culture',
};

// An explicit fold table rather than `normalize('NFD')`: it does not depend
// on the engine's Unicode data.
const FOLD = {
  á: 'a', à: 'a', â: 'a', ä: 'a', ã: 'a', é: 'e', è: 'e', ê: 'e', ë: 'e',
  í: 'i', ì: 'i', î: 'i', ï: 'i', ó: 'o', ò: 'o', ô: 'o', ö: 'o', õ: 'o',
  ú: 'u', ù: 'u', û: 'u', ü: 'u', ñ: 'n', ç: 'c', ё: 'е', й: 'и', ә: 'а',
  ғ: 'г', қ: 'к', ң: 'н', ө: 'о', ұ: 'у', ү: 'у', һ: 'х', і: 'и',
  // Spelled as the Kazakh Latin alphabet writes them, so that a text written
  // in it and turned back into Cyrillic matches the lexicon.
  я: 'иа', ю: 'иу', ц: 'тс', э: 'е', ь: '', ъ: '',
};

// The 2021 Kazakh Latin alphabet back to Cyrillic (digraphs first).
const FROM_LATIN_DIGRAPHS = [['şç', 'щ'], ['ch', 'ч'], ['iu', 'иу'], ['ia', 'иа'], ['io', 'ио']];
const FROM_LATIN = {
  a: 'а', ä: 'ә', b: 'б', v: 'в', g: 'г', ğ: 'ғ', d: 'д', e: 'е', j: 'ж', z: 'з',
  i: 'и', k: 'к', q: 'қ', l: 'л', m: 'м', n: 'н', ñ: 'ң', o: 'о', ö: 'ө', p: 'п',
  r: 'р', s: 'с', t: 'т', u: 'у', ū: 'ұ', ü: 'ү', f: 'ф', h: 'х', ş: 'ш', y: 'ы',
  ı: 'і', c: 'тс', w: 'у', x: 'кс',
};

/**
 * A text in the 2021 Kazakh Latin alphabet (Russian or Kazakh) back in
 * Cyrillic, closely enough for the lexicon: the lab's script twins.
 */
export function fromKazakhLatin(text) {
  const lower = text.replaceAll('İ', 'i').toLowerCase();
  let out = '';
  let i = 0;
  while (i < lower.length) {
    const digraph = FROM_LATIN_DIGRAPHS.find(([latin]) => lower.startsWith(latin, i));
    if (digraph) {
      out += digraph[1];
      i += digraph[0].length;
    } else {
      out += FROM_LATIN[lower[i]] ?? lower[i];
      i += 1;
    }
  }
  return out;
}
const LOOKALIKE = { a: 'а', c: 'с', e: 'е', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у' };
const KAZAKH_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/;
const CYRILLIC = /[\u0400-\u04ff]/;

const isWordChar = (ch) => ch.toLowerCase() !== ch.toUpperCase() || (ch >= '0' && ch <= '9');

function finish(word) {
  let chars = [...word];
  if (chars.some((ch) => CYRILLIC.test(ch))) {
    chars = chars.map((ch) => LOOKALIKE[ch] ?? ch);
  } else {
    chars = chars.map((ch) => (ch === 'v' ? 'b' : ch));
    if (chars.length > 1 && chars[0] === 'h' && isWordChar(chars[1]) && !(chars[1] >= '0' && chars[1] <= '9')) {
      chars = chars.slice(1);
    }
  }
  let out = '';
  for (const ch of chars) {
    if (out.length === 0 || out[out.length - 1] !== ch) out += ch;
  }
  return out;
}

/** The folded words of `text`. */
export function words(text) {
  const out = [];
  let word = '';
  for (const raw of text.toLowerCase()) {
    const ch = FOLD[raw] ?? raw;
    if (ch === '') continue;
    if (isWordChar(ch)) {
      word += ch;
    } else if (word) {
      out.push(finish(word));
      word = '';
    }
  }
  if (word) out.push(finish(word));
  return out;
}

/** Rules `{target, weight, terms}`, a term being `[[stem, wholeWord]]`. */
function parse(text) {
  const rules = [];
  for (let line of text.split('\n')) {
    line = line.trim();
    if (!line || line.startsWith('#')) continue;
    const [target, weight, ...rest] = line.split('|');
    const terms = [];
    for (const term of rest.join('|').split(',')) {
      const stems = [];
      for (const stem of term.trim().split(/\s+/).filter(Boolean)) {
        const whole = stem.endsWith('=');
        for (const part of words(whole ? stem.slice(0, -1) : stem)) stems.push([part, whole]);
      }
      if (stems.length) terms.push(stems);
    }
    rules.push({ target: target.trim(), weight: Number(weight), terms });
  }
  return rules;
}

// Parsed at module evaluation, which componentize-js runs at build time:
// every case starts with the rules ready.
const RULES = parse(TEXT);

// Every term with its rule's target and weight, flattened.
const TERMS = RULES.flatMap((rule) => rule.terms.map((term) => [rule.target, rule.weight, term]));

/**
 * The folded words of an appeal, indexed for lexicon matching: a one-stem
 * term is one set lookup, so a case costs a few thousand of them instead of
 * a scan of every word for every term (fuel is the budget that matters).
 */
class Text {
  constructor(text) {
    this.words = words(text);
    this.whole = new Set(this.words);
    this.prefixes = new Set();
    for (const word of this.words) {
      for (let i = 1; i <= word.length; i++) this.prefixes.add(word.slice(0, i));
    }
    this.scores = new Map();
    for (const [target, weight, term] of TERMS) {
      if (this.occurs(term)) this.scores.set(target, (this.scores.get(target) ?? 0) + weight);
    }
  }

  occurs(term) {
    if (!term.every(([stem, whole]) => (whole ? this.whole : this.prefixes).has(stem))) return false;
    if (term.length === 1) return true;
    const ws = this.words;
    for (let start = 0; start + term.length <= ws.length; start++) {
      if (term.every(([stem, whole], i) => (whole ? ws[start + i] === stem : ws[start + i].startsWith(stem)))) {
        return true;
      }
    }
    return false;
  }

  score(target) {
    return this.scores.get(target) ?? 0;
  }
}

/** The best category of a `Text` and a confidence in 0..1. */
function classify(text) {
  let best = FALLBACK;
  let bestPoints = 0;
  let second = 0;
  for (const code of Object.keys(CATEGORIES)) {
    const points = text.score(code);
    if (points > bestPoints) {
      second = bestPoints;
      best = code;
      bestPoints = points;
    } else if (points > second) {
      second = points;
    }
  }
  if (bestPoints === 0) return [FALLBACK, 0.15];
  const margin = (bestPoints - second) / bestPoints;
  const evidence = Math.min(bestPoints, 4) / 4;
  return [best, Math.round(Math.min(0.3 + 0.35 * margin + 0.3 * evidence, 0.95) * 100) / 100];
}

function priority(text, kind) {
  if (text.score('!urgent') > 0) return 'urgent';
  const noHeating = text.score('!heating') > 0;
  if (noHeating && text.score('!winter') > 0) return 'urgent';
  if (kind === 'felicitacion' || kind === 'response') return 'low';
  if (noHeating || text.score('!high') > 0) return 'high';
  if (text.score('!low') >= 1 || kind === 'sugerencia' || kind === 'proposal') return 'low';
  return 'medium';
}

function detectLanguage(text) {
  if (KAZAKH_LETTERS.test(text)) return 'kk';
  if (CYRILLIC.test(text)) return 'ru';
  return 'es';
}

function topRegion(kato) {
  const code = (kato ?? '').trim();
  return /^[0-9]{9}$/.test(code) ? `${code.slice(0, 2)}0000000` : null;
}

function madridUnit(category, district, addressee) {
  const unit = CATEGORIES[category][0];
  if (unit !== 'JMD') return unit;
  for (const raw of [district, addressee?.startsWith('JMD-') ? addressee.slice(4) : null]) {
    const text = (raw ?? '').trim();
    if (!/^[0-9]+$/.test(text)) continue;
    const number = Number(text);
    if (number >= 1 && number <= 21) return `JMD-${String(number).padStart(2, '0')}`;
  }
  return 'DG-ATC';
}

function kzBody(category, kato, addressee) {
  const kind = CATEGORIES[category][1];
  let region = topRegion(kato);
  if (region === null && addressee?.includes(':')) region = topRegion(addressee.split(':', 2)[1]);
  if (region === null) return REPUBLICAN[kind] ?? 'corp:gov4c';
  return `${kind}:${region}`;
}

const AI_LABEL = {
  es: '[Texto generado por inteligencia artificial. Borrador pendiente de revisión por el personal municipal.]',
  ru: '[Текст создан искусственным интеллектом. Черновик, требует проверки сотрудником.]',
  kk: '[Мәтінді жасанды интеллект жасаған. Жоба, қызметкер тексеруі тиіс.]',
};
const RECEIVED = {
  es: (topic, body) => `Hemos recibido su comunicación sobre «${topic}». La tramitará: ${body}.`,
  ru: (topic, body) => `Ваше обращение по теме «${topic}» получено. Его рассмотрит: ${body}.`,
  kk: (topic, body) => `«${topic}» тақырыбындағы өтінішіңіз қабылданды. Оны қарайтын орган: ${body}.`,
};
const URGENT = {
  es: 'Se ha marcado como urgente. Si hay peligro inmediato, llame al 112.',
  ru: 'Обращение отмечено как срочное. При непосредственной опасности звоните 112.',
  kk: 'Өтініш шұғыл деп белгіленді. Тікелей қауіп болса, 112 нөміріне қоңырау шалыңыз.',
};

/** The label of a code-list entry (`{code, labels: [[lang, label]]}`) in `language`. */
function label(entry, language) {
  if (!entry) return null;
  const byLang = Object.fromEntries(entry.labels);
  return byLang[language] ?? byLang.ru ?? byLang.es ?? entry.code;
}

/** What the agent reads from a case envelope (or a bare record). */
export function readCase(c) {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new BadCase('the case is not a JSON object');
  const record = c.record ?? c;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new BadCase('`record` is not a JSON object');
  }
  const field = (...names) => {
    for (const name of names) {
      const value = record[name] ?? c[name];
      if (typeof value === 'string' && value.trim()) return value.trim();
    }
    return null;
  };
  const text = field('text', 'texto');
  if (text === null) throw new BadCase('the case has no appeal text (`text`, or `texto` for Madrid requests)');
  const source = typeof c.source === 'string' ? c.source : '';
  let country = null;
  if (source.startsWith('madrid.') || 'texto' in record) country = 'ES';
  else if (source.startsWith('kz.') || 'region_kato' in record) country = 'KZ';
  return {
    text,
    language: field('language', 'idioma'),
    addressee: field('addressee_body', 'unidad_destino'),
    district: field('cod_distrito'),
    kato: field('region_kato'),
    kind: field('type', 'tipo'),
    country,
  };
}

/**
 * The decision for case `c`. `lookup(list, code)` answers
 * `{code, labels: [[lang, label]]}` or `undefined` (the lab's `lookup-code`).
 */
export function triage(c, lookup) {
  const appeal = readCase(c);
  const language = appeal.language in AI_LABEL ? appeal.language : detectLanguage(appeal.text);
  const country = appeal.country ?? (language === 'es' ? 'ES' : 'KZ');
  const text = country === 'KZ' && !CYRILLIC.test(appeal.text) ? fromKazakhLatin(appeal.text) : appeal.text;
  const indexed = new Text(text);
  const [category, confidence] = classify(indexed);
  const body =
    country === 'ES'
      ? madridUnit(category, appeal.district, appeal.addressee)
      : kzBody(category, appeal.kato, appeal.addressee);
  const bodyList = country === 'ES' ? 'madrid_units' : 'kz_bodies';
  const prio = priority(indexed, appeal.kind);
  const misrouted = appeal.addressee !== null && appeal.addressee !== body;

  const topic = lookup ? label(lookup('appeal_categories', category), language) : null;
  const bodyName = lookup ? label(lookup(bodyList, body), language) : null;
  const lines = [AI_LABEL[language], RECEIVED[language](topic ?? category, bodyName ?? body)];
  if (prio === 'urgent') lines.push(URGENT[language]);
  return {
    category,
    responsible_body: body,
    priority: prio,
    misrouted,
    confidence,
    reply_draft: { language, text: lines.join('\n'), ai_generated: true },
  };
}
