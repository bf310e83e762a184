"""`build.py import SOURCE --slug SLUG`: plain text of one document → a content folder (DESIGN.md §6).

The source is UTF-8 text as extracted from a gazette or a web page. The import

* joins hard line wraps (a line that does not end a sentence, followed by more text);
* recognises the title, the text before it, the source's own 目录 (left out: the site
  makes its own), the preamble (题注, 通知), and the structure: 编/章/节/条/款/项/目 for
  laws and decisions (法规型, 第一条 or 一、 numbering), 部分/项/段/1. for policy documents
  (公文型: 方案、意见、通知 …);
* applies the §4 punctuation rule (ASCII , ( ) : ; → full width outside Latin words
  and numbers);
* writes DIR/SLUG/_document.md and one file per 条 (or per 项, and part-N.md for a
  part's own text).

Every place an editor must look at is printed as `SOURCE:LINE: message` and written
into the notes (the document's 校勘说明 and the provision's 编者注): a blank line inside
a sentence (a page or column break, joined), a character doubled across such a break
(kept), a line that does not belong to the text (a page number, a running head: left
out and recorded under `source.omitted`), a block interleaved inside a provision
(moved to the front text and recorded under `source.moved`), a number out of sequence,
a 项 outside a 款, text repeated from another provision. Nothing else of the text
changes, so `build.py check` can prove the result against the source.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import addresses
from .fidelity import full_width
from .numerals import cn_number

CN = "零〇一二三四五六七八九十百千"
NUM = f"[{CN}]+"
ARTICLE = re.compile(rf"^第({NUM})条(?:[\s\u3000]+|$)?")
CHAPTER = re.compile(rf"^第({NUM})章[\s\u3000]*(.*)$")
SECTION = re.compile(rf"^第({NUM})节[\s\u3000]*(.*)$")
BOOK = re.compile(rf"^第({NUM})编[\s\u3000]*(.*)$")
ORDINAL = re.compile(rf"^({NUM})、\s*")
POINT = re.compile(rf"^[（(]({NUM})[）)]\s*")
SUB = re.compile(r"^(\d{1,3})[.．]\s*(?!\d)")
TOC = re.compile(r"^目[\s\u3000]*录$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–\s]*$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
PASSED = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日(.*?)(通过|批准|公布|发布|印发)")
MEETING = re.compile(rf"^(.+?)第{NUM}次会议")
HEADING = re.compile(r"^(#{1,6})[ \t]+")
ENDS = "。！？；：…”’」』）)"  # a line ending in one of these ends a sentence (or a lead-in, or an item)
POLICY_TYPES = ("方案", "意见", "通知", "规划", "计划", "纲要", "措施")
DOC_TYPES = (
    "条例",
    "规定",
    "办法",
    "决定",
    "决议",
    "细则",
    "规则",
    "法",
    "方案",
    "意见",
    "通知",
    "规划",
    "计划",
    "纲要",
    "措施",
)
REPEAT = 40  # characters of text repeated from another provision that are worth a note


def cn_value(text: str) -> int:
    """一 → 1, 十二 → 12, 一百零三 → 103."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


# --- what the import finds ------------------------------------------------------------


@dataclass
class Flag:
    """A place an editor must look at: an English message for the terminal, a Chinese note for the site."""

    line: int
    message: str
    note: str


@dataclass
class Line:
    number: int  # in the source file
    text: str
    level: int  # Markdown heading level, 0 for text
    blank_before: bool
    last: int = 0  # the last source line joined into it

    def __post_init__(self):
        self.last = self.last or self.number


@dataclass
class Point:
    number: int
    line: int
    text: str
    subs: list[Point] = field(default_factory=list)


@dataclass
class Para:
    line: int
    text: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Unit:
    kind: str  # article | item | part
    number: int
    line: int
    paras: list[Para] = field(default_factory=list)
    part: int | None = None
    heading: str | None = None  # a part's heading
    notes: list[tuple[int | None, str]] = field(default_factory=list)  # (paragraph, text)


