"""`build.py import FILE...`: the plain text of laws and policy documents → content folders.

(docs/content-format.md#importing). `plaintext.parse` reads each source; this module names
it (a stable ASCII slug from its title), writes `DIR/SLUG/_document.md` and one file per
provision, and, with `--site`, lists the new documents in the site file. Every place an
editor should look at is printed as `SOURCE:LINE: message`. A source that cannot be read as
a document is an error, and nothing is written for it.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

from . import history
from .errors import shown
from .levels import LEGAL
from .plaintext import AFTER_KINDS, ImportError_, Line, Para, Parsed, Point, Unit, parse

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 48  # characters of pinyin before a long title is written by its initials


# --- slugs ------------------------------------------------------------------------------


def slug_for(title: str) -> str:
    """A stable ASCII slug from a title (docs/content-format.md#slugs-of-imported-documents).

    The name (the title without 中华人民共和国) in toneless pinyin, syllables run together:
    立法法 → lifafa, 刑法修正案（十一） → xingfaxiuzhengan-11. A long name is written by the
    initials of its syllables, then a short hash of the whole title keeps two long titles
    with the same initials apart.
    """
    from pypinyin import Style, lazy_pinyin  # only the import needs it (~0.2 s to load)

    from .levels import cn_value

    name = title.removeprefix("中华人民共和国")
    # a bracketed number or year is a number: （十一） → 11, （2021年） → 2021, （试行） → shixing
    name = re.sub(r"[（(]([一二三四五六七八九十百零〇]+)[）)]", lambda m: f"-{cn_value(m.group(1))}-", name)
    name = re.sub(r"[（(](\d{4})年?[）)]", r"-\1-", name)
    syllables = [s for s in lazy_pinyin(name, style=Style.NORMAL, errors=_as_is) if s.strip()]
    words = _ascii_words(syllables)
    full = "-".join(w for w in "".join(words).split("-") if w)
    if len(full) <= MAX_SLUG:
        return full or "document"
    initials = "".join(w[0] if w.isalpha() and len(w) > 1 else w for w in words)
    short = "-".join(w for w in initials.split("-") if w)[: MAX_SLUG - 7]
    return f"{short.strip('-')}-{hashlib.sha1(title.encode()).hexdigest()[:6]}"


def _as_is(text: str) -> str:
    """What has no pinyin (Latin letters, digits, punctuation) stays as it is, one piece."""
    return text


def _ascii_words(syllables: list[str]) -> list[str]:
    out = []
    for s in syllables:
        s = s.lower().replace("ü", "v")
        s = re.sub(r"[^a-z0-9-]+", "-", s)
        out.append(s)
    return out


# --- writing ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


def _md(text: str, section: bool = False) -> str:
    """Text as Markdown that reads back as the same text. In `_document.md`'s sections a line
    that would open a list or a section (`1.`, `-`, `{#`) is escaped too; provision bodies
    have no lists (sitegen/structure.py), so their labels stay as written."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if re.match(r"^(#|>|=+$|-+$|[-+*]\s|\{)", text):
        text = "\\" + text
    elif section and re.match(r"^\d+[.)]", text):  # 5. or 5): not a list; the mark is escaped, not the digit
        text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return text


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _table(rows: list[str]) -> list[str]:
    """A table of the source as a Markdown table: its cells in order, a rule under the first row,
    as many cells in the first row as in the longest (the `|` and the rule are not text)."""
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    body = [r for r in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c) or not any(r)]
    width = max(len(r) for r in body) if body else 1
    out = []
    for i, row in enumerate(body):
        row = row + [""] * (width - len(row)) if i == 0 else row
        out.append("| " + " | ".join(_md(c) for c in row) + " |")
        if i == 0:
            out.append("|" + "---|" * width)
    return out


def _dates(parsed: Parsed) -> dict:
    """The dates read, as YAML dates (2030-03-01, unquoted), in the order a page lists them."""
    import datetime as dt

    order = ("date_passed", "date_issued", "date_promulgated", "date_amended", "date_effective")
    return {k: dt.date.fromisoformat(parsed.facts.dates[k]) for k in order if k in parsed.facts.dates}


def document_file(parsed: Parsed, source: str, lines: tuple[int, int] | None, description: str) -> str:
    facts = parsed.facts
    front: dict = {
        "title": parsed.title,
        "short_title": history.short_title(parsed.title, parsed.doc_type),
        "doc_type": parsed.doc_type or "文件",
    }
    kind = history.category(facts.issuer)
    if kind:
        front["category"] = kind
    front["structure"] = parsed.family
    if parsed.family == LEGAL:
        front["numbering"] = parsed.numbering
    if facts.issuer:
        front["issuer"] = list(facts.issuer)
    if parsed.history_lines:
        front["history"] = [parsed.text(ln.text) for ln in parsed.history_lines]
    front.update(_dates(parsed))
    if facts.number:
        front["number"] = facts.number
    src: dict = {"file": source}
    if lines:
        src["lines"] = f"{lines[0]}-{lines[1]}"
    src["description"] = description
    if parsed.moved:
        src["moved"] = [f"{a}-{b}" for a, b in parsed.moved]
    if parsed.omitted:
        src["omitted"] = [f"{a}-{b}" if a != b else a for a, b in parsed.omitted]
    front["source"] = src
    if parsed.headings:
        front["divisions"] = [
            {"heading": (h.label + ("" if h.label.endswith(("、", "：", ":")) or not h.title else " ") + h.title)}
            | ({"number": h.number} if h.row.after else {})  # an 附件's number is its place, not always its label's
            | ({"first": int(h.first) if h.first.isdigit() else h.first} if h.first else {})
            for h in parsed.headings
        ]
    notes = []
    if parsed.joined:
        notes.append("来源中的硬换行和分页处已接排。")
    if parsed.widened:
        notes.append("来源中的半角逗号、括号、冒号和分号在中文正文中已统一为全角标点，拉丁字母和数字之间的不变。")
    notes += [f.note for f in parsed.flags if f.note and not _in_unit(parsed, f.note)]
    if notes:
        front["editorial_notes"] = notes
    body: list[str] = []
    sections: list[tuple[str, list]] = [*parsed.sections.items(), ("closing", list(parsed.closing))]
    for name, items in sections:
        if not items:
            continue
        body.append(f"{{#{name}}}")
        for item in items:
            if isinstance(item, Para) and item.table is not None:
                body += _table(item.table)
            elif isinstance(item, Line) and item.level:  # a heading of the source (## 公告)
                body.append("#" * max(2, item.level) + " " + _md(parsed.text(item.text)))
            else:
                body.append(_md(parsed.text(item.text), section=True))
            body.append("")
    return "---\n" + _yaml(front) + "---\n" + "\n".join(body).rstrip("\n") + "\n"


def _in_unit(parsed: Parsed, note: str) -> bool:
    return any(note == text for u in parsed.units for _, text in u.notes)


def provision_file(parsed: Parsed, unit: Unit) -> str:
    front: dict = {}
    own = any((h.row.key, h.number) == (unit.kind, unit.number) for h in parsed.headings)
    if own:  # a division's own text: its heading gives its label and title
        pass
    elif unit.kind in AFTER_KINDS:
        front["label"] = unit.label
        if unit.title:
            front["title"] = unit.title
    elif unit.kind == "item":
        if unit.label != f"（{_cn(unit.number)}）":
            front["label"] = unit.label
        front["title"] = unit.title
    elif unit.kind == "article" and unit.label != _article_label(parsed, unit):
        front["label"] = unit.label
    front["topics"] = []
    front["related"] = []
    if unit.notes:
        front["notes"] = [{"paragraph": p, "text": t} if p else {"text": t} for p, t in unit.notes]
    out: list[str] = []
    for para in unit.paras:
        if para.table is not None:
            out += _table(para.table)
        else:
            out.append(_md(para.text))
            out += _point_lines(para.points)
        out.append("")
    return "---\n" + _yaml(front) + "---\n" + "\n".join(out).rstrip("\n") + "\n"


def _point_lines(points: list[Point]) -> list[str]:
    out = []
    for point in points:
        out.append(point.label.text + _md(point.text))
        out += [_md(more) for more in point.more]
        out += _point_lines(point.subs)
    return out


def _cn(n: int) -> str:
    from .numerals import cn_number

    return cn_number(n)


def _article_label(parsed: Parsed, unit: Unit) -> str:
    if parsed.numbering == "一、":
        return f"{_cn(unit.number)}、"
    return f"第{_cn(unit.number)}条" + (f"之{_cn(unit.ext)}" if unit.ext else "")


def files(parsed: Parsed, source: str, lines: tuple[int, int] | None, description: str = "") -> dict[str, str]:
    numbers = [u.number for u in parsed.units if u.kind in ("article", "item")]
    width = max(2, len(str(max(numbers)))) if numbers else 2
    out = {"_document.md": document_file(parsed, source, lines, description or DESCRIPTION)}
    for unit in parsed.units:
        stem = unit.stem
        if unit.kind in ("article", "item"):  # zero-padded, so that a folder lists them in order
            base = f"{unit.number:0{width}d}" + (f"-{unit.ext}" if unit.ext else "")
            stem = unit.stem[: len(unit.stem) - len(str(unit.number) + (f"-{unit.ext}" if unit.ext else ""))] + base
        out[f"{stem}.md"] = provision_file(parsed, unit)
    return out


DESCRIPTION = "编辑导入的纯文本，未注明原始出处。"


# --- the command --------------------------------------------------------------------------


@dataclass
class Source:
    path: Path
    text: str
    parsed: Parsed
    lines: tuple[int, int] | None


def _read(path: Path, err: TextIO) -> str | None:
    name = shown(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{name}:1: cannot read the source: {exc.strerror}", file=err)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        print(f"{name}:{line}: not valid UTF-8 (save the text as UTF-8 first)", file=err)
        return None
    return text.removeprefix("\ufeff")


def _fingerprint(text: str) -> str:
    """The text without its whitespace: the same law filed twice reads the same."""
    return hashlib.sha256("".join(text.split()).encode()).hexdigest()


def _version_date(parsed: Parsed) -> str:
    """The date a version is known by: its last 修正/修订, or when it was passed or issued."""
    dates = parsed.facts.dates
    for key in ("date_amended", "date_passed", "date_issued", "date_promulgated", "date_effective"):
        if key in dates:
            return dates[key]
    return ""


def run(
    sources: list[Path],
    content: Path,
    slug: str | None = None,
    force: bool = False,
    lines: str | None = None,
    site: Path | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The import: 0 when every source was written, 1 when one could not be read as a document
    (the others are written), 2 on usage errors (nothing is written)."""
    out, err = out or sys.stdout, err or sys.stderr
    if slug is not None and not SLUG.match(slug):
        print(
            f"import: --slug {slug!r} must be ASCII: a-z, 0-9 and '-' "
            "(it becomes the document's folder and its address)",
            file=err,
        )
        return 2
    if slug is not None and len(sources) != 1:
        print("import: --slug names one document: give one SOURCE with it", file=err)
        return 2
    span = None
    if lines:
        m = re.fullmatch(r"(\d+)-(\d+)", lines)
        if not m or int(m.group(1)) < 1 or int(m.group(1)) > int(m.group(2)):
            print(f"import: --lines {lines!r} must be FIRST-LAST, e.g. 1-107", file=err)
            return 2
        span = (int(m.group(1)), int(m.group(2)))
    if site is not None and not site.is_file():
        print(f"import: --site {shown(site)} does not exist", file=err)
        return 2

    status = 0
    read: list[Source] = []
    seen: dict[str, Path] = {}
    for path in sources:
        text = _read(path, err)
        if text is None:
            status = 1
            continue
        key = _fingerprint(text)
        if key in seen:
            print(f"{shown(path)}:1: the same text as {shown(seen[key])}: imported once", file=err)
            continue
        seen[key] = path
        total = text.count("\n") + 1
        first, last = span or (1, total)
        try:
            parsed = parse(text, first, min(last, total))
        except ImportError_ as exc:
            print(f"{shown(path)}:{exc.line}: {exc}", file=err)
            status = 1
            continue
        read.append(Source(path, text, parsed, span))

    named = _names(read, content, slug, force, err)
    if named is None:
        return 2
    written = []
    for src, name in named:
        for flag in sorted(src.parsed.flags, key=lambda f: f.line):
            print(f"{shown(src.path)}:{flag.line}: {flag.message}", file=err)
        folder = content / name
        try:
            rel = Path(os.path.relpath(src.path.resolve(), content.resolve())).as_posix()
        except ValueError:  # another drive
            rel = src.path.resolve().as_posix()
        made = files(src.parsed, rel, src.lines)
        if folder.exists():
            for old in folder.glob("*.md"):
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        for fname, body in made.items():
            (folder / fname).write_text(body, encoding="utf-8")
        written.append(name)
        parsed = src.parsed
        counts = "、".join(
            f"{n} {what}"
            for what, n in (
                (
                    "条" if parsed.family == LEGAL else "项",
                    sum(1 for u in parsed.units if u.kind in ("article", "item")),
                ),
                ("附件", sum(1 for u in parsed.units if u.kind in AFTER_KINDS)),
                ("个标题", len(parsed.headings)),
            )
            if n
        )
        print(
            f"imported {parsed.title} ({parsed.family}{': ' + counts if counts else ''}) into {shown(folder)}/ "
            f"with {len(parsed.flags)} place(s) to check",
            file=out,
        )
    if written and site is not None:
        _add_to_site(site, written)
        print(f"listed {len(written)} document(s) under 'documents:' in {shown(site)}", file=out)
    elif written:
        print(
            f"list {', '.join(written)} under 'documents:' in site.yaml (or import with --site) and run build.py",
            file=out,
        )
    return status


def _names(
    read: list[Source], content: Path, slug: str | None, force: bool, err: TextIO
) -> list[tuple[Source, str]] | None:
    """A folder name for each source: --slug, or the slug of its title; a second version of the
    same work (the same title, another date) gets its date in the slug, the latest keeping the plain one."""
    if slug is not None:
        if not read:
            return []
        if (content / slug).exists() and not force:
            print(f"import: {shown(content / slug)} already exists; use --force to replace it", file=err)
            return None
        return [(read[0], slug)]
    by_title: dict[str, list[Source]] = {}
    for src in read:
        by_title.setdefault(src.parsed.title, []).append(src)
    out: list[tuple[Source, str]] = []
    taken: set[str] = set()
    for title, group in by_title.items():
        base = slug_for(title)
        group.sort(key=lambda s: _version_date(s.parsed), reverse=True)
        for i, src in enumerate(group):
            name = base if i == 0 else f"{base}-{_version_date(src.parsed) or i + 1}"
            k = 2
            while name in taken or ((content / name).exists() and not force):
                if (content / name).exists() and not force and name not in taken:
                    print(
                        f"{shown(src.path)}:1: {shown(content / name)} already exists: "
                        f"imported as {name}-{k} (use --force to replace it)",
                        file=err,
                    )
                name = f"{base if i == 0 else base + '-' + (_version_date(src.parsed) or str(i + 1))}-{k}"
                k += 1
            taken.add(name)
            out.append((src, name))
    return out


def _add_to_site(site: Path, slugs: list[str]) -> None:
    """Add slugs to the site file's `documents:` list, keeping the rest of the file as it is."""
    text = site.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    have = data.get("documents") or []
    new = [s for s in slugs if s not in have]
    if not new:
        return
    lines = text.split("\n")
    at = next((i for i, ln in enumerate(lines) if re.match(r"^documents\s*:", ln)), None)
    if at is None:
        lines += ["documents:", *(f"  - {s}" for s in new)]
    else:
        m = re.match(r"^documents\s*:\s*\[(.*)\]\s*$", lines[at])
        if m is not None or re.match(r"^documents\s*:\s*$", lines[at]) is None:
            listed = [s for s in have]
            lines[at] = "documents:"
            lines[at + 1 : at + 1] = [f"  - {s}" for s in listed + new]
        else:
            end = at + 1
            while end < len(lines) and re.match(r"^\s+-\s", lines[end]):
                end += 1
            indent = re.match(r"^(\s+)-", lines[end - 1]).group(1) if end > at + 1 else "  "  # type: ignore[union-attr]
            lines[end:end] = [f"{indent}- {s}" for s in new]
    site.write_text("\n".join(lines), encoding="utf-8")


__all__ = ["run", "files", "slug_for", "parse", "Parsed"]
