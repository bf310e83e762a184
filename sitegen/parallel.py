"""Work shared among processes: a large site's documents read and its pages rendered on every core.

Both helpers fork after what the work needs is in memory (the model, the links, the
compiled templates), so children have it without pickling; they send back only
results. Results come back in order and are what a single process makes. Work whose
child failed is done again here, so an error surfaces with its usual traceback and
`path:line`.

- `map_shares`: each process takes one contiguous share of the items.
- `Pulled`: the items come in runs that each process takes in turn until none is
  left (a pipe holds their numbers), so a process that had other work to do first,
  or drew slow runs, simply takes fewer. The pages of a site differ in cost by a
  hundred times (a full text against one provision).
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    # Forking a process that runs other threads (the preview server) can copy a held lock.
    return hasattr(os, "fork") and threading.active_count() == 1


def shares(items: Sequence[T], n: int) -> list[Sequence[T]]:
    """`items` in at most `n` contiguous shares of one size (the last may be shorter)."""
    size = -(-len(items) // n)
    return [items[i : i + size] for i in range(0, len(items), size)]


def map_shares(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """[fn(x) for x in items], the items split into `jobs` contiguous shares run at once."""
    if jobs < 2 or len(items) < 2 or not can_fork():
        return [fn(x) for x in items]
    parts = shares(items, jobs)
    children = [_fork(partial(_each, fn, share)) for share in parts[1:]]
    results = _each(fn, parts[0])
    for child, share in zip(children, parts[1:], strict=True):
        done = _collect(*child)
        results += done if done is not None else [fn(x) for x in share]
    return results


def _each(fn: Callable[[T], R], share: Sequence[T]) -> list[R]:
    return [fn(x) for x in share]


def _fork(work: Callable[[], object]) -> tuple[int, int]:
    """Start a child that does `work` and sends back its result: (pid, the pipe to read it from)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    os.close(read_end)  # the child: do the work, send it, and leave without cleanup of the parent's state
    status = 1
    try:
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> Any:
    """What a child of `_fork` sent, once it has ended; None if it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    return pickle.loads(data) if os.waitstatus_to_exitcode(status) == 0 and data else None


RUN = struct.Struct("=I")  # a run's number, as the work pipe holds it (reads of 4 bytes are atomic)
# The pipe holds every run's number before anyone reads (64 KiB on Linux, 4 bytes a run): with
# more runs than this, neighbouring runs are merged, so writing the numbers never blocks.
MAX_RUNS = 8192


class Pulled(Generic[T, R]):
    """[fn(x) for run in runs for x in run] by this process and `jobs - 1` forked helpers.

    A run is the unit a process takes (the pages of one document, which show the same
    paragraphs, so each is rendered in one process). The helpers start on entry; the
    parent may do other work in the block, then calls `results()`, which takes the runs
    still left, collects the helpers' and returns the results in order. Without fork
    (or with threads running), everything happens in `results()`, in this process.
    """

    def __init__(self, fn: Callable[[T], R], runs: Sequence[Sequence[T]], jobs: int):
        if len(runs) > MAX_RUNS:
            k = -(-len(runs) // MAX_RUNS)
            runs = [[x for run in runs[i : i + k] for x in run] for i in range(0, len(runs), k)]
        self.fn, self.runs = fn, runs
        self.helpers = max(0, min(jobs, len(runs)) - 1) if can_fork() else 0
        self.work = -1
        self.children: list[tuple[int, int]] = []

    def __enter__(self) -> Pulled[T, R]:
        if self.helpers:
            read_end, write_end = os.pipe()
            os.write(write_end, b"".join(RUN.pack(i) for i in range(len(self.runs))))  # under the pipe's 64 KiB
            os.close(write_end)  # taking from an empty pipe then means: no work left
            self.work = read_end
            self.children = [_fork(self._helper) for _ in range(self.helpers)]
        return self

    def __exit__(self, *exc: object) -> None:
        for pid, read_end in self.children:  # results() was not reached: an error in the block
            os.close(read_end)
            os.waitpid(pid, 0)
        self.children = []
        if self.work >= 0:
            os.close(self.work)
            self.work = -1

    def _take(self) -> int | None:
        if self.work < 0:
            return None
        data = os.read(self.work, RUN.size)
        return RUN.unpack(data)[0] if data else None

    def _do(self, number: int) -> list[R]:
        return [self.fn(x) for x in self.runs[number]]

    def _helper(self) -> dict[int, list[R]]:
        """A helper's work: take runs until none is left."""
        done = {}
        while (number := self._take()) is not None:
            done[number] = self._do(number)
        return done

    def results(self) -> list[R]:
        done = self._helper()  # the runs still left (none taken without helpers: all are done below)
        for child in self.children:
            done.update(_collect(*child) or {})
        self.children = []
        for number in range(len(self.runs)):  # the runs of a helper that failed, or all without helpers
            if number not in done:
                done[number] = self._do(number)
        return [r for number in range(len(self.runs)) for r in done[number]]