@dataclass
class Parsed:
    title: str = ""
    doc_type: str = ""
    structure: str = addresses.LEGAL
    numbering: str = "一、"
    sections: dict[str, list[Line]] = field(default_factory=dict)
    chapters: list[dict] = field(default_factory=list)
    books: list[dict] = field(default_factory=list)
    parts: list[Unit] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)
    omitted: list[tuple[int, int]] = field(default_factory=list)
    date: str | None = None
    date_field: str = "date_passed"
    issuer: str | None = None

    def flag(self, line: int, message: str, note: str, unit: Unit | None = None) -> None:
        self.flags.append(Flag(line, message, note))
        if unit is not None:
            unit.notes.append((len(unit.paras) or None, note))


class ImportError_(Exception):
    """The source cannot be read as a document: (line, message)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


# --- lines ----------------------------------------------------------------------------


def read_lines(text: str, first: int, last: int, parsed: Parsed) -> list[Line]:
    """Source lines → logical lines: headings marked, page numbers and running heads out, wraps joined."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw = raw[first - 1 : last]
    counts: dict[str, int] = {}
    for raw_line in raw:
        s = raw_line.strip()
        if s:
            counts[s] = counts.get(s, 0) + 1
    physical: list[Line] = []
    blank = False
    for offset, raw_line in enumerate(raw):
        n = first + offset
        s = raw_line.strip().replace("\ufeff", "")
        if not s:
            blank = True
            continue
        m = HEADING.match(s)
        level = len(m.group(1)) if m else 0
        s = s[m.end() :].strip() if m else s
        if PAGE_NUMBER.match(s):
            parsed.omitted.append((n, n))
            parsed.flag(n, f"line {s!r} looks like a page number: left out", f"来源第{n}行“{s}”疑为页码，未收入正文。")
            continue
        if counts.get(raw_line.strip(), 0) >= 3 and len(s) <= 30 and not _starts_unit(s) and not level:
            parsed.omitted.append((n, n))
            parsed.flag(
                n,
                f"line {s!r} occurs {counts[raw_line.strip()]} times, probably a running head: left out",
                f"来源第{n}行“{s}”重复出现，疑为页眉，未收入正文。",
            )
            continue
        physical.append(Line(n, s, level, blank))
        blank = False
    # join hard wraps inside a block of lines (no blank line between)
    out: list[Line] = []
    for line in physical:
        prev = out[-1] if out else None
        if prev is not None and not line.blank_before and _continues(prev, line):
            prev.text += line.text
            prev.last = line.number
            continue
        out.append(line)
    return out


def _starts_unit(s: str) -> bool:
    return bool(
        ARTICLE.match(s)
        or CHAPTER.match(s)
        or SECTION.match(s)
        or BOOK.match(s)
        or ORDINAL.match(s)
        or POINT.match(s)
        or SUB.match(s)
        or TOC.match(s)
    )


def _continues(prev: Line, line: Line) -> bool:
    """Does `line` continue `prev` (a hard wrap), rather than start something new?"""
    if _starts_unit(line.text) or line.level or DATE_LINE.match(line.text) or DATE_LINE.match(prev.text):
        return False
    return not prev.text.endswith(tuple(ENDS))


# --- structure ------------------------------------------------------------------------


def parse(text: str, first: int = 1, last: int | None = None) -> Parsed:
    parsed = Parsed()
    lines = read_lines(text, first, last or len(text.split("\n")), parsed)
    if not lines:
        raise ImportError_(first, "the source has no text")
    # the title: the first level-1 heading, else the first line that is not a unit
    title_at = next((i for i, ln in enumerate(lines) if ln.level == 1), None)
    if title_at is None:
        title_at = next((i for i, ln in enumerate(lines) if not _starts_unit(ln.text)), None)
    if title_at is None or len(lines[title_at].text) > 80:
        raise ImportError_(lines[0].number, "no title found: the source should start with the document's title")
    parsed.title = full_width(lines[title_at].text)
    parsed.doc_type = next((t for t in DOC_TYPES if parsed.title.endswith(t)), "")
    if not parsed.doc_type:
        parsed.flag(
            lines[title_at].number,
            "the title does not end in a known document type: doc_type left for you",
            "文件类型无法从标题判断，请填写 doc_type。",
        )
    body = lines[title_at + 1 :]
    if title_at:
        name = "announcement" if any("公告" in ln.text for ln in lines[:title_at]) else "front"
        parsed.sections[name] = lines[:title_at]
        parsed.flag(
            lines[0].number,
            f"text before the title: kept as the section {{#{name}}}",
            f"来源中标题之前的文字（第{lines[0].number}行起）作为“{name}”部分保留在文首。",
        )
    legal_numbering = any(ARTICLE.match(ln.text) for ln in body)
    policy = parsed.doc_type.endswith(POLICY_TYPES) and not legal_numbering
    parsed.structure = addresses.POLICY if policy else addresses.LEGAL
    parsed.numbering = "第一条" if legal_numbering else "一、"
    body = _drop_toc(body, parsed)
    if policy:
        _parse_policy(body, parsed)
    else:
        _parse_legal(body, parsed, legal_numbering)
    if not parsed.units:
        what = "no 第一条 and no 一、" if not policy else "no 一、 parts and no （一） items"
        raise ImportError_(lines[title_at].number, f"no provisions found ({what}): is this one document's text?")
    _front_facts(parsed)
    _repeats(parsed)
    return parsed


