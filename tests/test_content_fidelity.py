"""The text in content/ is the seed's text, changed only by docs/content-format.md#editorial-rules.

This test reads the seed with its own small parser and content/ with PyYAML,
and imports nothing from the project. Every editorial change that is more than
whitespace or punctuation width is listed below as data (KNOWN EDITS); nothing
is pattern-matched away. Comparisons:

* folded: whitespace removed and punctuation width folded (， ↔ , etc.);
* exact:  the seed with whitespace of line wraps removed and ASCII , ( ) : ;
  turned full-width wherever they are not inside a Latin word or number,
  must equal the content character for character.

Seed location: $SEED_PATH, else ../shared/seed/000_729dac52d8340b0c.txt beside the repo.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
import content
from content import CN

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
DEC = "yrd-decision"
PLAN = "digital-trade-plan"


def seed_path() -> Path:
    env = os.environ.get("SEED_PATH")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_729dac52d8340b0c.txt"


# --------------------------------------------------------------------------
# KNOWN EDITS (docs/content-format.md#editorial-rules), as data
# --------------------------------------------------------------------------


# The 公告第33号 block sits inside provision 七 in the seed (between 推 and 动).
# It moves to the decision's _document.md, section {#announcement}, after the
# gazette rubric "## 公告"; its heading goes one level down (## -> ###).
MOVED_BLOCK = {
    "from_provision": 7,
    "after_seed_block": 0,  # it follows provision 七's first block
    "first_line": "## 浙江省第十四届人民代表大会常务委员会公告",
    "last_line": "2025年7月31日",
    "into_paragraph": 1,  # content paragraph of 七 it was cut out of
    "after_text": "资金一体化配置，推",  # ...exactly after this text
}
HEADING_LEVEL_EDITS = {  # seed line -> content line
    "## 浙江省第十四届人民代表大会常务委员会公告": "### 浙江省第十四届人民代表大会常务委员会公告",
}
# Hard breaks kept on purpose (signature block of the 公告).
ALLOWED_LINE_BREAKS = {
    f"{DEC}/_document.md": ["浙江省人民代表大会常务委员会  \n2025年7月31日"],
}

# Page/column breaks (blank lines) joined into the previous paragraph.
# number -> [(index of the continuation block in the seed unit, end of the
#             previous block, start of the continuation block)]
DECISION_JOINS = {
    3: [(2, "部", "署")],  # 部|署
    7: [(1, "推", "动")],  # 推|[公告]|动 (after the block is moved)
    9: [(1, "高", "新技术")],  # 高|新技术
    11: [(3, "竞争力", "力的")],  # 竞争力|力的 (see DOUBLED)
    15: [(1, "安徽", "省")],  # 安徽|省
}
# The plan is set in columns COLUMN_LINES text lines tall. A blank line inside an
# item that splits a word is a column break: joined. A blank line that falls after a
# full stop in the middle of a column is a paragraph break: kept. The joins are listed
# here as data, and test_plan_blank_lines_follow_the_column_rule derives the same
# decisions independently from the seed's line numbers.
COLUMN_LINES = 37
PLAN_JOINS = {  # column breaks inside plan items
    7: [(1, "赛", "事")],  # 赛|事   (blank seed line 162)
    12: [(1, "创", "业")],  # 创|业   (blank seed line 206)
    15: [(1, "智能化", "水平")],  # 智能化|水平 (blank seed line 251)
}
# Paragraphs of every plan unit, as data. Every unit is one paragraph except:
#   （十二）: blank seed line 211, after the 4th text line of the column that starts
#            at line 207, after 。 -> 2 paragraphs;
#   （十三）: blank seed lines 224 and 230, after the 14th and 19th text lines of the
#            same column, each after 。 -> 3 paragraphs.
PLAN_PARAGRAPHS = {n: 1 for n in range(3, 26)} | {"part-9": 1, 12: 2, 13: 3}
# Character doubled across a page break: (doc, number, paragraph) -> (seed, content)
DOUBLED = {
    (DEC, 11, 3): ("竞争力力的", "竞争力的"),
}
# Plan: parts whose heading is missing in the seed -> first item under it.
MISSING_PART_HEADINGS = {7: 18}
# Plan: the fragment before part 三's heading is the end of item （三）, in part 二.
ORPHAN_FRAGMENT = {"number": 3, "part": 2, "title": "〔原文缺失〕"}
# Prelude of the decision in the seed: block 0 = gazette rubric (-> announcement),
# block 1 = "# title" (-> front matter), blocks 2.. -> {#preamble}.

FW = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}
FOLD = {v: k for k, v in FW.items()}
WS = re.compile(r"\s+")


def is_latin_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def fullwidth(s: str) -> str:
    """§4: ASCII , ( ) : ; -> full width, unless inside a Latin word/number."""
    out = []
    for i, ch in enumerate(s):
        if ch in FW:
            a = s[i - 1] if i else ""
            b = s[i + 1] if i + 1 < len(s) else ""
            if not (is_latin_alnum(a) and is_latin_alnum(b)):
                ch = FW[ch]
        out.append(ch)
    return "".join(out)


def squash(s: str) -> str:
    return WS.sub("", s)


def fold(s: str) -> str:
    return "".join(FOLD.get(c, c) for c in squash(s))


def exact(seed_text: str) -> str:
    return fullwidth(squash(seed_text))


# --------------------------------------------------------------------------
# seed parser
# --------------------------------------------------------------------------


def blocks_of(lines: list[str]) -> list[list[str]]:
    out, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def btext(block: list[str]) -> str:
    return "".join(line.strip() for line in block)


CN_INT = {c: i for i, c in enumerate(CN) if c}
PART_RE = re.compile(r"^(?:## )?([一二三四五六七八九十]+)、")
ITEM_RE = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")


@cache
def seed() -> dict:
    raw = seed_path().read_text(encoding="utf-8")
    lines = raw.split("\n")
    titles = [i for i, line in enumerate(lines) if line.startswith("# ")]
    assert len(titles) == 2, "the seed holds two documents, each with a '# ' title"
    dec_blocks = blocks_of(lines[: titles[1]])
    plan_blocks = blocks_of(lines[titles[1] :])

    # decision: prelude, then provisions 一、…十九、 in order
    prov: dict[int, list[list[str]]] = {}
    prelude: list[list[str]] = []
    n = 0
    for b in dec_blocks:
        if n < 19 and b[0].startswith(CN[n + 1] + "、"):
            n += 1
            prov[n] = [b]
        elif n == 0:
            prelude.append(b)
        else:
            prov[n].append(b)
    assert n == 19

    # plan: title, notice (heading … date line), fragment, parts and items
    assert plan_blocks[0][0].startswith("# ")
    date_i = next(i for i, b in enumerate(plan_blocks) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", b[0].strip()))
    notice = plan_blocks[1 : date_i + 1]
    units: list[dict] = []  # in seed order: {"kind": part|item|fragment, "number", "blocks"}
    for b in plan_blocks[date_i + 1 :]:
        m_part, m_item = PART_RE.match(b[0]), ITEM_RE.match(b[0])
        if m_part:
            units.append({"kind": "part", "number": CN_INT[m_part.group(1)], "blocks": [b]})
        elif m_item:
            units.append({"kind": "item", "number": CN_INT[m_item.group(1)], "blocks": [b]})
        elif not units:
            units.append({"kind": "fragment", "number": None, "blocks": [b]})
        else:
            units[-1]["blocks"].append(b)
    return {
        "raw": raw,
        "dec_title": lines[titles[0]],
        "plan_title": lines[titles[1]],
        "prelude": prelude,
        "prov": prov,
        "notice": notice,
        "units": units,
    }


def seed_decision_units(n: int) -> list[list[str]]:
    blocks = list(seed()["prov"][n])
    if n == MOVED_BLOCK["from_provision"]:
        i, j = moved_span(blocks)
        del blocks[i : j + 1]
    return blocks


def moved_span(blocks: list[list[str]]) -> tuple[int, int]:
    i = next(k for k, b in enumerate(blocks) if b[0] == MOVED_BLOCK["first_line"])
    j = next(k for k, b in enumerate(blocks) if k >= i and b[-1] == MOVED_BLOCK["last_line"])
    assert i == MOVED_BLOCK["after_seed_block"] + 1
    return i, j


def seed_item(n: int) -> list[list[str]]:
    if n == ORPHAN_FRAGMENT["number"]:
        return next(u for u in seed()["units"] if u["kind"] == "fragment")["blocks"]
    return next(u for u in seed()["units"] if u["kind"] == "item" and u["number"] == n)["blocks"]


def seed_part(n: int) -> list[list[str]] | None:
    for u in seed()["units"]:
        if u["kind"] == "part" and u["number"] == n:
            return u["blocks"]
    return None


def expected_paragraphs(blocks: list[list[str]], joins: list[tuple[int, str, str]]) -> list[str]:
    """Seed blocks -> paragraphs (seed characters, wraps joined), applying the listed joins."""
    join_at = {k: (left, right) for k, left, right in joins}
    paras: list[str] = []
    for k, b in enumerate(blocks):
        t = btext(b)
        if k in join_at:
            left, right = join_at[k]
            assert fold(paras[-1]).endswith(fold(left)) and fold(t).startswith(fold(right)), (
                f"join {left}|{right} is not at seed block {k}"
            )
            paras[-1] += t
        else:
            paras.append(t)
    assert len(join_at) == sum(1 for k in join_at if k < len(blocks))
    return paras


# --------------------------------------------------------------------------
# content parser
# --------------------------------------------------------------------------


def read_md(rel: str) -> tuple[dict, str]:
    return content.split(CONTENT / rel)


def body_paragraphs(body: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", body.strip("\n")) if p.strip()]


def sections(body: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    cur = None
    buf: list[str] = []
    for line in body.split("\n"):
        m = re.fullmatch(r"\{#([a-z0-9-]+)\}", line.strip())
        if m:
            if cur:
                out[cur] = body_paragraphs("\n".join(buf))
            cur, buf = m.group(1), []
        else:
            assert cur is not None or not line.strip(), "text before the first {#id}"
            buf.append(line)
    if cur:
        out[cur] = body_paragraphs("\n".join(buf))
    return out


def item_file(n) -> str:
    return f"{PLAN}/part-9.md" if n == "part-9" else f"{PLAN}/{n:02d}.md"


def check_paragraph(where: str, content: str, seed_text: str) -> None:
    assert fold(content) == fold(seed_text), f"{where}: text differs from the seed (folded)"
    assert content == exact(seed_text), f"{where}: punctuation/whitespace differs from §4 rules"


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


def test_document_titles():
    fm, _ = read_md(f"{DEC}/_document.md")
    assert "# " + fm["title"] == seed()["dec_title"]
    fm, _ = read_md(f"{PLAN}/_document.md")
    assert "# " + fm["title"] == seed()["plan_title"]


def plan_parts(fm: dict) -> list[dict]:
    """The plan's parts from its `divisions:`, each {number, label, heading} (heading None where lost):
    `{heading: 三、…}` gives label and heading, `{level: 部分, number: 7}` a part whose heading is lost."""
    out = []
    for d in fm["divisions"]:
        if "heading" in d:
            m = re.match(r"^([一二三四五六七八九十]+)、(.*)$", d["heading"])
            assert m, d
            out.append(
                {"number": CN_INT[m.group(1)], "label": m.group(1), "heading": m.group(2), "first": d.get("first")}
            )
        else:
            assert d["level"] == "部分", d
            out.append({"number": d["number"], "label": CN[d["number"]], "heading": None, "first": d.get("first")})
    assert [p["number"] for p in out] == list(range(1, 10))
    return out


def test_part_headings():
    fm, _ = read_md(f"{PLAN}/_document.md")
    parts = {p["number"]: p for p in plan_parts(fm)}
    seen = set()
    for n in range(1, 10):
        blocks = seed_part(n)
        if blocks is None:
            assert parts[n]["heading"] is None, f"part {n}: the seed has no heading"
            continue
        seen.add(n)
        head = btext(blocks[0]).removeprefix("## ")
        prefix = CN[n] + "、"
        assert head.startswith(prefix)
        assert parts[n]["label"] == CN[n]
        check_paragraph(f"part {n} heading", parts[n]["heading"], head[len(prefix) :])
    assert seen == {3, 4, 5, 6, 8, 9}
    p9, _ = read_md(f"{PLAN}/part-9.md")
    assert "title" not in p9 and parts[9]["first"] == "part-9"  # its division gives its heading


def test_decision_announcement_and_preamble():
    fm, body = read_md(f"{DEC}/_document.md")
    secs = sections(body)
    assert list(secs) == ["announcement", "preamble"]
    prelude = seed()["prelude"]
    assert len(prelude) >= 3 and prelude[1][0] == seed()["dec_title"]
    blocks7 = seed()["prov"][7]
    i, j = moved_span(blocks7)
    expected_ann = [prelude[0]] + blocks7[i : j + 1]
    exp_lines = []
    for b in expected_ann:
        exp_lines.append("\n".join(fullwidth(HEADING_LEVEL_EDITS.get(line, line)) for line in b))
    assert secs["announcement"] == exp_lines
    exp_pre = ["\n".join(fullwidth(line) for line in b) for b in prelude[2:]]
    assert secs["preamble"] == exp_pre
    assert secs["preamble"][-1].endswith("作出如下决定：")


def test_plan_notice():
    _, body = read_md(f"{PLAN}/_document.md")
    secs = sections(body)
    assert list(secs) == ["notice"]
    exp = ["\n".join(fullwidth(line) for line in b) for b in seed()["notice"]]
    assert secs["notice"] == exp
    assert secs["notice"][0].startswith("## 中共浙江省委办公厅 浙江省人民政府办公厅 关于印发")


@pytest.mark.parametrize("n", range(1, 20))
def test_decision_provision(n):
    fm, body = read_md(f"{DEC}/{n:02d}.md")
    assert fm["number"] == n and fm["label"] == CN[n]
    blocks = seed_decision_units(n)
    first = btext(blocks[0])
    assert first.startswith(CN[n] + "、")
    paras = expected_paragraphs(blocks, DECISION_JOINS.get(n, []))
    paras[0] = paras[0][len(CN[n]) + 1 :]  # number prefix is rendered from `label`
    for (doc, num, p), (seed_s, content_s) in DOUBLED.items():
        if doc == DEC and num == n:
            assert paras[p - 1].count(seed_s) == 1
            paras[p - 1] = paras[p - 1].replace(seed_s, content_s)
    got = body_paragraphs(body)
    assert len(got) == len(paras), f"provision {n}: {len(got)} paragraphs, seed gives {len(paras)}"
    for k, (c, s) in enumerate(zip(got, paras, strict=False), 1):
        check_paragraph(f"{DEC} {n} paragraph {k}", c, s)


PLAN_UNITS = list(range(3, 26)) + ["part-9"]


@pytest.mark.parametrize("n", PLAN_UNITS)
def test_plan_unit(n):
    fm, body = read_md(item_file(n))
    if n == "part-9":
        blocks = seed_part(9)[1:]  # text after the "## 九、组织保障" heading
        assert "number" not in fm and "label" not in fm  # its division gives them
        paras = expected_paragraphs(blocks, [])
    else:
        blocks = seed_item(n)
        assert fm["number"] == n and fm["label"] == f"（{CN[n]}）"
        paras = expected_paragraphs(blocks, PLAN_JOINS.get(n, []))
        if n == ORPHAN_FRAGMENT["number"]:
            assert fm.get("incomplete") == "start"
            assert fm["title"] == ORPHAN_FRAGMENT["title"]
        else:
            m = ITEM_RE.match(paras[0])
            assert m and CN_INT[m.group(1)] == n
            paras[0] = paras[0][m.end() :]  # （四） is rendered from `label`
            lead = paras[0][: paras[0].index("。") + 1]
            check_paragraph(f"item {n} title", fm["title"], lead)
    got = body_paragraphs(body)
    assert len(got) == len(paras) == PLAN_PARAGRAPHS[n], (
        f"{n}: {len(got)} paragraphs in content, {len(paras)} by the seed, {PLAN_PARAGRAPHS[n]} expected"
    )
    for k, (c, s) in enumerate(zip(got, paras, strict=False), 1):
        check_paragraph(f"{PLAN} {n} paragraph {k}", c, s)
    if n != "part-9" and n != ORPHAN_FRAGMENT["number"]:
        assert got[0].startswith(fm["title"])


# --------------------------------------------------------------------------
# the plan's column rule, derived from the seed's line numbers
# --------------------------------------------------------------------------

SENTENCE_END = ("。", "；", "：", "！", "？")
# What the plan's 校勘说明 states, as data: the blank seed lines that split a word
# (column breaks), and the blank lines that are paragraph breaks with the number of
# text lines of their column before them.
COLUMN_BREAK_LINES = [162, 206, 251]
# The extraction does not mark every column break with a blank line: the 37th text
# line after line 251 (line 293) also ends inside a word (委员|会), with no blank line.
UNMARKED_COLUMN_BREAK_AFTER = 293
PARAGRAPH_BREAK_LINES = {211: 4, 224: 14, 230: 19}


def classify_blank_lines(lines: list[tuple[int, str]], column_lines: int = COLUMN_LINES) -> dict:
    """The column rule applied to numbered text lines of the plan (from its first unit on).

    Returns {"units": unit -> ["column" | "paragraph", ...] for the blank lines inside
    that unit in order, "breaks": [line numbers of column breaks],
    "paragraph_breaks": {line number: text lines of the column before it}}.
    Raises AssertionError when the seed does not bear the rule out.
    """
    blanks = []  # (blank line number, unit, splits a word)
    text_lines = []
    prev = None
    blank = None
    unit = ORPHAN_FRAGMENT["number"]
    heading = False
    for no, line in lines:
        s = line.strip()
        if not s:
            if prev is not None and blank is None:
                blank = no
            continue
        m_part, m_item = PART_RE.match(s), ITEM_RE.match(s)
        if blank is not None and not (m_part or m_item or heading):
            blanks.append((blank, unit, not prev.endswith(SENTENCE_END)))
        if m_part:
            unit, heading = f"part-{CN_INT[m_part.group(1)]}", True
        elif m_item:
            unit, heading = CN_INT[m_item.group(1)], False
        elif blank is not None and heading:
            heading = False  # the part's own text after its heading (part 九)
        text_lines.append(no)
        prev, blank = s, None

    def between(a: int, b: int) -> int:
        return sum(1 for no in text_lines if a < no < b)

    breaks = [no for no, _, split in blanks if split]
    assert breaks, "no blank line splits a word: no column break to count from"
    for a, b in zip(breaks, breaks[1:], strict=False):
        assert between(a, b) == column_lines, (
            f"column breaks at seed lines {a} and {b}: {between(a, b)} text lines between them, not {column_lines}"
        )
    units: dict = {}
    paragraph_breaks = {}
    for no, u, split in blanks:
        if split:
            kind = "column"
        else:
            before = [b for b in breaks if b < no]
            assert before, f"seed line {no}: blank line before the first column break cannot be placed"
            pos = between(before[-1], no)
            assert 0 < pos < column_lines, (
                f"seed line {no}: blank line after a full stop at the end of a column ({pos} lines): undecidable"
            )
            kind = "paragraph"
            paragraph_breaks[no] = pos
        units.setdefault(u, []).append(kind)
    return {"units": units, "breaks": breaks, "paragraph_breaks": paragraph_breaks}


def plan_lines() -> list[tuple[int, str]]:
    """Numbered seed lines (1-based) from the plan's first unit after the 通知 on."""
    lines = seed()["raw"].split("\n")
    title = lines.index(seed()["plan_title"])
    date = next(i for i in range(title, len(lines)) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[i].strip()))
    return [(i + 1, lines[i]) for i in range(date + 1, len(lines))]


