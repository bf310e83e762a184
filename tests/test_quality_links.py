"""Gate: every internal link and anchor resolves, on disk and over HTTP (docs/architecture.md#quality-bars).

On disk: sitegen.linkcheck.broken_links over every built file. Over HTTP: a small
crawler of the tests' own (not sitegen's checker) follows the served site's every page,
stylesheet, script and image, and checks each #fragment. (It replaced npm's linkinator,
whose releases with fragment checking need Node.js 20, newer than Debian 12's.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

from sitegen import linkcheck


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


class _Links(HTMLParser):
    """The ids of one page and what it links to or loads (href and src), with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) is not None and tag not in ("base", "meta"):
                self.links.append(a[key])


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def crawl(start: list[str]) -> tuple[dict[str, int], dict[str, set[str]], list[tuple[str, str]]]:
    """Fetch every same-origin page, stylesheet, script and image reachable from `start`, as a
    browser's requests would (independently of sitegen): status by URL, the ids of each page,
    and every (page, link with #fragment) to check."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start[0]))
    status: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str]] = []
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in status:
            continue
        try:
            with urlopen(url, timeout=20) as response:
                status[url], body, kind = response.status, response.read(), response.headers.get_content_type()
        except HTTPError as exc:
            status[url] = exc.code
            continue
        found: list[str] = []
        if kind == "text/html":
            scan = _Links()
            scan.feed(body.decode("utf-8"))
            ids[url], found = scan.ids, scan.links
        elif kind == "text/css":
            found = CSS_URL.findall(body.decode("utf-8"))
        for link in found:
            target = urljoin(url, link)
            if not target.startswith(origin + "/"):
                continue  # canonical, og:url and other published addresses: not this server's
            page, _, fragment = target.partition("#")
            if fragment and page.endswith(".html"):
                fragments.append((url, target))
            queue.append(page)
    return status, ids, fragments


def test_the_served_site_has_no_broken_link_over_http(site_dir, site_url):
    """A crawler of its own (not sitegen's checker) follows every link from the home page and
    the 404 page (nothing links to it) over HTTP: every page, stylesheet, script and image
    answers 200, every #fragment is an id on its page, and every page is reached."""
    status, ids, fragments = crawl([site_url, site_url + "404.html"])
    broken = sorted(url for url, code in status.items() if code != 200 and url != site_url + "404.html")
    assert not broken, f"{len(broken)} link(s) not answered 200: {broken[:50]}"
    missing = sorted(
        f"{page} → {target}"
        for page, target in fragments
        if unquote(target.partition("#")[2]) not in ids[target.partition("#")[0]]
    )
    assert not missing, f"{len(missing)} link(s) to a missing anchor:\n" + "\n".join(missing[:50])
    assert len(fragments) > 500, "the crawl checked almost no anchors: did it follow the links?"
    reached = {unquote(urlsplit(url).path).lstrip("/") for url in status}
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
    assert not unreached, f"the crawl did not reach {len(unreached)} page(s): {unreached[:20]}"


def test_the_crawler_finds_a_broken_link_and_a_missing_anchor(tmp_path):
    """The crawler itself works: a missing file, a missing anchor and a missing stylesheet image are found."""
    from conftest import served

    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="s.css"><a href="a.html#here">a</a><a href="a.html#gone">x</a>'
        '<a href="missing.html">m</a><a href="https://example.org/#x">ext</a>',
        encoding="utf-8",
    )
    (tmp_path / "a.html").write_text('<p id="here">a</p>', encoding="utf-8")
    (tmp_path / "s.css").write_text("body { background: url(img/none.png) }", encoding="utf-8")
    with served(tmp_path) as url:
        status, ids, fragments = crawl([url])
    assert status[url + "missing.html"] == 404 and status[url + "img/none.png"] == 404
    assert status[url + "a.html"] == 200 and ids[url + "a.html"] == {"here"}
    assert sorted(t for _, t in fragments) == [url + "a.html#gone", url + "a.html#here"]
    assert not any("example.org" in u for u in status)
