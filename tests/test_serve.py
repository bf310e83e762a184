"""`build.py serve`: live preview, rebuilds equal to clean builds, error pages, safety, shutdown.

Three layers:
- Pieces of sitegen/serve.py on their own: the watcher, path and origin rules,
  the error page, livereload's handler left untouched.
- The preview server (`serve.Preview`, the same code the command runs) in a thread
  of this process, on a copy of every source (content, templates, static,
  site.yaml, the manifest): after each kind of edit its output folder equals a
  clean build of the same sources, byte for byte; requests are answered while a
  rebuild runs; saves during a build make one next build; a save that changes
  nothing does not rebuild.
- The real command in a subprocess (`build.py serve --port 0`) on a copy of
  content/ and site.yaml: HTTP, livereload and its origin check, redirects, bad
  paths, the error page, a browser reloading by itself, loopback binding, SIGINT.

Nothing is timed except where a test says so: every wait polls with a generous timeout.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from conftest import CSP, ROOT

from sitegen import pipeline, serve
from sitegen.pipeline import Options
from sitegen.serve import LIVERELOAD_TAG, Address, Watcher, error_page, inject, is_loopback, locate

TIMEOUT = 90  # seconds; generous, since CI machines are slow and shared


def wait_for(predicate, what: str, timeout: float = TIMEOUT, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(served: Path, clean: Path) -> None:
    """Every file of `served` equals the clean build's, byte for byte, and no file is missing or extra.

    Two clean builds of the same sources are identical (tests/test_site.py); so any
    difference here is a difference the preview made, and fails.
    """
    a, b = tree(served), tree(clean)
    assert sorted(a) == sorted(b), (
        "only in the preview:",
        sorted(set(a) - set(b))[:10],
        "only in the clean build:",
        sorted(set(b) - set(a))[:10],
    )
    different = [f"{name} ({len(a[name])} vs {len(b[name])} bytes)" for name in a if a[name] != b[name]]
    assert not different, f"differ from a clean build: {different[:10]}"


def edit(path: Path, old: str, new: str) -> str:
    """Replace `old` by `new` once, as an editor saving in place would; returns the text before."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def replace_file(path: Path, text: str) -> None:
    """Write a file in one step (a temporary file renamed over it), as many editors save."""
    tmp = path.with_name(f".{path.name}.edit.tmp")  # a name the watcher ignores
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Client:
    """HTTP to a preview server at `self.url`."""

    url: str
    port: int

    def get(self, path: str, timeout: float = 30) -> tuple[int, str, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8"), dict(e.headers)

    def get_bytes(self, path: str) -> tuple[bytes, str]:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return r.read(), r.headers["Content-Type"]

    def raw(self, target: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """A request with the target sent exactly as given (urllib would normalise it)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", target, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def status(self) -> dict:
        return json.loads(self.get("__serve__/status.json")[1])

    def wait_page(self, path: str, text: str, present: bool = True, status: int = 200) -> str:
        def check():
            code, body, _ = self.get(path)
            return body if code == status and (text in body) == present else None

        return wait_for(check, f"{path} {'with' if present else 'without'} {text!r} (HTTP {status})")

    def wait_build(self, after: int) -> dict:
        """The status once build number `after` + 1 (or a later one) is done and none runs."""
        return wait_for(
            lambda: (s := self.status())["generation"] > after and not s["building"] and s, f"build {after + 1}"
        )


# --- pieces, on their own --------------------------------------------------------------------


def test_watcher_sees_changes_and_ignores_editor_files(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("a")
    w = Watcher([folder, tmp_path / "site.yaml"])
    assert w.poll() == set()
    (folder / ".a.md.swp").write_text("x")
    (folder / "a.md~").write_text("x")
    assert w.poll() == set()
    (folder / "a.md").write_text("bb")
    (tmp_path / "site.yaml").write_text("x")
    assert w.poll() == {folder / "a.md", tmp_path / "site.yaml"}
    (folder / "a.md").unlink()
    assert w.poll() == {folder / "a.md"}
    (folder / "a.md").write_text("bb")  # back, with the same bytes as before it went: still a change
    assert w.poll() == {folder / "a.md"}


def test_watcher_ignores_a_save_that_changes_nothing(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("same")
    w = Watcher([tmp_path])
    os.utime(f, ns=(0, 0))  # touch
    f.write_text("same")  # saved again, same bytes
    replace_file(f, "same")  # replaced by a new file (new inode), same bytes
    assert w.seen[str(f)] != (0, 0, 0)
    assert w.poll() == set()
    f.write_text("other")
    assert w.poll() == {f}


def test_watcher_walks_each_folder_once_despite_symlink_loops(tmp_path):
    content = tmp_path / "content"
    (content / "doc").mkdir(parents=True)
    (content / "doc/01.md").write_text("x")
    (content / "a").symlink_to(".")
    (content / "b").symlink_to(".")
    (content / "doc/up").symlink_to("..")
    (content / "dangling").symlink_to("nowhere")
    fifo = content / "doc/20.md"
    os.mkfifo(fifo)  # never read: it would block
    out = content / "_site"  # an output folder inside the watched tree is not walked
    out.mkdir()
    (out / "index.html").write_text("x")
    made: list[Watcher] = []
    walk = threading.Thread(target=lambda: made.append(Watcher([content], skip=(out,))), daemon=True)
    walk.start()
    walk.join(TIMEOUT)
    assert made, "the watcher's first walk did not end"
    w = made[0]
    assert set(w.seen) == {str(content / "doc/01.md"), str(fifo)}
    (out / "index.html").write_text("y")
    assert w.poll() == set()
    (content / "doc/01.md").write_text("y")
    assert w.poll() == {content / "doc/01.md"}


def test_injection_and_loopback_rules():
    page = b"<html><head><title>t</title></head><body></body></html>"
    assert inject(page) == page.replace(b"</head>", LIVERELOAD_TAG + b"</head>")
    assert b"<script>" not in LIVERELOAD_TAG and b"src=" in LIVERELOAD_TAG  # external: the CSP allows it
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_request_paths_never_leave_the_output_or_raise(tmp_path):
    root = (tmp_path / "_site").resolve()
    (root / "glossary").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("x")
    assert locate(root, "glossary") == root / "glossary"
    assert locate(root, "") == root
    assert locate(root, "/evil.example/../glossary") == root / "glossary"  # `//host/…` stays in the site
    for bad in (
        "../secret.txt",
        "glossary/../../secret.txt",
        "\x00",
        "a\x00b.html",
        "a" * 256,
        f"glossary/{'b' * 300}.html",
        "x/" * 3000,
    ):
        assert locate(root, bad) is None or root in locate(root, bad).parents, bad
    assert locate(root, "../secret.txt") is None
    assert locate(root, "a\x00b.html") is None
    assert locate(root, "a" * 256) is None


def test_websocket_origin_and_host_rules():
    a = Address.of("127.0.0.1", 8000)
    assert a.origin_ok("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert a.origin_ok("http://localhost:8000", "localhost:8000")
    assert a.origin_ok("http://[::1]:8000", "[::1]:8000")
    assert not a.origin_ok("http://evil.example", "127.0.0.1:8000")
    assert not a.origin_ok("http://127.0.0.1:8001", "127.0.0.1:8000")  # another local server
    assert not a.origin_ok("https://127.0.0.1:8000", "127.0.0.1:8000")
    assert not a.origin_ok("null", "127.0.0.1:8000")
    assert not a.origin_ok("http://evil.example:8000", "evil.example:8000")  # DNS rebinding
    assert a.host_ok("127.0.0.1:8000") and a.host_ok("LOCALHOST:8000") and not a.host_ok("evil.example:8000")
    assert Address.of("127.0.0.2", 8000).host_ok("127.0.0.2:8000")
    assert Address.of("::1", 80).origin_ok("http://[::1]", "[::1]")  # the default port is left out
    anywhere = Address.of("0.0.0.0", 8000)  # --host 0.0.0.0: a page from this server, whatever its name
    assert anywhere.host_ok("192.0.2.1:8000")
    assert anywhere.origin_ok("http://192.0.2.1:8000", "192.0.2.1:8000")
    assert not anywhere.origin_ok("http://evil.example", "192.0.2.1:8000")


def test_error_page_is_a_template_with_escaped_problems():
    errors = (
        "content/a.md:3: invalid YAML <script>alert(1)</script>",
        "templates/x.html:2: bad & worse",
        "internal error: KeyError: 'x'",
        'Traceback (most recent call last):\n  File "<x>"',
    )
    page = error_page(errors, "/a.html?<q>").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<title>构建出错（3） · 预览</title>" in page and "构建出错：3 个问题" in page
    assert '<span lang="en">The site was not rebuilt.' in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<code>templates/x.html:2: bad &amp; worse</code>" in page
    assert "<pre>Traceback (most recent call last):\n  File &#34;&lt;x&gt;&#34;</pre>" in page
    assert "<code>/a.html?&lt;q&gt;</code>" in page
    assert LIVERELOAD_TAG.decode() in page and "/__serve__/error.css" in page
    assert "<style" not in page and "style=" not in page  # nothing inline: the CSP allows none
    assert (serve.TEMPLATES / "error.css").is_file()


def test_the_livereload_handler_of_a_server_is_its_own():
    from livereload.handlers import LiveReloadHandler

    state = serve.State(Path("_site"))
    _, one = serve.make_app(state, Address.of("127.0.0.1", 1))
    _, two = serve.make_app(state, Address.of("127.0.0.1", 2))
    assert issubclass(one, LiveReloadHandler) and one.live_css is True
    assert one.waiters is not two.waiters and one.waiters is not LiveReloadHandler.waiters
    assert LiveReloadHandler.live_css is None and LiveReloadHandler.watcher is None  # nothing set on it
    for name in ("on_message", "on_close", "reload_waiters", "check_origin"):
        assert name in vars(one), name  # livereload's versions name LiveReloadHandler's class-level state


# --- the preview server, in this process -------------------------------------------------------


@pytest.fixture
def sources(tmp_path) -> Path:
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("site.yaml", "anchors.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def options(src: Path) -> Options:
    return Options(
        content=src / "content",
        templates=src / "templates",
        static=src / "static",
        site_file=src / "site.yaml",
        manifest=src / "anchors.txt",
        out=src / "out",
    )


class InProcess(Client):
    """`serve.Preview`, as `build.py serve` runs it, in a thread of this process with its own event loop."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.url = ""
        self.ready = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self.thread.start()
        assert self.ready.wait(TIMEOUT) and self.url, "the preview did not start"
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        self.preview = serve.Preview(self.opts)
        try:
            self.url = await self.preview.start("127.0.0.1", 0) or ""
        finally:
            self.ready.set()
        if self.url:
            await self.preview.run(self.stopping)
        else:
            await self.preview.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive()


@pytest.fixture
def preview(sources):
    p = InProcess(options(sources))
    assert p.status()["ok"], p.status()
    yield p
    p.stop()


def clean_build(opts: Options, out: Path) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    pipeline.build(dataclasses.replace(opts, out=out))  # a fresh Jinja environment
    return out


def change(p: InProcess, path: Path, old: str, new: str) -> str:
    """Replace `old` by `new` in one step and wait for the rebuild; returns the text before."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    generation = p.status()["generation"]
    replace_file(path, text.replace(old, new, 1))
    p.wait_build(generation)
    return text


def test_preview_equals_a_clean_build_after_every_kind_of_edit(preview, sources):
    opts, out = preview.opts, sources / "clean"
    content = sources / "content"
    p7, p4 = content / "yrd-decision/07.md", content / "digital-trade-plan/04.md"
    steps = [
        ("text", p7, "开展联合攻关，", "开展联合攻关和数字贸易合作，"),  # adds a term occurrence
        ("title", p7, "title: 联合攻关与科研任务组织", "title: 联合攻关与任务组织"),
        ("topics", p7, "topics: [keji-gongguan]", "topics: [keji-gongguan, jichu-yanjiu]"),
        ("related", p7, "related:\n", "related:\n  - to: digital-trade-plan/4\n    reason: 测试用的关联\n"),
        ("plan item", p4, "提升文化产品申报效率。", "提升文化产品申报效率和通关效率。"),
        ("notes", p4, "notes: []", "notes:\n  - paragraph: 1\n    text: 测试用的编者注。"),
        ("glossary term", content / "glossary/shuzi-maoyi.md", "en: digital trade", "en: digital trade (test)"),
        ("topic", content / "topics.yaml", "name: 基础研究", "name: 基础研究（测试）"),
        ("document", content / "yrd-decision/_document.md", "status: 已生效", "status: 已生效（测试）"),
        (
            "template",
            sources / "templates/provision.html",
            "{% block main %}\n",
            '{% block main %}\n<p class="preview-test">模板测试</p>\n',
        ),
        ("static", sources / "static/site.css", "body", "/* edited */\nbody"),
        ("site.yaml", sources / "site.yaml", "short_title: 浙江政策文本", "short_title: 浙江政策文本（预览）"),
    ]
    for name, path, old, new in steps:
        change(preview, path, old, new)
        assert preview.status()["ok"], (name, preview.status()["errors"])
        assert_same_tree(opts.out, clean_build(opts, out))
    assert "模板测试" in (opts.out / "yrd-decision/7.html").read_text(encoding="utf-8")
    assert "（预览）" in (opts.out / "yrd-decision/7.html").read_text(encoding="utf-8")

    # a new provision, then its removal (no published anchor depends on it)
    new = content / "yrd-decision/20.md"
    generation = preview.status()["generation"]
    replace_file(
        new,
        (content / "yrd-decision/19.md")
        .read_text(encoding="utf-8")
        .replace("number: 19", "number: 20")
        .replace("label: 十九", "label: 二十"),
    )
    preview.wait_build(generation)
    assert_same_tree(opts.out, clean_build(opts, out))
    assert (opts.out / "yrd-decision/20.html").is_file()
    generation = preview.status()["generation"]
    new.unlink()
    preview.wait_build(generation)
    assert_same_tree(opts.out, clean_build(opts, out))
    assert not (opts.out / "yrd-decision/20.html").exists()


def test_template_errors_name_template_and_line(preview, sources):
    tpl = sources / "templates/provision.html"
    original = change(preview, tpl, "{% block main %}\n", "{% block main %}\n{% if %}\n")
    errors = preview.status()["errors"]
    assert errors and re.search(r"templates/provision\.html:\d+: ", errors[0]), errors
    code, body, _ = preview.get("yrd-decision/7.html")
    assert code == 500 and "provision.html:" in body
    generation = preview.status()["generation"]
    replace_file(tpl, original.replace("{% block main %}\n", "{% block main %}\n{{ no_such_name.x }}\n", 1))
    errors = preview.wait_build(generation)["errors"]
    assert errors and re.search(r"provision\.html:\d+: .*no_such_name", errors[0]), errors
    generation = preview.status()["generation"]
    replace_file(tpl, original)
    assert preview.wait_build(generation)["ok"]
    assert_same_tree(preview.opts.out, clean_build(preview.opts, sources / "clean"))


def test_content_error_keeps_last_good_output(preview, sources):
    p7 = sources / "content/yrd-decision/07.md"
    before = tree(preview.opts.out)
    original = change(preview, p7, "topics: [keji-gongguan]", "topics: [keji-gongguan")
    status = preview.status()
    assert not status["ok"] and any("yrd-decision/07.md:" in e for e in status["errors"]), status
    assert tree(preview.opts.out) == before
    generation = status["generation"]
    replace_file(p7, original)
    assert preview.wait_build(generation)["ok"]
    assert_same_tree(preview.opts.out, clean_build(preview.opts, sources / "clean"))


@pytest.fixture
def gate(monkeypatch):
    """Makes `pipeline.build` wait, in the worker thread, until the test opens the gate."""
    real = pipeline.build
    gate = threading.Event()
    gate.calls = 0
    gate.waiting = threading.Event()

    def held(opts, env=None, model=None):
        gate.calls += 1
        gate.waiting.set()
        assert gate.wait(TIMEOUT)
        return real(opts, env=env, model=model)

    gate.hold = lambda: monkeypatch.setattr(pipeline, "build", held)
    yield gate
    gate.set()


def test_requests_are_answered_while_a_rebuild_runs(preview, sources, gate):
    p7 = sources / "content/yrd-decision/07.md"
    gate.hold()
    generation = preview.status()["generation"]
    original = p7.read_text(encoding="utf-8")
    replace_file(p7, original.replace("开展联合攻关，", "开展联合攻关（慢构建），", 1))
    assert gate.waiting.wait(TIMEOUT), "the rebuild did not start"
    started = time.monotonic()
    code, body, _ = preview.get("yrd-decision/7.html", timeout=10)  # the loop is free: no waiting for the build
    assert code == 200 and "开展联合攻关，" in body and "（慢构建）" not in body  # the last good output
    assert preview.get("static/site.css", timeout=10)[0] == 200
    status = preview.status()
    assert status["building"] and status["generation"] == generation
    assert time.monotonic() - started < 10
    gate.set()
    preview.wait_page("yrd-decision/7.html", "（慢构建）")
    assert preview.wait_build(generation)["ok"]


def _browser_on(preview: InProcess, page: str, during: Callable[[], Awaitable[object]]) -> object:
    """Connect to /livereload as livereload.js does on `page` (hello, then info with its
    address), run `during()` and return what it returns."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def talk():
        request = HTTPRequest(
            preview.url.replace("http://", "ws://") + "livereload", headers={"Origin": preview.url.rstrip("/")}
        )
        ws = await websocket_connect(request)
        await ws.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        assert json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))["command"] == "hello"
        await ws.write_message(json.dumps({"command": "info", "url": preview.url + page, "plugins": {}}))
        await asyncio.sleep(0.3)  # registered on "info"
        try:
            return await during(ws)
        finally:
            ws.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, talk()).result()


