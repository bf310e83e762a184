"""Helpers of the fast tests (tests/unit): fixture sites loaded and linked in process."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from fixtures import make_site  # noqa: E402
from sitegen import link, load  # noqa: E402
from sitegen.errors import Problems  # noqa: E402


def load_tree(root: Path, files: dict | None = None):
    """A fixture site (tests/fixtures.py) loaded and linked: (site, links, problems)."""
    make_site(root, files)
    site, problems = load.load_site(root / "site.yaml", root / "content")
    links = link.link_site(site, problems)
    return site, links, problems


def messages(problems: Problems, cwd: Path) -> list[str]:
    """Each problem as `path:line: message`, paths relative to `cwd`."""
    out = []
    for p in sorted(problems.items):
        path = Path(p.path)
        shown = path.relative_to(cwd).as_posix() if path.is_absolute() and path.is_relative_to(cwd) else p.path
        out.append(f"{shown}:{p.line}: {'warning: ' if p.warning else ''}{p.message}")
    return out
