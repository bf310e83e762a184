#!/usr/bin/env python3
"""Benchmark: the national corpus (../shared/corpus/, 1,504 texts) imported, built and checked whole.

One command, as an editor would run them:

    python build.py import txt/*.txt --content C --site S   every text at once
    python build.py --content C --site S --no-search       the whole site
    python build.py check --content C --site S             links, anchors, the text against its source

and then, per document, what a reader would lose if the import were wrong:

* 条 published vs 条 in the source: each 条's label (第X条 or 第X条之N, and a space, as the
  corpus writes them) where a line of the source starts, or after a sentence and a space where
  a text runs its 条 together on one line, against the 条 labelled 第X条 that the document's
  JSON download lists, label by label, in order;
* characters of the source missing from the published .txt: the source's text (whitespace,
  zero-width characters, the markup the import leaves out and a table's bars removed; §4's
  full-width punctuation applied) aligned with the .txt download; every source character
  the .txt does not have, in order, is lost.

Prints the figures and the reasons of every document refused, not built or not passing
check. Not a test (bench/README.md). Times are wall seconds of one run on this machine.

    python bench/corpus.py [--corpus TARBALL] [--keep DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

from machine import machine_load, python_env

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "national-laws.tar.xz"
sys.path.insert(0, str(ROOT))

from sitegen.fidelity import TABLE_ROW, TABLE_RULE, ZERO_WIDTH, full_width  # noqa: E402

# A 条's label where a line starts, or after a sentence and a space (texts that run 条 together on one line)
ARTICLE = re.compile(
    r"(?:^|(?<=[。；：])[ \u3000]+)[第笫]\s*([一二三四五六七八九十百千零〇]+)\s*条(之[一二三四五六七八九十]+)?[ \u3000]",
    re.M,
)
SITE = """title: 全国法律法规
short_title: 法律法规
description: 国家法律、行政法规、司法解释和部门规章。
base_url: https://laws.example.test/
language: zh-CN
documents: []
nav: []
"""


def run(args: list[str], log: Path) -> tuple[int, float]:
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *args],
            cwd=ROOT,
            env=python_env(),
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    return proc.returncode, time.perf_counter() - started


def source_articles(text: str) -> list[str]:
    """The 条 labels where lines of the source start, in order: 第一条 … 第一百三十三条之一."""
    return ["".join(m.group(0).split()) for m in ARTICLE.finditer(text.replace("\u200b", ""))]


def source_chars(text: str, omitted: set[int]) -> list[str]:
    """The source's text as lines of characters, as the proof compares them (sitegen/fidelity.py)."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if n in omitted:
            continue
        line = full_width(line.translate(ZERO_WIDTH))
        if TABLE_ROW.match(line):
            line = "" if TABLE_RULE.match(line) else line.replace("|", "")
        line = "".join(line.split())
        if line:
            out.append(line)
    return out


