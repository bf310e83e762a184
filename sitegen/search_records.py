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
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache

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


def fold(text: str) -> str:
    """How search compares text: case and full-/half-width differences ignored (Ａ = A = a, ，= ,)."""
    return "".join(_fold_char(c) for c in text)


def _is_word(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


HIDDEN = 0xF0000  # plane 15, private use: neither letters nor digits


def hide(text: str) -> str:
    """The text with every BMP character moved to plane 15 (see the module's docstring)."""
    return "".join(chr(HIDDEN + ord(c)) if ord(c) < 0xFFFE else c for c in text)


def characters(texts: list[str]) -> str:
    """What Pagefind indexes for a record: its distinct folded letters and digits, one word each."""
    return " ".join(dict.fromkeys(c for text in texts for c in fold(text) if _is_word(c)))


# --- records ---------------------------------------------------------------------

def _provision_record(prov: Provision, order: int) -> dict:
    paras = [p.full_text.replace("\n", "") for p in prov.paragraphs]  # a 款 with its 项 and 目
    url = addresses.path_of(prov)
    return {"url": url, "content": characters(paras), "meta": {
        "o": f"{order:04d}",  # document order
        "u": url,
        "l": prov.name,  # 第七条 / 第（四）项 / 第九部分
        "h": prov.title,
        "a": "\n".join(p.anchor for p in prov.paragraphs),  # each paragraph's anchor
        "n": "\n".join(addresses.paragraph_name(prov, p) for p in prov.paragraphs),  # 第一款 …
        "p": "\n".join(paras),
    }}


def records(site: Site, links: Links) -> list[dict]:
    """Glossary terms (in the glossary's order), then provisions in document order.

    Each record is what Pagefind is given for it: url, content (the characters) and meta (in clear).
    """
    out = []
    terms = glossary_order(site)
    for i, term in enumerate(terms):
        occ = links.occurrences.get(term.slug, ())
        found = {o.doc.slug for o in occ}  # a set: scanning occ once per document is quadratic at scale
        docs = [d.slug for d in site.documents if d.slug in found]
        forms = list(term.forms)
        out.append({"url": f"{addresses.GLOSSARY}#{term.slug}", "content": characters(forms), "meta": {
            "o": f"{i:04d}",
            "s": term.slug,  # a glossary term
            "f": "\n".join(forms),  # the term, then its aliases
            "d": " ".join(docs),  # the documents it occurs in
            "c": str(len(occ)),  # how often
        }})
    order = 0
    for doc in site.documents:
        for prov in doc.provisions:
            out.append(_provision_record(prov, order))
            order += 1
    return out


def offline_index(recs: list[dict]) -> dict[str, str]:
    """search-index.js: the records as a classic script, for file:// where Pagefind cannot load."""
    data = [{"url": r["url"], "meta": r["meta"]} for r in recs]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {addresses.OFFLINE_INDEX: "window.SEARCH_INDEX=" + text + ";\n"}
