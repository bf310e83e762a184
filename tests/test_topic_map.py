"""The map of topics (issue 17): on topics/index.html, topics against the provisions of each
document, each mark a link to the provision; read as a reader and a screen reader do."""

from __future__ import annotations

import pytest
import yaml

import content
from htmldom import parse

TOPICS = yaml.safe_load((content.CONTENT / "topics.yaml").read_text(encoding="utf-8"))
NAMES = {t["slug"]: t["name"] for t in TOPICS}
SHORT = {"yrd-decision": "《决定》", "digital-trade-plan": "《方案》"}


def expected_marks(doc: str) -> set[tuple[str, str]]:
    """(topic name, provision page) for each topic a provision of `doc` is tagged with in content/."""
    return {
        (NAMES[slug], prov.page)
        for prov in content.provisions()
        if prov.doc == doc
        for slug in prov.meta.get("topics") or []
    }


def shown_marks(site_dir, doc: str) -> set[tuple[str, str]]:
    """What the table shows: for each mark, its row's topic and its column's provision."""
    d = parse((site_dir / "topics/index.html").read_text(encoding="utf-8"))
    table = d.by_id(f"map-{doc}").find("table")
    heads = [th.text() for th in table.find("thead").find_all("th")]
    labels = {  # a part's own text has no label in its file: its division's 九 (docs/content-format.md)
        prov.stem: prov.meta.get("label") or content.CN[int(prov.stem.removeprefix("part-"))]
        for prov in content.provisions()
        if prov.doc == doc
    }
    columns = [p for p in content.provisions() if p.doc == doc]
    assert heads[0] == "主题" and len(heads) == len(columns) + 1
    for head, prov in zip(heads[1:], columns, strict=True):  # the column says which provision it is
        assert head in (labels[prov.stem], f"第{labels[prov.stem]}部分"), (head, prov.page)
    marks = set()
    for row in table.find("tbody").find_all("tr"):
        header = row.find("th")
        assert header.attrs.get("scope") == "row"
        topic = header.text()
        cells = list(row.find_all("td"))
        assert len(cells) == len(columns), topic
        for cell, prov in zip(cells, columns, strict=True):
            link = cell.find("a")
            if link is not None:
                assert link.attrs["href"] == f"../{prov.page}", (topic, prov.page)
                assert link.attrs["aria-label"] == (
                    "第"
                    + labels[prov.stem]
                    + ("条" if doc == "yrd-decision" else "部分" if prov.stem.startswith("part-") else "项")
                )
                marks.add((topic, prov.page))
    return marks


@pytest.mark.parametrize("doc", content.DOCS)
def test_the_marks_are_the_topics_in_content(site_dir, doc):
    assert shown_marks(site_dir, doc) == expected_marks(doc)


@pytest.mark.parametrize("doc", content.DOCS)
def test_topics_a_document_does_not_touch_are_listed_below_its_map(site_dir, doc):
    d = parse((site_dir / "topics/index.html").read_text(encoding="utf-8"))
    section = d.by_id(f"map-{doc}")
    rows = {r.find("th").text() for r in section.find("tbody").find_all("tr")}
    touched = {name for name, _ in expected_marks(doc)}
    assert rows == touched
    absent = section.find("p", cls="map-absent")
    listed = {a.text() for a in absent.find_all("a")} if absent else set()
    assert listed == set(NAMES.values()) - touched


def test_every_mark_and_header_link_resolves(site_dir):
    d = parse((site_dir / "topics/index.html").read_text(encoding="utf-8"))
    for doc in content.DOCS:
        for a in d.by_id(f"map-{doc}").find("table").find_all("a"):
            assert (site_dir / "topics" / a.attrs["href"]).resolve().is_file(), a.attrs["href"]


def test_a_screen_reader_finds_the_table_its_headers_and_the_marks(site_url, page):
    page.goto(f"{site_url}topics/index.html")
    table = page.get_by_role("table", name="《决定》各条涉及的主题")
    assert table.count() == 1
    assert page.get_by_role("region", name="《方案》各项和部分涉及的主题").count() == 1
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="知识产权"))
    marks = row.get_by_role("cell").get_by_role("link")
    names = [marks.nth(i).evaluate("a => a.getAttribute('aria-label')") for i in range(marks.count())]
    expected = sorted(
        f"第{p.meta['label']}条"
        for p in content.provisions()
        if p.doc == "yrd-decision" and "zhishi-chanquan" in (p.meta.get("topics") or [])
    )
    assert sorted(names) == expected
    assert table.get_by_role("columnheader").count() == 20
    # A mark is a link a reader follows to the provision.
    row.get_by_role("link", name=expected[0]).click()
    page.wait_for_url("**/yrd-decision/*.html")
    assert "知识产权" in page.locator("section.topics").inner_text()
    assert page.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marks_are_visible_in_light_and_dark(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site_url}topics/index.html")
    mark = page.locator("#map-yrd-decision td a").first
    assert mark.is_visible()
    shown = mark.evaluate("a => getComputedStyle(a, '::before').content")
    assert "●" in shown
    box = mark.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box  # a target a finger can hit
    colour = mark.evaluate("a => getComputedStyle(a).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colour != background
    context.close()
