"""The commands as a reader of the README runs them (issue 28): help per command, and
`check` after a build without the search index or without the source beside it."""

from __future__ import annotations

import re
import shutil

from conftest import ROOT, run_build


def options(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text)) - {"--help"}


def test_each_command_has_its_own_help():
    serve = run_build("serve", "--help")
    assert serve.returncode == 0
    assert serve.stdout.startswith("usage: build.py serve ")
    assert {"--port", "--host", "--open", "--out", "--no-search"} <= options(serve.stdout)
    assert "--update-manifest" not in options(serve.stdout)
    assert "{build,check,serve,import}" not in serve.stdout  # not the global help

    check = run_build("check", "--help")
    assert check.returncode == 0 and check.stdout.startswith("usage: build.py check ")
    assert "--update-manifest" in options(check.stdout)
    assert not {"--port", "--host", "--open"} & options(check.stdout)

    build = run_build("build", "--help")
    assert build.returncode == 0 and build.stdout.startswith("usage: build.py build ")
    assert not {"--port", "--update-manifest"} & options(build.stdout)

    # The global help still lists every command and option (the README's list).
    whole = run_build("--help")
    assert "{build,check,serve,import}" in whole.stdout
    assert {"--port", "--update-manifest"} <= options(whole.stdout)


def test_serve_rejects_an_option_of_another_command():
    result = run_build("serve", "--update-manifest")
    assert result.returncode == 2
    assert "unrecognized arguments: --update-manifest" in result.stderr


def test_check_passes_on_a_site_built_without_search(tmp_path):
    out = tmp_path / "site"
    assert run_build("--no-search", "--out", str(out)).returncode == 0
    assert not (out / "offline.zip").exists()
    result = run_build("check", "--out", str(out))  # as the README has it: no --no-search here
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("check passed")
    notes = [line for line in result.stderr.splitlines() if "offline.zip" in line]
    assert notes == [f"note: {out}/ has no offline.zip (a build with --no-search): the offline copy was not checked"]


def test_check_still_fails_when_a_full_builds_offline_copy_is_gone(tmp_path):
    out = tmp_path / "site"
    assert run_build("--out", str(out)).returncode == 0
    (out / "offline.zip").unlink()
    result = run_build("check", "--out", str(out))
    assert result.returncode == 1
    assert re.search(r"^index\.html:\d+: link to missing file 'offline\.zip'$", result.stderr, re.M), result.stderr


def test_check_says_once_that_it_could_not_prove_the_text(tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(ROOT / "content", tree)
    for doc in ("yrd-decision", "digital-trade-plan"):
        meta = tree / doc / "_document.md"
        text = meta.read_text(encoding="utf-8")
        meta.write_text(text.replace("../shared/seed/000_729dac52d8340b0c.txt", "gone/source.txt"), encoding="utf-8")
    out = tmp_path / "site"
    args = ("--content", str(tree), "--out", str(out), "--no-search")
    assert run_build(*args).returncode == 0
    result = run_build("check", *args)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "not proved" in line]
    assert notes == [
        "note: source gone/source.txt not found (looked beside the content folder and the repository): "
        "the text of yrd-decision, digital-trade-plan was not proved against it"
    ]
    assert "proved against the source" not in result.stdout

    # With the source where it belongs, the proof is made and nothing is said about it.
    real = run_build("check", "--content", str(ROOT / "content"), "--out", str(out), "--no-search")
    assert "not proved" not in real.stderr
