"""Search (issues 5 and 14): Ctrl-F semantics on the web and from disk (file://).

The expected results are computed here, from content/ directly (not through
sitegen): a provision matches when every space-separated term of the query
occurs in one of its paragraphs, compared without case and width differences
(NFKC, lower case). Every query runs in headless Chromium against the local
server (the real site, whose web search reads search-index.js whole), against the
same content built with Pagefind (`pf_url`, as a large site's web search works) and
against file:// (the script index); all must return exactly the expected provisions
(recall and precision 100 %). tests/test_search_robust.py: failures, history,
traditional characters, pinyin and English.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from search_cases import (
    GLOSSARY,
    NONE_EXPECTED,
    PROVISIONS,
    QUERIES,
    expected,  # noqa: F401
    expected_terms,
    fold,
    occurrences_in,
    terms_of,
)


# --- driving the search page ---------------------------------------------------------------
# What a reader sees: the list is no longer busy, and the status line names the query
# (包含“飞地”的条文… / 同时包含“数字”“人才”的条文…).

DONE = """named => { const status = document.getElementById('search-status').textContent;
  return document.getElementById('search-results').getAttribute('aria-busy') === 'false'
    && (named ? status.includes(named) : !status); }"""


def normal(q: str) -> str:
    return " ".join(q.split())


def quoted(q: str) -> str:
    """How the status line names a query: each distinct term in “” as typed, a long one shortened
    to its first 10 characters and “…” (none: the status is empty)."""
    seen, shown = set(), []
    for t in q.split():
        if fold(t) not in seen:
            seen.add(fold(t))
            shown.append(t if len(t) <= 16 else t[:10] + "…")
    return "".join(f"“{t}”" for t in shown)


def wait_done(page, q: str) -> None:
    try:
        page.wait_for_function(DONE, arg=quoted(q), timeout=15_000)
    except PlaywrightTimeout:  # say what the page shows instead
        busy = page.get_attribute("#search-results", "aria-busy")
        pytest.fail(
            f"no results for {q!r} within 15 s: aria-busy={busy!r}, status {page.text_content('#search-status')!r}",
            pytrace=False,
        )


def requested(page) -> list[str]:
    """Every URL the page has requested since this was first called for it (call it before goto)."""
    if not hasattr(page, "requested"):
        page.requested = []
        page.on("request", lambda r: page.requested.append(r.url))
    return page.requested


def backend(page) -> str:
    """Which index answered, as the network shows it: Pagefind's files, or the script index."""
    urls = requested(page)
    pagefind = [u for u in urls if re.search(r"/pagefind/.*\.pf_(meta|index|fragment)$", u)]
    offline = [u for u in urls if u.endswith("/search-index.js")]
    assert bool(pagefind) != bool(offline), f"Pagefind {pagefind[:3]}, script index {offline}"
    return "pagefind" if pagefind else "offline"


def base_of(mode: str, site_dir: Path, site_url: str) -> str:
    return site_url if mode == "http" else site_dir.as_uri() + "/"


def open_search(page, base: str, q: str, doc: str = "") -> None:
    url = base + "search.html?q=" + quote(q) + (f"&doc={doc}" if doc else "")
    page.goto(url)
    wait_done(page, q)


def show_all(page) -> None:
    more = page.locator("button[data-action=more]")
    while more.count():
        more.click()
    assert not page.locator("button[data-action=more]").count()


def results(page) -> list[dict]:
    """Each <li>: its first link (split into page, hl and anchor) and its text."""
    items = page.eval_on_selector_all(
        "#search-results > li",
        """els => els.map(li => ({
        href: li.querySelector('a').getAttribute('href'), text: li.textContent,
        marks: [...li.querySelectorAll('mark')].map(m => m.textContent)}))""",
    )
    for item in items:
        parts = urlsplit(item["href"])
        item.update(page=parts.path, anchor=parts.fragment, hl=parse_qs(parts.query).get("hl", [""])[0])
    return items


def test_the_expected_sets_are_meaningful():
    for q in QUERIES:
        assert bool(expected(q)) == (q not in NONE_EXPECTED), q
    assert "yrd-decision/8.html" in expected("创飞")  # 科创飞地: across a word boundary
    assert len(expected("长三角", "yrd-decision")) == 16  # the issue counts 16
    assert expected("Chinagoods") == expected("goods") == expected("chinaGOODS")
    assert expected("协同发展，") == expected("协同发展,")


