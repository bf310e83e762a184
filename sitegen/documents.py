"""A document folder → a `Document`: its `_document.md` and one file per provision.

(docs/content-format.md). Each problem is recorded with the file and line it comes from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from . import markup, structure
from .errors import Problems, quote
from .files import list_folder
from .addresses import ARTICLE_STYLES, Step
from .levels import FAMILIES, LEGAL, POLICY, Level, parse_label
from .numerals import cn_number
from .model import MAX_NUMBER, Block, Document, Note, Provision, Relation, Section, Source, Topic
from .yamltext import Fields, read_markdown

DOCUMENT_FILE = "_document.md"
ANCHOR = re.compile(r"^[a-z][a-z0-9-]*$")
# Where `structure` is not written: policy documents by their type, everything else is 法规型.
POLICY_TYPES = ("方案", "意见", "通知", "规划", "计划", "纲要", "措施", "要点")

DOC_FIELDS = {
    "title",
    "short_title",
    "doc_type",
    "category",
    "issuer",
    "history",
    "date_passed",
    "date_issued",
    "date_promulgated",
    "date_amended",
    "date_effective",
    "number",
    "status",
    "source",
    "divisions",
    "editorial_notes",
    "structure",
    "numbering",
}
# The dates a document may give, in the order its page lists them.
DATE_FIELDS = ("date_passed", "date_issued", "date_promulgated", "date_amended", "date_effective")
PROVISION_FIELDS = {"number", "label", "part", "title", "topics", "related", "notes", "incomplete"}
SOURCE_FIELDS = ("file", "description", "url", "lines", "moved", "dropped", "omitted")
RANGE = re.compile(r"^\s*(\d+)\s*[-–—~～至]\s*(\d+)\s*$")
URL = re.compile(r"^https?://[^\s<>\"']+$")


def load_document(
    folder: Path, topics: dict[str, Topic], problems: Problems, root: Path | None = None
) -> Document | None:
    """A document folder; `root` is the content folder (default: the folder's parent)."""
    root = folder.parent if root is None else root
    path = folder / DOCUMENT_FILE
    if not os.path.lexists(path):
        problems.error(path, 1, "missing document file")
        return None
    read = read_markdown(path, problems, root)
    if read is None:
        return None
    text, data, body, body_line = read
    f = Fields(data, path, 2, problems, DOC_FIELDS)
    doc_type = f.str("doc_type", max_len=40)
    family = f.str("structure", required=False)
    if family is None:
        family = POLICY if doc_type and doc_type.endswith(POLICY_TYPES) else LEGAL
    elif family not in FAMILIES:
        f.error("structure", f"structure must be one of {', '.join(FAMILIES)}")
        family = LEGAL
    numbering = f.str("numbering", required=False) or ARTICLE_STYLES[0]
    if numbering not in ARTICLE_STYLES:
        f.error("numbering", f"numbering must be one of {', '.join(ARTICLE_STYLES)} (how the text numbers its 条)")
        numbering = ARTICLE_STYLES[0]
    dates = tuple((k, d) for k, d in ((k, f.date(k, required=False)) for k in DATE_FIELDS) if d)
    source = _source(data, f)
    entries = structure.read_divisions(f, family)
    sections = parse_sections(body, body_line, path, problems)

    raws = _provision_files(folder, family, numbering, topics, problems, root)
    tree = structure.build_tree(folder.name, family, entries, raws, path, problems)
    structure.check_numbering(tree, problems)

    title, short_title = f.str("title"), f.str("short_title")
    if title is None or short_title is None or doc_type is None:
        return None
    return Document(
        slug=folder.name,
        title=title,
        short_title=short_title,
        doc_type=doc_type,
        category=f.str("category", required=False, max_len=40) or "",
        issuer=f.str_list("issuer"),
        dates=dates,
        number=f.str("number", required=False),
        status=f.str("status", required=False) or "",
        history=f.str_list("history"),
        source_file=source["file"],
        source_description=source["description"],
        source_url=source["url"],
        editorial_notes=f.str_list("editorial_notes"),
        sections=sections,
        body=tree,
        markdown_file=text,
        source=Source(str(path), 1),
        structure=family,
        source_lines=source["lines"],
        source_moved=source["moved"],
        source_dropped=source["dropped"],
        source_omitted=source["omitted"],
    )


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


def _source(data: Any, f: Fields) -> dict[str, Any]:
    """`source:` — where the text comes from, and the edits beyond §4 that `build.py check`
    accepts when it proves the text against it (sitegen/fidelity.py)."""
    source = data.get("source")
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("file", "description")):
        f.error("source" if "source" in data else None, "field 'source' must have 'file' and 'description'")
        source = {"file": "", "description": ""}
    for key in source:
        if key not in SOURCE_FIELDS:
            f.error("source", f"unknown field {key!r} in 'source' ({', '.join(SOURCE_FIELDS)})")
    url = source.get("url") or ""
    if url and (not isinstance(url, str) or not URL.match(url)):
        f.error("source", "source 'url' is the official page of the text: an http:// or https:// address")
        url = ""
    lines = None
    if "lines" in source:
        lines = _range(source["lines"])
        if lines is None or not 0 < lines[0] <= lines[1]:
            f.error("source", "source 'lines' must be the first and last line of the document in the file, e.g. 1-107")
            lines = None

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
    return {
        "file": source["file"],
        "description": source["description"],
        "url": url,
        "lines": lines,
        "moved": spans("moved"),
        "omitted": spans("omitted"),
        "dropped": tuple(dropped),
    }


