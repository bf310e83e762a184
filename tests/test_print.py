"""A provision on paper (issue 28): one A4 page with its address and code, no lists that lead
elsewhere, the reader's own date. Printed by Chromium to PDF, as "Save as PDF" does."""

from __future__ import annotations

import re

import pytest

import content


def pages(pdf: bytes) -> int:
    """The number of pages of a PDF that Chromium wrote (each page object is /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_every_provision_prints_on_one_page_with_its_code(site_url, page):
    too_long = {}
    for prov in content.provisions():
        page.goto(site_url + prov.page)
        n = pages(page.pdf(prefer_css_page_size=True))
        if n != 1:
            too_long[prov.page] = n
    assert too_long == {}
    # The count sees more than one page where there are more: a full text runs to several.
    page.goto(site_url + "yrd-decision/index.html")
    assert pages(page.pdf(prefer_css_page_size=True)) > 3


def test_the_printed_code_stays_with_the_address_and_the_text(site_url, page):
    page.goto(site_url + "yrd-decision/11.html")  # the longest provision of the decision
    page.emulate_media(media="print")
    code = page.locator(".qr-page").bounding_box()
    address = page.locator(".print-url").bounding_box()
    last = page.locator("main .citation").bounding_box()
    # beside the address, not below it, and right after the text
    assert code["x"] > address["x"] + address["width"] - 1
    assert code["y"] < address["y"] + address["height"]
    assert code["y"] - (last["y"] + last["height"]) < 60


def test_topics_and_related_provisions_are_not_printed(site_url, page):
    page.goto(site_url + "yrd-decision/8.html")
    assert page.locator("section.topics").is_visible() and page.locator("section.related").is_visible()
    page.emulate_media(media="print")
    assert page.locator("section.topics").is_hidden()
    assert page.locator("section.related").is_hidden()
    assert page.locator("#art-8-p2").is_visible() and page.locator("main .citation").is_visible()
    page.goto(site_url + "yrd-decision/3.html")
    assert page.locator("aside.notes").is_visible()  # the editorial notes are part of the record


@pytest.mark.parametrize(
    ("zone", "now", "day"),
    [
        ("Asia/Shanghai", "2026-03-05T20:30:00Z", "2026-03-06"),  # 04:30 in Hangzhou: UTC is still the 5th
        ("America/Los_Angeles", "2026-03-06T03:00:00Z", "2026-03-05"),  # 19:00 the evening before
    ],
)
def test_the_print_date_is_the_readers_local_date(browser, site_url, zone, now, day):
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        page.clock.set_fixed_time(now)
        page.goto(site_url + "yrd-decision/7.html")
        page.pdf()  # printing fires beforeprint, which adds the date
        assert page.locator(".print-url").text_content().endswith(f"打印日期：{day}")
    finally:
        context.close()