def test_plan_blank_lines_follow_the_column_rule():
    """The paragraphs of every plan unit, derived from the seed by the column rule."""
    rule = classify_blank_lines(plan_lines())
    assert rule["breaks"] == COLUMN_BREAK_LINES
    assert rule["paragraph_breaks"] == PARAGRAPH_BREAK_LINES
    after_last = [(no, s) for no, s in plan_lines() if no > COLUMN_BREAK_LINES[-1] and s.strip()]
    no, last = after_last[COLUMN_LINES - 1]
    assert no == UNMARKED_COLUMN_BREAK_AFTER and not last.strip().endswith(SENTENCE_END), (
        "the 37th text line after the last marked column break should end inside a word"
    )
    joins = {u: [k for k, kind in enumerate(kinds, 1) if kind == "column"] for u, kinds in rule["units"].items()}
    assert {u: ks for u, ks in joins.items() if ks} == {n: [k for k, _, _ in js] for n, js in PLAN_JOINS.items()}
    derived = {u: 1 + rule["units"].get(u, []).count("paragraph") for u in PLAN_PARAGRAPHS}
    assert derived == PLAN_PARAGRAPHS
    for n, count in PLAN_PARAGRAPHS.items():
        assert len(body_paragraphs(read_md(item_file(n))[1])) == count, f"{n}: content has another paragraph count"


