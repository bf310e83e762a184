"""Every reader's browser (issue 18): a smoke run in Chromium, Gecko and WebKit.

Readers on iPhones (and in WeChat's in-app browser) use WebKit; many desktop readers use
Firefox. This module does what a reader does, in each engine (see tests/engines.py and
docs/testing.md), over HTTP (the local server sending the site's CSP) and from file://:
open a provision from the home page, follow a permalink, search (the same table of
queries as tests/test_search.py, from tests/search_cases.py), filter by document, open a
glossary popover by keyboard, copy a citation, and fail on any console error.

One browser per engine for the whole session (a session-scoped fixture; pytest runs
each engine's tests together), one tab, reused by every test. A missing engine is an
error, never a skip.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

import engines
from search_cases import PROVISIONS, QUERIES, expected, expected_terms

DECISION = "《浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定》"


ENGINES = ("gecko", "webkit", "chromium")
# Chromium runs the search table in tests/test_search.py (with more checks per query); here it
# runs in the two other engines. A prefix of ENGINES: pytest groups tests by the position of
# the engine's parameter, so the same browser serves both lists (one start per engine).
TABLE_ENGINES = ENGINES[:2]
STARTED: set[str] = set()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    assert request.param not in STARTED, f"{request.param} started twice: keep one browser per engine"
    STARTED.add(request.param)
    if request.param == "chromium":
        e = engines.Chromium(request.getfixturevalue("browser"))
    elif request.param == "gecko":
        e = engines.Gecko()
    else:
        e = engines.WebKit()
    yield e
    e.close()


@pytest.fixture(params=["http", "file"])
def base(request, site_dir, site_url):
    return site_url if request.param == "http" else site_dir.as_uri() + "/"


@pytest.fixture(autouse=True)
def _fresh_record(engine):
    engine.problems()  # what an earlier test left behind is its own business


def clean(engine):
    """What the reader's console shows: nothing."""
    assert engine.problems() == [], f"{engine.name}: console errors"


def at(engine, path: str) -> None:
    """Wait until the tab shows `path` (a navigation started by a click), fully loaded."""
    engine.wait(
        """(path) => decodeURIComponent(location.pathname).endsWith(path)
                   && document.readyState === "complete" """,
        path,
        what=f"the page {path}",
        show="() => location.href",
    )


# --- a reader's search -----------------------------------------------------------------


def search_done(engine, q: str) -> str:
    """As a reader knows it: the list is no longer busy and the status names the query."""
    return engine.wait(
        """(terms) => { const l = document.getElementById("search-results"),
            s = document.getElementById("search-status").textContent;
        return l.getAttribute("aria-busy") === "false" && terms.every((t) => s.includes("“" + t + "”")) && s; }""",
        q.split(),
        what=f"the results for {q!r}",
        show="() => document.getElementById('search-status').textContent",
    )


def show_all(engine) -> None:
    while engine.js("() => !!document.querySelector('button[data-action=more]')"):
        n = engine.js("() => document.querySelectorAll('#search-results > li').length")
        engine.click("button[data-action=more]")
        engine.wait("(n) => document.querySelectorAll('#search-results > li').length > n", n, what="more results")


def results(engine) -> list[dict]:
    items = engine.js("""() => [...document.querySelectorAll("#search-results > li")].map((li) => ({
        href: li.querySelector("a").getAttribute("href"), term: li.classList.contains("result-term")}))""")
    for item in items:
        parts = urlsplit(item["href"])
        item.update(page=unquote(parts.path), anchor=parts.fragment)
    return items


