"""`python build.py serve`: build, serve on loopback, rebuild on save, reload the browser.

- The site is built into the output folder (`--out`, default _site/) by
  `pipeline.build` and served from there by a small Tornado application; what is
  served is byte for byte what `python build.py` writes, except that HTML
  responses get one external `<script src="/livereload.js">` before `</head>`
  (nothing is inline, so the production Content-Security-Policy,
  `sitegen.security.CSP`, is sent with every response and the preview shows CSP
  problems as the published site would).
- Every rebuild is the whole build, `pipeline.build(opts, env=…)`: every page
  rendered, with one Jinja environment kept for the server's life (templates are
  compiled once, and again after a template is saved). Nothing decides which
  pages an edit touches, so the preview cannot go stale.
- The pages open in a browser come first. Each livereload client says which page
  it shows; after a save the sources are read and linked whole (`pipeline.read`),
  those pages are rendered from that model, and the browsers are told to reload
  at once, while the same model goes on to the whole build. Until that build is
  done, those pages are served from memory, the files copied from static/ from disk
  (unless the save was in static/), and every other request (other pages, the
  search index, the glossary script) waits for the build: nothing older than the
  reloaded page is served as current. A save in static/ or with no page open is
  one whole build, then the reload.
- Builds run in one worker thread, one at a time; the event loop keeps answering
  requests from the last good output meanwhile. Changes saved during a build are
  batched into the next one. What the server shows (`State`) is changed only on
  the event loop's thread.
- content/, templates/, static/, site.yaml and the anchor manifest are polled
  every 20 ms (a stat of each file; a file whose stat changed is read and hashed,
  so a save that changes nothing does not rebuild). Changes are batched until the
  folders are quiet for one more poll.
- The browser side is livereload's client (livereload.js) talking to a subclass
  of livereload's WebSocket handler at /livereload, made for this server (its own
  clients, nothing set on livereload's classes), which accepts connections only
  from the server's own origin. After each rebuild it sends `reload` (a CSS-only
  edit reloads the stylesheets in place).
- When a build fails, the previous output stays on disk and every page request
  gets an error page (serve_templates/error.html) listing each `path:line: message`;
  the browser reloads into the site once a save fixes the problem. The server
  never stops for an error in the sources.
- It binds 127.0.0.1 unless `--host` names another address; on loopback it answers
  only requests addressed to a loopback name (no DNS rebinding). Ctrl-C (SIGINT)
  or SIGTERM stops it after the build in progress, if any, and removes the staging
  folders of this process.

See docs/serve.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import ipaddress
import json
import mimetypes
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
import traceback
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

import jinja2
from markupsafe import Markup

from . import manifest, pipeline, render, write
from .addresses import HOME, STATIC_DIR
from .errors import ContentErrors, shown
from .pipeline import BuildError, Options
from .security import CSP

if TYPE_CHECKING:
    from tornado.httpserver import HTTPServer

POLL_SECONDS = 0.02
SWITCH_SECONDS = 0.0005  # sys.setswitchinterval while serving (see `serve`)
LIVERELOAD_TAG = b'<script src="/livereload.js" defer></script>'
INTERNAL = "__serve__"  # /__serve__/status.json, /__serve__/error.css
TEMPLATES = Path(__file__).resolve().with_name("serve_templates")  # the server's own pages, not the site's
NAME_MAX = 255  # bytes in one path component (Linux, macOS)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}


# --- one build -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    errors: tuple[str, ...] = ()  # `path:line: message`, one a line, when not ok
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    pages: int = 0
    files: int = 0


def failed(exc: Exception, started: float) -> Outcome:
    """The Outcome of a build that raised: its problems, or an internal error with its traceback."""
    seconds = time.perf_counter() - started
    if isinstance(exc, ContentErrors):
        return Outcome(False, tuple(str(e) for e in exc.errors), seconds=seconds)
    if isinstance(exc, jinja2.TemplateError):  # from pages rendered outside pipeline.build
        return Outcome(False, (str(pipeline.template_error(exc)),), seconds=seconds)
    if isinstance(exc, BuildError):
        return Outcome(False, (f"build failed: {exc}",), seconds=seconds)
    frames = "".join(traceback.format_exception(exc)).rstrip()
    return Outcome(False, (f"internal error: {type(exc).__name__}: {exc}", frames), seconds=seconds)


def problem_count(errors: tuple[str, ...]) -> int:
    """Problems in a list of errors (an internal error's traceback is one more entry, not a problem)."""
    return sum(1 for e in errors if "\n" not in e)


class Rebuilder:
    """`pipeline.build` with one Jinja environment, in one worker thread, one build at a time."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.env = render.make_env(opts.templates, watch=True)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitegen-build")

    async def run(self, templates_changed: bool = False, model: pipeline.Model | None = None) -> Outcome:
        """Build in the worker thread; the event loop goes on meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, self.build, templates_changed, model)

    async def run_first(
        self, pages: set[str], templates_changed: bool = False
    ) -> tuple[Outcome | None, pipeline.Model | None, dict[str, bytes]]:
        """`first` in the worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, self.first, pages, templates_changed)

    def _templates(self, changed: bool) -> None:
        if changed and self.env.cache is not None:
            # Jinja reloads a template whose modification time changed; a save within
            # the file system's timestamp resolution would not change it, so after a
            # template edit the compiled templates are dropped outright.
            self.env.cache.clear()

    def first(
        self, pages: set[str], templates_changed: bool = False
    ) -> tuple[Outcome | None, pipeline.Model | None, dict[str, bytes]]:
        """Read and link the sources, and render `pages` (site paths) from them (in the worker thread).

        (None, the model, {path: page}) for `build` to go on from; or the failed Outcome.
        """
        self._templates(templates_changed)
        started = time.perf_counter()
        try:
            model = pipeline.read(self.opts)
            texts = render.render_pages(
                model.site, model.links, self.env, pages, manifest.moved(model.manifest), model.codes
            )
        except Exception as exc:  # noqa: BLE001 - a preview server reports and keeps serving
            return failed(exc, started), None, {}
        return None, model, {path: text.encode("utf-8") for path, text in texts.items()}

    def build(self, templates_changed: bool = False, model: pipeline.Model | None = None) -> Outcome:
        """One whole build (in the worker thread), from `model` if the sources were read. Never
        raises for a problem in the sources."""
        self._templates(templates_changed)
        started = time.perf_counter()
        try:
            result = pipeline.build(self.opts, env=self.env, model=model)
        except Exception as exc:  # noqa: BLE001 - a preview server reports and keeps serving
            return failed(exc, started)
        return Outcome(True, (), tuple(str(w) for w in result.warnings), result.seconds, result.pages, result.files)

    async def close(self) -> None:
        """Wait for the build in progress, if any (off the loop, so it can finish its own work)."""
        await asyncio.to_thread(self._worker.shutdown, True)


# --- what the server knows between requests ------------------------------------------------


@dataclass
class State:
    """Changed only on the event loop's thread."""

    out: Path
    generation: int = 0  # completed builds, good or bad
    errors: tuple[str, ...] = ()
    last: Outcome | None = None
    building: bool = False
    idle: asyncio.Event = field(default_factory=asyncio.Event)  # set while no build runs
    # After an early reload, until the build is done: the pages open in browsers, rendered
    # from the new sources (site path → page). static/ was not changed, so its copy on disk is current.
    early: dict[str, bytes] | None = None

    def __post_init__(self) -> None:
        if not self.building:
            self.idle.set()

    def status(self) -> dict:
        last = self.last
        return {
            "generation": self.generation,
            "ok": not self.errors,
            "errors": list(self.errors),
            "building": self.building,
            "seconds": round(last.seconds, 4) if last else None,
            "pages": last.pages if last else None,
            "files": last.files if last else None,
        }


