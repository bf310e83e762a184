"""Shared pieces of the quality gates (tests/test_quality_*.py): page types, tools.

The gates use real tools and never skip: a missing tool fails with the install
step that brings it (see bench/README.md, "Installing the tools").
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"

NPM_HINT = "run `npm ci` at the repo root (package.json pins the tools)"


def _first_term() -> str:
    return sorted(p.stem for p in (ROOT / "content" / "glossary").glob("*.md"))[0]


def _first_topic() -> str:
    return yaml.safe_load((ROOT / "content" / "topics.yaml").read_text(encoding="utf-8"))[0]["slug"]


# Every kind of page the site has (docs/architecture.md#locators); the browser gates visit each.
PAGE_TYPES: dict[str, str] = {
    "home": "index.html",
    "decision full text": "yrd-decision/index.html",
    "plan full text": "digital-trade-plan/index.html",
    "provision": "yrd-decision/7.html",
    "plan item": "digital-trade-plan/4.html",
    "plan part": "digital-trade-plan/part-9.html",
    "glossary": "glossary/index.html",
    "term": f"glossary/{_first_term()}.html",
    "topics": "topics/index.html",
    "topic": f"topics/{_first_topic()}.html",
    "search with results": "search.html?q=长三角",
    "404": "404.html",
}

SEARCH_QUERY = "长三角"
# What the search page shows once results are in (static/search.js fills this list).
SEARCH_RESULT = "#search-results li"


def node_tool(relative: str) -> Path:
    """A file inside node_modules/, or a failure naming the install step."""
    path = NODE_MODULES / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: {NPM_HINT}", pytrace=False)
    return path


def executable(name: str, install: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"`{name}` is not on PATH: {install}", pytrace=False)
    return found


def java() -> str:
    exe = executable("java", "apt-get install -y default-jre-headless")
    version = subprocess.run([exe, "-version"], capture_output=True, text=True).stderr
    if ' version "1.' in version:  # Java 8 and older; the Nu checker needs 11+
        pytest.fail(f"the Nu Html Checker needs Java 11 or later, found: {version.splitlines()[0]}", pytrace=False)
    return exe


def node() -> str:
    return executable("node", "install Node.js 18 or later (Debian: apt-get install -y nodejs npm)")


def wait_for_search_results(page, timeout: float = 15_000) -> None:
    """Wait until the search page lists results, failing with what it shows instead."""
    try:
        page.wait_for_selector(SEARCH_RESULT, timeout=timeout)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; report what the page shows
        status = page.locator("#search-status").text_content() if page.locator("#search-status").count() else ""
        pytest.fail(
            f"search.html?q={SEARCH_QUERY} showed no results ({SEARCH_RESULT}) within "
            f"{timeout / 1000:.0f} s; status: {status!r}",
            pytrace=False,
        )
