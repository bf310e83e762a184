"""Addresses: where everything is published, and how a reader cites it (docs/architecture.md#addresses).

This module is the one place that knows a page path, an anchor rule or a citation's
wording. Every unit of a document (编, 章, 条, 款, 项 …) has a `Locator`: its document and
the path of (level, number) steps that number it. Its anchor, its page, its key, its
citation and the pattern that finds a citation of it in running text are all derived
here from that locator and the table of levels (sitegen/levels.py); the model's
properties, the renderer and its templates, the search records, the downloads, the
structured data, the manifest check and the preview ask this module, and the browser
scripts read what it computed from the pages and the search records.

Published addresses are promises to everyone who links: `published(site)` lists every
page and anchor the model says the site has, so `build.py check` can hold any content
tree to them and `anchors.txt` can be compared with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Protocol

from .levels import CN, LEGAL, POLICY, Level, level, levels

if TYPE_CHECKING:  # the model imports this module; the types are only for annotations
    from .model import Document, Site

# --- pages that are not made from one content object ---------------------------------

HOME = "index.html"
GLOSSARY = "glossary/index.html"
TOPICS = "topics/index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
GLOSSARY_SCRIPT = "glossary/terms.js"  # the popovers' definitions
OFFLINE_INDEX = "search-index.js"  # search's whole record set: file://, and the web on a small site
SEARCH_TERMS = "search-terms.json"  # with Pagefind: the glossary records and the fold table
PAGEFIND_DIR = "pagefind"
STATIC_DIR = "static"
DOWNLOAD_FORMATS = ("md", "txt", "json")

# The offline copy (sitegen/offline.py): the site as it works from disk, in one zip that
# only the full build writes (`--no-search` and `serve` skip it).
OFFLINE_ZIP = "offline.zip"
OFFLINE_README = "README.txt"  # inside the zip, beside its index.html: how to open it
# Of use only on a web server, so left out of the offline copy (with PAGEFIND_DIR).
SERVER_ONLY = (SITEMAP, ROBOTS, NOT_FOUND)

# Ids of a document's full text that are not units of the text.
EDITORIAL_NOTES = "editorial-notes"  # a document's 校勘说明
HISTORY = "history"  # the lines under the title that record its enactment (通过, 修正, 施行)

# The two families of structure (docs/content-format.md#structure).
STRUCTURES = (LEGAL, POLICY)
# How a 条 is numbered in front of its text: 一、 (decisions; the default, as the two published
# documents were written before the field existed) or 第一条 (most laws; what the importer writes).
ARTICLE_STYLES = ("一、", "第一条")


# --- locators: the one input of every unit's address ---------------------------------


@dataclass(frozen=True)
class Step:
    """One (level, number) step of a locator's path."""

    level: Level
    number: int  # 0: the one unnumbered unit of its level (附则, a sole 附件)
    ext: int = 0  # the N of 条之N
    cited: bool = True  # False for the sole 款 (段) of a provision, which a citation does not name

    @property
    def anchor(self) -> str:
        return self.level.anchor_of(self.number, self.ext)

    @property
    def name(self) -> str:
        """第七条 / 第二款 / 第（三）项 / 第1目 / 第三章 / 附则: how the text names this step."""
        return self.level.cite_of(self.number, self.ext)


