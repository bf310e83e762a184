"""Structure on small fixture sites: the division tree, 项 and 目 in 款 by their labels, gaps, errors.
(docs/content-format.md#structure)"""

from __future__ import annotations

from .unit_support import load_tree, messages
from fixtures import DOCUMENT, PROVISION

from sitegen import addresses
from sitegen.numerals import cn_number

LAW = DOCUMENT.replace(
    "editorial_notes: [无。]",
    """\
numbering: 第一条
divisions:
  - {heading: 第一章 总则, first: 1}
  - {heading: 第二章 分则, first: 2}
  - {heading: 第一节 甲, first: 2}
editorial_notes: [无。]""",
)

ITEMS = """\
---
number: 2
---
第一款。

第二款包括下列事项：
（一）甲；
（二）乙，包括：
1．子一；
2．子二。
"""


def test_items_and_sub_items_inside_a_paragraph_keep_their_labels(tmp_path):
    site, _, problems = load_tree(tmp_path, {"content/demo/_document.md": LAW, "content/demo/02.md": ITEMS})
    assert problems.errors == []
    doc = site.documents[0]
    prov = doc.provisions[1]
    assert (prov.title, prov.title_is_editorial, prov.display_label) == ("", False, "第二条")
    assert [d.heading for d in doc.trail(prov)] == ["第二章 分则", "第一节 甲"]
    para = prov.paragraphs[1]
    assert para.text == "第二款包括下列事项：" and [i.anchor for i in para.items] == ["art-2-p2-i1", "art-2-p2-i2"]
    assert [s.anchor for s in para.items[1].items] == ["art-2-p2-i2-s1", "art-2-p2-i2-s2"]
    assert [s.label for s in para.items[1].items] == ["1．", "2．"]  # as the source writes them
    assert para.full_text == "第二款包括下列事项：（一）甲；（二）乙，包括：1．子一；2．子二。"
    assert addresses.citation(doc, para.items[1].items[0]) == "《测试决定》第二条第二款第（二）项第1目"
    assert addresses.citation(doc, para.items[0], short=True) == "《测试》第二条第二款第（一）项"
    assert [d.page for d in doc.paged_divisions] == ["demo/chapter-1.html", "demo/chapter-2.html"]
    section = doc.divisions[2]
    assert (section.anchor, section.page, section.name) == ("chapter-2-section-1", "demo/chapter-2.html", "第一节")
    published = addresses.published(site)
    for a in ("demo/chapter-2.html#chapter-2-section-1", "demo/index.html#chapter-2", "demo/2.html#art-2-p2-i2-s2"):
        assert a in published


def test_a_point_that_runs_to_a_second_paragraph_stays_one_point(tmp_path):
    body = "---\nnumber: 2\n---\n有下列情形之一的：\n（一）甲；\n甲的第二段。\n（二）乙。\n"
    site, _, problems = load_tree(tmp_path, {"content/demo/_document.md": LAW, "content/demo/02.md": body})
    assert problems.errors == []
    para = site.documents[0].provisions[1].paragraphs[0]
    assert [(i.label, i.text, [t for _, t in i.more]) for i in para.items] == [
        ("（一）", "甲；", ["甲的第二段。"]),
        ("（二）", "乙。", []),
    ]


def test_chapters_restart_in_each_book_and_are_addressed_within_it(tmp_path):
    doc = LAW.replace(
        """  - {heading: 第一章 总则, first: 1}
  - {heading: 第二章 分则, first: 2}
  - {heading: 第一节 甲, first: 2}""",
        """  - {heading: 第一编 总则, first: 1}
  - {heading: 第一章 一般规定, first: 1}
  - {heading: 第二编 分则, first: 2}
  - {heading: 第一章 甲, first: 2}
  - {heading: 附则, first: 3}""",
    )
    site, _, problems = load_tree(
        tmp_path, {"content/demo/_document.md": doc, "content/demo/03.md": PROVISION.format(n=3, label="三")}
    )
    assert problems.errors == []
    d = site.documents[0]
    assert [(x.anchor, x.page) for x in d.divisions] == [
        ("book-1", "demo/book-1.html"),
        ("book-1-chapter-1", "demo/book-1-chapter-1.html"),
        ("book-2", "demo/book-2.html"),
        ("book-2-chapter-1", "demo/book-2-chapter-1.html"),
        ("supplementary", "demo/supplementary.html"),
    ]
    assert addresses.citation(d, d.divisions[3]) == "《测试决定》第二编第一章"
    assert [p.anchor for p in d.provisions] == ["art-1", "art-2", "art-3"]  # 条 run through the code


