"""Structure: a document's division tree, and the text of each provision (docs/content-format.md#structure).

* `read_divisions`: the `divisions:` of `_document.md`, each a heading as the text writes
  it (第一章 总则, 附则, 一、管辖, 三、…) and the provision it starts at;
* `build_tree`: the provisions, ordered, placed in those divisions by rank (编 holds 章
  holds 节 …), each unit given its locator (sitegen/addresses.py): where numbers restart
  (章 in each 编), the locator names the division they restart in;
* `parse_body`: a provision's body → its 款 (段): each Markdown paragraph is one 款; its
  first line is the 款's text and each further line a point (项, 目, 点) whose label the
  line starts with, as the source writes it (（三）, 一、, 1．, (1), ⒈), or a further
  paragraph of the point before it. A Markdown table is a 款 of its own.

Every problem goes to `Problems` as `path:line: message`, with the others of the run.
Level names, labels and anchors come from the table in `levels.py`, addresses from
`addresses.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import markup
from .addresses import Locator, Step, parse_stem
from .errors import Problems, quote
from .levels import AFTER_LEVELS, LEGAL, POINT_LEVELS, Label, Level, divisions, first_label, level, parse_label
from .model import MAX_NUMBER, Division, Gap, Item, Paragraph, Provision, Source

# --- provision bodies ----------------------------------------------------------------


@lru_cache(maxsize=1)
def body_parser() -> MarkdownIt:
    """Paragraphs and tables. No lists: a line such as `1. 种植计划` is text whose label the
    loader reads, so the label stays as the source writes it."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").disable("list")
    md.disable(["image", "autolink"])
    return md


def _point_rows(family: str) -> tuple[Level, ...]:
    return tuple(level(family, key) for key in POINT_LEVELS[family])


def _shape(found: Label) -> tuple[str, int]:
    """How a label is written, to tell a 项 from a 目: （一）, 一、 and 1． are three shapes."""
    return found.level.key, found.form


@dataclass
class _Point:
    label: Label
    markdown: str
    text: str
    line: int
    shape: tuple[str, int]
    more: list[tuple[str, str]] = field(default_factory=list)
    items: list[_Point] = field(default_factory=list)


