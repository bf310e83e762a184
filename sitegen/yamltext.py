"""YAML that remembers where each value was written, within bounds; front matter; typed fields.

Every content file's front matter and site.yaml are read here: each mapping and list
knows the line of each of its values, so that every problem is `path:line: message`.
The bounds (depth, values, long numbers) keep hostile YAML from hanging or crashing a
build (docs/content-format.md#files-and-limits).
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Problems, quote
from .files import CONTROL_CHARS, read_text
from .model import MAX_NUMBER

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


# --- Front matter ----------------------------------------------------------


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
    yaml_text = text[4 : end + 1] if end > 3 else ""
    data = parse_yaml(yaml_text, path, 2, problems)
    if data is None and yaml_text.strip():
        return None
    if data is None:  # an empty block: every field a provision may have is optional
        data = YMap()
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


def read_markdown(path: Path, problems: Problems, root: Path | None = None) -> tuple[str, Any, str, int] | None:
    """A content file read whole: (its text, its front matter, its body, the body's first line),
    or None after recording why not (files.read_text, split_front_matter)."""
    text = read_text(path, problems, root)
    if text is None:
        return None
    parsed = split_front_matter(text, path, problems)
    if parsed is None:
        return None
    return (text, *parsed)
