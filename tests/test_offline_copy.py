"""The offline copy (issue 17): offline.zip, unzipped and read from file:// with no server."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import run_build
from quality_support import SEARCH_RESULT
from sitegen import linkcheck

ZIP = "offline.zip"
LINKING = ("index.html", "yrd-decision/index.html", "digital-trade-plan/index.html")


@pytest.fixture(scope="module")
def unzipped(site_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site_dir / ZIP) as zf:
        zf.extractall(out)
    return out


def test_the_zip_holds_the_site_as_it_works_from_disk(site_dir):
    with zipfile.ZipFile(site_dir / ZIP) as zf:
        assert zf.testzip() is None
        infos = zf.infolist()
        names = [i.filename for i in infos]
        readme = zf.read("README.txt").decode("utf-8-sig")
    assert names == sorted(names), "entries are not sorted"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    for name in (
        "index.html",
        "README.txt",
        "search.html",
        "search-index.js",
        "glossary/terms.js",
        "static/site.css",
        "static/site.js",
        "static/search-ui.js",
        "yrd-decision/7.html",
        "digital-trade-plan/part-9.html",
        "topics/index.html",
        "yrd-decision/yrd-decision.json",
    ):
        assert name in names, name
    assert not [n for n in names if n.startswith("pagefind/")], "Pagefind cannot load from file://"
    for name in ("robots.txt", "sitemap.xml", "404.html", ZIP, ".sitegen"):
        assert name not in names, name
    # Every page and file of the site that works from disk is there, and nothing else.
    site = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())
    expected = [
        n
        for n in site
        if not n.startswith(("pagefind/", ".")) and n not in ("robots.txt", "sitemap.xml", "404.html", ZIP)
    ]
    assert sorted(set(names) - {"README.txt"}) == expected
    assert "index.html" in readme and "解压" in readme and "https://zj-policy.example.org/" in readme


def test_the_zip_holds_the_same_files_as_the_site_except_its_own_links(site_dir, unzipped):
    for path in sorted(unzipped.rglob("*")):
        rel = path.relative_to(unzipped).as_posix()
        if path.is_file() and rel != "README.txt" and rel not in LINKING:
            assert path.read_bytes() == (site_dir / rel).read_bytes(), rel
    for rel in LINKING:
        inside = (unzipped / rel).read_text(encoding="utf-8")
        assert "这是本站的离线版" in inside and ZIP not in inside, rel


def test_the_home_and_document_pages_link_to_the_zip_with_its_size(site_dir):
    size = (site_dir / ZIP).stat().st_size
    label = f"离线版 ZIP，{round(size / 1024)} KB"
    for rel in LINKING:
        html = (site_dir / rel).read_text(encoding="utf-8")
        href = "offline.zip" if rel == "index.html" else "../offline.zip"
        assert re.search(rf'<a href="{re.escape(href)}"[^>]*>{label}</a>', html), (rel, label)
    assert ZIP not in (site_dir / "yrd-decision/7.html").read_text(encoding="utf-8")


def test_every_link_inside_the_copy_resolves(unzipped):
    files = linkcheck.read_tree(unzipped)
    assert linkcheck.broken_links(files) == []


def test_no_search_builds_write_no_zip_and_no_link_to_it(tmp_path):
    out = tmp_path / "site"
    result = run_build("--out", str(out), "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (out / ZIP).exists()
    assert ZIP not in (out / "index.html").read_text(encoding="utf-8")
    check = run_build("check", "--out", str(out), "--no-search")
    assert check.returncode == 0, check.stderr


def test_browse_the_unzipped_copy_from_disk_and_search(unzipped, page):
    failed = []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)) if r.failure != "net::ERR_ABORTED" else None)
    page.goto((unzipped / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"PingFang SC"')
    assert "这是本站的离线版" in page.locator("main").inner_text()
    page.locator("main a", has_text="浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定").first.click()
    page.wait_for_url("**/yrd-decision/index.html")
    page.locator("#art-7 a", has_text="单独页面").click()
    page.wait_for_url("**/yrd-decision/7.html")
    assert "七、" in page.locator("h1").inner_text()
    page.locator("nav.site-nav a", has_text="主题").click()
    page.wait_for_url("**/topics/index.html")
    page.locator("#map-yrd-decision a[aria-label='第七条']").first.click()
    page.wait_for_url("**/yrd-decision/7.html")
    # Search from the header, as a reader does: the script index, with no Pagefind and no server.
    page.locator("#q-header").fill("揭榜挂帅")
    page.locator("#q-header").press("Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_selector(SEARCH_RESULT, timeout=15_000)
    hrefs = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
    assert any(h.startswith("yrd-decision/7.html") for h in hrefs), hrefs
    page.locator("#search-results a[href^='yrd-decision/7.html']").first.click()
    page.wait_for_url("**/yrd-decision/7.html*")
    assert page.problems == []
    assert failed == []
