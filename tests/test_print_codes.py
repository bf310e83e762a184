"""Codes on paper (issue 17): a QR code of the canonical URL on printed provisions.

The printed code is photographed (a screenshot of the page in print media) and read
back with zbarimg (Debian's zbar-tools), with no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_build
from htmldom import parse
from quality_support import executable
from sitegen import printcodes

BASE = "https://zj-policy.example.org/"


def decode(png: bytes, tmp_path) -> list[str]:
    """What a phone reads from a picture of the code."""
    zbarimg = executable("zbarimg", "apt-get install -y zbar-tools")
    image = tmp_path / "code.png"
    image.write_bytes(png)
    run = subprocess.run(
        [zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True, text=True, timeout=60
    )
    return run.stdout.splitlines()


def printed(page, url: str):
    page.goto(url)
    page.emulate_media(media="print")
    return page


def test_the_code_is_hidden_on_screen(site_url, page):
    page.goto(f"{site_url}yrd-decision/7.html#art-7-p2")
    assert page.locator(".qr").count() == 3  # the page's, and one per paragraph of 第七条
    for i in range(3):
        assert page.locator(".qr").nth(i).is_hidden()


def test_a_printed_provision_carries_a_code_that_reads_as_its_url(site_url, page, tmp_path):
    printed(page, f"{site_url}yrd-decision/7.html")
    code = page.locator(".qr-page")
    assert code.is_visible()
    assert "扫码打开本页" in code.inner_text()
    assert page.locator(".qr-para").first.is_hidden()  # no paragraph was linked to
    assert decode(code.locator("svg").screenshot(), tmp_path) == [f"{BASE}yrd-decision/7.html"]


def test_printing_from_a_paragraph_link_adds_the_paragraphs_code(site_url, page, tmp_path):
    printed(page, f"{site_url}yrd-decision/7.html#art-7-p2")
    after_p1 = page.locator("#art-7-p1 + .qr-para")
    after_p2 = page.locator("#art-7-p2 + .qr-para")
    assert after_p1.is_hidden() and after_p2.is_visible()
    assert "扫码打开第七条第二款" in after_p2.inner_text()
    assert decode(after_p2.locator("svg").screenshot(), tmp_path) == [f"{BASE}yrd-decision/7.html#art-7-p2"]
    assert page.locator(".qr-page").is_visible()


def test_plan_items_are_printed_with_their_code(site_url, page, tmp_path):
    printed(page, f"{site_url}digital-trade-plan/part-9.html")
    svg = page.locator(".qr-page svg")
    assert decode(svg.screenshot(), tmp_path) == [f"{BASE}digital-trade-plan/part-9.html"]


def test_the_embedded_code_is_segnos_for_the_canonical_url(site_dir):
    """The same check without a camera: the SVG in the page is what segno makes for the URL."""
    d = parse((site_dir / "digital-trade-plan/4.html").read_text(encoding="utf-8"))
    html = (site_dir / "digital-trade-plan/4.html").read_text(encoding="utf-8")
    assert d.find("figure", cls="qr-page") is not None
    assert printcodes.make(f"{BASE}digital-trade-plan/4.html") in html
    assert d.find("figure", cls="qr-para") is None  # one paragraph: the page's code is the item's


def test_only_provision_pages_print_a_code(site_dir):
    for path in ("index.html", "yrd-decision/index.html", "glossary/index.html", "topics/index.html", "404.html"):
        assert 'class="qr' not in (site_dir / path).read_text(encoding="utf-8"), path


def test_the_cache_does_not_change_the_codes(tmp_path):
    sys.path.insert(0, str(ROOT))
    from sitegen import addresses, load

    site, _ = load.load_site(ROOT / "site.yaml", ROOT / "content")
    for n in range(20):  # the codes of other sites built before, each older than the last
        old = tmp_path / f"other-{n:02d}.json"
        old.write_text("{}", encoding="utf-8")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    fresh = printcodes.codes(site, tmp_path)  # made by segno, and kept
    kept = sorted(f.name for f in tmp_path.glob("*.json"))
    assert len(kept) == printcodes.KEEP and "other-00.json" not in kept and "other-19.json" in kept
    cached = printcodes.codes(site, tmp_path)
    printed = addresses.printed_codes(site)
    assert len(printed) == len(fresh) > 43
    assert [fresh(a) for a in printed] == [cached(a) for a in printed]
    assert cached("yrd-decision/7.html#art-7-p2") == printcodes.make(f"{BASE}yrd-decision/7.html#art-7-p2")


def test_a_placeholder_base_url_warns_once_and_a_real_one_does_not(tmp_path):
    out = tmp_path / "site"
    result = run_build("--out", str(out), "--no-search")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "placeholder" in line]
    line = next(
        n
        for n, text in enumerate((ROOT / "site.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("base_url:")
    )
    assert warnings == [
        f"site.yaml:{line}: warning: base URL https://zj-policy.example.org/ is a placeholder: "
        "the QR codes on printed pages point to it (set base_url in the site file, or --base-url)"
    ]
    shutil.rmtree(out)
    result = run_build("--out", str(out), "--no-search", "--base-url", "https://zj-policy.cn/")
    assert result.returncode == 0, result.stderr
    assert "placeholder" not in result.stderr
    assert printcodes.make("https://zj-policy.cn/yrd-decision/7.html") in (out / "yrd-decision/7.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "url,placeholder",
    [
        ("https://zj-policy.example.org/", True),
        ("https://policy.example.net/zj/", True),
        ("http://localhost:8000/", True),
        ("https://site.test/", True),
        ("https://zj-policy.cn/", False),
        ("https://www.zj.gov.cn/policy/", False),
    ],
)
def test_which_base_urls_are_placeholders(url, placeholder):
    from sitegen import addresses

    assert addresses.is_placeholder(url) is placeholder