def _drop_toc(body: list[Line], parsed: Parsed) -> list[Line]:
    """The source's own 目录 and its entries, left out with a note."""
    start = next((i for i, ln in enumerate(body) if TOC.match(ln.text)), None)
    if start is None:
        return body
    entries: list[str] = []
    end = start + 1
    while end < len(body):
        t = "".join(body[end].text.split())
        if entries and t == entries[0]:
            break
        if not (
            CHAPTER.match(body[end].text) or SECTION.match(body[end].text) or BOOK.match(body[end].text) or len(t) <= 12
        ):
            break
        entries.append(t)
        end += 1
    a, b = body[start].number, body[end - 1].last
    parsed.omitted.append((a, b))
    parsed.flag(
        a,
        f"the source's 目录 (lines {a}-{b}): left out, the site makes its own table of contents",
        f"来源第{a}—{b}行为原文目录，本版未收入，网站自动生成目录。",
    )
    return body[:start] + body[end:]


def _join_across(prev_text: str, line: Line, parsed: Parsed, unit: Unit | None) -> None:
    """A blank line inside a sentence: taken as a page or column break, joined, and flagged."""
    left, right = full_width(prev_text[-4:]), full_width(line.text[:4])
    parsed.flag(
        line.number,
        f"blank line inside a sentence ({left}|{right}): taken as a page or column "
        "break and joined; check that no text is missing",
        f"来源第{line.number}行之前的空行出现在句中（“{left}|{right}”），判断为分页或分栏，已接排。",
        unit,
    )
    if prev_text and line.text and prev_text[-1] == line.text[0] and not prev_text[-1].isascii():
        ch = line.text[0]
        parsed.flag(
            line.number,
            f"the character {ch!r} is doubled across the break ({ch}|{ch}): kept; if the "
            "page break doubled it, delete one and record it under source.dropped",
            f"来源第{line.number}行“{ch}”字在分页处重复（“{ch}|{ch}”），暂予保留，请核对。",
            unit,
        )


def _open(text: str) -> bool:
    return bool(text) and not text.endswith(tuple(ENDS))


def _interleaved(lines: list[Line], i: int, unit: Unit, parsed: Parsed) -> int:
    """A heading inside an unfinished sentence of a provision: a block from elsewhere (an
    interleaved 公告) up to its date line. Moved to the front text; returns the next index."""
    end = i
    while (
        end < len(lines) and not DATE_LINE.match(lines[end].text) and not _starts_unit(lines[end].text[:6]) or end == i
    ):
        end += 1
    if end >= len(lines) or not DATE_LINE.match(lines[end].text):
        return i  # no date line to end it: not taken as interleaved
    block = lines[i : end + 1]
    name = "announcement" if "公告" in block[0].text else "interleaved"
    parsed.sections.setdefault(name, []).extend(block)
    a, b = block[0].number, block[-1].last
    parsed.moved.append((a, b))
    parsed.flag(
        a,
        f"lines {a}-{b} ({block[0].text[:20]}…) interrupt {_name(unit)} mid-sentence: moved to "
        f"the front text as {{#{name}}}",
        f"来源第{a}—{b}行（{block[0].text[:20]}……）插在{_name(unit)}的句子中间，本版已移至文首，原句接排。",
        unit,
    )
    return end + 1