def test_an_article_of_its_own_number_and_more_than_999(tmp_path):
    site, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/_document.md": DOCUMENT.replace("doc_type: 决定", "doc_type: 法\nnumbering: 第一条"),
            "content/demo/02.md": None,
            "content/demo/01-1.md": "---\n---\n第一条之一的文字。\n",
            "content/demo/1260.md": "---\n---\n最后一条。\n",
        },
    )
    d = site.documents[0]
    assert [(p.label, p.anchor, p.page) for p in d.provisions] == [
        ("第一条", "art-1", "demo/1.html"),
        ("第一条之一", "art-1-1", "demo/1-1.html"),
        ("第一千二百六十条", "art-1260", "demo/1260.html"),
    ]
    assert messages(problems, tmp_path) == [
        "content/demo/1260.md:1: warning: numbering gap: 第一千二百六十条 follows 第一条 (expected 第二条); kept as the source numbers it"
    ]


def test_bad_structure_is_reported_with_its_line(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/_document.md": LAW.replace("{heading: 第一节 甲, first: 2}", "{heading: 甲节, first: 9}"),
            "content/demo/02.md": ITEMS.replace("第一款。\n\n", "第一款。\n续写的一行。\n\n"),
            "content/demo/07.md": "---\nlabel: 第八条\n---\n文字。\n",
            "content/demo/x.md": "---\n---\n文字。\n",
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/02.md:5: a 款 is one line: each further line starts with the label of a 项 or 目 "
        "(（一）, 1.) or continues one; start a new 款 with a blank line",
        "content/demo/07.md:1: warning: numbering gap: 第七条 follows 第二条 (expected 第三条); kept as the source numbers it",
        "content/demo/07.md:2: label '第八条' does not match the file name 07.md (expected '第七条')",
        "content/demo/_document.md:13: '甲节' does not start with the label of a division "
        "(第一编、附件1、附表1、附录1、附图1、第一分编、第一章、附则、第一节、一、)",
        "content/demo/x.md:1: provision files are named by their number: 7.md (or 07.md), 133-1.md "
        "(第一百三十三条之一), part-9.md (a part's own text), annex-1.md, annex.md",
    ]


def test_numbers_and_labels():
    from sitegen.levels import LEGAL, cn_value, level, parse_label

    assert [cn_number(n) for n in (10, 101, 110, 1260)] == ["十", "一百零一", "一百一十", "一千二百六十"]
    assert [cn_value(cn_number(n)) for n in (10, 101, 110, 1260, 9999)] == [10, 101, 110, 1260, 9999]
    found = parse_label("第一百三十三条之一　文字", level(LEGAL, "article"))
    assert found is not None and (found.number, found.ext, found.text) == (133, 1, "第一百三十三条之一")
    for text, number in (("1．甲", 1), ("⒉乙", 2), ("(3)丙", 3), ("④丁", 4)):
        found = parse_label(text, level(LEGAL, "subpoint"))
        assert found is not None and found.number == number, text
    assert parse_label("2020.5.28", level(LEGAL, "subpoint")) is None  # a number, not a label


def test_a_division_that_is_not_a_mapping_is_reported_on_its_line(tmp_path):
    document = DOCUMENT.replace(
        "editorial_notes: [无。]",
        """\
divisions:
  - 第一章 总则
  - {level: 章, number: 2}
  - {first: 1}
editorial_notes: [无。]""",
    )
    _, _, problems = load_tree(tmp_path, {"content/demo/_document.md": document})
    got = messages(problems, tmp_path)
    assert "content/demo/_document.md:10: each division is a mapping: {heading: 第一章 总则, first: 1}" in got, got
    assert any(m.startswith("content/demo/_document.md:12: a division needs 'heading'") for m in got), got
