"""Gate: hostile content never crashes the build (issue 8, DESIGN.md §3).

Property-based tests (Hypothesis) feed the content loader random and hostile
front matter and Markdown: wrong types, huge values, unknown keys, control
characters, raw HTML, deep nesting, invalid UTF-8, YAML tricks. For every input
`build.py --content X --out Y --no-search` either succeeds, or exits 1 with
`path:line: message` lines on stderr; never a traceback, never a write outside
the output folder, and a failed build leaves the previous output untouched.

Most cases call `build.main([...])` in-process (fast); a few run the script.
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
from sitegen import load, write
from sitegen.pipeline import ROOT

from conftest import run_build

ERROR_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<message>.+)$")
SUMMARY_LINE = re.compile(r"^build failed: .+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")  # never valid in HTML
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- a small valid content tree ------------------------------------------------------

DEC, PLAN = "test-decision", "test-plan"

SITE = {"title": "测试站点", "short_title": "测试", "description": "用于健壮性测试的小站点。",
        "base_url": "https://example.org/", "language": "zh-CN", "documents": [DEC, PLAN],
        "nav": [{"label": "决定", "path": f"{DEC}/index.html"}, {"label": "检索", "path": "search.html"}],
        "search": {"pagefind": True}}
TOPICS = [{"slug": "keji", "name": "科技", "description": "科技创新。"},
          {"slug": "maoyi", "name": "贸易", "description": "数字贸易。"}]
DEC_DOC = {"title": "关于促进长三角科技创新协同发展的测试决定", "short_title": "《决定》", "doc_type": "决定",
           "issuer": ["测试常务委员会"], "date_passed": dt.date(2025, 7, 31),
           "date_effective": dt.date(2025, 9, 1), "number": "公告第1号", "status": "已生效",
           "source": {"file": "seed.txt", "description": "测试来源。"},
           "editorial_notes": ["本文件仅用于测试。"]}
DEC_BODY = "{#preamble}\n为了测试长三角科技创新，作出如下决定：\n"
PLAN_DOC = {"title": "测试数字贸易实施方案", "short_title": "《方案》", "doc_type": "实施方案",
            "issuer": ["测试办公厅"], "date_issued": "2025-05-08", "status": "已印发",
            "source": {"file": "seed.txt", "description": "测试来源。"},
            "parts": [{"number": 1, "label": "一", "heading": "总体要求", "missing_items": []},
                      {"number": 2, "label": "二", "heading": None, "missing_items": [2]}],
            "editorial_notes": ["第（二）项缺失。"]}
PLAN_BODY = "{#notice}\n## 关于印发测试方案的通知\n\n现印发给你们。\n"
PROVISIONS = {
    f"{DEC}/01.md": ({"number": 1, "label": "一", "title": "目的", "topics": ["keji"],
                      "related": [{"to": f"{DEC}/2", "reason": "同为测试"}],
                      "notes": [{"paragraph": 1, "text": "测试注释。"}]},
                     "推动长三角科技创新协同发展。\n\n第二款，*强调*与**加粗**。\n"),
    f"{DEC}/02.md": ({"number": 2, "label": "二", "title": "协同", "topics": ["keji", "maoyi"]},
                     "加强数字贸易与科技创新的协同。\n"),
    f"{PLAN}/01.md": ({"number": 1, "label": "（一）", "part": 1, "title": "发展数字贸易。",
                       "topics": ["maoyi"], "related": [{"to": f"{DEC}/1", "reason": "相关"}],
                       "incomplete": "end"},
                      "发展数字贸易。推动长三角一体化。\n"),
    f"{PLAN}/part-2.md": ({"number": 2, "label": "二", "title": "保障", "topics": ["maoyi"]},
                          "各地要抓好落实。\n"),
}
TERM = ({"term": "长三角", "slug": "changsanjiao", "pinyin": "cháng sān jiǎo", "aliases": ["长江三角洲"],
         "en": "Yangtze River Delta", "see_also": []},
        "长江三角洲区域的简称，指上海市、江苏省、浙江省和安徽省。\n")


def front_matter(data, body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


def base_files() -> dict[str, bytes]:
    """Relative path → bytes of a valid tree: site.yaml and content/."""
    files = {"site.yaml": yaml.safe_dump(SITE, allow_unicode=True),
             "content/topics.yaml": yaml.safe_dump(TOPICS, allow_unicode=True),
             f"content/{DEC}/_document.md": front_matter(DEC_DOC, DEC_BODY),
             f"content/{PLAN}/_document.md": front_matter(PLAN_DOC, PLAN_BODY),
             "content/glossary/changsanjiao.md": front_matter(*TERM)}
    for name, (data, body) in PROVISIONS.items():
        files[f"content/{name}"] = front_matter(data, body)
    return {k: v.encode("utf-8") for k, v in files.items()}


FRONT_MATTER_FILES = {f"content/{DEC}/_document.md": (DEC_DOC, DEC_BODY),
                      f"content/{PLAN}/_document.md": (PLAN_DOC, PLAN_BODY),
                      "content/glossary/changsanjiao.md": TERM,
                      **{f"content/{k}": v for k, v in PROVISIONS.items()}}
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
        args = ["--content", str(root / "content"), "--site", str(root / "site.yaml"),
                "--out", str(out), "--no-search"]
        if subprocess:
            run = run_build(*args, cwd=root)
            status, stdout, stderr = run.returncode, run.stdout, run.stderr
        else:
            status, stdout, stderr = run_in_process(args, out)
        judge(root, out, files, status, stderr)
        assert snapshot(root, out) == before, "the build wrote or changed files outside its output folder"
        assert not [p.name for p in out.parent.iterdir() if p.name != out.name], \
            f"leftovers beside the output: {sorted(p.name for p in out.parent.iterdir())}"
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
    real_write = write.write_files

    def guarded_write(root, files):  # every output path stays inside the output folder
        for rel in files:
            target = (root / rel).resolve()
            assert target.is_relative_to(root.resolve()), f"output path {rel!r} escapes the output folder"
        return real_write(root, files)

    with mock.patch.object(write, "write_files", guarded_write), \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
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
        assert path.resolve().is_relative_to(root.resolve()) or path.resolve().is_relative_to(ROOT), \
            f"error names a file outside the build's inputs: {line!r}"
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
HOSTILE_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x07b", "\x85", "\ufffe", "\uffff", "\x1b[31m红\x1b[0m", "\u202e反向", "\ufeffBOM", "行\u2028分隔", "\r\n",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "]]></x>", "{{ 7*7 }}", "{% raw %}",
    "../../../../etc/passwd", "/abs/path", "C:\\x", "a" * 5000, "长" * 3000, "javascript:alert(1)",
    "%00", "&amp;&#0;&#x110000;", "null", "~", "yes", "0x10", "1e309", "2025-13-45", "七", "（四）",
    f"{DEC}/1", f"{DEC}/99", f"{PLAN}/part-2", "keji", "changsanjiao",
])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
    st.integers(min_value=-3, max_value=30), st.floats(), TEXT, HOSTILE_TEXT,
    st.dates(), st.datetimes(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.one_of(TEXT, st.integers(-5, 5)), inner, max_size=4),
                      max_leaves=12)
KEYS = st.sampled_from(sorted(load.DOC_FIELDS | load.PROVISION_FIELDS | load.TERM_FIELDS
                              | load.SITE_FIELDS | {"slug", "name", "description", "to", "reason"})) | TEXT

DEEP = 3000
MARKDOWN_PIECES = st.sampled_from([
    "<div>块</div>", "<script>alert(1)</script>", "文字<b>加粗</b>", "<!-- 注释 -->", "<?php ?>",
    "> " * 300 + "深", "\n".join("  " * i + "- 项" for i in range(120)), "[" * DEEP, "*" * DEEP + "字",
    "_" * DEEP, "(" * DEEP, "`" * 500, "# 标题", "###### 六级", "{#preamble}", "{#bad anchor}", "{#x}",
    "{#notice}", "{.cls #id}", "```\ncode\n```", "    缩进代码", "---", "***", "[链接](javascript:alert(1))",
    "![图](http://example.org/x.png)", "<http://example.org>", "[^1]\n\n[^1]: 注", "| a | b |\n|---|---|\n| 1 | 2 |",
    "a\\\nb", "行末  \n换行", "&amp; &#0; &#x110000; &nosuch;", "&#7;&#x1b;&#x85;&#xfffe;", "\x00", "\x85", "\x0b", "\x1b[31m", "\u202e", "\ufeff",
    "\r\n\r\n", "\u2028", "长" * 20000, "长三角" * 50, "长江三角洲", "---\nfoo: bar\n---", "1. 列表\n2. 列表",
    "$$x$$", "<details><summary>x</summary></details>", "\t\t制表", "*斜体*与**加粗**", "<", ">", "&",
])
MARKDOWN = st.lists(st.one_of(MARKDOWN_PIECES, TEXT), min_size=0, max_size=6).flatmap(
    lambda parts: st.sampled_from(["\n", "\n\n", " "]).map(lambda sep: sep.join(parts) + "\n"))

BYTES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xef\xbb\xbf",
                     b"\xe9\x95", b"\x80", b"\xc0\xaf"]),
)
# Nine levels of nine aliases each: 9**9 leaves if anything walks it naively.
YAML_BOMB = ("l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))
             + "issuer: *l8\nnotes: *l8\nrelated: *l8\ntopics: *l8\naliases: *l8\nparts: *l8\n")
RAW_YAML = st.sampled_from([YAML_BOMB,
    "", "---", "null", "[]", "- a\n- b", "x", "{", "[[[[[[[[[[", "[" * 5000 + "]" * 5000, "{a: " * 2000,
    "a: &x [1, 2]\nb: *x", "a: *nosuch", "a: 1\na: 2", "? [1, 2]\n: x", "!!python/object:os.system x",
    "a: !!binary aGVsbG8=", "a: !!set {x, y}", "a: !!timestamp 2025-01-01", "<<: {title: x}",
    "a: &a [*a]", "\t- tab", "a: |\n  多行\n  文本", "title: '未闭合", "key: \"\\x00\"", "a: 1e99999",
])


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
    *((f"content/{d}/_document.md", k) for d in (DEC, PLAN)
      for k in (("title",), ("short_title",), ("status",), ("issuer", 0), ("editorial_notes", 0),
                ("source", "description"))),
    (f"content/{DEC}/_document.md", ("number",)),
    *((f"content/{k}", ("title",)) for k in PROVISIONS),
    (f"content/{DEC}/01.md", ("related", 0, "reason")), (f"content/{DEC}/01.md", ("notes", 0, "text")),
    *(("content/glossary/changsanjiao.md", (k,)) for k in ("term", "pinyin", "en")),
    ("content/glossary/changsanjiao.md", ("aliases", 0)),
    *(("site.yaml", (k,)) for k in ("title", "short_title", "description")),
    ("content/topics.yaml", (0, "name")), ("content/topics.yaml", (1, "description")),
]


@st.composite
def hostile_text_fields(draw):
    """Some text fields set to hostile text of the right type: the build should mostly succeed."""
    import copy
    data = {**{k: copy.deepcopy(v[0]) for k, v in FRONT_MATTER_FILES.items()},
            **{k: copy.deepcopy(v) for k, v in YAML_FILES.items()}}
    chosen = draw(st.lists(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=3, unique=True))
    for name, path in chosen:
        target = data[name]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = draw(st.one_of(HOSTILE_TEXT, TEXT).filter(lambda t: t.strip()))
    files = base_files()
    for name, _ in chosen:
        text = (front_matter(data[name], FRONT_MATTER_FILES[name][1]) if name in FRONT_MATTER_FILES
                else yaml.safe_dump(data[name], allow_unicode=True))
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
@given(st.sampled_from(sorted(FRONT_MATTER_FILES) + sorted(YAML_FILES)), BYTES,
       st.sampled_from(["replace", "prepend", "append", "insert"]))
def test_invalid_bytes(name, junk, where):
    good = base_files()[name]
    data = {"replace": junk, "prepend": junk + good, "append": good + junk,
            "insert": good[:len(good) // 2] + junk + good[len(good) // 2:]}[where]
    build_tree(apply(name, data))


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.lists(VALUES, max_size=4))
def test_random_site_and_topics(site_extra, topics):
    site = {**SITE, **site_extra}
    build_tree(apply("site.yaml", yaml.safe_dump(site, allow_unicode=True))
               | {"content/topics.yaml": yaml.safe_dump(TOPICS + topics, allow_unicode=True).encode()})


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
    "huge values": ("content/glossary/changsanjiao.md",
                    front_matter({**TERM[0], "term": "长" * 100_000, "aliases": ["x"] * 10_000}, TERM[1])),
    "unknown keys and wrong types": (f"content/{PLAN}/_document.md",
                                     front_matter({**PLAN_DOC, "parts": "一二三", "colour": [1, {2: 3}],
                                                   "issuer": {"a": 1}, "date_issued": 20250508}, PLAN_BODY)),
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
