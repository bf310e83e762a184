"""The content model: what the site is about, read whole before anything is written.

A document is a tree of divisions (编, 章, 节, 部分, group headings …) whose leaves are
provisions (条, a plan's 项, a part's own text, 附件): the units with a page of their own.
A provision's text is its paragraphs (款 / 段), each with its points (项 / 目 / 点). Every
unit has a `Locator` (sitegen/addresses.py), from which its anchor, page and citation
are derived; the level of each unit is a row of sitegen/levels.py, not a class.

Every object is frozen; later stages derive new objects and never mutate these.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from . import addresses
from .addresses import Locator
from .levels import LEGAL, Level, level

# Numbers of units (条, 项, 章 …) and paragraphs per provision: 1 … MAX_NUMBER.
# 民法典 has 1,260 条; cn_number writes any of these (一千二百六十).
MAX_NUMBER = 9999
GAP = "〔原文缺失〕"  # how the site marks text the source lost, on every page and download


@dataclass(frozen=True)
class Source:
    """Where a thing was written: for `path:line` messages."""

    path: str
    line: int


@dataclass(frozen=True)
class Unit:
    """Anything of a document's text with an address: what its locator says of it."""

    locator: Locator

    @property
    def anchor(self) -> str:
        return self.locator.anchor

    @property
    def level(self) -> Level:
        return self.locator.level

    @property
    def kind(self) -> str:
        """The key of its level: article / item / part / annex / chapter / paragraph / point …"""
        return self.locator.level.key

    @property
    def number(self) -> int:
        return self.locator.number

    @property
    def name(self) -> str:
        """How a citation names it: 第七条 / 第二款 / 第（三）项 / 第1目 / 第三章 / 附件1."""
        return self.locator.name


@dataclass(frozen=True)
class Item(Unit):
    """A numbered point inside a paragraph: a 项 （三） in a 款, a 目 1． in a 项, or a point
    1. in a plan's 段. Written in the text as the source writes it, its label first."""

    label: str  # as the source writes it: （三） / 一、 / 1． / ⒈
    markdown: str  # inline Markdown of its text, without the label
    text: str  # the reader's text of that
    source: Source
    more: tuple[tuple[str, str], ...] = ()  # further paragraphs of the point: (markdown, text)
    items: tuple[Item, ...] = ()  # the 目 of a 项

    @property
    def index(self) -> int:
        return self.locator.number

    @property
    def full_text(self) -> str:
        """The point as the text reads: its label, its text, its further paragraphs and its own points."""
        return self.label + self.text + "".join(t for _, t in self.more) + "".join(i.full_text for i in self.items)

    @property
    def points(self) -> Iterator[Item]:
        """This point and the points inside it, in reading order."""
        yield self
        for item in self.items:
            yield from item.points