@pytest.mark.parametrize("engine", TABLE_ENGINES, indirect=True)
@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_the_expected_provisions(engine, base, query):
    engine.goto(base + "search.html?q=" + quote(query))
    status = search_done(engine, query)
    show_all(engine)
    items = results(engine)
    terms = [i for i in items if i["term"]]
    provisions = [i for i in items if not i["term"]]
    assert items[: len(terms)] == terms, "glossary terms come first"
    assert {i["anchor"] for i in terms} == expected_terms(query)
    want = expected(query)
    got = {i["page"]: i["anchor"] for i in provisions}
    missing, extra = set(want) - set(got), set(got) - set(want)
    assert not missing and not extra, (
        f"{engine.name}: missing {sorted(missing)}, not containing {query!r}: {sorted(extra)}"
    )
    assert got == want, "each result links to its first best-matching paragraph"
    assert [i["page"] for i in provisions] == [p for p in PROVISIONS if p in want], "document order"
    assert (f"共 {len(want)} 条" in status) if want else ("没有找到" in status)
    clean(engine)


def test_a_search_result_lands_on_its_paragraph_with_the_match_marked(engine, base):
    engine.goto(base + "search.html?q=" + quote("飞地"))
    search_done(engine, "飞地")
    engine.click("#search-results > li:not(.result-term) a")
    at(engine, "yrd-decision/8.html")
    assert engine.js("() => location.hash") == "#art-8-p2"
    assert engine.js("() => document.querySelector(':target').id") == "art-8-p2"
    marks = engine.wait(
        """() => { const m = document.querySelectorAll("#art-8-p2 mark.hl");
        return m.length && [...m].map((x) => x.textContent); }""",
        what="the match marked (search-hl.js)",
    )
    assert set(marks) == {"飞地"}
    clean(engine)


def test_the_document_filter(engine, base):
    engine.goto(base + "search.html?q=" + quote("长三角") + "&doc=digital-trade-plan")
    status = search_done(engine, "长三角")
    assert status.startswith("在《方案》中")
    assert engine.js("() => document.querySelector('input[name=doc][value=digital-trade-plan]').checked")
    show_all(engine)
    assert [i["page"] for i in results(engine) if not i["term"]] == list(expected("长三角", "digital-trade-plan"))

    for value, label in (("yrd-decision", "在《决定》中"), ("", "")):
        before = engine.js("() => document.getElementById('search-status').textContent")
        engine.click(f"input[name=doc][value='{value}']")
        engine.wait(
            "(before) => document.getElementById('search-status').textContent !== before",
            before,
            what=f"the filter {value or 'all'} to apply",
        )
        status = search_done(engine, "长三角")
        assert status.startswith(label) if label else not status.startswith("在"), status
        query = parse_qs(urlsplit(engine.url()).query)
        assert query.get("doc", [""]) == [value] if value else "doc" not in query, engine.url()
        show_all(engine)
        assert [i["page"] for i in results(engine) if not i["term"]] == list(expected("长三角", value))
    clean(engine)


# --- reading, linking, citing ------------------------------------------------------------


def test_open_a_provision_from_the_home_page(engine, base):
    for doc, page, heading in (
        ("yrd-decision", "yrd-decision/7.html", "七、"),
        ("digital-trade-plan", "digital-trade-plan/4.html", "（四）"),
    ):
        engine.goto(base + "index.html")
        assert (
            engine.js("() => document.querySelector('h1').textContent.trim()")
            == "浙江省长三角科技创新与数字贸易政策文本"
        )
        assert "Noto Sans CJK SC" in engine.js("() => getComputedStyle(document.body).fontFamily"), "site.css applies"
        engine.click(f"#doc-{doc} ~ details.toc > summary")  # the document's 目录, closed at first
        engine.wait("(doc) => document.querySelector(`#doc-${doc} ~ details.toc`).open", doc, what="the 目录 to open")
        engine.click(f"#doc-{doc} ~ details.toc a[href='{page}']")
        at(engine, page)
        assert heading in engine.js("() => document.querySelector('h1').textContent")
        # site.js ran: "/" takes the reader to the search box.
        assert (
            engine.js(
                "() => { document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true}));"
                " return document.activeElement && document.activeElement.id; }"
            )
            == "q-header"
        )
    clean(engine)


def shaded(engine, anchor: str) -> bool:
    """The paragraph is :target, shaded unlike its neighbour, and in view."""
    return engine.js(
        """(id) => { const t = document.querySelector(":target");
        if (!t || t.id !== id) return false;
        const other = t.previousElementSibling || t.nextElementSibling, r = t.getBoundingClientRect();
        return getComputedStyle(t).backgroundColor !== getComputedStyle(other).backgroundColor
            && r.top >= 0 && r.top < innerHeight; }""",
        anchor,
    )


