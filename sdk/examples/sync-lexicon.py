#!/usr/bin/env python3
"""Copies the Rust example's lexicon (appeals-triage/src/lexicon.txt) into
the Python and JavaScript examples (python-appeals/lexicon.py,
js-appeals/lexicon.js). Run it from anywhere after editing the lexicon;
tests/python_js_agents.rs fails while the copies differ."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
text = (HERE / "appeals-triage/src/lexicon.txt").read_text(encoding="utf-8")
assert '"""' not in text and "\\" not in text, "the lexicon cannot be a plain Python string"
(HERE / "python-appeals/lexicon.py").write_text(
    '"""The keyword lexicon, a copy of `sdk/examples/appeals-triage/src/lexicon.txt`\n'
    "(the Rust agent's; its header explains the format). Parsed once, when\n"
    'componentize-py pre-initialises the module at build time."""\n\n'
    'TEXT = """' + text + '"""\n',
    encoding="utf-8",
)
(HERE / "js-appeals/lexicon.js").write_text(
    "// The keyword lexicon, a copy of `sdk/examples/appeals-triage/src/lexicon.txt`\n"
    "// (the Rust agent's; its header explains the format). Parsed once, when\n"
    "// componentize-js pre-initialises the module at build time.\n\n"
    "export const TEXT = " + json.dumps(text, ensure_ascii=False) + ";\n",
    encoding="utf-8",
)
