"""The built folder opened from disk (file://), with no server and no network."""

from __future__ import annotations

import re


def test_browse_from_disk_to_a_provision_and_back(site_dir, page):
    failed = []
    # A request cut short by the next navigation (net::ERR_ABORTED) is not a missing file.
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)) if r.failure != "net::ERR_ABORTED" else None)
    page.goto((site_dir / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "浙江省长三角科技创新与数字贸易政策文本"
    # The stylesheet really applied (not just linked).
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"PingFang SC"')
    page.locator("a", has_text="浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定").first.click()
    page.wait_for_url("**/yrd-decision/index.html")
    page.locator("nav.toc a[href='#art-7']").click()
    page.locator("#art-7 a", has_text="单独页面").click()
    page.wait_for_url("**/yrd-decision/7.html")
    assert "七、" in page.locator("h1").inner_text()
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/yrd-decision/8.html")
    page.go_back()
    page.wait_for_url("**/yrd-decision/7.html")
    page.locator("nav.crumbs a", has_text="首页").click()
    page.wait_for_url("**/index.html")
    page.locator("nav.site-nav a", has_text="术语").click()
    page.wait_for_url("**/glossary/index.html")
    page.locator("a", has_text="科创飞地").first.click()
    page.wait_for_url("**/glossary/kechuang-feidi.html")
    page.locator("ol.kwic a").first.click()
    page.wait_for_url("**/yrd-decision/8.html#art-8-p2")
    assert page.problems == []
    assert failed == []


def test_every_page_loads_from_disk_without_errors(site_dir, browser):
    context = browser.new_context()
    problems = []
    redirects = 0
    # 404.html is the host's page for a missing address at any depth: its links resolve from
    # the host's root (<base href="/">), which a folder opened from disk does not have; nothing
    # links to it. tests/test_editorial.py opens it on a server, at depth.
    for path in sorted(p for p in site_dir.rglob("*.html") if p.name != "404.html"):
        page = context.new_page()
        page.on("console", lambda m, p=path: problems.append((p.name, m.text)) if m.type == "error" else None)
        page.on("pageerror", lambda e, p=path: problems.append((p.name, str(e))))
        page.on("requestfailed", lambda r, p=path: problems.append((p.name, r.url)))
        page.goto(path.as_uri())
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', path.read_text(encoding="utf-8"))
        if target:  # a moved address (anchors.txt): it must land on its new page before we leave
            expected = (path.parent / target[1].split("#")[0]).resolve().as_uri()
            page.wait_for_url(expected + "*", timeout=10_000)
            assert page.locator("main h1").count() == 1, path
            redirects += 1
        page.close()
    assert redirects == sum('http-equiv="refresh"' in p.read_text(encoding="utf-8") for p in site_dir.rglob("*.html"))
    context.close()
    assert problems == []
