"""Plain text of a law, regulation or policy document → its parts (docs/content-format.md#importing).

`parse` reads the whole text, as an editor copies it from an official page or a gazette:

* lines: zero-width characters and Markdown heading marks are not text; an HTML comment
  (`<!-- TABLE -->`) is markup, left out and recorded; where the source is hard-wrapped
  (a gazette extraction), wrapped lines are joined, and a blank line inside a sentence is
  taken as a page break; where each paragraph is one line (most web copies), nothing is
  joined and no line is ever dropped as a running head;
* the head: the title, the history lines under it (通过, 修正, 施行 …, 题注, 发文字号), read
  into dates and issuer by `history.py`, and the text before the first provision (preamble,
  公告, a 公文's 主送机关 and 通知 text); the source's own 目录, left out with a note;
* the body, by the levels of `levels.py`: 编/分编/章/节/附则 and group headings (一、管辖,
  only where a 条 follows) around 条 (第一条, 第一百三十三条之一; or 一、 in a decision),
  their 款, and 项/目 by their labels as written; or, in a 公文, 部分 一、, 项 （一）, 段 and
  点 1.; 附件/附表 as units of their own, tables kept as tables; a 公文's 落款 and 成文日期.

Every place the import decides something an editor should see is a `Flag`: a line of the
source and a message, and where it repairs or doubts the text, a note for the reader.
Nothing else of the text changes, so `build.py check` can prove the result against the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import history
from .fidelity import full_width
from .levels import AFTER_LEVELS, LEGAL, POLICY, Label, Level, divisions, first_label, level, parse_label

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
HEADING_MARK = re.compile(r"^#{1,6}[ \t]+")
HTML_COMMENT = re.compile(r"^<!--.*-->$")
TABLE_ROW = re.compile(r"^\|.*\|$")
TOC = re.compile(r"^目[\s\u3000]*录$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–\s]*$")
DATE_LINE = re.compile(rf"^{history.DATE.pattern}$")
ENDS = "。！？；：…”’」』）)"  # a line ending in one of these ends a sentence (or a lead-in, or an item)
SENTENCE = "。；：，！？"  # a heading has none of these at its end
# After 第X条 in running text, not at the start of a 条: 第十条规定的, 第十条第二款, 第十条、第十一条.
REFERENCE_AFTER = set("规的第、和或及至中所款项之，。；：")
# A 公文's signature lines: the bodies that issue it.
ORGAN_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()、\s]{2,40}(政府|办公厅|办公室|委员会|总局|管理局|银行|部|署|局|院|厅|会|党委|中心)$"
)
REPEAT = 40  # characters of text repeated from another provision that are worth a note (gazette sources)
# Where `structure` is decided: documents of these types are 公文 (部分 → 项 → 段) unless they number 条.
POLICY_TYPES = ("方案", "意见", "通知", "规划", "计划", "纲要", "措施", "要点")


AFTER_KINDS = tuple(row.key for row in AFTER_LEVELS)  # 附件, 附表 …: units after the text


def after_label(text: str) -> tuple[Label, str] | None:
    """附件1 / 附件一：标题 / 附表 where a line starts, as a heading of its own: (label, title).
    Not 附件三所列全国性法律的决定 (a title that starts with the word) nor 附件：1.… (a list of them)."""
    if len(text) > 60:
        return None
    found = first_label(text, AFTER_LEVELS)
    if found is None:
        return None
    rest = text[len(found.text) :]
    if rest and not found.text.endswith(("：", ":")) and not rest[0].isspace():
        return None
    title = rest.strip()
    if re.match(r"^[0-9０-９一二三四五六七八九十]+[.．、]", title) or title.endswith(tuple(SENTENCE)):
        return None
    return found, title


@dataclass
class Flag:
    """A place an editor must look at: an English message for the terminal, a Chinese note for the site."""

    line: int
    message: str
    note: str  # "" where the reader need not be told (the choice changed nothing of the text)


@dataclass
class Line:
    number: int  # in the source file
    text: str
    blank_before: bool
    last: int = 0  # the last source line joined into it
    level: int = 0  # a Markdown heading's level (# 1, ## 2) where the source marks headings so

    def __post_init__(self) -> None:
        self.last = self.last or self.number


@dataclass
class Point:
    label: Label
    text: str
    line: int
    more: list[str] = field(default_factory=list)
    subs: list[Point] = field(default_factory=list)

    @property
    def shape(self) -> tuple[str, int]:
        return self.label.level.key, self.label.form


@dataclass
class Para:
    line: int
    text: str
    points: list[Point] = field(default_factory=list)
    table: list[str] | None = None  # the rows of a table, as the source writes them


@dataclass
class Unit:
    """A provision being read: a 条, a 公文's 项, a part's own text, an 附件."""

    kind: str  # article | item | part | annex | table
    number: int
    line: int
    ext: int = 0  # 条之N
    label: str = ""  # as the source writes it
    title: str = ""  # an 附件's title; a plan item's lead sentence
    scope: int = 0  # the group (or part) its number restarts in, where numbers restart
    within: str = ""  # the 附件 a 条 stands in, where an annexed regulation has 条 of its own: annex-1
    paras: list[Para] = field(default_factory=list)
    notes: list[tuple[int | None, str]] = field(default_factory=list)  # (paragraph, text)

    @property
    def stem(self) -> str:
        base = f"{self.number}-{self.ext}" if self.ext else str(self.number)
        if self.kind in AFTER_KINDS:
            return f"{self.kind}-{self.number}" if self.number else self.kind
        if self.kind == "part":
            return f"part-{self.number}"
        if self.within:
            return f"{self.within}-{base}"
        if self.scope:
            return f"{'group' if self.kind == 'article' else 'part'}-{self.scope}-{base}"
        return base


@dataclass
class Heading:
    """A division: its level, number, label and title as written, and the unit it starts at."""

    row: Level
    number: int
    label: str
    title: str
    line: int
    at: int = 0  # how many units came before it: it starts at the next one
    first: str | None = None  # that unit's file stem, once every number is known


@dataclass
class Parsed:
    title: str = ""
    title_line: int = 0
    doc_type: str = ""
    family: str = LEGAL
    numbering: str = "第一条"
    history_lines: list[Line] = field(default_factory=list)
    facts: history.Facts = field(default_factory=history.Facts)
    sections: dict[str, list[Line | Para]] = field(default_factory=dict)
    closing: list[Line] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)
    omitted: list[tuple[int, int]] = field(default_factory=list)
    wrapped: bool = False  # the source is hard-wrapped: lines were joined
    joined: int = 0  # hard wraps and page breaks joined
    widened: int = 0  # ASCII punctuation made full width (§4)

    def flag(self, line: int, message: str, note: str = "", unit: Unit | None = None) -> None:
        self.flags.append(Flag(line, message, note))
        if unit is not None and note:
            unit.notes.append((len(unit.paras) or None, note))

    def text(self, raw: str) -> str:
        """A line of text as published: §4's full-width punctuation, counted."""
        made = full_width(raw)
        if made != raw:
            self.widened += sum(1 for a, b in zip(raw, made, strict=True) if a != b)
        return made