@dataclass(frozen=True)
class Locator:
    """Where a unit is: its document and the steps that number it (docs/architecture.md#locators).

    The path holds the steps that number the unit, not every division around it: a 条 of
    a law is (条 12) whatever 章 it stands in, because 条 are numbered through the
    document; where numbers restart (章 in each 编 of 民法典), the path names the 编 too.
    """

    doc: str
    path: tuple[Step, ...]
    page_depth: int = 0  # how many leading steps name the page it is on; 0: the document's full text
    context: tuple[Step, ...] = ()  # named before the path in the long citation: a plan item's 部分

    @cached_property
    def anchor(self) -> str:
        """art-7-p2 / item-4 / book-2-chapter-4 / group-1-art-3 / annex-2."""
        return "-".join(step.anchor for step in self.path)

    @property
    def level(self) -> Level:
        return self.path[-1].level

    @property
    def number(self) -> int:
        return self.path[-1].number

    @property
    def stem(self) -> str:
        """The file stem of the page of the unit the locator ends at: 7 / 133-1 / part-9 / chapter-3."""
        return _stem(self.path)

    @cached_property
    def page(self) -> str:
        """The site path of the page the unit is on: <doc>/7.html, or the full text."""
        if not self.page_depth:
            return document_page(self.doc)
        return f"{self.doc}/{_stem(self.path[: self.page_depth])}.html"

    @property
    def key(self) -> str:
        """doc/stem: how content files name a provision (`related: [{to: digital-trade-plan/22}]`)."""
        return f"{self.doc}/{self.stem}"

    @property
    def name(self) -> str:
        return self.path[-1].name

    def where(self, short: bool = False) -> str:
        """第七条第二款 / 第三部分第（四）项 (short: 第（四）项) / 第二编第四章: the unit in its document."""
        steps = self.path if short else self.context + self.path
        return "".join(step.name for step in steps if step.cited)

    def child(self, row: Level, number: int, ext: int = 0, cited: bool = True, page: bool = False) -> Locator:
        """The locator of a unit numbered inside this one; `page`: the unit has its own page."""
        path = (*self.path, Step(row, number, ext, cited))
        return Locator(self.doc, path, len(path) if page else self.page_depth, self.context)


def _stem(path: tuple[Step, ...]) -> str:
    return "-".join(step.level.stem_of(step.number, step.ext) for step in path)


def locator(doc: str, family: str, *steps: tuple[str, int] | tuple[str, int, int], page: bool = True) -> Locator:
    """A locator written out: locator("yrd-decision", LEGAL, ("article", 7), ("paragraph", 2))."""
    path = tuple(Step(level(family, s[0]), s[1], s[2] if len(s) > 2 else 0) for s in steps)
    return Locator(doc, path, len(path) if page else 0)


def parse_stem(stem: str, family: str) -> tuple[tuple[str, int, int], ...] | None:
    """A provision file's stem → its path as (level, number, ext): 7 → (article 7), 133-1 →
    (article 133 之一), part-9, part-3-4 (item 4 of part 3, numbers restarting), group-2-5, annex-1,
    annex. The inverse of `Locator.stem` for the units that have pages; None if it is none."""
    return _stem_pattern(family)(stem)


@cache
def _stem_pattern(family: str):
    rows = [r for r in levels(family) if r.stem]
    alternatives = []
    for row in rows:
        if row.single:
            alternatives.append((row, re.compile(re.escape(row.single) + "$")))
        body = re.escape(row.stem).replace(r"\{n\}", r"([0-9]+)")
        if row.ext_anchor:
            body += "(?:-([0-9]+))?"
        alternatives.append((row, re.compile(body)))

    def parse(stem: str) -> tuple[tuple[str, int, int], ...] | None:
        out: list[tuple[str, int, int]] = []
        rest = stem
        while rest:
            for row, pattern in alternatives:
                m = pattern.match(rest)
                if m is None or (m.end() < len(rest) and rest[m.end()] != "-"):
                    continue
                numbers = [int(g) for g in m.groups() if g is not None]
                out.append((row.key, numbers[0] if numbers else 0, numbers[1] if len(numbers) > 1 else 0))
                rest = rest[m.end() + 1 :]
                break
            else:
                return None
        return tuple(out)

    return parse


# --- what a reader finds in running text: a citation of a unit ------------------------------


@cache
def reference_pattern(family: str) -> re.Pattern[str]:
    """A citation of a unit inside a document, as the text writes one: 第十二条第二款第（三）项,
    第一百三十三条之一, 第二编第四章, 第三部分第（四）项. Derived from the citation forms of the
    levels (sitegen/levels.py), so whatever `Locator.where` writes, this finds."""
    steps = "|".join(f"(?:{_cite_regex(row)})" for row in levels(family) if row.cite and "{" in row.cite)
    return re.compile(f"(?:{steps})+")


