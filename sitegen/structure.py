"""Structure: how a document is divided (DESIGN.md §6), read from its Markdown and front matter.

`load.py` calls this module for what is more than reading a file:

* `parse_body`: a provision's body → its 款 (or 段), each a Markdown paragraph, with the
  项 (or a 段's sub-points) written as an ordered list right after the 款's lead-in line,
  and the 目 of a 项 as a list nested in it:

      本条例所称科技服务，包括下列活动：
      1. 技术开发；
      2. 技术咨询，包括：
         1. 可行性论证；
         2. 技术预测。

  The list numbers are the 项's numbers; the site renders （一） / 1. in front of them.
* `load_chapters`: the 编 / 章 / 节 declared in `_document.md` (`books`, `chapters`,
  each 章 with its `sections`), each naming the 条 it holds;
* `place_articles` and `check_numbering`: every 条 in exactly one 章 (and 节 where the 章 has
  them), numbers without gaps.

Every problem goes to `Problems` as `path:line: message`, with the others of the run.
All addresses, labels and names come from `addresses.py`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from . import addresses, markup
from .errors import Problems
from .model import MAX_NUMBER, Book, Chapter, ChapterSection, Item, Paragraph, Provision, Source
from .numerals import cn_number

RANGE = re.compile(r"^\s*(\d+)\s*[-–—~～至]\s*(\d+)\s*$")


# --- provision bodies ----------------------------------------------------------------


class _Body:
    """A walk over a provision body's block tokens, building 款 with their 项 and 目."""

    def __init__(
        self, tokens: list[Token], body_line: int, path: Path, anchor: str, structure: str, problems: Problems
    ):
        self.tokens, self.i = tokens, 0
        self.body_line, self.path, self.anchor = body_line, path, anchor
        self.structure, self.problems = structure, problems

    def line(self, tok: Token) -> int:
        return self.body_line + (tok.map[0] if tok.map else 0)

    def error(self, tok: Token, message: str) -> None:
        self.problems.error(self.path, self.line(tok), message)

    def inline(self, tok: Token, allow_hardbreak: bool = False) -> tuple[str, str] | None:
        bad = markup.disallowed_inline(tok.children or [], allow_hardbreak)
        if bad:
            self.error(tok, bad)
            return None
        return tok.content, markup.plain_text(tok.children or [])

    def skip_block(self) -> None:
        """Skip the block that opens at self.i (to its matching close)."""
        depth = 0
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            depth += tok.nesting
            if depth <= 0:
                return

    def paragraphs(self) -> tuple[Paragraph, ...]:
        out: list[Paragraph] = []
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.type == "paragraph_open":
                inline = self.tokens[self.i + 1]
                self.i += 3
                got = self.inline(inline)
                index = len(out) + 1
                if index > MAX_NUMBER:
                    self.error(tok, f"a provision has at most {MAX_NUMBER} paragraphs (款)")
                    return tuple(out)
                anchor = addresses.paragraph_anchor(self.anchor, index)
                items: tuple[Item, ...] = ()
                if self.i < len(self.tokens) and self.tokens[self.i].type == "ordered_list_open":
                    items = self.items(anchor, 1)
                if got is not None:
                    out.append(Paragraph(index, anchor, got[0], got[1], Source(str(self.path), self.line(tok)), items))
            elif tok.type == "ordered_list_open":
                what = "项" if self.structure == addresses.LEGAL else "sub-point"
                self.error(
                    tok,
                    f"a {what} outside a 款: a numbered list must follow the lead-in line of its paragraph"
                    if self.structure == addresses.LEGAL
                    else f"a {what} outside a 段: a numbered list must follow the paragraph it belongs to",
                )
                self.skip_block()
            elif tok.type == "html_block":
                self.error(tok, f"raw HTML is not allowed: {tok.content.strip()[:40]!r}")
                self.i += 1
            elif tok.nesting == 1:
                what = tok.type.removesuffix("_open").replace("_", " ")
                self.error(tok, f"only paragraphs are allowed in a provision body (found {what})")
                self.skip_block()
            else:
                if tok.type in ("fence", "code_block", "hr"):
                    self.error(tok, f"only paragraphs are allowed in a provision body (found {tok.type})")
                self.i += 1
        return tuple(out)

    def items(self, parent: str, level: int) -> tuple[Item, ...]:
        """The ordered list opening at self.i → its points, numbered from 1 without gaps."""
        opening = self.tokens[self.i]
        self.i += 1
        out: list[Item] = []
        expected = 1
        legal = self.structure == addresses.LEGAL
        deepest = 2 if legal else 1
        while self.i < len(self.tokens) and self.tokens[self.i].type != "ordered_list_close":
            tok = self.tokens[self.i]
            if tok.type != "list_item_open":
                self.i += 1
                continue
            written = int(tok.info) if tok.info.isdigit() else expected
            index = len(out) + 1
            if written != expected:
                label = addresses.point_label(self.structure, written, level) if written < 100 else str(written)
                prev = addresses.point_label(self.structure, expected - 1, level) if expected > 1 else "the lead-in"
                self.error(
                    tok,
                    f"numbering gap: {label} follows {prev} (expected "
                    f"{addresses.point_label(self.structure, expected, level)})",
                )
            expected = written + 1
            self.i += 1
            anchor = addresses.point_anchor(self.structure, parent, index, level)
            text: tuple[str, str] | None = None
            subs: tuple[Item, ...] = ()
            while self.tokens[self.i].type != "list_item_close":
                inner = self.tokens[self.i]
                if inner.type == "paragraph_open" and text is None:
                    text = self.inline(self.tokens[self.i + 1]) or ("", "")
                    self.i += 3
                elif inner.type == "ordered_list_open" and level < deepest and text is not None and not subs:
                    subs = self.items(anchor, level + 1)
                elif inner.type == "ordered_list_open":
                    self.error(
                        inner,
                        "a 目 can only follow the text of its 项 (no deeper levels)"
                        if legal
                        else "a plan's sub-points cannot have points of their own",
                    )
                    self.skip_block()
                elif inner.nesting == 1:
                    what = inner.type.removesuffix("_open").replace("_", " ")
                    self.error(
                        inner,
                        f"a 项 is one paragraph of text (found {what})"
                        if legal
                        else f"a sub-point is one paragraph of text (found {what})",
                    )
                    self.skip_block()
                else:
                    self.i += 1
            self.i += 1  # list_item_close
            if text is None:
                self.error(tok, "an empty item in a numbered list")
                continue
            out.append(
                Item(
                    index,
                    level,
                    anchor,
                    addresses.point_label(self.structure, index, level),
                    addresses.point_name(self.structure, index, level),
                    text[0],
                    text[1],
                    Source(str(self.path), self.line(tok)),
                    subs,
                )
            )
        if opening.attrs.get("start") not in (None, 1) and not out:
            self.error(opening, "a numbered list must start at 1")
        self.i += 1  # ordered_list_close
        return tuple(out)


