"""Bad content gives every `path:line: message` in one run, exit 1, no traceback, old output intact."""

from __future__ import annotations

from conftest import run_build
from fixtures import DOCUMENT, PROVISION, TERM, make_site


def build_fixture(tmp_path, files=None, *extra):
    make_site(tmp_path, files)
    return run_build("--content", "content", "--site", "site.yaml", "--out", "out", "--no-search", *extra, cwd=tmp_path)


def test_valid_fixture_builds(tmp_path):
    result = build_fixture(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and result.stdout.rstrip().endswith("→ out/")
    assert (tmp_path / "out" / "demo" / "1.html").is_file()


def errors_of(result):
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if not line.startswith("build failed")]


def test_every_error_reported_in_one_run(tmp_path):
    result = build_fixture(
        tmp_path,
        {
            "content/demo/01.md": PROVISION.format(n=1, label="一").replace("topics: [rencai]", "topics: [nope]"),
            "content/demo/02.md": PROVISION.format(n=2, label="二").replace("label: 二\n", "label: 三\n"),
            "content/demo/03.md": PROVISION.format(n=1, label="一"),
            "content/demo/04.md": PROVISION.format(n=4, label="四") + "\n<script>alert(1)</script>\n",
            "content/demo/05.md": "---\nnumber: [5\n---\n正文。\n",
            "content/demo/4.md": PROVISION.format(n=4, label="四"),
        },
    )
    assert errors_of(result) == [
        "content/demo/01.md:5: unknown topic 'nope'",
        "content/demo/02.md:3: label '三' does not match the file name 02.md (expected '二、')",
        "content/demo/03.md:2: number 1 does not match the file name 03.md",  # a file's name is its number
        "content/demo/03.md:3: label '一' does not match the file name 03.md (expected '三、')",
        "content/demo/04.md:11: raw HTML is not allowed: '<script>alert(1)</script>'",
        "content/demo/05.md:3: invalid YAML: did not find expected ',' or ']'",
        "content/demo/4.md:1: 4.md and 04.md are the same provision (4)",
    ]


def test_bad_yaml_in_topics_and_document(tmp_path):
    result = build_fixture(
        tmp_path,
        {
            "content/topics.yaml": "- slug: rencai\n  name: 人才\n  description: [unclosed\n",
            "content/demo/_document.md": DOCUMENT.replace("doc_type: 决定", "doc_type: 决定\nstructure: 其他"),
        },
    )
    assert errors_of(result) == [
        "content/demo/01.md:5: unknown topic 'rencai'",
        "content/demo/02.md:5: unknown topic 'rencai'",
        "content/demo/_document.md:5: structure must be one of 法规型, 公文型",
        "content/topics.yaml:4: invalid YAML: did not find expected ',' or ']'",
    ]


def test_related_and_glossary_errors(tmp_path):
    result = build_fixture(
        tmp_path,
        {
            "content/demo/01.md": PROVISION.format(n=1, label="一").replace(
                "topics: [rencai]\n", "topics: [rencai]\nrelated:\n  - {to: demo/9, reason: 不存在}\n"
            ),
            "content/glossary/jiebang-guashuai.md": TERM.replace("see_also: []", "see_also: [saimazhi]"),
            "content/glossary/guashuai.md": TERM.replace("slug: jiebang-guashuai", "slug: guashuai")
            .replace("aliases: []", "aliases: [揭榜挂帅]")
            .replace("term: 揭榜挂帅", "term: 挂帅制"),
        },
    )
    assert errors_of(result) == [
        "content/demo/01.md:7: related target 'demo/9' does not exist",
        "content/glossary/jiebang-guashuai.md:2: term form '揭榜挂帅' is also used by content/glossary/guashuai.md",
        "content/glossary/jiebang-guashuai.md:7: see_also names unknown term 'saimazhi'",
    ]


def test_term_that_occurs_nowhere_is_a_warning(tmp_path):
    result = build_fixture(
        tmp_path,
        {
            "content/glossary/saimazhi.md": TERM.replace("slug: jiebang-guashuai", "slug: saimazhi").replace(
                "term: 揭榜挂帅", "term: 赛马制"
            ),
        },
    )
    assert result.returncode == 0, result.stderr
    assert (
        "content/glossary/saimazhi.md:2: warning: term '赛马制' occurs nowhere in the documents"
        in result.stderr.splitlines()
    )


def test_invalid_utf8_and_control_characters(tmp_path):
    result = build_fixture(
        tmp_path,
        {
            "content/demo/01.md": PROVISION.format(n=1, label="一").encode("utf-8") + b"\n\xff\xfe\n",
            "content/demo/02.md": PROVISION.format(n=2, label="二").replace("第二款", "第\x07二款"),
        },
    )
    assert errors_of(result) == [
        "content/demo/01.md:11: not valid UTF-8",
        "content/demo/02.md:9: control character U+0007 is not allowed",
    ]


def test_failed_build_leaves_previous_output_intact(tmp_path):
    assert build_fixture(tmp_path).returncode == 0
    before = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    result = build_fixture(tmp_path, {"content/demo/01.md": "---\nnumber: 1\n"})
    errors_of(result)
    after = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path):
    make_site(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("precious")
    result = run_build("--content", "content", "--site", "site.yaml", "--out", "mine", "--no-search", cwd=tmp_path)
    assert result.returncode == 1
    assert "was not made by build.py" in result.stderr
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "precious"


def test_usage_errors_exit_2(tmp_path):
    result = run_build("publish", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'publish'" in result.stderr


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    make_site(tmp_path)
    env = {**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--content",
            "content",
            "--site",
            "site.yaml",
            "--out",
            "out",
            "--no-search",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode("ascii").rstrip().endswith("\\u2192 out/")
    assert (tmp_path / "out" / "index.html").is_file()


def test_every_page_carries_the_content_security_policy(tmp_path):
    from sitegen.security import CSP

    assert build_fixture(tmp_path).returncode == 0
    pages = list((tmp_path / "out").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8").replace("&#39;", "'")
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html, page


def test_a_base_url_that_is_not_an_http_address_is_refused(tmp_path):
    from fixtures import SITE_YAML

    line = SITE_YAML.splitlines().index("base_url: https://example.test/") + 1
    result = build_fixture(tmp_path, {"site.yaml": SITE_YAML.replace("https://example.test/", "javascript:alert(1)")})
    assert errors_of(result) == [
        f"site.yaml:{line}: base URL 'javascript:alert(1)' must be an absolute http:// or https:// address, "
        "like https://example.org/"
    ]
    for bad in ("ftp://example.org/", "https://exa mple.org/", 'https://example.org/"><script>'):
        result = build_fixture(tmp_path / "cli", None, "--base-url", bad)
        assert errors_of(result) == [
            f"--base-url:1: base URL {bad!r} must be an absolute http:// or https:// address, like https://example.org/"
        ], bad
    assert build_fixture(tmp_path / "ok", None, "--base-url", "https://example.org:8080/zj/").returncode == 0