@pytest.mark.parametrize("mode", ["http", "file", "pagefind"])
@pytest.mark.parametrize("query", QUERIES)
def test_query_finds_exactly_the_provisions_that_contain_it(page, site_dir, site_url, pf_url, mode, query):
    requested(page)
    open_search(page, pf_url if mode == "pagefind" else base_of(mode, site_dir, site_url), query)
    if mode == "pagefind" and not any(c.isalnum() for c in query):
        # Nothing in it narrows Pagefind's index: the page says so rather than fetch all of it.
        assert "文字或数字" in page.text_content("#search-status")
        assert page.locator("#search-results > li").count() == 0
        assert not [u for u in requested(page) if "/fragment/" in u or u.endswith("search-index.js")]
        return
    assert backend(page) == ("pagefind" if mode == "pagefind" else "offline")
    show_all(page)
    items = results(page)
    found_terms = [i for i in items if i["page"] == "glossary/index.html"]
    provisions = [i for i in items if i["page"] != "glossary/index.html"]
    assert items[: len(found_terms)] == found_terms, "glossary terms come first"
    assert {i["anchor"] for i in found_terms} == expected_terms(query)
    want = expected(query)
    got = {i["page"]: i["anchor"] for i in provisions}
    assert len(got) == len(provisions), "a provision is listed once"
    missing, extra = set(want) - set(got), set(got) - set(want)
    assert not missing and not extra, f"missing {sorted(missing)}, not containing {query!r}: {sorted(extra)}"
    assert got == want, "each result links to its first best-matching paragraph"
    assert [i["page"] for i in provisions] == [p for p in PROVISIONS if p in want], "document order"
    for item in provisions:
        assert item["hl"] == normal(query)
        assert all(any(t in fold(m) or fold(m) in t for t in terms_of(query)) for m in item["marks"])
    status = page.text_content("#search-status")
    assert (f"共 {len(want)} 条" in status) if want else ("没有找到" in status)


def test_web_and_disk_show_the_same_results(browser, site_dir, site_url, pf_url):
    for q in ("长三角", "数字 人才", "创飞", "元宇宙", "數字貿易", "jiebang"):
        html = []
        for base in (site_url, pf_url, site_dir.as_uri() + "/"):
            context = browser.new_context()
            pg = context.new_page()
            open_search(pg, base, q)
            show_all(pg)
            simplified = {"數字貿易": "数字贸易"}.get(q, q)
            assert pg.locator("#search-results > li:not(.result-term)").count() == len(expected(simplified)), (q, base)
            html.append(pg.inner_html("#search-results") + pg.text_content("#search-status"))
            context.close()
        assert html[0] == html[1] == html[2], q


@pytest.mark.parametrize("mode", ["http", "file"])
def test_every_match_is_highlighted_and_the_link_lands_on_it(page, site_dir, site_url, mode):
    base = base_of(mode, site_dir, site_url)
    urls = requested(page)
    open_search(page, base, "飞地")
    first = page.locator("#search-results > li:not(.result-term)").first
    snippet = first.locator(".snip").first
    text = snippet.text_content()
    marks = snippet.locator("mark").all_text_contents()
    assert marks and all(m == "飞地" for m in marks)
    assert len(marks) == occurrences_in(text, ["飞地"]), "every match in the excerpt is marked"
    link = first.locator("a").first
    href = link.get_attribute("href")
    assert urlsplit(href).path == "yrd-decision/8.html" and urlsplit(href).fragment == "art-8-p2", href
    del urls[:]
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#art-8-p2") and "hl=" in page.url
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == "art-8-p2"
    page.wait_for_selector("#art-8-p2 mark.hl", timeout=5_000)  # site.js loads search-text.js and search-hl.js
    assert [u.rsplit("/", 1)[-1] for u in urls if "/static/search" in u] == ["search-text.js", "search-hl.js"]
    # Every paragraph of the page: each match of the term marked, nothing else.
    paras = page.eval_on_selector_all(
        "main .para",
        """ps => ps.map(p => { const c = p.cloneNode(true);
        c.querySelectorAll('.permalink, .para-tools').forEach(e => e.remove());
        return {id: p.id, text: c.textContent, marks: [...p.querySelectorAll('mark.hl')].map(m => m.textContent)}; })""",
    )
    for p in paras:
        assert all(m == "飞地" for m in p["marks"]) and len(p["marks"]) == occurrences_in(p["text"], ["飞地"]), p


