"""The content model: what the site is about, read whole before anything is written.

Every object is frozen; later stages derive new objects and never mutate these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from . import addresses

# Provision, part and item numbers, and paragraphs per provision: 1 … MAX_NUMBER, each of
# which cn_number writes (七, 一百零一); the loader refuses anything else.
MAX_NUMBER = 999
GAP = "〔原文缺失〕"  # how the site marks text the source lost, on every page and download


@dataclass(frozen=True)
class Source:
    """Where a thing was written: for `path:line` messages."""

    path: str
    line: int


@dataclass(frozen=True)
class Item:
    """A numbered point inside a paragraph: a 项 （三） in a 款, a 目 1. in a 项, or a
    sub-point 1. in a plan's 段 (DESIGN.md §6). Written as an ordered Markdown list."""

    index: int  # 1-based
    level: int  # 1: 项 (or a plan's sub-point); 2: 目
    anchor: str  # art-12-p2-i3 / art-12-p2-i3-s1 / item-4-p1-s1
    label: str  # （三） / 1.
    name: str  # 第（三）项 / 第1目 / 第1点
    markdown: str
    text: str  # without the label
    source: Source
    items: tuple[Item, ...] = ()  # the 目 of a 项

    @property
    def full_text(self) -> str:
        """The point as the text reads: its label, its text and its own points."""
        return self.label + self.text + "".join(i.full_text for i in self.items)


@dataclass(frozen=True)
class Paragraph:
    """One 款: a Markdown paragraph of a provision's body, with the 项 that follow its lead-in."""

    index: int  # 1-based
    anchor: str  # art-7-p2
    markdown: str  # inline Markdown source of the paragraph (the lead-in where it has 项), as written
    text: str  # the reader's text of that: the Markdown with markup removed
    source: Source
    items: tuple[Item, ...] = ()  # its 项 (or a 段's sub-points), in order

    @property
    def full_text(self) -> str:
        """The whole 款 as the text reads, 项 and 目 with their labels: what search, downloads
        and structured data carry. The same as `text` where the 款 has no 项."""
        return self.text + "".join(i.full_text for i in self.items)


@dataclass(frozen=True)
class Note:
    paragraph: int | None
    text: str


@dataclass(frozen=True)
class Relation:
    target: str  # provision key: "digital-trade-plan/22"
    reason: str
    source: Source


@dataclass(frozen=True)
class Provision:
    """An article of the decision, an item of the plan, or a part given as text."""

    doc: str  # document slug
    kind: str  # "article" | "item" | "part"
    number: int
    label: str  # 七 / （四） / 九
    title: str
    title_is_editorial: bool
    part: int | None
    topics: tuple[str, ...]
    related: tuple[Relation, ...]
    notes: tuple[Note, ...]
    incomplete: str | None  # "start" | "end" | None
    paragraphs: tuple[Paragraph, ...]
    markdown_file: str  # the file's full text, for the Markdown download
    source: Source
    chapter: int | None = None  # the 章 (and 节) a 条 stands in, where the document has them
    section: int | None = None
    style: str = "一、"  # how a 条 is numbered: "一、" or "第一条" (addresses.ARTICLE_STYLES)

    @property
    def slug(self) -> str:
        """The provision's file stem and key part: "7", "part-9"."""
        return addresses.provision_stem(self.kind, self.number)

    @property
    def key(self) -> str:
        return f"{self.doc}/{self.slug}"

    @property
    def anchor(self) -> str:
        return addresses.provision_anchor(self.kind, self.number)

    @property
    def page(self) -> str:
        """The site path of the provision's own page."""
        return addresses.provision_page(self.doc, self.kind, self.number)

    @property
    def unit(self) -> str:
        """What the text calls one of these: 条 / 项 / 部分."""
        return addresses.unit(self.kind)

    @property
    def paragraph_unit(self) -> str:
        """What the text calls one of its paragraphs: 款 / 段."""
        return addresses.paragraph_unit(self.kind)

    @property
    def display_label(self) -> str:
        """How the text numbers it: 七、 / （四） / 九、"""
        return addresses.display_label(self.kind, self.label, self.style)

    @property
    def separator(self) -> str:
        """Between the label and the text in plain text: "" after 七、, a full-width space after 第七条."""
        return addresses.display_separator(self.kind, self.style)

    @property
    def name(self) -> str:
        """第七条 / 第（四）项 / 第九部分."""
        return addresses.provision_name(self)

    @property
    def heading(self) -> str:
        """The title as a label (page titles, tables of contents, pagers): no closing 。."""
        return self.title.removesuffix("。")

    @property
    def title_leads_text(self) -> bool:
        """The title is the text's own lead sentence (a plan item): shown once, in the text."""
        return not self.title_is_editorial and bool(self.paragraphs) and self.paragraphs[0].text.startswith(self.title)


@dataclass(frozen=True)
class Section:
    """A block of a document's own text before its provisions (公告, preamble, 通知)."""

    anchor: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph"
    level: int  # heading level; 0 for paragraphs
    markdown: str
    text: str
    source: Source


@dataclass(frozen=True)
class Part:
    number: int
    label: str
    heading: str | None  # None where the source lost it
    missing_items: tuple[int, ...]

    @property
    def anchor(self) -> str:
        return addresses.part_anchor(self.number)

    @property
    def name(self) -> str:
        """第三部分."""
        return addresses.part_name(self.label)

    @property
    def missing_anchors(self) -> tuple[tuple[str, str], ...]:
        """(label, anchor) of each item the source lost: （一）, item-1."""
        return tuple((addresses.provision_label("item", n), addresses.item_anchor(n)) for n in self.missing_items)