# --- watching the sources ------------------------------------------------------------------

IGNORED = re.compile(r"^\.|~$|\.sw[a-p]$|\.tmp$|^#.*#$|^4913$")  # editors' backup and lock files
Stat = tuple[int, int, int]


def digest(path: str) -> bytes | None:
    """A hash of a regular file's bytes (None for anything else: a FIFO or a device is never read)."""
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            return hashlib.file_digest(f, "blake2b").digest()
    except OSError:
        return None


class Watcher:
    """Polls a few files and folders; `poll()` returns the paths added, changed or removed.

    A file whose stat changed counts as changed only if its bytes did (a save that
    changes nothing, a `touch`, does not rebuild). Each folder is walked once by its
    real path, so symlinks to a folder above (`a -> .`) do not make the walk loop;
    folders in `skip` (the output) are not walked.
    """

    def __init__(self, roots: list[Path], skip: tuple[Path, ...] = ()):
        self.roots = roots
        self.skip = {os.path.realpath(p) for p in skip}
        self.seen = self.snapshot()
        self.digests = {p: digest(p) for p in self.seen}

    def snapshot(self) -> dict[str, Stat]:
        out: dict[str, Stat] = {}
        visited = set(self.skip)
        for root in self.roots:
            try:
                st = os.stat(root)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                self._walk(str(root), out, visited)
            else:
                out[str(root)] = (st.st_mtime_ns, st.st_size, st.st_ino)
        return out

    def _walk(self, folder: str, out: dict[str, Stat], visited: set[str]) -> None:
        real = os.path.realpath(folder)
        if real in visited:
            return
        visited.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if IGNORED.search(entry.name):
                continue
            try:
                if entry.is_dir():
                    self._walk(entry.path, out, visited)
                else:
                    st = entry.stat()
                    out[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                continue  # removed while we looked (or a dangling link): the next poll sees it

    def poll(self) -> set[Path]:
        now = self.snapshot()
        changed: set[Path] = set()
        for p in now.keys() | self.seen.keys():
            if now.get(p) == self.seen.get(p):
                continue
            if p in now:
                old, new = self.digests.get(p), digest(p)
                self.digests[p] = new
                if p in self.seen and new is not None and new == old:
                    continue  # saved, but the same bytes
            else:
                self.digests.pop(p, None)
            changed.add(Path(p))
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


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def error_page(errors: tuple[str, ...], requested: str) -> bytes:
    """A page of its own for a failed build: every problem, one a line, and the livereload client."""
    return (
        _templates()
        .get_template("error.html")
        .render(
            errors=errors,
            count=problem_count(errors),
            requested=requested,
            css=f"/{INTERNAL}/error.css",
            livereload=Markup(LIVERELOAD_TAG.decode()),
        )
        .encode("utf-8")
    )


def locate(root: Path, path: str) -> Path | None:
    """What a request path names under `root`, resolved; None if it cannot name anything there.

    None for a path that leaves `root` (`..`, symlinks), holds a NUL byte or a
    component longer than a file name can be: a 404, never an exception.
    """
    parts = path.split("/")
    if "\x00" in path or any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in parts):
        return None
    try:
        target = (root / path.lstrip("/")).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    if target != root and root not in target.parents:
        return None
    return target


