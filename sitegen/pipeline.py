"""The build, top to bottom: load → link → render → write (→ offline copy → search index).

The QR codes that printed provisions carry are made (or read from their cache)
before rendering; the full build then zips the written site as `offline.zip` and
renders the pages that link to it once more, with its size (`offline_copy`).

`build.py` is the command line around this module; `check` and `serve` call
`build_files` and `build` from here. Every problem in the sources (content,
templates, the manifest) comes out as `ContentErrors`, each `path:line: message`;
a problem with the output folder or the search indexer as `BuildError`.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import addresses, downloads, link, load, manifest, offline, parallel, printcodes, render, search_records, write
from .errors import ContentError, ContentErrors, shown
from .link import Links
from .model import Site

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Options:
    """What to build from, and where to."""

    content: Path = ROOT / "content"
    templates: Path = ROOT / "templates"
    static: Path = ROOT / "static"
    site_file: Path = ROOT / "site.yaml"
    manifest: Path | None = ROOT / "anchors.txt"  # None: no published-address check
    out: Path = ROOT / "_site"
    base_url: str | None = None
    search: bool = True  # write the Pagefind index
    offline: bool = True  # write the offline copy (offline.zip) when `search` too; `serve` does not
    cache: Path | None = ROOT / ".cache" / "templates"  # compiled templates between runs; None: none
    qr_cache: Path | None = ROOT / ".cache" / "qr"  # QR codes between runs (sitegen/printcodes.py); None: none
    jobs: int = os.cpu_count() or 1  # processes that render a large site's pages

    @property
    def full(self) -> bool:
        """The full build, which writes the offline copy: search index included, not the preview."""
        return self.offline and self.search

    @property
    def sources(self) -> list[Path]:
        """What a build reads: the output folder may hold none of these."""
        return [self.content, self.templates, self.static, self.site_file, ROOT / "build.py"]


@dataclass(frozen=True)
class Built:
    """Everything a build made in memory, before anything is written."""

    site: Site
    links: Links
    files: dict[str, str]  # output path → text: downloads, site files and the pages not in `written`
    records: list[dict]  # search records (sitegen/search_records.py), made once
    manifest: list[manifest.Entry]
    warnings: tuple[ContentError, ...]
    codes: printcodes.Codes = field(default_factory=printcodes.Codes)  # QR codes of printed pages
    html: render.RenderedMarkdown | None = None  # the rendered Markdown, for pages rendered again
    written: frozenset[str] = frozenset()  # pages already written to `build_files`' `write_to`
    ids: frozenset[str] = frozenset()  # `page#id` on the pages in `written`, when there is a manifest

    @property
    def paths(self) -> set[str]:
        """Every file made so far, written or in `files`."""
        return self.files.keys() | self.written


@dataclass(frozen=True)
class Result:
    pages: int
    files: int
    seconds: float
    warnings: tuple[ContentError, ...] = field(default=())


class BuildError(Exception):
    """The output folder or the search indexer failed; the previous output is intact."""


def template_error(exc: jinja2.TemplateError) -> ContentError:
    """`templates/x.html:12: message`, for syntax and runtime errors alike."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(shown(exc.filename or exc.name or "templates"), exc.lineno, exc.message or str(exc))
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return ContentError(shown(frame.filename), frame.lineno or 0, str(exc))
    return ContentError("templates", 0, str(exc))


@dataclass(frozen=True)
class Model:
    """The sources read whole and linked: what every page is rendered from."""

    site: Site
    links: Links
    manifest: list[manifest.Entry]
    warnings: tuple[ContentError, ...]
    codes: printcodes.Codes  # QR codes of printed pages


def read(opts: Options) -> Model:
    """Load and link (with the manifest and the QR codes), or ContentErrors."""
    site, problems = load.load_site(opts.site_file, opts.content, opts.base_url, opts.jobs)
    links = link.link_site(site, problems)
    entries = manifest.read(opts.manifest, problems) if opts.manifest is not None else []
    problems.raise_if_any()
    codes = printcodes.codes(site, opts.qr_cache, opts.jobs)
    if codes and addresses.is_placeholder(site.config.base_url):
        where: tuple[Path | str, int] = (
            (opts.site_file, _line_of(opts.site_file, "base_url")) if opts.base_url is None else ("--base-url", 1)
        )
        problems.warn(
            *where,
            f"base URL {site.config.base_url} is a placeholder: the QR codes on printed "
            "pages point to it (set base_url in the site file, or --base-url)",
        )
    return Model(site, links, entries, tuple(problems.warnings), codes)