@dataclass(frozen=True)
class ChapterSection:
    """A 节 of a 章: a run of 条."""

    chapter: int
    number: int
    label: str  # 二
    title: str
    first: int  # the first and last 条 in it
    last: int
    source: Source

    @property
    def anchor(self) -> str:
        return addresses.chapter_section_anchor(self.chapter, self.number)

    @property
    def name(self) -> str:
        """第二节."""
        return addresses.chapter_section_name(self)

    def holds(self, article: int) -> bool:
        return self.first <= article <= self.last


@dataclass(frozen=True)
class Chapter:
    """A 章: a run of 条, perhaps in 节; it has a page of its own."""

    doc: str
    number: int
    label: str  # 三
    title: str
    first: int
    last: int
    sections: tuple[ChapterSection, ...]
    book: int | None
    source: Source

    @property
    def anchor(self) -> str:
        return addresses.chapter_anchor(self.number)

    @property
    def page(self) -> str:
        return addresses.chapter_page(self.doc, self.number)

    @property
    def name(self) -> str:
        """第三章."""
        return addresses.chapter_name(self)

    def holds(self, article: int) -> bool:
        return self.first <= article <= self.last

    def section(self, number: int | None) -> ChapterSection | None:
        return next((s for s in self.sections if s.number == number), None)


@dataclass(frozen=True)
class Book:
    """A 编 of a code: a run of 章."""

    number: int
    label: str
    title: str
    first: int  # the first and last 章 in it
    last: int
    source: Source

    @property
    def anchor(self) -> str:
        return addresses.book_anchor(self.number)

    @property
    def name(self) -> str:
        return addresses.book_name(self)


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    short_title: str
    doc_type: str
    issuer: tuple[str, ...]
    dates: tuple[tuple[str, str], ...]  # (field name, ISO date), in display order
    number: str | None
    status: str
    source_file: str
    source_description: str
    parts: tuple[Part, ...]
    editorial_notes: tuple[str, ...]
    sections: tuple[Section, ...]
    provisions: tuple[Provision, ...]
    markdown_file: str
    source: Source
    structure: str = addresses.LEGAL  # 法规型 | 公文型 (DESIGN.md §6)
    chapters: tuple[Chapter, ...] = ()
    books: tuple[Book, ...] = ()
    source_lines: tuple[int, int] | None = None  # the lines of source.file that hold this document
    # What `build.py check` accepts beyond §4's joins and punctuation (sitegen/fidelity.py):
    source_moved: tuple[tuple[int, int], ...] = ()  # source lines whose text stands elsewhere
    source_dropped: tuple[tuple[int, str], ...] = ()  # (line, characters) left out, e.g. a doubled 力
    source_omitted: tuple[tuple[int, int], ...] = ()  # whole lines left out: 目录, page numbers

    @property
    def source_name(self) -> str:
        """The source file's name, as the 校勘说明 and the downloads show it (not where it lies)."""
        return self.source_file.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def page(self) -> str:
        """The site path of its full text."""
        return addresses.document_page(self.slug)

    @property
    def date(self) -> str | None:
        """The date it is known by: passed (a decision) or issued (a plan)."""
        dates = dict(self.dates)
        return dates.get("date_passed") or dates.get("date_issued")

    @property
    def has_parts(self) -> bool:
        return bool(self.parts)

    def part(self, number: int) -> Part | None:
        return next((p for p in self.parts if p.number == number), None)

    def part_provisions(self, part: Part) -> tuple[Provision, ...]:
        """What a part of a plan holds, in order: its own text (a provision of kind "part") and its 项."""
        return tuple(p for p in self.provisions if p.part == part.number)

    def chapter(self, number: int | None) -> Chapter | None:
        return next((c for c in self.chapters if c.number == number), None)

    def chapter_provisions(self, chapter: Chapter, section: ChapterSection | None = None) -> tuple[Provision, ...]:
        """The 条 of a 章 (or of one of its 节), in order."""
        return tuple(
            p
            for p in self.provisions
            if p.chapter == chapter.number and (section is None or p.section == section.number)
        )

    def book_chapters(self, book: Book) -> tuple[Chapter, ...]:
        return tuple(c for c in self.chapters if c.book == book.number)


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    pinyin: str
    aliases: tuple[str, ...]
    en: str
    see_also: tuple[str, ...]
    definition: str  # inline Markdown
    definition_text: str
    source: Source
    lines: dict = field(default_factory=dict, hash=False, compare=False)  # field → line

    @property
    def page(self) -> str:
        return addresses.term_page(self.slug)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    source: Source

    @property
    def page(self) -> str:
        return addresses.topic_page(self.slug)


@dataclass(frozen=True)
class SiteConfig:
    title: str
    short_title: str
    description: str
    base_url: str
    language: str
    nav: tuple[tuple[str, str], ...]  # (label, path)
    documents: tuple[str, ...]  # document slugs in display order
    search: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    documents: tuple[Document, ...]
    terms: tuple[Term, ...]
    topics: tuple[Topic, ...]

    def document(self, slug: str) -> Document:
        return self._by_slug[0][slug]

    def topic(self, slug: str) -> Topic:
        return self._by_slug[1][slug]

    @cached_property
    def _by_slug(self) -> tuple[dict[str, Document], dict[str, Topic]]:
        # Pages look documents and topics up by slug; a scan each time is quadratic at scale.
        return {d.slug: d for d in self.documents}, {t.slug: t for t in self.topics}