@dataclass(frozen=True)
class Address:
    """Who may talk to this server: requests must name it (Host), WebSockets come from it (Origin).

    `hosts` are the `host:port` names a loopback server answers to; None for a
    server on another address, which takes any Host and accepts the WebSocket
    from the origin the page was loaded from (Origin equals Host).
    """

    hosts: frozenset[str] | None

    @classmethod
    def of(cls, host: str, port: int) -> Address:
        if not is_loopback(host):
            return cls(None)
        bare = host.strip("[]").lower()
        names = set(LOOPBACK_NAMES) | {f"[{bare}]" if ":" in bare else bare}  # --host 127.0.0.2, say
        return cls(frozenset({f"{name}:{port}" for name in names} | (names if port == 80 else set())))

    def host_ok(self, host: str) -> bool:
        return self.hosts is None or host.lower() in self.hosts

    def origin_ok(self, origin: str, host: str) -> bool:
        try:
            parsed = urlsplit(origin)
        except ValueError:
            return False
        netloc = parsed.netloc.lower()
        return parsed.scheme == "http" and netloc == host.lower() and self.host_ok(netloc)


def make_app(state: State, address: Address):
    """The Tornado application and this server's livereload handler class (for `reload`)."""
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import escape, web

    class Reload(LiveReloadHandler):
        """livereload's WebSocket handler with state of its own.

        livereload keeps its clients in a class attribute and names its own class
        in `on_message` and `on_close` (`LiveReloadHandler.waiters`); `reload_waiters`
        reads `cls.waiters`, `cls.live_css` and `cls.watcher`. So this class has its
        own `waiters` set, overrides those three methods, and sets nothing on
        livereload's classes: another server in the process is not affected.
        """

        waiters: set[LiveReloadHandler] = set()
        live_css = True
        page: str | None = None  # the site path of the page this client shows

        @classmethod
        def open_pages(cls) -> set[str]:
            return {w.page for w in cls.waiters if isinstance(w, Reload) and w.page}

        def prepare(self) -> None:
            if not address.host_ok(self.request.host):
                raise web.HTTPError(403)

        def check_origin(self, origin: str) -> bool:
            # Called for a request that looks cross-origin; a page of this server passes.
            return address.origin_ok(origin, self.request.host)

        def on_message(self, message) -> None:  # livereload's handshake: hello, then info
            command = escape.json_decode(message).get("command")
            if command == "hello":
                self.send_message(
                    {
                        "command": "hello",
                        "serverName": "sitegen-serve",
                        "protocols": ["http://livereload.com/protocols/official-7"],
                    }
                )
            elif command == "info":  # livereload.js sends the address of the page it shows
                url = escape.json_decode(message).get("url")
                self.page = page_path(unquote(urlsplit(url).path)) if isinstance(url, str) else None
                type(self).waiters.add(self)

        def on_close(self) -> None:
            type(self).waiters.discard(self)

        @classmethod
        def reload_waiters(cls, path: str | None = None) -> None:
            message = {"command": "reload", "path": path or "*", "liveCSS": cls.live_css, "liveImg": True}
            for waiter in list(cls.waiters):
                try:
                    waiter.write_message(message)
                except Exception:  # noqa: BLE001 - a closed browser tab
                    cls.waiters.discard(waiter)

    class Base(web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Security-Policy", CSP)
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")

        def prepare(self) -> None:
            if not address.host_ok(self.request.host):
                raise web.HTTPError(403)  # a page elsewhere whose name was pointed at loopback

        def send(self, status: int, body: bytes, suffix: str, include_body: bool = True) -> None:
            self.set_status(status)
            kind = TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
            self.set_header("Content-Type", kind)
            self.set_header("Content-Length", str(len(body)))
            self.finish(body if include_body else None)

    class Internal(Base):
        def get(self, name: str) -> None:
            if name == "status.json":
                self.send(200, json.dumps(state.status(), ensure_ascii=False).encode("utf-8"), ".json")
            elif name == "error.css":
                self.send(200, (TEMPLATES / "error.css").read_bytes(), ".css")
            else:
                raise web.HTTPError(404)

    class Site(Base):
        async def head(self, path: str) -> None:
            await self.get(path, include_body=False)

        async def get(self, path: str, include_body: bool = True) -> None:
            if state.early is not None:  # browsers reloaded before the build was done
                page = state.early.get(page_path(path))
                if page is not None and not state.errors:
                    self.send(200, inject(page), ".html", include_body)
                    return
                if not path.startswith(f"{STATIC_DIR}/"):
                    await state.idle.wait()  # nothing older than the reloaded page is served as current
            reply = self.reply(path)
            if reply is None and state.building:
                # Missing, or read while the new build was being swapped into place:
                # ask again once that build is done.
                await state.idle.wait()
                reply = self.reply(path)
            if isinstance(reply, str):
                self.redirect(reply, permanent=False)
            elif reply is not None:
                self.send(*reply, include_body)
            else:
                try:
                    page = (state.out / "404.html").read_bytes()
                    self.send(404, inject(page), ".html", include_body)
                except OSError:
                    self.send(404, b"404: Not Found", ".txt", include_body)

        def reply(self, path: str) -> tuple[int, bytes, str] | str | None:
            """(status, body, suffix), a redirect's location, or None for not found."""
            root = state.out.resolve()
            target = locate(root, path)
            if target is None:
                return None
            try:
                if target.is_dir():
                    if path and not path.endswith("/"):
                        # from the resolved path, never the request's: `//host/…` must not leave the site
                        rel = target.relative_to(root).as_posix()
                        query = f"?{self.request.query}" if self.request.query else ""
                        return ("/" if rel == "." else f"/{quote(rel)}/") + query
                    target = target / HOME
                if state.errors and (target.suffix == ".html" or not target.suffix):
                    return 500, error_page(state.errors, self.request.path), ".html"
                body = target.read_bytes()
            except OSError:  # missing, a folder, unreadable, a name too long
                return None
            return 200, inject(body) if target.suffix == ".html" else body, target.suffix

    app = web.Application(
        [
            (r"/livereload", Reload),
            (r"/livereload\.js", LiveReloadJSHandler),
            (rf"/{INTERNAL}/(.*)", Internal),
            (r"/(.*)", Site),
        ],
        log_function=lambda handler: None,
    )
    return app, Reload


# --- the server ----------------------------------------------------------------------------


def page_path(url_path: str) -> str:
    """The site path a request or a browser's address names (decoded): `/`, `/a/` → index.html."""
    path = url_path.lstrip("/")
    return path + HOME if path == "" or path.endswith("/") else path


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
        _say(
            f"build failed: {problem_count(outcome.errors)} problem(s); serving the error page until they are fixed",
            err=True,
        )
        return
    for w in outcome.warnings:
        _say(w, err=True)
    what = ", ".join(shown(p, root) for p in changed[:3]) + (" …" if len(changed) > 3 else "")
    _say(
        f"{'rebuilt' if changed else 'built'} {outcome.pages} pages in {outcome.seconds:.2f} s"
        + (f" ({what})" if what else "")
    )


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


class Preview:
    """The preview server: `start()` builds and listens, `run(stop)` watches until `stop` is set."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.state = State(opts.out)
        self.rebuilder = Rebuilder(opts)
        sources = [opts.content, opts.templates, opts.static, opts.site_file]
        if opts.manifest is not None:
            sources.append(opts.manifest)
        self.watcher = Watcher(sources, skip=(opts.out,))
        self.root = Path.cwd().resolve()
        self.server: HTTPServer | None = None
        self.reload: Any = None  # this server's livereload handler class (`make_app`)
        self.url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 8000) -> str | None:
        """The first build, then listen; the URL, or None (said why) if serving cannot start."""
        from tornado.httpserver import HTTPServer
        from tornado.netutil import bind_sockets

        try:
            write.check_output(self.opts.out, self.opts.sources)
        except write.OutputError as exc:
            _say(f"serve: {exc}", err=True)
            return None
        if not is_loopback(host):
            _say(
                f"warning: serving on {host}, not on loopback: other machines that can reach this "
                "address can see the preview",
                err=True,
            )
        try:
            sockets = bind_sockets(port, address=host)
        except OSError as exc:
            _say(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
            return None
        await self.rebuild(set())
        bound = sockets[0].getsockname()
        app, self.reload = make_app(self.state, Address.of(host, bound[1]))
        self.server = HTTPServer(app)
        self.server.add_sockets(sockets)
        shown_host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        self.url = f"http://{shown_host}:{bound[1]}/"
        _say(f"Serving {shown(self.opts.out, self.root)}/ at {self.url} (Ctrl-C to stop)")
        return self.url

    async def rebuild(self, changed: set[Path]) -> Outcome:
        """One build in the worker; the state changes here, on the loop.

        With pages open in browsers (and nothing changed in static/), those pages first:
        the browsers reload as soon as they are rendered, and the build goes on from the
        same model (see the module's docstring)."""
        state = self.state
        was_ok = not state.errors
        templates_changed = any(_under(p, self.opts.templates) for p in changed)
        static_changed = any(_under(p, self.opts.static) for p in changed)
        pages = self.reload.open_pages() if changed and self.reload is not None else set()
        state.building = True
        state.idle.clear()
        reloaded = False
        try:
            outcome: Outcome | None = None
            model = None
            if pages and not static_changed:
                outcome, model, early = await self.rebuilder.run_first(pages, templates_changed)
                templates_changed = False  # the compiled templates are fresh now
                if outcome is None:
                    state.early, state.errors = early, ()
                    self.reload.reload_waiters("*")
                    reloaded = True
            if outcome is None:
                outcome = await self.rebuilder.run(templates_changed, model)
        finally:
            state.building = False
            state.early = None
            state.idle.set()
        state.generation += 1
        state.last = outcome
        state.errors = () if outcome.ok else outcome.errors
        _report(outcome, sorted(changed), self.root)
        if changed and self.reload is not None and not (reloaded and outcome.ok):
            # livereload.js swaps stylesheets in place for a path ending in .css, else reloads the page
            css_only = outcome.ok and was_ok and all(p.suffix == ".css" for p in changed)
            self.reload.reload_waiters(min(changed).name if css_only else "*")
        return outcome

    async def changes(self) -> set[Path]:
        """The next batch of changed sources: poll until something changed, then until a quiet poll."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            changed = self.watcher.poll()
            if changed:
                break
        while True:  # an editor may save in several steps
            await asyncio.sleep(POLL_SECONDS / 2)
            more = self.watcher.poll()
            if not more:
                return changed
            changed |= more

    async def watch(self) -> None:
        # Saves during a build are seen by the first poll after it: they make the next batch.
        while True:
            changed = await self.changes()
            try:
                await self.rebuild(changed)
            except Exception:  # noqa: BLE001 - keep watching whatever happened to one rebuild
                traceback.print_exc()

    async def run(self, stop: asyncio.Event) -> None:
        """Watch and rebuild until `stop` is set, then finish the build in progress and close."""
        watching = asyncio.create_task(self.watch())
        try:
            await stop.wait()
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            await self.close()

    async def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.reload is not None:
            for waiter in list(self.reload.waiters):
                waiter.close()
        await self.rebuilder.close()
        if self.server is not None:
            await self.server.close_all_connections()
            self.server = None


def _cleanup(out: Path) -> None:
    """Staging folders of this process that an interrupted build may have left (write.staging)."""
    pid = os.getpid()
    if out.parent.is_dir():
        for leftover in out.parent.glob(f".{out.name}.*-{pid}"):
            shutil.rmtree(leftover, ignore_errors=True)


def serve(opts: Options, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False) -> int:
    """Run the preview server until SIGINT/SIGTERM; returns the exit status."""
    # Builds run in a thread beside the event loop, and a thread that wants the GIL gets it
    # only after the running one has had it this long: at Python's 5 ms, the requests of a
    # reloading browser took 30–120 ms while a build ran; at 0.5 ms they are answered at once.
    sys.setswitchinterval(SWITCH_SECONDS)
    try:
        return asyncio.run(_serve(opts, host or "127.0.0.1", port, open_browser))
    finally:
        _cleanup(opts.out)


async def _serve(opts: Options, host: str, port: int, open_browser: bool) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on Unix: fall back to a plain handler
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))

    preview = Preview(opts)
    url = await preview.start(host, port)
    if url is None:
        await preview.close()
        return 1
    if open_browser and not stop.is_set():
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    if stop.is_set():
        await preview.close()
    else:
        await preview.run(stop)
    _say("stopped")
    return 0
