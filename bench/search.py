#!/usr/bin/env python3
"""Benchmark search (issue 5): build time, bytes of the first query, time to results.

    python bench/search.py [--runs 7]

Prints figures, asserts nothing. Budgets (DESIGN.md §5, issue 5):

- build with the search index ≤ 800 ms wall (median of `python build.py` runs,
  as its timing line reports; the build without it is shown for comparison);
- first query ≤ 150 KB transferred: a fresh browser opens search.html, types a
  query and waits for the results; every response is counted (CDP
  encodedDataLength: headers and body as sent) from the first keystroke to the
  results, and the page itself is shown apart. The server is the tests' one
  (tests/conftest.py: no compression, the site's CSP), so these are raw bytes;
  a server that compresses JavaScript sends less (pagefind.js gzips to ~30 %);
- first results ≤ 150 ms after the last keystroke once the index is warm: the
  time, measured in the page, from the last `input` event to the moment the
  list is complete for that query (`aria-busy="false"` and the status line
  naming the box's query, as a reader sees it).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import functools  # noqa: E402
import gzip  # noqa: E402
import http.server  # noqa: E402
import threading  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS, _Handler, serve_dir  # noqa: E402


class _GzipHandler(_Handler):
    """The tests' handler, gzipping text as a production static host would."""

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if path.suffix not in (".html", ".js", ".css", ".json") or not gzip_ok:
            return super().do_GET()
        if not path.is_file():
            return self.send_error(404)
        body = gzip.compress(path.read_bytes(), 9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_gzip(directory: Path):
    handler = functools.partial(_GzipHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

FIRST_QUERIES = ["知识产权", "长三角", "科创飞地", "G60", "的"]
WARM_QUERIES = ["长三角", "知识产权", "科创飞地", "创飞", "质量", "中试平台", "的", "G60", "Chinagoods",
                "数字 人才", "元宇宙", "小语种"]

# The list answers query q: not busy, and the status line names q (包含“q”… / 同时包含“a”“b”…).
ANSWERS = """(q) => {
  const busy = document.getElementById('search-results').getAttribute('aria-busy');
  const status = document.getElementById('search-status').textContent;
  const named = q.trim().split(/\\s+/).filter(Boolean).map((t) => `“${t}”`).join('');
  return busy === 'false' && (named ? status.includes(named) : !status);
}"""

WATCH = """
window.__lastInput = 0; window.__times = [];
const answers = """ + ANSWERS + """;
document.addEventListener('input', () => { window.__lastInput = performance.now(); }, true);
new MutationObserver(() => {
  const q = document.getElementById('q');
  if (q && document.getElementById('search-results') && answers(q.value) && window.__lastInput) {
    window.__times.push(performance.now() - window.__lastInput); window.__lastInput = 0;
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-busy']});
"""


def build_times(runs: int) -> tuple[list[float], list[float]]:
    with_search, without = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            for args, out in ((["--no-search"], without), ([], with_search)):
                res = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", f"{tmp}/site", *args],
                                     cwd=ROOT, capture_output=True, text=True, check=True)
                out.append(float(re.search(r"in ([\d.]+) s", res.stdout).group(1)) * 1000)
    return with_search, without


class Bytes:
    """Transferred bytes per response, from CDP (what went over the wire, headers included)."""

    def __init__(self, page):
        self.urls: dict[str, str] = {}
        self.sizes: list[tuple[str, int]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", lambda e: self.urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.sizes.append(
            (self.urls.get(e["requestId"], "?"), int(e["encodedDataLength"]))))

    def mark(self) -> int:
        return len(self.sizes)

    def since(self, mark: int) -> list[tuple[str, int]]:
        return self.sizes[mark:]


def wait_done(page, q: str) -> None:
    page.wait_for_function(ANSWERS, arg=q, timeout=20_000)


def first_query(browser, base: str, q: str) -> tuple[int, int, list[tuple[str, int]]]:
    context = browser.new_context()
    page = context.new_page()
    meter = Bytes(page)
    page.goto(base + "search.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    page_bytes = sum(n for _, n in meter.since(0))
    mark = meter.mark()
    page.locator("#q").type(q)
    wait_done(page, q)
    page.wait_for_load_state("networkidle")
    query = meter.since(mark)
    context.close()
    return page_bytes, sum(n for _, n in query), query


def warm_latency(browser, base: str, runs: int) -> dict[str, list[float]]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH)
    page.goto(base + "search.html?q=" + "长三角")
    wait_done(page, "长三角")
    page.wait_for_load_state("networkidle")
    times: dict[str, list[float]] = {q: [] for q in WARM_QUERIES}
    for _ in range(runs):
        for q in WARM_QUERIES:
            page.fill("#q", "")
            wait_done(page, "")
            page.evaluate("window.__times = []")
            page.locator("#q").type(q, delay=20)
            wait_done(page, q)
            page.wait_for_function("() => window.__times.length > 0")
            times[q].append(page.evaluate("window.__times[window.__times.length - 1]"))
    context.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with_search, without = build_times(args.runs)
    print(f"build, median of {args.runs}: {statistics.median(with_search):.0f} ms with the search index "
          f"(budget 800 ms), {statistics.median(without):.0f} ms without")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(site)], cwd=ROOT,
                       capture_output=True, check=True)
        server, zipped = serve_dir(site), serve_gzip(site)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        zbase = f"http://127.0.0.1:{zipped.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print("first query in a fresh browser, from the first keystroke to the results (budget 150 KB):")
                print(f"  {'query':<10} {'raw':>9} {'gzip':>9}  responses  fragments  search.html before typing")
                for q in FIRST_QUERIES:
                    page_b, query_b, detail = first_query(browser, base, q)
                    zpage_b, zquery_b, _ = first_query(browser, zbase, q)
                    fragments = sum(1 for u, _ in detail if "/fragment/" in u)
                    print(f"  {q:<10} {query_b / 1024:6.1f} KB {zquery_b / 1024:6.1f} KB  "
                          f"{len(detail):9}  {fragments:9}"
                          f"  {page_b / 1024:.1f} KB raw, {zpage_b / 1024:.1f} KB gzip")
                _, _, detail = first_query(browser, base, FIRST_QUERIES[0])
                print(f"  largest responses for {FIRST_QUERIES[0]} (raw):")
                for url, n in sorted(detail, key=lambda x: -x[1])[:5]:
                    print(f"      {n / 1024:6.1f} KB  {url[len(base):]}")
                times = warm_latency(browser, base, max(3, args.runs // 2))
                print("last keystroke → results complete, warm index (median ms):")
                for q, ts in times.items():
                    print(f"  {q:<10} {statistics.median(ts):6.1f}")
                every = [t for ts in times.values() for t in ts]
                print(f"  all queries: median {statistics.median(every):.1f} ms, max {max(every):.1f} ms "
                      f"(budget 150 ms)")
                browser.close()
        finally:
            server.shutdown()
            zipped.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
