"""Load: read site.yaml and the content tree into the model, collecting every problem.

Nothing here writes files. Each problem is recorded with the file and line it
comes from; the stage raises `ContentErrors` once, at the end, with all of them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import os
import re
import builtins
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import addresses, markup, parallel, structure
from .errors import ContentError, Problems, quote, shown
from .model import (
    Block,
    Document,
    Note,
    Part,
    Provision,
    Relation,
    Section,
    Site,
    SiteConfig,
    Source,
    Term,
    Topic,
)
from .model import MAX_NUMBER
from .numerals import cn_number

DOCUMENT_FILE = "_document.md"
PROVISION_FILE = re.compile(r"^(?:(\d{2,3})|part-(\d{1,3}))\.md$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANCHOR = re.compile(r"^[a-z][a-z0-9-]*$")
# A nav entry's path: a file of the built site, relative to its root, optionally with an
# anchor. Each segment starts with a letter or digit, so no '..', no scheme, no '/x'.
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
NAV_PATH = re.compile(rf"^(?:{_SEGMENT}/)*{_SEGMENT}\.[A-Za-z0-9]+(?:#[A-Za-z][A-Za-z0-9_-]*)?$")
# The provisions of each structure (DESIGN.md §6): 条 of a law, 项 of a policy document.
STRUCTURE_KINDS = {addresses.LEGAL: "article", addresses.POLICY: "item"}
# Where `structure` is not written: policy documents by their type, everything else is 法规型.
POLICY_TYPES = ("方案", "意见", "通知", "规划", "计划", "纲要", "措施")


# --- YAML that remembers where each value was written -----------------------


class YMap(dict):
    line = 1
    lines: dict


class YList(list):
    line = 1
    lines: list


class _BadKey(Exception):
    def __init__(self, message: str, line: int):
        self.message, self.line = message, line


# Bounds on what a YAML block may hold (issue 16). Real front matter nests four levels
# and holds a few hundred values; these are far above that and far below trouble.
MAX_YAML_DEPTH = 50  # nesting levels
MAX_YAML_VALUES = 10_000  # values, counting each alias as every value it repeats ("alias bombs")
MAX_NUMBER_CHARS = 40  # longer "numbers" (0x and 4,000 digits, 1:59:59:…) are refused
# libyaml's composer recurses in C, one stack frame per level of nesting: 25,000 levels
# (50 KB of "[") overflow the stack (SIGSEGV). A text this short cannot nest deeper than
# its length, which is safe; a longer one is composed in Python with a depth guard.
C_COMPOSE_MAX = 8192

if TYPE_CHECKING:
    _Parser = yaml.CSafeLoader
else:
    _Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Parser):
    """libyaml's parser and composer where available (several times faster); our
    constructors add line numbers."""

    def construct_object(self, node, deep=False):
        # A value that cannot be made (`!!bool maybe`, `!!int x`) is reported at its own line.
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, _BadKey):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a constructor raises, it is this value's fault
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this {node.tag.rsplit(':', 1)[-1]} value: {exc}"[:200], node.start_mark
            ) from None


class _DeepLoader(yaml.composer.Composer, _Loader):
    """The same with Python's composer, which stops at MAX_YAML_DEPTH instead of recursing on."""

    def __init__(self, stream):
        _Loader.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        self._depth = 0

    def compose_node(self, parent, index):
        if self._depth >= MAX_YAML_DEPTH and not self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            assert event is not None  # compose_node is only called with a node's event to read
            raise _too_deep(event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _too_deep(mark) -> yaml.MarkedYAMLError:
    return yaml.composer.ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", mark)


def _check_bounds(root: yaml.Node) -> None:
    """Refuse nesting deeper than MAX_YAML_DEPTH, more than MAX_YAML_VALUES values counting
    what aliases repeat, and an alias inside the value it names, before anything is built.

    An alias is the node it names, shared; the walk counts each node's expanded size once
    (memo by identity) and never expands anything, so it is linear in the size of the text.
    """
    sizes: dict[int, int] = {}  # id(node) → values it stands for, once walked
    on_path: set[int] = set()
    stack: list[list] = []  # [node, depth, values so far, children, next child]

    def enter(node: yaml.Node, depth: int) -> None:
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(node.start_mark)
        on_path.add(id(node))
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.append([node, depth, 1, children, 0])

    if isinstance(root, yaml.CollectionNode):
        enter(root, 1)
    while stack:
        frame = stack[-1]
        node, depth, values, children, i = frame
        while i < len(children):  # scalars and nodes already walked, without leaving the loop
            child = children[i]
            if isinstance(child, yaml.ScalarNode):
                values += 1
            elif id(child) in sizes:
                values += sizes[id(child)]
            else:
                break
            i += 1
        if values > MAX_YAML_VALUES:
            raise yaml.composer.ComposerError(
                None, None, f"more than {MAX_YAML_VALUES:,} values, counting what each alias repeats", node.start_mark
            )
        frame[2], frame[4] = values, i + 1
        if i < len(children):
            if id(children[i]) in on_path:
                raise yaml.composer.ComposerError(
                    None, None, "an alias inside the value it names (a value cannot contain itself)", node.start_mark
                )
            enter(children[i], depth + 1)
            continue
        stack.pop()
        on_path.discard(id(node))
        sizes[id(node)] = values
        if stack:
            stack[-1][2] += values


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.line, result.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = _value(loader, key_node)
        line = key_node.start_mark.line + 1
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise _BadKey(f"invalid key {quote(key)}: a key is a name such as 'title'", line)
        if key in result:
            raise _BadKey(f"duplicate key {quote(key)}", line)
        result[key] = _value(loader, value_node)
        result.lines[key] = line
    return result


def _value(loader: _Loader, node: yaml.Node) -> Any:
    """A child's value. Text, most of what front matter holds, is made here at once; everything
    else by the loader (which shares the value of an alias and reports errors at their line)."""
    if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
        return _construct_str(loader, node)
    return loader.construct_object(node, deep=True)


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(_value(loader, child) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


STR_TAG = "tag:yaml.org,2002:str"


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Text, refusing control characters written as YAML escapes ("\\0", "\\x07")."""
    value = node.value  # what SafeConstructor.construct_scalar returns for a scalar
    bad = CONTROL_CHARS.search(value)
    if bad:
        raise yaml.constructor.ConstructorError(
            None, None, f"control character U+{ord(bad.group()):04X} is not allowed", node.start_mark
        )
    return value


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """A whole number; one too long to be a number here is an error, before Python converts it."""
    if len(node.value) > MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {len(node.value):,} characters is too long; put it in quotes if it is text",
            node.start_mark,
        )
    return loader.construct_yaml_int(node)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    """A date; one that does not exist (2025-13-45) stays text, for the field to report in context."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


# C0 and C1 controls (not tab, newline, carriage return) and noncharacters: never valid in HTML.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_Loader.add_constructor(STR_TAG, _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_yaml(text: str, path: Path, first_line: int, problems: Problems) -> Any:
    """YAML text → data with line numbers, or None after recording the problem."""
    loader = (_Loader if len(text) <= C_COMPOSE_MAX else _DeepLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_bounds(node)
        return loader.construct_document(node)
    except _BadKey as exc:
        problems.error(path, first_line + exc.line - 1, exc.message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.error(path, line, f"invalid YAML: {exc.problem or exc}")
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        problems.error(path, first_line, f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    return None


# --- Files -------------------------------------------------------------------

# The largest file the loader reads (docs/content-format.md): 60 times the largest real
# file (4 KB) and 12 times the whole source text, yet small enough that pathological
# Markdown parses in seconds (markdown-it-py needs up to ~30 µs per byte of "[[[[…").
MAX_FILE_BYTES = 256 * 1024

_FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _not_readable(st: os.stat_result) -> str | None:
    """Why a file with this status is not read, or None."""
    if not stat.S_ISREG(st.st_mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        return f"{kind}, not a regular file: only regular files are read"
    if st.st_size > MAX_FILE_BYTES:
        return (
            f"the file is {st.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes "
            f"({MAX_FILE_BYTES // 1024} KiB) per file"
        )
    return None


def _outside(path: Path, root: Path) -> Path | None:
    """Where `path` really is, when a symbolic link on the way from `root` leads out of `root`."""
    # In strings, not pathlib: this runs for every file a build reads.
    inside = os.path.join(root, "")
    where = os.fspath(path)
    if where.startswith(inside):
        step = inside[:-1]
        for part in where[len(inside) :].split(os.sep):
            step = os.path.join(step, part)
            if os.path.islink(step):
                break
        else:
            return None
    real = Path(os.path.realpath(path))
    return None if real.is_relative_to(os.path.realpath(root)) else real


def _os_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself)"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            return f"broken symbolic link (to {quote(os.readlink(path))}, which does not exist)"
        except OSError:
            pass
    return f"cannot read file: {exc.strerror}"


def read_bytes(path: Path, problems: Problems, root: Path | None = None) -> bytes | None:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or None after recording why not.

    Type and size are checked before the file is opened (a FIFO would block the build
    forever, /dev/zero never ends) and again on the open file, which is read no further
    than the limit. Under `root` (the content folder) a symbolic link is followed only
    to a file inside `root`.
    """
    try:
        st = os.stat(path)
        where = _outside(path, root) if root is not None else None
    except OSError as exc:
        problems.error(path, 1, _os_problem(path, exc))
        return None
    if where is not None and root is not None:  # `where` is only set when `root` is
        problems.error(
            path,
            1,
            f"symbolic link to {shown(where)}, outside the content folder {shown(root)}: only files inside it are read",
        )
        return None
    why = _not_readable(st)
    if why is None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "rb") as fh:
                why = _not_readable(os.fstat(fh.fileno()))  # the file may have been swapped
                data = fh.read(MAX_FILE_BYTES + 1) if why is None else b""
        except OSError as exc:
            problems.error(path, 1, _os_problem(path, exc))
            return None
        if why is None and len(data) > MAX_FILE_BYTES:  # grew since
            why = f"the file is over the limit of {MAX_FILE_BYTES:,} bytes per file"
    if why is not None:
        problems.error(path, 1, why)
        return None
    return data


def read_text(path: Path, problems: Problems, root: Path | None = None) -> str | None:
    """A content file's text: UTF-8 (a leading byte order mark is dropped), LF or CRLF line
    endings (returned as LF), no control characters; None after recording the problem."""
    data = read_bytes(path, problems, root)
    if data is None:
        return None
    if data.startswith(codecs.BOM_UTF8):  # some Windows editors write one; it is not text
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, "not valid UTF-8")
        return None
    bad = CONTROL_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        problems.error(path, line, f"control character U+{ord(bad.group()):04X} is not allowed")
        return None
    text = text.replace("\r\n", "\n")
    cr = text.find("\r")
    if cr != -1:
        problems.error(
            path,
            text.count("\n", 0, cr) + 1,
            "a line ends with a bare carriage return (CR, as old Mac OS wrote); "
            "save the file with LF or CRLF line endings",
        )
        return None
    return text


def list_folder(folder: Path, problems: Problems) -> list[Path]:
    """A folder's entries, sorted by name; [] after recording why the folder cannot be read."""
    try:
        with os.scandir(folder) as entries:
            return sorted(folder / e.name for e in entries)
    except OSError as exc:
        problems.error(folder, 1, f"cannot read folder: {exc.strerror}")
        return []


def split_front_matter(text: str, path: Path, problems: Problems):
    """(front matter data, body, body's first line) or None."""
    if not text.startswith("---\n"):
        problems.error(path, 1, "file must start with a YAML front matter block ('---')")
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            problems.error(path, 1, "front matter block is not closed with '---'")
            return None
    yaml_text = text[4 : end + 1]
    data = parse_yaml(yaml_text, path, 2, problems)
    if data is None and yaml_text.strip():
        return None
    if not isinstance(data, dict):
        problems.error(path, 2, "front matter must be a mapping of fields")
        return None
    body_line = text.count("\n", 0, end + 1) + 2
    return data, text[end + 5 :], body_line


class Fields:
    """Typed access to a front matter mapping, recording what is wrong where."""

    def __init__(self, data: Mapping[Any, Any], path: Path, first_line: int, problems: Problems, known: set[str]):
        self.data, self.path, self.first, self.problems = data, path, first_line, problems
        for key in data:
            if key not in known:
                self.error(key, f"unknown field {quote(key)}")

    def line(self, key: str | None = None) -> int:
        lines = getattr(self.data, "lines", {})
        if key is not None and key in lines:
            return self.first + lines[key] - 1
        return self.first + getattr(self.data, "line", 1) - 1

    def error(self, key: str | None, message: str) -> None:
        self.problems.error(self.path, self.line(key), message)

    def _get(self, key: str, required: bool):
        if key not in self.data or self.data[key] is None:
            if required:
                self.problems.error(self.path, self.line(), f"missing required field {key!r}")
            return None
        return self.data[key]

    def str(self, key: str, required: bool = True, max_len: int = 2000) -> builtins.str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(key, f"field {key!r} must be text")
            return None
        value = str(value).strip()
        if required and not value:
            self.error(key, f"field {key!r} must not be empty")
            return None
        if len(value) > max_len:
            self.error(key, f"field {key!r} is longer than {max_len} characters")
            return None
        return value

    def int(self, key: builtins.str, required: bool = True) -> builtins.int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_NUMBER:
            self.error(key, f"field {key!r} must be a whole number from 1 to {MAX_NUMBER}")
            return None
        return value

    def date(self, key: builtins.str, required: bool = True) -> builtins.str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError as exc:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # the form is right, the date is not
                    self.error(key, f"field {key!r}: {value} is not a date ({exc})")
                    return None
        self.error(key, f"field {key!r} must be a date written YYYY-MM-DD")
        return None

    def list(self, key: builtins.str, required: bool = False) -> builtins.list[Any]:
        value = self._get(key, required)
        if value is None:
            return YList()
        if not isinstance(value, list):
            self.error(key, f"field {key!r} must be a list")
            return YList()
        return value

    def mappings(
        self, key: builtins.str, fields: set[builtins.str], what: builtins.str
    ) -> Iterator[tuple[Mapping[Any, Any], Fields, builtins.int]]:
        """Each entry of the list `key` as (entry, its own Fields, its line); an entry that is not a
        mapping is reported on its line as `what` and skipped."""
        seq = self.list(key)
        for i, entry in enumerate(seq):
            line = self.item_line(key, seq, i)
            if not isinstance(entry, dict):
                self.problems.error(self.path, line, what)
                continue
            yield entry, Fields(entry, self.path, self.first, self.problems, fields), line

    def item_line(self, key: builtins.str, seq: builtins.list[Any], index: builtins.int) -> builtins.int:
        lines = getattr(seq, "lines", None)
        if lines and index < len(lines):
            return self.first + lines[index] - 1
        return self.line(key)

    def str_list(self, key: builtins.str, required: bool = False) -> tuple[builtins.str, ...]:
        seq = self.list(key, required)
        out = []
        for i, item in enumerate(seq):
            if isinstance(item, str) and item.strip():
                out.append(item.strip())
            else:
                self.problems.error(
                    self.path, self.item_line(key, seq, i), f"each entry of {key!r} must be non-empty text"
                )
        return tuple(out)


# --- Bodies -------------------------------------------------------------------


def parse_sections(body: str, body_line: int, path: Path, problems: Problems) -> tuple[Section, ...]:
    """A document body → sections, each started by a `{#anchor}` line."""
    sections: list[tuple[str, list[Block]]] = []
    pending: str | None = None
    for tok in markup.parse_blocks(body):
        line = body_line + (tok.map[0] if tok.map else 0)
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
                level = 0 if pending == "p" else int(pending[1])
                sections[-1][1].append(
                    Block(kind, level, tok.content, markup.plain_text(tok.children or []), Source(str(path), line))
                )
            pending = None
        elif tok.type == "html_block":
            problems.error(path, line, f"raw HTML is not allowed: {tok.content.strip()[:40]!r}")
        elif tok.type.endswith("_open") and tok.type not in ("heading_open", "paragraph_open"):
            what = tok.type.removesuffix("_open").replace("_", " ")
            problems.error(path, line, f"only headings and paragraphs are allowed here (found {what})")
    return tuple(Section(anchor, tuple(blocks)) for anchor, blocks in sections)


# --- Documents and provisions ----------------------------------------------------

DOC_FIELDS = {
    "title",
    "short_title",
    "doc_type",
    "issuer",
    "date_passed",
    "date_issued",
    "date_promulgated",
    "date_effective",
    "number",
    "status",
    "source",
    "parts",
    "editorial_notes",
    "structure",
    "numbering",
    "chapters",
    "books",
    "sections",
}  # "sections" only to say that a 节 belongs inside its 章
PROVISION_FIELDS = {"number", "label", "part", "title", "topics", "related", "notes", "incomplete"}
SOURCE_FIELDS = ("file", "description", "lines", "moved", "dropped", "omitted")
DATE_FIELDS = ("date_passed", "date_issued", "date_promulgated", "date_effective")


def load_document(
    folder: Path, topics: dict[str, Topic], problems: Problems, root: Path | None = None
) -> Document | None:
    """A document folder; `root` is the content folder (default: the folder's parent)."""
    root = folder.parent if root is None else root
    path = folder / DOCUMENT_FILE
    if not os.path.lexists(path):
        problems.error(path, 1, "missing document file")
        return None
    text = read_text(path, problems, root)
    if text is None:
        return None
    parsed = split_front_matter(text, path, problems)
    if parsed is None:
        return None
    data, body, body_line = parsed
    f = Fields(data, path, 2, problems, DOC_FIELDS)
    doc_type = f.str("doc_type", max_len=40)
    form = f.str("structure", required=False)
    if form is None:
        form = addresses.POLICY if doc_type and doc_type.endswith(POLICY_TYPES) else addresses.LEGAL
    elif form not in addresses.STRUCTURES:
        f.error("structure", f"structure must be one of {', '.join(addresses.STRUCTURES)}")
        form = addresses.LEGAL
    style = f.str("numbering", required=False) or "一、"
    if style not in addresses.ARTICLE_STYLES:
        f.error(
            "numbering", f"numbering must be one of {', '.join(addresses.ARTICLE_STYLES)} (how the text numbers its 条)"
        )
        style = "一、"
    dates = tuple((k, d) for k, d in ((k, f.date(k, required=False)) for k in DATE_FIELDS) if d)
    if not any(data.get(k) is not None for k in ("date_passed", "date_issued")):
        f.error(None, "missing required field 'date_passed' or 'date_issued'")
    source = data.get("source")
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("file", "description")):
        f.error("source" if "source" in data else None, "field 'source' must have 'file' and 'description'")
        source = {"file": "", "description": ""}
    source_lines = None
    if "lines" in source:
        source_lines = structure._range(source["lines"])
        if source_lines is None or not 0 < source_lines[0] <= source_lines[1]:
            f.error("source", "source 'lines' must be the first and last line of the document in the file, e.g. 1-107")
            source_lines = None
    for key in source:
        if key not in SOURCE_FIELDS:
            f.error("source", f"unknown field {key!r} in 'source' ({', '.join(SOURCE_FIELDS)})")
    rules = structure.load_source_rules(source, f)
    parts = _load_parts(f)
    if parts and form != addresses.POLICY:
        f.error("parts", "parts (部分) belong to a 公文型 document; a 法规型 one has 'chapters'")
    chapters, books = structure.load_chapters(f, folder.name)
    if chapters and form != addresses.LEGAL:
        f.error("chapters", "chapters (章) belong to a 法规型 document; a 公文型 one has 'parts'")
    sections = parse_sections(body, body_line, path, problems)
    kind = STRUCTURE_KINDS[form]
    provisions = _load_provisions(folder, kind, parts, topics, problems, root, form, style)
    provisions = tuple(structure.place_articles(list(provisions), chapters, path, problems))
    structure.check_numbering(list(provisions), {n for p in parts for n in p.missing_items}, problems)

    title, short_title, status = f.str("title"), f.str("short_title"), f.str("status")
    if title is None or short_title is None or status is None or doc_type is None:
        return None
    return Document(
        slug=folder.name,
        doc_type=doc_type,
        issuer=f.str_list("issuer", required=True),
        dates=dates,
        number=f.str("number", required=False),
        source_file=source["file"],
        source_description=source["description"],
        parts=parts,
        editorial_notes=f.str_list("editorial_notes"),
        sections=sections,
        provisions=provisions,
        markdown_file=text,
        source=Source(str(path), 1),
        structure=form,
        chapters=chapters,
        books=books,
        source_lines=source_lines,
        **rules,
        title=title,
        short_title=short_title,
        status=status,
    )


def _load_parts(f: Fields) -> tuple[Part, ...]:
    parts = []
    for _, pf, _ in f.mappings(
        "parts",
        {"number", "label", "heading", "missing_items"},
        "each part must be a mapping with number, label, heading",
    ):
        number, label = pf.int("number"), pf.str("label")
        heading = pf.str("heading", required=False)
        missing = pf.list("missing_items")
        if not all(isinstance(m, int) and not isinstance(m, bool) and 0 < m <= MAX_NUMBER for m in missing):
            pf.error("missing_items", f"missing_items must be a list of item numbers from 1 to {MAX_NUMBER}")
            missing = []
        if number is None or label is None:
            continue
        if label != cn_number(number):
            pf.error("label", f"label {quote(label)} does not match part number {number}")
        parts.append(Part(number, label, heading, tuple(missing)))
    numbers = [p.number for p in parts]
    if numbers != sorted(set(numbers)):
        f.error("parts", "parts must be listed once each, in order")
    return tuple(parts)


def _load_provisions(
    folder: Path,
    kind: str,
    parts: tuple[Part, ...],
    topics: dict[str, Topic],
    problems: Problems,
    root: Path,
    form: str = addresses.LEGAL,
    style: str = "一、",
) -> tuple[Provision, ...]:
    provisions: list[Provision] = []
    seen: dict[tuple[str, int], Path] = {}
    for path in list_folder(folder, problems):
        if path.name == DOCUMENT_FILE or not path.name.endswith(".md"):
            continue
        match = PROVISION_FILE.match(path.name)
        if not match:
            problems.error(path, 1, "provision files are named 01.md … 999.md (two digits at least) or part-N.md")
            continue
        this_kind = "part" if match.group(2) else kind
        prov = _load_provision(path, folder.name, this_kind, parts, topics, problems, root, form, style)
        if prov is None:
            continue
        file_number = int(match.group(1) or match.group(2))
        if prov.number != file_number:
            problems.error(path, prov.source.line, f"number {prov.number} does not match the file name {path.name}")
        if (this_kind, prov.number) in seen:
            problems.error(
                path,
                prov.source.line,
                f"duplicate number {prov.number} (also in {seen[(this_kind, prov.number)].name})",
            )
            continue
        seen[(this_kind, prov.number)] = path
        provisions.append(prov)

    # Reading order: items and articles by number, a part's own text after its items.
    def order(p: Provision) -> tuple[int, int]:
        if p.kind == "part":
            return (p.number, 10_000)
        return (p.part or 0, p.number) if kind == "item" else (0, p.number)

    return tuple(sorted(provisions, key=order))


def _load_provision(
    path: Path,
    doc: str,
    kind: str,
    parts: tuple[Part, ...],
    topics: dict[str, Topic],
    problems: Problems,
    root: Path,
    form: str = addresses.LEGAL,
    style: str = "一、",
) -> Provision | None:
    text = read_text(path, problems, root)
    if text is None:
        return None
    parsed = split_front_matter(text, path, problems)
    if parsed is None:
        return None
    data, body, body_line = parsed
    f = Fields(data, path, 2, problems, PROVISION_FIELDS)
    # A 条's title is optional (most laws have none); its label follows from its number.
    number, label = f.int("number"), f.str("label", required=False)
    title = f.str("title", required=kind != "article", max_len=200)
    if label is None and number is not None and number < 10000:
        label = addresses.provision_label(kind, number)
    if title is None and kind == "article":
        title = ""
    part = f.int("part", required=kind == "item")
    if kind != "item" and "part" in data:
        f.error("part", "only plan items belong to a part")
    if number is not None and label is not None:
        expected = addresses.provision_label(kind, number)
        if label != expected:
            f.error("label", f"label {quote(label)} does not match number {number} (expected {quote(expected)})")
    if part is not None and parts and not any(p.number == part for p in parts):
        f.error("part", f"part {part} is not listed in the document's parts")

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

    paragraphs = structure.parse_body(
        body, body_line, path, addresses.provision_anchor(kind, number or 0), form, problems
    )
    for note, line in notes:
        if note.paragraph is not None and not 1 <= note.paragraph <= len(paragraphs):
            problems.error(
                path, line, f"note refers to paragraph {note.paragraph}, but the provision has {len(paragraphs)}"
            )
    if number is None or label is None or title is None:
        return None
    return Provision(
        doc=doc,
        kind=kind,
        number=number,
        label=label,
        title=title,
        title_is_editorial=kind == "article" and bool(title),
        part=part if kind == "item" else (number if kind == "part" else None),
        topics=topic_slugs,
        related=tuple(related),
        notes=tuple(n for n, _ in notes),
        incomplete=incomplete,
        paragraphs=paragraphs,
        markdown_file=text,
        source=Source(str(path), f.line("number")),
        style=style,
    )


# --- Glossary and topics -------------------------------------------------------------

TERM_FIELDS = {"term", "slug", "pinyin", "aliases", "en", "see_also"}


def load_terms(folder: Path, problems: Problems, root: Path | None = None) -> tuple[Term, ...]:
    root = folder.parent if root is None else root
    terms = []
    for path in list_folder(folder, problems) if os.path.isdir(folder) else []:
        if not path.name.endswith(".md"):
            continue
        text = read_text(path, problems, root)
        if text is None:
            continue
        parsed = split_front_matter(text, path, problems)
        if parsed is None:
            continue
        data, body, body_line = parsed
        f = Fields(data, path, 2, problems, TERM_FIELDS)
        slug = f.str("slug")
        if slug is not None and (not SLUG.match(slug) or slug != path.stem):
            f.error("slug", f"slug {quote(slug)} must be ASCII pinyin and equal the file name {quote(path.stem)}")
        term, pinyin, en = f.str("term", max_len=60), f.str("pinyin"), f.str("en", max_len=200)
        aliases, see_also = f.str_list("aliases"), f.str_list("see_also")
        blocks = [t for t in markup.parse_blocks(body) if t.type == "inline"]
        if len(blocks) != 1:
            problems.error(path, body_line, "the definition must be exactly one paragraph")
            continue
        bad = markup.disallowed_inline(blocks[0].children or [])
        if bad:
            assert blocks[0].map is not None  # markdown-it gives a paragraph's inline token its lines
            problems.error(path, body_line + blocks[0].map[0], bad)
            continue
        if slug is None or term is None or pinyin is None or en is None:
            continue
        terms.append(
            Term(
                slug=slug,
                aliases=aliases,
                see_also=see_also,
                definition=blocks[0].content,
                definition_text=markup.plain_text(blocks[0].children or []),
                source=Source(str(path), f.line("term")),
                lines={k: f.line(k) for k in ("term", "aliases", "see_also")},
                term=term,
                pinyin=pinyin,
                en=en,
            )
        )
    return tuple(terms)


def check_terms(terms: tuple[Term, ...], problems: Problems) -> None:
    by_slug = {t.slug: t for t in terms}
    owner: dict[str, Term] = {}
    for term in terms:
        for i, form in enumerate(term.forms):
            other = owner.setdefault(form, term)
            if other is not term:
                problems.error(
                    term.source.path,
                    term.lines["term" if i == 0 else "aliases"],
                    f"term form {quote(form)} is also used by {other.source.path}",
                )
        for slug in term.see_also:
            if slug not in by_slug:
                problems.error(term.source.path, term.lines["see_also"], f"see_also names unknown term {quote(slug)}")


def load_topics(path: Path, problems: Problems, root: Path | None = None) -> dict[str, Topic]:
    if not os.path.lexists(path):
        problems.error(path, 1, "missing topics file")
        return {}
    text = read_text(path, problems, path.parent if root is None else root)
    data = parse_yaml(text, path, 1, problems) if text is not None else None
    if data is None:
        return {}
    if not isinstance(data, YList):  # a plain list (`!!omap`, `!!pairs`) has no line numbers
        problems.error(path, 1, "topics.yaml must be a list of topics")
        return {}
    topics: dict[str, Topic] = {}
    for i, entry in enumerate(data):
        line = data.lines[i]
        if not isinstance(entry, dict):
            problems.error(path, line, "each topic needs slug, name and description")
            continue
        f = Fields(entry, path, 1, problems, {"slug", "name", "description"})
        slug, name, desc = f.str("slug"), f.str("name"), f.str("description")
        if slug is None or name is None or desc is None:
            continue
        if not SLUG.match(slug):
            f.error("slug", f"topic slug {quote(slug)} must be ASCII pinyin (a-z, 0-9, -)")
        elif slug in topics:
            f.error("slug", f"duplicate topic slug {quote(slug)}")
        else:
            topics[slug] = Topic(slug, name, desc, Source(str(path), line))
    return topics


# --- Site ----------------------------------------------------------------------------

# Where the site is published: canonical links, JSON-LD, citations, QR codes and the sitemap carry it.
BASE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")
SITE_FIELDS = {"title", "short_title", "description", "base_url", "language", "documents", "nav", "search"}


def load_config(path: Path, problems: Problems, base_url: str | None = None) -> SiteConfig | None:
    if not os.path.lexists(path):
        problems.error(path, 1, "missing site configuration")
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    reported = len(problems.items)
    data = parse_yaml(text, path, 1, problems)
    if not isinstance(data, dict):
        if len(problems.items) == reported:  # an empty file, or YAML that is not a mapping
            problems.error(path, 1, "site.yaml must be a mapping")
        return None
    f = Fields(data, path, 1, problems, SITE_FIELDS)
    nav = []
    seq = f.list("nav")
    for i, entry in enumerate(seq):
        line = f.item_line("nav", seq, i)
        if not (isinstance(entry, dict) and isinstance(entry.get("label"), str) and isinstance(entry.get("path"), str)):
            problems.error(path, line, "each nav entry needs 'label' and 'path'")
        elif not NAV_PATH.match(entry["path"]):
            problems.error(
                path,
                line,
                f"nav path {quote(entry['path'])} must name a file of the site, relative "
                "to its root, as in glossary/index.html (no scheme, no leading '/', no '..')",
            )
        else:
            nav.append((entry["label"], entry["path"]))
    seq = f.list("documents")
    for i, slug in enumerate(seq):
        if isinstance(slug, str) and not SLUG.match(slug.strip()):
            problems.error(
                path,
                f.item_line("documents", seq, i),
                f"document {quote(slug)} must be a slug: a-z, 0-9 and single hyphens, as in yrd-decision",
            )
    title = f.str("title")
    short_title = f.str("short_title")
    description = f.str("description")
    url = base_url or f.str("base_url")
    if url is not None and not BASE_URL.match(url):
        message = f"base URL {quote(url)} must be an absolute http:// or https:// address, like https://example.org/"
        if base_url:
            problems.error("--base-url", 1, message)
        else:
            f.error("base_url", message)
        url = None
    language = f.str("language")
    search_value = data.get("search")
    search = search_value if isinstance(search_value, dict) else {}
    if title is None or short_title is None or description is None or url is None or language is None:
        return None
    return SiteConfig(
        nav=tuple(nav),
        documents=f.str_list("documents"),
        search=dict(search),
        title=title,
        short_title=short_title,
        description=description,
        base_url=url.rstrip("/") + "/",
        language=language,
    )


def document_folders(content: Path, problems: Problems) -> list[Path]:
    """The folders of `content` that hold a _document.md, by name; a folder that cannot be
    read, or whose name is not a slug (it becomes part of every address), is an error."""
    folders = []
    for entry in list_folder(content, problems):
        try:
            if not stat.S_ISDIR(os.stat(entry).st_mode):
                continue
            os.lstat(entry / DOCUMENT_FILE)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            problems.error(entry, 1, f"cannot read folder: {exc.strerror}")
            continue
        if not SLUG.match(entry.name):
            problems.error(
                entry / DOCUMENT_FILE,
                1,
                f"document folder name {quote(entry.name)} must be a slug: "
                "a-z, 0-9 and single hyphens, as in yrd-decision",
            )
            continue
        folders.append(entry)
    return folders


# Below this many documents, starting a second process to read them costs more than it saves.
PARALLEL_FROM = 8


def load_site(site_file: Path, content: Path, base_url: str | None = None, jobs: int = 1) -> tuple[Site, Problems]:
    """Read everything that can be read; the problems found go on to the link stage.

    With `jobs` > 1 and many documents, the document folders are shared among that many
    processes (each document is read on its own; `sitegen.parallel`). Raises
    ContentErrors only when the site settings themselves cannot be read.
    """
    problems = Problems()
    config = load_config(site_file, problems, base_url)
    topics = load_topics(content / "topics.yaml", problems, content)
    if not os.path.isdir(content):
        problems.error(content, 1, "content folder not found")
    folders = document_folders(content, problems) if os.path.isdir(content) else []

    def one(folder: Path) -> tuple[Document | None, list[ContentError]]:
        found = Problems()
        return load_document(folder, topics, found, content), found.items

    documents = []
    for doc, found in parallel.map_shares(one, folders, jobs if len(folders) >= PARALLEL_FROM else 1):
        problems.items += found
        if doc is not None:
            documents.append(doc)
    if config is not None and config.documents:
        order = {slug: i for i, slug in enumerate(config.documents)}
        for doc in documents:
            if doc.slug not in order:
                problems.error(site_file, 1, f"document {doc.slug!r} is not listed in 'documents'")
        documents.sort(key=lambda d: order.get(d.slug, len(order)))
    terms = load_terms(content / "glossary", problems, content)
    check_terms(terms, problems)
    if config is None:
        problems.raise_if_any()
        # load_config records a problem whenever it returns None, so raise_if_any raised
        raise AssertionError("no site configuration and no problem recorded")
    return Site(config, tuple(documents), terms, tuple(topics.values())), problems