def test_a_match_split_by_a_glossary_link_is_highlighted_on_arrival(page, site_url):
    """On the provision page a term is a link; a query across its edges is still marked, in pieces."""
    page.goto(site_url + "yrd-decision/8.html?hl=" + quote("深化职务 赋权改革，建立") + "#art-8-p2")
    page.wait_for_selector("#art-8-p2 mark.hl", timeout=5_000)  # site.js loads search-hl.js for ?hl=
    marks = page.locator("#art-8-p2 mark.hl").all_text_contents()
    assert marks == ["深化", "职务", "赋权改革", "，建立"]
    assert page.locator("#art-8-p2 a.term mark.hl").count() == 2
    assert not page.locator(".permalink mark").count()


def test_glossary_terms_come_first_as_their_own_results(page, site_url):
    open_search(page, site_url, "科创飞地")
    first = page.locator("#search-results > li").first
    assert "result-term" in first.get_attribute("class")
    assert first.locator("a").first.get_attribute("href") == "glossary/index.html#kechuang-feidi"
    assert first.locator("a[href='glossary/kechuang-feidi.html']").count() == 1
    assert first.locator("mark").first.text_content() == "科创飞地"
    open_search(page, site_url, "DEPA")  # found through an alias
    assert results(page)[0]["anchor"] == "shuzi-jingji-huoban-guanxi-xieding"


@pytest.mark.parametrize("mode", ["http", "file"])
def test_the_document_filter(page, site_dir, site_url, mode):
    base = base_of(mode, site_dir, site_url)
    open_search(page, base, "长三角", doc="digital-trade-plan")
    assert page.is_checked("input[name=doc][value=digital-trade-plan]")
    show_all(page)
    pages = [i["page"] for i in results(page) if i["page"] != "glossary/index.html"]
    assert pages == list(expected("长三角", "digital-trade-plan"))
    assert "在《方案》中" in page.text_content("#search-status")
    page.check("input[name=doc][value=yrd-decision]")
    wait_done(page, "长三角")
    assert "在《决定》中" in page.text_content("#search-status")
    assert "doc=yrd-decision" in page.url
    show_all(page)
    pages = [i["page"] for i in results(page) if i["page"] != "glossary/index.html"]
    assert pages == list(expected("长三角", "yrd-decision"))
    page.check("input[name=doc][value='']")
    wait_done(page, "长三角")
    assert "doc=" not in page.url and "中，" not in page.text_content("#search-status")


@pytest.mark.parametrize("mode", ["http", "file"])
def test_the_query_lives_in_the_address(page, site_dir, site_url, mode):
    base = base_of(mode, site_dir, site_url)
    open_search(page, base, "知识产权", doc="yrd-decision")
    assert page.input_value("#q") == "知识产权"
    assert page.is_checked("input[name=doc][value=yrd-decision]")
    assert {i["page"] for i in results(page) if i["page"] != "glossary/index.html"} == set(
        expected("知识产权", "yrd-decision")
    )
    # A new search typed in the box: the address follows, and Back returns to the first one.
    page.fill("#q", "")
    page.locator("#q").type("科创飞地")
    page.press("#q", "Enter")
    wait_done(page, "科创飞地")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["科创飞地"], "doc": ["yrd-decision"]}
    page.go_back()
    wait_done(page, "知识产权")
    assert page.input_value("#q") == "知识产权"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["知识产权"]
    page.go_forward()
    wait_done(page, "科创飞地")
    assert page.input_value("#q") == "科创飞地"


def test_typing_keeps_one_history_entry_per_search(page, site_url):
    page.goto(site_url + "search.html")
    length = page.evaluate("history.length")
    page.locator("#q").type("长三角协同", delay=60)
    wait_done(page, "长三角协同")
    assert page.evaluate("history.length") == length + 1
    page.go_back()
    page.wait_for_function("() => document.getElementById('q').value === ''")
    assert "q=" not in page.url


