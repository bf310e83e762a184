"""Render: model + links → the text of every page, keyed by output path.

Each page is a template and one declared context: `site`, `links`, `page` (a
`Page`: where the page is, and how to link from it), `html` (the rendered
Markdown of a paragraph, block or definition, looked up by the object itself)
and the objects of that page kind, listed in `page_plan`. Page titles,
descriptions, breadcrumbs and every Chinese label are written in the templates;
addresses and citations come from `sitegen.addresses`. Rendering reads the model
and never changes it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import addresses, markup, search_records, structured_data
from .security import CSP
from .link import Links, glossary_order
from .model import GAP, Block, Division, Document, Item, Paragraph, Provision, Section, Site, Term
from .structure import body_parser
from .numerals import cn_number
from .printcodes import Codes

DATE_LABELS = {
    "date_passed": "通过日期",
    "date_issued": "印发日期",
    "date_promulgated": "公布日期",
    "date_amended": "最近修改日期",
    "date_effective": "施行日期",
}


@dataclass(frozen=True)
class Page:
    """What every template knows about the page it renders."""

    path: str  # site-relative output path, e.g. "yrd-decision/7.html"
    kind: str  # home | document | provision | glossary | term | topics | topic | search | 404
    json_ld: str | None = None  # JSON text of schema.org data, already safe inside <script>
    noindex: bool = False
    moved: str | None = None  # JSON {old anchor: new address} for anchors moved off this page

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    def url(self, target: addresses.HasPage | str, anchor: str | None = None) -> str:
        """A link by way of the site's root (`../glossary/index.html`), as the header,
        navigation and breadcrumbs use, so they read the same on every page of a folder."""
        return self.root + addresses.path_of(target) + (f"#{anchor}" if anchor else "")

    def nav(self, entries: Sequence[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
        """The site's navigation from this page: (label, href, aria-current), the last "page"
        on the entry's own page, "true" anywhere in the folder of an entry that is a folder's index
        (not the home page's: that folder holds every page)."""
        out = []
        for label, target in entries:
            folder = addresses.index_folder(target)
            if target == self.path:
                current: str | None = "page"
            elif folder and self.path.startswith(folder):
                current = "true"
            else:
                current = None
            out.append((label, self.url(target), current))
        return out

    def trail(self, doc: Document, unit: Division | Provision) -> list[tuple[str, str | None]]:
        """The breadcrumbs of a division's or provision's page: the document, the divisions it
        stands in (a 节 or 部分 as a place on the page that shows it), then the unit itself."""
        out: list[tuple[str, str | None]] = [(doc.short_title, self.url(doc))]
        for division in doc.trail(unit):
            if division.anchor == unit.anchor:  # a part's own text: the part is the page itself
                continue
            label = division.heading if division.kind == "group" else division.name
            out.append((label, self.url(division, None if division.has_page else division.anchor)))
        return [*out, (unit.name, None)]

    def link(self, target: addresses.HasPage | str, anchor: str | None = None) -> str:
        """The shortest relative link to a page (`7.html`, `index.html#art-7`)."""
        path = addresses.path_of(target) + (f"#{anchor}" if anchor else "")
        return addresses.relative(self.path, path)


def make_env(templates: Path, cache: Path | None = None, watch: bool = False) -> jinja2.Environment:
    """The templates, compiled on first use; `build.py serve` keeps one between rebuilds
    with `watch`: Jinja then checks each template's file for changes before every use
    (a build's environment lives as long as the build, so it does not look again).

    With `cache`, compiled templates are kept there between runs (about 50–100 ms of a
    build): Jinja keys each by the template's name and a checksum of its source, so an
    edited template is compiled afresh, and the output is the same either way.
    """
    bytecode = None
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(cache))
        except OSError:
            pass  # a read-only checkout: compile every time
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode,
        auto_reload=watch,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(
        cite=addresses.citation,
        cn_number=cn_number,
        canonical=addresses.canonical,
        address=addresses,
        date_labels=DATE_LABELS,
        gap_mark=GAP,
        csp=CSP,
    )
    env.globals.update(fragmentary=fragmentary, related_in_order=related_in_order, topic_counts=topic_counts)
    env.filters["zh_date"] = zh_date
    env.filters["first_sentence"] = first_sentence
    env.filters["excerpt"] = excerpt
    return env