class ImportError_(Exception):
    """The source cannot be read as a document: (line, message)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


# --- lines ----------------------------------------------------------------------------


def read_lines(text: str, first: int, last: int, parsed: Parsed) -> list[Line]:
    """Source lines → logical lines: markup out, and, in a hard-wrapped source, wraps joined."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[first - 1 : last]
    physical: list[Line] = []
    blank = False
    for offset, raw_line in enumerate(raw):
        n = first + offset
        s = raw_line.translate(ZERO_WIDTH).strip()
        if not s:
            blank = True
            continue
        if HTML_COMMENT.match(s):
            parsed.omitted.append((n, n))
            parsed.flag(
                n,
                f"{s[:30]!r} is markup of the page the text was copied from: left out",
                f"来源中的排版标记“{s[:30]}”不是正文，未收入。",
            )
            continue
        m = HEADING_MARK.match(s)
        physical.append(Line(n, s[m.end() :].strip() if m else s, blank, level=len(m.group().strip()) if m else 0))
        blank = False
    together = sum(1 for ln in physical[1:] if not ln.blank_before and not TABLE_ROW.match(ln.text))
    parsed.wrapped = together >= 3 and together > 0.2 * len(physical)
    if not parsed.wrapped:
        return physical
    return _join_wraps(_drop_running_heads(physical, parsed), parsed)


def _drop_running_heads(lines: list[Line], parsed: Parsed) -> list[Line]:
    """In a gazette extraction, page numbers and a short line repeated on every page are not text."""
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln.text] = counts.get(ln.text, 0) + 1
    out = []
    for ln in lines:
        s = ln.text
        if PAGE_NUMBER.match(s):
            parsed.omitted.append((ln.number, ln.number))
            parsed.flag(
                ln.number,
                f"line {s!r} looks like a page number: left out",
                f"来源第{ln.number}行“{s}”疑为页码，未收入正文。",
            )
            continue
        if counts[s] >= 3 and len(s) <= 30 and not s.endswith(tuple(ENDS)) and not _starts_unit(s):
            parsed.omitted.append((ln.number, ln.number))
            parsed.flag(
                ln.number,
                f"line {s!r} occurs {counts[s]} times, probably a running head: left out",
                f"来源第{ln.number}行“{s}”重复出现，疑为页眉，未收入正文。",
            )
            continue
        out.append(ln)
    return out


def _join_wraps(lines: list[Line], parsed: Parsed) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and not line.blank_before and _continues(prev, line):
            prev.text += line.text
            prev.last = line.number
            parsed.joined += 1
            continue
        out.append(line)
    return out


_ANY_LABEL = tuple(r for r in (*divisions(LEGAL), *divisions(POLICY)) if r.key != "supplementary")


def _starts_unit(s: str) -> bool:
    """A line that starts with a label: a heading, a 条, a 项, a 目 — never the rest of a wrapped sentence."""
    if TOC.match(s) or after_label(s) or TABLE_ROW.match(s):
        return True
    for row in (*_ANY_LABEL, level(LEGAL, "article"), level(LEGAL, "point"), level(LEGAL, "subpoint")):
        if parse_label(s, row) is not None:
            return True
    return False


