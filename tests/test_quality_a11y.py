"""Gate: axe-core reports zero violations on every page type, light and dark (docs/architecture.md#quality-bars).

axe-core (npm, pinned) is injected into headless Chromium with Playwright. Its
script is added as an inline tag, so these contexts bypass the CSP; the CSP
itself is proven by test_quality_csp.py.
"""

from __future__ import annotations

import json

import pytest

from quality_support import PAGE_TYPES, node_tool, wait_for_search_results

# Every rule axe ships, WCAG 2.x A/AA and best practices alike.
AXE_OPTIONS = {"resultTypes": ["violations"]}


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_source() -> str:
    return str(node_tool("axe-core/axe.min.js"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_axe_violations(browser, site_url, axe_source, kind, scheme):
    context = browser.new_context(color_scheme=scheme, bypass_csp=True, viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + PAGE_TYPES[kind], wait_until="load")
        if kind.startswith("search"):
            wait_for_search_results(page)
        page.add_script_tag(path=axe_source)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        violations = results["violations"]
        assert not violations, f"{PAGE_TYPES[kind]} ({scheme}): {len(violations)} axe violation(s)\n" + describe(
            violations
        )
        assert len(results["passes"]) >= 10, "axe checked almost nothing: was the page empty?"
    finally:
        context.close()


def test_axe_finds_a_violation(browser, axe_source):
    """The harness itself works: a page with a known problem is reported."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><img src="x.png"></main></html>')
        page.add_script_tag(path=axe_source)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        assert "image-alt" in json.dumps([v["id"] for v in results["violations"]])
    finally:
        context.close()