def _cite_regex(row: Level) -> str:
    body = re.escape(row.cite)
    body = body.replace(r"\{cn\}", f"[{CN}]+").replace(r"\{n\}", "[0-9]+")
    body = body.replace("（", "[（(]").replace("）", "[）)]")
    if row.ext_cite:
        body += "(?:" + re.escape(row.ext_cite).replace(r"\{cx\}", f"[{CN}]+") + ")?"
    return body


def parse_citation(text: str, family: str) -> tuple[tuple[str, int, int], ...] | None:
    """第十二条第二款第（三）项 → (("article", 12, 0), ("paragraph", 2, 0), ("point", 3, 0)): the
    inverse of `Locator.where` for one whole citation; None if `text` is not one."""
    from .levels import cn_value

    rows = [r for r in levels(family) if r.cite and "{" in r.cite]
    out: list[tuple[str, int, int]] = []
    pos = 0
    while pos < len(text):
        for row in rows:
            m = _cite_compiled(row).match(text, pos)
            if m:
                n = cn_value(m.group("n"))
                x = cn_value(m.group("x")) if m.groupdict().get("x") else 0
                out.append((row.key, n, x))
                pos = m.end()
                break
        else:
            return None
    return tuple(out) or None


@cache
def _cite_compiled(row: Level) -> re.Pattern[str]:
    body = re.escape(row.cite)
    body = body.replace(r"\{cn\}", f"(?P<n>[{CN}]+)").replace(r"\{n\}", "(?P<n>[0-9]+)")
    body = body.replace("（", "[（(]").replace("）", "[）)]")
    if row.ext_cite:
        body += "(?:" + re.escape(row.ext_cite).replace(r"\{cx\}", f"(?P<x>[{CN}]+)") + ")?"
    return re.compile(body)


# --- page paths -------------------------------------------------------------------------


def document_page(slug: str) -> str:
    return f"{slug}/index.html"


def term_page(slug: str) -> str:
    return f"glossary/{slug}.html"


def topic_page(slug: str) -> str:
    return f"topics/{slug}.html"


def download(slug: str, fmt: str) -> str:
    """A document's full text as .md / .txt / .json, beside its page."""
    return f"{slug}/{slug}.{fmt}"


def static(name: str) -> str:
    return f"{STATIC_DIR}/{name}"


def in_offline_copy(path: str) -> bool:
    """Whether a file of the built site goes into the offline copy: everything a reader
    uses from disk, not Pagefind (which cannot load from file://), not the server-only
    files, not the zip itself and not the build's own marker files."""
    return not (
        path in SERVER_ONLY or path == OFFLINE_ZIP or path.startswith((PAGEFIND_DIR + "/", ".")) or "/." in path
    )


def built_only_in_full(full: bool) -> set[str]:
    """Published addresses that only the full build writes, when this build is not one:
    a `--no-search` build or the preview leaves them out by choice, not by loss."""
    return set() if full else {OFFLINE_ZIP}


def topic_map_anchor(doc_slug: str) -> str:
    """The map of a document's provisions against the topics, on the topics page."""
    return f"map-{doc_slug}"


class HasPage(Protocol):
    """A document, division, provision, term or topic: each knows its page from the functions above."""

    @property
    def page(self) -> str: ...


def path_of(target: HasPage | str) -> str:
    """The page of a document, provision, term or topic, or a site path given as text."""
    return target if isinstance(target, str) else target.page


def relative(from_page: str, to: str) -> str:
    """A link from one site path to another that names a file, so it also works from file://."""
    src = from_page.split("/")[:-1]
    dst_path, _, frag = to.partition("#")
    dst = dst_path.split("/")
    common = 0
    while common < len(src) and common < len(dst) - 1 and src[common] == dst[common]:
        common += 1
    rel = "../" * (len(src) - common) + "/".join(dst[common:])
    return rel + (f"#{frag}" if frag else "")