def _continues(prev: Line, line: Line) -> bool:
    """Does `line` continue `prev` (a hard wrap), rather than start something new?"""
    if (
        _starts_unit(line.text)
        or DATE_LINE.match(line.text)
        or DATE_LINE.match(prev.text)
        or TABLE_ROW.match(prev.text)
    ):
        return False
    return not prev.text.endswith(tuple(ENDS))


def _open(text: str) -> bool:
    return bool(text) and not text.endswith(tuple(ENDS))


# --- the head ---------------------------------------------------------------------------


def _head(lines: list[Line], parsed: Parsed) -> list[Line]:
    """Title, history lines, and what follows them; returns the rest. The title is the first line,
    or, where the source marks headings (#), its first level-1 heading: text before it is kept as a
    front section (a 公告 printed above the title)."""
    if not lines:
        raise ImportError_(1, "the source has no text")
    at = next((i for i, ln in enumerate(lines) if ln.level == 1), 0)
    if at:
        name = "announcement" if any("公告" in ln.text for ln in lines[:at]) else "front"
        parsed.sections[name] = list(lines[:at])
        parsed.flag(lines[0].number, f"text before the title: kept as the section {{#{name}}}")
    lines = lines[at:]
    first = lines[0]
    if _starts_unit(first.text) or len(first.text) > 100 or first.text.endswith(("。", "；", "，")):
        raise ImportError_(first.number, "no title found: the source should start with the document's title")
    parsed.title, parsed.title_line = parsed.text(first.text), first.number
    parsed.doc_type = history.doc_type(parsed.title)
    if not parsed.doc_type:
        parsed.flag(first.number, "the title does not end in a known document type: doc_type left for you")
    i = 1
    bare = _bare(parsed.title)
    while i < len(lines):
        text = lines[i].text
        if history.is_history(text) or (len(_bare(text)) >= 2 and _bare(text) in bare and not _starts_unit(text)):
            parsed.history_lines.append(lines[i])  # a history line, a 发文字号, the title printed again
        elif parsed.history_lines and _continues_history(parsed.history_lines[-1].text, text):
            parsed.history_lines[-1] = Line(
                parsed.history_lines[-1].number, parsed.history_lines[-1].text + text, False, lines[i].last
            )
        else:
            break
        i += 1
    parsed.facts = history.read([(ln.number, ln.text) for ln in parsed.history_lines])
    return lines[i:]


def _bare(text: str) -> str:
    """A title without its spaces and 、, to find it printed again (最高人民法院 最高人民检察院 | 关于…)."""
    return "".join(text.split()).replace("、", "")


def _continues_history(prev: str, text: str) -> bool:
    """The rest of a history line broken in two: 第十三届全国人民代表大会第二次 | 会议通过）."""
    return (
        len(text) < 60
        and not text.endswith(("。", "；", "：", "，"))
        and not _starts_unit(text)
        and (
            prev.count("（") > prev.count("）")
            or not re.search(r"(通过|修正|修订|公布|发布|施行|批准|印发|生效)[）)]?$", prev)
        )
        and bool(re.search(r"(通过|修正|修订|公布|发布|施行|批准|印发|生效|决定》)[）)]?$", text))
    )


def _drop_toc(body: list[Line], parsed: Parsed) -> list[Line]:
    """The source's own 目录 and its entries, left out with a note."""
    start = next((i for i, ln in enumerate(body) if TOC.match(ln.text)), None)
    if start is None:
        return body
    entries: list[str] = []
    end = start + 1
    heading_rows = divisions(LEGAL)
    while end < len(body):
        t = "".join(body[end].text.split())
        if entries and t == entries[0]:
            break
        if not (first_label(body[end].text, heading_rows) or len(t) <= 12):
            break
        entries.append(t)
        end += 1
    a, b = body[start].number, body[end - 1].last
    parsed.omitted.append((a, b))
    parsed.flag(
        a,
        f"the source's 目录 (lines {a}-{b}): left out, the site makes its own table of contents",
        "来源中的目录未收入正文，网站自动生成目录。",
    )
    return body[:start] + body[end:]


# --- the body ---------------------------------------------------------------------------


def parse(text: str, first: int = 1, last: int | None = None) -> Parsed:
    parsed = Parsed()
    lines = read_lines(text, first, last or len(text.split("\n")), parsed)
    body = _drop_toc(_head(lines, parsed), parsed)
    article = level(LEGAL, "article")
    numbered = any(
        _article_label(ln.text, article, None) is not None or _article_label(ln.text, article, (0, 0)) is not None
        for ln in body
    )
    if numbered:
        parsed.family, parsed.numbering = LEGAL, "第一条"
    elif parsed.doc_type.endswith(POLICY_TYPES):
        parsed.family = POLICY
    else:
        parsed.family, parsed.numbering = LEGAL, "一、"
    _Body(parsed, body).walk()
    _closing(parsed)
    if not parsed.units and not any(parsed.sections.values()):
        raise ImportError_(parsed.title_line, "no text after the title: is this one document's text?")
    if not parsed.units and not parsed.doc_type:
        raise ImportError_(
            parsed.title_line,
            "no provisions found (no 第一条, no 一、) and the title names no type of document (条例, 决定, 批复 …): "
            "is this a law, a regulation or a policy document?",
        )
    if not parsed.units:
        parsed.flag(
            parsed.title_line, "no provisions found (no 第一条, no 一、): the whole text is kept as the document's text"
        )
    if parsed.wrapped or parsed.joined:  # a printed page's extraction: a block may repeat across a break
        _repeats(parsed)
    _facts(parsed)
    return parsed