def test_the_empty_state_helps(page, site_url):
    open_search(page, site_url, "元宇宙")
    assert page.locator("#search-results > li").count() == 0
    assert "没有找到包含“元宇宙”的条文" in page.text_content("#search-status")
    help_ = page.locator("#search-help")
    assert help_.is_visible()
    assert help_.locator("a[href='glossary/index.html']").count() == 1
    assert "较短的检索词" in help_.text_content()
    # A term and a filter: the other document has results, and the glossary has a related term.
    open_search(page, site_url, "飞地", doc="digital-trade-plan")
    assert "在全部文件中有 1 条结果" in page.text_content("#search-help")
    assert page.locator("#search-help a[href='glossary/kechuang-feidi.html']").count() == 1
    page.click("#search-help button")
    wait_done(page, "飞地")
    assert page.is_checked("input[name=doc][value='']") and page.locator("#search-results > li").count() == 2
    # Shorter strings that do occur are offered.
    open_search(page, site_url, "科创飞地城")
    offered = page.locator("#search-help a[href^='search.html?q=']").all_text_contents()
    assert offered == ["科创飞地"]


def test_results_come_in_pages_with_a_more_button(page, site_url):
    open_search(page, site_url, "的")
    want = expected("的")
    assert len(want) > 20
    assert page.locator("#search-results > li").count() == 20
    more = page.locator("button[data-action=more]")
    assert more.is_visible()
    more.click()
    assert page.locator("#search-results > li").count() == len(want)
    assert not page.locator("button[data-action=more]").count()
    focused = page.evaluate(
        "document.activeElement.closest('li') && [...document.querySelectorAll('#search-results > li')].indexOf(document.activeElement.closest('li'))"
    )
    assert focused == 20, "focus moves to the first new result"


def test_aria_busy_while_searching_and_results_announced(page, site_url):
    page.add_init_script("""window.__busy = [];
      new MutationObserver(ms => ms.forEach(m => window.__busy.push(m.target.getAttribute('aria-busy'))))
        .observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-busy']});""")
    page.goto(site_url + "search.html")
    page.locator("#q").type("知识产权")
    wait_done(page, "知识产权")
    busy = page.evaluate("window.__busy")
    assert "true" in busy and busy[-1] == "false"
    assert page.get_attribute("#search-status", "role") == "status"
    assert f"共 {len(expected('知识产权'))} 条" in page.text_content("#search-status")
    # A query changed while results are shown marks the list busy at once.
    page.evaluate("window.__busy = []")
    page.locator("#q").press("End")
    page.keyboard.type("保护")
    assert page.evaluate("window.__busy")[0] == "true"
    wait_done(page, "知识产权保护")


def test_slash_focuses_the_search_box(page, site_url):
    page.goto(site_url + "search.html")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_search_code_loads_only_when_needed(page, site_url):
    urls = requested(page)
    page.goto(site_url + "yrd-decision/7.html")
    page.wait_for_load_state("networkidle")
    assert not [u for u in urls if "search" in u.rsplit("/", 1)[-1] or "/pagefind/" in u]
    # The header box is a plain form: it goes to search.html?q=…
    page.fill("#q-header", "长三角")
    with page.expect_navigation():
        page.press("#q-header", "Enter")
    assert "search.html?q=" in page.url
    wait_done(page, "长三角")
    urls.clear()
    page.goto(site_url + "search.html")
    page.wait_for_load_state("networkidle")

    def loaded():
        return [u[len(site_url) :] for u in urls if u.endswith((".js", ".json")) or "/pagefind/" in u]

    assert sorted(loaded()) == ["static/search.js", "static/site.js"], "nothing before the reader turns to the box"
    with page.expect_request(site_url + "search-index.js"):
        page.focus("#q")
    page.wait_for_load_state("networkidle")
    assert loaded()[2:] == ["static/search-text.js", "static/search-ui.js", "search-index.js"]


def test_with_pagefind_the_glossary_and_the_table_come_apart(page, pf_url):
    urls = requested(page)
    page.goto(pf_url + "search.html")
    page.wait_for_load_state("networkidle")
    del urls[:]
    with page.expect_request(pf_url + "pagefind/pagefind.js"):
        page.focus("#q")
    page.wait_for_load_state("networkidle")
    got = [u[len(pf_url) :] for u in urls]
    assert got[:2] == ["static/search-text.js", "static/search-ui.js"]
    assert {"search-terms.json", "pagefind/pagefind.js"} <= set(got) and "search-index.js" not in got