def test_the_open_page_reloads_before_the_whole_build(preview, sources, gate):
    """A browser shows 7.html: after a save it reloads as soon as that page is rendered from the
    new sources. Until the whole build is done, that page comes from memory and static/ from
    disk; every other file waits for the build, so nothing older than the page is served."""
    from tornado.httpclient import AsyncHTTPClient

    p7 = sources / "content/yrd-decision/07.md"
    generation = preview.status()["generation"]

    async def during(ws):
        gate.hold()
        replace_file(p7, p7.read_text(encoding="utf-8").replace("开展联合攻关，", "开展联合攻关（先行），", 1))
        reload = json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))
        assert reload["command"] == "reload"
        assert await asyncio.to_thread(gate.waiting.wait, TIMEOUT), "the whole build did not start"
        status = preview.status()
        assert status["building"] and status["generation"] == generation  # the reload came first
        client = AsyncHTTPClient()
        shown = await client.fetch(preview.url + "yrd-decision/7.html")
        assert "开展联合攻关（先行），" in shown.body.decode()
        assert (await client.fetch(preview.url + "static/site.css")).code == 200
        later = [
            asyncio.ensure_future(client.fetch(preview.url + path, request_timeout=TIMEOUT))
            for path in ("yrd-decision/index.html", "search-index.js")
        ]
        await asyncio.sleep(0.5)
        assert not any(f.done() for f in later), "a file of the build in progress was served before it was done"
        gate.set()
        full, index = await asyncio.gather(*later)
        assert "开展联合攻关（先行），" in full.body.decode() and "（先行）" in index.body.decode()
        return shown.body

    early = _browser_on(preview, "yrd-decision/7.html", during)
    assert preview.wait_build(generation)["ok"]
    assert early == inject((preview.opts.out / "yrd-decision/7.html").read_bytes())  # what the build wrote
    assert_same_tree(preview.opts.out, clean_build(preview.opts, sources / "clean"))