def missing(src: list[str], published: list[str]) -> int:
    """Characters of `src` that `published` does not have, in order: lines aligned first, then
    the characters of the lines that differ."""
    lost = 0
    lines = difflib.SequenceMatcher(None, src, published, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        a, b = "".join(src[i1:i2]), "".join(published[j1:j2])
        if a:
            chars = difflib.SequenceMatcher(None, a, b, autojunk=False)
            lost += len(a) - sum(block.size for block in chars.get_matching_blocks())
    return lost


def omitted_lines(doc_file: Path) -> set[int]:
    """The source lines the import left out and recorded (`source.omitted`), which the proof accepts."""
    text = doc_file.read_text(encoding="utf-8")
    out: set[int] = set()
    m = re.search(r"^  omitted:\n((?:  - .*\n)+)", text, re.M)
    for item in m.group(1).split("\n") if m else []:
        value = item.strip().removeprefix("- ").strip("'\"")
        if "-" in value:
            a, b = value.split("-")
            out.update(range(int(a), int(b) + 1))
        elif value.isdigit():
            out.add(int(value))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--limit", type=int, help="only the first N texts (a quick look)")
    args = parser.parse_args()
    print(f"corpus benchmark: {args.corpus.name}; {machine_load()}")
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with tarfile.open(args.corpus) as tar:
            tar.extractall(work / "src", filter="data")
        sources = sorted((work / "src" / "txt").glob("*.txt"))[: args.limit]
        content, site, out = work / "content", work / "site.yaml", work / "_site"
        content.mkdir(exist_ok=True)
        (content / "topics.yaml").write_text("- {slug: falv, name: 法律, description: 法律。}\n", encoding="utf-8")
        site.write_text(SITE, encoding="utf-8")

        code, took = run(
            ["import", *map(str, sources), "--content", str(content), "--site", str(site), "--force"],
            work / "import.log",
        )
        log = (work / "import.log").read_text(encoding="utf-8")
        refused = [
            ln for ln in log.splitlines() if re.search(r"\.txt:\d+: (no title|no text|not valid UTF-8|cannot read)", ln)
        ]
        duplicates = [ln for ln in log.splitlines() if "the same text as" in ln]
        folders = [p for p in content.iterdir() if (p / "_document.md").is_file()]
        print(
            f"\nimport: {len(sources)} texts in {took:.1f} s → {len(folders)} documents "
            f"({len(duplicates)} duplicate texts imported once, {len(refused)} refused)"
        )
        for line in refused:
            print(f"  refused: {line}")

        code, build_took = run(
            ["--content", str(content), "--site", str(site), "--out", str(out), "--no-search"], work / "build.log"
        )
        errors = [
            ln
            for ln in (work / "build.log").read_text(encoding="utf-8").splitlines()
            if re.match(r"^\S+:\d+: (?!warning)", ln)
        ]
        failing = {Path(ln.split(":")[0]).relative_to(content).parts[0] for ln in errors if ln.startswith(str(content))}
        if failing:  # build the others, so that the figures below cover every document that builds
            for slug in failing:
                text = site.read_text(encoding="utf-8")
                site.write_text(text.replace(f"  - {slug}\n", ""), encoding="utf-8")
            code, build_took = run(
                ["--content", str(content), "--site", str(site), "--out", str(out), "--no-search"], work / "build.log"
            )
        built = [p for p in folders if p.name not in failing] if code == 0 else []
        warnings = sum(1 for ln in (work / "build.log").read_text(encoding="utf-8").splitlines() if ": warning: " in ln)
        print(f"build: {len(built)} of {len(folders)} documents built in {build_took:.1f} s ({warnings} warnings)")
        for line in errors[:20]:
            print(f"  not built: {line}")

        code, check_took = run(
            ["check", "--content", str(content), "--site", str(site), "--out", str(out), "--no-search"],
            work / "check.log",
        )
        problems = [
            ln
            for ln in (work / "check.log").read_text(encoding="utf-8").splitlines()
            if re.match(r"^\S+:\d+: (?!warning)", ln) or "missing from the built site" in ln or "broken" in ln
        ]
        by_doc: Counter[str] = Counter()
        slugs = {p.name for p in built}
        for ln in problems:  # a proof's problem names its document; a link's, its page
            m = re.search(r"\.txt:\d+: ([a-z0-9-]+): ", ln) or re.match(r"^([a-z0-9-]+)/", ln)
            by_doc[m.group(1) if m and m.group(1) in slugs else "?"] += 1
        passed = [p for p in built if p.name not in by_doc] if "?" not in by_doc else []
        print(f"check: {len(passed)} of {len(built)} documents pass in {check_took:.1f} s ({len(problems)} problems)")
        for line in problems[:20]:
            print(f"  check: {line}")

        in_source = published = exact = lost = 0
        worst: list[tuple[int, str]] = []
        label_misses: list[str] = []
        for folder in built:
            data = json.loads((out / folder.name / f"{folder.name}.json").read_text(encoding="utf-8"))
            src_file = (content / folder.name / "_document.md").read_text(encoding="utf-8")
            path = re.search(r"^  file: (.*)$", src_file, re.M)
            source = (content / path.group(1).strip("'\"")).resolve() if path else None  # as fidelity.find_source
            if source is None or not source.is_file():
                continue
            text = source.read_text(encoding="utf-8")
            want = source_articles(text)
            got = [  # 条 labelled 第X条 (a text numbered 一、 has none)
                "".join(p["label"].split())
                for p in data["provisions"]
                if p["kind"] == "article" and p["label"][:1] in "第笫"
            ]
            in_source += len(want)
            published += len(got)
            exact += sum(1 for a, b in zip(want, got, strict=False) if a == b) if len(want) == len(got) else 0
            if want != got and len(label_misses) < 10:
                first = next(
                    (f"{a} ≠ {b}" for a, b in zip(want, got, strict=False) if a != b), f"{len(want)} vs {len(got)}"
                )
                label_misses.append(f"{folder.name}: {first}")
            txt = (out / folder.name / f"{folder.name}.txt").read_text(encoding="utf-8")
            published_lines = ["".join(ln.split()) for ln in txt.translate(ZERO_WIDTH).split("\n") if ln.strip()]
            n = missing(source_chars(text, omitted_lines(content / folder.name / "_document.md")), published_lines)
            lost += n
            if n:
                worst.append((n, folder.name))
        print(f"条: {published} published, {in_source} in the source; {exact} with their exact labels, in order")
        for line in label_misses:
            print(f"  label: {line}")
        print(f"characters of the source missing from the published .txt: {lost}")
        for n, name in sorted(worst, reverse=True)[:10]:
            print(f"  {n} characters: {name}")
        share = len(passed) / len(sources) if sources else 0
        print(f"\nimported, built and passing check: {len(passed)} of {len(sources)} texts ({share:.1%})")


if __name__ == "__main__":
    main()