@dataclass(frozen=True)
class Paragraph(Unit):
    """One 款 (段): a paragraph of a provision's body, with the 项 that follow its lead-in, or a table."""

    markdown: str  # inline Markdown of the paragraph (the lead-in where it has 项); a table's Markdown
    text: str  # the reader's text of that: markup removed; a table's cells in reading order
    source: Source
    items: tuple[Item, ...] = ()  # its 项 (or a 段's points), in order
    table: bool = False  # a table of the source, kept as a table

    @property
    def index(self) -> int:
        return self.locator.number

    @property
    def full_text(self) -> str:
        """The whole 款 as the text reads, 项 and 目 with their labels: what search, downloads
        and structured data carry. The same as `text` where the 款 has no 项."""
        return self.text + "".join(i.full_text for i in self.items)

    @property
    def points(self) -> list[Item]:
        """Its 项 and their 目, in reading order."""
        return [p for item in self.items for p in item.points]


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
class Provision(Unit):
    """A unit with a page and text of its own: a 条, a plan's 项, a part's own text, an 附件."""

    family: str  # 法规型 / 公文型
    label: str  # as the text writes it in front of the text: 第七条 / 七、 / （四）; "" for a part's own text
    title: str
    title_is_editorial: bool
    topics: tuple[str, ...]
    related: tuple[Relation, ...]
    notes: tuple[Note, ...]
    incomplete: str | None  # "start" | "end" | None
    paragraphs: tuple[Paragraph, ...]
    markdown_file: str  # the file's full text, for the Markdown download
    source: Source
    own_text: bool = False  # the text of a division, under its heading (a part's own text, an 附件's before its 条)

    @property
    def doc(self) -> str:
        return self.locator.doc

    @property
    def slug(self) -> str:
        """The provision's file stem and key part: "7", "133-1", "part-9"."""
        return self.locator.stem

    @property
    def key(self) -> str:
        return self.locator.key

    @property
    def page(self) -> str:
        """The site path of the provision's own page."""
        return self.locator.page

    @property
    def unit(self) -> str:
        """What the text calls one of these: 条 / 项 / 部分 / 附件."""
        return self.level.name

    @property
    def paragraph_unit(self) -> str:
        """What the text calls one of its paragraphs: 款 / 段."""
        return level(self.family, "paragraph").name

    @property
    def display_label(self) -> str:
        """How the text numbers it: 七、 / 第七条 / （四） / 附件1 (a division's own text: its division's label)."""
        return self.label

    @property
    def separator(self) -> str:
        """Between the label and the text in plain text: a full-width space after 第七条, nothing after 七、."""
        return "\u3000" if self.label.endswith(("条", "件", "表", "录", "图")) or self.label[-1:].isdigit() else ""

    @property
    def heading(self) -> str:
        """The title as a label (page titles, tables of contents, pagers): no closing 。."""
        return self.title.removesuffix("。")

    @property
    def title_leads_text(self) -> bool:
        """The title is the text's own lead sentence (a plan item): shown once, in the text."""
        return not self.title_is_editorial and bool(self.paragraphs) and self.paragraphs[0].text.startswith(self.title)


@dataclass(frozen=True)
class Gap(Unit):
    """A unit the source lost, shown where it stood with a 〔原文缺失〕 note: plan items （一）（二）."""

    label: str  # （一）


@dataclass(frozen=True)
class Division(Unit):
    """A 编, 分编, 章, 节, 附则, group heading (一、管辖) or a plan's 部分: a heading and what it holds."""

    label: str  # as the source writes it: 第二编 / 附则 / 一、
    title: str | None  # 总则; "" for a heading that is its label alone (附则); None where the source lost it
    children: tuple[Division | Provision, ...]
    source: Source
    missing: tuple[Gap, ...] = ()  # units the source lost here, in order

    own_text = False  # (a provision may be a division's own text; a division never is)

    @property
    def has_page(self) -> bool:
        """编, 章 and 附则 have pages of their own; 节, 分编, group headings and 部分 are on their parent's."""
        return self.level.page

    @property
    def page(self) -> str:
        """Its own page where it has one, else the page it is shown on."""
        return self.locator.page

    @property
    def heading(self) -> str:
        """第一章 总则 / 三、拓展… / 附则, as the text writes it, one space after a label such as 第一章
        (none after 三、); the label alone where the source lost the title."""
        if not self.title:
            return self.label
        return self.label + ("" if self.label.endswith(("、", "：", ":")) else " ") + self.title

    @property
    def provisions(self) -> tuple[Provision, ...]:
        """Every provision in it, in reading order."""
        return tuple(_provisions(self.children))


def _provisions(units: tuple[Division | Provision, ...]) -> Iterator[Provision]:
    for unit in units:
        if isinstance(unit, Provision):
            yield unit
        else:
            yield from _provisions(unit.children)


def _divisions(units: tuple[Division | Provision, ...]) -> Iterator[Division]:
    for unit in units:
        if isinstance(unit, Division):
            yield unit
            yield from _divisions(unit.children)


@dataclass(frozen=True)
class Section:
    """A block of a document's own text outside its provisions: 公告, preamble, 通知, 落款."""

    anchor: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "table" (its markdown a table of the source, its text the cells)
    level: int  # heading level; 0 for paragraphs
    markdown: str
    text: str
    source: Source


