"""Work shared among processes: the pages of a large site rendered on every core.

`map_shares` forks after the model is read whole, so each child has the model, the
links and the compiled templates without pickling them; each renders a contiguous
share of the pages (so a document's pages, which show the same paragraphs, mostly
stay together) and sends back the text. Results come back in order, and are the
same text a single process makes. A share whose child failed is done again here,
so an error surfaces with its usual traceback and `path:line`.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    # Forking a process that runs other threads (the preview server) can copy a held lock.
    return hasattr(os, "fork") and threading.active_count() == 1


def map_shares(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """[fn(x) for x in items], the items split into `jobs` contiguous shares run at once."""
    if jobs < 2 or len(items) < 2 or not can_fork():
        return [fn(x) for x in items]
    size = -(-len(items) // jobs)
    shares = [items[i : i + size] for i in range(0, len(items), size)]
    children = [_start(fn, share) for share in shares[1:]]
    results = [fn(x) for x in shares[0]]
    for (pid, read_end), share in zip(children, shares[1:], strict=True):
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0 and data:
            results += pickle.loads(data)
        else:
            results += [fn(x) for x in share]
    return results


def _start(fn: Callable[[T], R], share: Sequence[T]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    os.close(read_end)  # the child: do the share, send it, and leave without cleanup of the parent's state
    status = 1
    try:
        data = pickle.dumps([fn(x) for x in share], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)