def _name(unit: Unit) -> str:
    return addresses.provision_name_of(unit.kind, unit.number)


def _add_text(unit: Unit, line: Line, parsed: Parsed) -> None:
    """Text in a provision: a new 款 / 段, or the rest of a sentence broken by a blank line."""
    text = full_width(line.text)
    target = unit.paras[-1] if unit.paras else None
    last = target.points[-1] if target and target.points else None
    if last is not None and last.subs:
        last = last.subs[-1]
    open_text = last.text if last is not None else (target.text if target else "")
    if target is not None and _open(open_text):
        _join_across(open_text, line, parsed, unit)
        if last is not None:
            last.text += text
        else:
            target.text += text
        return
    unit.paras.append(Para(line.number, text))


def _parse_legal(body: list[Line], parsed: Parsed, numbered: bool) -> None:
    unit: Unit | None = None
    preamble: list[Line] = []
    chapter: dict[str, Any] | None = None
    section: dict[str, Any] | None = None
    book: dict[str, Any] | None = None
    expected = {"article": 1, "chapter": 1, "section": 1, "book": 1}
    i = 0
    while i < len(body):
        line = body[i]
        t = line.text
        m_ch, m_se, m_bk = CHAPTER.match(t), SECTION.match(t), BOOK.match(t)
        m_art = ARTICLE.match(t) if numbered else ORDINAL.match(t)
        if m_bk:
            n = cn_value(m_bk.group(1))
            _sequence(parsed, line, "编", n, expected, "book")
            book = {"number": n, "title": full_width(m_bk.group(2)), "first": None, "last": None, "line": line.number}
            parsed.books.append(book)
        elif m_ch:
            n = cn_value(m_ch.group(1))
            _sequence(parsed, line, "章", n, expected, "chapter")
            expected["section"] = 1
            chapter = {
                "number": n,
                "title": full_width(m_ch.group(2)),
                "sections": [],
                "first": None,
                "last": None,
                "line": line.number,
                "book": book["number"] if book else None,
            }
            parsed.chapters.append(chapter)
            section = None
            if book is not None:
                book["first"] = book["first"] or n
                book["last"] = n
        elif m_se:
            n = cn_value(m_se.group(1))
            if chapter is None:
                parsed.flag(
                    line.number,
                    f"a 节 outside a 章: {t!r} comes before any chapter heading",
                    f"来源第{line.number}行的节标题不在任何章内，请核对。",
                )
            else:
                _sequence(parsed, line, "节", n, expected, "section")
                section = {
                    "number": n,
                    "title": full_width(m_se.group(2)),
                    "first": None,
                    "last": None,
                    "line": line.number,
                }
                chapter["sections"].append(section)
        elif m_art:
            n = cn_value(m_art.group(1))
            if n != expected["article"]:
                parsed.flag(
                    line.number,
                    f"number out of sequence: {addresses.provision_name_of('article', n)} "
                    f"where {addresses.provision_name_of('article', expected['article'])} "
                    "was expected",
                    f"来源第{line.number}行条文序号不连续，请核对。",
                )
            expected["article"] = n + 1
            unit = Unit("article", n, line.number)
            parsed.units.append(unit)
            for holder in (chapter, section):
                if holder is not None:
                    holder["first"] = holder["first"] or n
                    holder["last"] = n
            rest = t[m_art.end() :].strip()
            if rest:
                unit.paras.append(Para(line.number, full_width(rest)))
        elif unit is None:
            if preamble and _open(preamble[-1].text) and not line.level:
                _join_across(preamble[-1].text, line, parsed, None)
                preamble[-1] = Line(preamble[-1].number, preamble[-1].text + line.text, 0, False, line.last)
            else:
                preamble.append(line)
        elif (
            line.level and unit.paras and _open(unit.paras[-1].text) and (j := _interleaved(body, i, unit, parsed)) != i
        ):
            i = j
            continue
        elif (m := POINT.match(t)) and numbered or (m := POINT.match(t)) and unit is not None:
            _add_point(unit, line, m, parsed)
        elif (m := SUB.match(t)) and unit.paras and unit.paras[-1].points:
            item = unit.paras[-1].points[-1]
            n = int(m.group(1))
            if n != len(item.subs) + 1:
                parsed.flag(
                    line.number,
                    f"number out of sequence: 目 {n}. where {len(item.subs) + 1}. was expected",
                    f"来源第{line.number}行目的序号不连续，请核对。",
                    unit,
                )
            item.subs.append(Point(n, line.number, full_width(t[m.end() :])))
        else:
            if line.level:
                parsed.flag(
                    line.number,
                    f"a heading inside {_name(unit)}: {t[:20]!r} kept as text; move it if it does not belong here",
                    f"来源第{line.number}行的标题出现在条文中，暂作正文保留，请核对。",
                    unit,
                )
            _add_text(unit, line, parsed)
        i += 1
    parsed.sections["preamble"] = preamble
    for unit in parsed.units:
        if not unit.paras:
            parsed.flag(unit.line, f"{_name(unit)} has no text", f"{_name(unit)}在来源中没有正文，请核对。", unit)


