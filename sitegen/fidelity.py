"""Fidelity: prove a document's text against its source (`build.py check`).

(docs/content-format.md#the-source-and-what-check-proves)

When `source.file` in a document's `_document.md` names a file that can be read
(relative to the content folder, or to the repository), the text the site shows
must be the source's text: no character lost, added or reordered, except by

* the §4 rules, applied to the source before comparing: whitespace (hard line wraps,
  page and column breaks) removed, Markdown heading marks (`#`) at the start of a
  line removed, and ASCII `, ( ) : ;` made full width outside Latin words and numbers;
* the title, which the front matter holds, taken from where it stands in the source;
* labels the site renders from the front matter (七、 / 第七条 / （四） / 九、 / 第三章),
  which the source writes in front of the text as the same characters;
* what `_document.md` records under `source:` — `lines` (the document's lines in the
  file), `moved` (lines whose text stands elsewhere: an interleaved 公告), `dropped`
  (characters left out on a line: a character doubled across a page break) and
  `omitted` (whole lines left out: a 目录, page numbers, running heads).

Editorial additions (a 条's editorial title, notes, 〔原文缺失〕 markers) are not text of
the source and are not compared. The comparison is a character alignment
(difflib); each difference the rules do not account for is one problem, with the
source line it is on.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .model import Division, Document, Provision

FULL_WIDTH = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}
HEADING_MARK = re.compile(r"^[ \t]*#{1,6}[ \t]+")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # not text: they are not compared
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?\s*)?$")


def full_width(text: str) -> str:
    """§4: ASCII , ( ) : ; → full width, unless between two Latin letters or digits (G60, 1:2)."""
    out = []
    for i, ch in enumerate(text):
        if ch in FULL_WIDTH:
            a = text[i - 1] if i else ""
            b = text[i + 1] if i + 1 < len(text) else ""
            if not (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()):
                ch = FULL_WIDTH[ch]
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    line: int  # a line of the source file (0 when it is about the document as a whole)
    message: str


def find_source(doc: Document, content: Path, repo: Path) -> Path | None:
    """The file `source.file` names, relative to the content folder or the repository, if it exists."""
    if not doc.source_file:
        return None
    for base in (content, repo, Path(doc.source.path).parent):
        path = base / doc.source_file
        if path.is_file():
            return path
    return None


def source_text(doc: Document, raw: str) -> tuple[str, list[int]]:
    """The source's characters as compared, and the source line of each."""
    lines = raw.replace("\r\n", "\n").split("\n")
    first, last = doc.source_lines or (1, len(lines))
    omitted = {n for a, b in doc.source_omitted for n in range(a, b + 1)}
    dropped: dict[int, list[str]] = {}
    for line_no, text in doc.source_dropped:
        dropped.setdefault(line_no, []).append(text)
    chars: list[str] = []
    where: list[int] = []
    for n in range(first, min(last, len(lines)) + 1):
        if n in omitted:
            continue
        line = full_width(HEADING_MARK.sub("", lines[n - 1].translate(ZERO_WIDTH)))
        if TABLE_ROW.match(line):  # a table's rules and bars are its layout; its cells are the text
            line = "" if TABLE_RULE.match(line) else line.replace("|", "")
        line = "".join(line.split())
        for text in dropped.get(n, ()):  # a recorded drop: the characters leave the comparison
            line = line.replace(full_width(text), "", 1) if full_width(text) in line else line
        chars += line
        where += [n] * len(line)
    return "".join(chars), where


def _squash(text: str) -> str:
    return "".join(text.split())


def _provision_text(prov: Provision) -> str:
    body = "".join(p.full_text for p in prov.paragraphs)
    # A part's own text follows its heading; a provision whose beginning the source lost has no label there.
    labelled = not prov.own_text and prov.incomplete != "start"
    heading = prov.title if prov.level.after and not prov.own_text else ""  # an 附件's title is the source's
    return (prov.display_label if labelled else "") + heading + body


def content_text(doc: Document) -> str:
    """The document's text in reading order, as the source would write it (without the title):
    its history lines, its front text, each division's heading and each provision, its closing text."""
    out = list(doc.history)
    for section in doc.front:
        out += [b.text for b in section.blocks]

    def walk(units: tuple) -> None:
        for unit in units:
            if isinstance(unit, Division):
                if unit.title is not None:  # a heading the source lost is not compared
                    out.append(unit.label + unit.title)
                walk(unit.children)
            else:
                out.append(_provision_text(unit))

    walk(doc.text_units)
    for section in doc.closing:
        out += [b.text for b in section.blocks]
    walk(doc.after_units)
    return _squash("".join(out))


def compare(doc: Document, raw: str) -> list[Problem]:
    """Every difference between the document's text and its source that no rule accounts for."""
    src, where = source_text(doc, raw)
    title = _squash(doc.title)
    cut = src.find(title)
    problems: list[Problem] = []
    if cut == -1:
        problems.append(Problem(doc.source_lines[0] if doc.source_lines else 1, "the title is not in the source"))
    else:
        src, where = src[:cut] + src[cut + len(title) :], where[:cut] + where[cut + len(title) :]
    text = content_text(doc)
    moved = [(a, b) for a, b in doc.source_moved]

    def line_at(i: int) -> int:
        return where[min(i, len(where) - 1)] if where else 0

    def is_moved(i1: int, i2: int) -> bool:
        return any(all(a <= line_at(k) <= b for k in (i1, i2 - 1)) for a, b in moved)

    if src == text:
        return problems
    ops = difflib.SequenceMatcher(None, src, text, autojunk=False).get_opcodes()
    inserted = [text[j1:j2] for tag, _, _, j1, j2 in ops if tag in ("insert", "replace")]
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        gone, added = src[i1:i2], text[j1:j2]
        if tag == "delete" and is_moved(i1, i2) and any(gone in piece for piece in inserted):
            continue  # a recorded move: the text stands elsewhere in the content
        if tag == "insert" and any(
            is_moved(m1, m2) and src[m1:m2] == added for t, m1, m2, _, _ in ops if t == "delete"
        ):
            continue  # …and here is where it stands
        if tag == "insert":
            problems.append(Problem(line_at(i1), f"the content adds {_show(added)}, which is not in the source here"))
        elif tag == "delete":
            problems.append(Problem(line_at(i1), f"the source's {_show(gone)} is missing from the content"))
        else:
            problems.append(
                Problem(line_at(i1), f"the source reads {_show(gone)} where the content reads {_show(added)}")
            )
    return problems


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:18] + "…" + text[-18:])


def check_site(site, content: Path, repo: Path) -> list[str]:
    """`path:line: message` for each document whose source can be read; nothing for the others."""
    from .errors import shown

    out = []
    for doc in site.documents:
        path = find_source(doc, content, repo)
        if path is None:
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            out.append(f"{shown(path)}:1: cannot read the source of {doc.slug}: {exc}")
            continue
        out += [f"{shown(path)}:{p.line}: {doc.slug}: {p.message}" for p in compare(doc, raw)]
    return out


__all__ = ["full_width", "find_source", "source_text", "content_text", "compare", "check_site", "Problem"]