class _Body:
    """A walk over a provision body's blocks, building 款 with their points."""

    def __init__(self, path: Path, body_line: int, family: str, problems: Problems):
        self.path, self.body_line, self.family, self.problems = path, body_line, family, problems
        self.rows = _point_rows(family)
        self.depth = len(self.rows)

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.path, line, message)

    def blocks(self, tokens: list[Token], body: str) -> list[tuple[str, Any, int]]:
        """("text", inline token, line) for each paragraph and ("table", (markdown, text), line) for each table."""
        out: list[tuple[str, Any, int]] = []
        lines = body.split("\n")
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = self.body_line + (tok.map[0] if tok.map else 0)
            if tok.type == "paragraph_open":
                out.append(("text", tokens[i + 1], line))
                i += 3
            elif tok.type == "table_open":
                end = i
                while tokens[end].type != "table_close":
                    end += 1
                assert tok.map is not None  # markdown-it maps every block
                source = "\n".join(lines[tok.map[0] : tok.map[1]])
                rows, row = [], []
                for t in tokens[i:end]:
                    if t.type == "inline":
                        bad = markup.disallowed_inline(t.children or [])
                        if bad:
                            self.error(line, bad)
                        row.append(markup.plain_text(t.children or []))
                    elif t.type == "tr_close":
                        rows.append(" ".join(row))
                        row = []
                out.append(("table", (source, "\n".join(rows)), line))
                i = end + 1
            elif tok.type == "html_block":
                self.error(line, f"raw HTML is not allowed: {tok.content.strip()[:40]!r}")
                i += 1
            elif tok.nesting == 1:
                what = tok.type.removesuffix("_open").replace("_", " ")
                self.error(line, f"only paragraphs and tables are allowed in a provision body (found {what})")
                depth = 0
                while i < len(tokens):
                    depth += tokens[i].nesting
                    i += 1
                    if depth <= 0:
                        break
            else:
                if tok.type in ("fence", "code_block", "hr"):
                    self.error(line, f"only paragraphs and tables are allowed in a provision body (found {tok.type})")
                i += 1
        return out

    def lines(self, inline: Token | str, line: int) -> list[tuple[str, str, int]] | None:
        """A paragraph's lines as (markdown, text, line); None after reporting markup that is not allowed.
        (Plain text, with no character Markdown reads, is its own Markdown: see `_plain`.)"""
        if isinstance(inline, str):
            return [(source, source, line + k) for k, source in enumerate(inline.split("\n"))]
        out = []
        for k, source in enumerate(inline.content.split("\n")):
            children = markup.parse_inline(source)
            bad = markup.disallowed_inline(children)
            if bad:
                self.error(line + k, bad)
                return None
            out.append((source, markup.plain_text(children), line + k))
        return out

    def points(self, lines: list[tuple[str, str, int]]) -> list[_Point]:
        """The lines after a 款's first: points by their labels, nested by the order their shapes
        first appear (the first shape is a 项, the next a 目); other lines continue the point before."""
        top: list[_Point] = []
        open_: list[_Point] = []  # the open point at each depth
        shapes: list[tuple[str, int]] = []
        for markdown, text, line in lines:
            found = next((f for row in self.rows for f in [parse_label(text, row)] if f), None)
            shape = _shape(found) if found else None
            depth = 0
            if shape is not None:
                depth = shapes.index(shape) if shape in shapes else len(shapes)
                if depth >= self.depth:
                    shape = None  # deeper than the table's levels: a paragraph of the point before
            if found is None or shape is None:
                if not open_:
                    self.error(
                        line,
                        "a 款 is one line: each further line starts with the label of a 项 or 目 "
                        "(（一）, 1.) or continues one; start a new 款 with a blank line",
                    )
                    continue
                open_[-1].more.append((markdown, text))
                continue
            del shapes[depth + 1 :]
            if depth == len(shapes):
                shapes.append(shape)
            del open_[depth:]
            point = _Point(found, _strip(markdown, text, found.end), text[found.end :], line, shape)
            if depth == 0:
                top.append(point)
            elif open_:
                open_[-1].items.append(point)
            else:
                top.append(point)
            open_.append(point)
        return top


def _strip(markdown: str, text: str, length: int) -> str:
    """The Markdown of a line without its first `length` characters of text (its label).

    A label is plain text, so its characters stand at the start of the Markdown too, unless
    the line begins with an escape (`\\1.`): then the escaped form is skipped."""
    if markdown.startswith(text[:length]):
        return markdown[length:]
    out, i, seen = markdown, 0, 0
    while seen < length and i < len(out):
        i += 2 if out[i] == "\\" and i + 1 < len(out) else 1
        seen += 1
    return out[i:]


# A body with none of the characters Markdown reads, and no line that starts or ends with a
# space: its paragraphs are its blank-line separated blocks, its text as written. Most provisions
# are such text (the importer escapes what Markdown would read), and splitting it is many times
# faster than parsing it; anything else goes to markdown-it.
_MARKDOWN = re.compile(r"[\\`*_\[\]<>|&#=+!{}~\-\t\r]")


def _plain(body: str, body_line: int) -> list[tuple[str, Any, int]] | None:
    """The blocks of a plain-text body, as `_Body.blocks` gives them, or None if it is not plain."""
    text = body.strip("\n")
    if _MARKDOWN.search(text):
        return None
    out: list[tuple[str, Any, int]] = []
    start: int | None = None
    lines = text.split("\n")
    first = body_line + len(body) - len(body.lstrip("\n"))
    for k, line in enumerate([*lines, ""]):
        if line and (line[0].isspace() or line[-1].isspace()):
            return None
        if line and start is None:
            start = k
        elif not line and start is not None:
            out.append(("text", "\n".join(lines[start:k]), first + start))
            start = None
    return out


