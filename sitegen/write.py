"""Write: put the rendered files on disk, all or nothing.

The site is written into a staging folder beside the output (`.NAME.tmp-PID`) and
swapped in only when everything (including the search index) succeeded, so a failed
build leaves the previous output untouched.

- One build at a time per output folder: from staging to swap a build holds an
  exclusive lock on `.NAME.lock` beside the output (`fcntl.flock`); a second build
  into the same folder stops at once with "another build is writing NAME". The lock
  dies with its process, so a build killed with SIGKILL never blocks the next one.
- Staging folders (`.NAME.tmp-PID`, `.NAME.old-PID`) of processes that no longer exist
  are removed by the next build into that folder.
- The swap: on Linux the new folder and the previous output are exchanged in one
  `renameat2(RENAME_EXCHANGE)` call, so the output folder exists at every moment;
  where that call is missing (another OS, a file system without it) two renames leave
  it missing for the moment between them.
- Failures of the file system (a full disk, a folder that cannot be created) are
  reported as `OutputError`, one line, never a traceback.
"""

from __future__ import annotations

import errno
import contextlib
import os
import re
import shutil
import stat
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import ModuleType
from typing import Any, Literal

from . import parallel
from .errors import shown

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: builds are then not locked
    fcntl = None  # type: ignore[assignment]

MARKER = ".sitegen"  # marks a folder as ours, so we never replace anything else


class OutputError(Exception):
    pass


class OutputBusy(OutputError):
    """Another build is writing the output folder: trying again once it is done can succeed."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would overwrite sources, lie inside a source folder
    (content, templates, static: the build would read or copy its own output), have a
    file where a folder on its path should be, or replace a folder not made by us."""
    try:
        resolved = out.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        raise OutputError(f"{shown(out)}: cannot use this output folder: {exc}") from None
    for path in protected:
        p = path.resolve()
        if resolved == p or p.is_relative_to(resolved):
            raise OutputError(f"{shown(out)}: refusing to build into a folder that holds {shown(path)}")
        if p.is_dir() and resolved.is_relative_to(p):
            raise OutputError(
                f"{shown(out)}: refusing to build inside the source folder {shown(path)}; choose an --out outside it"
            )
    for parent in resolved.parents:  # the nearest one that exists must be a folder
        try:
            mode = os.stat(parent).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise OutputError(f"{shown(out)}: cannot use {shown(parent)}: {exc.strerror}") from None
        if not stat.S_ISDIR(mode):
            raise OutputError(f"{shown(out)}: {shown(parent)} is a file, not a folder; choose another --out")
        break
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputError(f"{shown(out)}: exists and was not made by build.py; choose another --out or remove it")


