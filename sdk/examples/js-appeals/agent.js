// A govlab agent in JavaScript: the component's entry point.
//
// componentize-js binds the WIT world `govlab:pilot/agent` (sdk/wit/): the
// world's export `decide` is this module's exported function, and the host
// interface is imported as `govlab:pilot/host@0.1.0`. Build it (from this
// directory) with `npm ci && npm run build`, which runs
//   componentize-js agent.js --wit ../../wit --world-name agent \
//       --disable http fetch-event -o agent.wasm
// (`http` and `fetch-event` are disabled so that the component does not
// import `wasi:http`, which the sandbox refuses).

import { log, lookupCode } from 'govlab:pilot/host@0.1.0';
import { BadCase, triage } from './triage.js';

/**
 * A typed error: throwing it makes `decide` return `err(agent-error)`.
 * `kind` is `invalid-input`, `unsupported` or `internal`.
 */
class AgentError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
    this.payload = { kind, message };
  }
}

export function decide(scenario, payload) {
  if (scenario !== 'appeals-triage') {
    throw new AgentError('unsupported', `this agent only triages appeals, not ${scenario}`);
  }
  let c;
  try {
    c = JSON.parse(payload);
  } catch (err) {
    throw new AgentError('invalid-input', `the case is not JSON: ${err.message}`);
  }
  let decision;
  try {
    decision = triage(c, (list, code) => lookupCode(list, code));
  } catch (err) {
    if (err instanceof BadCase) throw new AgentError('invalid-input', err.message);
    throw new AgentError('internal', String(err?.message ?? err));
  }
  log('info', `${c.case_id ?? '?'} -> ${decision.category}, ${decision.responsible_body}`);
  return JSON.stringify(decision);
}
