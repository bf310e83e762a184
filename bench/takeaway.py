#!/usr/bin/env python3
"""Benchmark: what the offline copy and the printed QR codes cost (issue 17).

Prints

* the offline copy: size of offline.zip, its entries, uncompressed size, and the
  build time it adds: `pipeline.build()` in-process, full build (search index
  included) with and without the offline copy, median of N runs each;
* the QR codes: how many the site prints, the time to make them all with segno (no
  cache, one process) and to read them from the cache, and the bytes they add to
  the provision pages;
* the page weight of topics/index.html (the map of topics) and of the full texts.

Not a test: it prints figures (see bench/README.md).

    python bench/takeaway.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from machine import machine_load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen import addresses, load, pipeline, printcodes, render  # noqa: E402


def median_ms(values: list[float]) -> str:
    v = [x * 1000 for x in values]
    return f"{statistics.median(v):.0f} ms (min {min(v):.0f}, max {max(v):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    before = machine_load()
    # Beside the repo, like the default _site/: on this machine /tmp is a much slower file system.
    with tempfile.TemporaryDirectory(prefix=".bench.tmp-", dir=ROOT) as tmp:
        out = Path(tmp) / "_site"
        full = pipeline.Options(out=out, qr_cache=Path(tmp) / "qr")
        pipeline.build(full)  # warm imports, the template and QR caches; not counted
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.runs):
            for offline in (False, True):
                started = time.perf_counter()
                pipeline.build(replace(full, offline=offline))
                times[offline].append(time.perf_counter() - started)
        pipeline.build(full)
        # The offline step alone (render the linking pages twice, zip, write), on the built site.
        env = render.make_env(full.templates, full.cache)
        built = pipeline.build_files(full, env)
        step = []
        for _ in range(args.runs):
            started = time.perf_counter()
            pipeline.offline_copy(full, built, env, out)
            step.append(time.perf_counter() - started)
        zip_path = out / addresses.OFFLINE_ZIP
        zip_size = zip_path.stat().st_size
        with zipfile.ZipFile(zip_path) as zf:
            infos = zf.infolist()
        raw = sum(i.file_size for i in infos)
        pages = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
        code_bytes = sum(
            len(m)
            for p in out.rglob("*.html")
            for m in re.findall(r'<figure class="qr[^"]*">.*?</figure>', p.read_text(encoding="utf-8"))
        )

    site, _ = load.load_site(ROOT / "site.yaml", ROOT / "content")
    started = time.perf_counter()
    codes = printcodes.codes(site, None)  # every code made by segno, in this process
    cold = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix=".bench.tmp-", dir=ROOT) as tmp:
        printcodes.codes(site, Path(tmp))
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            printcodes.codes(site, Path(tmp))
            warm.append(time.perf_counter() - started)
    provisions = [p for d in site.documents for p in d.provisions]

    print(
        f"issue 17 (offline copy, QR codes), {args.runs} runs, {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}"
    )
    print(f"machine during the run: {before} at start, {machine_load()} at end")
    print(f"offline.zip: {zip_size:,} bytes ({zip_size / 1024:.0f} KB), {len(infos)} entries, {raw:,} bytes unzipped")
    print(f"full build, pipeline.build() in-process: without offline copy {median_ms(times[False])}")
    print(f"                                         with offline copy    {median_ms(times[True])}")
    print(
        f"  → the offline copy adds {statistics.median(times[True]) * 1000 - statistics.median(times[False]) * 1000:.0f} ms "
        f"(median difference); the step alone (pages rendered twice, zip, write): {median_ms(step)}"
    )
    print(
        f"QR codes: {len(codes)} ({len(provisions)} provision pages + paragraphs of the provisions with several); "
        f"made by segno without cache {cold * 1000:.0f} ms ({cold / len(codes) * 1000:.1f} ms each); "
        f"from the cache {median_ms(warm)}"
    )
    print(
        f"QR markup in the pages: {code_bytes:,} bytes in all, {code_bytes / len(provisions) / 1024:.1f} KB per provision page on average; "
        f"largest provision page {max(v for k, v in pages.items() if not k.endswith(('index.html', '404.html')) and '/' in k and not k.startswith(('glossary/', 'topics/'))) / 1024:.1f} KB"
    )
    print(
        f"page weight: topics/index.html {pages['topics/index.html'] / 1024:.1f} KB (≤ 30 KB); "
        + "; ".join(
            f"{d.slug}/index.html {pages[f'{d.slug}/index.html'] / 1024:.1f} KB (≤ 60 KB)" for d in site.documents
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
