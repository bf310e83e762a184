"""Python and JavaScript fold text the same way (no browser; a few seconds).

The build folds what Pagefind indexes with `sitegen.search_records.fold`; the
browser folds queries and page text with `fold` in static/search-text.js. If they
disagree on a character, a query holding it finds nothing on the web. This runs
the shared script itself under `node` and compares the two on every code point:

* node folds every code point (surrogates excepted: they are not characters,
  and no text read from UTF-8 holds one), one at a time and as whole planes,
  and reports each code point its fold changes;
* Python folds every BMP code point, every code point its Unicode database
  assigns, and every code point node changed. The rest (unassigned or private
  use in Python's database, left alone by node) fold to themselves on both
  sides: Python has no mapping for a character its database does not know;
* the results must be equal, except for characters that Python's Unicode
  database (`unicodedata.unidata_version`, 14.0 in Python 3.11) does not know
  yet and node's ICU does (Unicode 17 in Node 20.20, 56 characters, e.g. U+A7CB);
  the build cannot fold what its Python does not know. Browsers bring their own
  ICU, so the same holds there for their Unicode version.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

from quality_support import node as node_executable
from sitegen import search_records

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "search-text.js"

# Loads static/search-text.js as the browser does (a classic script defining window.searchText).
LOAD = """
const fs = require("fs"), vm = require("vm");
const window = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), { window });
const { fold, terms, spans } = window.searchText;
"""

FOLD_ALL = LOAD + """
const changed = {}, inconsistent = [];
for (let plane = 0; plane <= 0x10; plane++) {
  const chars = [];
  for (let cp = plane << 16; cp < (plane + 1) << 16; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const c = String.fromCodePoint(cp), f = fold(c);
    chars.push(c);
    if (f !== c) changed[cp] = f;
  }
  // Folding a text is folding each of its characters.
  if (fold(chars.join("")) !== chars.map((c) => fold(c)).join("")) inconsistent.push(plane);
}
process.stdout.write(JSON.stringify({ changed, inconsistent }));
"""


def node(script: str) -> subprocess.Popen:
    return subprocess.Popen([node_executable(), "-e", script, str(SCRIPT)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


def result(proc: subprocess.Popen):
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out)


def hexes(s: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in s)


def test_javascript_folds_every_character_as_python_does():
    proc = node(FOLD_ALL)  # runs while Python folds (two cores)
    changed_py: dict[int, str] = {}
    try:
        for cp in range(0x110000):
            c = chr(cp)
            if 0xD800 <= cp <= 0xDFFF or (cp > 0xFFFF and unicodedata.category(c) in ("Cn", "Co")):
                continue  # checked below, if node changes it
            f = search_records.fold(c)
            if f != c:
                changed_py[cp] = f
        js = result(proc)
        changed_js = {int(cp): f for cp, f in js["changed"].items()}
        for cp in changed_js.keys() - changed_py.keys():
            f = search_records.fold(chr(cp))
            if f != chr(cp):
                changed_py[cp] = f
    finally:
        search_records._fold_char.cache_clear()  # its cache is meant for a few thousand characters
        proc.kill()
    assert not js["inconsistent"], f"folding a text differs from folding its characters in planes {js['inconsistent']}"

    differ = sorted(cp for cp in changed_py.keys() | changed_js.keys()
                    if changed_py.get(cp, chr(cp)) != changed_js.get(cp, chr(cp)))
    known_to_python = [cp for cp in differ if unicodedata.category(chr(cp)) != "Cn"]
    assert not known_to_python, "JavaScript and Python fold differently:\n" + "\n".join(
        f"U+{cp:04X} {unicodedata.name(chr(cp), '')}: Python {hexes(changed_py.get(cp, chr(cp)))}, "
        f"JavaScript {hexes(changed_js.get(cp, chr(cp)))}" for cp in known_to_python[:40])

    # The rules themselves, on both sides: width and case fold; a length change does not.
    for cp, want in [(0xFF21, "a"), (0xFF10, "0"), (0xFF0C, ","), (0x0047, "g"), (0x3000, " "),
                     (0x1F100, "0."), (0x2460, "1")]:
        assert changed_js[cp] == changed_py[cp] == want, f"U+{cp:04X}"
    for cp in (0xFB01, 0x0130, 0x1D400, 0x00BD, ord("科"), 0x3001):
        assert cp not in changed_js and cp not in changed_py, f"U+{cp:04X} must stay as it is"
    assert len(changed_py) > 3000


TERMS_AND_SPANS = LOAD + """
process.stdout.write(JSON.stringify({
  terms: [terms("  知识产权\u3000保护 知识产权 Ｇ６０ "), terms(""), terms(null)],
  spans: [
    spans("科创飞地，飞地", ["创飞", "飞地"]),
    spans("abab", ["ab"]),
    spans("ＡＢＣabc", ["bc", "abc"]),
    spans("长三角", ["元"]),
  ],
}));
"""


def test_query_terms_and_match_spans():
    got = result(node(TERMS_AND_SPANS))
    assert got["terms"] == [["知识产权", "保护", "g60"], [], []]
    assert got["spans"] == [
        [[1, 4], [5, 7]],  # overlapping matches merged: 创飞 + 飞地 = 创飞地
        [[0, 2], [2, 4]],  # adjacent matches stay apart
        [[0, 3], [3, 6]],  # offsets in the real text (full-width letters fold one to one)
        [],
    ]

