#!/usr/bin/env python3
"""Benchmark: how the build scales with the amount of content.

For each N, writes N copies of both documents into a temporary content tree
(document folders renamed `yrd-decision-007`, same text, `related` targets
pointing into the same copy; glossary and topics kept once) with a temporary
site.yaml listing them, builds it with `python build.py --no-search`, and
prints pages, wall time, time per page and peak memory (RSS): for a rebuild
(into the output of the previous build, as an editor rebuilds: pages it holds
already are linked, not written again) and for a first build (into an empty
folder, as a fresh checkout or CI builds), alternating with Hugo building the
same pages into its output folder.

docs/architecture.md#quality-bars: 100 copies (about 4,500 pages) in about 4 s (what Hugo needs
for the same pages here), at most 300 MB, and cost growing linearly.

    python bench/scale.py                 # N = 1, 10, 100
    python bench/scale.py --copies 30     # one N
    python bench/scale.py --profile 100   # cProfile of the build at N = 100
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import hugo_site, machine_load, python_env

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DOCUMENTS = ("yrd-decision", "digital-trade-plan")
RELATED = re.compile(r"^(\s*-?\s*to:\s*['\"]?)(" + "|".join(DOCUMENTS) + r")/", re.M)


def make_tree(root: Path, copies: int) -> tuple[Path, Path]:
    """content/ and site.yaml for `copies` copies of both documents, under root."""
    content = root / "content"
    content.mkdir(parents=True)
    shutil.copy2(CONTENT / "topics.yaml", content / "topics.yaml")
    shutil.copytree(CONTENT / "glossary", content / "glossary")
    slugs = []
    for k in range(1, copies + 1):
        for doc in DOCUMENTS:
            slug = f"{doc}-{k:03d}"
            slugs.append(slug)
            (content / slug).mkdir()
            for src in (CONTENT / doc).glob("*.md"):
                text = RELATED.sub(lambda m, k=k: f"{m[1]}{m[2]}-{k:03d}/", src.read_text(encoding="utf-8"))
                (content / slug / src.name).write_text(text, encoding="utf-8")
    site = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    site["documents"] = slugs
    site["nav"] = [e for e in site.get("nav", []) if not e["path"].startswith(DOCUMENTS)]
    site_file = root / "site.yaml"
    site_file.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content, site_file


def build_once(content: Path, site_file: Path, out: Path, profile: Path | None = None):
    """(pages, wall seconds, peak RSS MB) of one `python build.py --no-search`."""
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += [
        str(ROOT / "build.py"),
        "--content",
        str(content),
        "--site",
        str(site_file),
        "--out",
        str(out),
        "--no-search",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.stdout.read()
    stderr = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build failed:\n{stderr[-3000:]}")
    pages = sum(1 for _ in out.rglob("*.html"))
    return pages, wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--copies",
        type=int,
        action="append",
        help="number of copies of both documents (repeatable; default 1, 10, 100)",
    )
    parser.add_argument("--runs", type=int, default=3, help="builds per N; the median is shown (default 3)")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one build of N copies and print the top")
    args = parser.parse_args()
    before = machine_load()
    # Beside the repo, like the default _site/: on this machine /tmp is a much slower file system.
    with tempfile.TemporaryDirectory(prefix=".bench.tmp-", dir=ROOT) as tmp:
        if args.profile:
            import pstats

            content, site_file = make_tree(Path(tmp) / "tree", args.profile)
            prof = Path(tmp) / "build.prof"
            build_once(content, site_file, Path(tmp) / "out" / "_site", profile=prof)
            stats = pstats.Stats(str(prof))
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(25)
            return 0
        rows = []
        for n in args.copies or [1, 10, 100]:
            content, site_file = make_tree(Path(tmp) / f"tree-{n}", n)
            out = Path(tmp) / f"out-{n}" / "_site"
            hugo = hugo_site(ROOT, Path(tmp) / f"peer-{n}", n)
            fresh = Path(tmp) / f"fresh-{n}" / "_site"
            build_once(content, site_file, out)  # warm the file cache; not counted
            hugo()
            runs, fresh_runs, hugo_runs = [], [], []
            for _ in range(args.runs):  # alternate, so a change in the machine's load hits all three
                runs.append(build_once(content, site_file, out))
                shutil.rmtree(fresh.parent, ignore_errors=True)
                fresh_runs.append(build_once(content, site_file, fresh))
                hugo_runs.append(hugo())
            runs.sort(key=lambda r: r[1])
            fresh_runs.sort(key=lambda r: r[1])
            hugo_runs.sort()
            pages, wall, _ = runs[len(runs) // 2]
            fresh_wall = fresh_runs[len(fresh_runs) // 2][1]
            hugo_wall, hugo_pages = hugo_runs[len(hugo_runs) // 2]
            peak = max(r[2] for r in runs + fresh_runs)
            rows.append((n, pages, wall, fresh_wall, peak, hugo_wall, hugo_pages))
            shutil.rmtree(fresh.parent, ignore_errors=True)
            shutil.rmtree(content.parent)
            shutil.rmtree(out.parent)
            shutil.rmtree(Path(tmp) / f"peer-{n}")
    print(
        f"scale: copies of both documents, build without search index, median of {args.runs}, {os.cpu_count()} CPU(s)"
    )
    print(f"machine during the run: {before} at start, {machine_load()} at end")
    print(
        "rebuild: into the output of the previous build (pages it already holds are linked, not written);"
        " first: into an empty folder"
    )
    print(
        f"{'copies':>6} {'pages':>6} {'rebuild':>8} {'per page':>9} {'first':>7} {'peak RSS':>9} "
        f"{'Hugo pages':>10} {'Hugo wall':>9} {'ratio':>6} {'first':>6}"
    )
    for n, pages, wall, fresh_wall, rss, hugo_wall, hugo_pages in rows:
        print(
            f"{n:6} {pages:6} {wall:7.2f}s {wall / pages * 1000:7.2f}ms {fresh_wall:6.2f}s {rss:7.0f}MB "
            f"{hugo_pages:10} {hugo_wall:8.2f}s {wall / hugo_wall:5.2f}× {fresh_wall / hugo_wall:5.2f}×"
        )
    if len(rows) > 1:
        (n0, p0, w0, _, r0, *_), (n1, p1, w1, _, r1, *_) = rows[-2], rows[-1]
        print(
            f"growth {n0}→{n1} copies: pages ×{p1 / p0:.1f}, time ×{w1 / w0:.1f}, memory ×{r1 / r0:.1f} "
            f"(per page {w0 / p0 * 1000:.2f} → {w1 / p1 * 1000:.2f} ms)"
        )
    print(
        "targets (docs/architecture.md#quality-bars, issue 13): 100 copies ≤ 0.8× Hugo and ≤ 300 MB; real site ≤ 2× Hugo; "
        "10 → 100 copies within ×10 time and memory"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
