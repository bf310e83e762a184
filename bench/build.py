#!/usr/bin/env python3
"""Benchmark: build the real site 7 times with and without the search index.

Prints, for each variant, the median and spread (min–max) of

* wall time of `python build.py` as a subprocess (what an editor waits for,
  interpreter start-up and imports included), with its peak memory (RSS);
* time of `sitegen.pipeline.build(...)` in-process (the pipeline alone, warm imports).

and, alternating with our runs, the wall time of Hugo building the same pages
(`../shared/peers/make_peer_sites.py`; Debian's `hugo`, installed if missing), so
the figure that matters is a ratio from one run on one machine.

docs/architecture.md#quality-bars: without the search index at most 2× Hugo's time; with it at most
800 ms. Not a test: it prints figures (see bench/README.md).

    python bench/build.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import hugo_site, machine_load, python_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen import pipeline  # noqa: E402


def run_child(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `python build.py ...` run."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=ROOT,
        env=python_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"build failed: {proc.stderr.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def summary(values: list[float], unit: str = "ms", scale: float = 1000) -> str:
    v = [x * scale for x in values]
    return f"{statistics.median(v):7.0f} {unit} (min {min(v):.0f}, max {max(v):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows, before = [], machine_load()
    # Beside the repo, like the default _site/: on this machine /tmp is a much slower file system.
    with tempfile.TemporaryDirectory(prefix=".bench.tmp-", dir=ROOT) as tmp:
        hugo = hugo_site(ROOT, Path(tmp) / "peer")
        hugo()  # warm the file cache; not counted
        hugo_walls: list[float] = []
        hugo_pages = 0
        for label, search in (("without search index", False), ("with search index", True)):
            out = Path(tmp) / ("search" if search else "plain") / "_site"
            extra = [] if search else ["--no-search"]
            run_child(["--out", str(out), *extra])  # warm the file cache; not counted
            walls_l, peaks_l = [], []
            for _ in range(args.runs):  # alternate, so a change in the machine's load hits both
                wall, peak = run_child(["--out", str(out), *extra])
                walls_l.append(wall)
                peaks_l.append(peak)
                if not search:
                    hugo_wall, hugo_pages = hugo()
                    hugo_walls.append(hugo_wall)
            walls, peaks = tuple(walls_l), tuple(peaks_l)
            inproc = []
            opts = pipeline.Options(out=out, search=search)
            pipeline.build(opts)  # warm imports and caches; not counted
            for _ in range(args.runs):
                started = time.perf_counter()
                result = pipeline.build(opts)
                inproc.append(time.perf_counter() - started)
            rows.append((label, result.pages, walls, peaks, inproc))
    print(f"real site, {args.runs} runs each, {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    print(f"machine during the run: {before} at start, {machine_load()} at end")
    print("python build.py runs as a user runs it: compiled modules kept in __pycache__ (bench/machine.py)")
    print(f"{'variant':22} {'pages':>5}  {'python build.py (wall)':34} {'pipeline.build() in-process':34} peak RSS")
    for label, pages, walls, peaks, inproc in rows:
        print(f"{label:22} {pages:5}  {summary(walls):34} {summary(inproc):34} {max(peaks):.0f} MB")
    plain = rows[0][2]
    print(f"{'Hugo, same pages':22} {hugo_pages:5}  {summary(hugo_walls):34}")
    print(
        f"ratio without search index (median wall / Hugo's median wall): "
        f"{statistics.median(plain) / statistics.median(hugo_walls):.2f}×"
    )
    print("targets (docs/architecture.md#quality-bars): without search ≤ 2× Hugo, with search ≤ 800 ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
