"""Search when something goes wrong, and what readers type that is not the text's exact form (issue 14).

Each defect of issue 14 has a test here that failed before its fix:

1. a failed request for search data never turns into "没有找到" (failure injection with
   Playwright's `page.route` on http: 404, a corrupt body, an aborted request, for the
   Pagefind index chunk, its wasm and fragments, and for search-index.js);
2./3. Back and Forward keep the box, the document filter and the results in agreement;
4. the "shorter strings" suggestions for a long query do bounded work;
5. a query with no letter or digit does not fetch the whole Pagefind index;
6. copying text from a page copies the text only (no ¶, no toolbar);
7. the status line is announced once results settle, follows "more", and does not read
   back long or repeated queries;
8. suggestions show the text as written.

Then traditional characters (expected sets from content/ through OpenCC's own converter,
`opencc-py`, independent of the build's table) and glossary terms by pinyin and English.

Two sites: the real one (`site_dir`, `site_url`: whatever the build chooses for it) and
the same content with Pagefind forced on (`pf_url`, tests/conftest.py), so both ways of
searching the web are covered whichever the real site uses.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from test_search import GLOSSARY, PROVISIONS, expected, expected_terms, fold, requested, results, show_all, wait_done


def provisions_found(page) -> set[str]:
    show_all(page)
    return {i["page"] for i in results(page) if i["page"] != "glossary/index.html"}


def status(page) -> str:
    return page.text_content("#search-status") or ""


# --- 1. a failed fetch is never "not found" -------------------------------------------

FAILURES = ["404", "corrupt", "abort"]


def fail_with(how: str):
    def handler(route):
        if how == "404":
            route.fulfill(status=404, body="not found", content_type="text/plain")
        elif how == "corrupt":  # a body that is neither what Pagefind wrote nor gzip nor JavaScript
            route.fulfill(status=200, body=b"\x1f\x8b\x08\x00garbage{{{" * 40, content_type="application/octet-stream")
        else:
            route.abort("internetdisconnected")

    return handler


def search_typed(page, q: str) -> None:
    page.fill("#q", q)
    page.press("#q", "Enter")
    wait_done(page, q)


def assert_true_or_failed(page, q: str) -> None:
    """Either the right answer, or a plain statement that search failed, with a retry button."""
    text = status(page)
    assert "没有找到" not in text, f"{q!r}: a failed fetch reported as not found: {text!r}"
    if "检索失败" in text:
        assert page.locator("#search-help button[data-action=retry]").is_visible()
        assert page.locator("#search-results > li").count() == 0
    else:
        assert provisions_found(page) == set(expected(q)), f"{q!r}: {text!r}"


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("part", ["index", "wasm", "fragment", "meta"])
def test_a_failed_pagefind_request_is_never_reported_as_not_found(page, pf_url, part, how):
    pattern = {
        "index": "**/pagefind/index/*",
        "wasm": "**/pagefind/wasm.*",
        "fragment": "**/pagefind/fragment/*",
        "meta": "**/pagefind/*.pf_meta",
    }[part]
    page.route(pattern, fail_with(how))
    page.goto(pf_url + "search.html?q=" + quote("长三角"))
    wait_done(page, "长三角")
    assert_true_or_failed(page, "长三角")
    for q in ("知识产权", "数字 人才", "科创飞地"):  # every later search on the page too (each has results)
        search_typed(page, q)
        assert_true_or_failed(page, q)
    page.unroute(pattern)
    retry = page.locator("#search-help button[data-action=retry]")
    if retry.count():
        retry.click()
        wait_done(page, "科创飞地")
    assert provisions_found(page) == set(expected("科创飞地"))


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("site", ["real", "pagefind"])
def test_when_no_search_data_loads_the_page_says_so_and_retries(page, site_url, pf_url, site, how):
    base = site_url if site == "real" else pf_url
    for pattern in ("**/pagefind/**", "**/search-index.js", "**/search-terms.json"):
        page.route(pattern, fail_with(how))
    page.goto(base + "search.html?q=" + quote("长三角"))
    wait_done(page, "长三角")
    assert "检索失败" in status(page) and "没有找到" not in status(page), status(page)
    search_typed(page, "元宇宙")
    assert "检索失败" in status(page) and "没有找到" not in status(page), status(page)
    retry = page.locator("#search-help button[data-action=retry]")
    assert retry.is_visible() and retry.text_content() == "重试"
    page.unroute_all()
    retry.click()
    wait_done(page, "元宇宙")
    assert "没有找到包含“元宇宙”的条文" in status(page)
    search_typed(page, "长三角")
    assert provisions_found(page) == set(expected("长三角"))


# --- 2./3. history --------------------------------------------------------------------


def radio(page) -> str:
    return page.evaluate("document.querySelector('input[name=doc]:checked').value")


def agree(page, q: str, doc: str) -> None:
    """The address, the box, the filter, the status and the list all answer (q, doc)."""
    wait_done(page, q)
    params = parse_qs(urlsplit(page.url).query)
    assert params.get("q", [""])[0] == q and params.get("doc", [""])[0] == doc, page.url
    assert page.input_value("#q") == q
    assert radio(page) == doc, f"filter shows {radio(page)!r}, address and results are for {doc!r}"
    assert ("在《方案》中" in status(page)) == (doc == "digital-trade-plan")
    assert provisions_found(page) == set(expected(q, doc))


@pytest.mark.parametrize("mode", ["http", "file"])
def test_back_and_forward_keep_query_filter_and_results_together(page, site_dir, site_url, mode):
    base = site_url if mode == "http" else site_dir.as_uri() + "/"
    page.goto(base + "search.html?q=" + quote("数字"))
    agree(page, "数字", "")
    page.check("input[name=doc][value=digital-trade-plan]")
    agree(page, "数字", "digital-trade-plan")
    search_typed(page, "人才")
    agree(page, "人才", "digital-trade-plan")
    page.go_back()
    agree(page, "数字", "digital-trade-plan")
    page.go_back()
    agree(page, "数字", "")
    search_typed(page, "长三角")  # the next query is filtered as the filter shows
    agree(page, "长三角", "")
    page.go_back()
    agree(page, "数字", "")
    page.go_forward()
    agree(page, "长三角", "")


def test_back_from_a_result_and_forward_again(page, site_url):
    page.goto(site_url + "search.html?q=" + quote("数字") + "&doc=digital-trade-plan")
    agree(page, "数字", "digital-trade-plan")
    page.locator("#search-results li:not(.result-term) a").first.click()
    page.wait_for_load_state("load")
    page.go_back()
    agree(page, "数字", "digital-trade-plan")
    page.check("input[name=doc][value='']")
    agree(page, "数字", "")
    page.go_back()
    agree(page, "数字", "digital-trade-plan")


def test_forward_into_a_search_entry_after_a_reload_shows_it(page, site_url):
    page.goto(site_url + "search.html")
    page.locator("#q").type("飞地", delay=40)
    wait_done(page, "飞地")
    page.go_back()
    page.wait_for_function("() => !location.search")
    page.reload()  # a page without ?q=: the interface is not loaded
    page.go_forward()
    agree(page, "飞地", "")


# --- 4. bounded suggestions -----------------------------------------------------------

COUNT_NORMALIZE = """window.__normalize = 0;
  const normalize = String.prototype.normalize;
  String.prototype.normalize = function (...a) { window.__normalize++; return normalize.apply(this, a); };"""


def foreign(n: int) -> str:
    """n CJK characters, none of which occurs in content/ (a pasted text with nothing in common)."""
    text = "".join(p for _, paras in PROVISIONS.values() for p in paras)
    text += "".join(f for fs in GLOSSARY.values() for f in fs)
    simplified = t2s("".join(chr(c) for c in range(0x4E00, 0x9FA5)))  # not a traditional form of the text's
    pool = [chr(c) for c in range(0x4E00, 0x9FA5) if chr(c) not in text and simplified[c - 0x4E00] == chr(c)]
    return "".join(pool[(i * 37) % len(pool)] for i in range(n))


@pytest.mark.parametrize("site", ["real", "pagefind"])
def test_a_long_pasted_query_does_bounded_work(page, site_url, pf_url, site):
    base = site_url if site == "real" else pf_url
    page.add_init_script(COUNT_NORMALIZE)
    page.goto(base + "search.html?q=" + quote("长三角"))
    wait_done(page, "长三角")
    corpus = sum(len(p) for _, paras in PROVISIONS.values() for p in paras)
    q = foreign(200)
    page.evaluate("window.__normalize = 0")
    search_typed(page, q)
    assert page.locator("#search-results > li").count() == 0
    # Folding every record once is about `corpus` calls; the old loop folded them again for
    # each of ~1,000 substrings.
    assert page.evaluate("window.__normalize") < 3 * corpus
    search_typed(page, "科创飞地城")  # suggestions still come for a short query
    assert page.locator("#search-help a[href^='search.html?q=']").all_text_contents() == ["科创飞地"]


# --- 5. no letters or digits -----------------------------------------------------------


@pytest.mark.parametrize("q", ["，", "《》", "\U0001f600"])
def test_a_query_without_letters_or_digits_does_not_fetch_the_whole_index(page, pf_url, q):
    urls = requested(page)
    page.goto(pf_url + "search.html")
    page.focus("#q")
    page.wait_for_load_state("networkidle")
    del urls[:]
    search_typed(page, q)
    fragments = [u for u in urls if "/fragment/" in u]
    assert len(fragments) < 5, f"{q!r} fetched {len(fragments)} fragments"
    assert not [u for u in urls if u.endswith("search-index.js")]
    assert "没有找到" not in status(page), "not searched, so not 'not found'"
    assert "文字或数字" in status(page)


@pytest.mark.parametrize("q", ["，", "《》", "\U0001f600"])
def test_a_query_without_letters_or_digits_is_answered_from_the_whole_index(page, site_dir, q):
    page.goto(site_dir.as_uri() + "/search.html?q=" + quote(q))
    wait_done(page, q)
    assert provisions_found(page) == set(expected(q))


# --- 6. copies hold the text only -----------------------------------------------------

SELECT = """([first, last]) => { const a = document.getElementById(first), b = document.getElementById(last);
  const r = document.createRange(); r.setStart(a, 0); r.setEndAfter(b.lastChild);
  const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }"""


def paragraph_text(page, anchor: str) -> str:
    return page.evaluate(
        """id => { const c = document.getElementById(id).cloneNode(true);
        c.querySelectorAll('.permalink, .para-tools').forEach(e => e.remove()); return c.textContent; }""",
        anchor,
    )


def test_copied_text_is_the_text_only(page, site_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page.goto(site_url + "yrd-decision/7.html")
    p1, p2 = paragraph_text(page, "art-7-p1"), paragraph_text(page, "art-7-p2")
    page.locator("#art-7-p1").click(click_count=3)  # a triple click selects the paragraph
    assert page.evaluate("getSelection().toString()").strip() == p1
    page.keyboard.press("Control+C")
    assert page.evaluate("navigator.clipboard.readText()").strip() == p1
    page.hover("#art-7-p1")  # the toolbar (复制链接 / 复制引用) is in this paragraph now
    page.locator("#art-7-p1 .para-tools").wait_for(state="attached")  # cite.js loads on the first hover
    assert page.locator("#art-7-p1 .para-tools").count() == 1
    got = page.evaluate(SELECT, ["art-7-p1", "art-7-p2"])
    assert re.sub(r"\s+", "\n", got.strip()) == p1 + "\n" + p2
    page.keyboard.press("Control+C")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "¶" not in copied and "复制" not in copied, copied
    # A heading's ¶ is not copied either.
    page.locator("h1").click(click_count=3)
    assert "¶" not in page.evaluate("getSelection().toString()")


# --- 7. what the status line announces --------------------------------------------------

WATCH_STATUS = """window.__said = [];
  new MutationObserver(() => { const t = document.getElementById('search-status').textContent;
    if (t && t !== window.__said[window.__said.length - 1]) window.__said.push(t); })
    .observe(document, {subtree: true, childList: true, characterData: true});"""


def test_the_status_is_announced_once_results_settle(page, site_url):
    page.add_init_script(WATCH_STATUS)
    page.goto(site_url + "search.html")
    page.focus("#q")  # the interface and the index load now, so each prefix could be announced
    page.wait_for_load_state("networkidle")
    page.locator("#q").type("长三角协同", delay=150)
    wait_done(page, "长三角协同")
    said = page.evaluate("window.__said")
    assert len(said) == 1 and "长三角协同" in said[0], f"announced while typing: {said}"


def test_more_updates_the_status(page, site_url):
    page.goto(site_url + "search.html?q=" + quote("的"))
    wait_done(page, "的")
    n = len(expected("的"))
    assert "先显示前 20 条" in status(page)
    page.click("button[data-action=more]")
    page.wait_for_function("() => !document.querySelector('button[data-action=more]')")
    text = status(page)
    assert "先显示前 20 条" not in text and f"共 {n} 条" in text and "已全部显示" in text, text


def test_long_and_repeated_queries_are_not_read_back_in_full(page, site_url):
    page.goto(site_url + "search.html")
    search_typed(page, "知识产权 知识产权 知识产权")
    assert status(page).count("知识产权") == 1, status(page)
    assert provisions_found(page) == set(expected("知识产权"))
    long = foreign(200)
    search_typed(page, long)
    assert len(status(page)) < 80, status(page)


# --- 8. suggestions as written -----------------------------------------------------------


@pytest.mark.parametrize("q, offered", [("创新联合体，元宇宙", "创新联合体，"), ("IP地址", "IP")])
def test_suggestions_show_the_text_as_written(page, site_url, q, offered):
    page.goto(site_url + "search.html?q=" + quote(q))
    wait_done(page, q)
    links = page.locator("#search-help a[href^='search.html?q=']")
    texts = links.all_text_contents()
    assert offered in texts, texts
    href = links.nth(texts.index(offered)).get_attribute("href")
    assert parse_qs(urlsplit(href).query)["q"] == [offered]


# --- traditional characters --------------------------------------------------------------


def t2s(text: str) -> str:
    """OpenCC's own converter (opencc-py), not the build's table."""
    import opencc

    return opencc.OpenCC("t2s").convert(text)


TRADITIONAL = [
    "數字貿易",
    "揭榜掛帥",
    "長三角",
    "知識產權",
    "科創飛地",
    "數據 跨境",
    "長江三角洲區域",
    "協同發展，",
    "人工智能",
    "國際貿易“單一窗口”",
    "產業鏈",
]


def test_the_traditional_queries_have_meaningful_expected_sets():
    for q in TRADITIONAL:
        assert t2s(q) != q or q == "人工智能", q
        assert expected(t2s(q)) or expected_terms(t2s(q)), q


@pytest.mark.parametrize("mode", ["http", "file", "pagefind"])
@pytest.mark.parametrize("q", TRADITIONAL)
def test_traditional_characters_find_what_their_simplified_forms_find(page, site_dir, site_url, pf_url, mode, q):
    base = {"http": site_url, "file": site_dir.as_uri() + "/", "pagefind": pf_url}[mode]
    page.goto(base + "search.html?q=" + quote(q))
    wait_done(page, q)
    show_all(page)
    items = results(page)
    simplified = t2s(q)
    want = expected(simplified)
    got = {i["page"]: i["anchor"] for i in items if i["page"] != "glossary/index.html"}
    assert got == want
    assert {i["anchor"] for i in items if i["page"] == "glossary/index.html"} >= expected_terms(simplified)
    terms = fold(simplified).split()
    for item in items:
        if item["page"] != "glossary/index.html":
            assert item["marks"] and all(any(t in fold(m) or fold(m) in t for t in terms) for m in item["marks"])


def test_a_traditional_query_is_marked_on_the_page_it_leads_to(page, site_url):
    page.goto(site_url + "search.html?q=" + quote("科創飛地"))
    wait_done(page, "科創飛地")
    page.locator("#search-results li:not(.result-term) a").first.click()
    page.wait_for_load_state("load")
    page.wait_for_selector("main .para mark.hl", timeout=5_000)
    assert set(page.locator("main .para mark.hl").all_text_contents()) == {"科创飞地"}


# --- glossary by pinyin and English -------------------------------------------------------


@pytest.mark.parametrize("mode", ["http", "file", "pagefind"])
@pytest.mark.parametrize(
    "q, slug",
    [
        ("jiebang", "jiebang-guashuai"),
        ("kechuang feidi", "kechuang-feidi"),
        ("kechuangfeidi", "kechuang-feidi"),
        ("Jiē Bǎng", "jiebang-guashuai"),
        ("innovation enclave", "kechuang-feidi"),
    ],
)
def test_glossary_terms_by_pinyin_and_english(page, site_dir, site_url, pf_url, mode, q, slug):
    base = {"http": site_url, "file": site_dir.as_uri() + "/", "pagefind": pf_url}[mode]
    page.goto(base + "search.html?q=" + quote(q))
    wait_done(page, q)
    items = results(page)
    assert items and items[0]["page"] == "glossary/index.html" and items[0]["anchor"] == slug, items[:2]
    assert {i["anchor"] for i in items if i["page"] == "glossary/index.html"} == expected_terms(q)
    # Text results keep their exact meaning: the provisions that contain the letters as typed.
    assert {i["page"] for i in items if i["page"] != "glossary/index.html"} == set(expected(q))