def parse_sections(body: str, body_line: int, path: Path, problems: Problems) -> tuple[Section, ...]:
    """A document body → sections, each started by a `{#anchor}` line."""
    sections: list[tuple[str, list[Block]]] = []
    pending: str | None = None
    tokens = markup.parse_blocks(body)
    lines = body.split("\n")
    rows: list[list[str]] | None = None  # the cells of a table being read, row by row
    for tok in tokens:
        line = body_line + (tok.map[0] if tok.map else 0)
        if rows is not None:  # a table of the source: its cells are its text (as in a provision)
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type == "inline":
                rows[-1].append(markup.plain_text(tok.children or []))
            elif tok.type == "table_close":
                table = sections[-1][1][-1]
                text = "\n".join(" ".join(row) for row in rows)
                sections[-1][1][-1] = Block("table", 0, table.markdown, text, table.source)
                rows = None
            continue
        if tok.type == "table_open" and sections:
            assert tok.map is not None
            source = "\n".join(lines[tok.map[0] : tok.map[1]])
            sections[-1][1].append(Block("table", 0, source, "", Source(str(path), line)))
            rows = []
            continue
        if tok.type in ("heading_open", "paragraph_open"):
            anchor = tok.attrs.get("id")
            if anchor is not None:
                if not ANCHOR.match(str(anchor)) or any(a == anchor for a, _ in sections):
                    problems.error(path, line, f"invalid or repeated section anchor {quote(anchor)}")
                sections.append((str(anchor), []))
            elif not sections:
                problems.error(path, line, "text before the first '{#anchor}' line")
                sections.append(("", []))
            pending = tok.tag if tok.type == "heading_open" else "p"
        elif tok.type == "inline" and pending:
            bad = markup.disallowed_inline(tok.children or [], allow_hardbreak=True)
            if bad:
                problems.error(path, line, bad)
            else:
                kind = "paragraph" if pending == "p" else "heading"
                level_ = 0 if pending == "p" else int(pending[1])
                sections[-1][1].append(
                    Block(kind, level_, tok.content, markup.plain_text(tok.children or []), Source(str(path), line))
                )
            pending = None
        elif tok.type == "html_block":
            problems.error(path, line, f"raw HTML is not allowed: {tok.content.strip()[:40]!r}")
        elif tok.type.endswith("_open") and tok.type not in ("heading_open", "paragraph_open"):
            what = tok.type.removesuffix("_open").replace("_", " ")
            problems.error(path, line, f"only headings and paragraphs are allowed here (found {what})")
    return tuple(Section(anchor, tuple(blocks)) for anchor, blocks in sections)


def _provision_files(
    folder: Path, family: str, numbering: str, topics: dict[str, Topic], problems: Problems, root: Path
) -> list[structure.Raw]:
    """Every provision file of the folder, read; each becomes a Provision once the tree gives its locator."""
    out: list[structure.Raw] = []
    seen: dict[str, Path] = {}
    for path in list_folder(folder, problems):
        if path.name == DOCUMENT_FILE or not path.name.endswith(".md"):
            continue
        named = structure.provision_stem(path.name, family)
        if named is None:
            problems.error(
                path,
                1,
                "provision files are named by their number: 7.md (or 07.md), 133-1.md (第一百三十三条之一), "
                "part-9.md (a part's own text), annex-1.md, annex.md",
            )
            continue
        stem, steps = named
        if any(n > MAX_NUMBER or x > MAX_NUMBER for _, n, x in steps):
            problems.error(path, 1, f"provision numbers run from 1 to {MAX_NUMBER:,}")
            continue
        if stem in seen:
            problems.error(path, 1, f"{path.name} and {seen[stem].name} are the same provision ({stem})")
            continue
        seen[stem] = path
        read = read_markdown(path, problems, root)
        if read is None:
            continue
        text, *parsed = read
        out.append(
            structure.Raw(stem, steps, path, _maker(path, text, tuple(parsed), family, numbering, topics, problems))
        )
    return out


