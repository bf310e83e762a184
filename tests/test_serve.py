"""`build.py serve`: live preview, incremental rebuilds, error pages, loopback, clean shutdown.

Two layers:
- `Builder` in this process (sitegen/incremental.py), on a copy of the sources:
  after each edit the output folder must equal a clean build of the same sources,
  byte for byte, and an edit to one provision must render only what depends on it.
- The real command in a subprocess (`build.py serve --port 0`) on a copy of
  content/: HTTP, livereload, the error page, a browser reloading by itself,
  loopback binding and SIGINT.

Nothing is timed: every wait polls with a generous timeout.
"""

from __future__ import annotations

import dataclasses
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
import warnings
from pathlib import Path

import pytest

from conftest import ROOT, run_build

import build  # noqa: E402  (conftest puts the repo on sys.path)
from sitegen.incremental import Builder
from sitegen.serve import LIVERELOAD_TAG, Watcher, inject, is_loopback

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


def assert_same_tree(served: Path, clean: Path, another_clean_build=None) -> None:
    """Every file of `served` equals the clean build's, byte for byte.

    Whether two clean builds are identical is tests/test_site.py's business; should
    they not be (a search index with unstable names, say), files that differ between
    two clean builds are left out here, with a warning, so that this test still
    checks what serving adds: the incremental rebuild.
    """
    a, b = tree(served), tree(clean)
    if a == b:
        return
    unstable: set[str] = set()
    if another_clean_build is not None:
        c = tree(another_clean_build())
        unstable = set(b) ^ set(c) | {n for n in set(b) & set(c) if b[n] != c[n]}
        folders = {n.rsplit("/", 1)[0] for n in set(b) ^ set(c)}
        a = {n: v for n, v in a.items() if n not in unstable and n.rsplit("/", 1)[0] not in folders}
        b = {n: v for n, v in b.items() if n not in unstable and n.rsplit("/", 1)[0] not in folders}
        if unstable:
            warnings.warn(f"two clean builds differ in {len(unstable)} file(s), e.g. {sorted(unstable)[:3]}")
    assert sorted(a) == sorted(b), (sorted(set(a) - set(b))[:10], sorted(set(b) - set(a))[:10])
    different = [f"{name} ({len(a[name])} vs {len(b[name])} bytes)" for name in a if a[name] != b[name]]
    assert not different, f"differ from a clean build: {different[:10]}"


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


# --- Builder, in this process --------------------------------------------------------------

@pytest.fixture
def sources(tmp_path) -> Path:
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "site.yaml", tmp_path / "site.yaml")
    return tmp_path


def options(src: Path, out: Path):
    return build.Options(content=src / "content", templates=src / "templates", static=src / "static",
                         site_file=src / "site.yaml", out=out)


class Logged(list):
    def __call__(self, msg):
        self.append(msg)


@pytest.fixture
def builder(sources):
    log = Logged()
    b = Builder(options(sources, sources / "out"), build.build, build.template_error, verify=True, log=log)
    first = b.rebuild()
    assert first.ok, first.errors
    b.log_lines = log
    return b


def rebuild_and_compare(b: Builder, changed: Path, tmp: Path, name: str):
    outcome = b.rebuild([changed])
    assert outcome.ok, outcome.errors
    assert not b.log_lines, b.log_lines  # the dependency rules missed no page
    clean, again = tmp / f"clean-{name}", tmp / f"clean-{name}-again"
    build.build(dataclasses.replace(b.opts, out=clean))
    assert_same_tree(b.opts.out, clean, lambda: build.build(dataclasses.replace(b.opts, out=again)) and again)
    shutil.rmtree(clean)
    shutil.rmtree(again, ignore_errors=True)
    return outcome


