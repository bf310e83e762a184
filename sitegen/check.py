"""Check: every internal link and anchor resolves, and no published anchor disappears.

The manifest (`anchors.txt`) lists every published `path#anchor`, one a line.
A line `old/path.html#old -> new/path.html#new` records a deliberate move: the
old address keeps working (a redirect page, or the page's script follows the
move), and the build fails only when an unmapped published anchor is gone.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ContentError, ContentErrors, Problems
from .load import read_text


@dataclass(frozen=True)
class Entry:
    address: str  # path#anchor or path
    moved_to: str | None
    line: int


def read_manifest(path: Path, missing_ok: bool = False) -> list[Entry]:
    """The manifest's entries. One that does not exist is an error (a mistyped --manifest
    would silently check nothing) unless `missing_ok` (check --update-manifest creates it)."""
    if missing_ok and not os.path.lexists(path):
        return []
    problems = Problems()
    if not os.path.lexists(path):
        problems.error(path, 1, "manifest of published addresses not found (check the --manifest path)")
    text = read_text(path, problems) if not problems.items else None
    problems.raise_if_any()
    entries = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        old, _, new = (part.strip() for part in line.partition("->"))
        entries.append(Entry(old, new or None, n))
    return entries


class _Scan(HTMLParser):
    """Collects ids and link targets of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            value = a.get(key)
            if value is not None and not (tag == "link" and a.get("rel") == "canonical") \
                    and not (tag == "meta"):
                self.links.append((value, self.getpos()[0]))


def scan(files: dict[str, str]) -> dict[str, _Scan]:
    scans = {}
    for path, content in files.items():
        if path.endswith(".html"):
            s = _Scan()
            s.feed(content if isinstance(content, str) else content.decode("utf-8"))
            scans[path] = s
    return scans


def anchors(scans: dict[str, _Scan]) -> set[str]:
    out = set(scans)
    for path, s in scans.items():
        out.update(f"{path}#{i}" for i in s.ids)
    return out


# Ids that are promises to people who link (DESIGN.md §2); other ids are interface details.
PUBLISHED_ID = re.compile(r"^(?:(?:art|item|part)-\d+(?:-p\d+)?|announcement|preamble|notice|editorial-notes)$")


UI_IDS = {"main", "q-header"}


def published(files: dict[str, str]) -> list[str]:
    """Every page and every published anchor of a built site, sorted."""
    out = []
    for path, s in scan(files).items():
        if path == "404.html":
            continue
        out.append(path)
        for i in s.ids:
            if PUBLISHED_ID.match(i) or (path == "glossary/index.html" and i not in UI_IDS):
                out.append(f"{path}#{i}")
    return sorted(out)


ID_ATTR = re.compile(r'\sid="([^"]+)"')


def generated_anchors(files: dict[str, str]) -> set[str]:
    """Pages and ids of freshly rendered pages, read quickly: our own templates write `id="…"`."""
    out = set(files)
    for path, html in files.items():
        if path.endswith(".html"):
            out.update(f"{path}#{i}" for i in ID_ATTR.findall(html))
    return out


def missing_anchors(files: dict[str, str], manifest: list[Entry], manifest_name: str = "anchors.txt",
                    present: set[str] | None = None) -> list[ContentError]:
    if present is None:
        present = generated_anchors(files)
    errors = []
    for e in manifest:
        if e.moved_to is None and e.address not in present:
            errors.append(ContentError(manifest_name, e.line,
                                       f"published address {e.address!r} is missing from the site "
                                       f"(restore it, or map it: '{e.address} -> new.html#anchor')"))
        elif e.moved_to is not None and e.moved_to not in present:
            errors.append(ContentError(manifest_name, e.line,
                                       f"{e.address!r} is mapped to {e.moved_to!r}, which does not exist"))
    return errors


def moved_anchors(manifest: list[Entry]) -> dict[str, dict[str, str]]:
    """page → {old anchor: new address relative to that page} for anchors moved away."""
    out: dict[str, dict[str, str]] = {}
    for e in manifest:
        if e.moved_to and "#" in e.address:
            page, anchor = e.address.split("#", 1)
            out.setdefault(page, {})[anchor] = relative(page, e.moved_to)
    return out


def relative(from_page: str, to: str) -> str:
    """A relative link from one site path to another (both site-relative)."""
    src = from_page.split("/")[:-1]
    dst_path, _, frag = to.partition("#")
    dst = dst_path.split("/")
    common = 0
    while common < len(src) and common < len(dst) - 1 and src[common] == dst[common]:
        common += 1
    rel = "../" * (len(src) - common) + "/".join(dst[common:])
    return rel + (f"#{frag}" if frag else "")


