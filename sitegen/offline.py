"""The offline copy: the site as it works from disk, in one zip (issue 17).

The full build writes `offline.zip` (`addresses.OFFLINE_ZIP`) at the site's root:
every file a reader uses from file:// (search through search-index.js), with the
home page as the zip's top-level `index.html` and a short `README.txt` in Chinese
saying how to open it; not Pagefind's files, which cannot load from disk, nor the
server-only sitemap.xml, robots.txt and 404.html (`addresses.in_offline_copy`).

The home page and the document pages link to the zip with its size, and the zip
holds those same pages, so they are made in this order (see `pipeline.build`):
the pages inside the zip say that they are the offline copy and do not link to
it; the zip is made from them and the rest of the written site; then the pages
of the site are rendered once more with the zip's size.

The zip is the same bytes for the same site: entries sorted by path, every
timestamp 1980-01-01 00:00 (the earliest a zip can hold), fixed permissions and
system, deflate at level 6 (same zlib, same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import addresses

DATE_TIME = (1980, 1, 1, 0, 0, 0)
LEVEL = 6  # zlib's default; level 9 took twice the time here for a zip 0.3 % smaller


@dataclass(frozen=True)
class Copy:
    """What the home and document pages say about the offline copy (templates: `offline`)."""

    size: str | None  # "412 KB": a page of the site, linking to the zip; None: a page inside it


def files_of(root: Path) -> list[str]:
    """The site paths of the written site that go into the offline copy, sorted."""
    return sorted(
        rel for p in root.rglob("*") if p.is_file() and addresses.in_offline_copy(rel := p.relative_to(root).as_posix())
    )


def make_zip(root: Path, replaced: Mapping[str, str], readme: str) -> bytes:
    """The zip of the site written in `root`, with `replaced` (path → text) instead of
    what is written there, and the README."""
    # With a byte order mark and CRLF line ends, so that older Windows editors read the Chinese.
    text = "\ufeff" + readme.replace("\r\n", "\n").replace("\n", "\r\n")
    entries: dict[str, bytes] = {addresses.OFFLINE_README: text.encode("utf-8")}
    for rel in files_of(root):
        entries[rel] = replaced[rel].encode("utf-8") if rel in replaced else (root / rel).read_bytes()
    import io
    import zipfile  # only the full build makes the offline copy

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=LEVEL)
    return buf.getvalue()


def size_label(size: int) -> str:
    """How the links show the zip's size: 412 KB, 1.2 MB (1 KB = 1,024 bytes)."""
    kb = size / 1024
    if kb < 1000:
        return f"{max(1, round(kb))} KB"
    return f"{kb / 1024:.1f} MB"