def _article_label(text: str, row: Level, expected: tuple[int, int] | None) -> Label | None:
    """A 条's label where a line starts, or None where 第X条 is a reference in running text
    (第十条规定的…): a 条 starts where a space or the end follows its label, or where it is
    the number the text expects next."""
    found = parse_label(text, row)
    if found is None:
        return None
    rest = text[len(found.text) :]
    if not rest or rest[0] in " \t\u3000\u2002【〔[":
        return found
    if expected is not None and (found.number, found.ext) in _next(expected) and rest[0] not in REFERENCE_AFTER:
        return found
    return None


def _next(current: tuple[int, int]) -> set[tuple[int, int]]:
    """What may follow 第N条 (之M): 第N+1条, 第N条之M+1."""
    n, x = current
    return {(n + 1, 0), (n, x + 1)}


class _Body:
    """One pass over the body's lines, building headings and units."""

    def __init__(self, parsed: Parsed, lines: list[Line]):
        self.parsed, self.lines = parsed, lines
        self.family = parsed.family
        self.unit: Unit | None = None
        self.annex = False  # inside an 附件: everything is its text, or its own 条
        self.annex_holder: Unit | None = None  # the 附件 whose 条 these are
        self.front: list[Line | Para] = []
        self.expected: tuple[int, int] = (0, 0)  # the last 条 (or 项) number seen
        self.group = 0  # the current group heading's (or part's) number
        self.restart = False  # numbers restart in each group (part)
        self.pending: Heading | None = None  # headings waiting for the unit they start at
        self.headings_open: list[Heading] = []
        self.heading_rows = tuple(r for r in divisions(self.family) if r.key not in ("group", "part"))
        self.article = level(LEGAL, "article")
        self.numbered_unit = "article" if self.family == LEGAL else "item"

    # -- what a line is -------------------------------------------------------------

    def heading(self, i: int) -> tuple[Level, Label, str, int] | None:
        """A division heading at line i: (row, label, title, lines used)."""
        text = self.lines[i].text
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        after = self.lines[i + 2].text if i + 2 < len(self.lines) else ""
        group = level(self.family, "group" if self.family == LEGAL else "part")
        if self.family == POLICY:  # 一、: a part, wherever its number comes next (its heading may be long)
            found = parse_label(text, group)
            if found is not None and found.number and (found.number == self.group + 1 or _heading_like(text)):
                return group, found, text[found.end :], 1
            return None
        if len(text) > 60 or text.endswith(tuple(SENTENCE)):
            return None
        found = first_label(text, self.heading_rows)
        if found is not None:
            rest = text[len(found.text) :]
            if rest and rest[0] not in " \t\u3000\u2002" and found.level.key != "supplementary":
                return None
            title = text[found.end :].strip()
            # a title the source wraps onto the next line: 第八章 特别程序中…的没收程序 | 和视听资料 …
            wraps = nxt and not _starts_unit(nxt) and (not after or self.unit_starts(after))
            if wraps and (
                _heading_like(nxt, 30) or title and title[-1] not in ENDS and len(nxt) <= 40 and "。" not in nxt
            ):
                return found.level, found, (title + " " + nxt).strip() if title else nxt, 2
            return found.level, found, title, 1
        found = parse_label(text, group)
        if found is None or found.number == 0:
            return None
        title = text[found.end :]
        # 一、管辖: a group heading only where a 条 (or another heading) follows it
        if len(title) > 30 or not title or re.search("[。；，：]", title):
            return None
        if not self.unit_starts(nxt):
            return None
        return group, found, title, 1

    def signature_follows(self, i: int) -> bool:
        """A 公文's 落款 (its issuers, then its date) starts at line i: the 附件： line before it
        names the attachments, and is text of the body, not an 附件 itself."""
        organs = 0
        while i < len(self.lines) and organs <= 3:
            text = self.lines[i].text
            if DATE_LINE.match(text):
                return organs > 0
            if not ORGAN_LINE.match(text):
                return False
            organs += 1
            i += 1
        return False

    def unit_starts(self, text: str) -> bool:
        """A 条 or a division heading starts this line."""
        return _article_label(text, self.article, None) is not None or first_label(text, self.heading_rows) is not None

    # -- the walk -------------------------------------------------------------------

    def walk(self) -> None:
        i = 0
        lines, parsed = self.lines, self.parsed
        while i < len(lines):
            line = lines[i]
            t = line.text
            if TABLE_ROW.match(t):
                end = i
                while end < len(lines) and TABLE_ROW.match(lines[end].text):
                    end += 1
                self.table(lines[i:end])
                i = end
                continue
            after = after_label(t)
            if after is not None and not self.signature_follows(i + 1):
                i += self.start_annex(i, *after)
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if self.annex:
                if not self.annex_article(line):
                    self.add_text(line, nxt)
                i += 1
                continue
            if line.level and self.unit is not None and self.unit.paras and _open(self.unit.paras[-1].text):
                j = _interleaved(lines, i, self.unit, parsed)
                if j != i:
                    i = j
                    continue
            found = self.heading(i)
            if found is not None:
                row, label, title, used = found
                self.open_heading(row, label, title, line, lines[i + used - 1].last if used > 1 else line.number)
                i += used
                continue
            if self.start_unit(line):
                i += 1
                continue
            self.add_text(line, nxt)
            i += 1
        self.finish()

    def open_heading(self, row: Level, label: Label, title: str, line: Line, last: int) -> None:
        parsed = self.parsed
        if row.key in ("group", "part"):
            self.group = label.number
            if self.family == POLICY:
                self.unit = None
                # 一、加强组织领导。各地区要…: the heading is the first sentence; the rest is the part's text
                stop = title.find("。")
                rest = ""
                if 0 <= stop < len(title) - 1:
                    title, rest = title[: stop + 1], title[stop + 1 :]
                heading = Heading(
                    row, label.number, parsed.text(label.text), parsed.text(title), line.number, len(parsed.units)
                )
                parsed.headings.append(heading)
                if rest:
                    self.part_text(label.number, line, rest)
                return
        parsed.headings.append(
            Heading(row, label.number, parsed.text(label.text), parsed.text(title), line.number, len(parsed.units))
        )
        self.unit = None

    def start_annex(self, i: int, found: Label, title: str) -> int:
        """An 附件 (附表 …) and its title: everything up to the next one is its text."""
        parsed, line = self.parsed, self.lines[i]
        kind = found.level.key
        taken = {u.number for u in parsed.units if u.kind == kind}
        number = found.number
        if not number or number in taken:  # 附件 / 附件 again: numbered by its place
            number = max(taken, default=0) + 1
        used = 1
        if not title and i + 1 < len(self.lines):
            nxt = self.lines[i + 1].text
            if (
                len(nxt) <= 40
                and not nxt.endswith(tuple(SENTENCE))
                and not TABLE_ROW.match(nxt)
                and not after_label(nxt)
            ):
                title, used = nxt, 2
        self.unit = Unit(kind, number, line.number, label=parsed.text(found.text), title=parsed.text(title))
        parsed.units.append(self.unit)
        self.annex, self.annex_holder = True, None
        return used

    def annex_article(self, line: Line) -> bool:
        """A 条 of a regulation annexed in full (附件 … 第一条 …): the 附件 becomes a division around
        its 条, numbered within it (annex-1-1); what stands before its 第一条 is the 附件's own text."""
        parsed, holder = self.parsed, self.annex_holder
        if self.family != LEGAL or parsed.numbering != "第一条":
            return False
        if holder is None:
            found = _article_label(line.text, self.article, None)
            if found is None or (found.number, found.ext) != (1, 0) or self.unit is None:
                return False
            annex = self.unit
            at = parsed.units.index(annex)
            row = next(r for r in AFTER_LEVELS if r.key == annex.kind)
            parsed.headings.append(Heading(row, annex.number, annex.label, annex.title, annex.line, at))
            if not annex.paras:  # nothing before its 第一条: the division starts at it
                parsed.units.remove(annex)
            self.annex_holder = holder = annex
            self.expected = (0, 0)
        found = _article_label(line.text, self.article, self.expected)
        if found is None:
            return False
        self.expected = (found.number, found.ext)
        self.unit = Unit(
            "article", found.number, line.number, ext=found.ext, label=parsed.text(found.text), within=holder.stem
        )
        parsed.units.append(self.unit)
        rest = line.text[found.end :].strip()
        if rest:
            self.unit.paras.append(Para(line.number, parsed.text(rest)))
        return True

    def start_unit(self, line: Line) -> bool:
        """A line that starts a 条 (or a 公文's 项); the text after its label is its first 款."""
        parsed, t = self.parsed, line.text
        if self.family == LEGAL and parsed.numbering == "第一条":
            found = _article_label(t, self.article, self.expected)
            if found is None:
                return False
        elif self.family == LEGAL:  # a decision numbered 一、: a 条 where its number comes next
            found = parse_label(t, level(LEGAL, "group"))
            if (
                found is None
                or found.number != self.expected[0] + 1
                or (self.unit is not None and _open_lead(self.unit))
            ):
                return False
        else:
            found = parse_label(t, level(POLICY, "item"))
            if found is None:
                return False
        number, ext = found.number, found.ext
        if (number, ext) not in _next(self.expected) and self.expected != (0, 0):
            restart = (
                number == 1
                and not ext
                and self.group
                and self.numbered_unit == "article"
                or (self.family == POLICY and number == 1 and self.group)
            )
            if restart:
                self.restart = True
            else:
                parsed.flag(
                    line.number,
                    f"number out of sequence: {found.text} after "
                    f"{self.article.cite_of(*self.expected) if self.family == LEGAL else self.expected[0]}",
                    f"来源第{line.number}行的序号不连续，依来源保留。",
                )
        kind = self.numbered_unit
        if any(
            u.kind == kind and (u.number, u.ext, u.scope) == (number, ext, self.group) for u in parsed.units
        ) and not (
            self.restart or number == 1 and self.group
        ):  # the same number again, with no division to restart in: text of the unit before, not a unit
            parsed.flag(line.number, f"{found.text} repeats a number already used: kept as text of the unit before it")
            return False
        self.expected = (number, ext)
        self.unit = Unit(kind, number, line.number, ext=ext, label=parsed.text(found.text), scope=self.group)
        parsed.units.append(self.unit)
        rest = t[found.end :].strip() if self.family == LEGAL else t[found.end :]
        if self.family == POLICY:
            stop = rest.find("。")
            self.unit.title = rest[: stop + 1] if 0 <= stop < 120 else rest[:60]
        if rest:
            self.unit.paras.append(Para(line.number, parsed.text(rest)))
        # 飞行基本规则 writes several 条 on one line: 第六十四条 … 第六十五条 …
        if self.family == LEGAL and parsed.numbering == "第一条" and self.unit.paras:
            self.split_merged(line)
        return True

    def split_merged(self, line: Line) -> None:
        """Further 条 inside the same line, each after a space, each the next number: split there."""
        para = self.unit.paras[-1] if self.unit and self.unit.paras else None
        if para is None:
            return
        for m in re.finditer(r"[ \u3000]+(?=第)", para.text):
            found = parse_label(para.text[m.end() :], self.article)
            if found is None or (found.number, found.ext) not in _next(self.expected):
                continue
            head, tail = para.text[: m.start()], para.text[m.end() :]
            para.text = head
            self.parsed.flag(
                line.number,
                f"{found.text} starts inside the line of the 条 before it: taken as a 条 of its own",
                f"来源第{line.number}行中“{found.text}”与前一条排在同一行，已分开。",
            )
            self.start_unit(Line(line.number, tail, False, line.last))
            return

    def part_text(self, number: int, line: Line, text: str) -> None:
        unit = next((u for u in self.parsed.units if u.kind == "part" and u.number == number), None)
        if unit is None:
            unit = Unit("part", number, line.number)
            self.parsed.units.append(unit)
        unit.paras.append(Para(line.number, self.parsed.text(text)))
        self.unit = unit

    def add_text(self, line: Line, nxt: Line | None = None) -> None:
        """A line of text: the rest of a sentence a page break cut, a point (项, 目), a further
        paragraph of a point, or a new 款; before the first unit, front text."""
        parsed, t = self.parsed, line.text
        unit = self.unit
        if unit is None:
            if self.family == POLICY and parsed.headings and parsed.headings[-1].row.key == "part" and not self.annex:
                self.part_text(parsed.headings[-1].number, line, t)
                return
            prev = self.front[-1] if self.front else None
            if isinstance(prev, Line) and not prev.level and _breaks_sentence(prev.text, line, parsed.wrapped):
                _join_across(prev.text, line, parsed, None)
                self.front[-1] = Line(prev.number, prev.text + t, False, line.last)
                return
            self.front.append(line)
            return
        text = parsed.text(t)
        # A point: 项 （一）/一、 or 目 1. inside a 款 (not at the start of a 条, not in an 附件)
        found = self.point_label(unit, text)
        if found is not None:
            self.add_point(unit, found, text, line)
            return
        last = unit.paras[-1] if unit.paras else None
        point = _last_point(last) if last is not None else None
        if point is not None:
            end = point.more[-1] if point.more else point.text
            if _breaks_sentence(end, line, parsed.wrapped):
                _join_across(end, line, parsed, unit)
                if point.more:
                    point.more[-1] += text
                else:
                    point.text += text
                return
            # the list goes on after this line (its next label follows), or the point does not end
            # its list (…；): a further paragraph of the point
            following = self.point_label(unit, parsed.text(nxt.text)) if nxt is not None else None
            if end.endswith(("；", "：", "，", ";", ":")) or (
                following is not None and following.number > point.label.number
            ):
                point.more.append(text)
                return
        elif last is not None and last.table is None and _breaks_sentence(last.text, line, parsed.wrapped):
            _join_across(last.text, line, parsed, unit)
            last.text += text
            return
        unit.paras.append(Para(line.number, text))

    def point_label(self, unit: Unit, text: str) -> Label | None:
        """The label of a 项 or 目 that `text` starts with, where one can stand: after a 款's first line."""
        if not unit.paras or self.annex:
            return None
        rows = (level(self.family, "point"), *((level(LEGAL, "subpoint"),) if self.family == LEGAL else ()))
        found = next((f for row in rows for f in [parse_label(text, row)] if f is not None), None)
        if (
            found is not None
            and found.level.key == "point"
            and found.form == 1
            and unit.kind == "article"
            and self.parsed.numbering == "一、"
        ):
            return None  # in a decision numbered 一、, 一、 is a 条, not a 项
        return found

    def add_point(self, unit: Unit, found: Label, text: str, line: Line) -> None:
        para = unit.paras[-1]
        if para.table is not None:
            unit.paras.append(Para(line.number, text))
            return
        point = Point(found, text[found.end :], line.number)
        point_label = text[: found.end].rstrip()
        point.label = Label(found.level, found.number, found.ext, point_label, found.end, found.form)
        shapes: list[tuple[str, int]] = []
        chain: list[Point] = []
        node_list = para.points
        while node_list:
            last = node_list[-1]
            shapes.append(last.shape)
            chain.append(last)
            node_list = last.subs
        depth = shapes.index(point.shape) if point.shape in shapes else len(shapes)
        limit = 2 if self.family == LEGAL else 1
        if depth >= limit:  # deeper than 目: a paragraph of the point before, its label kept in the text
            chain[-1].more.append(text)
            return
        if depth == 0:
            if not para.points and not para.text.endswith(("：", ":")):
                self.parsed.flag(
                    line.number, f"{point_label} follows a 款 that does not end with '：': taken as its 项"
                )
            para.points.append(point)
        else:
            chain[depth - 1].subs.append(point)

    def table(self, rows: list[Line]) -> None:
        """A table of the source, kept as a table: a 款 of the unit it stands in (or of the front text)."""
        para = Para(rows[0].number, "", table=[r.text for r in rows])
        if self.unit is None:
            self.front.append(para)
        else:
            self.unit.paras.append(para)

    def finish(self) -> None:
        parsed = self.parsed
        front = self.front
        if parsed.headings and not any(u.kind not in AFTER_KINDS for u in parsed.units):
            # headings with no 条 under them (a technical standard's 总则, 附则): text in its place
            for h in parsed.headings:
                sep = "" if h.label.endswith(("、", "：", ":")) or not h.title else " "
                front.append(Line(h.line, h.label + sep + h.title, True))
            front.sort(key=lambda item: item.number if isinstance(item, Line) else item.line)
            parsed.headings = []
        name = "preamble"
        if self.family == POLICY and front and isinstance(front[0], Line) and front[0].text.endswith(("：", ":")):
            parsed.sections["addressee"] = [front[0]]
            front = front[1:]
        parsed.sections[name] = front
        for kind in AFTER_KINDS:  # a sole 附件 without a number is "the 附件": annex.html, #annex
            mine = [u for u in parsed.units if u.kind == kind and not u.within]
            holds = any(u.within == f"{kind}-{m.number}" for m in mine for u in parsed.units)
            if len(mine) == 1 and not holds and not re.search(r"[0-9０-９一二三四五六七八九十]", mine[0].label):
                mine[0].number = 0  # (one that holds 条 keeps its number: annex-1-1 is its 第一条)
        if not self.restart:  # numbers run through the document: no group in their addresses
            for unit in parsed.units:
                unit.scope = 0
        for heading in parsed.headings:
            heading.first = parsed.units[heading.at].stem if heading.at < len(parsed.units) else None
        for unit in parsed.units:
            if not unit.paras and unit.kind not in AFTER_KINDS:
                parsed.flag(unit.line, f"{unit.label} has no text", f"{unit.label}在来源中没有正文。", unit)


