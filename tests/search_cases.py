"""The search cases every engine runs: a table of queries and the expected results.

Shared by tests/test_search.py (Chromium, in depth) and tests/test_engines.py (Chromium,
Gecko and WebKit, a smoke run), so every engine is held to the same table.

The expected results are computed here, from content/ directly (not through
sitegen): a provision matches when every space-separated term of the query
occurs in one of its paragraphs, compared without case and width differences
(NFKC, lower case).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import content

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DOCS = ("yrd-decision", "digital-trade-plan")


# --- what the content says, read independently of the generator ----------------------


def _front_matter(path: Path) -> tuple[dict, str]:
    return content.split(path)


def _plain(markdown: str) -> str:
    """A paragraph's text: lines joined (Chinese has no spaces), emphasis markup removed."""
    text = "".join(line.strip() for line in markdown.splitlines())
    return re.sub(r"(?<!\\)[*_]+", "", text).replace("\\", "")


def _provisions() -> dict[str, tuple[str, list[str]]]:
    """'yrd-decision/7.html' -> (paragraph anchor prefix, paragraphs), in document order."""
    out = {}
    for doc in DOCS:
        files = sorted((CONTENT / doc).glob("*.md"), key=lambda p: (p.stem.startswith("part"), p.stem))
        for path in files:
            if path.name.startswith("_"):
                continue
            fm, body = _front_matter(path)
            paras = [_plain(p) for p in re.split(r"\n[ \t]*\n", body.strip()) if p.strip()]
            if path.stem.startswith("part-"):
                page, prefix = f"{doc}/{path.stem}.html", path.stem
            else:
                n = int(path.stem)
                page, prefix = f"{doc}/{n}.html", (f"art-{n}" if doc == "yrd-decision" else f"item-{n}")
            assert fm.get("number", int(path.stem.split("-")[-1])) == int(path.stem.split("-")[-1]), path
            out[page] = (prefix, paras)
    return out


def _glossary() -> tuple[dict[str, list[str]], dict[str, tuple[str, str]]]:
    """slug -> the term and its aliases; slug -> (pinyin, English gloss)."""
    forms, latin = {}, {}
    for path in sorted((CONTENT / "glossary").glob("*.md")):
        fm, _ = _front_matter(path)
        forms[fm["slug"]] = [fm["term"], *(fm.get("aliases") or [])]
        latin[fm["slug"]] = (fm["pinyin"], fm["en"])
    return forms, latin


PROVISIONS = _provisions()
GLOSSARY, GLOSSARY_LATIN = _glossary()


def fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower()


def terms_of(query: str) -> list[str]:
    return list(dict.fromkeys(fold(query).split()))


def expected(query: str, doc: str = "") -> dict[str, str]:
    """page -> the anchor a result must link to: the paragraph with the most terms, the first of them."""
    terms, out = terms_of(query), {}
    for page, (prefix, paras) in PROVISIONS.items():
        if doc and not page.startswith(doc + "/"):
            continue
        folded = [fold(p) for p in paras]
        if all(any(t in p for p in folded) for t in terms):
            counts = [sum(t in p for t in terms) for p in folded]
            out[page] = f"{prefix}-p{counts.index(max(counts)) + 1}"
    return out


def _toneless(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", fold(s)) if not unicodedata.combining(c))


def latin_match(query: str, slug: str) -> bool:
    """A query in Latin letters finds a term by its pinyin (toneless, spaces optional, from the
    start of a syllable) or by its English gloss (every word of the query begins a word of it)."""
    q = _toneless(query)
    if not re.fullmatch(r"[a-z0-9\s]+", q) or len(q.replace(" ", "").strip()) < 2:
        return False
    pinyin, en = GLOSSARY_LATIN[slug]
    syllables = re.findall(r"[a-z0-9]+", _toneless(pinyin))
    joined = "".join(q.split())
    if any("".join(syllables[i:]).startswith(joined) for i in range(len(syllables))):
        return True
    words = re.findall(r"[a-z0-9]+", _toneless(en))
    return all(any(w.startswith(t) for w in words) for t in q.split())


def expected_terms(query: str) -> set[str]:
    terms = terms_of(query)
    return {
        slug
        for slug, forms in GLOSSARY.items()
        if all(any(t in fold(f) for f in forms) for t in terms) or latin_match(query, slug)
    }


def occurrences_in(text: str, terms: list[str]) -> int:
    f, n = fold(text), 0
    for t in terms:
        i = f.find(t)
        while i >= 0:
            n += 1
            i = f.find(t, i + len(t))
    return n


QUERIES = [
    "长三角",
    "知识产权",
    "飞地",
    "科创飞地",
    "挂帅",
    "创飞",
    "质量",
    "中试平台",
    "小语种",
    "元宇宙",  # occurs nowhere: no results
    "的",  # a single character
    "G60",
    "DEPA",
    "Chinagoods",
    "2027",
    "60",
    "goods",
    "chinaGOODS",
    "Ｇ６０",
    "数字 人才",  # several terms: all of them
    "  知识产权   保护 ",
    "协同发展，",  # full-width comma, as the text has it
    "协同发展,",  # half-width: the same (width is ignored)
    "1+3+N",
    "e港通",
    "，",
    "自主可控。省科学技术",  # across two paragraphs: not a match
]
NONE_EXPECTED = {"元宇宙", "自主可控。省科学技术"}