class _Environment(jinja2.Environment):
    def make_globals(self, d: Mapping[str, Any] | None) -> Any:
        # A template's globals as one dict, not Jinja's ChainMap over the environment's: every
        # render copies them and every {% import %} compares them, a few times per page, and
        # make_env sets the environment's globals once, before any template is loaded.
        return {**self.globals, **(d or {})}


def fragmentary(doc: Document) -> bool:
    """Whether the source lost part of the document: its page is then not called 全文."""
    return doc.fragmentary


def related_in_order(site: Site, links: Links, prov: Provision) -> list:
    """A provision's related provisions, whichever of the two files lists the relation, in the
    site's reading order (the documents in order, each in its own order)."""
    both = [*links.related[prov.key], *links.cited_by[prov.key]]
    return sorted(both, key=lambda b: links.order[b.provision.key])


def topic_counts(site: Site, provisions: Iterable[Provision]) -> str:
    """How many provisions of each document a topic has, each in the document's own unit:
    《决定》3条、《方案》2项、1个部分 (never calling a plan's items 条)."""
    counts: dict[str, dict[str, int]] = {}
    for prov in provisions:
        units = counts.setdefault(prov.doc, {})
        units[prov.unit] = units.get(prov.unit, 0) + 1
    out = []
    for doc in site.documents:
        if doc.slug in counts:
            said = [f"{n}{'个' if len(unit) > 1 else ''}{unit}" for unit, n in counts[doc.slug].items()]
            out.append(doc.short_title + "、".join(said))
    return "，".join(out)


def first_sentence(text: str) -> str:
    """Up to and including the first 。, or the first 60 characters."""
    end = text.find("。")
    if 0 <= end < 120:
        return text[: end + 1]
    return excerpt(text, 60)


