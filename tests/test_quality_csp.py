"""Gate: under the site's CSP, every page type and a search run with zero CSP
violations and zero console errors (docs/architecture.md#quality-bars).

The server of tests/conftest.py sends
`Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:`.
Each page is also exercised: the paragraph toolbar, a glossary popover and the
"/" shortcut, so that lazily loaded code runs under the policy too.
"""

from __future__ import annotations

import pytest

from quality_support import PAGE_TYPES, SEARCH_QUERY, wait_for_search_results

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def exercise(page) -> None:
    """Use what the page's script adds: toolbar, popover, '/' shortcut."""
    para = page.locator(".para").first
    if para.count():
        para.hover()
        button = page.locator(".para-tools button").first
        button.wait_for(timeout=10_000)
        button.click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[role=status]')]
                                  .some(e => /复制/.test(e.textContent))""",
            timeout=10_000,
        )
    term = page.locator("a.term").first
    if term.count():
        term.scroll_into_view_if_needed()
        term.hover()
        page.wait_for_selector(".popover", timeout=10_000)
        page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")


def problems_of(page) -> list[str]:
    return list(page.problems) + page.evaluate("window.__csp || []")


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_runs_clean_under_the_csp(page, site_url, kind):
    page.context.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(site_url + PAGE_TYPES[kind], wait_until="load")
    assert "default-src 'self'" in response.headers.get("content-security-policy", "")
    if kind.startswith("search"):
        wait_for_search_results(page)
    exercise(page)
    page.wait_for_load_state("networkidle")
    found = problems_of(page)
    assert not found, f"{PAGE_TYPES[kind]}: " + "\n".join(found)


def test_search_from_the_header_runs_clean_under_the_csp(page, site_url):
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto(site_url + "yrd-decision/7.html", wait_until="load")
    page.keyboard.press("/")
    page.keyboard.type(SEARCH_QUERY)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "search.html?q=" in page.url
    wait_for_search_results(page)
    # A second query typed on the search page itself.
    box = page.locator("#q")
    box.fill("数字贸易")
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    wait_for_search_results(page)
    found = problems_of(page)
    assert not found, "\n".join(found)


def test_the_csp_gate_sees_violations(page, site_url):
    """The harness works: an inline script on a served page is reported."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto(site_url + "404.html", wait_until="load")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.x = 1'; document.body.append(s); }""")
    page.wait_for_timeout(200)
    assert any("script-src" in p for p in problems_of(page)), problems_of(page)
