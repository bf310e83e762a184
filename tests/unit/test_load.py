"""The loader on small fixture sites: the model it reads, and every problem as `path:line`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .unit_support import load_tree, messages
from fixtures import PROVISION
from sitegen import files
from sitegen.errors import Problems


def test_a_valid_site_loads_into_the_model(tmp_path):
    site, _, problems = load_tree(tmp_path)
    assert problems.errors == []
    [doc] = site.documents
    assert (doc.slug, doc.title, doc.short_title, doc.date) == ("demo", "测试决定", "《测试》", "2025-07-31")
    assert [p.key for p in doc.provisions] == ["demo/1", "demo/2"]
    first = doc.provisions[0]
    assert [p.text for p in first.paragraphs] == ["第一款的文字，提到揭榜挂帅。", "第二款的文字。"]
    assert [p.anchor for p in first.paragraphs] == ["art-1-p1", "art-1-p2"]
    assert first.paragraphs[1].source.line == 9  # the file's line of the second paragraph
    assert [s.anchor for s in doc.sections] == ["preamble"]


def test_every_problem_in_one_run_with_its_line(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/01.md": PROVISION.format(n=1, label="一").replace("topics: [rencai]", "topics: [nope]"),
            "content/demo/02.md": PROVISION.format(n=2, label="三"),
            "content/demo/03.md": PROVISION.format(n=3, label="三") + "\n> a quotation\n",
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/01.md:5: unknown topic 'nope'",
        "content/demo/02.md:3: label '三' does not match the file name 02.md (expected '二、')",
        "content/demo/03.md:11: only paragraphs and tables are allowed in a provision body (found blockquote)",
    ]


def test_markup_that_is_not_allowed_is_named(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/02.md": PROVISION.format(n=2, label="二").replace("第二款的文字。", "见[此处](x.html)。"),
        },
    )
    assert messages(problems, tmp_path) == ["content/demo/02.md:9: a Markdown link is not allowed here"]


def test_a_control_character_escaped_in_yaml_is_refused_at_its_line_wherever_it_is(tmp_path):
    """Text values are made by the loader's own fast path: in a list, as a key, through an alias."""
    base = PROVISION.format(n=2, label="二")
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/02.md": base.replace("topics: [rencai]", 'topics: [rencai, "\\a"]'),
            "content/demo/03.md": PROVISION.format(n=3, label="三").replace("title: 测试条文", '"\\0k": x'),
            "content/demo/04.md": PROVISION.format(n=4, label="四").replace(
                "title: 测试条文", 'title: &t "标题\\x07"\nnotes: [*t]'
            ),
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/02.md:5: invalid YAML: control character U+0007 is not allowed",
        "content/demo/03.md:4: invalid YAML: control character U+0000 is not allowed",
        "content/demo/04.md:4: invalid YAML: control character U+0007 is not allowed",
    ]


@pytest.mark.parametrize("form", ["absolute", "relative", "dot"])
def test_a_document_folder_linked_outside_the_content_folder_is_refused_however_it_is_named(
    tmp_path, monkeypatch, form
):
    """The walk from the content folder to each file compares paths as strings: it must not
    depend on how the content folder was written on the command line."""
    from fixtures import make_site

    make_site(tmp_path)
    outside = tmp_path / "outside"
    shutil.copytree(tmp_path / "content/demo", outside)
    (tmp_path / "content/linked").symlink_to(outside)
    (tmp_path / "content/inside").symlink_to("demo")  # a link that stays inside is followed
    monkeypatch.chdir(tmp_path / "content" if form == "dot" else tmp_path)
    content = {"absolute": tmp_path / "content", "relative": Path("content"), "dot": Path(".")}[form]
    problems = Problems()
    assert files.read_bytes(content / "linked/01.md", problems, content) is None
    [problem] = problems.items
    assert problem.message.startswith("symbolic link to ") and "outside the content folder" in problem.message
    assert files.read_bytes(content / "inside/01.md", Problems(), content) == (outside / "01.md").read_bytes()
    assert files.read_bytes(content / "demo/01.md", Problems(), content) == (outside / "01.md").read_bytes()