def parse_body(
    body: str, body_line: int, path: Path, provision: Locator, family: str, problems: Problems
) -> tuple[Paragraph, ...]:
    """A provision body → its 款 (or 段), numbered in order, each with its points."""
    walk = _Body(path, body_line, family, problems)
    blocks = _plain(body, body_line)
    if blocks is None:
        blocks = walk.blocks(body_parser().parse(body), body)
    row = level(family, "paragraph")
    several = len(blocks) > 1
    out: list[Paragraph] = []
    if len(blocks) > MAX_NUMBER:
        problems.error(path, blocks[MAX_NUMBER][2], f"a provision has at most {MAX_NUMBER} paragraphs (款)")
        blocks = blocks[:MAX_NUMBER]
    for kind, content, line in blocks:
        index = len(out) + 1
        loc = provision.child(row, index, cited=several)
        source = Source(str(path), line)
        if kind == "table":
            out.append(Paragraph(loc, content[0], content[1], source, table=True))
            continue
        lines = walk.lines(content, line)
        if lines is None:
            continue
        (markdown, text, _), rest = lines[0], lines[1:]
        items = _freeze(walk.points(rest), loc, walk, family) if rest else ()
        out.append(Paragraph(loc, markdown, text, source, items))
    if not out and not provision.level.after:  # an 附件 may be its title alone (the source lost its table)
        problems.warn(path, body_line, "the provision has no text (shown with a note that the source has none)")
    return tuple(out)


def _freeze(points: list[_Point], parent: Locator, walk: _Body, family: str, depth: int = 0) -> tuple[Item, ...]:
    """Points → Items with locators; numbers as the labels give them, checked for order."""
    row = walk.rows[depth]
    out: list[Item] = []
    previous = 0
    for point in points:
        number = point.label.number
        if number != previous + 1:
            walk.problems.warn(
                walk.path,
                point.line,
                f"numbering: {point.label.text} follows {out[-1].label if out else 'the lead-in'}; "
                "kept as the source numbers it",
            )
        if number <= previous:  # a repeated or backward number: the next free one keeps anchors unique
            number = previous + 1
        previous = number
        loc = parent.child(row, number)
        subs = _freeze(point.items, loc, walk, family, depth + 1) if point.items else ()
        out.append(
            Item(
                loc,
                point.label.text,
                point.markdown,
                point.text,
                Source(str(walk.path), point.line),
                tuple(point.more),
                subs,
            )
        )
    return tuple(out)


# --- divisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class DivisionEntry:
    """One entry of `divisions:` in `_document.md`, checked."""

    row: Level
    number: int
    label: str  # as written: 第一章 / 附则 / 三、
    title: str | None  # "" for a heading that is its label alone (附则); None: the source lost the heading
    first: str | None  # the stem of the first provision it holds
    missing: tuple[int, ...]  # numbers of provisions the source lost here
    line: int


