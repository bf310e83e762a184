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
    source.insert(6, "{{ prov.no_such_field }}\n")
    (templates / "provision.html").write_text("".join(source), encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        build_files(options(tmp_path, templates))
    [error] = exc.value.errors
    assert error.path.endswith("templates/provision.html") and error.line == 7
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


def test_pages_rendered_in_parallel_are_the_same_text(tmp_path, monkeypatch):
    from sitegen import render

    make_site(tmp_path)
    serial = build_files(options(tmp_path)).files
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)  # the fixture site is small: share it anyway
    parallel = build_files(Options(**{**options(tmp_path).__dict__, "jobs": 3})).files
    assert parallel == serial
    assert list(parallel) == list(serial)  # in the same order


def test_map_shares_keeps_order_and_redoes_a_failed_share():
    import os

    from sitegen.parallel import map_shares

    parent = os.getpid()
    assert map_shares(lambda x: x * x, list(range(10)), 3) == [x * x for x in range(10)]

    def fails_in_a_child(x):
        if os.getpid() != parent:
            raise RuntimeError("child")
        return x + 1

    assert map_shares(fails_in_a_child, list(range(7)), 2) == list(range(1, 8))


def test_pulled_runs_keep_order_while_the_parent_works_and_redo_a_failed_helper():
    import os
    import time

    from sitegen.parallel import Pulled, can_fork

    assert can_fork(), "this test must run where helpers can be forked"
    parent = os.getpid()
    runs = [list(range(i, min(i + 4, 50))) for i in range(0, 50, 4)]
    with Pulled(lambda x: (x * x, os.getpid() != parent), runs, 3) as work:
        time.sleep(0.3)  # the parent's own work, while the helpers take runs
        results = work.results()
    assert [r for r, _ in results] == [x * x for x in range(50)]
    assert any(helped for _, helped in results), "no helper took a run"

    def fails_in_a_helper(x):
        if os.getpid() != parent:
            raise RuntimeError("helper")
        return x + 1

    with Pulled(fails_in_a_helper, [[x] for x in range(30)], 2) as work:
        assert work.results() == list(range(1, 31))


def test_documents_read_in_parallel_are_the_same_model(tmp_path, monkeypatch):
    from sitegen import load, parallel

    make_site(tmp_path)
    content = tmp_path / "content"
    for k in range(2, 6):  # five documents, one with a problem that must be reported once
        shutil.copytree(content / "demo", content / f"demo-{k}")
    (content / "demo-4" / "02.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    site_file = tmp_path / "site.yaml"
    site_file.write_text(
        site_file.read_text(encoding="utf-8").replace(
            "documents: [demo]", "documents: [demo, demo-2, demo-3, demo-4, demo-5]"
        ),
        encoding="utf-8",
    )
    serial, problems = load.load_site(tmp_path / "site.yaml", tmp_path / "content")
    assert len(serial.documents) == 5 and len(problems.errors) == 1, problems.items
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)  # the fixture site has few documents: share them anyway
    assert parallel.can_fork(), "this test must run where the documents are shared among processes"
    shared, shared_problems = load.load_site(tmp_path / "site.yaml", tmp_path / "content", jobs=3)
    assert shared == serial
    assert shared_problems.items == problems.items
