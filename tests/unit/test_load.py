"""The loader on small fixture sites: the model it reads, and every problem as `path:line`."""

from __future__ import annotations

from .unit_support import load_tree, messages
from fixtures import PROVISION


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
            "content/demo/03.md": PROVISION.format(n=3, label="三") + "\n- a list\n",
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/01.md:5: unknown topic 'nope'",
        "content/demo/02.md:3: label '三' does not match number 2 (expected '二')",
        "content/demo/03.md:11: only paragraphs are allowed in a provision body (found bullet list)",
    ]


def test_markup_that_is_not_allowed_is_named(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/02.md": PROVISION.format(n=2, label="二").replace("第二款的文字。", "见[此处](x.html)。"),
        },
    )
    assert messages(problems, tmp_path) == ["content/demo/02.md:9: a Markdown link is not allowed here"]