# The sections that stand after the provisions, not before: a 公文's 落款 and 成文日期.
CLOSING_SECTIONS = ("closing",)


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    short_title: str
    doc_type: str
    category: str  # 法律 / 行政法规 / 司法解释 / 部门规章 / 地方性法规 / 规范性文件; "" where not known
    issuer: tuple[str, ...]
    dates: tuple[tuple[str, str], ...]  # (field name, ISO date), in display order
    number: str | None
    status: str  # "" where not known
    history: tuple[str, ...]  # the lines under the title that record 通过, 修正, 施行 …, verbatim
    source_file: str
    source_description: str
    source_url: str
    editorial_notes: tuple[str, ...]
    sections: tuple[Section, ...]  # before the body; those in CLOSING_SECTIONS after it
    body: tuple[Division | Provision, ...]  # the division tree, in reading order
    markdown_file: str
    source: Source
    structure: str = LEGAL  # 法规型 | 公文型 (docs/content-format.md#structure)
    source_lines: tuple[int, int] | None = None  # the lines of source.file that hold this document
    # What `build.py check` accepts beyond §4's joins and punctuation (sitegen/fidelity.py):
    source_moved: tuple[tuple[int, int], ...] = ()  # source lines whose text stands elsewhere
    source_dropped: tuple[tuple[int, str], ...] = ()  # (line, characters) left out, e.g. a doubled 力
    source_omitted: tuple[tuple[int, int], ...] = ()  # whole lines left out: 目录, page numbers

    @cached_property
    def provisions(self) -> tuple[Provision, ...]:
        """Every provision, in reading order: the pages of the document."""
        return tuple(_provisions(self.body))

    @cached_property
    def divisions(self) -> tuple[Division, ...]:
        """Every division, in reading order."""
        return tuple(_divisions(self.body))

    @cached_property
    def fragmentary(self) -> bool:
        """Whether the source lost part of it (a division's heading or units, a provision's start or end)."""
        lost = any(d.title is None or d.missing for d in self.divisions)
        return lost or any(p.incomplete for p in self.provisions)

    @cached_property
    def _trails(self) -> Mapping[Locator, tuple[Division, ...]]:
        # By locator, not identity: a copy of the model (deepcopy, pickle) finds the same trails.
        out: dict[Locator, tuple[Division, ...]] = {}

        def walk(units: tuple[Division | Provision, ...], trail: tuple[Division, ...]) -> None:
            for unit in units:
                out[unit.locator] = trail
                if isinstance(unit, Division):
                    walk(unit.children, (*trail, unit))

        walk(self.body, ())
        return out

    def trail(self, unit: Division | Provision) -> tuple[Division, ...]:
        """The divisions a unit stands in, outermost first (breadcrumbs, kickers)."""
        return self._trails.get(unit.locator, ())

    @property
    def text_units(self) -> tuple[Division | Provision, ...]:
        """The body before the closing text: everything but what stands after the text (附件 …)."""
        return tuple(u for u in self.body if not u.level.after)

    @property
    def after_units(self) -> tuple[Division | Provision, ...]:
        """附件, 附表 …: after the closing text (a 公文's 落款 comes before its 附件)."""
        return tuple(u for u in self.body if u.level.after)

    @property
    def front(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.anchor not in CLOSING_SECTIONS)

    @property
    def closing(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.anchor in CLOSING_SECTIONS)

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
        """The date it is known by: passed (a law, a decision), issued (a plan), or promulgated."""
        dates = dict(self.dates)
        return dates.get("date_passed") or dates.get("date_issued") or dates.get("date_promulgated")

    @property
    def has_parts(self) -> bool:
        return any(d.kind == "part" for d in self.body if isinstance(d, Division))

    @property
    def paged_divisions(self) -> tuple[Division, ...]:
        """The divisions with pages of their own (编, 章, 附则), in reading order."""
        return tuple(d for d in self.divisions if d.has_page)


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