def test_an_error_found_before_the_open_page_is_rendered_shows_the_error_page(preview, sources):
    p7 = sources / "content/yrd-decision/07.md"
    generation = preview.status()["generation"]

    async def during(ws):
        replace_file(p7, p7.read_text(encoding="utf-8").replace("---\n", "---\ntitle: [\n", 1))
        assert json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))["command"] == "reload"

    _browser_on(preview, "yrd-decision/7.html", during)
    status = preview.wait_build(generation)
    assert not status["ok"] and any("yrd-decision/07.md:4: invalid YAML" in e for e in status["errors"]), status
    code, body, _ = preview.get("yrd-decision/7.html")
    assert code == 500 and "yrd-decision/07.md:4: invalid YAML" in body


def test_a_template_error_in_the_open_page_names_the_template_and_line(preview, sources):
    tpl = sources / "templates/provision.html"
    original = tpl.read_text(encoding="utf-8")
    generation = preview.status()["generation"]

    async def during(ws):
        replace_file(tpl, original.replace("{% block main %}\n", "{% block main %}\n{{ no_such_name.x }}\n", 1))
        assert json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))["command"] == "reload"

    _browser_on(preview, "yrd-decision/7.html", during)
    status = preview.wait_build(generation)
    assert not status["ok"] and re.search(r"templates/provision\.html:\d+: .*no_such_name", status["errors"][0]), status
    code, body, _ = preview.get("yrd-decision/7.html")
    assert code == 500 and "provision.html:" in body
    generation = preview.status()["generation"]
    replace_file(tpl, original)
    assert preview.wait_build(generation)["ok"]