_FULL = str.maketrans("０１２３４５６７８９", "0123456789")


def _heading_like(text: str, most: int = 30) -> bool:
    """Short, with no sentence punctuation: a heading or a title, not a sentence."""
    return len(text) <= most and not any(c in text for c in SENTENCE)


def _breaks_sentence(prev: str, line: Line, wrapped: bool) -> bool:
    """Does a blank line fall inside a sentence, so that `line` is the rest of `prev` (a page or
    column break: 工作部 | 署，有序推进)? Where the source is hard-wrapped, wherever `prev` stops
    mid-sentence; where each paragraph is one line, a paragraph may also end without punctuation
    (a name in a list, a heading), so only a long line that stops mid-sentence, or at a comma,
    before a line that does not read as a short heading of its own."""
    if not prev or prev.endswith(tuple(ENDS)) or line.level or _starts_unit(line.text):
        return False
    if wrapped:
        return True
    text = line.text
    heading_like = len(text) <= 12 and not any(c in text for c in SENTENCE)
    clause = len(prev) >= 20 or any(c in prev for c in "，、,")  # a sentence under way, not a name
    return clause and not heading_like


def _interleaved(lines: list[Line], i: int, unit: Unit, parsed: Parsed) -> int:
    """A heading inside an unfinished sentence of a provision: a block from elsewhere (an
    interleaved 公告) up to its date line. Moved to the front text; returns the next index."""
    end = i
    while end < len(lines) and (
        end == i or not DATE_LINE.match(lines[end].text) and not _starts_unit(lines[end].text[:6])
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
        f"lines {a}-{b} ({block[0].text[:20]}…) interrupt {unit.label} mid-sentence: "
        f"moved to the front text as {{#{name}}}",
        f"来源第{a}—{b}行（{block[0].text[:20]}……）插在{unit.label}的句子中间，本版已移至文首，原句接排。",
        unit,
    )
    return end + 1


