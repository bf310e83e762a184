"""One error type for content problems, reported as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    """A path as a person reads it: relative to `root` (default: where the build was run) when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Problems:
    """Collects every problem of a stage so that one run reports them all."""

    def __init__(self) -> None:
        self.items: list[ContentError] = []

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(ContentError(shown(path), line, message))

    def warn(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(ContentError(shown(path), line, message, warning=True))

    @property
    def errors(self) -> list[ContentError]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[ContentError]:
        return sorted(p for p in self.items if p.warning)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