def read_divisions(f: Any, family: str) -> list[DivisionEntry]:
    """`divisions:` of a document's front matter (`f`: its `yamltext.Fields`)."""
    rows = divisions(family)
    names = {row.name: row for row in rows} | {row.key: row for row in rows}
    out: list[DivisionEntry] = []
    for entry, df, line in f.mappings(
        "divisions",
        {"heading", "level", "number", "first", "missing"},
        "each division is a mapping: {heading: 第一章 总则, first: 1}",
    ):
        heading = df.str("heading", required=False, max_len=300)
        first = entry.get("first")
        first_stem = str(first).strip() if isinstance(first, (str, int)) and not isinstance(first, bool) else None
        if "first" in entry and first_stem is None:
            df.error("first", "'first' is the file name (without .md) of the first provision in the division, e.g. 12")
        missing = df.list("missing")
        if not all(isinstance(m, int) and not isinstance(m, bool) and 0 < m <= MAX_NUMBER for m in missing):
            df.error("missing", "'missing' lists the numbers of the units the source lost here, e.g. [1, 2]")
            missing = []
        if heading is not None:
            found = first_label(heading, rows)
            if found is None:
                df.error(
                    "heading",
                    f"{quote(heading)} does not start with the label of a division "
                    f"({'、'.join(r.label_of(1) for r in rows)})",
                )
                continue
            title = heading[found.end :].strip()  # "" for a heading that is its label alone: 附则
            number = found.number
            given = entry.get("number")
            if given is not None:  # an 附件 numbered by its place (附件, 附件：): the number it has here
                if isinstance(given, bool) or not isinstance(given, int) or (number and given != number):
                    df.error("number", f"'number' must be the number of {found.text} (a whole number)")
                else:
                    number = given
            out.append(DivisionEntry(found.level, number, found.text, title, first_stem, tuple(missing), line))
            continue
        name, number = df.str("level", required=False), entry.get("number")
        row = names.get(name or "")
        if row is None or not isinstance(number, int) or isinstance(number, bool) or number < 0:
            df.error(
                None,
                "a division needs 'heading' (as the text writes it), or 'level' "
                f"({'、'.join(r.name for r in rows)}) and 'number' where the source lost the heading",
            )
            continue
        out.append(DivisionEntry(row, number, row.label_of(number), None, first_stem, tuple(missing), line))
    return out


@dataclass
class Raw:
    """A provision file read, before it is placed in the tree."""

    stem: str
    path: tuple[tuple[str, int, int], ...]  # parse_stem
    file: Path
    make: Callable[[Locator], Provision | None]  # the provision, once its locator is known


@dataclass
class _Node:
    entry: DivisionEntry | None
    children: list[_Node | Raw] = field(default_factory=list)
    locator: Locator | None = None


def _order(family: str, raw: Raw) -> tuple:
    """Reading order: 条 (or 项) by their numbers, then 附件, 附表, 附录 and 附图."""
    kinds = {row.key: i for i, row in enumerate(AFTER_LEVELS, 1)}
    return (kinds.get(raw.path[0][0], 0), tuple((n, x) for _, n, x in raw.path))  # an 附件's 条 with it


def build_tree(
    doc: str,
    family: str,
    entries: list[DivisionEntry],
    raws: list[Raw],
    path: Path,
    problems: Problems,
) -> tuple[Division | Provision, ...]:
    """The provisions in reading order, placed in their divisions, each unit with its locator."""
    # A division's own text (a part's, an 附件's before its 条): the provision whose file names the
    # division itself (part-3.md, annex-1.md beside annex-1-1.md …), placed with its division.
    heads = {(e.row.key, e.number) for e in entries}
    floating = [r for r in raws if len(r.path) == 1 and (r.path[0][0], r.path[0][1]) in heads]
    ordered = sorted((r for r in raws if r not in floating), key=lambda r: _order(family, r))
    by_stem = {r.stem: r for r in raws}
    index = {id(r): i for i, r in enumerate(ordered)}
    for entry in entries:
        if entry.first is not None and entry.first not in by_stem:
            problems.error(path, entry.line, f"{entry.label}: 'first' names {entry.first}.md, which is not there")

    # The sequence: each division opens before its first provision; one whose first is not a
    # numbered provision (a part's own text, or nothing) opens after everything before the next.
    sequence: list[DivisionEntry | Raw] = []
    done = 0
    for k, entry in enumerate(entries):
        first = by_stem.get(entry.first or "")
        if first is not None and id(first) in index:
            at = index[id(first)]
            if at < done:
                problems.error(
                    path,
                    entry.line,
                    f"{entry.label}: its first provision {entry.first} comes before the division above it",
                )
                at = done
        else:  # a part's own text, or nothing: the division opens before the first provision
            # numbered within it (part-3-1), or else after everything before the next division
            mine = next((i for i, r in enumerate(ordered) if (entry.row.key, entry.number) in _scopes(r)), None)
            later = (by_stem.get(e.first or "") for e in entries[k + 1 :])
            at = (
                mine
                if mine is not None
                else next((index[id(r)] for r in later if r is not None and id(r) in index), len(ordered))
            )
            at = max(at, done)
        sequence += ordered[done:at]
        done = at
        sequence.append(entry)
        if first is not None and first in floating:
            sequence.append(first)
            floating.remove(first)
    sequence += ordered[done:]
    for raw in floating:
        problems.error(
            raw.file, 1, f"{raw.stem}.md is a division's own text, but its division does not name it as 'first'"
        )

    # Nesting by rank; locators where numbers restart.
    restarting = _restarting(entries)
    root = _Node(None)
    stack: list[_Node] = [root]
    after = {row.key for row in AFTER_LEVELS}
    for unit in sequence:
        if isinstance(unit, Raw):
            if unit.path[0][0] in after:  # an 附件 stands after the text, in no division of it
                while len(stack) > 1 and not (stack[-1].entry and stack[-1].entry.row.after):
                    stack.pop()
            stack[-1].children.append(unit)
            continue
        while len(stack) > 1 and stack[-1].entry is not None and stack[-1].entry.row.rank >= unit.row.rank:
            stack.pop()
        node = _Node(unit)
        node.locator = _division_locator(doc, unit, stack, restarting, path, problems)
        stack[-1].children.append(node)
        stack.append(node)
    return _freeze_tree(root, family, path, problems)


