"""The levels of a Chinese legal or policy text, as data (docs/architecture.md#levels).

One row per level: what the text calls it (条), how its label is written (第七条, （三）,
1．) and recognised, how it is cited (第七条, 第（三）项) and the word of its anchor
(art-7, -p2, -i3). Both families of structure are here: 法规型 (laws, regulations,
decisions, judicial interpretations: 编 → 分编 → 章 → 节 → 条 → 款 → 项 → 目, with 附则,
group headings 一、 and annexes) and 公文型 (方案, 意见, 通知: 部分 → 项 → 段 → 点).
Adding a level is a row here; the loader, the importer and `addresses` read the table.

`addresses` derives every address and citation from these rows and a unit's locator;
`parse_label` recognises a label where a line of text starts, for the importer and the
loader alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .numerals import cn_number

LEGAL = "法规型"  # 编 → 分编 → 章 → 节 → 条 → 款 → 项 → 目
POLICY = "公文型"  # 部分 → 项 → 段 → 点
FAMILIES = (LEGAL, POLICY)

CN = "零〇一二三四五六七八九十百千万两"  # the characters of a Chinese numeral
_CN = f"[{CN}]+"
_ARABIC = "[0-9０-９]+"
_ARTICLE_WORD = "[第笫]"  # 笫: a typo some sources have for 第 (笫五十四条)
# After a heading's label: a space (ASCII or full-width), or nothing before its title.
_GAP = r"[ \t\u3000\u2002]*"


@dataclass(frozen=True, eq=False)
class Level:
    """One level of a legal or policy text: a row of TABLE, one object each (compared, hashed and
    copied as itself, so a locator's hash does not walk every field of its levels)."""

    key: str  # article: the level's name in code, in JSON downloads and in file names
    family: str  # LEGAL, POLICY, or "" for both
    name: str  # 条: what the text calls one
    anchor: str  # art-{n}: its part of an anchor ({n} its number; {x} the N of 条之N)
    cite: str  # 第{cn}条: how a citation names it ({cn} the number in Chinese)
    label: str  # 第{cn}条: how the text writes its label, where an editor did not write it
    forms: tuple[str, ...] = ()  # regular expressions of the label at the start of a line
    single: str = ""  # the anchor and citation of the one unnumbered unit: 附则 → supplementary
    single_cite: str = ""
    stem: str = ""  # its part of its page's file name: chapter-{n}; "" where it has none
    page: bool = False  # a division with a page of its own (编, 章, 附则)
    rank: int = 0  # divisions: 1 the outermost; a heading of a lower or equal rank closes it
    scope: str = ""  # the division it is always numbered within: 节 in its 章, 分编 in its 编
    restarts_in: str = ""  # the division its numbers may restart in: 章 in 编, 条 in a group
    cited_in: str = ""  # the division a long citation names before it: a plan's 部分 before its 项
    ext_anchor: str = ""  # 条之N: -{x}, 之{cx}
    ext_cite: str = ""
    heading: bool = False  # written as a heading line (编, 章, 一、管辖), not in front of text
    after: bool = False  # stands after the text, a unit of its own: 附件, 附表

    def __copy__(self) -> Level:
        return self

    def __deepcopy__(self, memo: dict) -> Level:
        return self

    def __reduce__(self) -> tuple:
        return level, (self.family, self.key)

    def anchor_of(self, number: int, ext: int = 0) -> str:
        if not number and self.single:
            return self.single
        return self.anchor.format(n=number) + (self.ext_anchor.format(x=ext) if ext else "")

    def stem_of(self, number: int, ext: int = 0) -> str:
        if not number and self.single:
            return self.single
        return self.stem.format(n=number) + (self.ext_anchor.format(x=ext) if ext else "")

    def cite_of(self, number: int, ext: int = 0) -> str:
        """第七条 / 第一百三十三条之一 / 第（三）项 / 第1目 / 附则."""
        if not number and self.single:
            return self.single_cite
        return self.cite.format(cn=cn_number(number), n=number) + (
            self.ext_cite.format(cx=cn_number(ext)) if ext else ""
        )

    def label_of(self, number: int, ext: int = 0) -> str:
        """The label as this site writes it where the source's own is not known: 第七条, （三）."""
        if not number and self.single:
            return self.single_cite
        return self.label.format(cn=cn_number(number), n=number) + (
            self.ext_cite.format(cx=cn_number(ext)) if ext else ""
        )


def _heading(word: str) -> tuple[str, ...]:
    """第X编 / 第 X 编 at the start of a heading line."""
    return (rf"第[ \u3000]*(?P<n>{_CN}|{_ARABIC})[ \u3000]*{word}(?![之的])",)


# Ranks of divisions: 编 1, 分编 2, 章 3 (and 附则), 节 4, group headings 5; 公文 parts 1.
TABLE: tuple[Level, ...] = (
    # 法规型
    Level("book", LEGAL, "编", "book-{n}", "第{cn}编", "第{cn}编", _heading("编"),
          stem="book-{n}", page=True, rank=1, heading=True),
    Level("subbook", LEGAL, "分编", "sub-{n}", "第{cn}分编", "第{cn}分编", _heading("分编"), rank=2, scope="book",
          heading=True),
    Level("chapter", LEGAL, "章", "chapter-{n}", "第{cn}章", "第{cn}章", _heading("章"),
          stem="chapter-{n}", page=True, rank=3, restarts_in="book", heading=True),
    Level("supplementary", LEGAL, "附则", "supplementary", "附则", "附则",
          (r"附[ \u3000]*则(?=[ \t\u3000]*$)",), single="supplementary", single_cite="附则",
          stem="supplementary", page=True, rank=3, heading=True),
    Level("section", LEGAL, "节", "section-{n}", "第{cn}节", "第{cn}节", _heading("节"), rank=4, scope="chapter",
          heading=True),
    Level("group", LEGAL, "部分", "group-{n}", "{cn}、", "{cn}、", (rf"(?P<n>{_CN})、",),
          stem="group-{n}", rank=5, heading=True),
    Level("article", LEGAL, "条", "art-{n}", "第{cn}条", "第{cn}条",
          (rf"{_ARTICLE_WORD}[ \u3000]*(?P<n>{_CN}|{_ARABIC})[ \u3000]*条(?:之(?P<x>{_CN}))?",),
          stem="{n}", restarts_in="group", ext_anchor="-{x}", ext_cite="之{cx}"),
    Level("paragraph", LEGAL, "款", "p{n}", "第{cn}款", ""),
    Level("point", LEGAL, "项", "i{n}", "第（{cn}）项", "（{cn}）",
          (rf"[（(](?P<n>{_CN})[）)]", rf"(?P<n>{_CN})、")),
    Level("subpoint", LEGAL, "目", "s{n}", "第{n}目", "{n}.",
          (r"(?P<n>[0-9]{1,2})[.．、](?![0-9０-９])", r"[（(](?P<n>[0-9]{1,2})[）)]",
           "(?P<c>[⒈-⒛])", "(?P<c>[①-⑳])")),
    # 公文型
    Level("part", POLICY, "部分", "part-{n}", "第{cn}部分", "{cn}、", (rf"(?P<n>{_CN})、",),
          stem="part-{n}", rank=1, heading=True),
    Level("item", POLICY, "项", "item-{n}", "第（{cn}）项", "（{cn}）", (rf"[（(](?P<n>{_CN})[）)]",),
          stem="{n}", restarts_in="part", cited_in="part"),
    Level("paragraph", POLICY, "段", "p{n}", "第{cn}段", ""),
    Level("point", POLICY, "点", "s{n}", "第{n}点", "{n}.",
          (r"(?P<n>[0-9]{1,2})[.．、](?![0-9０-９])", r"[（(](?P<n>[0-9]{1,2})[）)]",
           "(?P<c>[⒈-⒛])", "(?P<c>[①-⑳])")),
    # both: what stands after the text (附件, 附表, 附录, 附图), each a provision with a page of its own,
    # or, where it holds 条 of its own (an annexed regulation), a division around them
    *(
        Level(key, "", name, f"{key}-{{n}}", f"{name}{{n}}", f"{name}{{n}}",
              (rf"{name[0]}[ \u3000]*{name[1]}[ \u3000]*(?P<n>{_ARABIC}|{_CN})?(?:[ \u3000]*[：:])?",
               *((r"附[：:]",) if key == "annex" else ())),
              single=key, single_cite=name, stem=f"{key}-{{n}}", rank=1, heading=True, after=True)
        for key, name in (("annex", "附件"), ("table", "附表"), ("appendix", "附录"), ("figure", "附图"))
    ),
)  # fmt: skip


@cache
def level(family: str, key: str) -> Level:
    """The row of a level in a family: level(LEGAL, "article")."""
    for row in TABLE:
        if row.key == key and row.family in (family, ""):
            return row
    raise KeyError(f"no level {key!r} in {family}")


def levels(family: str) -> tuple[Level, ...]:
    return tuple(row for row in TABLE if row.family in (family, ""))


def divisions(family: str) -> tuple[Level, ...]:
    """The levels written as headings, outermost first."""
    return tuple(sorted((r for r in levels(family) if r.heading), key=lambda r: r.rank))


# What stands after a document's text, each a provision of its own: 附件, 附表, 附录, 附图.
AFTER_LEVELS = tuple(row for row in TABLE if row.after)
# What a provision's text holds, outermost first: 款 → 项 → 目, or 段 → 点.
TEXT_LEVELS = ("paragraph", "point", "subpoint")
POINT_LEVELS = {LEGAL: ("point", "subpoint"), POLICY: ("point",)}


# --- numbers -------------------------------------------------------------------------

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_value(text: str) -> int:
    """一 → 1, 十二 → 12, 一百零三 → 103, 一千二百六十 → 1260, 二〇二〇 → 2020; Arabic digits too."""
    text = text.translate(_FULL_DIGITS)
    if text.isdigit():
        return int(text)
    if not any(c in _UNITS or c == "万" for c in text):  # 二〇二〇: digit by digit
        return int("".join(str(_DIGITS[c]) for c in text))
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "万":
            total += (section + current) * 10_000
            section, current = 0, 0
        else:
            section += (current or 1) * _UNITS[ch]
            current = 0
    return total + section + current


_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Label:
    """A label found where a line starts: the level, its number, and the characters as written."""

    level: Level
    number: int
    ext: int
    text: str  # as the source writes it: 第一百三十三条之一, （三）, 1．
    end: int  # where the rest of the line starts (after a separating space)
    form: int  # which of the level's forms it is written in: （一） and 一、 are two forms of a 项


def parse_label(text: str, row: Level) -> Label | None:
    """The label of `row` that `text` starts with, or None."""
    for i, form in enumerate(row.forms):
        m = _form(form).match(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("c"):  # ⒈ ①: the number is the character's place
            c = groups["c"]
            number = ord(c) - (0x2488 if "⒈" <= c <= "⒛" else 0x2460) + 1
        elif groups.get("n"):
            number = cn_value(groups["n"])
        else:
            number = 0
        ext = cn_value(groups["x"]) if groups.get("x") else 0
        end = m.end()
        rest = re.match(_GAP, text[end:])
        return Label(row, number, ext, text[: m.end()], end + (rest.end() if rest else 0), i)
    return None


@cache
def _form(form: str) -> re.Pattern[str]:
    return re.compile(form)


def first_label(text: str, rows: tuple[Level, ...]) -> Label | None:
    """The first of `rows` whose label `text` starts with."""
    for row in rows:
        found = parse_label(text, row)
        if found is not None:
            return found
    return None


__all__ = [
    "LEGAL",
    "POLICY",
    "FAMILIES",
    "Level",
    "TABLE",
    "level",
    "levels",
    "divisions",
    "AFTER_LEVELS",
    "TEXT_LEVELS",
    "POINT_LEVELS",
    "cn_value",
    "Label",
    "parse_label",
    "first_label",
]
