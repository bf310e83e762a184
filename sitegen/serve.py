"""`python build.py serve`: build, serve on loopback, rebuild on save, reload the browser.

- The site is built into the output folder (`--out`, default _site/) and served
  from there by a small Tornado application; what is served is byte for byte what
  `python build.py` writes, except that HTML responses get one external
  `<script src="/livereload.js">` before `</head>` (nothing is inline, so the
  production Content-Security-Policy of DESIGN.md §5 is sent with every response
  and the preview shows CSP problems as the published site would).
- The browser side is livereload's client (livereload.js) talking to livereload's
  WebSocket handler at /livereload; after each rebuild the server sends its
  `reload` message (a CSS-only edit reloads the stylesheets in place).
- content/, templates/, static/, site.yaml and the anchor manifest are polled
  every 20 ms (a stat of each file: well under a millisecond here). Changes are
  batched until the folder is quiet for one more poll, then rebuilt through
  `sitegen.incremental.Builder`: an edit under content/ renders only the pages
  it touches; anything else renders everything.
- When a build fails, the previous output stays on disk and every page request
  gets an error page listing each `path:line: message` (template errors as
  `templates/x.html:12: …`); the browser is told to reload, and reloads again
  into the site once a save fixes the problem. The server never stops for an
  error in the sources.
- It binds 127.0.0.1 unless `--host` names another address. Ctrl-C (SIGINT) or
  SIGTERM stops it after the build in progress, if any, and removes the
  staging folders of this process.

See docs/serve.md.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import json
import mimetypes
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import shown
from .incremental import Builder, Outcome

POLL_SECONDS = 0.02
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:"
LIVERELOAD_TAG = b'<script src="/livereload.js" defer></script>'
INTERNAL = "__serve__"  # /__serve__/status.json, /__serve__/error.css

TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml", ".wasm": "application/wasm",
}


# --- what the server knows between requests ------------------------------------------------

@dataclass
class State:
    out: Path
    generation: int = 0  # completed builds, good or bad
    errors: tuple[str, ...] = ()
    last: Outcome | None = None
    started: float = field(default_factory=time.time)

    def status(self) -> dict:
        last = self.last
        return {"generation": self.generation, "ok": not self.errors, "errors": list(self.errors),
                "seconds": round(last.seconds, 4) if last else None,
                "rendered": last.rendered if last else None, "pages": last.pages if last else None,
                "full": last.full if last else None}


# --- watching the sources ------------------------------------------------------------------

IGNORED = re.compile(r"^\.|~$|\.sw[a-p]$|\.tmp$|^#.*#$|^4913$")  # editors' backup and lock files


class Watcher:
    """Polls a few files and folders; `poll()` returns the paths added, changed or removed."""

    def __init__(self, roots: list[Path]):
        self.roots = roots
        self.filepath: str | None = None  # livereload's handler logs this
        self.seen = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        out: dict[str, tuple[int, int, int]] = {}
        for root in self.roots:
            try:
                st = os.stat(root)
            except OSError:
                continue
            if os.path.isdir(root):
                self._walk(str(root), out)
            else:
                out[str(root)] = (st.st_mtime_ns, st.st_size, st.st_ino)
        return out

    def _walk(self, folder: str, out: dict) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if IGNORED.search(entry.name):
                continue
            try:
                if entry.is_dir():
                    self._walk(entry.path, out)
                else:
                    st = entry.stat()
                    out[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                continue  # removed while we looked: the next poll sees it gone

    def poll(self) -> set[Path]:
        now = self.snapshot()
        changed = {Path(p) for p in now.keys() | self.seen.keys() if now.get(p) != self.seen.get(p)}
        self.seen = now
        return changed


# --- HTTP ----------------------------------------------------------------------------------

def inject(page: bytes) -> bytes:
    """Add livereload's client as an external script (a CSP without 'unsafe-inline' allows it)."""
    for marker in (b"</head>", b"</body>"):
        at = page.find(marker)
        if at != -1:
            return page[:at] + LIVERELOAD_TAG + page[at:]
    return page + LIVERELOAD_TAG