def _scopes(raw: Raw) -> set[tuple[str, int]]:
    """The divisions a provision's file name numbers it within: part-3-1 → {(part, 3)}."""
    return {(key, n) for key, n, _ in raw.path[:-1]}


def _restarting(entries: list[DivisionEntry]) -> set[str]:
    """The levels whose numbers do not run through the document (章 that restart in each 编)."""
    out = set()
    last: dict[str, int] = {}
    for entry in entries:
        if entry.number and entry.number <= last.get(entry.row.key, 0):
            out.add(entry.row.key)
        last[entry.row.key] = entry.number
    return out


def _division_locator(
    doc: str, entry: DivisionEntry, stack: list[_Node], restarting: set[str], path: Path, problems: Problems
) -> Locator:
    row = entry.row
    within = row.scope or (row.restarts_in if row.key in restarting else "")
    scope = next((n for n in reversed(stack) if n.entry is not None and n.entry.row.key == within), None)
    if within and scope is None:  # a 节 straight under a 编: numbered within the division around it
        scope = next((n for n in reversed(stack) if n.entry is not None), None)
        problems.warn(
            path, entry.line, f"{entry.label}: a {row.name} outside a {level(LEGAL, within).name}, as the source has it"
        )
    prefix = scope.locator.path if scope is not None and scope.locator is not None else ()
    steps = (*prefix, Step(row, entry.number))
    if row.page:
        depth = len(steps)
    else:  # shown on the page of the division it is numbered within (节 on its 章's page)
        depth = scope.locator.page_depth if scope is not None and scope.locator is not None else 0
    return Locator(doc, steps, depth)


def _freeze_tree(node: _Node, family: str, path: Path, problems: Problems, trail: tuple[_Node, ...] = ()) -> tuple:
    out: list[Division | Provision] = []
    inner = (*trail, node) if node.entry else trail
    for child in node.children:
        if isinstance(child, Raw):
            prov = _provision(child, family, inner, problems)
            if prov is not None:
                out.append(prov)
            continue
        assert child.entry is not None and child.locator is not None
        entry, loc = child.entry, child.locator
        children = _freeze_tree(child, family, path, problems, inner)
        gaps = tuple(_gap(loc, family, n) for n in entry.missing)
        out.append(Division(loc, entry.label, entry.title, children, Source(str(path), entry.line), gaps))
    return tuple(out)


