"""Gate: every internal link and anchor resolves, on disk and over HTTP (docs/architecture.md#quality-bars).

On disk: sitegen.linkcheck.broken_links over every built file. Over HTTP: npm's
`linkinator` (pinned) crawls the served site, following every page, stylesheet
and script, and checking each #fragment.
"""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import unquote, urlsplit

from sitegen import linkcheck

from quality_support import node, node_tool


def test_every_internal_link_and_anchor_resolves(site_dir):
    files = linkcheck.read_tree(site_dir)
    assert sum(name.endswith(".html") for name in files) > 100
    problems = linkcheck.broken_links(files)
    assert not problems, f"{len(problems)} broken link(s):\n" + "\n".join(problems[:50])


def test_the_own_checker_finds_broken_links_and_anchors():
    files = {
        "a/index.html": '<p id="x"><a href="b.html">b</a> <a href="#y">y</a> <a href="../c.html#x">c</a>'
        '<a href="/abs.html">abs</a> <a href="#x">ok</a> <a href="https://example.org/">ext</a>',
        "c.html": "<p id='z'>",
    }
    problems = linkcheck.broken_links(files)
    assert len(problems) == 4, problems
    assert all(p.startswith("a/index.html:1: ") for p in problems)


def test_the_served_site_passes_linkinator(site_dir, site_url):
    cli = node_tool("linkinator/build/src/cli.js")
    # Only this server's addresses: canonical and og:url point at the published host,
    # which the test machine cannot (and need not) reach. Start from the home page and
    # the 404 page (nothing links to it); more start URLs make linkinator skip some links.
    local = re.escape(site_url.rstrip("/"))
    run = subprocess.run(
        [
            node(),
            str(cli),
            site_url,
            site_url + "404.html",
            "--recurse",
            "--check-fragments",
            "--check-css",
            "--format",
            "json",
            "--skip",
            f"^(?!{local})",
            "--timeout",
            "20000",
            "--concurrency",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(run.stdout)
    except ValueError:
        raise AssertionError(
            f"linkinator gave no JSON report (exit {run.returncode}):\n{run.stderr[-3000:]}{run.stdout[-3000:]}"
        ) from None
    checked = [link for link in report["links"] if link["state"] != "SKIPPED"]
    broken = [
        f"{link.get('parent', '?')} → {link['url']} ({link.get('status')})"
        for link in checked
        if link["state"] == "BROKEN"
    ]
    assert not broken, f"linkinator: {len(broken)} broken link(s):\n" + "\n".join(broken[:50])
    reached = {unquote(urlsplit(link["url"]).path).lstrip("/") for link in checked}
    # Redirect pages at moved addresses (anchors.txt) are linked from nowhere by design;
    # test_offline follows each of them to its new page.
    moved = {
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if 'http-equiv="refresh"' in p.read_text(encoding="utf-8")
    }
    unreached = sorted(
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if p.relative_to(site_dir).as_posix() not in reached | moved
    )
    assert not unreached, f"linkinator did not reach {len(unreached)} page(s): {unreached[:20]}"
    assert report["passed"] and run.returncode == 0, run.stderr[-3000:]
