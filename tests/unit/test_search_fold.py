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
* both fold with the real site's traditional-character table (search_records.fold_table),
  which search-ui.js hands to search-text.js with `use`;
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

import pytest

from quality_support import node as node_executable
from sitegen import search_records

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "search-text.js"

# Loads static/search-text.js as the browser does (a classic script defining window.searchText).
LOAD = """
const fs = require("fs"), vm = require("vm");
const window = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), { window });
const { fold, terms, spans, use, simplify } = window.searchText;
use(process.argv[2] || "");
"""

FOLD_ALL = (
    LOAD
    + """
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
)


def node(script: str, table: dict[str, str] | None = None) -> subprocess.Popen:
    pairs = search_records.table_text(table or {})
    return subprocess.Popen(
        [node_executable(), "-e", script, str(SCRIPT), pairs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def table(real_site):
    site, links = real_site
    return search_records.fold_table(search_records.record_texts(search_records.records(site, links)))


def result(proc: subprocess.Popen):
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out)


def hexes(s: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in s)


def test_javascript_folds_every_character_as_python_does(table):
    proc = node(FOLD_ALL, table)  # runs while Python folds (two cores)
    changed_py: dict[int, str] = {}
    try:
        for cp in range(0x110000):
            c = chr(cp)
            if 0xD800 <= cp <= 0xDFFF or (cp > 0xFFFF and unicodedata.category(c) in ("Cn", "Co")):
                continue  # checked below, if node changes it
            f = search_records.fold(c, table)
            if f != c:
                changed_py[cp] = f
        js = result(proc)
        changed_js = {int(cp): f for cp, f in js["changed"].items()}
        for cp in changed_js.keys() - changed_py.keys():
            f = search_records.fold(chr(cp), table)
            if f != chr(cp):
                changed_py[cp] = f
    finally:
        search_records._fold_char.cache_clear()  # its cache is meant for a few thousand characters
        proc.kill()
    assert not js["inconsistent"], f"folding a text differs from folding its characters in planes {js['inconsistent']}"

    differ = sorted(
        cp for cp in changed_py.keys() | changed_js.keys() if changed_py.get(cp, chr(cp)) != changed_js.get(cp, chr(cp))
    )
    known_to_python = [cp for cp in differ if unicodedata.category(chr(cp)) != "Cn"]
    assert not known_to_python, "JavaScript and Python fold differently:\n" + "\n".join(
        f"U+{cp:04X} {unicodedata.name(chr(cp), '')}: Python {hexes(changed_py.get(cp, chr(cp)))}, "
        f"JavaScript {hexes(changed_js.get(cp, chr(cp)))}"
        for cp in known_to_python[:40]
    )

    # The rules themselves, on both sides: width and case fold; a length change does not.
    for cp, want in [
        (0xFF21, "a"),
        (0xFF10, "0"),
        (0xFF0C, ","),
        (0x0047, "g"),
        (0x3000, " "),
        (0x1F100, "0."),
        (0x2460, "1"),
    ]:
        assert changed_js[cp] == changed_py[cp] == want, f"U+{cp:04X}"
    for cp in (0xFB01, 0x0130, 0x1D400, 0x00BD, ord("科"), 0x3001):
        assert cp not in changed_js and cp not in changed_py, f"U+{cp:04X} must stay as it is"
    for c, want in zip("數貿揭掛帥長", "数贸揭挂帅长", strict=True):  # traditional: as the site writes it
        assert changed_js.get(ord(c), c) == changed_py.get(ord(c), c) == want, c
    assert len(changed_py) > 3000 + len(table)


TERMS_AND_SPANS = (
    LOAD
    + """
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
)


def test_query_terms_and_match_spans():
    got = result(node(TERMS_AND_SPANS))
    assert got["terms"] == [["知识产权", "保护", "g60"], [], []]
    assert got["spans"] == [
        [[1, 4], [5, 7]],  # overlapping matches merged: 创飞 + 飞地 = 创飞地
        [[0, 2], [2, 4]],  # adjacent matches stay apart
        [[0, 3], [3, 6]],  # offsets in the real text (full-width letters fold one to one)
        [],
    ]


def test_the_traditional_table_is_small_and_leaves_the_text_alone(real_site, table):
    site, links = real_site
    texts = search_records.record_texts(search_records.records(site, links))
    used = set(search_records.fold("".join(texts)))
    assert 200 < len(table) < 1000
    assert not used & table.keys(), "a character of the text is never folded to another"
    assert set(table.values()) <= used
    assert all(len(k) == len(v) == 1 and ord(k) < 0x10000 and ord(v) < 0x10000 for k, v in table.items())
    assert all(search_records.fold(t, table) == search_records.fold(t) for t in texts)


def test_pagefind_indexes_every_letter_and_digit_of_a_record_and_nothing_else(real_site):
    site, links = real_site
    recs = search_records.records(site, links)
    prov = next(r for r in recs if r["url"] == "yrd-decision/7.html")
    assert prov["meta"]["p"].count("\n") >= 1, "a provision of several paragraphs"
    for rec in recs:
        words = search_records.record_content(rec).split(" ")
        text = search_records.fold(search_records.record_texts([rec])[0])
        assert len(words) == len(set(words)) and all(len(w) == 1 and w in text for w in words)
        assert set(words) == {c for c in text if c.isalnum()}  # the line breaks between paragraphs drop out


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_the_text_written_in_traditional_characters_folds_back(real_site, table, config):
    """OpenCC's own converter (opencc-py), phrase by phrase, writes every record in traditional
    characters (standard, Taiwan, Hong Kong); folded, it is the text again, character for character."""
    import opencc

    site, links = real_site
    convert = opencc.OpenCC(config).convert
    changed = 0
    for text in search_records.record_texts(search_records.records(site, links)):
        traditional = convert(text)
        changed += traditional != text
        assert search_records.fold(traditional, table) == search_records.fold(text, table), traditional
    assert changed > 50


SIMPLIFY = (
    LOAD
    + """
process.stdout.write(JSON.stringify([simplify("數字貿易 Ｇ６０"), fold("揭榜掛帥"), terms("長三角 长三角")]));
"""
)


def test_simplify_changes_traditional_characters_only(table):
    assert result(node(SIMPLIFY, table)) == ["数字贸易 Ｇ６０", "揭榜挂帅", ["长三角"]]