def test_saves_during_a_build_make_one_next_build(preview, sources, gate):
    content = sources / "content"
    p1, p2, p3 = (content / f"yrd-decision/0{n}.md" for n in (1, 2, 3))
    gate.hold()
    generation = preview.status()["generation"]
    replace_file(p1, p1.read_text(encoding="utf-8").replace("。", "（第一次）。", 1))
    assert gate.waiting.wait(TIMEOUT)
    replace_file(p2, p2.read_text(encoding="utf-8").replace("。", "（第二次）。", 1))
    time.sleep(0.1)  # several polls' worth: nothing polls while a build runs, and nothing is lost
    replace_file(p3, p3.read_text(encoding="utf-8").replace("。", "（第三次）。", 1))
    gate.set()
    preview.wait_build(generation + 1)
    time.sleep(0.5)  # 25 polls: no further build
    assert preview.status()["generation"] == generation + 2 and gate.calls == 2
    for n, marker in ((1, "（第一次）"), (2, "（第二次）"), (3, "（第三次）")):
        assert marker in (preview.opts.out / f"yrd-decision/{n}.html").read_text(encoding="utf-8")
    assert_same_tree(preview.opts.out, clean_build(preview.opts, sources / "clean"))


def test_a_save_that_changes_nothing_does_not_rebuild(preview, sources):
    p7 = sources / "content/yrd-decision/07.md"
    generation = preview.status()["generation"]
    p7.write_text(p7.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(sources / "templates/base.html")
    replace_file(sources / "site.yaml", (sources / "site.yaml").read_text(encoding="utf-8"))
    time.sleep(0.5)  # 25 polls
    assert preview.status()["generation"] == generation
    change(preview, p7, "开展联合攻关，", "开展联合攻关（有变化），")
    assert preview.status()["generation"] == generation + 1


def test_directory_symlink_loops_in_content_do_not_stop_the_server(sources):
    content = sources / "content"
    (content / "a").symlink_to(".")
    (content / "b").symlink_to(".")
    (content / "yrd-decision/up").symlink_to("..")
    p = InProcess(options(sources))
    try:
        assert p.status()["ok"]
        assert p.get("yrd-decision/7.html")[0] == 200
        change(p, content / "yrd-decision/07.md", "开展联合攻关，", "开展联合攻关（链接）,")
        p.wait_page("yrd-decision/7.html", "（链接）")
    finally:
        p.stop()


# --- the command, in a subprocess ------------------------------------------------------------


def _collect(stream, into: list[str]) -> None:
    for line in stream:
        into.append(line)


class Server(Client):
    def __init__(self, tmp: Path, *extra: str):
        self.tmp = tmp
        self.content = tmp / "content"
        self.out = tmp / "_site"
        self.tmpdir = tmp / "tmpdir"  # TMPDIR of the server: must be empty after it stops
        self.tmpdir.mkdir(exist_ok=True)
        env = dict(os.environ, TMPDIR=str(self.tmpdir), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "serve",
                "--port",
                "0",
                "--content",
                "content",
                "--out",
                "_site",
                *extra,
            ],
            cwd=tmp,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            threading.Thread(target=_collect, args=(stream, lines), daemon=True).start()
        line = wait_for(
            lambda: (
                next((x for x in self.stdout if x.startswith("Serving")), None)
                or (self.proc.poll() is not None and "exited")
            ),
            "the server to start",
        )
        assert line != "exited", "".join(self.stderr)
        self.url = line.split(" at ", 1)[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", tmp / "content")
    shutil.copy(ROOT / "site.yaml", tmp / "site.yaml")
    s = Server(tmp, "--site", "site.yaml")
    yield s
    s.stop()
    assert "Traceback" not in "".join(s.stderr), "".join(s.stderr)


def test_serves_the_built_site_with_the_livereload_client(server):
    code, body, headers = server.get("yrd-decision/7.html")
    assert code == 200 and "联合攻关" in body
    assert LIVERELOAD_TAG.decode() in body and "<script>" not in body  # no inline script
    assert headers["Content-Security-Policy"] == CSP
    js, kind = server.get_bytes("livereload.js")
    assert b"LiveReload" in js and "javascript" in kind
    code, body, headers = server.get("no/such/page.html")
    assert code == 404 and "页面未找到" in body and headers["Content-Security-Policy"] == CSP
    assert server.status()["ok"]


def test_edit_a_provision_and_see_the_page_change(server):
    p7 = server.content / "yrd-decision/07.md"
    original = edit(p7, "开展联合攻关，", "开展联合攻关（预览测试甲），")
    try:
        server.wait_page("yrd-decision/7.html", "（预览测试甲）")
        server.wait_page("yrd-decision/index.html", "（预览测试甲）")
    finally:
        p7.write_text(original, encoding="utf-8")
    server.wait_page("yrd-decision/7.html", "（预览测试甲）", present=False)


def test_yaml_error_shows_error_page_until_fixed(server):
    p7 = server.content / "yrd-decision/07.md"
    original = edit(p7, "topics: [keji-gongguan]", "topics: [keji-gongguan")
    try:
        body = server.wait_page("yrd-decision/7.html", "构建出错", status=500)
        assert re.search(r"content/yrd-decision/07\.md:\d+: invalid YAML", body), body
        assert LIVERELOAD_TAG.decode() in body  # so that the browser reloads once it is fixed
        assert '<span lang="en">The site was not rebuilt.' in body
        code, other, _ = server.get("index.html")
        assert code == 500 and "content/yrd-decision/07.md:" in other
        status = server.status()
        assert not status["ok"] and any("07.md:" in e for e in status["errors"])
        code, _, _ = server.get("static/site.css")
        assert code == 200  # assets of the last good build are still served
        css, kind = server.get_bytes("__serve__/error.css")
        assert b".serve-error" in css and kind.startswith("text/css")
    finally:
        p7.write_text(original, encoding="utf-8")
    body = server.wait_page("yrd-decision/7.html", "联合攻关")
    assert "构建出错" not in body and server.status()["ok"]


def test_served_folder_equals_a_clean_build_after_edits(server):
    content = server.content
    p7, p12 = content / "yrd-decision/07.md", content / "digital-trade-plan/12.md"
    edit(p7, "title: 联合攻关与科研任务组织", "title: 联合攻关与任务组织（乙）")
    server.wait_page("yrd-decision/8.html", "联合攻关与任务组织（乙）")  # a neighbour shows the title
    edit(p12, "topics: [", "topics: [jichu-yanjiu, ")  # filed under one more topic
    server.wait_page("topics/jichu-yanjiu.html", "digital-trade-plan/12.html")
    edit(server.tmp / "site.yaml", "short_title: 浙江政策文本", "short_title: 浙江政策文本（丁）")
    server.wait_page("glossary/index.html", "浙江政策文本（丁）")
    edit(p7, "带动项目、人才", "带动项目、人才、数据（丙）")
    server.wait_page("yrd-decision/7.html", "（丙）")
    wait_for(lambda: (s := server.status())["ok"] and not s["building"], "a good build")
    clean = server.tmp / "clean"
    # The same build the preview makes: everything but the offline copy (serve skips offline.zip).
    pipeline.build(
        pipeline.Options(content=content, site_file=server.tmp / "site.yaml", out=clean, manifest=None, offline=False)
    )
    assert_same_tree(server.out, clean)
    # and every file is served as it is on disk (pages with the livereload client added)
    for name, data in tree(server.out).items():
        if name == ".sitegen":
            continue
        body, kind = server.get_bytes(name)
        assert body == (inject(data) if name.endswith(".html") else data), name
        if name.endswith(".wasm"):
            assert kind == "application/wasm"
    if (clean / "pagefind").is_dir():  # the search index, when this build makes one
        assert server.get_bytes("pagefind/pagefind.js")[0]


def test_folder_redirects_stay_on_the_site(server):
    code, headers, _ = server.raw("/glossary?x=1")
    assert code == 302 and headers["Location"] == "/glossary/?x=1"
    out = server.out.resolve().as_posix()
    for target in (
        f"//evil.example/%2e%2e%2f{out}/glossary",
        f"//evil.example/..{out}/glossary",
        "//evil.example/%2e%2e/glossary",
        "/%2F%2Fevil.example/%2e%2e/glossary",
    ):
        code, headers, _ = server.raw(target)
        location = headers.get("Location", "")
        assert not location.startswith("//") and "evil" not in location, (target, code, location)
        assert code in (302, 404), (target, code)


def test_bad_paths_are_404_not_500(server):
    for target in (
        "/%00",
        "/a%00b.html",
        "/" + "a" * 300,
        "/yrd-decision/" + "b" * 300 + ".html",
        "/" + "x/" * 2100,
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
    ):
        code, _, body = server.raw(target)
        assert code == 404, (target[:40], code)
        assert b"Traceback" not in body
    assert server.status()["ok"]


def test_requests_must_name_the_server(server):
    """DNS rebinding: a page at evil.example whose name now points at 127.0.0.1 gets nothing."""
    code, _, _ = server.raw("/index.html", {"Host": f"evil.example:{server.port}"})
    assert code == 403
    code, _, _ = server.raw("/index.html", {"Host": f"localhost:{server.port}"})
    assert code == 200


def _livereload(server, headers: dict) -> list[dict]:
    """Connect to /livereload as livereload.js does, then return the first message after an edit."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def talk():
        request = HTTPRequest(server.url.replace("http://", "ws://") + "livereload", headers=headers)
        ws = await websocket_connect(request)
        await ws.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        hello = json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))
        await ws.write_message(json.dumps({"command": "info", "url": server.url, "plugins": {}}))
        await asyncio.sleep(0.3)  # registered on "info"
        p7 = server.content / "yrd-decision/07.md"
        original = edit(p7, "开展联合攻关，", "开展联合攻关（套接字），")
        try:
            reload = json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))
        finally:
            p7.write_text(original, encoding="utf-8")
        ws.close()
        return [hello, reload]

    # A thread of its own: Playwright's sync API may hold this thread's event loop (full suite).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, talk()).result()


def test_livereload_accepts_only_the_servers_own_origin(server):
    from tornado.httpclient import HTTPClientError

    for origin, host in (
        ("http://evil.example", None),
        ("null", None),
        (f"http://localhost:{server.port + 1}", None),
        (f"http://evil.example:{server.port}", f"evil.example:{server.port}"),
    ):
        headers = {"Origin": origin} | ({"Host": host} if host else {})
        with pytest.raises(HTTPClientError) as refused:
            _livereload(server, headers)
        assert refused.value.code == 403, origin
    hello, reload = _livereload(server, {"Origin": server.url.rstrip("/")})
    assert hello["command"] == "hello"
    assert reload["command"] == "reload" and reload["path"] == "*"  # no file path is sent
    wait_for(lambda: (s := server.status())["ok"] and not s["building"], "the edit undone")
    server.wait_page("yrd-decision/7.html", "（套接字）", present=False)


def _listeners(port: int) -> list[str]:
    """Local addresses of listening TCP sockets on `port`, from /proc (no traffic sent anywhere)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hexport = fields[1].split(":")
            if fields[3] == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_binds_loopback_only_by_default(server):
    assert server.url.startswith("http://127.0.0.1:")
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp on this system")
    assert _listeners(server.port) == ["0100007F"]  # 127.0.0.1, and no IPv6 or wildcard socket


def test_browser_reloads_by_itself_under_the_csp(server, page):
    p7 = server.content / "yrd-decision/07.md"
    page.goto(server.url + "yrd-decision/7.html")
    page.wait_for_function(
        "() => !!document.querySelector('script[src*=\"livereload.js\"]') "
        "&& !!window.LiveReload && window.LiveReload.connector "
        "&& window.LiveReload.connector._isSocketConnected()",
        timeout=TIMEOUT * 1000,
    )
    original = edit(p7, "开展联合攻关，", "开展联合攻关（浏览器自动刷新），")
    try:
        page.wait_for_function("() => document.body.innerText.includes('浏览器自动刷新')", timeout=TIMEOUT * 1000)
    finally:
        p7.write_text(original, encoding="utf-8")
    page.wait_for_function("() => !document.body.innerText.includes('浏览器自动刷新')", timeout=TIMEOUT * 1000)
    assert not page.problems, page.problems  # no CSP violation, no script error


def test_sigint_stops_cleanly_and_removes_temporary_files(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    s = Server(tmp_path)
    p1 = s.content / "yrd-decision/01.md"
    edit(p1, "。", "（停止前）。")
    s.wait_page("yrd-decision/1.html", "（停止前）")
    assert s.stop() == 0, "".join(s.stderr)
    assert any(line.startswith("stopped") for line in s.stdout)
    assert "Traceback" not in "".join(s.stderr)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers
    assert not any(s.tmpdir.iterdir()), list(s.tmpdir.iterdir())
    assert (s.out / "yrd-decision/1.html").is_file()  # the output folder itself stays, a complete build
    if os.path.exists("/proc/net/tcp"):
        assert _listeners(s.port) == []


def test_sigint_during_a_build_waits_for_it(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    s = Server(tmp_path)
    generation = s.status()["generation"]
    edit(s.content / "yrd-decision/01.md", "。", "（停止中）。")
    wait_for(lambda: s.status()["building"] or s.status()["generation"] > generation, "a rebuild")
    assert s.stop() == 0, "".join(s.stderr)
    assert "Traceback" not in "".join(s.stderr)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert (s.out / ".sitegen").is_file() and (s.out / "yrd-decision/1.html").is_file()  # a whole build