def test_incremental_builds_equal_clean_builds(builder, sources):
    content = sources / "content"
    p7, p4 = content / "yrd-decision/07.md", content / "digital-trade-plan/04.md"
    steps = [
        ("text", p7, "开展联合攻关，", "开展联合攻关和数字贸易合作，"),  # adds a term occurrence
        ("title", p7, "title: 联合攻关与科研任务组织", "title: 联合攻关与任务组织"),
        ("topics", p7, "topics: [keji-gongguan]", "topics: [keji-gongguan, jichu-yanjiu]"),
        ("related", p7, "related:\n", "related:\n  - to: digital-trade-plan/4\n    reason: 测试用的关联\n"),
        ("plan item", p4, "提升文化产品申报效率。", "提升文化产品申报效率和通关效率。"),
        ("notes", p4, "notes: []", "notes:\n  - paragraph: 1\n    text: 测试用的编者注。"),
    ]
    for name, path, old, new in steps:
        outcome = rebuild_and_compare(builder, edit(path, old, new) and path, sources, name)
        assert not outcome.full and outcome.rendered < outcome.pages, name

    # a new provision, then its removal (no published anchor depends on it)
    new = content / "yrd-decision/20.md"
    new.write_text((content / "yrd-decision/19.md").read_text(encoding="utf-8")
                   .replace("number: 19", "number: 20").replace("label: 十九", "label: 二十"), encoding="utf-8")
    rebuild_and_compare(builder, new, sources, "added")
    assert (builder.opts.out / "yrd-decision/20.html").is_file()
    new.unlink()
    rebuild_and_compare(builder, new, sources, "removed")
    assert not (builder.opts.out / "yrd-decision/20.html").exists()

    # a glossary term and a document's own text: every page is rendered again
    term = content / "glossary/shuzi-maoyi.md"
    outcome = rebuild_and_compare(builder, edit(term, "en: digital trade", "en: digital trade (test)") and term,
                                  sources, "term")
    assert outcome.full
    doc = content / "yrd-decision/_document.md"
    assert rebuild_and_compare(builder, edit(doc, "status: ", "status: ") and doc, sources, "touch").ok


def test_provision_edit_renders_only_its_dependents(builder, sources):
    p7 = sources / "content/yrd-decision/07.md"
    edit(p7, "带动项目、人才", "带动项目、人才和数字贸易")
    outcome = builder.rebuild([p7])
    assert outcome.ok, outcome.errors
    rendered = set(builder.rendered)
    must = {"yrd-decision/7.html", "yrd-decision/6.html", "yrd-decision/8.html",  # itself, its neighbours
            "yrd-decision/15.html",  # named in its `related`
            "yrd-decision/index.html", "index.html",  # full text, table of contents
            "topics/keji-gongguan.html",  # its topic
            "glossary/shuzi-maoyi.html", "glossary/index.html"}  # a new occurrence, a new count
    assert must <= rendered, must - rendered
    untouched = {"yrd-decision/1.html", "digital-trade-plan/index.html", "digital-trade-plan/4.html",
                 "topics/index.html", "search.html", "404.html", "glossary/jiebang-guashuai.html"}
    assert not rendered & untouched, rendered & untouched
    assert len(rendered) < 20, sorted(rendered)


def test_template_errors_name_template_and_line(builder, sources):
    tpl = sources / "templates/provision.html"
    original = edit(tpl, "{% block main %}\n", "{% block main %}\n{% if %}\n")
    outcome = builder.rebuild([tpl])
    assert not outcome.ok
    assert re.search(r"provision\.html:\d+: ", outcome.errors[0]), outcome.errors
    tpl.write_text(original.replace("{% block main %}\n", "{% block main %}\n{{ no_such_name.x }}\n", 1),
                   encoding="utf-8")
    outcome = builder.rebuild([tpl])
    assert not outcome.ok and re.search(r"provision\.html:\d+: .*no_such_name", outcome.errors[0]), outcome.errors
    tpl.write_text(original, encoding="utf-8")
    rebuild_and_compare(builder, tpl, sources, "template fixed")


def test_static_and_settings_rebuild_everything(builder, sources):
    css = sources / "static/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    outcome = rebuild_and_compare(builder, css, sources, "static")
    assert outcome.full and outcome.rendered == outcome.pages
    settings = sources / "site.yaml"
    edit(settings, "short_title: 浙江政策文本", "short_title: 浙江政策文本（预览）")
    outcome = rebuild_and_compare(builder, settings, sources, "settings")
    assert outcome.full and "（预览）" in (builder.opts.out / "yrd-decision/7.html").read_text(encoding="utf-8")