def _add_point(unit: Unit, line: Line, m: re.Match, parsed: Parsed) -> None:
    n = cn_value(m.group(1))
    text = full_width(line.text[m.end() :])
    para = unit.paras[-1] if unit.paras else None
    if para is None:
        parsed.flag(
            line.number,
            f"a 项 outside a 款: （{m.group(1)}） opens {_name(unit)}; kept as a 款 of its own",
            f"来源第{line.number}行的项前没有款的引语，暂作一款保留，请核对。",
            unit,
        )
        unit.paras.append(Para(line.number, full_width(line.text)))
        return
    if n != len(para.points) + 1:
        parsed.flag(
            line.number,
            f"number out of sequence: （{m.group(1)}） where （{cn_number(len(para.points) + 1)}） was expected",
            f"来源第{line.number}行项的序号不连续，请核对。",
            unit,
        )
    if not para.points and not para.text.endswith(("：", ":")):
        parsed.flag(
            line.number,
            f"（{m.group(1)}） follows a 款 that does not end with '：': taken as its 项; check",
            f"来源第{line.number}行的项所属的款不以冒号结尾，请核对分款。",
            unit,
        )
    para.points.append(Point(n, line.number, text))


def _sequence(parsed: Parsed, line: Line, what: str, n: int, expected: dict, key: str) -> None:
    if n != expected[key]:
        parsed.flag(
            line.number,
            f"number out of sequence: 第{cn_number(n)}{what} where 第{cn_number(expected[key])}{what} was expected",
            f"来源第{line.number}行{what}的序号不连续，请核对。",
        )
    expected[key] = n + 1


