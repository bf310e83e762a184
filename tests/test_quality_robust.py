"""Gate: hostile content never crashes the build (issue 8, docs/content-format.md).

Property-based tests (Hypothesis) feed the content loader random and hostile
front matter and Markdown: wrong types, huge values, unknown keys, control
characters, raw HTML, deep nesting, invalid UTF-8, YAML tricks. For every input
`build.py --content X --out Y --no-search` either succeeds, or exits 1 with
`path:line: message` lines on stderr; never a traceback, never a write outside
the output folder, and a failed build leaves the previous output untouched.

Most cases call `build.main([...])` in-process (fast); a few run the script.

The probes of issue 16 (at the end) run the script with a time limit and 1 GB of
address space: YAML depth and alias bombs, FIFOs, devices, symbolic links, huge
files, numbers from 100, unreadable folders, a full disk, output folders inside the
sources, two builds into one folder, JSON-LD that swallows scripts, nav paths, slugs
and a malformed URL hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import build
from sitegen import documents, load, write
from sitegen import files as reading
from sitegen.pipeline import ROOT

from conftest import run_build

ERROR_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<message>.+)$")
SUMMARY_LINE = re.compile(r"^build failed: .+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")  # never valid in HTML
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- a small valid content tree ------------------------------------------------------

DEC, PLAN = "test-decision", "test-plan"

SITE = {
    "title": "测试站点",
    "short_title": "测试",
    "description": "用于健壮性测试的小站点。",
    "base_url": "https://example.org/",
    "language": "zh-CN",
    "documents": [DEC, PLAN],
    "nav": [{"label": "决定", "path": f"{DEC}/index.html"}, {"label": "检索", "path": "search.html"}],
    "search": {"pagefind": True},
}
TOPICS = [
    {"slug": "keji", "name": "科技", "description": "科技创新。"},
    {"slug": "maoyi", "name": "贸易", "description": "数字贸易。"},
]
DEC_DOC = {
    "title": "关于促进长三角科技创新协同发展的测试决定",
    "short_title": "《决定》",
    "doc_type": "决定",
    "issuer": ["测试常务委员会"],
    "date_passed": dt.date(2025, 7, 31),
    "date_effective": dt.date(2025, 9, 1),
    "number": "公告第1号",
    "status": "已生效",
    "source": {"file": "seed.txt", "description": "测试来源。"},
    "editorial_notes": ["本文件仅用于测试。"],
}
DEC_BODY = "{#preamble}\n为了测试长三角科技创新，作出如下决定：\n"
PLAN_DOC = {
    "title": "测试数字贸易实施方案",
    "short_title": "《方案》",
    "doc_type": "实施方案",
    "issuer": ["测试办公厅"],
    "date_issued": "2025-05-08",
    "status": "已印发",
    "source": {"file": "seed.txt", "description": "测试来源。"},
    "divisions": [
        {"heading": "一、总体要求", "first": 1},
        {"level": "部分", "number": 2, "missing": [2], "first": "part-2"},
    ],
    "editorial_notes": ["第（二）项缺失。"],
}
PLAN_BODY = "{#notice}\n## 关于印发测试方案的通知\n\n现印发给你们。\n"
PROVISIONS = {
    f"{DEC}/01.md": (
        {
            "number": 1,
            "label": "一",
            "title": "目的",
            "topics": ["keji"],
            "related": [{"to": f"{DEC}/2", "reason": "同为测试"}],
            "notes": [{"paragraph": 1, "text": "测试注释。"}],
        },
        "推动长三角科技创新协同发展。\n\n第二款，*强调*与**加粗**。\n",
    ),
    f"{DEC}/02.md": (
        {"number": 2, "label": "二", "title": "协同", "topics": ["keji", "maoyi"]},
        "加强数字贸易与科技创新的协同。\n",
    ),
    f"{PLAN}/01.md": (
        {
            "number": 1,
            "label": "（一）",
            "part": 1,
            "title": "发展数字贸易。",
            "topics": ["maoyi"],
            "related": [{"to": f"{DEC}/1", "reason": "相关"}],
            "incomplete": "end",
        },
        "发展数字贸易。推动长三角一体化。\n",
    ),
    f"{PLAN}/part-2.md": ({"topics": ["maoyi"]}, "各地要抓好落实。\n"),
}
TERM = (
    {
        "term": "长三角",
        "slug": "changsanjiao",
        "pinyin": "cháng sān jiǎo",
        "aliases": ["长江三角洲"],
        "en": "Yangtze River Delta",
        "see_also": [],
    },
    "长江三角洲区域的简称，指上海市、江苏省、浙江省和安徽省。\n",
)


def front_matter(data, body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


def base_files() -> dict[str, bytes]:
    """Relative path → bytes of a valid tree: site.yaml and content/."""
    files = {
        "site.yaml": yaml.safe_dump(SITE, allow_unicode=True),
        "content/topics.yaml": yaml.safe_dump(TOPICS, allow_unicode=True),
        f"content/{DEC}/_document.md": front_matter(DEC_DOC, DEC_BODY),
        f"content/{PLAN}/_document.md": front_matter(PLAN_DOC, PLAN_BODY),
        "content/glossary/changsanjiao.md": front_matter(*TERM),
    }
    for name, (data, body) in PROVISIONS.items():
        files[f"content/{name}"] = front_matter(data, body)
    return {k: v.encode("utf-8") for k, v in files.items()}


FRONT_MATTER_FILES = {
    f"content/{DEC}/_document.md": (DEC_DOC, DEC_BODY),
    f"content/{PLAN}/_document.md": (PLAN_DOC, PLAN_BODY),
    "content/glossary/changsanjiao.md": TERM,
    **{f"content/{k}": v for k, v in PROVISIONS.items()},
}
YAML_FILES = {"site.yaml": SITE, "content/topics.yaml": TOPICS}


# --- running a build and judging its outcome ----------------------------------------------


def snapshot(root: Path, skip: Path) -> dict[str, str]:
    """Every file under root except under `skip`, with a hash of its bytes."""
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_relative_to(skip):
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def build_tree(files: dict[str, bytes], *, subprocess: bool = False, previous: bool = True):
    """Write the tree to a fresh folder, build it, check the outcome; return (status, stderr)."""
    with tempfile.TemporaryDirectory(prefix="robust-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        out = root / "out" / "_site"
        if previous:  # an earlier good build, which a failed build must leave as it was
            out.mkdir(parents=True)
            (out / write.MARKER).write_text("previous\n", encoding="utf-8")
            (out / "index.html").write_text("previous build\n", encoding="utf-8")
        before_out = snapshot(out, root / "none") if previous else {}
        before = snapshot(root, out)
        args = ["--content", str(root / "content"), "--site", str(root / "site.yaml"), "--out", str(out), "--no-search"]
        if subprocess:
            run = run_build(*args, cwd=root)
            status, stdout, stderr = run.returncode, run.stdout, run.stderr
        else:
            status, stdout, stderr = run_in_process(args, out)
        judge(root, out, files, status, stderr)
        assert snapshot(root, out) == before, "the build wrote or changed files outside its output folder"
        assert not [p.name for p in out.parent.iterdir() if p.name != out.name], (
            f"leftovers beside the output: {sorted(p.name for p in out.parent.iterdir())}"
        )
        if status == 0:
            assert (out / "index.html").is_file() and (out / write.MARKER).is_file(), stdout
            for page in out.rglob("*.html"):  # hostile text is escaped wherever it lands
                html = page.read_text(encoding="utf-8")
                assert "<script>alert" not in html and "<img src=x" not in html, page.name
                bad = CONTROL.search(html)
                assert not bad, f"{page.name}: control character U+{ord(bad.group()):04X} in the HTML"
        elif previous:
            assert snapshot(out, root / "none") == before_out, "a failed build changed the previous output"
        return status, stderr


def run_in_process(args: list[str], out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    real_folders = write.make_folders

    def guarded_folders(root, paths):  # every file is written where make_folders made room: inside the output
        paths = list(paths)
        for rel in paths:
            target = (root / rel).resolve()
            assert target.is_relative_to(root.resolve()), f"output path {rel!r} escapes the output folder"
        return real_folders(root, paths)

    with (
        mock.patch.object(write, "make_folders", guarded_folders),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        status = build.main(args)
    return status, stdout.getvalue(), stderr.getvalue()


def judge(root: Path, out: Path, files: dict[str, bytes], status: int, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert status in (0, 1), f"exit status {status}\n{stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = []
    for line in lines:
        m = ERROR_LINE.match(line)
        if m is None:
            assert SUMMARY_LINE.match(line), f"not a `path:line: message` line: {line!r}\n{stderr}"
            continue
        path = Path(m["path"])
        path = path if path.is_absolute() else Path.cwd() / path
        assert path.resolve().is_relative_to(root.resolve()) or path.resolve().is_relative_to(ROOT), (
            f"error names a file outside the build's inputs: {line!r}"
        )
        n = int(m["line"])
        assert n >= 1, line
        if path.is_file():
            count = path.read_bytes().count(b"\n") + 1
            assert n <= count, f"line {n} is past the end of {path.name} ({count} lines): {line!r}"
        if "warning: " not in m["message"]:
            errors.append(line)
    if status == 1:
        assert errors, f"exit 1 without any `path:line: message` error:\n{stderr}"
    else:
        assert not errors, f"exit 0 with errors:\n{stderr}"


# --- strategies -------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x07b",
        "\x85",
        "\ufffe",
        "\uffff",
        "\x1b[31m红\x1b[0m",
        "\u202e反向",
        "\ufeffBOM",
        "行\u2028分隔",
        "\r\n",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "]]></x>",
        "{{ 7*7 }}",
        "{% raw %}",
        "../../../../etc/passwd",
        "/abs/path",
        "C:\\x",
        "a" * 5000,
        "长" * 3000,
        "javascript:alert(1)",
        "%00",
        "&amp;&#0;&#x110000;",
        "null",
        "~",
        "yes",
        "0x10",
        "1e309",
        "2025-13-45",
        "七",
        "（四）",
        f"{DEC}/1",
        f"{DEC}/99",
        f"{PLAN}/part-2",
        "keji",
        "changsanjiao",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-3, max_value=30),
    st.floats(),
    TEXT,
    HOSTILE_TEXT,
    st.dates(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.one_of(TEXT, st.integers(-5, 5)), inner, max_size=4),
    max_leaves=12,
)
KEYS = (
    st.sampled_from(
        sorted(
            documents.DOC_FIELDS
            | documents.PROVISION_FIELDS
            | load.TERM_FIELDS
            | load.SITE_FIELDS
            | {"slug", "name", "description", "to", "reason"}
        )
    )
    | TEXT
)

DEEP = 3000
MARKDOWN_PIECES = st.sampled_from(
    [
        "<div>块</div>",
        "<script>alert(1)</script>",
        "文字<b>加粗</b>",
        "<!-- 注释 -->",
        "<?php ?>",
        "> " * 300 + "深",
        "\n".join("  " * i + "- 项" for i in range(120)),
        "[" * DEEP,
        "*" * DEEP + "字",
        "_" * DEEP,
        "(" * DEEP,
        "`" * 500,
        "# 标题",
        "###### 六级",
        "{#preamble}",
        "{#bad anchor}",
        "{#x}",
        "{#notice}",
        "{.cls #id}",
        "```\ncode\n```",
        "    缩进代码",
        "---",
        "***",
        "[链接](javascript:alert(1))",
        "![图](http://example.org/x.png)",
        "<http://example.org>",
        "[^1]\n\n[^1]: 注",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "a\\\nb",
        "行末  \n换行",
        "&amp; &#0; &#x110000; &nosuch;",
        "&#7;&#x1b;&#x85;&#xfffe;",
        "\x00",
        "\x85",
        "\x0b",
        "\x1b[31m",
        "\u202e",
        "\ufeff",
        "\r\n\r\n",
        "\u2028",
        "长" * 20000,
        "长三角" * 50,
        "长江三角洲",
        "---\nfoo: bar\n---",
        "1. 列表\n2. 列表",
        "$$x$$",
        "<details><summary>x</summary></details>",
        "\t\t制表",
        "*斜体*与**加粗**",
        "<",
        ">",
        "&",
    ]
)
MARKDOWN = st.lists(st.one_of(MARKDOWN_PIECES, TEXT), min_size=0, max_size=6).flatmap(
    lambda parts: st.sampled_from(["\n", "\n\n", " "]).map(lambda sep: sep.join(parts) + "\n")
)

BYTES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"\xff\xfe\x00",
            b"\xc3\x28",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xef\xbb\xbf",
            b"\xe9\x95",
            b"\x80",
            b"\xc0\xaf",
        ]
    ),
)
# Nine levels of nine aliases each: 9**9 leaves if anything walks it naively.
YAML_BOMB = (
    "l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    + "issuer: *l8\nnotes: *l8\nrelated: *l8\ntopics: *l8\naliases: *l8\nparts: *l8\n"
)
RAW_YAML = st.sampled_from(
    [
        YAML_BOMB,
        "",
        "---",
        "null",
        "[]",
        "- a\n- b",
        "x",
        "{",
        "[[[[[[[[[[",
        "[" * 5000 + "]" * 5000,
        "{a: " * 2000,
        "a: &x [1, 2]\nb: *x",
        "a: *nosuch",
        "a: 1\na: 2",
        "? [1, 2]\n: x",
        "!!python/object:os.system x",
        "a: !!binary aGVsbG8=",
        "a: !!set {x, y}",
        "a: !!timestamp 2025-01-01",
        "<<: {title: x}",
        "a: &a [*a]",
        "\t- tab",
        "a: |\n  多行\n  文本",
        "title: '未闭合",
        'key: "\\x00"',
        "a: 1e99999",
    ]
)


@st.composite
def mutated_front_matter(draw):
    """A valid file whose front matter has some fields replaced, dropped or added."""
    name = draw(st.sampled_from(sorted(FRONT_MATTER_FILES)))
    data, body = FRONT_MATTER_FILES[name]
    data = dict(data)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["set", "set", "drop", "add"]))
        key = draw(st.sampled_from(sorted(data))) if action != "add" and data else draw(KEYS)
        if action == "drop":
            data.pop(key, None)
        else:  # text of the right type half of the time, so that more builds get to rendering
            data[key] = draw(st.one_of(HOSTILE_TEXT, TEXT, VALUES))
    return name, front_matter(data, body)


# Text fields a reader sees, as (file, path into its data): hostile text there must build and be escaped.
TEXT_FIELDS = [
    *(
        (f"content/{d}/_document.md", k)
        for d in (DEC, PLAN)
        for k in (
            ("title",),
            ("short_title",),
            ("status",),
            ("issuer", 0),
            ("editorial_notes", 0),
            ("source", "description"),
        )
    ),
    (f"content/{DEC}/_document.md", ("number",)),
    *((f"content/{k}", ("title",)) for k in PROVISIONS),
    (f"content/{DEC}/01.md", ("related", 0, "reason")),
    (f"content/{DEC}/01.md", ("notes", 0, "text")),
    *(("content/glossary/changsanjiao.md", (k,)) for k in ("term", "pinyin", "en")),
    ("content/glossary/changsanjiao.md", ("aliases", 0)),
    *(("site.yaml", (k,)) for k in ("title", "short_title", "description")),
    ("content/topics.yaml", (0, "name")),
    ("content/topics.yaml", (1, "description")),
]


@st.composite
def hostile_text_fields(draw):
    """Some text fields set to hostile text of the right type: the build should mostly succeed."""
    import copy

    data = {
        **{k: copy.deepcopy(v[0]) for k, v in FRONT_MATTER_FILES.items()},
        **{k: copy.deepcopy(v) for k, v in YAML_FILES.items()},
    }
    chosen = draw(st.lists(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=3, unique=True))
    for name, path in chosen:
        target = data[name]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = draw(st.one_of(HOSTILE_TEXT, TEXT).filter(lambda t: t.strip()))
    files = base_files()
    for name, _ in chosen:
        text = (
            front_matter(data[name], FRONT_MATTER_FILES[name][1])
            if name in FRONT_MATTER_FILES
            else yaml.safe_dump(data[name], allow_unicode=True)
        )
        files[name] = text.encode("utf-8")
    return files


@st.composite
def random_front_matter(draw):
    """A file whose front matter is any mapping, or not a mapping at all."""
    name = draw(st.sampled_from(sorted(FRONT_MATTER_FILES)))
    data = draw(st.one_of(st.dictionaries(KEYS, VALUES, max_size=8), VALUES))
    return name, front_matter(data, draw(MARKDOWN))


@st.composite
def hostile_markdown(draw):
    name = draw(st.sampled_from(sorted(FRONT_MATTER_FILES)))
    data, body = FRONT_MATTER_FILES[name]
    where = draw(st.sampled_from(["replace", "append", "prepend"]))
    md = draw(MARKDOWN)
    body = {"replace": md, "append": body + "\n" + md, "prepend": md + "\n" + body}[where]
    return name, front_matter(data, body)


def apply(name: str, text: str | bytes) -> dict[str, bytes]:
    files = base_files()
    files[name] = text.encode("utf-8") if isinstance(text, str) else text
    return files


# --- the tests ------------------------------------------------------------------------------


def test_the_base_tree_builds():
    status, stderr = build_tree(base_files())
    assert status == 0, stderr


@SETTINGS
@given(mutated_front_matter())
def test_mutated_front_matter(case):
    build_tree(apply(*case))


@SETTINGS
@given(hostile_text_fields())
def test_hostile_text_in_text_fields(files):
    build_tree(files)


@SETTINGS
@given(random_front_matter())
def test_random_front_matter(case):
    build_tree(apply(*case))


@SETTINGS
@given(hostile_markdown())
def test_hostile_markdown(case):
    build_tree(apply(*case))


@SETTINGS
@given(st.sampled_from(sorted(FRONT_MATTER_FILES) + sorted(YAML_FILES)), RAW_YAML, MARKDOWN)
def test_raw_yaml(name, raw, body):
    text = raw + "\n" if name in YAML_FILES else "---\n" + raw + "\n---\n" + body
    build_tree(apply(name, text))


@SETTINGS
@given(
    st.sampled_from(sorted(FRONT_MATTER_FILES) + sorted(YAML_FILES)),
    BYTES,
    st.sampled_from(["replace", "prepend", "append", "insert"]),
)
def test_invalid_bytes(name, junk, where):
    good = base_files()[name]
    data = {
        "replace": junk,
        "prepend": junk + good,
        "append": good + junk,
        "insert": good[: len(good) // 2] + junk + good[len(good) // 2 :],
    }[where]
    build_tree(apply(name, data))


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.lists(VALUES, max_size=4))
def test_random_site_and_topics(site_extra, topics):
    site = {**SITE, **site_extra}
    build_tree(
        apply("site.yaml", yaml.safe_dump(site, allow_unicode=True))
        | {"content/topics.yaml": yaml.safe_dump(TOPICS + topics, allow_unicode=True).encode()}
    )


def test_unknown_files_and_folders():
    files = base_files()
    files[f"content/{DEC}/readme.txt"] = b"not content"
    files[f"content/{DEC}/3.md"] = files[f"content/{DEC}/02.md"]  # wrong file name
    files[f"content/{DEC}/03.md"] = files[f"content/{DEC}/02.md"]  # number does not match
    files["content/glossary/notes.txt"] = b"x"
    files["content/empty/_document.md"] = b""
    status, stderr = build_tree(files)
    assert status == 1 and "3.md:" in stderr and "03.md:" in stderr, stderr


# A few cases through the real command line, as an editor would meet them.
SUBPROCESS_CASES = {
    "invalid UTF-8 in a provision": (f"content/{DEC}/02.md", base_files()[f"content/{DEC}/02.md"] + b"\xff\xfe"),
    "raw HTML": (f"content/{DEC}/02.md", front_matter(PROVISIONS[f"{DEC}/02.md"][0], "<script>x</script>\n")),
    "deep nesting": (f"content/{DEC}/02.md", front_matter(PROVISIONS[f"{DEC}/02.md"][0], "> " * 5000 + "x\n")),
    "control character": (f"content/{PLAN}/01.md", "---\nnumber: 1\x01\n---\n文字\n"),
    "YAML alias bomb": (f"content/{DEC}/_document.md", "---\n" + YAML_BOMB + "---\n{#preamble}\n序\n"),
    "huge values": (
        "content/glossary/changsanjiao.md",
        front_matter({**TERM[0], "term": "长" * 100_000, "aliases": ["x"] * 10_000}, TERM[1]),
    ),
    "unknown keys and wrong types": (
        f"content/{PLAN}/_document.md",
        front_matter(
            {**PLAN_DOC, "parts": "一二三", "colour": [1, {2: 3}], "issuer": {"a": 1}, "date_issued": 20250508},
            PLAN_BODY,
        ),
    ),
}


@pytest.mark.parametrize("case", list(SUBPROCESS_CASES))
def test_command_line_reports_errors_without_traceback(case):
    name, text = SUBPROCESS_CASES[case]
    status, stderr = build_tree(apply(name, text), subprocess=True)
    assert status == 1, f"{case}: expected errors, got exit {status}\n{stderr}"


def test_command_line_builds_the_base_tree():
    status, stderr = build_tree(base_files(), subprocess=True, previous=False)
    assert status == 0, stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# --- Issue 16: hostile files, hostile YAML, hostile output folders ----------------------------
#
# Each probe runs build.py as a subprocess, as an editor would, with a time limit and at most
# 1 GB of address space, so that a regression fails here instead of hanging or eating the
# machine. A previous good build sits in the output folder; a failed build must print exactly
# the expected `path:line: message` lines, exit 1, print no traceback and leave that output
# byte-identical, with nothing left beside it.

import fcntl  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from fixtures import DOCUMENT, PROVISION, SITE_YAML, make_site  # noqa: E402
from sitegen import load  # noqa: E402
from sitegen.numerals import cn_number  # noqa: E402

PROBE_TIMEOUT = 60  # seconds; every probe finishes in about one on a quiet machine
PROBE_MEMORY = 1 << 30  # bytes of address space for the build (a normal one needs about 0.3 GB)
BUILD_ARGS = ("--content", "content", "--site", "site.yaml", "--out", "out", "--no-search")


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY, PROBE_MEMORY))


def run_bounded(root: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    """build.py (or `code` that ends by calling build.main) in `root`, bounded in time and memory."""
    command = (
        [sys.executable, str(ROOT / "build.py"), *args]
        if code is None
        else [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}", *args]
    )
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=PROBE_TIMEOUT, preexec_fn=_bounded)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    """The fixture site, built once; each probe starts from a copy of this output."""
    root = make_site(tmp_path_factory.mktemp("good"))
    result = run_bounded(root, *BUILD_ARGS)
    assert result.returncode == 0, result.stderr
    return root / "out"


def provision(n: int = 2, label: str = "二", extra: str = "", body: str | None = None) -> str:
    """A fixture provision; `extra` YAML starts on line 6, the body on the line after the closing '---'."""
    text = PROVISION.format(n=n, label=label).replace("topics: [rencai]\n", "topics: [rencai]\n" + extra)
    if body is not None:
        text = text[: text.index("---\n", 4) + 4] + body
    return text


def hostile(
    tmp_path: Path, good_output: Path, files: dict | None = None, setup=None, args=(), code: str | None = None
) -> subprocess.CompletedProcess:
    """Build the fixture changed by `files` and `setup(root)` over a copy of a good output."""
    make_site(tmp_path, files)
    shutil.copytree(good_output, tmp_path / "out", symlinks=True)
    before = tree(tmp_path / "out")
    if setup:
        setup(tmp_path)
    result = run_bounded(tmp_path, *BUILD_ARGS, *args, code=code)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), (result.returncode, result.stderr)
    assert all(len(line) < 1100 for line in result.stderr.splitlines()), "a message of unbounded length"
    if result.returncode == 1:
        assert tree(tmp_path / "out") == before, "a failed build changed the previous output"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out"))
    assert not left, f"left beside the output: {left}"
    return result


def errors(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("build failed: "), result.stderr
    return [line for line in lines if not line.startswith("build failed: ")]


def alias_bomb(levels: int) -> str:
    """`levels` lists of nine aliases each: 9 ** levels values if anything expands it."""
    return "l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, levels)
    )


DEEP = "nested more than 50 levels deep"
YAML_PROBES = {  # name: (file, text, expected errors)
    "deep flow nesting, 25,000 levels (was SIGSEGV)": (
        "content/demo/02.md",
        provision(extra="x: " + "[" * 25_000 + "]" * 25_000 + "\n"),
        [f"content/demo/02.md:6: invalid YAML: {DEEP}"],
    ),
    "deep block nesting, 25,000 levels (was SIGSEGV)": (
        "content/demo/02.md",
        provision(extra="x:\n  " + "- " * 25_000 + "x\n"),
        [f"content/demo/02.md:7: invalid YAML: {DEEP}"],
    ),
    "deep nesting in a short file (libyaml's composer)": (
        "content/topics.yaml",
        "- " + "[" * 60 + "]" * 60 + "\n",
        [
            "content/demo/01.md:5: unknown topic 'rencai'",
            "content/demo/02.md:5: unknown topic 'rencai'",
            f"content/topics.yaml:1: invalid YAML: {DEEP}",
        ],
    ),
    "deep nesting in site.yaml": (
        "site.yaml",
        SITE_YAML + "search: " + "{a: " * 25_000 + "1" + "}" * 25_000 + "\n",
        [f"site.yaml:9: invalid YAML: {DEEP}"],
    ),
    "alias bomb as a mapping key, 8 levels (was 1.2 GB, 312 MB of stderr)": (
        "content/demo/02.md",
        "---\n" + alias_bomb(8) + "? *l7\n: x\nnumber: 2\n---\n正文。\n",
        ["content/demo/02.md:6: invalid YAML: more than 10,000 values, counting what each alias repeats"],
    ),
    "alias bomb as a mapping key, 9 levels (was MemoryError)": (
        "content/demo/02.md",
        "---\n" + alias_bomb(9) + "? *l8\n: x\nnumber: 2\n---\n正文。\n",
        ["content/demo/02.md:6: invalid YAML: more than 10,000 values, counting what each alias repeats"],
    ),
    "alias bomb in a long file (Python's composer)": (
        "content/demo/02.md",
        "---\n" + alias_bomb(9) + "title: " + "长" * 9000 + "\n---\n正文。\n",
        ["content/demo/02.md:6: invalid YAML: more than 10,000 values, counting what each alias repeats"],
    ),
    "merge-key bomb": (
        "content/demo/02.md",
        "---\na0: &a0 {k0: 1}\n"
        + "".join(f"a{i}: &a{i} {{<<: [" + ", ".join([f"*a{i - 1}"] * 9) + f"], k{i}: 1}}\n" for i in range(1, 9))
        + "---\n正文。\n",
        ["content/demo/02.md:6: invalid YAML: more than 10,000 values, counting what each alias repeats"],
    ),
    "an alias inside the value it names": (
        "content/demo/02.md",
        provision(extra="x: &a {b: [*a]}\n"),
        ["content/demo/02.md:6: invalid YAML: an alias inside the value it names (a value cannot contain itself)"],
    ),
    "a mapping key that is a list": (
        "content/demo/02.md",
        provision(extra="? [a, b]\n: x\n"),
        ["content/demo/02.md:6: invalid key ['a', 'b']: a key is a name such as 'title'"],
    ),
    "4,000-digit hex integer in a title (was int→str ValueError traceback)": (
        "content/demo/02.md",
        provision().replace("title: 测试条文", "title: 0x" + "f" * 4000),
        [
            "content/demo/02.md:4: invalid YAML: a number of 4,002 characters is too long; put it in quotes if it is text"
        ],
    ),
    "5,000-digit decimal integer": (
        "content/demo/02.md",
        provision(extra="notes: [{paragraph: " + "9" * 5000 + ", text: x}]\n"),
        [
            "content/demo/02.md:6: invalid YAML: a number of 5,000 characters is too long; put it in quotes if it is text"
        ],
    ),
    "sexagesimal integer of 180,000 characters (quadratic to convert)": (
        "content/demo/02.md",
        provision().replace("title: 测试条文", "title: 1" + ":59" * 60_000),
        [
            "content/demo/02.md:4: invalid YAML: a number of 180,001 characters is too long; put it in quotes if it is text"
        ],
    ),
    "invalid date, reported on its own line (was line 2)": (
        "content/demo/_document.md",
        DOCUMENT.replace("date_passed: 2025-07-31", "date_passed: 2025-13-45"),
        ["content/demo/_document.md:6: field 'date_passed': 2025-13-45 is not a date (month must be in 1..12)"],
    ),
    "a value YAML cannot make, on its own line": (
        "content/demo/02.md",
        provision(extra="x: 1\ny: !!bool maybe\n"),
        ["content/demo/02.md:7: invalid YAML: cannot read this bool value: 'maybe'"],
    ),
    "a huge unknown key is quoted in a bounded message": (
        "content/demo/02.md",
        provision(extra="? " + "k" * 100_000 + "\n: 1\n"),
        ["content/demo/02.md:6: unknown field '" + "k" * 27 + "..." + "k" * 28 + "'"],
    ),
}


@pytest.mark.parametrize("name", list(YAML_PROBES))
def test_hostile_yaml(tmp_path, good_output, name):
    path, text, expected = YAML_PROBES[name]
    result = hostile(tmp_path, good_output, {path: text})
    assert errors(result) == expected


def _fifo(rel):
    def setup(root):
        (root / rel).unlink(missing_ok=True)
        os.mkfifo(root / rel)

    return setup


def _symlink(rel, target):
    def setup(root):
        (root / rel).unlink(missing_ok=True)
        os.symlink(target(root) if callable(target) else target, root / rel)

    return setup


def _big_file_linked_from(rel):
    def setup(root):
        with open(root / "content/big.bin", "wb") as fh:
            fh.truncate(200 << 20)  # sparse: nothing is written
        os.symlink("../big.bin", root / rel)

    return setup


def _outside_file(root):
    (root / "elsewhere.md").write_text(provision(3, "三"), encoding="utf-8")
    return root / "elsewhere.md"


FILE_PROBES = {  # name: (setup, expected errors)
    "a .md that is a symlink to /dev/zero (was MemoryError)": (
        _symlink("content/demo/03.md", "/dev/zero"),
        [
            "content/demo/03.md:1: symbolic link to /dev/zero, outside the content folder content: "
            "only files inside it are read"
        ],
    ),
    "a .md that is a symlink to /dev/urandom": (
        _symlink("content/demo/03.md", "/dev/urandom"),
        [
            "content/demo/03.md:1: symbolic link to /dev/urandom, outside the content folder content: "
            "only files inside it are read"
        ],
    ),
    "a FIFO named 20.md (was a hang)": (
        _fifo("content/demo/20.md"),
        ["content/demo/20.md:1: a FIFO (named pipe), not a regular file: only regular files are read"],
    ),
    "a FIFO as topics.yaml": (
        _fifo("content/topics.yaml"),
        [
            "content/demo/01.md:5: unknown topic 'rencai'",
            "content/demo/02.md:5: unknown topic 'rencai'",
            "content/topics.yaml:1: a FIFO (named pipe), not a regular file: only regular files are read",
        ],
    ),
    "a FIFO as a document's _document.md": (
        lambda root: ((root / "content/other").mkdir(), os.mkfifo(root / "content/other/_document.md")),
        ["content/other/_document.md:1: a FIFO (named pipe), not a regular file: only regular files are read"],
    ),
    "a symlink to a file outside the content folder (was read and published)": (
        _symlink("content/demo/03.md", _outside_file),
        [
            "content/demo/03.md:1: symbolic link to elsewhere.md, outside the content folder content: "
            "only files inside it are read"
        ],
    ),
    "a document folder that is a symlink to a folder outside": (
        lambda root: (
            shutil.copytree(root / "content/demo", root / "outside"),
            os.symlink(root / "outside", root / "content/linked"),
        ),
        [
            "content/linked/_document.md:1: symbolic link to outside/_document.md, outside the content folder "
            "content: only files inside it are read"
        ],
    ),
    "a symlink that points to itself (was RuntimeError)": (
        _symlink("content/demo/03.md", "03.md"),
        ["content/demo/03.md:1: symbolic link loop (the link leads back to itself)"],
    ),
    "two symlinks that point to each other": (
        lambda root: (
            os.symlink("04.md", root / "content/demo/03.md"),
            os.symlink("03.md", root / "content/demo/04.md"),
        ),
        [
            "content/demo/03.md:1: symbolic link loop (the link leads back to itself)",
            "content/demo/04.md:1: symbolic link loop (the link leads back to itself)",
        ],
    ),
    "a broken symlink": (
        _symlink("content/demo/03.md", "nowhere.md"),
        ["content/demo/03.md:1: broken symbolic link (to 'nowhere.md', which does not exist)"],
    ),
    "a folder named 03.md": (
        lambda root: (root / "content/demo/03.md").mkdir(),
        ["content/demo/03.md:1: a folder, not a regular file: only regular files are read"],
    ),
    "a 200 MB provision file (was read whole)": (
        lambda root: os.truncate(root / "content/demo/02.md", 200 << 20),  # sparse
        ["content/demo/02.md:1: the file is 209,715,200 bytes; the limit is 262,144 bytes (256 KiB) per file"],
    ),
    "a symlink to a 200 MB file inside the content folder": (
        _big_file_linked_from("content/demo/03.md"),
        ["content/demo/03.md:1: the file is 209,715,200 bytes; the limit is 262,144 bytes (256 KiB) per file"],
    ),
    "CR-only line endings (was 'must start with a YAML front matter block')": (
        lambda root: (root / "content/demo/02.md").write_bytes(provision().replace("\n", "\r").encode()),
        [
            "content/demo/02.md:1: a line ends with a bare carriage return (CR, as old Mac OS wrote); "
            "save the file with LF or CRLF line endings"
        ],
    ),
    "a stray carriage return, reported on its line": (
        lambda root: (root / "content/demo/02.md").write_bytes(provision().replace("第二款", "第二\r款").encode()),
        [
            "content/demo/02.md:9: a line ends with a bare carriage return (CR, as old Mac OS wrote); "
            "save the file with LF or CRLF line endings"
        ],
    ),
}


@pytest.mark.parametrize("name", list(FILE_PROBES))
def test_hostile_files(tmp_path, good_output, name):
    setup, expected = FILE_PROBES[name]
    result = hostile(tmp_path, good_output, setup=setup)
    assert errors(result) == expected


def test_a_symlink_inside_the_content_folder_is_followed(tmp_path, good_output):
    """Two documents may share a file: a link that stays inside content/ is read like the file."""

    def setup(root):
        (root / "content/shared").mkdir()
        (root / "content/shared/03.md").write_text(provision(3, "三"), encoding="utf-8")
        os.symlink("../shared/03.md", root / "content/demo/03.md")

    result = hostile(tmp_path, good_output, setup=setup)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/demo/3.html").is_file()


def test_a_utf8_byte_order_mark_is_accepted(tmp_path, good_output):
    result = hostile(tmp_path, good_output, {"content/demo/02.md": "\ufeff" + provision()})
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out/demo/2.html").read_text(encoding="utf-8")
    assert "第二款的文字" in html and "\ufeff" not in html


SCANDIR_DENIED = """
import errno, os, build
real = os.scandir
def scandir(path="."):
    if os.path.basename(os.fspath(path)) == {name!r}:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    return real(path)