def parse_body(
    body: str, body_line: int, path: Path, anchor: str, structure: str, problems: Problems
) -> tuple[Paragraph, ...]:
    """A provision body → its 款 (or 段), numbered in order, each with its 项 and 目."""
    walk = _Body(markup.parse_blocks(body), body_line, path, anchor, structure, problems)
    paragraphs = walk.paragraphs()
    if not paragraphs:
        problems.error(path, body_line, "the provision has no text")
    return paragraphs


# --- 编 / 章 / 节 in the front matter ----------------------------------------------------


def _range(value: Any) -> tuple[int, int] | None:
    """`12`, `12-15`, `[12, 15]` → (12, 15)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, str):
        m = RANGE.match(value)
        if m:
            return int(m.group(1)), int(m.group(2))
        if value.strip().isdigit():
            return int(value), int(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return value[0], value[1]
    return None


def load_source_rules(source: dict, f: Any) -> dict:
    """`source.moved`, `source.dropped`, `source.omitted` of `_document.md`: the edits beyond §4
    that `build.py check` accepts when it proves the text against its source (sitegen/fidelity.py)."""

    def spans(key: str) -> tuple[tuple[int, int], ...]:
        out = []
        for value in source.get(key) or []:
            span = _range(value)
            if span is None or span[0] > span[1]:
                f.error("source", f"each entry of source {key!r} is a line or lines of the source, e.g. 33-40")
            else:
                out.append(span)
        return tuple(out)

    dropped = []
    for value in source.get("dropped") or []:
        if (
            isinstance(value, dict)
            and isinstance(value.get("line"), int)
            and isinstance(value.get("text"), str)
            and value["text"]
        ):
            dropped.append((value["line"], value["text"]))
        else:
            f.error("source", "each entry of source 'dropped' is {line: N, text: the characters left out}")
    return {"source_moved": spans("moved"), "source_omitted": spans("omitted"), "source_dropped": tuple(dropped)}


def load_chapters(f: Any, doc: str) -> tuple[tuple[Chapter, ...], tuple[Book, ...]]:
    """`chapters:` (and `books:`) of a document's front matter → the model, checked.

    `f` is the document's `load.Fields`. Each chapter names the 条 it holds
    (`articles: 1-5`), or its 节 do (`sections: [{number, title, articles}]`).
    """
    if "sections" in f.data:
        f.error("sections", "a 节 outside a 章: list each 节 under its chapter's 'sections'")
    chapters: list[Chapter] = []
    for entry, cf, line in f.mappings(
        "chapters",
        {"number", "title", "articles", "sections", "book"},
        "each chapter must be a mapping with number, title and articles",
    ):
        number, title = cf.int("number"), cf.str("title", max_len=200)
        book = cf.int("book", required=False)
        sections: list[ChapterSection] = []
        for sentry, sf, sline in cf.mappings(
            "sections",
            {"number", "title", "articles"},
            "each section must be a mapping with number, title and articles",
        ):
            snum, stitle = sf.int("number"), sf.str("title", max_len=200)
            span = _range(sentry.get("articles"))
            if span is None:
                sf.error(
                    "articles" if "articles" in sentry else None,
                    "a section needs 'articles': the first and last 条 in it, e.g. 6-9",
                )
            if snum is None or stitle is None or span is None or number is None:
                continue
            if snum != len(sections) + 1:
                sf.error(
                    "number",
                    f"numbering gap: 第{cn_number(snum)}节 follows "
                    f"{'第' + cn_number(len(sections)) + '节' if sections else 'the start of its chapter'}"
                    f" (expected 第{cn_number(len(sections) + 1)}节)",
                )
            sections.append(
                ChapterSection(number, snum, cn_number(snum), stitle, span[0], span[1], Source(str(f.path), sline))
            )
        span = _range(entry.get("articles"))
        if sections:
            if "articles" in entry and span != (sections[0].first, sections[-1].last):
                cf.error("articles", "a chapter's articles must be those of its sections")
            span = (sections[0].first, sections[-1].last)
        elif span is None:
            cf.error(
                "articles" if "articles" in entry else None,
                "a chapter needs 'articles' (the first and last 条 in it, e.g. 1-5) or 'sections'",
            )
        if number is None or title is None or span is None:
            continue
        if number != len(chapters) + 1:
            cf.error(
                "number",
                f"numbering gap: 第{cn_number(number)}章 follows "
                f"{'第' + cn_number(len(chapters)) + '章' if chapters else 'the start'}"
                f" (expected 第{cn_number(len(chapters) + 1)}章)",
            )
        chapters.append(
            Chapter(
                doc,
                number,
                cn_number(number),
                title,
                span[0],
                span[1],
                tuple(sections),
                book,
                Source(str(f.path), line),
            )
        )
        # the 条 of consecutive sections and chapters follow on without gaps or overlaps
        runs = [(s.first, s.last, s.source.line, s.name) for s in sections]
        expected = chapters[-2].last + 1 if len(chapters) > 1 else 1
        for first, last, sline, name in runs or [(span[0], span[1], line, chapters[-1].name)]:
            if first > last:
                f.problems.error(f.path, sline, f"{name}: its articles run backwards ({first}-{last})")
            elif first != expected:
                f.problems.error(
                    f.path,
                    sline,
                    f"{name} starts at 第{cn_number(first) if first < 100 else first}条, "
                    f"but the 条 before it end at {expected - 1}"
                    if first > expected
                    else f"{name} starts at 第{cn_number(first) if first < 100 else first}条, "
                    f"which the 章 or 节 before it already holds",
                )
            expected = last + 1

    books: list[Book] = []
    for entry, bf, line in f.mappings(
        "books", {"number", "title", "chapters"}, "each book (编) must be a mapping with number, title and chapters"
    ):
        number, title, span = bf.int("number"), bf.str("title", max_len=200), _range(entry.get("chapters"))
        if span is None:
            bf.error(
                "chapters" if "chapters" in entry else None,
                "a book (编) needs 'chapters': the first and last 章 in it, e.g. 1-3",
            )
        if number is None or title is None or span is None:
            continue
        if number != len(books) + 1:
            bf.error("number", f"numbering gap: 第{cn_number(number)}编 (expected 第{cn_number(len(books) + 1)}编)")
        books.append(Book(number, cn_number(number), title, span[0], span[1], Source(str(f.path), line)))
    if books:
        if not chapters:
            f.error("books", "a book (编) holds chapters: declare 'chapters' too")
        owner = {}
        for b in books:
            for n in range(b.first, b.last + 1):
                owner[n] = b.number
        chapters = [
            Chapter(c.doc, c.number, c.label, c.title, c.first, c.last, c.sections, owner.get(c.number), c.source)
            for c in chapters
        ]
        for c in chapters:
            if c.book is None:
                f.problems.error(f.path, c.source.line, f"{c.name} is in no book (编)")
    return tuple(chapters), tuple(books)


def place_articles(
    provisions: list[Provision], chapters: tuple[Chapter, ...], path: Path, problems: Problems
) -> list[Provision]:
    """Each 条 told its 章 and 节; a 条 in no 章, or a 章 naming a 条 that is not there, is reported."""
    from dataclasses import replace

    if not chapters:
        return provisions
    out = []
    numbers = {p.number for p in provisions}
    for prov in provisions:
        chapter = next((c for c in chapters if c.holds(prov.number)), None)
        if chapter is None:
            problems.error(
                prov.source.path,
                prov.source.line,
                f"{prov.name} is in no chapter: extend a chapter's 'articles' in {path.name}",
            )
            out.append(prov)
            continue
        section = next((s for s in chapter.sections if s.holds(prov.number)), None)
        out.append(replace(prov, chapter=chapter.number, section=section.number if section else None))
    last = chapters[-1].last
    missing = [n for n in range(1, last + 1) if n not in numbers]
    if missing:
        problems.error(
            path,
            chapters[-1].source.line,
            f"the chapters name 条 that have no file: {', '.join(map(str, missing[:10]))}",
        )
    return out


def check_numbering(provisions: list[Provision], missing_items: set[int], problems: Problems) -> None:
    """条 run 1, 2, 3 … and a plan's 项 too, apart from those its parts declare missing."""
    for kind, allowed in (("article", set()), ("item", missing_items)):
        numbers = [p for p in provisions if p.kind == kind]
        if not numbers:
            continue
        expected = 1
        for prov in sorted(numbers, key=lambda p: p.number):
            while expected in allowed and expected < prov.number:
                expected += 1
            if prov.number > expected:
                lost = [addresses.provision_name_of(kind, n) for n in range(expected, prov.number) if n not in allowed]
                gap = "、".join(lost) if len(lost) <= 3 else f"{lost[0]} … {lost[-1]}, {len(lost)} in all,"
                problems.error(
                    prov.source.path,
                    prov.source.line,
                    f"numbering gap: {prov.name} follows "
                    f"{addresses.provision_name_of(kind, expected - 1) if expected > 1 else 'the start'}"
                    f" ({gap} missing"
                    + ("; list items the source lost under their part's 'missing_items')" if kind == "item" else ")"),
                )
            expected = prov.number + 1


__all__ = ["parse_body", "load_chapters", "place_articles", "check_numbering"]