def _open_lead(unit: Unit) -> bool:
    """The last 款 of a unit ends with ：, so what follows is its 项."""
    return bool(unit.paras) and unit.paras[-1].text.endswith(("：", ":")) and not unit.paras[-1].points


def _last_point(para: Para) -> Point | None:
    if not para.points:
        return None
    point = para.points[-1]
    while point.subs:
        point = point.subs[-1]
    return point


def _join_across(prev_text: str, line: Line, parsed: Parsed, unit: Unit | None) -> None:
    """A blank line inside a sentence of a hard-wrapped source: a page or column break, joined and flagged."""
    left, right = full_width(prev_text[-4:]), full_width(line.text[:4])
    parsed.joined += 1
    parsed.flag(
        line.number,
        f"blank line inside a sentence ({left}|{right}): taken as a page or column break and joined; "
        "check that no text is missing",
        f"来源第{line.number}行之前的空行出现在句中（“{left}|{right}”），判断为分页或分栏，已接排。",
        unit,
    )
    if prev_text and line.text and prev_text[-1] == line.text[0] and not prev_text[-1].isascii():
        ch = line.text[0]
        parsed.flag(
            line.number,
            f"the character {ch!r} is doubled across the break ({ch}|{ch}): kept; if the page break doubled it, "
            "delete one and record it under source.dropped",
            f"来源第{line.number}行“{ch}”字在分页处重复（“{ch}|{ch}”），暂予保留，请核对。",
            unit,
        )


