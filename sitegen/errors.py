"""One error type for content problems, reported as ``path:line: message``."""

from __future__ import annotations

import os
import reprlib
from dataclasses import dataclass
from pathlib import Path

# The longest message a problem prints: a hostile value quoted in a message must not
# turn one line of stderr into megabytes (issue 16).
MAX_MESSAGE = 1000


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class ContentErrors(Exception):
    """Raised at the end of a stage that found at least one error."""

    def __init__(self, errors: list[ContentError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = sorted(errors)


def shown(path: Path | str, root: Path | None = None) -> str:
    """A path as a person reads it: relative to `root` (default: where the build was run) when inside it.

    Symbolic links are not followed where that can be avoided: a file reached through a
    linked folder is shown by the path it was reached by, and a link that loops never raises.
    """
    path, base = Path(path), root or Path.cwd()
    for p, b in (
        (os.path.abspath(path), os.path.abspath(base)),
        (os.path.join(os.path.realpath(path.parent), path.name), os.path.realpath(base)),
    ):
        try:
            return Path(p).relative_to(b).as_posix()
        except ValueError:
            continue
    return path.as_posix()


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 3, 4, 4


def quote(value: object) -> str:
    """repr() for a message, of bounded length however large or deep the value."""
    if isinstance(value, str) and len(value) <= 60:
        return repr(value)
    return _REPR.repr(value)


def _bounded(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


class Problems:
    """Collects every problem of a stage so that one run reports them all."""

    def __init__(self) -> None:
        self.items: list[ContentError] = []

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(ContentError(shown(path), line, _bounded(message)))

    def warn(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(ContentError(shown(path), line, _bounded(message), warning=True))

    @property
    def errors(self) -> list[ContentError]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[ContentError]:
        return sorted(p for p in self.items if p.warning)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