def test_searching_is_clean_under_the_csp(page, site_url):
    page.add_init_script("""window.__csp = [];
      document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page.goto(site_url + "search.html")
    for q in ("长三角", "元宇宙", "数字 人才", "的"):
        page.fill("#q", q)
        wait_done(page, q)
    page.click("button[data-action=more]")
    page.check("input[name=doc][value=yrd-decision]")
    wait_done(page, "的")
    page.locator("#search-results a").first.click()
    page.wait_for_load_state("networkidle")
    assert not page.problems, page.problems
    assert not page.evaluate("window.__csp"), page.evaluate("window.__csp")


def test_searching_from_disk_has_no_console_errors(page, site_dir):
    page.goto(site_dir.as_uri() + "/search.html")
    for q in ("长三角", "元宇宙", "G60"):
        page.fill("#q", q)
        wait_done(page, q)
    page.press("#q", "Enter")
    wait_done(page, "G60")
    assert not page.problems, page.problems


def test_pagefind_ands_words_and_matches_single_characters(page, pf_url):
    """What the design relies on, measured: Pagefind returns every record holding all the words."""
    page.goto(pf_url + "search.html")
    got = page.evaluate("""async () => {
      const pf = await import('./pagefind/pagefind.js');
      await pf.options({noWorker: true});
      const out = {};
      for (const w of ['飞', '飞 地', '数 字 人 才', 'g 6 0', '质 量']) {
        const r = await pf.search(w);
        const data = await Promise.all(r.results.map(x => x.data()));
        const reveal = s => String.fromCodePoint(...[...s].map(c => c.codePointAt(0) - 0xF0000));
        out[w] = data.filter(x => x.meta.u).map(x => reveal(x.meta.u));
      }
      return out;
    }""")
    for words, found in got.items():
        chars = [fold(c) for c in words.split()]

        def holds(p, chars=chars):
            return all(any(c in fold(x) for x in PROVISIONS[p][1]) for c in chars)

        want = {p for p in PROVISIONS if holds(p)}
        assert set(found) == want, f"Pagefind's answer for {words!r}"
        assert len(found) == len(set(found))


def test_only_provisions_and_terms_are_indexed(site_dir, pf_dir):
    import json

    index = (site_dir / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("=") + 1 :].rstrip().rstrip(";"))
    records = [r["meta"] for r in data["records"]]
    assert sorted(m["u"] for m in records if "u" in m) == sorted(PROVISIONS)
    assert sorted(m["s"] for m in records if "s" in m) == sorted(GLOSSARY)
    assert len(data["fold"]) % 2 == 0 and "數数" in data["fold"]
    # A small site: the web reads search-index.js, and the build makes no Pagefind bundle.
    assert not (site_dir / "pagefind").exists() and not (site_dir / "search-terms.json").exists()
    # With Pagefind: a record per provision; the glossary and the table in search-terms.json.
    assert len(list((pf_dir / "pagefind" / "fragment").iterdir())) == len(PROVISIONS)
    terms = json.loads((pf_dir / "search-terms.json").read_text(encoding="utf-8"))
    assert terms["fold"] == data["fold"] and [r["meta"] for r in terms["records"]] == [m for m in records if "s" in m]
    bundle = {p.name for p in (pf_dir / "pagefind").iterdir()}
    assert not [n for n in bundle if "-ui" in n or "highlight" in n], "no Pagefind UI bundle is shipped"
    # What a record carries is the provision's own text, nothing of the page around it.
    rec = next(m for m in records if m.get("u") == "yrd-decision/7.html")
    assert rec["p"].split("\n") == PROVISIONS["yrd-decision/7.html"][1]


def test_folding_and_content_encoding():
    from sitegen import search_records as search  # tests/unit/test_search_fold.py: the same folding in JS

    assert search.fold("ＡＢｃ，Ｇ６０") == "abc,g60"
    assert search.fold("科创飞地") == "科创飞地"
    assert len(search.fold("ﬁ")) == 1  # would become two characters: left alone
    assert search.characters(["科创 G60，", "创二"]) == "科 创 g 6 0 二"
    assert search.characters(["Ｇ６０"]) == "g 6 0"
    # Hidden meta: nothing in it is a letter or a digit (Pagefind indexes none of it), and
    # no two characters become one, so the browser can shift it back.
    text = "".join(chr(c) for c in range(0x20, 0xFFFE) if not 0xD800 <= c <= 0xDFFF)
    hidden = search.hide(text)
    assert not [c for c in hidden if unicodedata.category(c)[0] in "LN"]
    assert len(hidden) == len(set(hidden)) == len(text)
