"""Layout and type as a reader sees them, on a desktop and on a phone (issue 28), measured in
headless Chromium: what covers what, what wraps where, how tall the header is."""

from __future__ import annotations

import pytest


DESKTOP = {"viewport": {"width": 1200, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    context = browser.new_context(**SCREENS[request.param])
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    assert page.problems == []
    context.close()


# Every line of text in <main> except the toolbar's own, as rectangles (one per line box).
TEXT_LINES = """(skip) => {
  const out = [], walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.data.trim() || t.parentElement.closest(skip)) continue;
    const r = document.createRange(); r.selectNodeContents(t);
    for (const b of r.getClientRects()) if (b.width > 0 && b.height > 0)
      out.push({x: b.left, y: b.top, r: b.right, b: b.bottom, text: t.data.slice(0, 12)});
  }
  return out;
}"""


def test_the_copy_toolbar_covers_no_text(site_url, screen):
    """Each paragraph's and 引用 line's toolbar, shown as a reader shows it (focus on its ¶),
    overlaps no line of text, stays on the screen and makes the page no wider."""
    page = screen
    page.goto(site_url + "yrd-decision/index.html")
    hosts = page.locator("main [data-cite]")
    count = hosts.count()
    assert count >= 40
    covered = []
    for i in range(count):
        host = hosts.nth(i)
        host.locator("a.permalink").first.focus()
        tools = host.locator(":scope > .para-tools")
        tools.wait_for()
        box = tools.evaluate(
            "e => { const b = e.getBoundingClientRect(); return {x: b.left, y: b.top, r: b.right, b: b.bottom}; }"
        )
        lines = page.evaluate(TEXT_LINES, ".para-tools")
        hit = [
            line["text"]
            for line in lines
            if line["x"] < box["r"] - 0.5
            and box["x"] < line["r"] - 0.5
            and line["y"] < box["b"] - 0.5
            and box["y"] < line["b"] - 0.5
        ]
        if hit:
            covered.append((host.get_attribute("id") or "引用", hit))
        width = page.evaluate("innerWidth")
        assert box["x"] >= 0 and box["r"] <= width, f"toolbar off the screen: {box}"
    assert covered == [], f"{len(covered)} of {count} toolbars cover text: {covered[:10]}"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_chinese_quotation_marks_are_full_width(site_url, page):
    """“” come from the CJK font, as wide as a character, not from a Latin font at half width."""
    page.goto(site_url + "yrd-decision/7.html")
    widths = page.evaluate(
        """() => {
      const texts = [...document.querySelector('#art-7-p2').childNodes].filter(n => n.nodeType === 3);
      const w = (ch) => {
        const t = texts.find(n => n.data.includes(ch)), i = t.data.indexOf(ch), r = document.createRange();
        r.setStart(t, i); r.setEnd(t, i + 1); return r.getBoundingClientRect().width;
      };
      return {open: w('“'), close: w('”'), han: w('完')};
    }"""
    )
    assert widths["open"] == pytest.approx(widths["han"], abs=0.5), widths
    assert widths["close"] == pytest.approx(widths["han"], abs=0.5), widths
    # English glosses keep a Latin face.
    page.goto(site_url + "glossary/jiebang-guashuai.html")
    assert page.locator(".en").evaluate("e => getComputedStyle(e).fontFamily").startswith("system-ui")


@pytest.mark.parametrize("width", [320, 360, 375, 414])
@pytest.mark.parametrize("path", ["index.html", "yrd-decision/7.html", "glossary/index.html", "search.html"])
def test_the_phone_header_is_at_most_100px(browser, site_url, path, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(site_url + path)
        height = page.locator(".site-header").evaluate("e => e.getBoundingClientRect().height")
        assert height <= 100, f"{path} at {width}px: header {height}px tall"
        links = page.locator(".site-nav a")
        assert links.count() == 5 and all(links.nth(i).is_visible() for i in range(5))
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(5)}
        assert len(tops) == 1, f"the navigation wraps at {width}px"
        if path != "search.html":
            assert page.locator("#q-header").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        context.close()


def test_the_search_page_has_one_search_box(site_url, page):
    page.goto(site_url + "search.html?q=长三角")
    assert page.locator("input[type=search]").count() == 1
    assert page.locator("#q").is_visible()
    page.goto(site_url + "yrd-decision/7.html")
    assert page.locator("input[type=search]").count() == 1 and page.locator("#q-header").is_visible()


# For each ¶ in <main>: is it on the same line as the last character before it?
LONE_PILCROWS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('main a.permalink')) {
    const host = a.parentElement, walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) break;
      if (t.data.trim() && !t.parentElement.closest('.permalink, .para-tools')) last = t;
    }
    if (!last) continue;
    const r = document.createRange(), end = last.data.trimEnd().length;
    r.setStart(last, end - 1); r.setEnd(last, end);
    const c = r.getBoundingClientRect(), p = a.getBoundingClientRect();
    if (Math.abs((c.top + c.bottom) / 2 - (p.top + p.bottom) / 2) > c.height / 2)
      out.push(host.id || host.textContent.slice(0, 12));
  }
  return out;
}"""


@pytest.mark.parametrize("path", ["yrd-decision/index.html", "digital-trade-plan/index.html"])
def test_no_pilcrow_sits_alone_on_a_line(browser, site_url, path):
    """At every phone width from 320 to 430 px and on a desktop, each ¶ ends the line of
    the paragraph's (or heading's) last character."""
    lone = {}
    for width in [*range(320, 431, 5), 1200]:
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(site_url + path)
            found = page.evaluate(LONE_PILCROWS)
            if found:
                lone[width] = found
        finally:
            context.close()
    assert lone == {}


# For each heading in <main>: the number of characters on its last line, when it has more than one.
LAST_LINE = """() => {
  const out = [];
  for (const h of document.querySelectorAll('main :is(h1, h2, h3)')) {
    const tops = [], walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.parentElement.closest('.permalink, .ed-mark')) continue;
      for (let i = 0; i < t.data.length; i++) {
        if (!t.data[i].trim()) continue;
        const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
        tops.push(Math.round(r.getBoundingClientRect().top));
      }
    }
    const lines = [...new Set(tops)];
    if (lines.length > 1) out.push([h.textContent.trim().slice(0, 20), tops.filter(x => x === lines[lines.length - 1]).length]);
  }
  return out;
}"""


@pytest.mark.parametrize(
    "path",
    ["yrd-decision/index.html", "digital-trade-plan/index.html", "index.html", "topics/shishi-baozhang.html"],
)
def test_no_heading_ends_with_one_character_on_a_line(browser, site_url, path):
    orphans = {}
    for width in (320, 360, 375, 390, 414, 768, 1200):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(site_url + path)
            wrapped = page.evaluate(LAST_LINE)
            bad = [heading for heading, n in wrapped if n < 2]
            if bad:
                orphans[width] = bad
        finally:
            context.close()
    assert orphans == {}


def test_topic_lists_show_only_the_documents_own_numbering(site_url, page):
    page.goto(site_url + "topics/shishi-baozhang.html")
    items = page.locator("main .prov-list > li")
    assert items.count() >= 3
    for i in range(items.count()):
        li = items.nth(i)
        assert li.evaluate("e => getComputedStyle(e).listStyleType") == "none"
        assert li.locator(".label").inner_text().endswith(("、", "）"))


def test_the_glossary_index_is_grouped_by_initial_letter(site_url, page):
    page.goto(site_url + "glossary/index.html")
    groups = page.locator("main section.letter-group")
    letters = [groups.nth(i).locator("h2").inner_text() for i in range(groups.count())]
    assert letters == sorted(set(letters)) and len(letters) >= 10
    index = page.locator("nav.letters a")
    assert [index.nth(i).inner_text() for i in range(index.count())] == letters
    for i, letter in enumerate(letters):
        group = groups.nth(i)
        pinyin = group.locator(".pinyin").all_inner_texts()
        assert pinyin and all(p.strip()[0].upper() == letter or p.strip()[0] in "āáǎàōóǒòēéěè" for p in pinyin)
        # a rule between one letter and the next
        assert group.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
        assert group.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)") >= 1
    index.nth(1).click()
    assert page.evaluate("location.hash") == "#letter-" + letters[1].lower()
