"""Links that last: permalinks, citations, the anchor manifest, structured data, downloads (issue 6)."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

import content
from conftest import ROOT, run_build
from htmldom import parse

DECISION = "《浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定》"


def dom(site_dir, path):
    return parse((site_dir / path).read_text(encoding="utf-8"))


def test_every_provision_and_paragraph_has_a_labelled_permalink(site_dir):
    for prov in content.provisions():
        for path in (prov.page, f"{prov.doc}/index.html"):
            d = dom(site_dir, path)
            own = [
                a for a in d.by_id(prov.anchor).find_all("a", cls="permalink") if a.attrs["href"] == f"#{prov.anchor}"
            ]
            assert len(own) == 1 and own[0].attrs["aria-label"].startswith("链接到"), (path, prov.anchor)
            for i in range(1, len(prov.paragraphs) + 1):
                para = d.by_id(f"{prov.anchor}-p{i}")
                link = para.find("a", cls="permalink")
                assert link.attrs["href"] == f"#{prov.anchor}-p{i}"
                assert link.attrs["aria-label"].startswith("链接到")


@pytest.mark.parametrize(
    "path,anchor,expected",
    [
        ("yrd-decision/7.html", "art-7-p2", DECISION + "第七条第二款"),
        ("yrd-decision/index.html", "art-7-p2", DECISION + "第七条第二款"),
        ("yrd-decision/18.html", "art-18-p1", DECISION + "第十八条"),
        ("digital-trade-plan/4.html", "item-4-p1", "《浙江省数字贸易改革创新实施方案》第三部分第（四）项"),
    ],
)
def test_copy_citation_puts_citation_and_url_on_the_clipboard(browser, site_url, path, anchor, expected):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}{path}#{anchor}")
    button = page.locator(f"#{anchor} button", has_text="复制引用")
    button.click()
    url = f"https://zj-policy.example.org/{path}#{anchor}"
    assert page.evaluate("navigator.clipboard.readText()") == f"{expected} {url}"
    assert page.locator("[role=status]").first.inner_text() == "已复制引用"
    page.locator(f"#{anchor} button", has_text="复制链接").click()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert errors == []
    context.close()


def test_copy_buttons_are_reachable_by_keyboard(site_url, page):
    page.goto(f"{site_url}yrd-decision/7.html")
    page.locator("#art-7-p2 a.permalink").focus()
    page.locator("#art-7-p2 .para-tools").wait_for()  # static/cite.js, loaded on first use
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "复制链接"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "复制引用"


def test_linked_paragraph_is_highlighted_and_in_view(site_url, page):
    page.goto(f"{site_url}yrd-decision/index.html#art-12-p2")
    target = page.locator("#art-12-p2")
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    other = page.locator("#art-12-p1").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != other
    box = target.bounding_box()
    assert 0 <= box["y"] < 900


def build_with(tmp_path, manifest_lines, edit=None):
    tree = tmp_path / "content"
    shutil.copytree(ROOT / "content", tree)
    if edit:
        edit(tree)
    manifest = tmp_path / "anchors.txt"
    manifest.write_text(
        (ROOT / "anchors.txt").read_text(encoding="utf-8") + "".join(f"{line}\n" for line in manifest_lines),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    return run_build("--content", str(tree), "--manifest", str(manifest), "--out", str(out), "--no-search"), out


def test_removing_a_published_anchor_fails_the_build(tmp_path):
    def drop_paragraph(tree):
        path = tree / "yrd-decision" / "07.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.rindex("\n\n")] + "\n", encoding="utf-8")

    result, out = build_with(tmp_path, [], drop_paragraph)
    assert result.returncode == 1
    lines = (ROOT / "anchors.txt").read_text(encoding="utf-8").splitlines()
    n = lines.index("yrd-decision/7.html#art-7-p2") + 1
    assert (
        f"anchors.txt:{n}: published address 'yrd-decision/7.html#art-7-p2' is missing from the site "
        "(restore it, or map it: 'yrd-decision/7.html#art-7-p2 -> new.html#anchor')"
    ) in result.stderr
    assert not out.exists()


def test_a_mapped_old_address_still_lands_on_its_new_place(tmp_path, browser):
    result, out = build_with(
        tmp_path,
        [
            "yrd-decision/7.html#old-second -> yrd-decision/8.html#art-8-p2",
            "yrd-decision/article-7.html -> yrd-decision/7.html#art-7",
        ],
    )
    assert result.returncode == 0, result.stderr
    page = browser.new_page()
    page.goto((out / "yrd-decision" / "7.html").as_uri() + "#old-second")
    page.wait_for_url("**/yrd-decision/8.html#art-8-p2")
    page.goto((out / "yrd-decision" / "article-7.html").as_uri())
    page.wait_for_url("**/yrd-decision/7.html#art-7")
    page.close()


def test_mapping_to_a_missing_place_fails(tmp_path):
    result, _ = build_with(tmp_path, ["yrd-decision/7.html#gone -> yrd-decision/8.html#art-8-p9"])
    assert result.returncode == 1
    assert (
        "'yrd-decision/7.html#gone' is mapped to 'yrd-decision/8.html#art-8-p9', which does not exist" in result.stderr
    )


def json_ld(site_dir, path):
    d = dom(site_dir, path)
    scripts = [s for s in d.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    return json.loads(scripts[0].text())


def test_structured_data_on_documents_and_provisions(site_dir):
    doc = json_ld(site_dir, "yrd-decision/index.html")
    assert doc["@type"] == "Legislation"
    for key in (
        "legislationType",
        "legislationIdentifier",
        "legislationDate",
        "legislationPassedBy",
        "legislationJurisdiction",
        "legislationLegalForce",
        "inLanguage",
        "hasPart",
    ):
        assert doc[key], key
    assert doc["legislationIdentifier"] == "公告第33号"
    assert doc["legislationDate"] == "2025-07-31"
    assert doc["inLanguage"] == "zh-CN"
    assert len(doc["hasPart"]) == 19
    prov = json_ld(site_dir, "yrd-decision/7.html")
    assert prov["isPartOf"]["@id"] == doc["@id"]
    assert prov["name"] == DECISION + "第七条"
    assert prov["@id"] in {p["@id"] for p in doc["hasPart"]}
    plan = json_ld(site_dir, "digital-trade-plan/index.html")
    assert [p["name"] for p in plan["hasPart"]][0] == "《浙江省数字贸易改革创新实施方案》第二部分第（三）项"
    assert plan["legislationPassedBy"] == [
        {"@type": "GovernmentOrganization", "name": "中共浙江省委办公厅"},
        {"@type": "GovernmentOrganization", "name": "浙江省人民政府办公厅"},
    ]


def test_share_previews_and_canonical(site_dir):
    d = dom(site_dir, "yrd-decision/7.html")
    meta = {m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content") for m in d.find_all("meta")}
    first = content.provisions()[6].paragraphs[0]
    assert meta["og:title"].startswith("《决定》第七条")
    assert first.startswith(meta["og:description"].rstrip("…"))
    assert meta["twitter:card"] == "summary"
    assert d.find("link", rel="canonical").attrs["href"] == "https://zj-policy.example.org/yrd-decision/7.html"


@pytest.mark.parametrize("doc", content.DOCS)
def test_json_download_follows_its_schema_and_matches_the_pages(site_dir, doc):
    data = json.loads((site_dir / doc / f"{doc}.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "docs" / "document.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    for prov in data["provisions"]:
        page = dom(site_dir, f"{doc}/{prov['url'].rsplit('/', 1)[1].split('#')[0]}")
        for para in prov["paragraphs"]:
            assert page.by_id(para["id"]).text(frozenset({"permalink", "para-tools"})) == para["text"]
    expected = {f"{p.doc}/{p.stem}" for p in content.provisions() if p.doc == doc}
    assert {p["key"] for p in data["provisions"]} == expected


@pytest.mark.parametrize("doc", content.DOCS)
def test_text_and_markdown_downloads(site_dir, doc):
    text = (site_dir / doc / f"{doc}.txt").read_text(encoding="utf-8")
    for prov in content.provisions():
        if prov.doc == doc:
            for para in prov.paragraphs:
                assert para in text
    assert "校勘说明" in text
    markdown = (site_dir / doc / f"{doc}.md").read_text(encoding="utf-8")
    assert markdown.startswith("---\n")
    for prov in content.provisions():
        if prov.doc == doc:
            if "number" in prov.meta:  # (a part's own text has none: its division gives it)
                assert f"number: {prov.meta['number']}" in markdown
            for para in prov.paragraphs:
                assert para in markdown
    d = dom(site_dir, f"{doc}/index.html")
    for ext in ("md", "txt", "json"):
        assert d.find("a", href=f"{doc}.{ext}") is not None


def test_print_shows_url_and_date_and_hides_navigation(site_url, page):
    page.goto(f"{site_url}yrd-decision/7.html")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for selector in (".site-header", ".crumbs", ".pager", ".permalink"):
        assert page.locator(selector).first.is_hidden(), selector
    footer = page.locator(".print-url")
    assert footer.is_visible()
    assert "https://zj-policy.example.org/yrd-decision/7.html" in footer.inner_text()
    assert "打印日期：" in footer.inner_text()
    assert page.locator(".prov-heading .label").is_visible()
