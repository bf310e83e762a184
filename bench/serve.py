#!/usr/bin/env python3
"""Benchmark `build.py serve`: time from saving a provision to livereload's reload message.

    python bench/serve.py [--runs 11] [--file yrd-decision/07.md]

Copies content/ to a temporary folder, starts `build.py serve --port 0` on it,
connects to livereload's WebSocket (/livereload) as the browser's livereload.js
does (hello, then info), and then, run after run, rewrites one provision with a
changed paragraph and waits for the `reload` message. The clock starts just
before the file is written and stops when the message arrives, so it covers the
file watcher, the rebuild (every page rendered with the server's warm Jinja
environment, downloads, Pagefind and offline search index, swap into place, in
the server's worker thread) and the message. Prints each run and the median; the
budget (DESIGN.md §5) is 400 ms. Nothing here is asserted: it is a figure.
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
BUDGET_MS = 400


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


async def measure(url: str, file: Path, runs: int) -> list[tuple[float, dict]]:
    from tornado.websocket import websocket_connect

    from tornado.httpclient import HTTPRequest

    # as a page of the server would: the server accepts no other Origin
    request = HTTPRequest(url.replace("http://", "ws://") + "livereload", headers={"Origin": url.rstrip("/")})
    ws = await websocket_connect(request)
    await ws.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    hello = json.loads(await ws.read_message())
    assert hello["command"] == "hello", hello
    await ws.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
    await asyncio.sleep(0.3)  # the server registers us on "info"

    original = file.read_text(encoding="utf-8")
    body_at = original.index("\n---\n", 3) + 5
    results = []
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
            elapsed = time.perf_counter() - started
            results.append((elapsed, status(url)))
            await asyncio.sleep(0.25)
    finally:
        file.write_text(original, encoding="utf-8")
        ws.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--file", default="yrd-decision/07.md", help="provision to edit, under content/")
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
        results = asyncio.run(measure(url, tmp / "content" / args.file, args.runs))
        page = urllib.request.urlopen(url + "yrd-decision/7.html", timeout=10).read().decode()
        for i, (seconds, st) in enumerate(results):
            print(
                f"run {i + 1:2d}: {seconds * 1000:6.1f} ms to reload message "
                f"(build {st['seconds'] * 1000:.1f} ms, {st['pages']} pages rendered)"
            )
        times = [s * 1000 for s, _ in results]
        median = statistics.median(times)
        print(
            f"serve: edit of content/{args.file} → reload message: median {median:.1f} ms, "
            f"min {min(times):.1f}, max {max(times):.1f} over {len(times)} runs "
            f"(budget {BUDGET_MS} ms: {'ok' if median <= BUDGET_MS else 'OVER'})"
        )
        print(f"machine during the run: {before} at start, {machine_load()} at end")
        if f"基准{len(results) - 1}" not in page and args.file == "yrd-decision/07.md":
            print("warning: the served page does not show the last edit", file=sys.stderr)
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