def redirect_stubs(files: dict[str, str], manifest: list[Entry]) -> dict[str, str]:
    """A small page at each moved address whose page no longer exists, pointing to its new place."""
    stubs = {}
    for e in manifest:
        page = e.address.split("#", 1)[0]
        if e.moved_to and page not in files and page not in stubs and page.endswith(".html"):
            target = relative(page, e.moved_to)
            stubs[page] = (
                '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0; url={target}">'
                f'<link rel="canonical" href="{target}"><title>已移至新地址</title></head>'
                f'<body><p>本页已移至<a href="{target}">新地址</a>。</p></body></html>\n')
    return stubs


def broken_links(files: dict[str, str]) -> list[str]:
    """`path:line: message` for each internal link whose file or anchor does not exist."""
    scans = scan(files)
    present = anchors(scans)
    names = set(files)
    problems = []
    for path, s in scans.items():
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        for href, line in s.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("data:"):
                continue
            if href.startswith("/"):
                problems.append(f"{path}:{line}: root-absolute link {href!r} breaks from file://")
                continue
            target = _normalise(base + unquote(parts.path)) if parts.path else path
            if parts.path and (parts.path.endswith("/") or target not in names):
                problems.append(f"{path}:{line}: link to missing file {href!r}")
            elif parts.fragment and target.endswith(".html") and f"{target}#{parts.fragment}" not in present:
                problems.append(f"{path}:{line}: link to missing anchor {href!r}")
    return problems


def _normalise(path: str) -> str:
    out: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if out:
                out.pop()
        elif seg not in ("", "."):
            out.append(seg)
    return "/".join(out)


def read_tree(root: Path) -> dict[str, str]:
    files = {}
    for p in root.rglob("*"):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            files[rel] = p.read_text(encoding="utf-8") if p.suffix in (".html", ".xml", ".txt", ".js", ".css", ".json", ".md") else ""
    return files


CONTRACT = [
    "index.html", "yrd-decision/index.html", "digital-trade-plan/index.html", "glossary/index.html",
    "topics/index.html", "search.html", "404.html", "sitemap.xml", "robots.txt",
    *(f"yrd-decision/{n}.html" for n in range(1, 20)),
    *(f"digital-trade-plan/{n}.html" for n in range(3, 26)), "digital-trade-plan/part-9.html",
    *(f"{d}/{d}.{ext}" for d in ("yrd-decision", "digital-trade-plan") for ext in ("md", "txt", "json")),
    "yrd-decision/index.html#announcement", "yrd-decision/index.html#preamble",
    *(f"yrd-decision/index.html#art-{n}" for n in range(1, 20)),
    "digital-trade-plan/index.html#notice",
    *(f"digital-trade-plan/index.html#part-{n}" for n in range(1, 10)),
    *(f"digital-trade-plan/index.html#item-{n}" for n in range(1, 26)),
    "digital-trade-plan/part-9.html#part-9", "digital-trade-plan/part-9.html#part-9-p1",
]


def run(opts, build_files, update: bool = False) -> int:
    """`build.py check`: content, then the built site on disk, then the manifest."""
    try:
        _site, _links, files, warnings = build_files(opts)
    except ContentErrors as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        return 1
    for w in warnings:
        print(w, file=sys.stderr)
    if not opts.out.is_dir():
        print(f"{opts.out}: not built yet; run 'python build.py' first", file=sys.stderr)
        return 1
    built = read_tree(opts.out)
    problems = broken_links(built)
    present = anchors(scan(built)) | set(built)
    problems += [f"{opts.out}: contract address {a!r} is missing (DESIGN.md §2)"
                 for a in CONTRACT if a not in present]
    manifest = read_manifest(opts.manifest, missing_ok=update) if opts.manifest else []
    problems += [str(e) for e in missing_anchors(built, manifest, opts.manifest.name if opts.manifest else "",
                                                 present)]
    if update and not problems and opts.manifest:
        known = {e.address for e in manifest}
        added = [a for a in published(built) if a not in known]
        with opts.manifest.open("a", encoding="utf-8") as fh:
            fh.writelines(f"{a}\n" for a in added)
        print(f"added {len(added)} address(es) to {opts.manifest.name}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check passed: {len(built)} files, {len(present)} addresses, {len(manifest)} in the manifest")
    return 0
