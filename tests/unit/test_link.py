"""Cross-references: related provisions both ways, topics, occurrences, neighbours."""

from __future__ import annotations

from .unit_support import load_tree, messages
from fixtures import PROVISION

RELATED = PROVISION.format(n=2, label="二").replace(
    "topics: [rencai]\n", "topics: [rencai]\nrelated:\n  - {to: demo/1, reason: 两条都提到揭榜挂帅。}\n"
)


def test_related_provisions_are_shown_from_both_ends(tmp_path):
    site, links, problems = load_tree(tmp_path, {"content/demo/02.md": RELATED})
    assert problems.errors == []
    assert [(b.provision.key, b.reason) for b in links.related["demo/2"]] == [("demo/1", "两条都提到揭榜挂帅。")]
    assert [(b.provision.key, b.reason) for b in links.cited_by["demo/1"]] == [("demo/2", "两条都提到揭榜挂帅。")]


def test_a_related_target_that_does_not_exist_is_an_error(tmp_path):
    _, _, problems = load_tree(tmp_path, {"content/demo/02.md": RELATED.replace("demo/1", "demo/9")})
    assert messages(problems, tmp_path) == ["content/demo/02.md:7: related target 'demo/9' does not exist"]


def test_occurrences_name_the_paragraph_they_are_in(tmp_path):
    site, links, _ = load_tree(tmp_path)
    occ = links.occurrences["jiebang-guashuai"]
    assert [(o.anchor, o.where, o.match) for o in occ] == [
        ("art-1-p1", "《测试》第一条第一款", "揭榜挂帅"),
        ("art-2-p1", "《测试》第二条第一款", "揭榜挂帅"),
    ]


def test_topics_and_neighbours(tmp_path):
    site, links, _ = load_tree(tmp_path)
    assert [p.key for p in links.topics["rencai"]] == ["demo/1", "demo/2"]
    first, second = site.documents[0].provisions
    assert links.neighbours["demo/1"] == (None, second)
    assert links.neighbours["demo/2"] == (first, None)


def test_a_term_that_occurs_nowhere_is_a_warning(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/01.md": PROVISION.format(n=1, label="一").replace("揭榜挂帅", "某事"),
            "content/demo/02.md": PROVISION.format(n=2, label="二").replace("揭榜挂帅", "某事"),
        },
    )
    assert problems.errors == []
    assert messages(problems, tmp_path) == [
        "content/glossary/jiebang-guashuai.md:2: warning: term '揭榜挂帅' occurs nowhere in the documents"
    ]
