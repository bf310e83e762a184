"""Structure rules (DESIGN.md §6) on small fixture sites: 项 and 目 in 款, 章 and 节, gaps, errors."""

from __future__ import annotations

from .unit_support import load_tree, messages
from fixtures import DOCUMENT, PROVISION

from sitegen import addresses
from sitegen.numerals import cn_number

CHAPTERED = DOCUMENT.replace(
    "editorial_notes: [无。]",
    """\
numbering: 第一条
chapters:
  - {number: 1, title: 总则, articles: 1-1}
  - number: 2
    title: 分则
    sections:
      - {number: 1, title: 甲, articles: 2-2}
editorial_notes: [无。]""",
)

ITEMS = """\
---
number: 2
---
第一款。

第二款包括下列事项：
1. 甲；
2. 乙，包括：
   1. 子一；
   2. 子二。
"""


def test_items_and_sub_items_inside_a_paragraph(tmp_path):
    site, _, problems = load_tree(tmp_path, {"content/demo/_document.md": CHAPTERED, "content/demo/02.md": ITEMS})
    assert problems.errors == []
    doc = site.documents[0]
    prov = doc.provisions[1]
    assert (prov.title, prov.title_is_editorial, prov.display_label, prov.chapter, prov.section) == (
        "",
        False,
        "第二条",
        2,
        1,
    )
    para = prov.paragraphs[1]
    assert para.text == "第二款包括下列事项：" and [i.anchor for i in para.items] == ["art-2-p2-i1", "art-2-p2-i2"]
    assert [s.anchor for s in para.items[1].items] == ["art-2-p2-i2-s1", "art-2-p2-i2-s2"]
    assert para.full_text == "第二款包括下列事项：（一）甲；（二）乙，包括：1.子一；2.子二。"
    assert (
        addresses.citation(doc, prov, para, point=para.items[1], sub=para.items[1].items[0])
        == "《测试决定》第二条第二款第（二）项第1目"
    )
    assert addresses.citation(doc, prov, para, short=True, point=para.items[0]) == "《测试》第二条第二款第（一）项"
    assert [c.page for c in doc.chapters] == ["demo/chapter-1.html", "demo/chapter-2.html"]
    published = addresses.published(site)
    for a in ("demo/chapter-2.html#chapter-2-section-1", "demo/index.html#chapter-2", "demo/2.html#art-2-p2-i2-s2"):
        assert a in published


def test_bad_structure_is_reported_with_its_line(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/_document.md": CHAPTERED.replace(
                "sections:\n      - {number: 1,", "sections:\n      - {number: 2,"
            ).replace("numbering: 第一条", "numbering: 第一条\nsections: []"),
            "content/demo/01.md": PROVISION.format(n=1, label="一").replace(
                "第一款的文字，提到揭榜挂帅。\n", "1. 一个项\n"
            ),
            "content/demo/02.md": ITEMS.replace("2. 乙", "3. 乙"),
            "content/demo/04.md": PROVISION.format(n=4, label="四"),
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/01.md:7: a 项 outside a 款: a numbered list must follow the lead-in line of its paragraph",
        "content/demo/02.md:8: numbering gap: （三） follows （一） (expected （二）)",
        "content/demo/04.md:2: numbering gap: 第四条 follows 第二条 (第三条 missing)",
        "content/demo/04.md:2: 第四条 is in no chapter: extend a chapter's 'articles' in _document.md",
        "content/demo/_document.md:10: a 节 outside a 章: list each 节 under its chapter's 'sections'",
        "content/demo/_document.md:16: numbering gap: 第二节 follows the start of its chapter (expected 第一节)",
    ]


def test_chapters_must_hold_every_article_in_order(tmp_path):
    _, _, problems = load_tree(
        tmp_path,
        {
            "content/demo/_document.md": CHAPTERED.replace(
                "{number: 1, title: 总则, articles: 1-1}", "{number: 1, title: 总则, articles: 1-2}"
            )
        },
    )
    assert messages(problems, tmp_path) == [
        "content/demo/_document.md:15: 第一节 starts at 第二条, which the 章 or 节 before it already holds"
    ]


def test_numbers_and_labels():
    assert [cn_number(n) for n in (10, 101, 110, 1260)] == ["十", "一百零一", "一百一十", "一千二百六十"]
    assert addresses.point_anchor(addresses.LEGAL, "art-12-p2", 3) == "art-12-p2-i3"
    assert addresses.point_anchor(addresses.LEGAL, "art-12-p2-i3", 1, level=2) == "art-12-p2-i3-s1"
    assert addresses.point_anchor(addresses.POLICY, "item-4-p1", 1) == "item-4-p1-s1"
    assert addresses.chapter_section_anchor(3, 2) == "chapter-3-section-2"
    assert addresses.chapter_page("reg", 3) == "reg/chapter-3.html"
    assert addresses.display_label("article", "十二", "第一条") == "第十二条"
    assert addresses.display_label("article", "十二") == "十二、"


def test_a_chapter_section_book_or_part_that_is_not_a_mapping_is_reported_on_its_line(tmp_path):
    document = DOCUMENT.replace(
        "editorial_notes: [无。]",
        """\
numbering: 第一条
chapters:
  - 总则
  - number: 1
    title: 总则
    sections:
      - 甲
      - {number: 1, title: 甲, articles: 1-2}
books:
  - 第一编
parts:
  - 一
editorial_notes: [无。]""",
    )
    _, _, problems = load_tree(tmp_path, {"content/demo/_document.md": document})
    got = messages(problems, tmp_path)
    for expected in (
        "content/demo/_document.md:11: each chapter must be a mapping with number, title and articles",
        "content/demo/_document.md:15: each section must be a mapping with number, title and articles",
        "content/demo/_document.md:18: each book (编) must be a mapping with number, title and chapters",
        "content/demo/_document.md:20: each part must be a mapping with number, label, heading",
    ):
        assert expected in got, got
