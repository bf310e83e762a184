#!/usr/bin/env python3
"""Build the Zhejiang policy reference site.

    python build.py                 build into _site/
    python build.py check           validate content and the built site
    python build.py serve           live preview on http://127.0.0.1:8000/
    python build.py import FILE...  plain text of documents → content/<slug>/

The pipeline, top to bottom, is sitegen/pipeline.py: load → link → render →
write (→ search index). This file is the command line around it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sitegen.errors import ContentErrors, shown
from sitegen.pipeline import BuildError, Options, build


COMMANDS = {
    "build": "Build the site (the default command).",
    "check": "Validate the content and the built site: links, anchors, published addresses, "
    "the manifest, and the text against its source.",
    "serve": "Build, serve on this machine and rebuild on every change (live preview).",
}


def make_parser(command: str | None) -> argparse.ArgumentParser:
    """The options of one command (`build.py serve --help` lists serve's), or of them all."""
    parser = argparse.ArgumentParser(
        prog=f"build.py {command}" if command else "build.py",
        description=COMMANDS[command] if command else "Build, check or preview the Zhejiang policy reference site.",
    )
    if command is None:
        parser.add_argument(
            "command",
            nargs="?",
            default="build",
            choices=["build", "check", "serve", "import"],
            help="build (default): write the site; check: validate content and the built "
            "site; serve: build, serve and rebuild on change; import FILE...: the plain text of "
            "documents into content/ (see build.py import --help)",
        )
    parser.add_argument("--out", type=Path, default=Options.out, help="output folder (default: _site/)")
    parser.add_argument("--content", type=Path, default=Options.content, help="content folder (default: content/)")
    parser.add_argument(
        "--site", type=Path, default=Options.site_file, dest="site_file", help="site settings (default: site.yaml)"
    )
    parser.add_argument("--base-url", help="absolute URL the site is published at (default: site.yaml)")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the Pagefind search index and the offline copy (offline.zip)"
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        help="manifest of published addresses (default: anchors.txt for the "
        "default content; none for another --content)",
    )
    if command in (None, "check"):
        parser.add_argument(
            "--update-manifest",
            action="store_true",
            help="with check: add the built site's new addresses to the manifest",
        )
    if command in (None, "serve"):
        parser.add_argument("--port", type=int, default=8000, help="serve: port (default 8000; 0 picks a free one)")
        parser.add_argument("--host", default="127.0.0.1", help="serve: address (default 127.0.0.1, loopback only)")
        parser.add_argument("--open", action="store_true", help="serve: open a browser")
    return parser


def parse_args(argv: list[str]) -> tuple[str, Options, argparse.Namespace]:
    # A command named first gets a parser of its own, so `build.py serve --help` is serve's help.
    named = argv[0] if argv and argv[0] in COMMANDS else None
    args = make_parser(named).parse_args(argv[1:] if named else argv)
    command = named or args.command
    manifest = args.manifest or (Options.manifest if args.content == Options.content else None)
    # The offline copy (offline.zip) is part of the full build only: not with --no-search, not in serve.
    opts = Options(
        content=args.content,
        site_file=args.site_file,
        out=args.out,
        base_url=args.base_url,
        search=not args.no_search,
        manifest=manifest,
        offline=command != "serve",
    )
    return command, opts, args


def import_command(argv: list[str]) -> int:
    """`build.py import FILE... [--content DIR] [--site FILE] [--slug SLUG] [--force] [--lines A-B]`.

    (sitegen/importer.py)"""
    parser = argparse.ArgumentParser(
        prog="build.py import",
        description="Import the plain text of laws, regulations or policy documents into content/, one folder each.",
    )
    parser.add_argument("sources", type=Path, nargs="+", metavar="FILE", help="UTF-8 text of one document each")
    parser.add_argument("--content", type=Path, default=Options.content, help="content folder (default: content/)")
    parser.add_argument("--site", type=Path, help="add the new documents to this site file's 'documents:' list")
    parser.add_argument(
        "--slug", help="the folder and address of the one document imported, ASCII (default: made from its title)"
    )
    parser.add_argument("--force", action="store_true", help="replace a document folder that exists")
    parser.add_argument("--lines", help="import only these lines of each FILE, e.g. 1-107")
    args = parser.parse_args(argv)
    from sitegen import importer

    return importer.run(args.sources, args.content, slug=args.slug, force=args.force, lines=args.lines, site=args.site)


def main(argv: list[str] | None = None) -> int:
    # Messages quote Chinese text and paths: a terminal that cannot show them gets escapes, not a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        return import_command(argv[1:])
    command, opts, args = parse_args(argv)
    if command == "serve":
        from sitegen import serve

        return serve.serve(opts, host=args.host, port=args.port, open_browser=args.open)
    if command == "check":
        from sitegen import check

        return check.run(opts, update=args.update_manifest)
    try:
        result = build(opts)
    except ContentErrors as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        print(f"build failed: {len(exc.errors)} error(s); {shown(opts.out)}/ left unchanged", file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"built {result.pages} pages in {result.seconds:.2f} s → {shown(opts.out)}/")
    return 0


if __name__ == "__main__":
    status = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)  # a profiler or coverage writes its report at exit
    # Every file is closed by now; skip tearing down the interpreter's objects one by one
    # (tens of milliseconds for the real site, more for a large one).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