def error_page(errors: tuple[str, ...], requested: str) -> bytes:
    """A page of its own for a failed build: every problem, one a line, and the livereload client."""
    items = "\n".join(
        f"<li><pre>{html.escape(e)}</pre></li>" if "\n" in e else f"<li><code>{html.escape(e)}</code></li>"
        for e in errors)
    count = sum(1 for e in errors if "\n" not in e)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>构建出错（{count}） · 预览</title>
<link rel="stylesheet" href="/{INTERNAL}/error.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{LIVERELOAD_TAG.decode()}
</head>
<body>
<main class="serve-error" id="serve-error" role="alert">
<h1>构建出错：{count} 个问题</h1>
<p>网站没有重新生成。修正下列问题并保存后，本页会自动刷新为正常页面。<br>
<span lang="en">The site was not rebuilt. Fix the problems below and save; this page reloads by itself.</span></p>
<ol class="problems">
{items}
</ol>
<p class="note">请求的页面：<code>{html.escape(requested)}</code>。预览服务器仍在运行，输出文件夹保留上次成功的构建。</p>
</main>
</body>
</html>
""".encode("utf-8")


ERROR_CSS = b"""body{margin:0;font:16px/1.6 system-ui,sans-serif;background:#fff8f6;color:#1a1a1a}
.serve-error{max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{color:#a40e26;font-size:1.5rem}
.problems{padding-left:1.5rem}
.problems li{margin:.5rem 0}
.problems code,.problems pre{font:14px/1.5 ui-monospace,monospace;background:#fff;border:1px solid #e6b8b8;
border-radius:4px;padding:.35rem .5rem;display:block;white-space:pre-wrap;overflow-wrap:anywhere}
.note{color:#555;font-size:.9rem}
@media (prefers-color-scheme:dark){body{background:#1c1212;color:#eee}h1{color:#ff8a8a}
.problems code,.problems pre{background:#111;border-color:#6b2b2b}.note{color:#bbb}}
"""


def make_app(state: State):
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    class Base(web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Security-Policy", CSP)
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")

    class Internal(Base):
        def get(self, name: str) -> None:
            if name == "status.json":
                self.set_header("Content-Type", "application/json; charset=utf-8")
                self.finish(json.dumps(state.status(), ensure_ascii=False))
            elif name == "error.css":
                self.set_header("Content-Type", TYPES[".css"])
                self.finish(ERROR_CSS)
            else:
                raise web.HTTPError(404)

    class Site(Base):
        def head(self, path: str) -> None:
            self.get(path, include_body=False)

        def get(self, path: str, include_body: bool = True) -> None:
            root = state.out.resolve()
            target = (root / path).resolve()
            if target != root and root not in target.parents:
                raise web.HTTPError(404)
            if target.is_dir():
                if path and not path.endswith("/"):
                    query = f"?{self.request.query}" if self.request.query else ""
                    self.redirect(self.request.path + "/" + query, permanent=False)
                    return
                target = target / "index.html"
            if state.errors and (target.suffix == ".html" or not target.suffix):
                self._send(500, error_page(state.errors, self.request.path), ".html", include_body)
                return
            if not target.is_file():
                missing = root / "404.html"
                body = inject(missing.read_bytes()) if missing.is_file() else b"404: Not Found"
                self._send(404, body, ".html" if missing.is_file() else ".txt", include_body)
                return
            body = target.read_bytes()
            if target.suffix == ".html":
                body = inject(body)
            self._send(200, body, target.suffix, include_body)

        def _send(self, status: int, body: bytes, suffix: str, include_body: bool) -> None:
            self.set_status(status)
            kind = TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
            self.set_header("Content-Type", kind)
            self.set_header("Content-Length", str(len(body)))
            self.finish(body if include_body else None)

    LiveReloadHandler.live_css = True
    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        (rf"/{INTERNAL}/(.*)", Internal),
        (r"/(.*)", Site),
    ], log_function=lambda handler: None)


# --- the command ---------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _say(msg: str, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout, flush=True)


def _report(outcome: Outcome, changed: list[Path], root: Path) -> None:
    if not outcome.ok:
        for e in outcome.errors:
            _say(e, err=True)
        n = sum(1 for e in outcome.errors if "\n" not in e)
        _say(f"build failed: {n} problem(s); serving the error page until they are fixed", err=True)
        return
    for w in outcome.warnings:
        _say(w, err=True)
    what = ", ".join(shown(p, root) for p in sorted(changed)[:3]) + (" …" if len(changed) > 3 else "")
    _say(f"{'built' if not changed else 'rebuilt'} in {outcome.seconds:.2f} s: "
         f"{outcome.rendered} of {outcome.pages} pages rendered" + (f" ({what})" if what else "")
         + (f"; all pages: {outcome.why}" if outcome.full and changed and outcome.why else ""))


def _cleanup(out: Path) -> None:
    """Staging folders of this process that an interrupted build may have left (write.staging)."""
    pid = os.getpid()
    if out.parent.is_dir():
        for leftover in out.parent.glob(f".{out.name}.*-{pid}"):
            shutil.rmtree(leftover, ignore_errors=True)


def serve(opts, build: Callable, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          template_error: Callable | None = None) -> int:
    """Run the preview server until SIGINT/SIGTERM; returns the exit status."""
    if template_error is None:
        template_error = lambda exc: f"templates: {exc}"  # noqa: E731
    try:
        return asyncio.run(_serve(opts, build, host or "127.0.0.1", port, open_browser, template_error))
    finally:
        _cleanup(opts.out)


async def _serve(opts, build, host, port, open_browser, template_error) -> int:
    from livereload.handlers import LiveReloadHandler
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    if not is_loopback(host):
        _say(f"warning: serving on {host}, not on loopback: other machines that can reach this "
             "address can see the preview", err=True)
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        _say(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        return 1

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on Unix: fall back to a plain handler
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))

    state = State(opts.out)
    builder = Builder(opts, build, template_error)
    sources = [opts.content, opts.templates, opts.static, opts.site_file]
    if getattr(opts, "manifest", None):
        sources.append(opts.manifest)
    watcher = Watcher(sources)
    LiveReloadHandler.watcher = watcher  # livereload's handler reads .filepath when it logs
    root = Path.cwd().resolve()

    def rebuild(changed: list[Path]) -> Outcome:
        outcome = builder.rebuild(changed)
        state.generation += 1
        state.last = outcome
        state.errors = () if outcome.ok else outcome.errors
        _report(outcome, changed, root)
        return outcome

    first = rebuild([])
    if first.fatal:
        for s in sockets:
            s.close()
        return 1
    server = HTTPServer(make_app(state))
    server.add_sockets(sockets)
    bound = sockets[0].getsockname()
    shown_host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    url = f"http://{shown_host}:{bound[1]}/"
    _say(f"Serving {shown(opts.out, root)}/ at {url} (Ctrl-C to stop)")
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    async def watch() -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            changed = watcher.poll()
            if not changed:
                continue
            while True:  # an editor may save in several steps: wait for one quiet poll
                await asyncio.sleep(POLL_SECONDS / 2)
                more = watcher.poll()
                if not more:
                    break
                changed |= more
            try:
                before = state.errors
                outcome = rebuild(sorted(changed))
                css_only = outcome.ok and not before and all(p.suffix == ".css" for p in changed)
                first_change = sorted(changed)[0]
                watcher.filepath = str(first_change)
                # livereload.js swaps stylesheets in place for a path ending in .css, else reloads the page
                LiveReloadHandler.reload_waiters(first_change.name if css_only else shown(first_change, root))
            except Exception:  # noqa: BLE001 - keep watching whatever happened to one rebuild
                traceback.print_exc()

    task = asyncio.create_task(watch())
    await stop.wait()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    server.stop()
    for waiter in list(LiveReloadHandler.waiters):
        waiter.close()
    await server.close_all_connections()
    _say("stopped")
    return 0
