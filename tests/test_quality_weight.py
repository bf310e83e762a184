"""Gate: page weight budgets of docs/architecture.md#quality-bars, on every page.

- every HTML page ≤ 30 KB uncompressed, a document's full text ≤ 60 KB;
- CSS a page links ≤ 12 KB;
- JavaScript loaded before any interaction ≤ 5 KB (uncompressed): the scripts a
  page names, and what a browser actually fetches while the page loads;
- no web fonts, no third-party requests.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml

from quality_support import PAGE_TYPES, ROOT, wait_for_search_results

KB = 1024
HTML_BUDGET, FULL_TEXT_BUDGET, CSS_BUDGET, JS_BUDGET = 30 * KB, 60 * KB, 12 * KB, 5 * KB
FONT_FILES = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.I)
DOCUMENTS = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))["documents"]


class Resources(HTMLParser):
    """What a page loads by itself: stylesheets, scripts, images, frames and other sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.loads: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel:
            self.styles.append(a.get("href") or "")
        if tag == "link" and set(rel) & {
            "stylesheet",
            "icon",
            "preload",
            "modulepreload",
            "prefetch",
            "manifest",
            "apple-touch-icon",
        }:
            self.loads.append(a.get("href") or "")
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if tag in ("img", "iframe", "audio", "video", "source", "embed", "object", "track", "input"):
            self.loads.extend(v for k, v in attrs if k in ("src", "data", "poster", "srcset") and v)
        if tag == "style":
            self.inline_styles += 1


def resolve(site_dir, page: str, href: str):
    assert not urlsplit(href).scheme and not href.startswith("//"), f"{page}: third-party resource {href!r}"
    path = (site_dir / page).parent.joinpath(urlsplit(href).path).resolve()
    assert path.is_file(), f"{page}: loads {href!r}, which is not in the built site"
    return path


@pytest.fixture(scope="module")
def pages(site_dir):
    return {p.relative_to(site_dir).as_posix(): p for p in sorted(site_dir.rglob("*.html"))}


def test_html_budget_on_every_page(pages):
    full_texts = {f"{d}/index.html" for d in DOCUMENTS}
    assert full_texts <= set(pages), "the full-text pages were not built"
    over = []
    for name, path in pages.items():
        size, budget = path.stat().st_size, FULL_TEXT_BUDGET if name in full_texts else HTML_BUDGET
        if size > budget:
            over.append(f"{name}: {size / KB:.1f} KB > {budget // KB} KB")
    assert not over, "HTML over budget:\n" + "\n".join(over)


def test_css_and_js_budgets_on_every_page(site_dir, pages):
    over = []
    for name, path in pages.items():
        res = Resources()
        res.feed(path.read_text(encoding="utf-8"))
        assert res.inline_styles == 0, f"{name}: inline <style> (the CSP allows none)"
        css = sum(resolve(site_dir, name, h).stat().st_size for h in res.styles)
        js = sum(resolve(site_dir, name, s).stat().st_size for s in res.scripts)
        for h in res.loads:
            resolve(site_dir, name, h)  # local, or fails as third-party
        if css > CSS_BUDGET:
            over.append(f"{name}: CSS {css / KB:.1f} KB > {CSS_BUDGET // KB} KB")
        if js > JS_BUDGET:
            over.append(f"{name}: JavaScript {js / KB:.1f} KB > {JS_BUDGET // KB} KB ({', '.join(res.scripts)})")
    assert not over, "over budget:\n" + "\n".join(over)


def test_no_web_fonts_and_no_third_party_urls_in_css(site_dir):
    fonts = [p.name for p in site_dir.rglob("*") if FONT_FILES.search(p.name)]
    assert not fonts, f"web font files in the site: {fonts}"
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text, f"{css.name}: @font-face (no web fonts)"
        remote = re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", text)
        assert not remote, f"{css.name}: third-party URLs {remote}"


# What a browser fetches: search.html is measured before a query is typed (a query is an interaction).
LOADED = {**{k: v for k, v in PAGE_TYPES.items() if "?" not in v}, "search": "search.html"}


@pytest.mark.parametrize("kind", list(LOADED))
def test_what_the_browser_loads_before_interaction(page, site_dir, site_url, kind):
    requests, loaded = [], []
    page.on("request", lambda r: requests.append((r.url, r.resource_type)))
    page.on("response", lambda r: loaded.append((r.url, r.request.resource_type)) if r.ok else None)
    page.goto(site_url + LOADED[kind], wait_until="load")
    page.wait_for_load_state("networkidle")
    outside = [u for u, _ in requests if not u.startswith(site_url) and not u.startswith(("data:", "blob:"))]
    assert not outside, f"{LOADED[kind]}: third-party requests {outside}"
    fonts = [u for u, t in requests if t == "font"]
    assert not fonts, f"{LOADED[kind]}: web fonts {fonts}"

    def local(u):
        return site_dir / urlsplit(u[len(site_url) :]).path

    js = {u: local(u).stat().st_size for u, t in loaded if t == "script" or u.endswith((".js", ".wasm"))}
    assert sum(js.values()) <= JS_BUDGET, (
        f"{LOADED[kind]}: {sum(js.values()) / KB:.1f} KB of JavaScript "
        f"before any interaction > {JS_BUDGET // KB} KB: {js}"
    )
    css = sum(local(u).stat().st_size for u, t in loaded if t == "stylesheet")
    assert css <= CSS_BUDGET, f"{LOADED[kind]}: {css / KB:.1f} KB of CSS"


def test_a_search_makes_no_third_party_requests(page, site_url):
    requests = []
    page.on("request", lambda r: requests.append((r.url, r.resource_type)))
    page.goto(site_url + PAGE_TYPES["search with results"], wait_until="load")
    wait_for_search_results(page)
    page.wait_for_load_state("networkidle")
    outside = [u for u, _ in requests if not u.startswith(site_url) and not u.startswith(("data:", "blob:"))]
    assert not outside, f"third-party requests during a search: {outside}"
    assert not [u for u, t in requests if t == "font"], "web fonts requested during a search"
