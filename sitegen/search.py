"""Search: the Pagefind index for the web and a compact script index for file://.

(Being built under issue 5; until then both indexes are empty.)
"""

from __future__ import annotations

from pathlib import Path

from .link import Links
from .model import Site


class SearchError(Exception):
    pass


def offline_index(site: Site, links: Links) -> dict[str, str]:
    return {}


def pagefind_index(root: Path, site: Site) -> None:
    return None
