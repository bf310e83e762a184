"""Addresses: where everything is published, and how a reader cites it (DESIGN.md §2).

This module is the one place that knows a page path, an anchor rule or a
citation's wording. The model's properties, the renderer and its templates, the
search records, the downloads, the structured data, the manifest check and the
preview all ask it; the browser scripts read what it computed from the pages and
the search records, and never rebuild an address themselves.

Published addresses are promises to everyone who links: `published(site)` lists
every page and anchor the model says the site has, so `build.py check` can hold
any content tree to them and `anchors.txt` can be compared with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .numerals import cn_number

if TYPE_CHECKING:  # the model imports this module; the types are only for annotations
    from .model import Book, Chapter, ChapterSection, Document, Item, Paragraph, Provision, Site

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

# Ids that are part of the page furniture, not the published anchors of a page.
EDITORIAL_NOTES = "editorial-notes"  # a document's 校勘说明

# --- anchors --------------------------------------------------------------------------

_PREFIX = {"article": "art", "item": "item", "part": "part"}


def provision_anchor(kind: str, number: int) -> str:
    """art-7 / item-4 / part-9."""
    return f"{_PREFIX[kind]}-{number}"


def paragraph_anchor(provision: str, index: int) -> str:
    """The N-th paragraph (款 / 段) of a provision: art-7-p2."""
    return f"{provision}-p{index}"


def part_anchor(number: int) -> str:
    return provision_anchor("part", number)


def item_anchor(number: int) -> str:
    """An item of a plan, also where the source lost it (the 〔原文缺失〕 notes)."""
    return provision_anchor("item", number)


def chapter_anchor(number: int) -> str:
    """A 章: chapter-3 (on its own page and on the full text)."""
    return f"chapter-{number}"


def chapter_section_anchor(chapter: int, number: int) -> str:
    """A 节 of a 章: chapter-3-section-2 (on its chapter's page and on the full text)."""
    return f"{chapter_anchor(chapter)}-section-{number}"


def book_anchor(number: int) -> str:
    """A 编 of a code: book-1 (on the full text only; DESIGN.md §6 gives it no page)."""
    return f"book-{number}"


def point_anchor(structure: str, parent: str, index: int, level: int = 1) -> str:
    """A numbered point inside a paragraph (DESIGN.md §6).

    法规型: a 项 inside a 款 is art-12-p2-i3, a 目 inside it art-12-p2-i3-s1;
    公文型: a sub-point 1. inside a 段 is item-4-p1-s1.
    """
    letter = "i" if structure == LEGAL and level == 1 else "s"
    return f"{parent}-{letter}{index}"


def provision_stem(kind: str, number: int) -> str:
    """The file stem of a provision's page: 7 / part-9."""
    return part_anchor(number) if kind == "part" else str(number)


# --- page paths -------------------------------------------------------------------------


def document_page(slug: str) -> str:
    return f"{slug}/index.html"


def provision_page(doc: str, kind: str, number: int) -> str:
    return f"{doc}/{provision_stem(kind, number)}.html"


def chapter_page(doc: str, number: int) -> str:
    """A 章's own page: <doc>/chapter-3.html."""
    return f"{doc}/{chapter_anchor(number)}.html"


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
    """A document, provision, term or topic: each knows its page from the functions above."""

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


# --- how a reader names and cites a provision (DESIGN.md §2, §6) -------------------------

# The two families of structure a document declares (DESIGN.md §6).
LEGAL = "法规型"  # 编 → 章 → 节 → 条 → 款 → 项 → 目
POLICY = "公文型"  # 部分 → 项 → 段 → 1.
STRUCTURES = (LEGAL, POLICY)
# How a 条 is numbered in front of its text: "一、" (decisions) or "第一条" (most laws).
ARTICLE_STYLES = ("一、", "第一条")

_UNIT = {"article": "条", "item": "项", "part": "部分"}
_PARAGRAPH_UNIT = {"article": "款", "item": "段", "part": "段"}


def unit(kind: str) -> str:
    """What the text calls one provision of this kind: 条 / 项 / 部分."""
    return _UNIT[kind]


def paragraph_unit(kind: str) -> str:
    """What a paragraph of this kind of provision is called: 款 in a 条, 段 elsewhere."""
    return _PARAGRAPH_UNIT[kind]


def display_label(kind: str, label: str, style: str = "一、") -> str:
    """How the text numbers a provision in front of it: 七、 / 第七条 / （四） / 九、."""
    if kind == "item":
        return label
    if kind == "article" and style == "第一条":
        return f"第{label}{unit(kind)}"
    return f"{label}、"


def display_separator(kind: str, style: str = "一、") -> str:
    """What separates the label from the text in plain text: nothing after 七、, a full-width space after 第七条."""
    return "\u3000" if kind == "article" and style == "第一条" else ""


def point_label(structure: str, index: int, level: int = 1) -> str:
    """（三） for a 项, 1. for a 目 or a sub-point of a 段."""
    return f"（{cn_number(index)}）" if structure == LEGAL and level == 1 else f"{index}."


def point_name(structure: str, index: int, level: int = 1) -> str:
    """第（三）项 / 第1目 / 第1点 (a sub-point of a plan's 段)."""
    if structure == LEGAL:
        return f"第{point_label(structure, index, level)}项" if level == 1 else f"第{index}目"
    return f"第{index}点"


def chapter_name(chapter: Chapter) -> str:
    """第三章."""
    return f"第{chapter.label}章"


def chapter_section_name(section: ChapterSection) -> str:
    """第二节."""
    return f"第{section.label}节"


def book_name(book: Book) -> str:
    """第一编."""
    return f"第{book.label}编"


def provision_name(prov: Provision) -> str:
    """第七条 / 第（四）项 / 第九部分: how a reader names a provision in running text."""
    return f"第{prov.label}{unit(prov.kind)}"


def provision_label(kind: str, number: int) -> str:
    """How the text numbers a provision: 七 / （四） (an item's label carries its brackets)."""
    label = cn_number(number)
    return f"（{label}）" if kind == "item" else label


def provision_name_of(kind: str, number: int) -> str:
    """第七条 / 第（四）项 / 第九部分, from a number alone (for messages about gaps)."""
    return f"第{provision_label(kind, number)}{unit(kind)}"


def paragraph_name(prov: Provision, para: Paragraph) -> str:
    """第二款 / 第二段."""
    return f"第{cn_number(para.index)}{paragraph_unit(prov.kind)}"


def part_name(label: str) -> str:
    """第三部分."""
    return f"第{label}{unit('part')}"


def location(
    prov: Provision,
    para: Paragraph | None = None,
    short: bool = False,
    point: Item | None = None,
    sub: Item | None = None,
) -> str:
    """第七条第二款 / 第三部分第（四）项 (short: 第（四）项): where in its document a provision is.

    A paragraph is named only where the provision has more than one; then a 项 and a
    目 inside it: 第十二条第二款第（三）项第1目 (DESIGN.md §6).
    """
    where = provision_name(prov)
    if prov.kind == "item" and not short and prov.part is not None:
        where = part_name(cn_number(prov.part)) + where
    if para is not None and len(prov.paragraphs) > 1:
        where += paragraph_name(prov, para)
    if point is not None:
        where += point.name
    if sub is not None:
        where += sub.name
    return where


def citation(
    doc: Document,
    prov: Provision | None = None,
    para: Paragraph | None = None,
    short: bool = False,
    point: Item | None = None,
    sub: Item | None = None,
) -> str:
    """《…决定》第七条第二款 / 《…方案》第三部分第（四）项; the short form uses 《决定》.
    Without a provision: the document, 《…决定》."""
    where = location(prov, para, short, point, sub) if prov is not None else ""
    return (doc.short_title if short else f"《{doc.title}》") + where


def chapter_citation(
    doc: Document, chapter: Chapter, section: ChapterSection | None = None, short: bool = False
) -> str:
    """《…条例》第三章 / 《条例》第三章第二节."""
    where = chapter_name(chapter) + (chapter_section_name(section) if section is not None else "")
    return (doc.short_title if short else f"《{doc.title}》") + where


# --- the reference for a paper: GB/T 7714-2015, electronic resource (docs/citations.md) ---

REFERENCE_WHERE = "{where}"  # slots the browser fills at copy time (static/cite.js)
REFERENCE_DATE = "{date}"  # the reader's today, YYYY-MM-DD
REFERENCE_URL = "{url}"


def reference_where(prov: Provision | None = None, para: Paragraph | None = None) -> str:
    """The part cited, as GB/T 7714's 其他题名信息 after the title: ': 第七条第二款' ('' for the whole)."""
    return f": {location(prov, para)}" if prov is not None else ""


def reference(
    doc: Document, where: str = REFERENCE_WHERE, accessed: str = REFERENCE_DATE, url: str = REFERENCE_URL
) -> str:
    """责任者. 题名[: 部分][EB/OL]. (发布或通过日期)[引用日期]. URL

    With the default arguments, the template the pages carry (`data-ref`) for the browser
    to fill in; with real ones, the reference itself.
    """
    date = f"({doc.date})" if doc.date else ""
    return f"{', '.join(doc.issuer)}. {doc.title}{where}[EB/OL]. {date}[{accessed}]. {url}"


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
    and they are near their weight limit; their printed address is enough."""
    out = []
    for doc in site.documents:
        for prov in doc.provisions:
            page = path_of(prov)
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
        for chapter in doc.chapters:
            page = chapter_page(doc.slug, chapter.number)
            out.append(page)
            out += [f"{page}#{a}" for a in chapter_anchors(chapter)]
        for prov in doc.provisions:
            page = path_of(prov)
            out.append(page)
            out += [f"{page}#{a}" for a in provision_anchors(prov)]
    out += [f"{GLOSSARY}#{t.slug}" for t in site.terms]
    out += [term_page(t.slug) for t in site.terms]
    out += [topic_page(t.slug) for t in site.topics]
    return sorted(set(out))  # a part given as text shares its anchor with the part


def provision_anchors(prov: Provision) -> list[str]:
    """A provision's own anchor, its paragraphs', and the 项 and 目 inside them."""
    out = [prov.anchor]
    for para in prov.paragraphs:
        out.append(para.anchor)
        for point in para.items:
            out.append(point.anchor)
            out += [sub.anchor for sub in point.items]
    return out


def chapter_anchors(chapter: Chapter) -> list[str]:
    """What a chapter page (and the full text) holds for the 章 itself: chapter-3, chapter-3-section-2."""
    return [chapter.anchor, *(s.anchor for s in chapter.sections)]


def document_anchors(doc: Document) -> list[str]:
    """The anchors of a document's full text: its sections, parts, gaps, 编/章/节 and provisions."""
    out = [s.anchor for s in doc.sections]
    out += [b.anchor for b in doc.books]
    for chapter in doc.chapters:
        out += chapter_anchors(chapter)
    for part in doc.parts:
        out.append(part.anchor)
        out += [item_anchor(n) for n in part.missing_items]
    for prov in doc.provisions:
        out += provision_anchors(prov)
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
    "OFFLINE_ZIP",
    "OFFLINE_README",
    "SERVER_ONLY",
    "LEGAL",
    "POLICY",
    "STRUCTURES",
    "ARTICLE_STYLES",
    "chapter_anchor",
    "chapter_section_anchor",
    "book_anchor",
    "point_anchor",
    "chapter_page",
    "display_separator",
    "point_label",
    "point_name",
    "chapter_name",
    "chapter_section_name",
    "book_name",
    "chapter_citation",
    "chapter_anchors",
    "provision_anchor",
    "paragraph_anchor",
    "part_anchor",
    "item_anchor",
    "provision_stem",
    "document_page",
    "provision_page",
    "term_page",
    "topic_page",
    "download",
    "static",
    "path_of",
    "in_offline_copy",
    "built_only_in_full",
    "topic_map_anchor",
    "relative",
    "canonical",
    "unit",
    "paragraph_unit",
    "display_label",
    "provision_name",
    "paragraph_name",
    "provision_name_of",
    "part_name",
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
    "provision_anchors",
    "document_anchors",
]