def _closing(parsed: Parsed) -> None:
    """A 公文's 落款 and 成文日期: the organ lines and the date at the end of its text (before its annexes)."""
    body = [u for u in parsed.units if u.kind not in AFTER_KINDS]
    holder: list = body[-1].paras if body else parsed.sections.get("preamble", [])
    taken: list[Line] = []
    while holder:
        last = holder[-1]
        if isinstance(last, Para):
            if last.points or last.table is not None:
                break
            candidate = Line(last.line, last.text, False)
        else:
            candidate = last
        if (
            DATE_LINE.match(candidate.text)
            and not taken
            or (taken and ORGAN_LINE.match(candidate.text) and len(taken) < 4)
        ):
            taken.insert(0, candidate)
            holder.pop()
            continue
        break
    if not taken or not DATE_LINE.match(taken[-1].text):
        for line in taken:  # not a signature: put the lines back
            holder.append(Para(line.number, line.text) if body else line)
        return
    parsed.closing = taken
    m = history.DATE.search(taken[-1].text)
    date = history.iso(m) if m else None
    if date:
        parsed.facts.dates.setdefault("date_issued" if parsed.family == POLICY else "date_promulgated", date)
        parsed.facts.read.append((taken[-1].number, f"date {date} from the 成文日期"))
    organs = [ln.text for ln in taken[:-1]]
    if organs and not parsed.facts.issuer:
        parsed.facts.issuer = organs
        parsed.facts.read.append((taken[0].number, f"issuer {'、'.join(organs)} from the 落款"))


