"""Codes on paper: a QR code of the canonical URL of each printed provision (issue 17).

The print stylesheet already prints a page's address; this adds a code that a phone
reads, so a printed provision leads back to the living page. Which pages and
paragraphs get one is `addresses.printed_codes`; the templates put each code in
the page as inline SVG, which the stylesheet hides on screen and shows in print
(a paragraph's code only when printing from that paragraph's `#…-pN` link, by
CSS `:target`, with no script).

The codes are made by segno (pinned in requirements.txt) at error correction
level M, segno choosing the best of the eight masks as the QR standard asks.
That costs about 7 ms a code in pure Python (and importing segno about 40 ms), so
the codes of the last build of each site are kept in `.cache/qr/`, one JSON file
per site (base URL and documents) holding exactly the codes that build used, for
the 16 sites built most recently: a rebuild makes only the codes of new
addresses, and imports segno only then. A
cached code is the text segno made for the same URL with the same options and
version, so the output is the same with or without the cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import addresses, parallel
from .model import Site
import contextlib

MAKE: dict[str, Any] = {
    "error": "m"
}  # segno.make: level M (15 % of the code may be lost); segno may raise it at the same size
SVG = {"border": 4, "omitsize": True, "svgclass": "qr-code", "lineclass": None, "dark": "#000"}
PARALLEL_FROM = 64  # codes to make before a second process pays for itself
KEEP = 16  # cache files (sites) kept, the most recently used


class Codes:
    """The QR code of a printed site path (`page` or `page#anchor`), as inline SVG, or None."""

    def __init__(self, svgs: Mapping[str, str] | None = None):
        self._svgs = {path: svg for path, svg in (svgs or {}).items() if svg}

    def __call__(self, address: str) -> Markup | None:
        svg = self._svgs.get(address)
        return Markup(svg) if svg else None

    def __len__(self) -> int:
        return len(self._svgs)


def make(url: str) -> str:
    """The QR code of one URL as inline SVG (no XML declaration, no namespace, a viewBox);
    "" for a URL too long for any QR code (about 2,300 bytes), which is then printed without one."""
    import segno  # ~40 ms to import (it pulls in urllib.request): only when a code is made

    try:
        return segno.make(url, **MAKE).svg_inline(**SVG)
    except ValueError:  # segno.DataOverflowError
        return ""


def codes(site: Site, cache: Path | None = None, jobs: int = 1) -> Codes:
    """Every code the site prints, from the cache where it has them."""
    urls = {a: addresses.url_of(site.config.base_url, a) for a in addresses.printed_codes(site)}
    if not urls:
        return Codes()
    file = _cache_file(site, cache) if cache is not None else None
    known = _read(file) if file is not None else {}
    missing = sorted({u for u in urls.values() if u not in known})
    if missing:
        made = parallel.map_shares(make, missing, jobs if len(missing) >= PARALLEL_FROM else 1)
        known.update(zip(missing, made, strict=True))
    used = {u: known[u] for u in sorted(set(urls.values()))}
    if file is not None and (missing or len(known) != len(used)):
        _write(file, used)
    elif file is not None:
        _touch(file)
    return Codes({a: used[u] for a, u in urls.items()})


def _segno_version() -> str:
    """segno's version, read from its source without importing it (see the module's docstring)."""
    spec = importlib.util.find_spec("segno")
    if spec is None or not spec.origin:
        return "missing"
    try:
        m = re.search(r"""__version__\s*=\s*['"]([^'"]+)""", Path(spec.origin).read_text(encoding="utf-8"))
    except OSError:
        return "unknown"
    return m[1] if m else "unknown"


def _cache_file(site: Site, cache: Path) -> Path:
    key = json.dumps([_segno_version(), MAKE, SVG, site.config.base_url, list(site.config.documents)], sort_keys=True)
    return cache / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _read(file: Path) -> dict[str, str]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()) else {}


def _write(file: Path, data: dict[str, str]) -> None:
    """Replace the file at once (two builds at the same time each leave a whole file), and
    keep only the files of the sites built most recently (tests build many small sites)."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, file)
        by_use = sorted(file.parent.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in by_use[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout: make the codes again next time


def _touch(file: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(file)
