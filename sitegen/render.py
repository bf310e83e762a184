"""Render: model + links → the bytes of every page, keyed by output path.

Templates get one declared context each: `site`, `links`, `page` (a `Page`) and
the objects of that page kind, listed in each `render_*` function below.
Rendering reads the model and never changes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from html import escape as html_escape
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import markup, structured_data
from .link import Links, citation, provision_name
from .model import Document, Provision, Site, Term, cn_number

DATE_LABELS = {"date_passed": "通过日期", "date_issued": "印发日期",
               "date_promulgated": "公布日期", "date_effective": "施行日期"}


@dataclass(frozen=True)
class Crumb:
    label: str
    path: str | None  # site-relative; None for the current page


@dataclass(frozen=True)
class Page:
    """What every template knows about the page it renders."""

    path: str  # site-relative output path, e.g. "yrd-decision/7.html"
    title: str
    description: str
    kind: str  # home | document | provision | glossary | term | topics | topic | search | 404
    crumbs: tuple[Crumb, ...] = ()
    json_ld: str | None = None  # JSON text of schema.org data, already safe inside <script>
    noindex: bool = False
    moved: str | None = None  # JSON {old anchor: new address} for anchors moved off this page

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    def url(self, target: str) -> str:
        """A relative link to a site path, naming a file (works from file:// too)."""
        return self.root + target


def canonical(base_url: str, path: str) -> str:
    if path == "index.html":
        return base_url
    if path.endswith("/index.html"):
        return base_url + path[: -len("index.html")]
    return base_url + path


def make_env(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )
    env.globals.update(cite=citation, provision_name=provision_name, cn_number=cn_number,
                       canonical=canonical, date_labels=DATE_LABELS)
    env.filters["zh_date"] = zh_date
    env.filters["first_sentence"] = first_sentence
    return env


def first_sentence(text: str) -> str:
    """Up to and including the first 。, or the first 60 characters."""
    end = text.find("。")
    if 0 <= end < 120:
        return text[: end + 1]
    return _excerpt(text, 60)


def zh_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


class Renderer:
    """Renders each page kind; paragraph HTML is made once and shared by the pages."""

    def __init__(self, site: Site, links: Links, env: jinja2.Environment,
                 moved: dict[str, dict[str, str]] | None = None):
        self.site, self.links, self.env = site, links, env
        self.moved = moved or {}
        self._html: dict[str, Markup] = {}
        href = lambda slug: f"../glossary/{slug}.html"  # every text-bearing page sits one folder deep
        for doc in site.documents:
            for section in doc.sections:
                for i, block in enumerate(section.blocks):
                    self._html[f"{doc.slug}#{section.anchor}.{i}"] = Markup(
                        markup.render_inline(block.markdown, links.matcher, href))
            for prov in doc.provisions:
                for para in prov.paragraphs:
                    self._html[f"{doc.slug}#{para.anchor}"] = Markup(
                        markup.render_inline(para.markdown, links.matcher, href))
        for term in site.terms:
            self._html[f"glossary#{term.slug}"] = Markup(markup.render_inline(term.definition))

    def html(self, key: str) -> Markup:
        return self._html[key]

    def _render(self, template: str, page: Page, **context) -> str:
        if page.path in self.moved:
            page = replace(page, moved=json.dumps(self.moved[page.path], ensure_ascii=False, sort_keys=True))
        return self.env.get_template(template).render(
            site=self.site, links=self.links, page=page, html=self.html, **context)

    # --- page kinds -----------------------------------------------------------

    def home(self) -> str:
        page = Page("index.html", self.site.config.title, self.site.config.description, "home")
        return self._render("home.html", page)

    def document(self, doc: Document) -> str:
        page = Page(f"{doc.slug}/index.html", doc.title, _describe_document(doc), "document",
                    crumbs=(Crumb("首页", "index.html"), Crumb(doc.short_title, None)),
                    json_ld=structured_data.document(self.site, doc))
        return self._render("document.html", page, doc=doc)

    def provision(self, doc: Document, prov: Provision) -> str:
        crumbs = [Crumb("首页", "index.html"), Crumb(doc.short_title, f"{doc.slug}/index.html")]
        if prov.kind == "item" and prov.part is not None:
            crumbs.append(Crumb(f"第{cn_number(prov.part)}部分", f"{doc.slug}/index.html#part-{prov.part}"))
        crumbs.append(Crumb(provision_name(prov), None))
        title = f"{doc.short_title}{provision_name(prov)} {prov.title}"
        page = Page(f"{doc.slug}/{prov.page}", title, _excerpt(prov.paragraphs[0].text), "provision",
                    crumbs=tuple(crumbs), json_ld=structured_data.provision(self.site, doc, prov))
        prev, next_ = self.links.neighbours[prov.key]
        return self._render("provision.html", page, doc=doc, prov=prov, prev=prev, next=next_)

    def glossary_index(self) -> str:
        page = Page("glossary/index.html", "术语表", "两份文件中术语的释义与出处。", "glossary",
                    crumbs=(Crumb("首页", "index.html"), Crumb("术语表", None)))
        terms = sorted(self.site.terms, key=lambda t: (t.pinyin.lower(), t.slug))
        return self._render("glossary.html", page, terms=terms)

    def term(self, term: Term) -> str:
        page = Page(f"glossary/{term.slug}.html", f"{term.term}（术语）", _excerpt(term.definition_text),
                    "term", crumbs=(Crumb("首页", "index.html"), Crumb("术语表", "glossary/index.html"),
                                    Crumb(term.term, None)))
        by_slug = {t.slug: t for t in self.site.terms}
        see_also = [by_slug[s] for s in term.see_also if s in by_slug]
        occurrences = self.links.occurrences[term.slug]
        by_doc: dict[str, list] = {}  # grouped here, once: a filter per document in the template is quadratic
        for occ in occurrences:
            by_doc.setdefault(occ.doc.slug, []).append(occ)
        groups = [(d, by_doc[d.slug]) for d in self.site.documents if d.slug in by_doc]
        return self._render("term.html", page, term=term, see_also=see_also,
                            occurrences=occurrences, occurrence_groups=groups)

    def topics_index(self) -> str:
        page = Page("topics/index.html", "主题", "按主题浏览两份文件的条款。", "topics",
                    crumbs=(Crumb("首页", "index.html"), Crumb("主题", None)))
        return self._render("topics.html", page)

    def topic(self, topic) -> str:
        page = Page(f"topics/{topic.slug}.html", f"主题：{topic.name}", topic.description, "topic",
                    crumbs=(Crumb("首页", "index.html"), Crumb("主题", "topics/index.html"),
                            Crumb(topic.name, None)))
        members = self.links.topics.get(topic.slug, ())
        groups = [(d, [p for p in members if p.doc == d.slug]) for d in self.site.documents]
        return self._render("topic.html", page, topic=topic, groups=[g for g in groups if g[1]])

    def search(self) -> str:
        page = Page("search.html", "检索", "在两份文件全文中逐字检索。", "search",
                    crumbs=(Crumb("首页", "index.html"), Crumb("检索", None)))
        return self._render("search.html", page)

    def not_found(self) -> str:
        page = Page("404.html", "页面未找到", "页面未找到。", "404", noindex=True)
        return self._render("404.html", page)


def _excerpt(text: str, limit: int = 110) -> str:
    text = text.replace("\n", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_document(doc: Document) -> str:
    issuer = "、".join(doc.issuer)
    date = dict(doc.dates).get("date_passed") or dict(doc.dates).get("date_issued")
    return f"{doc.title}全文，{issuer}，{zh_date(date) if date else ''}。"


def render_site(site: Site, links: Links, templates: Path,
                moved: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Every page of the site, keyed by output path, in a stable order."""
    r = Renderer(site, links, make_env(templates), moved)
    pages = {path: render() for path, render in page_plan(site, r)}
    pages.update(site_files(site, r, pages))
    return pages


def page_plan(site: Site, r: Renderer) -> list[tuple[str, Callable[[], str]]]:
    """Every page as (output path, how to render it), in output order.

    `build.py serve` calls only the entries an edit touches (sitegen/incremental.py).
    """
    plan: list[tuple[str, Callable[[], str]]] = [("index.html", r.home)]
    for doc in site.documents:
        plan.append((f"{doc.slug}/index.html", partial(r.document, doc)))
        plan += [(f"{doc.slug}/{prov.page}", partial(r.provision, doc, prov)) for prov in doc.provisions]
    plan.append(("glossary/index.html", r.glossary_index))
    plan += [(f"glossary/{term.slug}.html", partial(r.term, term)) for term in site.terms]
    plan.append(("topics/index.html", r.topics_index))
    plan += [(f"topics/{topic.slug}.html", partial(r.topic, topic)) for topic in site.topics]
    plan += [("search.html", r.search), ("404.html", r.not_found)]
    return plan


def site_files(site: Site, r: Renderer, pages: dict[str, str]) -> dict[str, str]:
    """What is made from the whole set of pages: glossary script, sitemap, robots.txt."""
    return {"glossary/terms.js": glossary_script(site, r),
            "sitemap.xml": sitemap(site, pages),
            "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {site.config.base_url}sitemap.xml\n"}


def glossary_script(site: Site, r: Renderer) -> str:
    """Definitions for the popovers, as a classic script so it also loads from file://."""
    data = {t.slug: {"term": t.term, "pinyin": t.pinyin, "en": t.en, "html": str(r.html(f"glossary#{t.slug}"))}
            for t in site.terms}
    return "window.GLOSSARY=" + json.dumps(data, ensure_ascii=False, sort_keys=True,
                                           separators=(",", ":")) + ";\n"


def sitemap(site: Site, pages: dict[str, str]) -> str:
    urls = [canonical(site.config.base_url, p) for p in pages
            if p.endswith(".html") and p != "404.html"]
    # html.escape, not xml.sax.saxutils: that import pulls in urllib.request (~15 ms per build).
    body = "".join(f"<url><loc>{html_escape(u, quote=False)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n")