def _facts(parsed: Parsed) -> None:
    facts = parsed.facts
    if not facts.issuer:
        facts.issuer = history.issuers_in_title(parsed.title)
        if facts.issuer:
            facts.read.append((parsed.title_line, f"issuer {'、'.join(facts.issuer)} from the title"))
    for line, what in facts.read:
        parsed.flag(line, f"read {what}")
    if not facts.dates:
        parsed.flag(parsed.title_line, "no date in the source: the document's dates stay empty")
    if not facts.issuer:
        parsed.flag(parsed.title_line, "no issuer in the source: issuer stays empty")


def _repeats(parsed: Parsed) -> None:
    """Text of REPEAT characters or more that stands in two provisions of a gazette extraction:
    a suspected error of the source (a block repeated across a page break)."""
    seen: dict[str, Unit] = {}
    for unit in parsed.units:
        text = "".join(p.text + "".join(x.text for x in p.points) for p in unit.paras)
        hit, at = None, 0
        for k in range(0, max(0, len(text) - REPEAT + 1)):
            other = seen.get(text[k : k + REPEAT])
            if other is not None and other is not unit:
                hit, at = other, k
                break
        if hit is not None:
            parsed.flag(
                unit.line,
                f"{unit.label} repeats text of {hit.label} ({text[at : at + 12]}…): kept; "
                "a suspected error of the source",
                f"{unit.label}有一段文字与{hit.label}重复（“{text[at : at + 12]}……”），疑为来源错误，依来源保留。",
                unit,
            )
        for k in range(0, max(0, len(text) - REPEAT + 1)):
            seen.setdefault(text[k : k + REPEAT], unit)


__all__ = [
    "parse",
    "Parsed",
    "Unit",
    "Heading",
    "Para",
    "Point",
    "Line",
    "Flag",
    "ImportError_",
    "AFTER_KINDS",
    "after_label",
]