def test_the_plan_notes_state_the_column_evidence():
    """The evidence in words a reader can follow (issue 28): the column's height in the
    校勘说明, each paragraph break's place in its column in the item's note; no line numbers
    of the source file, which a reader does not have."""
    fm, _ = read_md(f"{PLAN}/_document.md")
    text = "".join(fm["editorial_notes"])
    assert f"每栏{COLUMN_LINES}行" in text
    notes = {n: " ".join(x["text"] for x in read_md(item_file(n))[0].get("notes") or []) for n in PLAN_PARAGRAPHS}
    places = sorted(PARAGRAPH_BREAK_LINES.values())
    assert f"第{places[0]}行" in notes[12] and f"第{places[1]}行" in notes[13] and f"第{places[2]}行" in notes[13]
    for no in [*COLUMN_BREAK_LINES, UNMARKED_COLUMN_BREAK_AFTER, *PARAGRAPH_BREAK_LINES]:
        for where, said in [("校勘说明", text), *notes.items()]:
            assert str(no) not in said, f"{where} cites line {no} of the source file"
    assert not re.search(r"来源文件第|第\d+[—-]\d+行", text + "".join(notes.values()))


def test_column_rule_self_check():
    """The rule derives paragraphs, and refuses a seed that does not bear it out."""

    def numbered(*lines):
        return list(enumerate(lines, 1))

    ok = numbered("（一）甲", "", "乙。", "", "丙。", "丁", "", "戊。")  # columns of 3 lines: 乙。丙。丁
    rule = classify_blank_lines(ok, column_lines=3)
    assert rule["units"] == {1: ["column", "paragraph", "column"]}
    assert rule["paragraph_breaks"] == {4: 1}
    with pytest.raises(AssertionError, match="text lines between"):  # a column of 4 lines
        classify_blank_lines(numbered("（一）甲", "", "乙。", "丙。", "丙。", "丁", "", "戊。"), column_lines=3)
    with pytest.raises(AssertionError, match="undecidable"):  # a full stop at a column's end
        classify_blank_lines(
            numbered("（一）甲", "", "乙。", "丙。", "丁", "", "戊。", "己。", "庚。", "", "辛。"), column_lines=3
        )