def build_files(
    opts: Options,
    env: jinja2.Environment | None = None,
    model: Model | None = None,
    write_to: Path | None = None,
    previous: Path | None = None,
) -> Built:
    """Load, link and render: every output file in memory, or ContentErrors.

    `env` is a Jinja environment from `render.make_env(opts.templates, opts.cache)` to reuse
    (the preview keeps one, so its templates are compiled once); `model`, what `read(opts)`
    returned, if the sources were read already. With `write_to` (a staging folder), each
    page is written there as soon as it is rendered (`Built.written`), so the disk works
    while the processors render; a page whose bytes `previous` (the output being
    replaced) holds already is linked to it (`write.write_files`). A written page's text
    is then not kept (nor sent back by a helper process): only its ids, for the manifest.
    """
    model = model or read(opts)
    site, links, codes = model.site, model.links, model.codes
    html = render.RenderedMarkdown(site, links)
    plans = list(render.page_plan(site, links))
    page = render.renderer(
        site, links, env or render.make_env(opts.templates, opts.cache), manifest.moved(model.manifest), codes, html
    )
    writer = None
    if write_to is not None:
        write.make_folders(write_to, [plan.path for plan in plans])
        writer = write.Writer(write_to, previous)

    def render_run(run: list[render.PagePlan]) -> list[tuple[str | None, frozenset[str]]]:
        out: list[tuple[str | None, frozenset[str]]] = []
        for plan in run:
            text = page(plan)
            if writer is None:
                out.append((text, frozenset()))
            else:  # written on a thread while the next page is rendered
                writer.put(plan.path, text)
                out.append((None, manifest.ids(plan.path, text) if model.manifest else frozenset()))
        if writer is not None:
            writer.wait()  # a helper's pages are on disk before it reports them done
        return out

    # A large site's pages are rendered by every core (sitegen/parallel.py); the same text.
    try:
        runs = render.runs(plans)
        jobs = opts.jobs if len(plans) >= render.PARALLEL_FROM else 1
        with parallel.Pulled(render_run, [[run] for run in runs], jobs) as rendering:
            # Meanwhile, here: what is made from the model alone.
            made = downloads.downloads(site, links)
            records = search_records.records(site, links)
            made.update(search_records.offline_index(records, search_records.web_backend(site)))
            pages = [result for run in rendering.results() for result in run]
    except jinja2.TemplateError as exc:
        raise ContentErrors([template_error(exc)]) from None
    finally:
        if writer is not None:
            writer.close()
    files = {plan.path: text for plan, (text, _) in zip(plans, pages, strict=True) if text is not None}
    files.update(render.site_files(site, html, [plan.path for plan in plans]))
    files.update(made)
    written = frozenset(plan.path for plan in plans) if write_to is not None else frozenset()
    ids = frozenset().union(*(found for _, found in pages))
    return Built(site, links, files, records, model.manifest, model.warnings, codes, html, written, ids)


def _line_of(path: Path, key: str) -> int:
    """The line of a top-level `key:` in a YAML file, for a warning's `path:line` (1 if not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)


def build(opts: Options, env: jinja2.Environment | None = None, model: Model | None = None) -> Result:
    """The whole build; the previous output stays untouched unless everything succeeds.

    `env` and `model` as for `build_files`. The sources are read and checked before the
    output folder is touched; pages are written into the staging folder as they are
    rendered, and the staging folder is swapped into place only at the end."""
    started = time.perf_counter()
    progress("loading content")
    env = env or render.make_env(opts.templates, opts.cache)
    model = model or read(opts)
    try:
        write.check_output(opts.out, opts.sources)
    except write.OutputError as exc:
        raise BuildError(str(exc)) from None
    progress("rendering")
    try:
        with write.staging(opts.out) as tmp:
            previous = opts.out if (opts.out / write.MARKER).is_file() else None  # check_output: ours
            built = build_files(opts, env, model, write_to=tmp, previous=previous)
            files = built.files
            if built.manifest:  # (reading every page for its ids takes half a second on a large site)
                # The offline copy is written below (or left out by choice): it is not lost.
                found = manifest.present(files) | built.written | built.ids | {addresses.OFFLINE_ZIP}
                missing = manifest.missing(built.manifest, found, shown(opts.manifest or ""))
                if missing:
                    raise ContentErrors(missing)
            try:
                files.update(render.redirect_pages(env, manifest.redirects(built.paths, built.manifest)))
            except jinja2.TemplateError as exc:
                raise ContentErrors([template_error(exc)]) from None
            progress(f"writing {len(files)} files")
            write.write_files(tmp, files, previous)  # what was not written while rendered
            write.copy_static(opts.static, tmp)
            if opts.full:
                progress("making the offline copy")
                files.update(offline_copy(opts, built, env, tmp))
            # A small site's web search reads search-index.js whole (search_records.web_backend).
            if opts.search and search_records.web_backend(built.site) == "pagefind":
                progress("indexing for search")
                from .pagefind_service import SearchError, pagefind_index  # only here: it starts a process

                try:
                    pagefind_index(tmp, [r for r in built.records if not search_records.is_term(r)])
                except SearchError as exc:
                    raise BuildError(str(exc)) from None
    except write.OutputError as exc:
        raise BuildError(str(exc)) from None
    progress("")
    made = built.paths  # (`files` is built.files, with what was added since)
    pages = sum(1 for name in made if name.endswith(".html"))
    return Result(pages, len(made), time.perf_counter() - started, built.warnings)


def offline_copy(opts: Options, built: Built, env: jinja2.Environment, root: Path) -> dict[str, str]:
    """Write offline.zip into the staged site in `root`; the pages that link to it, with its size.

    The pages in the zip say they are the offline copy; the site's pages, rendered after
    the zip is made, link to it with its size (see sitegen/offline.py).
    """
    site, moved = built.site, manifest.moved(built.manifest)
    linking = {addresses.HOME, *(addresses.path_of(d) for d in site.documents)}
    try:
        inside = render.render_pages(
            site, built.links, env, linking, moved, built.codes, built.html, offline=offline.Copy(None)
        )
        readme = env.get_template("offline-readme.txt").render(site=site, address=addresses)
        data = offline.make_zip(root, inside, readme)
        pages = render.render_pages(
            site,
            built.links,
            env,
            linking,
            moved,
            built.codes,
            built.html,
            offline=offline.Copy(offline.size_label(len(data))),
        )
    except jinja2.TemplateError as exc:
        raise ContentErrors([template_error(exc)]) from None
    write.write_files(root, {**pages, addresses.OFFLINE_ZIP: data})
    return pages


def progress(stage: str) -> None:
    """One self-overwriting status line, only when a person is watching a terminal."""
    if sys.stdout.isatty():
        print(f"\r\033[K{stage}…" if stage else "\r\033[K", end="", flush=True)