os.scandir = scandir
sys.exit(build.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("folder", ["demo", "glossary", "content"])
def test_a_folder_that_cannot_be_read(tmp_path, good_output, folder):
    """chmod 000 does not stop root (who runs CI here), so for root the refusal is simulated
    where the loader lists the folder; anyone else gets a real unreadable folder."""
    rel = {"demo": "content/demo", "glossary": "content/glossary", "content": "content"}[folder]
    if os.geteuid() == 0:
        result = hostile(tmp_path, good_output, code=SCANDIR_DENIED.format(name=folder))
    else:

        def setup(root):
            os.chmod(root / rel, 0)

        try:
            result = hostile(tmp_path, good_output, setup=setup)
        finally:
            os.chmod(tmp_path / rel, 0o755)
    lines = errors(result)
    assert f"{rel}:1: cannot read folder: Permission denied" in lines, lines


NUMBER_PROBES = {  # name: (files, expected errors)
    "number 10000": (
        {"content/demo/10000.md": provision(10000, "一万")},
        ["content/demo/10000.md:1: provision numbers run from 1 to 9,999"],
    ),
    "number 100 in 10.md (was ValueError in cn_number)": (
        {"content/demo/10.md": provision(100, "一百")},
        [
            "content/demo/10.md:2: number 100 does not match the file name 10.md",
            "content/demo/10.md:3: label '一百' does not match the file name 10.md (expected '十、')",
        ],
    ),
    "a label that is not the number": (
        {"content/demo/101.md": provision(101, "一百一")},
        ["content/demo/101.md:3: label '一百一' does not match the file name 101.md (expected '一百零一、')"],
    ),
    "10,000 paragraphs": (
        {"content/demo/02.md": provision(body="\n\n".join(["段。"] * 10000) + "\n")},
        ["content/demo/02.md:20005: a provision has at most 9999 paragraphs (款)"],
    ),
}


@pytest.mark.parametrize("name", list(NUMBER_PROBES))
def test_numbers_the_loader_refuses(tmp_path, good_output, name):
    files, expected = NUMBER_PROBES[name]
    assert errors(hostile(tmp_path, good_output, files)) == expected


def test_numbers_from_100_build_and_read_right(tmp_path, good_output):
    """Provisions 100, 101 and 110 and a provision of 120 paragraphs (all were ValueError)."""
    from sitegen.numerals import cn_number

    # 条 are numbered without gaps (issue 15): 3 … 99 are there too.
    result = hostile(
        tmp_path,
        good_output,
        {
            **{f"content/demo/{n:02d}.md": provision(n, cn_number(n)) for n in range(3, 100)},
            **{f"content/demo/{n}.md": provision(n, cn_number(n)) for n in range(102, 110)},
            "content/demo/100.md": provision(100, "一百"),
            "content/demo/101.md": provision(101, "一百零一"),
            "content/demo/110.md": provision(
                110, "一百一十", body="\n\n".join(f"第{i}段。" for i in range(1, 121)) + "\n"
            ),
        },
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "demo"
    assert "一百零一、" in (out / "101.html").read_text(encoding="utf-8")
    page = (out / "110.html").read_text(encoding="utf-8")
    assert 'id="art-110-p120"' in page and "第一百一十条第一百二十款" in page


def test_missing_items_from_100_and_out_of_range():
    files = base_files()

    def plan_missing(value) -> bytes:
        divisions = [dict(PLAN_DOC["divisions"][0]), dict(PLAN_DOC["divisions"][1], missing=value)]
        return front_matter(dict(PLAN_DOC, divisions=divisions), PLAN_BODY).encode()

    files[f"content/{PLAN}/_document.md"] = plan_missing([2, 100])
    status, stderr = build_tree(files, subprocess=True)
    assert status == 0, stderr
    for bad in ([0], [10000], [-5], ["x"]):
        files[f"content/{PLAN}/_document.md"] = plan_missing(bad)
        status, stderr = build_tree(files)
        assert status == 1 and "'missing' lists the numbers of the units the source lost here" in stderr, stderr


CN_NUMBERS = {
    0: "零",
    1: "一",
    7: "七",
    10: "十",
    11: "十一",
    19: "十九",
    20: "二十",
    25: "二十五",
    99: "九十九",
    100: "一百",
    101: "一百零一",
    110: "一百一十",
    111: "一百一十一",
    119: "一百一十九",
    200: "二百",
    999: "九百九十九",
    1000: "一千",
    1005: "一千零五",
    1010: "一千零一十",
    1100: "一千一百",
    1101: "一千一百零一",
    2019: "二千零一十九",
    9999: "九千九百九十九",
    10000: "一万",
    10001: "一万零一",
    10010: "一万零一十",
    10100: "一万零一百",
    11000: "一万一千",
    100000: "十万",
    110000: "十一万",
    100010: "十万零一十",
    1000000: "一百万",
    12345678: "一千二百三十四万五千六百七十八",
}


@pytest.mark.parametrize("n", list(CN_NUMBERS))
def test_cn_number(n):
    assert cn_number(n) == CN_NUMBERS[n]


def _read_cn(text: str) -> int:
    """An independent reader of Chinese numerals, for the round trip below."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    total, section, digit = 0, 0, 0
    for c in text:
        if c in digits:
            digit = digits[c]
        elif c == "万":
            total, section, digit = (section + digit) * 10000, 0, 0
        else:
            section += (digit or (1 if c == "十" else 0)) * {"十": 10, "百": 100, "千": 1000}[c]
            digit = 0
    return total + section + digit


@SETTINGS
@given(st.integers(min_value=0, max_value=99_999_999))
def test_cn_number_reads_back(n):
    text = cn_number(n)
    assert _read_cn(text) == n, text
    assert "零零" not in text and not text.endswith("零") or n == 0, text
    assert not text.startswith("一十"), text


@pytest.mark.parametrize("n", [-1, 100_000_000])
def test_cn_number_refuses_what_it_cannot_write(n):
    with pytest.raises(ValueError):
        cn_number(n)


def test_file_size_limit_is_exact(tmp_path):
    from sitegen.errors import Problems

    ok, over = tmp_path / "ok.md", tmp_path / "over.md"
    ok.write_bytes(b"x" * reading.MAX_FILE_BYTES)
    over.write_bytes(b"x" * (reading.MAX_FILE_BYTES + 1))
    problems = Problems()
    assert reading.read_bytes(ok, problems) == b"x" * reading.MAX_FILE_BYTES and not problems.items
    assert reading.read_bytes(over, problems) is None and len(problems.items) == 1


# --- the output folder --------------------------------------------------------------------------


def test_out_inside_the_content_folder_is_refused(tmp_path, good_output):
    result = hostile(tmp_path, good_output, args=("--out", "content/x"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "build failed: content/x: refusing to build inside the source folder content; choose an --out outside it"
    ]
    assert not (tmp_path / "content/x").exists()


@pytest.mark.parametrize("folder", ["static", "templates"])
def test_out_inside_the_generators_folders_is_refused(tmp_path, good_output, folder):
    """`--out static/_out` used to copy static into itself until ENAMETOOLONG (a 100 KB traceback)."""
    target = ROOT / folder / "_hostile_out"
    try:
        result = hostile(tmp_path, good_output, args=("--out", str(target)))
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"build failed: {target}: refusing to build inside the source folder {ROOT / folder}; "
            "choose an --out outside it"
        ]
        assert not target.exists()
    finally:
        shutil.rmtree(target, ignore_errors=True)


def test_out_whose_parent_is_a_file(tmp_path, good_output):
    result = hostile(tmp_path, good_output, args=("--out", "site.yaml/out"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "build failed: site.yaml/out: site.yaml is a file, not a folder; choose another --out"
    ]


def test_a_missing_manifest_is_an_error(tmp_path, good_output):
    result = hostile(tmp_path, good_output, args=("--manifest", "missing.txt"))
    assert errors(result) == ["missing.txt:1: manifest of published addresses not found (check the --manifest path)"]


FULL_DISK = """
import errno, os, build
real_write, real_link, count = os.write, os.link, [0]
def full():  # the fourth file written or linked finds the disk full
    count[0] += 1
    if count[0] > 3:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
def write(fd, data):
    full()
    return real_write(fd, data)
def link(src, dst, **kw):
    full()
    return real_link(src, dst, **kw)
os.write, os.link = write, link
sys.exit(build.main(sys.argv[1:]))
"""


def test_a_full_disk(tmp_path, good_output):
    """ENOSPC while writing: one line, exit 1, the previous output intact (was a traceback)."""
    result = hostile(tmp_path, good_output, code=FULL_DISK)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("build failed: out: could not write the site (No space left on device: .out.tmp-"), line
    assert line.endswith("); the previous output is unchanged"), line


def _lock(root: Path):
    fd = os.open(root / ".out.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_build_while_another_holds_the_folder(tmp_path, good_output):
    make_site(tmp_path)
    shutil.copytree(good_output, tmp_path / "out")
    before = tree(tmp_path / "out")
    fd = _lock(tmp_path)
    try:
        result = run_bounded(tmp_path, *BUILD_ARGS)
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "build failed: out: another build is writing out (it holds .out.lock); try again when it has finished"
    ]
    assert tree(tmp_path / "out") == before
    os.unlink(tmp_path / ".out.lock")
    assert run_bounded(tmp_path, *BUILD_ARGS).returncode == 0  # a lock nobody holds is no obstacle
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


HELD_WRITE = """
import pathlib, time, build
from sitegen import write
real_write, real_rename = write.write_files, pathlib.Path.rename
def held_write(root, files, *rest):  # keeps the build inside its staging phase until the test releases it
    deadline = time.monotonic() + 60
    while not pathlib.Path("release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return real_write(root, files, *rest)
def slow_rename(self, target):
    time.sleep(0.3)
    return real_rename(self, target)
write.write_files, pathlib.Path.rename = held_write, slow_rename
sys.exit(build.main(sys.argv[1:]))
"""


def test_a_second_build_while_the_first_is_writing(tmp_path, good_output):
    """The first build is held inside its staging phase; a second build into the same
    folder stops at once with a clear message, and the first then completes normally
    (before the lock, the second swapped its own output in under the first)."""
    make_site(tmp_path)
    shutil.copytree(good_output, tmp_path / "out")
    first = subprocess.Popen(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{HELD_WRITE}", *BUILD_ARGS],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_bounded,
    )
    try:
        deadline = time.monotonic() + PROBE_TIMEOUT
        while not (tmp_path / f".out.tmp-{first.pid}").exists():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.02)
        second = run_bounded(tmp_path, *BUILD_ARGS)
    finally:
        (tmp_path / "release").touch()
        status, (_, stderr) = first.wait(timeout=PROBE_TIMEOUT), first.communicate()
    assert (second.returncode, second.stderr.splitlines()) == (
        1,
        ["build failed: out: another build is writing out (it holds .out.lock); try again when it has finished"],
    )
    assert status == 0 and "Traceback" not in stderr, stderr
    assert tree(tmp_path / "out") == tree(good_output)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_two_builds_into_one_folder(tmp_path, good_output):
    """Two builds started together into one folder, again and again. Each succeeds or says
    that another is writing; the folder always ends up complete and equal to one build's,
    with nothing left beside it."""
    make_site(tmp_path)
    shutil.copytree(good_output, tmp_path / "out")
    reference = tree(good_output)
    for _ in range(4):
        runs = [
            subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), *BUILD_ARGS],
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=_bounded,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=PROBE_TIMEOUT), p.communicate()[1]) for p in runs]
        for status, stderr in results:
            assert "Traceback" not in stderr, stderr
            assert status == 0 or stderr.splitlines() == [
                "build failed: out: another build is writing out (it holds .out.lock); try again when it has finished"
            ], stderr
        assert any(status == 0 for status, _ in results)
        assert tree(tmp_path / "out") == reference
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_staging_folders_of_dead_builds_are_removed(tmp_path, good_output):
    """A build killed with SIGKILL leaves `.out.tmp-PID`; the next build removes it, and
    leaves alone the staging folder of a process that is still running."""
    make_site(tmp_path)
    shutil.copytree(good_output, tmp_path / "out")
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    dead = {f".out.tmp-{killed.pid}", f".out.old-{_dead_pid()}"}
    alive = f".out.tmp-{os.getpid()}"
    for name in (*dead, alive):
        (tmp_path / name / "demo").mkdir(parents=True)
        (tmp_path / name / "demo" / "1.html").write_text("stale")
    result = run_bounded(tmp_path, *BUILD_ARGS)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [alive]


def test_the_output_folder_never_disappears_during_a_swap(tmp_path):
    """While builds swap the folder in, a reader polling it always finds a complete output.
    Renames are slowed down so that a swap made of two renames shows its gap (it did)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / write.MARKER).write_text("first")
    missing, stop = [], threading.Event()
    real_rename = Path.rename

    def slow_rename(self, target):
        time.sleep(0.02)
        return real_rename(self, target)

    def watch():
        while not stop.is_set():
            if not (out / write.MARKER).is_file():
                missing.append(time.perf_counter())
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with mock.patch.object(Path, "rename", slow_rename):
            for i in range(20):
                with write.staging(out) as tmp:
                    (tmp / "index.html").write_text(str(i))
    finally:
        stop.set()
        watcher.join()
    assert not missing, f"the output folder was missing {len(missing)} times"
    assert (out / "index.html").read_text() == "19"


# --- output that must not break itself -----------------------------------------------------------


def test_nav_paths_are_site_relative_files(tmp_path, good_output):
    refused = [
        "javascript:alert(1)",
        "/etc/passwd.html",
        "../x.html",
        "https://evil.example/x.html",
        "a/../b.html",
        "search",
    ]
    nav = "".join(
        f"  - {{label: x, path: '{p}'}}\n" for p in [*refused, "glossary/index.html#changsanjiao", "demo/1.html"]
    )
    result = hostile(
        tmp_path, good_output, {"site.yaml": SITE_YAML.replace("  - {label: 决定, path: demo/index.html}\n", nav)}
    )
    tail = (
        "must name a file of the site, relative to its root, as in glossary/index.html "
        "(no scheme, no leading '/', no '..')"
    )
    assert errors(result) == [f"site.yaml:{8 + i}: nav path {p!r} {tail}" for i, p in enumerate(refused)]


def test_document_slugs(tmp_path, good_output):
    def setup(root):
        shutil.copytree(root / "content/demo", root / 'content/x"><img src=x onerror=alert(1)>')

    result = hostile(
        tmp_path,
        good_output,
        {"site.yaml": SITE_YAML.replace("documents: [demo]", "documents: [demo, 'Demo 2']")},
        setup=setup,
    )
    assert errors(result) == [
        """content/x"><img src=x onerror=alert(1)>/_document.md:1: document folder name 'x"><img src=x """
        """onerror=alert(1)>' must be a slug: a-z, 0-9 and single hyphens, as in yrd-decision""",
        "site.yaml:6: document 'Demo 2' must be a slug: a-z, 0-9 and single hyphens, as in yrd-decision",
    ]


def test_json_ld_cannot_swallow_the_pages_scripts(tmp_path, good_output, browser):
    """`<!--<script>` in a document title (on every page) or a paragraph used to turn the
    JSON-LD block into one that swallowed the next <script>: site.js never ran."""
    result = hostile(
        tmp_path,
        good_output,
        {
            "content/demo/_document.md": DOCUMENT.replace("title: 测试决定", "title: 测试决定<!--<script>"),
            "content/demo/02.md": provision(body="第一款\\<!--\\<script>与&amp;。\n"),
        },
    )
    assert result.returncode == 0, result.stderr
    context = browser.new_context()
    try:
        pg = context.new_page()
        errors_seen = []
        pg.on("pageerror", lambda e: errors_seen.append(str(e)))
        for name in ("1.html", "2.html", "index.html"):
            pg.goto((tmp_path / "out" / "demo" / name).as_uri(), wait_until="load")
            ld = pg.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
            assert "测试决定<!--<script>" in json_dump(ld), name  # the text survives, escaped
            if name == "2.html":
                assert "第一款<!--<script>与&。" in ld["text"], ld["text"]  # &amp; is Markdown for &
            # site.js ran: "/" takes the reader to the search box.
            pg.keyboard.press("/")
            ran = pg.evaluate("document.activeElement && document.activeElement.id === 'q-header'")
            assert ran, f"site.js did not run on {name}"
        assert not errors_seen, errors_seen
    finally:
        context.close()


def json_dump(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_a_malformed_hash_does_not_stop_site_js(page, site_url):
    """`#%E0%A4%A` made decodeURIComponent throw, and ?hl= highlighting was lost with it."""
    page.goto(site_url + "yrd-decision/7.html?hl=长三角#%E0%A4%A", wait_until="load")
    page.wait_for_selector("mark.hl", timeout=10_000)
    assert not page.problems, page.problems
