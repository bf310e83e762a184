"""Cases of work shared among processes (sitegen/parallel.py), each run by test_parallel.py in
a fresh interpreter: forking is refused in a process that runs threads (`parallel.can_fork`),
and the full suite's process has Playwright's. Each case first checks that it can fork, so a
case never passes by quietly doing the work in one process."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

from fixtures import make_site

from sitegen import load, manifest, parallel, render
from sitegen.parallel import Pulled, map_shares
from sitegen.pipeline import ROOT, Options, build_files


def _forking() -> None:
    assert parallel.can_fork(), "this case must run where helpers can be forked"


def _options(root: Path, jobs: int = 1) -> Options:
    return Options(
        content=root / "content",
        site_file=root / "site.yaml",
        templates=ROOT / "templates",
        manifest=None,
        out=root / "out",
        jobs=jobs,
    )


def pages_rendered_in_parallel_are_the_same_text(tmp: Path) -> None:
    _forking()
    make_site(tmp)
    serial = build_files(_options(tmp)).files
    render.PARALLEL_FROM = 2  # the fixture site is small: share it anyway
    shared = build_files(_options(tmp, jobs=3)).files
    assert shared == serial
    assert list(shared) == list(serial)  # in the same order


def pages_written_while_rendered_are_the_pages(tmp: Path) -> None:
    _forking()
    make_site(tmp)
    serial = build_files(_options(tmp)).files
    pages = {name: text for name, text in serial.items() if name.endswith(".html")}
    render.PARALLEL_FROM = 2
    staging = tmp / "staging"
    (tmp / "anchors.txt").write_text("demo/2.html#art-2-p2\n", encoding="utf-8")
    built = build_files(replace(_options(tmp, jobs=3), manifest=tmp / "anchors.txt"), write_to=staging)
    assert pages and built.written == pages.keys()
    assert not built.written & built.files.keys(), "a written page's text is not kept (nor sent back by a helper)"
    for name, text in pages.items():
        assert (staging / name).read_text(encoding="utf-8") == text, name
    # What the manifest check needs of the written pages: their ids, from every process.
    assert "demo/2.html#art-2-p2" in built.ids
    assert built.ids == manifest.present(pages) - pages.keys()


def map_shares_keeps_order_and_redoes_a_failed_share(tmp: Path) -> None:
    _forking()
    parent = os.getpid()
    assert map_shares(lambda x: (x * x, os.getpid() != parent), list(range(10)), 3)[-1] == (81, True)

    def fails_in_a_child(x):
        if os.getpid() != parent:
            raise RuntimeError("child")
        return x + 1

    assert map_shares(fails_in_a_child, list(range(7)), 2) == list(range(1, 8))


def pulled_runs_keep_order_while_the_parent_works_and_redo_a_failed_helper(tmp: Path) -> None:
    _forking()
    parent = os.getpid()
    runs = [list(range(i, min(i + 4, 50))) for i in range(0, 50, 4)]
    with Pulled(lambda x: (x * x, os.getpid() != parent), runs, 3) as work:
        time.sleep(0.3)  # the parent's own work, while the helpers take runs
        results = work.results()
    assert [r for r, _ in results] == [x * x for x in range(50)]
    assert any(helped for _, helped in results), "no helper took a run"

    def fails_in_a_helper(x):
        if os.getpid() != parent:
            raise RuntimeError("helper")
        return x + 1

    with Pulled(fails_in_a_helper, [[x] for x in range(30)], 2) as work:
        assert work.results() == list(range(1, 31))


def documents_read_in_parallel_are_the_same_model(tmp: Path) -> None:
    _forking()
    make_site(tmp)
    content = tmp / "content"
    for k in range(2, 6):  # five documents, one with a problem that must be reported once
        shutil.copytree(content / "demo", content / f"demo-{k}")
    (content / "demo-4" / "02.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    site_file = tmp / "site.yaml"
    site_file.write_text(
        site_file.read_text(encoding="utf-8").replace(
            "documents: [demo]", "documents: [demo, demo-2, demo-3, demo-4, demo-5]"
        ),
        encoding="utf-8",
    )
    serial, problems = load.load_site(site_file, content)
    assert len(serial.documents) == 5 and len(problems.errors) == 1, problems.items
    load.PARALLEL_FROM = 1  # the fixture site has few documents: share them anyway
    shared, shared_problems = load.load_site(site_file, content, jobs=3)
    assert shared == serial
    assert shared_problems.items == problems.items


def pulled_merges_runs_beyond_what_the_pipe_holds(tmp: Path) -> None:
    _forking()
    parallel.MAX_RUNS = 4  # 50 runs: merged into 4 or fewer, in order
    runs = [[x] for x in range(50)]
    with Pulled(lambda x: x * 2, runs, 2) as work:
        assert len(work.runs) <= 4
        assert work.results() == [x * 2 for x in range(50)]