def test_content_error_keeps_last_good_output(builder, sources):
    p7 = sources / "content/yrd-decision/07.md"
    before = tree(builder.opts.out)
    original = edit(p7, "topics: [keji-gongguan]", "topics: [keji-gongguan")
    outcome = builder.rebuild([p7])
    assert not outcome.ok
    assert any(e.startswith(f"{p7}:") or "yrd-decision/07.md:" in e for e in outcome.errors), outcome.errors
    assert tree(builder.opts.out) == before
    p7.write_text(original, encoding="utf-8")
    rebuild_and_compare(builder, p7, sources, "fixed")


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


def test_injection_and_loopback_rules():
    page = b"<html><head><title>t</title></head><body></body></html>"
    assert inject(page) == page.replace(b"</head>", LIVERELOAD_TAG + b"</head>")
    assert b"<script>" not in LIVERELOAD_TAG and b"src=" in LIVERELOAD_TAG  # external: the CSP allows it
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


# --- the command, in a subprocess ------------------------------------------------------------

class Server:
    def __init__(self, tmp: Path, *extra: str):
        self.tmp = tmp
        self.content = tmp / "content"
        self.out = tmp / "_site"
        self.tmpdir = tmp / "tmpdir"  # TMPDIR of the server: must be empty after it stops
        self.tmpdir.mkdir(exist_ok=True)
        env = dict(os.environ, SITEGEN_SERVE_VERIFY="1", TMPDIR=str(self.tmpdir), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content", "content",
             "--out", "_site", *extra],
            cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            threading.Thread(target=lambda s=stream, l=lines: [l.append(x) for x in s], daemon=True).start()
        line = wait_for(lambda: next((x for x in self.stdout if x.startswith("Serving")), None)
                        or (self.proc.poll() is not None and "exited"), "the server to start")
        assert line != "exited", "".join(self.stderr)
        self.url = line.split(" at ", 1)[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                return r.status, r.read().decode("utf-8"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8"), dict(e.headers)

    def get_bytes(self, path: str) -> tuple[bytes, str]:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return r.read(), r.headers["Content-Type"]

    def status(self) -> dict:
        return json.loads(self.get("__serve__/status.json")[1])

    def wait_page(self, path: str, text: str, present: bool = True, status: int = 200) -> str:
        def check():
            code, body, _ = self.get(path)
            return body if code == status and (text in body) == present else None
        return wait_for(check, f"{path} {'with' if present else 'without'} {text!r} (HTTP {status})")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", tmp / "content")
    s = Server(tmp)
    yield s
    s.stop()
    assert not any("incremental render missed" in line for line in s.stderr), "".join(s.stderr)


def test_serves_the_built_site_with_the_livereload_client(server):
    code, body, headers = server.get("yrd-decision/7.html")
    assert code == 200 and "联合攻关" in body
    assert LIVERELOAD_TAG.decode() in body and "<script>" not in body  # no inline script
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    js, kind = server.get_bytes("livereload.js")
    assert b"LiveReload" in js and "javascript" in kind
    code, body, _ = server.get("no/such/page.html")
    assert code == 404 and "页面未找到" in body
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
        code, other, _ = server.get("index.html")
        assert code == 500 and "content/yrd-decision/07.md:" in other
        status = server.status()
        assert not status["ok"] and any("07.md:" in e for e in status["errors"])
        code, _, _ = server.get("static/site.css")
        assert code == 200  # assets of the last good build are still served
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
    edit(p7, "带动项目、人才", "带动项目、人才、数据（丙）")
    server.wait_page("yrd-decision/7.html", "（丙）")
    wait_for(lambda: server.status()["ok"], "a good build")
    clean = server.tmp / "clean"
    result = run_build("--content", str(content), "--out", str(clean), cwd=server.tmp)
    assert result.returncode == 0, result.stderr

    def again():
        assert run_build("--content", str(content), "--out", str(server.tmp / "again"), cwd=server.tmp).returncode == 0
        return server.tmp / "again"
    assert_same_tree(server.out, clean, again)
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


def _listeners(port: int) -> list[str]:
    """Local addresses of listening TCP sockets on `port`, from /proc (no traffic sent anywhere)."""
    found = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
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
    page.wait_for_function("() => !!document.querySelector('script[src*=\"livereload.js\"]') "
                           "&& !!window.LiveReload && window.LiveReload.connector "
                           "&& window.LiveReload.connector._isSocketConnected()", timeout=TIMEOUT * 1000)
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
