"""Reading content files safely: regular files only, within a size limit, inside the content folder.

(docs/content-format.md#files-and-limits)
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path

from .errors import Problems, quote, shown

# C0 and C1 controls (not tab, newline, carriage return) and noncharacters: never valid in HTML.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")

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