def test_a_permalink_lands_on_its_paragraph(engine, base):
    engine.goto(base + "yrd-decision/7.html")
    engine.click("#art-7-p2 a.permalink")
    engine.wait("() => location.hash === '#art-7-p2'", what="the permalink's address")
    assert shaded(engine, "art-7-p2")
    # The same address opened afresh, as someone who was sent the link does.
    engine.goto(base + "yrd-decision/index.html#art-12-p2")
    engine.wait("() => document.readyState === 'complete'")
    assert shaded(engine, "art-12-p2")
    clean(engine)


def test_a_glossary_popover_opens_by_keyboard(engine, base):
    engine.goto(base + "yrd-decision/7.html")
    # Start from the end of the paragraph before, and Tab as a keyboard reader does.
    engine.js("() => document.querySelector('#art-7-p1 a.permalink').focus()")
    for _ in range(10):
        engine.press("Tab")
        if engine.js("() => document.activeElement.dataset.term") == "jiebang-guashuai":
            break
    else:
        pytest.fail(f"{engine.name}: Tab never reached the term 揭榜挂帅")
    text = engine.wait(
        """() => { const p = document.querySelector("[role=tooltip]");
        return p && p.getBoundingClientRect().height > 0 && p.textContent; }""",
        what="the popover",
    )
    assert "揭榜挂帅" in text and "查看术语页" in text
    assert engine.js("""() => document.activeElement.getAttribute("aria-describedby")
                         === document.querySelector("[role=tooltip]").id""")
    engine.press("Escape")
    engine.wait("() => !document.querySelector('[role=tooltip]')", what="Escape to close the popover")
    assert engine.js("() => document.activeElement.dataset.term") == "jiebang-guashuai", "focus stays on the term"
    engine.press("Enter")
    at(engine, "glossary/jiebang-guashuai.html")
    assert engine.js("() => document.querySelector('h1').textContent") == "揭榜挂帅"
    clean(engine)


# Whether "复制引用" reaches the clipboard, and through which path, per engine and mode.
# In all three engines here the asynchronous Clipboard API is allowed after a click, on
# http://127.0.0.1 (a secure context) and on file://, and pasting gives the citation. Where an
# engine refuses both it and the execCommand("copy") fallback (a page served over plain http
# from another host is not a secure context), the reader sees "复制失败，请手动复制" instead:
# mark such a case "refused" here and the test asserts that message.
COPY = {(e, m): "clipboard API" for e in ("chromium", "gecko", "webkit") for m in ("http", "file")}

SPY = """() => { window.__copied = [];
  if (navigator.clipboard) { const w = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (t) => { window.__copied.push("clipboard API"); return w(t); }; }
  const x = document.execCommand.bind(document);
  document.execCommand = (c, ...a) => { if (c === "copy") window.__copied.push("execCommand"); return x(c, ...a); }; }"""


def test_copy_a_citation(engine, base):
    mode = "http" if base.startswith("http") else "file"
    engine.goto(base + "yrd-decision/7.html#art-7-p2")
    engine.js(SPY)  # notes which path the page takes, and lets it through
    engine.click("#art-7-p2 button[data-copy=cite]")
    said = engine.wait(
        "() => document.querySelector('div.vh[role=status]').textContent", what="the copy to be announced"
    )
    how = COPY[engine.name, mode]
    if how == "refused":
        assert said == "复制失败，请手动复制"
    else:
        assert said == "已复制引用"
        assert engine.js("() => window.__copied") == [how]
        engine.click("#q-header")  # paste it somewhere, as a reader does
        engine.press("Control+v")
        pasted = engine.js("() => document.getElementById('q-header').value")
        assert pasted == DECISION + "第七条第二款 https://zj-policy.example.org/yrd-decision/7.html#art-7-p2"
    clean(engine)
