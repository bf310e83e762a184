"""Link: the cross-references between provisions, topics and glossary terms.

Everything here is derived from the model in one linear pass per kind of link;
the result is an immutable `Links` that templates read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from collections.abc import Mapping

from .errors import Problems
from .glossary import Matcher
from .addresses import citation
from .model import Document, Provision, Relation, Site, Term


@dataclass(frozen=True)
class Occurrence:
    """A term found in a paragraph, with a line of context for the term page."""

    term: str
    provision: Provision | None  # None for a document's own sections (公告, 通知)
    doc: Document
    anchor: str  # the paragraph (or section) anchor
    where: str  # how a reader names the place: 第七条第二款, 公告, 第三部分标题
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Backlink:
    provision: Provision
    reason: str


@dataclass(frozen=True)
class Links:
    provisions: Mapping[str, Provision]  # key "yrd-decision/7" → provision
    related: Mapping[str, tuple[Backlink, ...]]  # what a provision names, resolved
    cited_by: Mapping[str, tuple[Backlink, ...]]  # what names a provision
    topics: Mapping[str, tuple[Provision, ...]]
    occurrences: Mapping[str, tuple[Occurrence, ...]]
    neighbours: Mapping[str, tuple[Provision | None, Provision | None]]
    matcher: Matcher
    order: Mapping[str, int]  # key → place in the site's reading order (the documents in order, each in its own)


CONTEXT = 24  # characters of context either side of a term on its page


def link_site(site: Site, problems: Problems) -> Links:
    provisions = {p.key: p for d in site.documents for p in d.provisions}

    related: dict[str, list[Backlink]] = {k: [] for k in provisions}
    cited_by: dict[str, list[Backlink]] = {k: [] for k in provisions}
    for prov in provisions.values():
        for rel in prov.related:
            target = provisions.get(rel.target)
            if target is None:
                problems.error(rel.source.path, rel.source.line, f"related target {rel.target!r} does not exist")
            elif target is prov:
                problems.error(rel.source.path, rel.source.line, "a provision cannot be related to itself")
            else:
                related[prov.key].append(Backlink(target, rel.reason))
                cited_by[target.key].append(Backlink(prov, rel.reason))

    topics: dict[str, list[Provision]] = {t.slug: [] for t in site.topics}
    for prov in provisions.values():
        for slug in prov.topics:
            topics.setdefault(slug, []).append(prov)

    neighbours = {}
    for doc in site.documents:
        seq = doc.provisions
        for i, prov in enumerate(seq):
            neighbours[prov.key] = (seq[i - 1] if i else None, seq[i + 1] if i + 1 < len(seq) else None)

    matcher = Matcher((form, t.slug) for t in site.terms for form in t.forms)
    occurrences: dict[str, list[Occurrence]] = {t.slug: [] for t in site.terms}
    for doc in site.documents:
        for section in doc.sections:
            first = section.blocks[0] if section.blocks else None
            where = first.text if first is not None and first.kind == "heading" else "序言"
            for block in section.blocks:
                _collect(matcher, block.text, doc, None, section.anchor, where, occurrences)
        for division in doc.divisions:
            if division.title:
                _collect(matcher, division.title, doc, None, division.anchor, f"{division.name}标题", occurrences)
        for prov in doc.provisions:
            for para in prov.paragraphs:
                _collect(matcher, para.full_text, doc, prov, para.anchor, citation(doc, para, short=True), occurrences)
    for term in site.terms:
        if not occurrences[term.slug]:
            problems.warn(term.source.path, term.source.line, f"term {term.term!r} occurs nowhere in the documents")

    freeze = MappingProxyType
    return Links(
        provisions=freeze(provisions),
        related=freeze({k: tuple(v) for k, v in related.items()}),
        cited_by=freeze({k: tuple(v) for k, v in cited_by.items()}),
        topics=freeze({k: tuple(v) for k, v in topics.items()}),
        occurrences=freeze({k: tuple(v) for k, v in occurrences.items()}),
        neighbours=freeze(neighbours),
        order=freeze({key: i for i, key in enumerate(provisions)}),
        matcher=matcher,
    )


def glossary_order(site: Site) -> list[Term]:
    """The glossary's order, which the index page and the search results share: as dictionaries
    order words, syllable by syllable, each by its toneless spelling (ü after u), then by tone."""
    return sorted(site.terms, key=lambda t: (pinyin_key(t.pinyin), t.slug))


_TONES = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}  # combining macron, acute, caron, grave


def pinyin_key(pinyin: str) -> tuple[tuple[str, int], ...]:
    """chuàng xīn → (("chuang", 4), ("xin", 1)); a neutral tone sorts after the fourth."""
    key = []
    for syllable in pinyin.lower().replace("-", " ").split():
        marks = unicodedata.normalize("NFD", syllable)
        tone = next((_TONES[c] for c in marks if c in _TONES), 5)
        bare = "".join(c for c in marks if not unicodedata.combining(c) or c == "\u0308")
        key.append((bare.replace("u\u0308", "v"), tone))
    return tuple(key)


def _collect(
    matcher: Matcher,
    text: str,
    doc: Document,
    prov: Provision | None,
    anchor: str,
    where: str,
    out: dict[str, list[Occurrence]],
) -> None:
    for start, end, slug in matcher.find(text):
        out[slug].append(
            Occurrence(
                slug,
                prov,
                doc,
                anchor,
                where,
                text[max(0, start - CONTEXT) : start],
                text[start:end],
                text[end : end + CONTEXT],
            )
        )


__all__ = ["Links", "Occurrence", "Backlink", "Relation", "link_site", "glossary_order"]