def index_folder(path: str) -> str | None:
    """The folder a folder's index page stands for (`glossary/` for glossary/index.html, ``
    for the home page); None for any other page."""
    if path == HOME or path.endswith("/" + HOME):
        return path[: -len(HOME)]
    return None


def canonical(base_url: str, path: str) -> str:
    """The public URL of a site path; a folder's index.html is published as the folder."""
    folder = index_folder(path)
    return base_url + (path if folder is None else folder)


def root_path(base_url: str) -> str:
    """The path of the site's root on its host: `/` for https://example.org/, `/zj/` for …/zj/."""
    from urllib.parse import urlsplit

    return urlsplit(base_url).path or "/"


# --- how a reader cites a unit (docs/citations.md) ---------------------------------------


class Located(Protocol):
    @property
    def locator(self) -> Locator: ...


def location(unit: Located | None, short: bool = False) -> str:
    """第七条第二款 / 第三部分第（四）项 (short: 第（四）项) / 第十二条第二款第（三）项第1目 / 第三章."""
    return unit.locator.where(short) if unit is not None else ""


def citation(doc: Document, unit: Located | None = None, short: bool = False) -> str:
    """《…决定》第七条第二款 / 《…方案》第三部分第（四）项; the short form uses 《决定》 and leaves
    out the 部分. Without a unit: the document, 《…决定》."""
    return (doc.short_title if short else f"《{doc.title}》") + location(unit, short)


# --- the reference for a paper: GB/T 7714-2015, electronic resource (docs/citations.md) ---

REFERENCE_WHERE = "{where}"  # slots the browser fills at copy time (static/cite.js)
REFERENCE_DATE = "{date}"  # the reader's today, YYYY-MM-DD
REFERENCE_URL = "{url}"


def reference_where(unit: Located | None = None) -> str:
    """The part cited, as GB/T 7714's 其他题名信息 after the title: ': 第七条第二款' ('' for the whole)."""
    return f": {location(unit)}" if unit is not None else ""


def reference(
    doc: Document, where: str = REFERENCE_WHERE, accessed: str = REFERENCE_DATE, url: str = REFERENCE_URL
) -> str:
    """责任者. 题名[: 部分][EB/OL]. (发布或通过日期)[引用日期]. URL

    With the default arguments, the template the pages carry (`data-ref`) for the browser
    to fill in; with real ones, the reference itself. An issuer or a date the source does
    not give is left out, not guessed.
    """
    date = f"({doc.date})" if doc.date else ""
    who = f"{', '.join(doc.issuer)}. " if doc.issuer else ""
    return f"{who}{doc.title}{where}[EB/OL]. {date}[{accessed}]. {url}"


# --- codes on paper (sitegen/printcodes.py) --------------------------------------------

# Hosts reserved for examples and tests (RFC 2606, RFC 6761): a base URL there is a placeholder.
_PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
_PLACEHOLDER_TLDS = (".example", ".test", ".invalid", ".localhost", "localhost")


def is_placeholder(base_url: str) -> bool:
    """Whether the site's base URL is a placeholder that no reader can reach."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(base_url).hostname or "").rstrip(".")
    except ValueError:  # not a URL at all: no reader can reach it either
        return True
    return (
        not host
        or host.endswith(_PLACEHOLDER_TLDS)
        or any(host == h or host.endswith("." + h) for h in _PLACEHOLDER_HOSTS)
    )


def printed_codes(site: Site) -> list[str]:
    """The site paths whose printed page carries a QR code of their canonical URL: each
    provision's page, and on it each of its paragraphs where it has more than one (shown
    when printing from that paragraph's link). Not the full texts: a code costs 2–3 KB,
    and their printed address is enough."""
    out = []
    for doc in site.documents:
        for prov in doc.provisions:
            page = prov.page
            out.append(page)
            if len(prov.paragraphs) > 1:
                out += [f"{page}#{p.anchor}" for p in prov.paragraphs]
    return out


def url_of(base_url: str, address: str) -> str:
    """The public URL of a site path, with its #anchor if it has one."""
    path, _, anchor = address.partition("#")
    return canonical(base_url, path) + (f"#{anchor}" if anchor else "")