def _gap(division: Locator, family: str, number: int) -> Gap:
    """Where the source lost a provision of this division (a plan's 项 （一）): the anchor it
    would have, shown on the full text. (Numbers that restart in each division have no gaps.)"""
    row = level(family, "item" if family != LEGAL else "article")
    return Gap(Locator(division.doc, (Step(row, number),), 0), row.label_of(number))


def _provision(raw: Raw, family: str, trail: tuple[_Node, ...], problems: Problems) -> Provision | None:
    steps = tuple(Step(level(family, key), n, x) for key, n, x in raw.path)
    holders = [n for n in trail if n.entry is not None]
    for step in steps[:-1]:  # a number restarting in a division: the file names that division
        holder = next((n for n in reversed(holders) if n.entry and n.entry.row.key == step.level.key), None)
        if holder is None or holder.entry is None or holder.entry.number != step.number:
            problems.error(raw.file, 1, f"{raw.stem}.md names {step.name}, but it is not in that division")
    row = steps[-1].level
    context: tuple[Step, ...] = ()
    if row.cited_in and not any(s.level.key == row.cited_in for s in steps):
        holder = next((n for n in reversed(holders) if n.entry and n.entry.row.key == row.cited_in), None)
        if holder is not None and holder.locator is not None:
            context = holder.locator.path
    prov = raw.make(Locator(raw.file.parent.name, steps, len(steps), context))
    own = holders[-1] if holders and holders[-1].entry is not None else None
    if (
        prov is not None
        and own is not None
        and own.entry is not None
        and (own.entry.row.key, own.entry.number) == (row.key, steps[-1].number)
        and len(steps) == 1
    ):
        # a division's own text: addressed, labelled and titled as its division
        prov = replace(prov, label=own.entry.label, title=own.entry.title or "", own_text=True)
    elif prov is not None and row.key == "part":
        problems.error(
            raw.file, 1, f"{raw.stem}.md is the text of {steps[-1].name}, but no division of the document is that part"
        )
    return prov


def provision_stem(name: str, family: str) -> tuple[str, tuple[tuple[str, int, int], ...]] | None:
    """A provision file's name → (stem, path), or None if the name is not one: 07.md → ("7", …)."""
    if not name.endswith(".md"):
        return None
    stem = name[:-3]
    parsed = parse_stem(stem, family)
    if parsed is None:
        return None
    canonical = Locator("", tuple(Step(level(family, k), n, x) for k, n, x in parsed)).stem
    return canonical, parsed


def check_numbering(tree: tuple, problems: Problems) -> None:
    """条 (or a plan's 项) run 1, 2, 3 … through the document, or through the division they
    restart in. A gap is a warning, not an error (the source numbers them so, and the text
    is kept as it is), unless a division lists the lost numbers under `missing`."""
    seen: dict[tuple[str, str], int] = {}

    def note(loc: Locator, unit: Provision | None) -> None:
        scope = (loc.level.key, "-".join(s.anchor for s in loc.path[:-1]))
        previous = seen.get(scope, 0)
        if unit is not None and loc.number != previous + 1:
            problems.warn(
                unit.source.path,
                unit.source.line,
                f"numbering gap: {unit.name} follows {loc.level.cite_of(previous) if previous else 'the start'}"
                f" (expected {loc.level.cite_of(previous + 1)}); kept as the source numbers it",
            )
        seen[scope] = max(previous, loc.number)

    def walk(units: tuple) -> None:
        for unit in units:
            if isinstance(unit, Division):
                for gap in unit.missing:
                    note(gap.locator, None)
                walk(unit.children)
            elif unit.kind in ("article", "item") and not unit.locator.path[-1].ext:
                note(unit.locator, unit)

    walk(tree)


__all__ = ["parse_body", "read_divisions", "build_tree", "Raw", "DivisionEntry", "provision_stem", "check_numbering"]
