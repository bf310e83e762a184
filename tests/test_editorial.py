"""What a careful editor signs (issue 11): how the text is presented, linked and ordered."""

from __future__ import annotations

import re
import unicodedata

import content
import pytest
import yaml
from htmldom import parse

PLAN = "digital-trade-plan"
TITLES = {
    doc: yaml.safe_load((content.CONTENT / doc / "_document.md").read_text(encoding="utf-8").split("---\n")[1])["title"]
    for doc in content.DOCS
}


def page(site_dir, path):
    return parse((site_dir / path).read_text(encoding="utf-8"))


ITEMS = [p for p in content.provisions() if p.doc == PLAN and not p.stem.startswith("part-")]


@pytest.mark.parametrize(
    "prov", [p for p in ITEMS if p.paragraphs[0].startswith(p.meta["title"])], ids=lambda p: p.page
)
def test_a_plan_items_lead_sentence_is_shown_once_in_its_text(site_dir, prov):
    doc = page(site_dir, prov.page)
    main = doc.find("main").text(skip_classes=frozenset({"permalink", "notes", "related", "pager"}))
    lead = prov.meta["title"]
    assert main.count(lead) == 1, f"{prov.page}: the lead sentence appears {main.count(lead)} times"
    strong = doc.find("p", "para").find("strong", "lead")
    assert strong is not None and strong.text() == lead
    title = doc.find("title").text()
    assert "。" not in title and lead.removesuffix("。") in title


def test_labels_carry_no_closing_full_stop(site_dir):
    for path in ["index.html", f"{PLAN}/index.html", f"{PLAN}/5.html"]:
        doc = page(site_dir, path)
        labels = [a.text() for a in doc.find_all("a") if a.attrs.get("rel") in ("prev", "next")]
        toc = doc.find("nav", "toc") or doc.find("details", "toc")
        labels += [a.text() for a in toc.find_all("a")] if toc else []
        assert labels and not [t for t in labels if t.endswith("。")], path


def test_the_plans_table_of_contents_lists_every_gap_in_its_place(site_dir):
    toc = page(site_dir, f"{PLAN}/index.html").find("nav", "toc")
    entries = [a.text() for a in toc.find_all("a")]
    assert "〔标题缺失〕" not in "".join(entries)
    part2 = entries.index("二、〔原文缺失〕")
    assert entries[part2 + 1 : part2 + 3] == ["（一）〔原文缺失〕", "（二）〔原文缺失〕"]
    assert entries[0].endswith("的通知") and entries[1] == "一、〔原文缺失〕"


def test_the_text_download_marks_gaps_as_the_pages_do(site_dir):
    lines = (site_dir / PLAN / f"{PLAN}.txt").read_text(encoding="utf-8").splitlines()
    assert "一、〔原文缺失〕" in lines and "二、〔原文缺失〕" in lines
    assert not [line for line in lines if re.fullmatch(r"[一二三四五六七八九]", line)]


def _term_links(p):
    """(text before the link in its paragraph, term slug) for each glossary link."""
    out, text = [], []

    def walk(el):
        for child in el.children:
            if isinstance(child, str):
                text.append(child)
            elif child.tag == "a" and "term" in child.classes:
                out.append(("".join(text), child.attrs["data-term"]))
                text.append(child.text())
            elif "permalink" not in child.classes:
                walk(child)

    walk(p)
    return out


def test_no_term_is_linked_inside_a_documents_title_or_more_than_once_per_provision(site_dir):
    checked = 0
    for prov in content.provisions():
        doc = page(site_dir, prov.page)
        seen = []
        for p in doc.find_all("p", "para"):
            for before, slug in _term_links(p):
                assert before.count("《") == before.count("》"), f"{prov.page}: {slug} linked inside 《…》"
                seen.append(slug)
                checked += 1
        assert len(seen) == len(set(seen)), f"{prov.page}: a term linked twice: {seen}"
    assert checked > 20


def test_terms_in_a_documents_own_title_are_not_linked_in_it(site_dir):
    for doc in content.DOCS:
        html = (site_dir / doc / "index.html").read_text(encoding="utf-8")
        for term in content.terms():
            if term["term"] in TITLES[doc]:
                assert f'data-term="{term["slug"]}"' not in html, (doc, term["term"])


def _dictionary_key(pinyin):
    """Independent of sitegen: syllable by syllable, toneless (ü after u), then tone."""
    key = []
    for syllable in pinyin.lower().split():
        decomposed = unicodedata.normalize("NFD", syllable)
        tone = next(
            (t for mark, t in (("\u0304", 1), ("\u0301", 2), ("\u030c", 3), ("\u0300", 4)) if mark in decomposed), 5
        )
        bare = decomposed.replace("u\u0308", "v")
        key.append(("".join(c for c in bare if not unicodedata.combining(c)), tone))
    return key


def test_the_glossary_is_in_dictionary_order(site_dir):
    lists = page(site_dir, "glossary/index.html").find_all("ol", "glossary")  # one per initial letter
    shown = [li.attrs["id"] for ol in lists for li in ol.find_all("li")]
    by_slug = {t["slug"]: t for t in content.terms()}
    assert shown == sorted(shown, key=lambda s: (_dictionary_key(by_slug[s]["pinyin"]), s))
    # The cases a reader noticed: 长 (cháng) before 创 (chuàng), 职 (zhí) before 专 (zhuān).
    assert shown.index("changsanjiao") < shown.index("chuangxin-lianheti")
    terms = {by_slug[s]["term"]: i for i, s in enumerate(shown)}
    zhi = [i for t, i in terms.items() if t.startswith("职务")]
    zhuan = [i for t, i in terms.items() if t.startswith("专利")]
    assert zhi and zhuan and max(zhi) < min(zhuan)


def test_the_404_page_works_at_any_depth(site_url, page):
    loaded = []
    page.on("response", lambda r: loaded.append((r.url, r.status)))
    response = page.goto(site_url + "a/b/missing.html")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面未找到"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"PingFang SC"')  # site.css
    home = page.locator("main a", has_text="首页")
    assert home.evaluate("a => a.href") == site_url + "index.html"
    assert [(u, s) for u, s in loaded[1:] if s >= 400] == []  # its stylesheet and scripts all load
    assert any(u == site_url + "static/site.css" for u, _ in loaded)
    home.click()
    page.wait_for_url(site_url + "index.html")
    # The one console error is the browser reporting the 404 status of the missing page itself.
    assert [p for p in page.problems if "status of 404" not in p] == []
