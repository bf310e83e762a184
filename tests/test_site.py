"""The real site, built once: what a reader gets (docs/architecture.md#locators, issue 3)."""

from __future__ import annotations

import re

import pytest

import content
from conftest import ROOT, run_build
from htmldom import parse

UI = frozenset({"permalink", "para-tools"})


def page(site_dir, path):
    return parse((site_dir / path).read_text(encoding="utf-8"))


# The addresses promised (docs/architecture.md, README.md), written out here rather than imported from the code under test.
CONTRACT_PAGES = (
    [
        "index.html",
        "yrd-decision/index.html",
        "digital-trade-plan/index.html",
        "glossary/index.html",
        "glossary/jiebang-guashuai.html",
        "glossary/kechuang-feidi.html",
        "topics/index.html",
        "search.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "digital-trade-plan/part-9.html",
    ]
    + [f"yrd-decision/{n}.html" for n in range(1, 20)]
    + [f"digital-trade-plan/{n}.html" for n in range(3, 26)]
    + [f"{d}/{d}.{e}" for d in content.DOCS for e in ("md", "txt", "json")]
)
CONTRACT_ANCHORS = (
    [("yrd-decision/index.html", a) for a in ["announcement", "preamble"] + [f"art-{n}" for n in range(1, 20)]]
    + [
        ("digital-trade-plan/index.html", a)
        for a in ["notice"] + [f"part-{n}" for n in range(1, 10)] + [f"item-{n}" for n in range(1, 26)]
    ]
    + [
        ("digital-trade-plan/part-9.html", "part-9"),
        ("digital-trade-plan/part-9.html", "part-9-p1"),
        ("yrd-decision/7.html", "art-7"),
        ("yrd-decision/7.html", "art-7-p2"),
        ("digital-trade-plan/4.html", "item-4"),
        ("digital-trade-plan/4.html", "item-4-p1"),
    ]
)


@pytest.mark.parametrize("path", CONTRACT_PAGES)
def test_contract_page_exists(site_dir, path):
    assert (site_dir / path).is_file()


@pytest.mark.parametrize("path,anchor", CONTRACT_ANCHORS)
def test_contract_anchor_exists(site_dir, path, anchor):
    assert page(site_dir, path).by_id(anchor) is not None


@pytest.mark.parametrize("prov", content.provisions(), ids=lambda p: p.page)
def test_every_paragraph_reads_exactly_as_the_content(site_dir, prov):
    for path in (prov.page, f"{prov.doc}/index.html"):
        dom = page(site_dir, path)
        for i, text in enumerate(prov.paragraphs, 1):
            el = dom.by_id(f"{prov.anchor}-p{i}")
            assert el is not None, f"{path}#{prov.anchor}-p{i}"
            assert el.text(UI) == text
        assert dom.by_id(f"{prov.anchor}-p{len(prov.paragraphs) + 1}") is None


def test_pages_are_chinese_and_link_relatively(site_dir):
    for path in site_dir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html, path
        # Only the 404 page, shown by hosts at any depth, resolves its links from the host's root.
        html, bases = re.subn(r'<base href="/">', "", html)
        assert bases == (path.name == "404.html" and path.parent == site_dir), path
        for href in re.findall(r'(?:href|src)="([^"]*)"', html):
            if href.startswith(("https://", "http://", "#", "data:")):
                continue
            assert not href.startswith("/"), (path, href)
            assert not href.split("#")[0].endswith("/"), (path, href)
        assert "style=" not in html and "<style" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html), path


def test_provision_page_navigation(site_dir):
    dom = page(site_dir, "yrd-decision/7.html")
    assert dom.find("a", rel="prev").attrs["href"] == "6.html"
    assert dom.find("a", rel="next").attrs["href"] == "8.html"
    crumbs = [li.text().strip() for li in dom.find("nav", cls="crumbs").find_all("li")]
    assert crumbs == ["首页", "《决定》", "第七条"]
    assert dom.find("a", href="index.html#art-7") is not None  # same place in the full text
    first = page(site_dir, "yrd-decision/1.html")
    assert first.find("a", rel="prev") is None
    last = page(site_dir, "yrd-decision/19.html")
    assert last.find("a", rel="next") is None


def test_plan_navigation_through_parts(site_dir):
    dom = page(site_dir, "digital-trade-plan/4.html")
    crumbs = dom.find("nav", cls="crumbs")
    assert [li.text().strip() for li in crumbs.find_all("li")] == ["首页", "《方案》", "第三部分", "第（四）项"]
    assert crumbs.find("a", href="../digital-trade-plan/index.html#part-3") is not None
    assert page(site_dir, "digital-trade-plan/3.html").find("a", rel="prev") is None
    assert page(site_dir, "digital-trade-plan/25.html").find("a", rel="next").attrs["href"] == "part-9.html"
    assert page(site_dir, "digital-trade-plan/part-9.html").find("a", rel="prev").attrs["href"] == "25.html"