def _maker(
    path: Path, text: str, parsed: tuple, family: str, numbering: str, topics: dict[str, Topic], problems: Problems
):
    """Read a provision's front matter now (every problem is reported, whatever the tree makes of
    it); return the function that makes the Provision once its locator is known."""
    data, body, body_line = parsed
    f = Fields(data, path, 2, problems, PROVISION_FIELDS)
    number, label, title = (
        f.int("number", required=False),
        f.str("label", required=False),
        f.str("title", required=False, max_len=200),
    )
    f.int("part", required=False)  # read for its type; where an item stands is the divisions' business
    topic_slugs = f.str_list("topics")
    seq = f.list("topics")
    for i, slug in enumerate(topic_slugs):
        if slug not in topics:
            problems.error(path, f.item_line("topics", seq, i), f"unknown topic {quote(slug)}")
    related = []
    seq = f.list("related")
    for i, entry in enumerate(seq):
        line = f.item_line("related", seq, i)
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("to"), str)
            or not isinstance(entry.get("reason"), str)
            or not entry["reason"].strip()
        ):
            problems.error(path, line, "each related entry needs 'to' (doc/number) and 'reason'")
            continue
        related.append(Relation(entry["to"].strip(), entry["reason"].strip(), Source(str(path), line)))
    notes = []
    seq = f.list("notes")
    for i, entry in enumerate(seq):
        line = f.item_line("notes", seq, i)
        para = entry.get("paragraph") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("text"), str)
            or (para is not None and (isinstance(para, bool) or not isinstance(para, int)))
        ):
            problems.error(path, line, "each note needs 'text' and may name a 'paragraph' number")
            continue
        notes.append((Note(para, entry["text"].strip()), line))
    incomplete = f.str("incomplete", required=False)
    if incomplete not in (None, "start", "end"):
        f.error("incomplete", "incomplete must be 'start' or 'end'")
    line = f.line("number") if "number" in data else 1

    def make(loc) -> Provision | None:
        row, step = loc.level, loc.path[-1]
        if number is not None and number != loc.number:
            f.error("number", f"number {number} does not match the file name {path.name}")
        shown = _label(row, step, numbering)
        if label is not None and label != shown:
            if row.key == "part":
                f.error("label", "a part's own text has no label of its own: its part's heading gives it")
            elif not (label == cn_number(step.number) and not step.ext):  # 七: the numeral alone
                found = parse_label(label, row)
                numbered = not row.after  # an 附件 is numbered by its place: 附件 / 附件一：
                if (
                    found is None
                    or found.text != label
                    or numbered
                    and (found.number, found.ext) != (step.number, step.ext)
                ):
                    f.error(
                        "label",
                        f"label {quote(label)} does not match the file name {path.name} (expected {quote(shown)})",
                    )
                else:
                    shown = label  # as the source writes it: (四) for （四）
        paragraphs = structure.parse_body(body, body_line, path, loc, family, problems)
        for note, note_line in notes:
            if note.paragraph is not None and not 1 <= note.paragraph <= len(paragraphs):
                problems.error(
                    path,
                    note_line,
                    f"note refers to paragraph {note.paragraph}, but the provision has {len(paragraphs)}",
                )
        if row.key == "part":  # its part's heading gives it (sitegen/structure.py)
            shown = ""
        return Provision(
            locator=loc,
            family=family,
            label=shown,
            title=title or "",
            title_is_editorial=row.key == "article" and bool(title),
            topics=topic_slugs,
            related=tuple(related),
            notes=tuple(n for n, _ in notes),
            incomplete=incomplete,
            paragraphs=paragraphs,
            markdown_file=text,
            source=Source(str(path), line),
        )

    return make


def _label(row: Level, step: Step, numbering: str) -> str:
    """The label a provision's text starts with, where its file does not write one: 第七条 (or 七、
    where the document numbers its 条 so), （四）, 附件1."""
    if row.key == "article" and numbering == "一、":
        return f"{cn_number(step.number)}、"
    return row.label_of(step.number, step.ext)
