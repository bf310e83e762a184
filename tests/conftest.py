"""Shared fixtures: the real site built once, a local HTTP server, a headless Chromium.

Browser tests use Debian's Chromium through Playwright (no browser download);
set CHROMIUM=/path/to/chrome to use another binary.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen.security import CSP  # noqa: E402  (the policy the site is built to work under)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run build.py as a reader of the README would, capturing its output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The real site, with its search index, built once for the whole test session."""
    out = tmp_path_factory.mktemp("site") / "_site"
    result = run_build("--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".pf_meta": "application/octet-stream",
    }

    def send_error(self, code, message=None, explain=None):
        """A missing file gets the site's 404 page, as README's deployment notes ask of a host."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):  # keep test output readable
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # crawlers open many connections at once; the default 5 refuses some


def serve_dir(directory: Path):
    handler = functools.partial(_Handler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@contextlib.contextmanager
def served(directory: Path):
    """The base URL (ending in /) of `directory` on a local server, for as long as the block runs."""
    server = serve_dir(directory)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(site_dir):
    """Base URL (ending in /) of the built site on a local server sending the CSP of docs/architecture.md#quality-bars."""
    with served(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def pf_dir(tmp_path_factory) -> Path:
    """The real content built with Pagefind however small the site (site.yaml search.pagefind: always),
    as a large site's web search works (sitegen/search_records.py, `web_backend`)."""
    import yaml

    tmp = tmp_path_factory.mktemp("pf")
    settings = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    settings["search"] = {**(settings.get("search") or {}), "pagefind": "always"}
    site_file = tmp / "site.yaml"
    site_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    out = tmp / "_site"
    result = run_build("--out", str(out), "--site", str(site_file))
    assert result.returncode == 0, result.stderr
    assert (out / "pagefind" / "pagefind.js").is_file()
    return out


@pytest.fixture(scope="session")
def pf_url(pf_dir):
    """Base URL of the Pagefind build on a local server like site_url's."""
    with served(pf_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and CSP violations in `page.problems`."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.problems = []
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    yield pg
    context.close()
