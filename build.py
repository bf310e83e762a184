#!/usr/bin/env python3
"""Build the Zhejiang policy reference site.

    python build.py                 build into _site/
    python build.py check           validate content and the built site
    python build.py serve           live preview on http://127.0.0.1:8000/

The pipeline, top to bottom: load → link → render → write (→ search index).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sitegen import check, downloads, link, load, render, search, write
from sitegen.errors import ContentError, ContentErrors, shown

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Options:
    content: Path = ROOT / "content"
    templates: Path = ROOT / "templates"
    static: Path = ROOT / "static"
    site_file: Path = ROOT / "site.yaml"
    manifest: Path | None = ROOT / "anchors.txt"  # None: no published-anchor check
    out: Path = ROOT / "_site"
    base_url: str | None = None
    search: bool = True


@dataclass(frozen=True)
class Result:
    pages: int
    seconds: float
    warnings: tuple[ContentError, ...]


def build_files(opts: Options, moved: dict[str, dict[str, str]] | None = None, render_site=None):
    """Load, link and render: every output file in memory, or ContentErrors.

    `render_site` replaces `render.render_site` (same arguments): `serve` renders only what an edit touched.
    """
    site, problems = load.load_site(opts.site_file, opts.content, opts.base_url)
    links = link.link_site(site, problems)
    problems.raise_if_any()
    files = (render_site or render.render_site)(site, links, opts.templates, moved or {})
    files.update(downloads.downloads(site, links))
    files.update(search.offline_index(site, links))
    return site, links, files, tuple(problems.warnings)


def progress(stage: str) -> None:
    """One self-overwriting status line, only when a person is watching a terminal."""
    if sys.stdout.isatty():
        print(f"\r\033[K{stage}…", end="", flush=True)


def build(opts: Options, render_site=None) -> Result:
    """The whole build; the previous output stays untouched unless everything succeeds."""
    started = time.perf_counter()
    progress("loading content")
    manifest = check.read_manifest(opts.manifest) if opts.manifest else []
    site, links, files, warnings = build_files(opts, check.moved_anchors(manifest), render_site)
    progress(f"writing {len(files)} files")
    write.check_output(opts.out, [opts.content, opts.templates, opts.static, opts.site_file, ROOT / "build.py"])
    missing = check.missing_anchors(files, manifest, opts.manifest.name if opts.manifest else "")
    if missing:
        raise ContentErrors(missing)
    files.update(check.redirect_stubs(files, manifest))
    with write.staging(opts.out) as tmp:
        write.write_files(tmp, files)
        write.copy_static(opts.static, tmp)
        if opts.search:
            progress("indexing for search")
            search.pagefind_index(tmp, site, links)
    progress("done")
    if sys.stdout.isatty():
        print("\r\033[K", end="")
    pages = sum(1 for name in files if name.endswith(".html"))
    return Result(pages, time.perf_counter() - started, warnings)


# --- command line ------------------------------------------------------------------

def template_error(exc: jinja2.TemplateError) -> str:
    """`templates/x.html:12: message` for syntax and runtime errors alike."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return f"{frame.filename}:{frame.lineno}: {exc}"
    return f"templates: {exc}"


def report(errors) -> None:
    for err in errors:
        print(err, file=sys.stderr)


def parse_args(argv: list[str]) -> tuple[str, Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build, check or preview the Zhejiang policy reference site.")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "serve"],
                        help="build (default): write the site; check: validate content and the built "
                             "site; serve: build, serve and rebuild on change")
    parser.add_argument("--out", type=Path, default=Options.out, help="output folder (default: _site/)")
    parser.add_argument("--content", type=Path, default=Options.content, help="content folder (default: content/)")
    parser.add_argument("--site", type=Path, default=Options.site_file, dest="site_file",
                        help="site settings (default: site.yaml)")
    parser.add_argument("--base-url", help="absolute URL the site is published at (default: site.yaml)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    parser.add_argument("--manifest", type=Path,
                        help="manifest of published addresses (default: anchors.txt for the "
                             "default content; none for another --content)")
    parser.add_argument("--update-manifest", action="store_true",
                        help="with check: add the built site's new anchors to the manifest")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address (default 127.0.0.1, loopback only)")
    parser.add_argument("--open", action="store_true", help="serve: open a browser")
    args = parser.parse_args(argv)
    manifest = args.manifest or (Options.manifest if args.content == Options.content else None)
    opts = Options(content=args.content, site_file=args.site_file, out=args.out, base_url=args.base_url,
                   search=not args.no_search, manifest=manifest)
    return args.command, opts, args


def main(argv: list[str] | None = None) -> int:
    command, opts, args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if command == "serve":
            from sitegen import serve
            return serve.serve(opts, build, host=args.host, port=args.port, open_browser=args.open,
                               template_error=template_error)
        if command == "check":
            return check.run(opts, build_files, update=args.update_manifest)
        result = build(opts)
    except ContentErrors as exc:
        report(exc.errors)
        print(f"build failed: {len(exc.errors)} error(s); {shown(opts.out)}/ left unchanged", file=sys.stderr)
        return 1
    except jinja2.TemplateError as exc:
        print(template_error(exc), file=sys.stderr)
        return 1
    except (write.OutputError, search.SearchError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    report(result.warnings)
    print(f"built {result.pages} pages in {result.seconds:.2f} s → {shown(opts.out)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