def _parse_policy(body: list[Line], parsed: Parsed) -> None:
    unit: Unit | None = None
    part: Unit | None = None
    preamble: list[Line] = []
    expected_item = None
    for line in body:
        t = line.text
        m_part, m_item = ORDINAL.match(t), POINT.match(t)
        if m_part and not m_item:
            n = cn_value(m_part.group(1))
            if parsed.parts and n != parsed.parts[-1].number + 1:
                parsed.flag(
                    line.number,
                    f"number out of sequence: part {m_part.group(1)}、 after {cn_number(parsed.parts[-1].number)}、",
                    f"来源第{line.number}行部分序号不连续，请核对。",
                )
            heading = full_width(t[m_part.end() :])
            part = Unit("part", n, line.number, heading=heading)
            parsed.parts.append(part)
            unit = None
            if "。" in heading[:-1]:
                parsed.flag(
                    line.number,
                    f"part {m_part.group(1)}、 runs on after a full stop: taken whole as its heading",
                    f"来源第{line.number}行部分标题中含句号，暂整体作为标题，请核对。",
                )
        elif m_item:
            n = cn_value(m_item.group(1))
            if expected_item is not None and n != expected_item:
                parsed.flag(
                    line.number,
                    f"number out of sequence: （{m_item.group(1)}） where （{cn_number(expected_item)}） was expected",
                    f"来源第{line.number}行项的序号不连续，请核对。",
                )
            expected_item = n + 1
            unit = Unit("item", n, line.number, part=part.number if part else None)
            if part is None:
                parsed.flag(
                    line.number,
                    f"item （{m_item.group(1)}） comes before any part",
                    f"来源第{line.number}行的项不在任何部分之内，请核对。",
                    unit,
                )
            unit.paras.append(Para(line.number, full_width(t[m_item.end() :])))
            parsed.units.append(unit)
        elif (m := SUB.match(t)) and unit is not None and unit.paras:
            para = unit.paras[-1]
            n = int(m.group(1))
            if n != len(para.points) + 1:
                parsed.flag(
                    line.number,
                    f"number out of sequence: {n}. where {len(para.points) + 1}. was expected",
                    f"来源第{line.number}行序号不连续，请核对。",
                    unit,
                )
            para.points.append(Point(n, line.number, full_width(t[m.end() :])))
        elif unit is not None:
            _add_text(unit, line, parsed)
        elif part is not None:  # a part's own text, before (or without) items
            text_unit = next((u for u in parsed.units if u.kind == "part" and u.number == part.number), None)
            if text_unit is None:
                text_unit = Unit("part", part.number, line.number, part=part.number)
                parsed.units.append(text_unit)
            _add_text(text_unit, line, parsed)
        else:
            if preamble and _open(preamble[-1].text) and not line.level:
                _join_across(preamble[-1].text, line, parsed, None)
                preamble[-1] = Line(preamble[-1].number, preamble[-1].text + line.text, 0, False, line.last)
            else:
                preamble.append(line)
    name = "notice" if preamble and "通知" in preamble[0].text else "preamble"
    parsed.sections[name] = preamble
    for u in parsed.units:
        if u.kind == "part" and any(x.kind == "item" and x.part == u.number for x in parsed.units):
            parsed.flag(
                u.line,
                f"part {cn_number(u.number)}、 has text of its own besides its items: "
                "kept in part-N.md, shown after its items",
                f"第{cn_number(u.number)}部分除各项外另有文字，请核对位置。",
            )


def _front_facts(parsed: Parsed) -> None:
    """Date and issuer from a 题注 like （2030年1月2日某市人民代表大会常务委员会第三次会议通过）."""
    for line in parsed.sections.get("preamble", []) + parsed.sections.get("notice", []):
        m = PASSED.match(full_width(line.text))
        if m:
            y, mo, d = (int(g) for g in m.group(1, 2, 3))
            parsed.date = f"{y:04d}-{mo:02d}-{d:02d}"
            parsed.date_field = "date_passed" if m.group(5) in ("通过", "批准") else "date_issued"
            who = MEETING.match(m.group(4))
            if who:
                parsed.issuer = re.sub(rf"第{NUM}届", "", who.group(1))
                parsed.flag(
                    line.number,
                    f"issuer read as {parsed.issuer!r} and {parsed.date_field} as "
                    f"{parsed.date} from the 题注: check them",
                    f"发布机关和日期取自来源第{line.number}行的题注。",
                )
            return
        m = DATE_LINE.match(line.text)
        if m and parsed.structure == addresses.POLICY:
            y, mo, d = (int(x) for x in re.findall(r"\d+", line.text))
            parsed.date, parsed.date_field = f"{y:04d}-{mo:02d}-{d:02d}", "date_issued"
    if parsed.date is None:
        if parsed.structure == addresses.POLICY:
            parsed.date_field = "date_issued"
        parsed.flag(1, f"no date found: fill in {parsed.date_field}", "来源中未找到通过或印发日期，请填写。")
    if parsed.issuer is None:
        parsed.flag(1, "no issuer found: fill in issuer", "来源中未找到发布机关，请填写。")


def _repeats(parsed: Parsed) -> None:
    """Text of REPEAT characters or more that stands in two provisions: a suspected error of the source."""
    seen: dict[str, Unit] = {}
    for unit in parsed.units:
        text = "".join(p.text + "".join(x.text for x in p.points) for p in unit.paras)
        hit = None
        for k in range(0, max(0, len(text) - REPEAT + 1)):
            window = text[k : k + REPEAT]
            other = seen.get(window)
            if other is not None and other is not unit:
                hit = other
                break
        if hit is not None:
            parsed.flag(
                unit.line,
                f"{_name(unit)} repeats text of {_name(hit)} ({text[k : k + 12]}…): "
                "kept; a suspected error of the source",
                f"{_name(unit)}有一段文字与{_name(hit)}重复（“{text[k : k + 12]}……”），疑为来源错误，依来源保留。",
                unit,
            )
        for k in range(0, max(0, len(text) - REPEAT + 1)):
            seen.setdefault(text[k : k + REPEAT], unit)


