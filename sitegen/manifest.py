"""The manifest of published addresses (`anchors.txt`): no published address disappears.

One `path#anchor` (or page path) a line. A line `old/path.html#old -> new/path.html#new`
records a deliberate move: the old address keeps working (a redirect page where the
old page is gone, or the page's script follows the move), and the build fails only
when an unmapped published address is gone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import addresses
from .errors import ContentError, Problems
from .files import read_text


@dataclass(frozen=True)
class Entry:
    address: str  # path#anchor or path
    moved_to: str | None
    line: int


def read(path: Path, problems: Problems) -> list[Entry]:
    """The manifest's entries; a manifest that does not exist or cannot be read is a problem
    (a mistyped --manifest would otherwise check nothing)."""
    if not os.path.lexists(path):
        problems.error(path, 1, "manifest of published addresses not found (check the --manifest path)")
        return []
    text = read_text(path, problems)
    if text is None:
        return []
    entries = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        old, _, new = (part.strip() for part in line.partition("->"))
        entries.append(Entry(old, new or None, n))
    return entries


ID_ATTR = re.compile(r'\sid="([^"]+)"')


def present(files: Mapping[str, str]) -> set[str]:
    """Pages and ids of freshly rendered pages, read quickly: our own templates write `id="…"`."""
    out = set(files)
    for path, html in files.items():
        out.update(ids(path, html))
    return out


def ids(path: str, html: str) -> frozenset[str]:
    """`path#id` for each id on a page (nothing for a file that is not a page)."""
    return frozenset(f"{path}#{i}" for i in ID_ATTR.findall(html)) if path.endswith(".html") else frozenset()


def missing(entries: list[Entry], found: set[str], manifest_name: str) -> list[ContentError]:
    """A `path:line` error for each published address that is gone and not mapped elsewhere."""
    errors = []
    for e in entries:
        if e.moved_to is None and e.address not in found:
            errors.append(
                ContentError(
                    manifest_name,
                    e.line,
                    f"published address {e.address!r} is missing from the site "
                    f"(restore it, or map it: '{e.address} -> new.html#anchor')",
                )
            )
        elif e.moved_to is not None and e.moved_to not in found:
            errors.append(
                ContentError(manifest_name, e.line, f"{e.address!r} is mapped to {e.moved_to!r}, which does not exist")
            )
    return errors


def moved(entries: list[Entry]) -> dict[str, dict[str, str]]:
    """page → {old anchor: new address relative to that page} for anchors moved away."""
    out: dict[str, dict[str, str]] = {}
    for e in entries:
        if e.moved_to and "#" in e.address:
            page, anchor = e.address.split("#", 1)
            out.setdefault(page, {})[anchor] = addresses.relative(page, e.moved_to)
    return out


def redirects(files: Collection[str], entries: list[Entry]) -> dict[str, str]:
    """page → its new address, for each moved page that the site (`files`: its paths) no longer has."""
    out: dict[str, str] = {}
    for e in entries:
        page = e.address.split("#", 1)[0]
        if e.moved_to and page not in files and page not in out and page.endswith(".html"):
            out[page] = e.moved_to
    return out
