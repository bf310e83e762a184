"""Golden HTML fragments: a reviewable record of what key pieces of markup look like.

Refresh after a deliberate change with:  UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"

# (golden file, page, the element whose outer HTML is recorded: tag and id or class)
FRAGMENTS = [
    ("decision-7-section.html", "yrd-decision/index.html", r'<section class="provision" id="art-7">', "</section>"),
    ("decision-7-page.html", "yrd-decision/7.html", r'<main id="main" tabindex="-1">', "</main>"),
    (
        "plan-part-2.html",
        "digital-trade-plan/index.html",
        r'<section class="part" id="part-2">',
        '<section class="part" id="part-3">',
    ),
    ("term-kechuang-feidi.html", "glossary/kechuang-feidi.html", r'<main id="main" tabindex="-1">', "</main>"),
]


def fragment(html: str, start: str, end: str) -> str:
    i = html.index(start)
    j = html.index(end, i + len(start))
    return html[i:j] + (end if end.startswith("</") else "")


@pytest.mark.parametrize("name,path,start,end", FRAGMENTS, ids=[f[0] for f in FRAGMENTS])
def test_golden_fragment(site_dir, name, path, start, end):
    actual = fragment((site_dir / path).read_text(encoding="utf-8"), start, end)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"missing {golden}; run with UPDATE_GOLDEN=1 to create it"
    assert actual == golden.read_text(encoding="utf-8"), f"{name} changed; review, then UPDATE_GOLDEN=1"