# --- writing ----------------------------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _md(text: str) -> str:
    """Text as Markdown that reads back as the same text."""
    text = MD_SPECIAL.sub(r"\\\1", text)
    if re.match(r"^(\d+[.)]|[-+*#>=]|\d+\s)", text):
        text = "\\" + text
    return text


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _short_title(parsed: Parsed) -> str:
    return f"《{parsed.doc_type}》" if parsed.doc_type else f"《{parsed.title[-6:]}》"


def document_file(parsed: Parsed, source: str, lines: tuple[int, int] | None) -> str:
    src: dict = {"file": source}
    if lines:
        src["lines"] = f"{lines[0]}-{lines[1]}"
    src["description"] = "导入的纯文本来源（请补充说明其出处）。"
    if parsed.moved:
        src["moved"] = [f"{a}-{b}" for a, b in parsed.moved]
    if parsed.omitted:
        src["omitted"] = [f"{a}-{b}" if a != b else a for a, b in parsed.omitted]
    front: dict = {
        "title": parsed.title,
        "short_title": _short_title(parsed),
        "doc_type": parsed.doc_type or "（待填写）",
        "structure": parsed.structure,
    }
    if parsed.structure == addresses.LEGAL:
        front["numbering"] = parsed.numbering
    front["issuer"] = [parsed.issuer or "（待填写）"]
    front[parsed.date_field] = parsed.date
    front["status"] = "（待填写）"
    front["source"] = src
    if parsed.books:
        front["books"] = [
            {"number": b["number"], "title": b["title"], "chapters": f"{b['first']}-{b['last']}"}
            for b in parsed.books
            if b["first"]
        ]
    if parsed.chapters:
        chapters = []
        for c in parsed.chapters:
            entry: dict = {"number": c["number"], "title": c["title"]}
            if c["sections"]:
                entry["sections"] = [
                    {"number": s["number"], "title": s["title"], "articles": f"{s['first']}-{s['last']}"}
                    for s in c["sections"]
                ]
            else:
                entry["articles"] = f"{c['first']}-{c['last']}"
            chapters.append(entry)
        front["chapters"] = chapters
    if parsed.parts:
        items = {u.number for u in parsed.units if u.kind == "item"}
        top = max(items) if items else 0
        missing = [n for n in range(1, top + 1) if n not in items]
        front["parts"] = []
        for i, p in enumerate(parsed.parts):
            nxt = parsed.parts[i + 1].number if i + 1 < len(parsed.parts) else None
            mine = [n for n in missing if _part_of(parsed, n) == p.number]
            front["parts"].append(
                {"number": p.number, "label": cn_number(p.number), "heading": p.heading or None, "missing_items": mine}
            )
            del nxt
    notes = [
        "来源中的硬换行已接排。",
        "来源中的半角逗号、括号、冒号和分号在中文正文中已统一为全角标点，拉丁字母和数字之间的不变。",
    ]
    notes += [f.note for f in parsed.flags]
    front["editorial_notes"] = notes
    body = []
    for name, lines_ in parsed.sections.items():
        if not lines_:
            continue
        body.append(f"{{#{name}}}")
        for ln in lines_:
            text = _md(full_width(ln.text))
            body.append(("#" * max(2, ln.level) + " " + full_width(ln.text)) if ln.level else text)
            body.append("")
    if not any(parsed.sections.values()):
        body += ["{#preamble}", "（来源在正文之前没有文字。）", ""]
    return "---\n" + _yaml(front) + "---\n" + "\n".join(body).rstrip("\n") + "\n"


def _part_of(parsed: Parsed, item: int) -> int | None:
    """The part a missing item would be in: that of the next item present."""
    later = [u for u in parsed.units if u.kind == "item" and u.number > item]
    return later[0].part if later else (parsed.parts[-1].number if parsed.parts else None)


