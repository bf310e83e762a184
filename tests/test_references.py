"""References for papers (issue 17): GB/T 7714-2015 beside 复制引用, with the reader's date.

The reader's clock is set to 2026-03-05 20:30 UTC in Shanghai, where it is already
the 6th: the 引用日期 is the reader's local today, not the UTC date.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

DECISION = "浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定"
PLAN = "浙江省数字贸易改革创新实施方案"
BASE = "https://zj-policy.example.org/"
TODAY = "2026-03-06"
DATE = re.compile(r"\[(\d{4}-\d{2}-\d{2})\]\. https://")


@pytest.fixture
def reader(browser, site_url):
    context = browser.new_context(timezone_id="Asia/Shanghai")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    page.clock.set_fixed_time("2026-03-05T20:30:00Z")
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def announced(page, text: str) -> None:
    """The toolbar's live region says it (what a screen reader reads out)."""
    expect(page.locator("[role=status]").first).to_have_text(text)


@pytest.mark.parametrize(
    "path,host,expected",
    [
        # a paragraph (款) of a provision, on its page and on the full text
        (
            "yrd-decision/7.html",
            "#art-7-p2",
            f"浙江省人民代表大会常务委员会. {DECISION}: 第七条第二款[EB/OL]. (2025-07-31)[{TODAY}]. "
            f"{BASE}yrd-decision/7.html#art-7-p2",
        ),
        (
            "yrd-decision/index.html",
            "#art-7-p2",
            f"浙江省人民代表大会常务委员会. {DECISION}: 第七条第二款[EB/OL]. (2025-07-31)[{TODAY}]. "
            f"{BASE}yrd-decision/index.html#art-7-p2",
        ),
        # a provision with one paragraph: the paragraph is the provision
        (
            "yrd-decision/18.html",
            "#art-18-p1",
            f"浙江省人民代表大会常务委员会. {DECISION}: 第十八条[EB/OL]. (2025-07-31)[{TODAY}]. "
            f"{BASE}yrd-decision/18.html#art-18-p1",
        ),
        # an item of the plan, which has two issuers
        (
            "digital-trade-plan/4.html",
            "#item-4-p1",
            f"中共浙江省委办公厅, 浙江省人民政府办公厅. {PLAN}: 第三部分第（四）项[EB/OL]. (2025-05-08)[{TODAY}]. "
            f"{BASE}digital-trade-plan/4.html#item-4-p1",
        ),
        # a whole provision, from its 引用 line
        (
            "yrd-decision/7.html",
            ".provision-page .citation",
            f"浙江省人民代表大会常务委员会. {DECISION}: 第七条[EB/OL]. (2025-07-31)[{TODAY}]. {BASE}yrd-decision/7.html",
        ),
        # a whole document, from the 引用 line in its header
        (
            "yrd-decision/index.html",
            ".doc-header .citation",
            f"浙江省人民代表大会常务委员会. {DECISION}[EB/OL]. (2025-07-31)[{TODAY}]. {BASE}yrd-decision/",
        ),
        (
            "digital-trade-plan/index.html",
            ".doc-header .citation",
            f"中共浙江省委办公厅, 浙江省人民政府办公厅. {PLAN}[EB/OL]. (2025-05-08)[{TODAY}]. {BASE}digital-trade-plan/",
        ),
    ],
)
def test_copy_reference_puts_the_gbt_7714_reference_on_the_clipboard(reader, site_url, path, host, expected):
    reader.goto(f"{site_url}{path}{host if host.startswith('#') else ''}")
    reader.locator(host).hover()
    reader.locator(f"{host} button", has_text="复制参考文献").click()
    announced(reader, "已复制参考文献（GB/T 7714）")
    text = clipboard(reader)
    assert text == expected
    assert DATE.search(text)[1] == TODAY
    assert reader.errors == []


def test_the_legal_form_stays_the_default_on_the_citation_lines(reader, site_url):
    reader.goto(f"{site_url}yrd-decision/7.html")
    line = reader.locator(".provision-page .citation")
    line.hover()
    buttons = line.locator("button")
    assert buttons.all_inner_texts() == ["复制链接", "复制引用", "复制参考文献"]
    buttons.nth(1).click()
    announced(reader, "已复制引用")
    assert clipboard(reader) == f"《{DECISION}》第七条 {BASE}yrd-decision/7.html"
    reader.goto(f"{site_url}digital-trade-plan/index.html")
    line = reader.locator(".doc-header .citation")
    line.hover()
    line.locator("button", has_text="复制引用").click()
    announced(reader, "已复制引用")
    assert clipboard(reader) == f"《{PLAN}》 {BASE}digital-trade-plan/"
    line.locator("button", has_text="复制链接").click()
    announced(reader, "已复制链接")
    assert clipboard(reader) == f"{BASE}digital-trade-plan/"


def test_copy_reference_by_keyboard(reader, site_url):
    reader.goto(f"{site_url}yrd-decision/7.html")
    reader.locator("#art-7-p2 a.permalink").focus()
    reader.locator("#art-7-p2 .para-tools").wait_for()  # static/cite.js, loaded on first use
    for label in ("复制链接", "复制引用", "复制参考文献"):
        reader.keyboard.press("Tab")
        assert reader.evaluate("document.activeElement.textContent") == label
    reader.keyboard.press("Enter")
    announced(reader, "已复制参考文献（GB/T 7714）")
    assert clipboard(reader).endswith(f"[{TODAY}]. {BASE}yrd-decision/7.html#art-7-p2")
    # The 引用 line of the document is reached the same way, from its ¶ link.
    reader.goto(f"{site_url}yrd-decision/index.html")
    reader.locator(".doc-header .citation a.permalink").focus()
    reader.locator(".doc-header .citation .para-tools").wait_for()
    reader.keyboard.press("Tab")
    reader.keyboard.press("Tab")
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.textContent") == "复制参考文献"
    reader.keyboard.press("Space")
    announced(reader, "已复制参考文献（GB/T 7714）")
    assert (
        clipboard(reader)
        == f"浙江省人民代表大会常务委员会. {DECISION}[EB/OL]. (2025-07-31)[{TODAY}]. {BASE}yrd-decision/"
    )


def test_the_pages_carry_the_known_parts_and_the_script_only_the_date(site_dir):
    html = (site_dir / "yrd-decision/7.html").read_text(encoding="utf-8")
    assert (
        f'data-ref="浙江省人民代表大会常务委员会. {DECISION}{{where}}[EB/OL]. (2025-07-31)[{{date}}]. {{url}}"' in html
    )
    assert 'id="art-7-p2" data-cite=' in html and 'data-where=": 第七条第二款"' in html
    script = "\n".join(
        line
        for line in (site_dir / "static/cite.js").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    for known in ("浙江", "EB/OL", "2025", "条", "第"):
        assert known not in script, f"static/cite.js rebuilds {known!r}, which the build knows"
