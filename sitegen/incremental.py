"""Incremental rebuilds for `build.py serve`: render only the pages an edit can change.

Every rebuild goes through `build.build()` (load → link → render → write → search
index, swapped into place all at once), so the served folder is always what a
clean build of the same sources writes. The one difference is rendering:
`build()` takes a `render_site` function, and `Builder` passes one that keeps the
Jinja environment (templates compiled once) and, after an edit under content/,
re-renders only the pages whose inputs changed, reusing the previous text of the
others. Which pages those are is worked out from the model, old against new
(`affected_pages`), not from the file that was saved, so an edit that moves a
provision, renames a topic or touches a term is handled the same way as a typo fix.

An edit to a template, a static file, site.yaml or the anchor manifest starts
afresh: new Jinja environment, every page rendered.

Set SITEGEN_SERVE_VERIFY=1 to render every page after each incremental rebuild as
well and report (and repair) any page the dependency rules missed; the tests do.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import render
from .errors import ContentErrors, shown
from .link import Links
from .model import Provision, Site
from .search import SearchError
from .write import OutputError

VERIFY_ENV = "SITEGEN_SERVE_VERIFY"


@dataclass(frozen=True)
class Rendered:
    """What the last successful build rendered, to compare the next edit against."""

    site: Site
    links: Links
    moved: dict
    pages: dict[str, str]
    env: jinja2.Environment  # the templates they were rendered with


@dataclass(frozen=True)
class Outcome:
    ok: bool
    errors: tuple[str, ...]  # `path:line: message`, one a line, when not ok
    warnings: tuple[str, ...]
    seconds: float
    rendered: int  # pages rendered this time (the others were reused)
    pages: int  # pages in the site
    full: bool  # everything rendered (first build, template/static/site.yaml edit, …)
    fatal: bool = False  # the output folder is not ours to write: serving cannot go on
    why: str = ""  # why every page was rendered, when `full`


# --- which pages an edit touches ---------------------------------------------------------

def _page(prov: Provision) -> str:
    return f"{prov.doc}/{prov.page}"


def _occurrences(links: Links, slug: str) -> tuple:
    """What a term page shows of its occurrences (and of the provisions they are in)."""
    return tuple((o.doc.slug, o.anchor, o.where, o.before, o.match, o.after)
                 + ((o.provision.key, o.provision.label, o.provision.title) if o.provision else ())
                 for o in links.occurrences.get(slug, ()))


def affected_pages(old_site: Site, old_links: Links, site: Site, links: Links) -> set[str] | None:
    """Output paths of the pages that may differ between two models, or None for all of them.

    A changed, added or removed provision touches: its own page, its neighbours
    (the pager shows their titles) before and after the edit, the provisions it
    names or is named by (their "related" lists show its name, title and reasons),
    its document's full text, the home page (its table of contents), the pages of
    the topics it is or was filed under, and the term pages whose list of
    occurrences changed; the topic and glossary indexes when a count changed.
    Anything else (site settings, topics, glossary terms, a document's own front
    matter or text) is read by too many pages to be worth tracking: all of them.
    """
    if site_wide_change(old_site, site):
        return None
    pages: set[str] = set()
    for old_doc, doc in zip(old_site.documents, site.documents):
        before = {p.key: p for p in old_doc.provisions}
        after = {p.key: p for p in doc.provisions}
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        if not changed:
            continue
        pages |= {"index.html", f"{doc.slug}/index.html"}
        for lk, provisions in ((old_links, before), (links, after)):
            for key in changed:
                prov = provisions.get(key)
                if prov is None:
                    continue
                pages.add(_page(prov))
                pages.update(_page(p) for p in lk.neighbours.get(key, ()) if p is not None)
                pages.update(_page(b.provision) for b in lk.related.get(key, ()) + lk.cited_by.get(key, ()))
                pages.update(f"topics/{slug}.html" for slug in prov.topics)
    if {k: len(v) for k, v in old_links.topics.items()} != {k: len(v) for k, v in links.topics.items()}:
        pages.add("topics/index.html")
    for term in site.terms:
        old_occ, occ = _occurrences(old_links, term.slug), _occurrences(links, term.slug)
        if old_occ != occ:
            pages.add(f"glossary/{term.slug}.html")
            if len(old_occ) != len(occ):
                pages.add("glossary/index.html")
    return pages


def site_wide_change(old_site: Site, site: Site) -> str | None:
    """What changed that every page may show, if anything: then all pages are rendered."""
    if site.config != old_site.config:
        return "site settings changed"
    if [d.slug for d in site.documents] != [d.slug for d in old_site.documents]:
        return "the list of documents changed"
    if site.topics != old_site.topics:
        return "topics.yaml changed"
    if site.terms != old_site.terms:
        return "the glossary changed"
    for old_doc, doc in zip(old_site.documents, site.documents):
        if dataclasses.replace(old_doc, provisions=()) != dataclasses.replace(doc, provisions=()):
            return f"{doc.slug}/_document.md changed"
    return None


# --- the builder ----------------------------------------------------------------------------

FULL = "full"  # a change that needs every page rendered afresh
CONTENT = "content"


class Builder:
    """Runs `build(opts, render_site=…)` for each batch of changed source files."""

    def __init__(self, opts, build: Callable, template_error: Callable[[jinja2.TemplateError], str],
                 verify: bool | None = None, log: Callable[[str], None] | None = None):
        self.opts = opts
        self._build = build
        self._template_error = template_error
        self.verify = os.environ.get(VERIFY_ENV) == "1" if verify is None else verify
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.env: jinja2.Environment | None = None
        self.last: Rendered | None = None  # the last build that reached the output folder
        self._pending: Rendered | None = None
        self._full = True
        self.why = ""  # why the last build rendered every page
        self.rendered: tuple[str, ...] = ()  # pages the last build rendered (the others were reused)

    def kind(self, path: Path) -> str:
        """FULL for templates, static files, site.yaml and the manifest; CONTENT under content/."""
        content = self.opts.content.resolve()
        path = path.resolve()
        return CONTENT if path == content or content in path.parents else FULL

    def rebuild(self, changed: Iterable[Path] = ()) -> Outcome:
        """Build after `changed` (empty: from scratch). Never raises for a problem in the sources."""
        changed = list(changed)
        wide = [p for p in changed if self.kind(p) == FULL]
        if self.last is None or self.env is None or not changed:
            self.why = "first build" if self.last is None else "after a template error" if changed else "rebuild"
        elif wide:
            self.why = f"{shown(wide[0])} changed"
        else:
            self.why = ""
        self._full = bool(self.why)
        if self._full:
            self.env = None  # templates may have changed: compile them afresh
        self.rendered = ()
        started = time.perf_counter()
        try:
            result = self._build(self.opts, render_site=self._render_site)
        except ContentErrors as exc:
            return self._failed([str(e) for e in exc.errors], started)
        except jinja2.TemplateError as exc:
            self.env = None
            return self._failed([self._template_error(exc)], started)
        except OutputError as exc:
            return self._failed([f"build failed: {exc}"], started, fatal=True)
        except SearchError as exc:
            return self._failed([f"build failed: {exc}"], started)
        except Exception as exc:  # noqa: BLE001 - a preview server reports and keeps serving
            frames = "".join(traceback.format_exception(exc)).rstrip()
            return self._failed([f"internal error: {type(exc).__name__}: {exc}", frames], started)
        self.last = self._pending
        return Outcome(True, (), tuple(str(w) for w in result.warnings), time.perf_counter() - started,
                       len(self.rendered), len(self.last.pages) if self.last else 0, self._full,
                       why=self.why if self._full else "")

    def _failed(self, errors: list[str], started: float, fatal: bool = False) -> Outcome:
        self._pending = None
        return Outcome(False, tuple(errors), (), time.perf_counter() - started, 0, 0, self._full, fatal)

    # `build()` calls this in place of render.render_site.
    def _render_site(self, site: Site, links: Links, templates: Path, moved: dict | None = None) -> dict[str, str]:
        moved = moved or {}
        if self.env is None:
            self.env = render.make_env(templates)
        r = render.Renderer(site, links, self.env, moved)
        plan = render.page_plan(site, r)
        last = self.last
        dirty = None
        if not self._full and last is not None:
            if last.env is not self.env:  # a build with new templates failed after rendering
                self.why = "templates changed"
            elif last.moved != moved:
                self.why = "the anchor manifest moved an anchor"
            else:
                self.why = site_wide_change(last.site, site) or ""
            if not self.why:
                dirty = affected_pages(last.site, last.links, site, links)
        if dirty is None:
            pages = {path: make() for path, make in plan}
            self._full = True
            self.rendered = tuple(pages)
        else:
            pages, rendered = {}, []
            for path, make in plan:
                if path in dirty or path not in last.pages:
                    pages[path] = make()
                    rendered.append(path)
                else:
                    pages[path] = last.pages[path]
            self.rendered = tuple(rendered)
            if self.verify:
                self._check(plan, pages)
        out = dict(pages)
        out.update(render.site_files(site, r, pages))
        self._pending = Rendered(site, links, moved, pages, self.env)
        return out

    def _check(self, plan, pages: dict[str, str]) -> None:
        wrong = []
        for path, make in plan:
            fresh = make()
            if fresh != pages[path]:
                wrong.append(path)
                pages[path] = fresh
        if wrong:
            self.log(f"serve: incremental render missed {len(wrong)} page(s): {', '.join(wrong)}")
