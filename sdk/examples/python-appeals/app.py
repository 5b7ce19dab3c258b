"""A govlab agent in Python: the component's entry point.

componentize-py generates the `wit_world` package from `sdk/wit/` at build
time; the world's export `decide` is the method of the `WitWorld` class.
Build it (from this directory):

    componentize-py -d ../../wit -w agent componentize app -o agent.wasm
"""

import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import host
from wit_world.imports.types import AgentError, ErrorKind, LogLevel

import triage


def _lookup(list_name, code):
    entry = host.lookup_code(list_name, code)
    if entry is None:
        return None
    return entry.code, entry.labels


class WitWorld(wit_world.WitWorld):
    def decide(self, scenario: str, payload: str) -> str:
        # A typed error is raised as `Err(AgentError(kind, message))`.
        if scenario != "appeals-triage":
            raise Err(AgentError(ErrorKind.UNSUPPORTED,
                                 "this agent only triages appeals, not " + scenario))
        try:
            case = json.loads(payload)
        except ValueError as err:
            raise Err(AgentError(ErrorKind.INVALID_INPUT, "the case is not JSON: %s" % err))
        try:
            decision = triage.triage(case, _lookup)
        except triage.BadCase as err:
            raise Err(AgentError(ErrorKind.INVALID_INPUT, str(err)))
        host.log(LogLevel.INFO, "%s -> %s, %s" % (
            case.get("case_id", "?"), decision["category"], decision["responsible_body"]))
        return json.dumps(decision, ensure_ascii=False)
