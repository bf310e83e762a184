"""The link checker of `build.py check`: every internal link and anchor of a built site resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_FILES = (".html", ".xml", ".txt", ".js", ".css", ".json", ".md")


class _Scan(HTMLParser):
    """Collects ids and link targets of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        for key in ("href", "src"):
            value = a.get(key)
            # <base> (the 404 page's) sets where links resolve from; it is not a link itself.
            if (
                value is not None
                and not (tag == "link" and a.get("rel") == "canonical")
                and tag not in ("meta", "base")
            ):
                self.links.append((value, self.getpos()[0]))


def scan(files: dict[str, str]) -> dict[str, _Scan]:
    scans = {}
    for path, content in files.items():
        if path.endswith(".html"):
            s = _Scan()
            s.feed(content)
            scans[path] = s
    return scans


def anchors(files: dict[str, str]) -> set[str]:
    """Every file and every `page#id` of a built site."""
    out = set(files)
    for path, s in scan(files).items():
        out.update(f"{path}#{i}" for i in s.ids)
    return out


def broken_links(files: dict[str, str]) -> list[str]:
    """`path:line: message` for each internal link whose file or anchor does not exist."""
    scans = scan(files)
    present = set(files)
    for path, s in scans.items():
        present.update(f"{path}#{i}" for i in s.ids)
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
            if parts.path and (parts.path.endswith("/") or target not in present):
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
    """A built site's files by site path; the text of text files, "" for the others."""
    files = {}
    for p in root.rglob("*"):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            files[rel] = p.read_text(encoding="utf-8") if p.suffix in TEXT_FILES else ""
    return files
