"""Rendering a fixture site in process: what a page says, and template errors as `path:line`."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from fixtures import make_site
from htmldom import parse

from sitegen import search_records
from sitegen.errors import ContentErrors
from sitegen.pipeline import ROOT, Options, build_files


def options(root: Path, templates: Path = ROOT / "templates") -> Options:
    return Options(
        content=root / "content", site_file=root / "site.yaml", templates=templates, manifest=None, out=root / "out"
    )


@pytest.fixture
def built(tmp_path):
    make_site(tmp_path)
    return build_files(options(tmp_path))


def test_a_provision_page_reads_and_cites_its_paragraphs(built):
    page = parse(built.files["demo/2.html"])
    paras = list(page.find_all("p", "para"))
    assert [p.attrs["id"] for p in paras] == ["art-2-p1", "art-2-p2"]
    assert paras[1].attrs["data-cite"] == "《测试决定》第二条第二款"
    assert paras[1].attrs["data-cite-short"] == "《测试》第二条第二款"
    assert page.find("title").text() == "《测试》第二条 测试条文 · 测试"
    crumbs = [
        (li.children[0].text(), li.children[0].attrs.get("href")) for li in page.find("nav", "crumbs").find_all("li")
    ]
    assert crumbs == [("首页", "../index.html"), ("《测试》", "../demo/index.html"), ("第二条", None)]
    pager = page.find("a", rel="prev")
    assert pager.attrs["href"] == "1.html" and "第一条" in pager.text()


def test_term_links_and_the_glossary_script(built):
    page = parse(built.files["demo/1.html"])
    link = page.find("p", "para").find("a", "term")
    assert (link.text(), link.attrs["href"]) == ("揭榜挂帅", "../glossary/jiebang-guashuai.html")
    assert "揭榜挂帅" in built.files["glossary/terms.js"]


def test_rendering_leaves_the_model_as_it_was(tmp_path):
    make_site(tmp_path)
    first = build_files(options(tmp_path))
    before = copy.deepcopy(first.site)
    second = build_files(options(tmp_path))
    assert first.site == before == second.site
    assert first.files == second.files


def test_search_records_carry_each_paragraphs_anchor_and_name(built):
    rec = next(r for r in built.records if r["url"] == "demo/1.html")
    assert rec["meta"]["a"].split("\n") == ["art-1-p1", "art-1-p2"]
    assert rec["meta"]["n"].split("\n") == ["第一款", "第二款"]
    assert rec["meta"]["p"].split("\n") == ["第一款的文字，提到揭榜挂帅。", "第二款的文字。"]
    assert search_records.offline_index(built.records)["search-index.js"].startswith("window.SEARCH_INDEX=")


def test_a_template_error_names_the_template_and_line(tmp_path):
    make_site(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    source = (templates / "provision.html").read_text(encoding="utf-8").splitlines(keepends=True)
    line = source.index("{% block main %}\n") + 2  # the first line inside the page's main block
    source.insert(line - 1, "{{ prov.no_such_field }}\n")
    (templates / "provision.html").write_text("".join(source), encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        build_files(options(tmp_path, templates))
    [error] = exc.value.errors
    assert error.path.endswith("templates/provision.html") and error.line == line
    assert "no_such_field" in error.message

    (templates / "provision.html").write_text("<p>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        build_files(options(tmp_path, templates))
    assert [str(e).split("templates/")[-1] for e in exc.value.errors] == [
        "provision.html:2: Expected an expression, got 'end of statement block'"
    ]


def test_compiled_templates_are_cached_and_an_edit_is_seen(tmp_path):
    make_site(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    opts = Options(
        content=tmp_path / "content",
        site_file=tmp_path / "site.yaml",
        templates=templates,
        manifest=None,
        out=tmp_path / "out",
        cache=tmp_path / "cache",
    )
    uncached = build_files(Options(**{**opts.__dict__, "cache": None})).files
    assert build_files(opts).files == uncached
    assert list((tmp_path / "cache").iterdir()), "nothing was cached"
    assert build_files(opts).files == uncached  # now from the cache
    text = (templates / "404.html").read_text(encoding="utf-8")
    (templates / "404.html").write_text(text.replace("您要找的页面不存在。", "此页不存在。"), encoding="utf-8")
    assert "此页不存在。" in build_files(opts).files["404.html"]


def test_the_navigation_marks_where_the_reader_is(built):
    def nav(path: str) -> list[tuple[str, str, str | None]]:
        links = parse(built.files[path]).find("nav", "site-nav").find_all("a")
        return [(a.text(), a.attrs["href"], a.attrs.get("aria-current")) for a in links]

    assert nav("demo/index.html") == [("决定", "../demo/index.html", "page")]  # the entry's own page
    assert nav("demo/2.html") == [("决定", "../demo/index.html", "true")]  # a page in the entry's folder
    assert nav("index.html") == [("决定", "demo/index.html", None)]
    assert nav("glossary/index.html") == [("决定", "../demo/index.html", None)]