def provision_file(parsed: Parsed, unit: Unit) -> str:
    front: dict = {
        "number": unit.number,
        "label": addresses.provision_label(unit.kind, unit.number),
    }
    if unit.kind == "item":
        front["part"] = unit.part
        first = unit.paras[0].text if unit.paras else ""
        end = first.find("。")
        front["title"] = first[: end + 1] if 0 <= end < 120 else first[:60]
    elif unit.kind == "part":
        part = next(p for p in parsed.parts if p.number == unit.number)
        front["title"] = part.heading or "（待填写）"
    front["topics"] = []
    front["related"] = []
    notes = [{"paragraph": p, "text": t} if p else {"text": t} for p, t in unit.notes]
    front["notes"] = notes
    out = []
    for para in unit.paras:
        out.append(_md(para.text))
        for point in para.points:
            out.append(f"{point.number}. {_md(point.text)}")
            for sub in point.subs:
                out.append(f"   {sub.number}. {_md(sub.text)}")
        out.append("")
    return "---\n" + _yaml(front) + "---\n" + "\n".join(out).rstrip("\n") + "\n"


def files(parsed: Parsed, source: str, lines: tuple[int, int] | None) -> dict[str, str]:
    width = 3 if any(u.number >= 100 for u in parsed.units) else 2
    out = {"_document.md": document_file(parsed, source, lines)}
    for unit in parsed.units:
        name = f"part-{unit.number}.md" if unit.kind == "part" else f"{unit.number:0{width}d}.md"
        out[name] = provision_file(parsed, unit)
    return out


# --- command line -------------------------------------------------------------------------

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def run(
    source: Path, slug: str, content: Path, force: bool = False, lines: str | None = None, out=None, err=None
) -> int:
    """The import; 0 when it wrote the files, 1 when the source cannot be read as a document, 2 on usage errors."""
    from .errors import shown

    out, err = out or sys.stdout, err or sys.stderr

    if not SLUG.match(slug):
        print(
            f"import: --slug {slug!r} must be ASCII: a-z, 0-9 and '-' (it becomes the document's folder "
            "and its address)",
            file=err,
        )
        return 2
    span = None
    if lines:
        m = re.fullmatch(r"(\d+)-(\d+)", lines)
        if not m or int(m.group(1)) < 1 or int(m.group(1)) > int(m.group(2)):
            print(f"import: --lines {lines!r} must be FIRST-LAST, e.g. 1-107", file=err)
            return 2
        span = (int(m.group(1)), int(m.group(2)))
    folder = content / slug
    if folder.exists() and not force:
        print(f"import: {shown(folder)} already exists; use --force to replace it", file=err)
        return 2
    name = shown(source)
    try:
        text = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source.read_bytes()[: exc.start].count(b"\n") + 1
        print(f"{name}:{line}: not valid UTF-8 (save the text as UTF-8 first)", file=err)
        return 1
    except OSError as exc:
        print(f"{name}:1: cannot read the source: {exc.strerror}", file=err)
        return 1
    total = text.count("\n") + 1
    first, last = span or (1, total)
    try:
        parsed = parse(text, first, min(last, total))
    except ImportError_ as exc:
        print(f"{name}:{exc.line}: {exc}", file=err)
        return 1
    for flag in sorted(parsed.flags, key=lambda f: f.line):
        print(f"{name}:{flag.line}: {flag.message}", file=err)
    try:
        rel = Path(os.path.relpath(source.resolve(), content.resolve())).as_posix()
    except ValueError:  # another drive
        rel = source.resolve().as_posix()
    written = files(parsed, rel, span)
    if folder.exists():
        for old in folder.glob("*.md"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for fname, body in written.items():
        (folder / fname).write_text(body, encoding="utf-8")
    kinds = {"article": "条", "item": "项", "part": "部分"}
    counts = "、".join(
        f"{sum(1 for u in parsed.units if u.kind == k)} {kinds[k]}"
        for k in kinds
        if any(u.kind == k for u in parsed.units)
    )
    print(
        f"imported {parsed.title} ({parsed.structure}: {counts}"
        + (f", {len(parsed.chapters)} 章" if parsed.chapters else "")
        + f") into {shown(folder)}/ with {len(parsed.flags)} place(s) to check; "
        f"list {slug!r} under 'documents:' in site.yaml and run python build.py",
        file=out,
    )
    return 0


__all__ = ["parse", "files", "run", "cn_value", "Parsed"]
