"""Write: put the rendered files on disk, all or nothing.

The site is written into a temporary folder beside the output and swapped in
only when everything (including the search index) succeeded, so a failed build
leaves the previous output untouched.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MARKER = ".sitegen"  # marks a folder as ours, so we never replace anything else


class OutputError(Exception):
    pass


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would overwrite sources or a folder not made by us."""
    resolved = out.resolve()
    for path in protected:
        p = path.resolve()
        if resolved == p or p.is_relative_to(resolved):
            raise OutputError(f"{out}: refusing to build into a folder that holds {path}")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputError(f"{out}: exists and was not made by build.py; choose another --out or remove it")


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out`; swapped into place if the block succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        (tmp / MARKER).write_text("Built by build.py; safe to delete.\n", encoding="utf-8")
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    made: set[Path] = set()
    for rel, content in files.items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)


def copy_static(static: Path, root: Path) -> None:
    if static.is_dir():
        shutil.copytree(static, root / "static", dirs_exist_ok=True)
