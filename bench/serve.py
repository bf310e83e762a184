#!/usr/bin/env python3
"""Benchmark `build.py serve`: time from saving a provision until the browser has the new page.

    python bench/serve.py [--runs 11] [--file yrd-decision/07.md]

Copies content/ to a temporary folder, starts `build.py serve --port 0` on it,
connects to livereload's WebSocket (/livereload) as the browser's livereload.js
does on the provision's page (hello, then info with that page's address), and
then, run after run, rewrites the provision with a changed paragraph, waits for
the `reload` message and fetches what the reloading browser fetches first: the
page and its stylesheet. The clock starts just before the file is written and
stops when both have arrived and the page shows the edit, so it covers the file
watcher, reading and linking the sources, rendering, the message and the two
requests. Also printed: when the whole build (every page, downloads, search
index, swap into place) was done. Prints each run and the median; the budget
(issue 13) is 100 ms. Nothing here is asserted: it is a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from machine import machine_load

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 100


def start_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--port",
            "0",
            "--content",
            str(tmp / "content"),
            "--out",
            str(tmp / "_site"),
        ],
        cwd=tmp,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"server exited: {proc.stderr.read()}")
        if line.startswith("Serving"):
            url = line.split(" at ", 1)[1].split()[0]
            return proc, url
    raise SystemExit("server did not start")


def status(url: str) -> dict:
    with urllib.request.urlopen(url + "__serve__/status.json", timeout=10) as r:
        return json.load(r)


async def measure(url: str, file: Path, page: str, runs: int) -> list[tuple[float, float, dict]]:
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    # as a page of the server would: the server accepts no other Origin
    request = HTTPRequest(url.replace("http://", "ws://") + "livereload", headers={"Origin": url.rstrip("/")})
    ws = await websocket_connect(request)
    await ws.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    hello = json.loads(await ws.read_message())
    assert hello["command"] == "hello", hello
    await ws.write_message(json.dumps({"command": "info", "url": url + page, "plugins": {}}))
    await asyncio.sleep(0.3)  # the server registers us on "info"
    client = AsyncHTTPClient()

    original = file.read_text(encoding="utf-8")
    body_at = original.index("\n---\n", 3) + 5
    results = []
    generation = status(url)["generation"]
    try:
        for i in range(runs):
            marker = f"（基准{i}）"
            text = original[:body_at] + original[body_at:].replace("。", f"{marker}。", 1)
            started = time.perf_counter()
            file.write_text(text, encoding="utf-8")
            while True:
                message = json.loads(await asyncio.wait_for(ws.read_message(), timeout=30))
                if message.get("command") == "reload":
                    break
            reloaded = time.perf_counter() - started
            shown, _ = await asyncio.gather(client.fetch(url + page), client.fetch(url + "static/site.css"))
            elapsed = time.perf_counter() - started
            if marker not in shown.body.decode():
                raise SystemExit(f"run {i + 1}: the reloaded page does not show the edit")
            while not (st := status(url))["generation"] > generation:  # the whole build
                await asyncio.sleep(0.005)
            generation = st["generation"]
            results.append((elapsed, reloaded, st))
            await asyncio.sleep(0.25)
    finally:
        file.write_text(original, encoding="utf-8")
        ws.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--file", default="yrd-decision/07.md", help="provision to edit, under content/")
    parser.add_argument("--page", default="yrd-decision/7.html", help="the page the browser shows")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    proc = None
    before = machine_load()
    try:
        shutil.copytree(ROOT / "content", tmp / "content")
        proc, url = start_server(tmp)
        first = status(url)
        if not first["ok"]:
            raise SystemExit("initial build failed:\n" + "\n".join(first["errors"]))
        results = asyncio.run(measure(url, tmp / "content" / args.file, args.page, args.runs))
        for i, (seconds, reloaded, st) in enumerate(results):
            print(
                f"run {i + 1:2d}: {seconds * 1000:6.1f} ms to the new page in the browser "
                f"(reload message at {reloaded * 1000:.1f} ms; the whole build, {st['pages']} pages, "
                f"took {st['seconds'] * 1000:.1f} ms)"
            )
        times = [s * 1000 for s, _, _ in results]
        median = statistics.median(times)
        print(
            f"serve: edit of content/{args.file} → {args.page} and its stylesheet served: median {median:.1f} ms, "
            f"min {min(times):.1f}, max {max(times):.1f} over {len(times)} runs "
            f"(budget {BUDGET_MS} ms: {'ok' if median <= BUDGET_MS else 'OVER'})"
        )
        builds = [st["seconds"] * 1000 for _, _, st in results]
        print(f"the whole build after each edit (every page, search index): median {statistics.median(builds):.1f} ms")
        print(f"machine during the run: {before} at start, {machine_load()} at end")
        return 0
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
