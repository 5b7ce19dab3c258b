// Tests of the triage logic, outside the sandbox: `npm test` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadCase, triage } from './triage.js';

const kz = (text) => ({
  case_id: 'c-1',
  source: 'kz.appeals',
  record: {
    id: 'OT-1', text, language: 'ru', region_kato: '751110000',
    addressee_body: 'akimat:750000000', type: 'complaint',
  },
});

test('a Kazakh appeal is routed to the regional body', () => {
  const decision = triage(kz('Во дворе не вывозят мусор уже неделю'));
  assert.equal(decision.category, 'waste_cleaning');
  assert.equal(decision.responsible_body, 'housing_utilities:750000000');
  assert.equal(decision.misrouted, true);
  assert.equal(decision.reply_draft.ai_generated, true);
});

test('a Madrid request goes to a Madrid unit', () => {
  const decision = triage({
    case_id: 'c-2',
    source: 'madrid.requests',
    record: {
      id: 'SYR-1', texto: 'Hay un bache enorme en la calzada', cod_distrito: '05',
      unidad_destino: 'AG-OEQ', tipo: 'reclamacion',
    },
  });
  assert.equal(decision.category, 'roads');
  assert.equal(decision.responsible_body, 'AG-OEQ');
  assert.equal(decision.misrouted, false);
  assert.equal(decision.reply_draft.language, 'es');
});

test('danger words make it urgent', () => {
  assert.equal(triage(kz('В подъезде сильно пахнет газом, утечка газа')).priority, 'urgent');
});

test('a text in the Kazakh Latin alphabet is read like Cyrillic', () => {
  const cyrillic = triage(kz('Во дворе не вывозят мусор, контейнеры переполнены'));
  const latin = triage(kz('Vo dvore ne vyvoziat musor, konteinery perepolneny'));
  assert.equal(latin.category, cyrillic.category);
  assert.equal(latin.priority, cyrillic.priority);
});

test('code-list labels reach the reply', () => {
  const decision = triage(kz('Во дворе не вывозят мусор'), (list, code) => ({ code, labels: [['ru', `Метка ${list}`]] }));
  assert.match(decision.reply_draft.text, /Метка appeal_categories/);
  assert.match(decision.reply_draft.text, /Метка kz_bodies/);
});

test('a case without text is bad input', () => {
  assert.throws(() => triage({ case_id: 'c-3', source: 'kz.appeals', record: { id: 'x' } }), BadCase);
  assert.throws(() => triage([1, 2]), BadCase);
});