def test_plan_items_in_their_parts():
    """Each part's first item in `divisions:` is the first item under it in the seed's order."""
    part = None
    expected = {}
    for u in seed()["units"]:
        if u["kind"] == "part":
            part = u["number"]
        elif u["kind"] == "item":
            for missing, first_item in MISSING_PART_HEADINGS.items():
                if u["number"] == first_item:
                    part = missing
            expected[u["number"]] = part
    expected[ORPHAN_FRAGMENT["number"]] = ORPHAN_FRAGMENT["part"]
    fm, _ = read_md(f"{PLAN}/_document.md")
    firsts = {p["number"]: p["first"] for p in plan_parts(fm)}
    for n, p in expected.items():
        if min(k for k, q in expected.items() if q == p) == n:
            assert firsts[p] == n, f"part {p} starts at item {firsts[p]}, the seed's order gives {n}"
        item, _ = read_md(item_file(n))
        assert item.get("part", p) == p, f"item {n}: part {item['part']}, seed order gives {p}"
    assert sorted(expected) == list(range(3, 26))


def all_content_files() -> list[str]:
    return sorted(str(p.relative_to(CONTENT)) for d in (DEC, PLAN) for p in (CONTENT / d).glob("*.md"))


def strings_in(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings_in(v)


def test_fullwidth_punctuation_in_chinese_text():
    bad = []
    for rel in all_content_files():
        fm, body = read_md(rel)
        texts = [body] + [s for s in strings_in(fm) if s != fm.get("source", {}).get("file")]
        for t in texts:
            for m in re.finditer(r"[,():;]", t):
                a = t[m.start() - 1] if m.start() else ""
                b = t[m.end()] if m.end() < len(t) else ""
                if not (is_latin_alnum(a) and is_latin_alnum(b)):
                    bad.append(f"{rel}: {t[max(0, m.start() - 8) : m.end() + 8]!r}")
    assert not bad, "ASCII punctuation in Chinese text:\n" + "\n".join(bad)


def test_no_line_breaks_inside_paragraphs():
    for rel in all_content_files():
        fm, body = read_md(rel)
        if rel.endswith("_document.md"):
            allowed = ALLOWED_LINE_BREAKS.get(rel, [])
            for paras in sections(body).values():
                for p in paras:
                    assert "\n" not in p or p in allowed, f"{rel}: line break in {p[:20]!r}"
        else:
            for p in body_paragraphs(body):
                assert not re.search(r"\s", p), f"{rel}: whitespace/line break in {p[:20]!r}"


def test_every_seed_character_accounted_for_exactly_once():
    """Rebuild the seed from content/ (in source order, undoing the known edits)."""
    pieces: list[str] = []
    dfm, dbody = read_md(f"{DEC}/_document.md")
    dsec = sections(dbody)
    rubric, *moved = dsec["announcement"]
    inverse_heading = {v: k for k, v in HEADING_LEVEL_EDITS.items()}
    moved = ["\n".join(inverse_heading.get(line, line) for line in b.split("\n")) for b in moved]
    pieces += [rubric, "# " + dfm["title"], *dsec["preamble"]]
    for n in range(1, 20):
        fm, body = read_md(f"{DEC}/{n:02d}.md")
        paras = body_paragraphs(body)
        for (doc, num, p), (seed_s, content_s) in DOUBLED.items():
            if doc == DEC and num == n:
                assert paras[p - 1].count(content_s) == 1
                paras[p - 1] = paras[p - 1].replace(content_s, seed_s)
        if n == MOVED_BLOCK["from_provision"]:
            k = MOVED_BLOCK["into_paragraph"] - 1
            anchor = MOVED_BLOCK["after_text"]
            assert paras[k].count(anchor) == 1
            paras[k] = paras[k].replace(anchor, anchor + "".join(moved))
        pieces.append(fm["label"] + "、" + "".join(paras))
    pfm, pbody = read_md(f"{PLAN}/_document.md")
    pieces += ["# " + pfm["title"], *sections(pbody)["notice"]]
    items = {}
    for n in range(3, 26):
        fm, body = read_md(item_file(n))
        items[n] = fm
        items[n]["_text"] = "".join(body_paragraphs(body))
    pieces.append(items[ORPHAN_FRAGMENT["number"]]["_text"])
    for part in plan_parts(pfm):
        if part["number"] == 9:
            p9, body9 = read_md(item_file("part-9"))
            pieces.append("## " + part["label"] + "、" + part["heading"] + "".join(body_paragraphs(body9)))
            continue
        if part["heading"] is not None:
            pieces.append(part["label"] + "、" + part["heading"])
        for n in sorted(k for k, fm in items.items() if fm["part"] == part["number"]):
            if n != ORPHAN_FRAGMENT["number"]:
                pieces.append(items[n]["label"] + items[n]["_text"])
    rebuilt = "".join(pieces)
    raw = seed()["raw"]
    assert fold(rebuilt) == fold(raw)
    assert squash(rebuilt) == exact(raw)


def test_fidelity_test_catches_a_changed_character():
    """Self-check of the comparison: one changed character must not pass."""
    fm, body = read_md(f"{DEC}/07.md")
    p = body_paragraphs(body)[1]
    s = btext(seed_decision_units(7)[-1])
    check_paragraph("self-check", p, s)
    with pytest.raises(AssertionError):
        check_paragraph("self-check", p.replace("揭", "接", 1), s)
    with pytest.raises(AssertionError):
        check_paragraph("self-check", p.replace("，", ",", 1), s)