# --- everything the site promises -----------------------------------------------------


def published(site: Site, full: bool = True) -> list[str]:
    """Every page and `page#anchor` the model says the built site has, sorted.

    `anchors.txt` records these once published; `build.py check` proves the built
    site has each of them, for any content tree. `full`: the full build, which also
    writes the offline copy.
    """
    out = [HOME, GLOSSARY, TOPICS, SEARCH, SITEMAP, ROBOTS, OFFLINE_ZIP]
    out = [a for a in out if a not in built_only_in_full(full)]
    out += [f"{TOPICS}#{topic_map_anchor(doc.slug)}" for doc in site.documents]
    for doc in site.documents:
        doc_page = document_page(doc.slug)
        out.append(doc_page)
        out += [download(doc.slug, fmt) for fmt in DOWNLOAD_FORMATS]
        out += [f"{doc_page}#{a}" for a in document_anchors(doc)]
        for division in doc.divisions:
            if division.has_page:
                out.append(division.page)
                out += [f"{division.page}#{a}" for a in unit_anchors(division)]
        for prov in doc.provisions:
            out.append(prov.page)
            out += [f"{prov.page}#{a}" for a in unit_anchors(prov)]
    out += [f"{GLOSSARY}#{t.slug}" for t in site.terms]
    out += [term_page(t.slug) for t in site.terms]
    out += [topic_page(t.slug) for t in site.topics]
    return sorted(set(out))  # a part given as text shares its anchor with the part


def unit_anchors(unit) -> list[str]:
    """A division's or provision's anchors, and those of everything in it: its divisions, the
    places where the source lost a unit, its provisions, and their 款, 项 and 目."""
    out = [unit.anchor]
    for gap in getattr(unit, "missing", ()):
        out.append(gap.anchor)
    for child in getattr(unit, "children", ()):
        out += unit_anchors(child)
    for para in getattr(unit, "paragraphs", ()):
        out.append(para.anchor)
        out += [point.anchor for point in para.points]
    return out


def document_anchors(doc: Document) -> list[str]:
    """The anchors of a document's full text: its history, sections, divisions, gaps and provisions."""
    out = [HISTORY] if doc.history else []
    out += [s.anchor for s in doc.sections]
    for unit in doc.body:
        out += unit_anchors(unit)
    out.append(EDITORIAL_NOTES)
    return out


__all__ = [
    "HOME",
    "GLOSSARY",
    "TOPICS",
    "SEARCH",
    "NOT_FOUND",
    "SITEMAP",
    "ROBOTS",
    "GLOSSARY_SCRIPT",
    "OFFLINE_INDEX",
    "SEARCH_TERMS",
    "PAGEFIND_DIR",
    "STATIC_DIR",
    "DOWNLOAD_FORMATS",
    "EDITORIAL_NOTES",
    "HISTORY",
    "OFFLINE_ZIP",
    "OFFLINE_README",
    "SERVER_ONLY",
    "LEGAL",
    "POLICY",
    "STRUCTURES",
    "ARTICLE_STYLES",
    "Step",
    "Locator",
    "locator",
    "parse_stem",
    "reference_pattern",
    "parse_citation",
    "document_page",
    "term_page",
    "topic_page",
    "download",
    "static",
    "path_of",
    "in_offline_copy",
    "built_only_in_full",
    "topic_map_anchor",
    "relative",
    "index_folder",
    "canonical",
    "root_path",
    "location",
    "citation",
    "reference_where",
    "reference",
    "REFERENCE_WHERE",
    "REFERENCE_DATE",
    "REFERENCE_URL",
    "is_placeholder",
    "printed_codes",
    "url_of",
    "published",
    "unit_anchors",
    "document_anchors",
]