def _failed(out: Path, exc: OSError) -> OutputError:
    if isinstance(exc, shutil.Error):  # copytree: a list of (source, destination, reason)
        detail = str(exc)[:300]
    else:
        detail = exc.strerror or str(exc)
        if exc.filename:
            detail += f": {shown(exc.filename)}"
    return OutputError(f"{shown(out)}: could not write the site ({detail}); the previous output is unchanged")


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out`; swapped into place if the block succeeds.

    OSError raised in the block (writing files, copying static files) or by the swap
    becomes OutputError; the staging folder is removed in every case.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(out, exc) from None
    with _lock(out):
        remove_stale(out)
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            yield tmp
            (tmp / MARKER).write_text("Built by build.py; safe to delete.\n", encoding="utf-8")
            _swap(tmp, out)
        except OSError as exc:
            raise _failed(out, exc) from None
        finally:
            remove_tree(tmp)  # after the swap: the previous output


def remove_tree(folder: Path) -> None:
    """Remove a folder and everything in it, ignoring errors; a large one by several threads
    (each file removed is a wait on the file system, as each file written is)."""
    files = [os.path.join(where, name) for where, _, names in os.walk(folder) for name in names]
    _on_threads(_unlink_all, files)
    shutil.rmtree(folder, ignore_errors=True)  # what is left: the folders, and anything the walk missed


def _unlink_all(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """Hold `.NAME.lock` beside `out` for the block, or fail at once if another build holds it."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    path = out.parent / f".{out.name}.lock"
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise _failed(out, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(
                f"{shown(out)}: another build is writing {shown(out)} (it holds "
                f"{shown(path)}); try again when it has finished"
            ) from None
        # The holder before us removes the file when it is done: lock the file that is
        # on disk now, not one that was removed between our open() and flock().
        try:
            held, now = os.fstat(fd), os.stat(path)
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still holding it: the next build creates a fresh one
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError) as exc:
        return isinstance(exc, PermissionError)  # someone else's process; an impossible pid is none
    return True


def remove_stale(out: Path) -> list[str]:
    """Remove staging folders beside `out` left by processes that no longer exist; their names."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:tmp|old)-(\d+)")
    removed: list[str] = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m and entry.is_dir(follow_symlinks=False) and int(m[1]) != os.getpid() and not _alive(int(m[1])):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


_renameat2: tuple[Callable[..., int], ModuleType] | Literal[False] | None = (
    None  # libc's renameat2, once looked up; False where there is none
)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            import ctypes

            try:
                fn = ctypes.CDLL(None, use_errno=True).renameat2
            except (OSError, AttributeError):
                pass
            else:
                fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                fn.restype = ctypes.c_int
                _renameat2 = (fn, ctypes)
    if not _renameat2:
        return False
    renameat2, ctypes_module = _renameat2
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes_module.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this kernel or file system cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, out: Path) -> None:
    """Put `new` in the place of `out`; the previous output ends up at `new` (or is removed)."""
    if not os.path.lexists(out):
        new.rename(out)
    elif not _exchange(new, out):
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
        new.rename(out)  # out is missing between these two renames
        shutil.rmtree(old, ignore_errors=True)


# Creating a file is a system call that waits on the file system (0.05–1 ms each here, far
# more while the disk is busy); threads wait together, so a large site is written by several.
WRITERS = 4
THREADED_FROM = 200  # files; below this, starting threads costs more than it saves


def make_folders(root: Path, paths: Iterable[str]) -> None:
    """The folders that files at these paths (relative to `root`) go into."""
    for folder in sorted({os.path.dirname(rel) for rel in paths}):  # parents before children
        (root / folder).mkdir(parents=True, exist_ok=True)


class Writer:
    """Writes files on a thread of its own while the caller renders the next ones.

    Made before `sitegen.parallel` forks; each process that puts files gets its own
    thread (threads do not survive a fork). `wait()` returns when everything this
    process put is on disk, and raises the first OSError.
    """

    BATCH = 8  # files handed to the thread at a time: each hand-over costs the renderer a little

    def __init__(self, root: Path, previous: Path | None = None):
        self.root, self.previous = str(root), None if previous is None else str(previous)
        self._pid = -1
        self._pool: Any = None
        self._pending: list[Any] = []
        self._batch: list[tuple[str, str | bytes]] = []

    def put(self, rel: str, content: str | bytes) -> None:
        if self._pid != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            self._pid, self._pool, self._pending, self._batch = os.getpid(), ThreadPoolExecutor(1), [], []
        self._batch.append((rel, content))
        if len(self._batch) >= self.BATCH:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._batch:
            self._pending.append(self._pool.submit(_write, self.root, self._batch, self.previous))
            self._batch = []

    def wait(self) -> None:
        self._hand_over()
        pending, self._pending = self._pending, []
        for done in pending:
            done.result()

    def close(self) -> None:
        """Wait, and end this process's thread."""
        try:
            self.wait()
        finally:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.shutdown(wait=True)
            self._pool, self._pid = None, -1


def write_files(root: Path, files: Mapping[str, str | bytes], previous: Path | None = None) -> None:
    """The files, under `root`. With `previous` (the output being replaced, on the same file
    system), a file whose bytes are already there is linked to it instead of written again."""
    make_folders(root, files)
    before = None if previous is None else str(previous)
    _on_threads(partial(_write, str(root), previous=before), list(files.items()))


def _on_threads(work: Callable[[Any], None], items: list) -> None:
    """work(items); a long list in WRITERS shares, each on a thread of its own. The first
    error raised by any share is raised here."""
    if len(items) < THREADED_FROM:
        work(items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WRITERS) as pool:
        for _ in pool.map(work, parallel.shares(items, WRITERS)):
            pass


def _write(root: str, items: list[tuple[str, str | bytes]], previous: str | None = None) -> None:
    # O_EXCL: a file already in the staging folder may be a link to the output being
    # replaced; it is unlinked and made anew, never written through.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for rel, content in items:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = os.path.join(root, rel)
        if previous is not None and _same(os.path.join(previous, rel), data):
            try:
                os.link(os.path.join(previous, rel), path, follow_symlinks=False)
                continue
            except OSError:  # another file system, or no hard links there: write it
                pass
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            os.unlink(path)
            fd = os.open(path, flags, 0o644)
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view) :]
        except OSError as exc:  # a full disk: say which file, as open() does
            raise OSError(exc.errno, exc.strerror, path) from None
        finally:
            os.close(fd)


def _same(path: str, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (reading a file costs far less
    than writing one: a rebuild that changes few pages writes few)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def copy_static(static: Path, root: Path) -> None:
    if static.is_dir():
        shutil.copytree(static, root / "static", dirs_exist_ok=True)