def test_full_text_table_of_contents_reaches_every_provision(site_dir):
    for prov_doc in content.DOCS:
        dom = page(site_dir, f"{prov_doc}/index.html")
        toc = {a.attrs["href"] for a in dom.find("nav", cls="toc").find_all("a")}
        for prov in content.provisions():
            if prov.doc == prov_doc and not prov.stem.startswith("part-"):
                assert f"#{prov.anchor}" in toc


def test_gaps_are_shown_where_the_source_lost_text(site_dir):
    dom = page(site_dir, "digital-trade-plan/index.html")
    for anchor in ("part-1", "part-2", "item-1", "item-2", "item-3", "part-7"):
        assert "〔原文缺失〕" in dom.by_id(anchor).text(), anchor
    assert "〔原文缺失〕" in page(site_dir, "digital-trade-plan/3.html").find("main").text()


def test_editorial_notes_listed_in_full(site_dir):
    for doc in content.DOCS:
        meta, _ = content.split(content.CONTENT / doc / "_document.md")
        section = page(site_dir, f"{doc}/index.html").by_id("editorial-notes")
        items = [li.text() for li in section.find_all("li")]
        assert items == meta["editorial_notes"]


def test_decision_headings_are_marked_editorial(site_dir):
    heading = page(site_dir, "yrd-decision/7.html").find("h1")
    assert heading.find(cls="ed-mark") is not None
    plan_heading = page(site_dir, "digital-trade-plan/4.html").find("h1")
    assert plan_heading.find(cls="ed-mark") is None


def test_sitemap_uses_the_base_url(tmp_path):
    out = tmp_path / "site"
    result = run_build("--out", str(out), "--no-search", "--base-url", "https://policy.example.net/zj")
    assert result.returncode == 0, result.stderr
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://policy.example.net/zj/yrd-decision/7.html</loc>" in sitemap
    assert "404.html" not in sitemap
    assert 'href="https://policy.example.net/zj/yrd-decision/7.html"' in (out / "yrd-decision/7.html").read_text()
    assert "Sitemap: https://policy.example.net/zj/sitemap.xml" in (out / "robots.txt").read_text()


def test_two_builds_are_byte_identical(tmp_path, site_dir):
    out = tmp_path / "again"
    assert run_build("--out", str(out)).returncode == 0
    first = {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_help_and_readme_name_the_same_commands_and_options():
    """A reader of the README finds every option `--help` lists, and uses none it does not."""
    result = run_build("--help")
    assert result.returncode == 0
    helped = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", result.stdout)) - {"--help"}
    for command in ("build", "check", "serve", "import"):  # each command's own options
        own = run_build(command, "--help")
        assert own.returncode == 0, own.stderr
        helped |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", own.stdout)) - {"--help"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Commands") :]
    block = block[block.index("```") + 3 :]
    block = block[: block.index("```")]
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", block))
    assert helped == documented
    commands = set(re.search(r"\{([a-z,]+)\}", result.stdout)[1].split(","))
    assert commands == {"build", "check", "serve", "import"}
    assert all(f"python build.py {c}" in block for c in commands - {"build"})


def test_check_passes_on_the_built_site(site_dir):
    result = run_build("check", "--out", str(site_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("check passed")


def test_check_reports_a_broken_link(tmp_path):
    out = tmp_path / "site"
    assert run_build("--out", str(out), "--no-search").returncode == 0
    html = out / "yrd-decision" / "7.html"
    html.write_text(html.read_text().replace('href="8.html"', 'href="80.html"', 1))
    result = run_build("check", "--out", str(out), "--no-search")
    assert result.returncode == 1
    assert re.search(r"^yrd-decision/7\.html:\d+: link to missing file '80\.html'$", result.stderr, re.M)


def test_check_holds_any_content_tree_to_its_own_addresses(tmp_path):
    """`check` knows the published addresses from the model, not from this site's list."""
    from fixtures import make_site

    make_site(tmp_path)
    args = ("--content", "content", "--site", "site.yaml", "--out", "out", "--no-search")
    assert run_build(*args, cwd=tmp_path).returncode == 0
    result = run_build("check", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "out" / "demo" / "2.html").unlink()
    result = run_build("check", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert "out: published address 'demo/2.html' is missing from the built site" in result.stderr.splitlines()