def excerpt(text: str, limit: int = 110) -> str:
    text = text.replace("\n", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def zh_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


class RenderedMarkdown:
    """The HTML of a paragraph, front-matter block or definition, made once per build process.

    Templates pass the object itself (`html(para)`), never a key. A provision's paragraphs
    (and a section's blocks) are rendered together on first use, because a glossary term
    is linked once per provision; when pages are rendered in parallel each process makes
    only what its pages show.
    """

    def __init__(self, site: Site, links: Links):
        self.matcher = links.matcher
        self.made: dict[int, Markup] = {}  # by the object's identity: the model outlives the build
        self.group: dict[int, tuple[Provision | Section, frozenset[str]]] = {}
        for doc in site.documents:
            # A term in the document's own title would be linked in almost every provision: noise.
            in_title = frozenset(slug for _, _, slug in self.matcher.find(doc.title))
            for section in doc.sections:
                for block in section.blocks:
                    self.group[id(block)] = (section, in_title)
            for prov in doc.provisions:
                for para in prov.paragraphs:
                    for part in (para, *para.points):
                        self.group[id(part)] = (prov, in_title)

    def __call__(self, obj: Paragraph | Item | Block | Term) -> Markup:
        made = self.made.get(id(obj))
        if made is None:
            if isinstance(obj, Term):
                self.made[id(obj)] = Markup(markup.render_inline(obj.definition))
            else:
                self._render_group(*self.group[id(obj)])
            made = self.made[id(obj)]
        return made

    def more(self, item: Item) -> list[Markup]:
        """The further paragraphs of a point (a 项 that runs to a second paragraph)."""
        return [Markup(markup.render_inline(md)) for md, _ in item.more]

    def _render_group(self, owner: Provision | Section, unlinked: frozenset[str]) -> None:
        linked = set(unlinked)  # once per provision or section
        if isinstance(owner, Section):
            for block in owner.blocks:  # a heading is never linked, nor a table's cells
                if block.kind == "table":
                    self.made[id(block)] = Markup(body_parser().render(block.markdown))
                    continue
                matcher = self.matcher if block.kind == "paragraph" else None
                self.made[id(block)] = Markup(markup.render_inline(block.markdown, matcher, _term_href, linked))
            return
        lead = len(owner.title) if owner.title_leads_text else 0
        for para in owner.paragraphs:  # every page that shows text sits one folder deep, beside glossary/
            if para.table:  # a table of the source, as a table; its cells are not linked to the glossary
                self.made[id(para)] = Markup(body_parser().render(para.markdown))
                continue
            self.made[id(para)] = Markup(
                markup.render_inline(para.markdown, self.matcher, _term_href, linked, lead if para.index == 1 else 0)
            )
            for point in para.points:  # its 项 and 目, in reading order
                self.made[id(point)] = Markup(markup.render_inline(point.markdown, self.matcher, _term_href, linked))


def _term_href(slug: str) -> str:
    return "../" + addresses.term_page(slug)


@dataclass(frozen=True)
class PagePlan:
    """One page to render: where, with which template, and its declared context."""

    path: str
    template: str
    kind: str
    context: Mapping[str, Any]
    json_ld: Callable[[], str] | None = None  # made where the page is rendered
    noindex: bool = False


def page_plan(site: Site, links: Links) -> Iterator[PagePlan]:
    """Every page of the site, in output order."""
    # `offline`: the offline copy (sitegen/offline.py), None until the full build has made it.
    yield PagePlan(addresses.HOME, "home.html", "home", {"offline": None})
    for doc in site.documents:
        yield PagePlan(
            addresses.path_of(doc),
            "document.html",
            "document",
            {"doc": doc, "offline": None},
            partial(structured_data.document, site, doc),
        )
        paged = doc.paged_divisions
        for division in paged:  # 编, 章 and 附则 have pages of their own
            same = [d for d in paged if d.kind == division.kind]
            k = same.index(division)
            yield PagePlan(
                division.page,
                "division.html",
                "division",
                {
                    "doc": doc,
                    "division": division,
                    "trail": doc.trail(division),
                    "prev": same[k - 1] if k else None,
                    "next": same[k + 1] if k + 1 < len(same) else None,
                },
                partial(structured_data.division, site, doc, division),
            )
        for prov in doc.provisions:
            prev, next_ = links.neighbours[prov.key]
            yield PagePlan(
                addresses.path_of(prov),
                "provision.html",
                "provision",
                {"doc": doc, "prov": prov, "prev": prev, "next": next_},
                partial(structured_data.provision, site, doc, prov),
            )
    terms = glossary_order(site)
    yield PagePlan(addresses.GLOSSARY, "glossary.html", "glossary", {"terms": terms, "letters": by_initial(terms)})
    by_slug = {t.slug: t for t in site.terms}
    for term in site.terms:
        yield PagePlan(
            addresses.path_of(term),
            "term.html",
            "term",
            {
                "term": term,
                "see_also": [by_slug[s] for s in term.see_also if s in by_slug],
                "occurrences": links.occurrences[term.slug],
                "occurrence_groups": _by_document(site, links.occurrences[term.slug]),
            },
        )
    yield PagePlan(addresses.TOPICS, "topics.html", "topics", {"maps": topic_maps(site)})
    for topic in site.topics:
        by_doc: dict[str, list[Provision]] = {}  # one pass: a scan per document is quadratic at scale
        for prov in links.topics.get(topic.slug, ()):
            by_doc.setdefault(prov.doc, []).append(prov)
        groups = [(d, by_doc[d.slug]) for d in site.documents if d.slug in by_doc]
        yield PagePlan(addresses.path_of(topic), "topic.html", "topic", {"topic": topic, "groups": groups})
    yield PagePlan(addresses.SEARCH, "search.html", "search", {"search_backend": search_records.web_backend(site)})
    yield PagePlan(addresses.NOT_FOUND, "404.html", "404", {}, noindex=True)


def initial(pinyin: str) -> str:
    """The letter a glossary index files a term under: its pinyin's first letter, without tone
    mark, in capitals (cháng → C); ü, which no syllable starts with, would file under U."""
    first = unicodedata.normalize("NFD", pinyin.strip()[:1])[:1]
    return first.upper() if first.isascii() and first.isalnum() else "#"


def by_initial(terms: list[Term]) -> list[tuple[str, list[Term]]]:
    """Terms in glossary order, in runs that share an initial letter (A, B, C …)."""
    out: list[tuple[str, list[Term]]] = []
    for term in terms:
        letter = initial(term.pinyin)
        if out and out[-1][0] == letter:
            out[-1][1].append(term)
        else:
            out.append((letter, [term]))
    return out


@dataclass(frozen=True)
class TopicMap:
    """One document's provisions against the topics, for the map on the topics page."""

    doc: Document
    rows: list  # (topic, [provision if it touches the topic else None, …]) for each topic it touches
    absent: list  # the topics that none of its provisions touches
    units: str  # what the columns are: 条 / 项和部分


def topic_maps(site: Site) -> list[TopicMap]:
    out = []
    for doc in site.documents:
        rows, absent = [], []
        for topic in site.topics:
            marks = [p if topic.slug in p.topics else None for p in doc.provisions]
            if any(marks):
                rows.append((topic, marks))
            else:
                absent.append(topic)
        out.append(TopicMap(doc, rows, absent, "和".join(dict.fromkeys(p.unit for p in doc.provisions))))
    return out


def _by_document(site: Site, occurrences: tuple) -> list[tuple[Document, list]]:
    # Grouped here, once: a filter per document in the template is quadratic at scale.
    by_doc: dict[str, list] = {}
    for occ in occurrences:
        by_doc.setdefault(occ.doc.slug, []).append(occ)
    return [(d, by_doc[d.slug]) for d in site.documents if d.slug in by_doc]


# Below this many pages, starting a second process costs more than it saves.
PARALLEL_FROM = 100


def runs(plans: list[PagePlan], most: int = 64) -> list[list[PagePlan]]:
    """The pages in runs of one folder each (a document's full text and its provisions,
    which show the same paragraphs), at most `most` pages, for `parallel.Pulled`."""
    out: list[list[PagePlan]] = []
    folder = None
    for plan in plans:
        here = plan.path.rpartition("/")[0]
        if out and here == folder and len(out[-1]) < most:
            out[-1].append(plan)
        else:
            out.append([plan])
            folder = here
    return out


def renderer(
    site: Site,
    links: Links,
    env: jinja2.Environment,
    moved: Mapping[str, Mapping[str, str]] | None,
    codes: Codes | None,
    html: RenderedMarkdown | None = None,
) -> Callable[..., str]:
    """A function that renders one page's plan, with extra context if given.

    `codes` (templates: `qr`) are the QR codes the printed pages carry (sitegen/printcodes.py).
    """
    html = html or RenderedMarkdown(site, links)
    qr = codes or Codes()

    def render(plan: PagePlan, **extra: Any) -> str:
        page = Page(
            plan.path,
            plan.kind,
            plan.json_ld() if plan.json_ld else None,
            plan.noindex,
            json.dumps(moved[plan.path], ensure_ascii=False, sort_keys=True) if moved and plan.path in moved else None,
        )
        return env.get_template(plan.template).render(
            site=site, links=links, page=page, html=html, qr=qr, **{**plan.context, **extra}
        )

    return render


def render_pages(
    site: Site,
    links: Links,
    env: jinja2.Environment,
    paths: set[str],
    moved: Mapping[str, Mapping[str, str]] | None = None,
    codes: Codes | None = None,
    html: RenderedMarkdown | None = None,
    **extra: Any,
) -> dict[str, str]:
    """Some pages again, with `extra` in their context (the offline copy's links); `html`:
    the build's rendered Markdown, to reuse."""
    render = renderer(site, links, env, moved, codes, html)
    return {plan.path: render(plan, **extra) for plan in page_plan(site, links) if plan.path in paths}


def redirect_pages(env: jinja2.Environment, targets: Mapping[str, str]) -> dict[str, str]:
    """A small page at each moved address whose page is gone, pointing to its new place."""
    template = env.get_template("moved.html")
    return {page: template.render(target=addresses.relative(page, to)) for page, to in targets.items()}


def site_files(site: Site, html: RenderedMarkdown, pages: Iterable[str]) -> dict[str, str]:
    """What is made from the whole set of pages: glossary script, sitemap, robots.txt."""
    return {
        addresses.GLOSSARY_SCRIPT: glossary_script(site, html),
        addresses.SITEMAP: sitemap(site, pages),
        addresses.ROBOTS: "User-agent: *\nAllow: /\nSitemap: "
        f"{addresses.canonical(site.config.base_url, addresses.SITEMAP)}\n",
    }


def glossary_script(site: Site, html: RenderedMarkdown) -> str:
    """Definitions for the popovers, as a classic script so it also loads from file://."""
    data = {t.slug: {"term": t.term, "pinyin": t.pinyin, "en": t.en, "html": str(html(t))} for t in site.terms}
    return "window.GLOSSARY=" + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ";\n"


def sitemap(site: Site, pages: Iterable[str]) -> str:
    urls = [
        addresses.canonical(site.config.base_url, p) for p in pages if p.endswith(".html") and p != addresses.NOT_FOUND
    ]
    # html.escape, not xml.sax.saxutils: that import pulls in urllib.request (~15 ms per build).
    body = "".join(f"<url><loc>{html_escape(u, quote=False)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    )
