"""Glossary, topics and related provisions woven through the text (issue 4)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import content
from htmldom import parse
from sitegen.glossary import Matcher
from sitegen.markup import render_inline

# --- the occurrence finder on tricky cases -------------------------------------------------

MATCHER = Matcher(
    [
        ("数据知识产权", "sjzscq"),
        ("知识产权", "zscq"),
        ("揭榜挂帅", "jbgs"),
        ("科创飞地", "kcfd"),
        ("飞地", "fd"),
        ("数博会", "bolan"),
        ("全球数字贸易博览会", "bolan"),
        ("AB", "ab"),
        ("BCD", "bcd"),
    ]
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("深化数据知识产权改革", [("数据知识产权", "sjzscq")]),  # longest match wins
        ("知识产权与数据知识产权", [("知识产权", "zscq"), ("数据知识产权", "sjzscq")]),
        ("完善“揭榜挂帅”等方式", [("揭榜挂帅", "jbgs")]),  # inside quotes
        ("建设科创飞地和飞地经济", [("科创飞地", "kcfd"), ("飞地", "fd")]),  # never inside another match
        ("承接好数博会溢出效应", [("数博会", "bolan")]),  # an alias
        ("ABCD", [("AB", "ab")]),  # leftmost first: BCD overlaps the earlier match
        ("没有术语的句子", []),
    ],
)
def test_matcher(text, expected):
    assert [(text[s:e], slug) for s, e, slug in MATCHER.find(text)] == expected


def test_linking_keeps_every_character_and_links_first_occurrence_per_paragraph():
    html = render_inline("知识产权保护，知识产权服务", MATCHER, lambda s: f"{s}.html")
    assert html == ('<a href="zscq.html" class="term" data-term="zscq">知识产权</a>保护，知识产权服务')
    assert re.sub("<[^>]+>", "", html) == "知识产权保护，知识产权服务"


def test_term_split_by_markup_is_not_linked_and_text_survives():
    html = render_inline("揭榜*挂帅*制度", MATCHER, lambda s: f"{s}.html")
    assert html == "揭榜<em>挂帅</em>制度"


# --- the glossary's content (content/ only) -----------------------------------------------------


def division_title(division: dict) -> str:
    """A heading's title as `divisions:` writes it (三、拓展… → 拓展…); "" where the source lost it."""
    return re.sub(r"^[一二三四五六七八九十]+、", "", division.get("heading") or "")


def division_number(division: dict) -> int:
    m = re.match(r"^([一二三四五六七八九十]+)、", division.get("heading") or "")
    return content.CN.index(m.group(1)) if m else division["number"]


def document_text() -> str:
    """Every text of both documents that the build scans for terms."""
    parts = [p for prov in content.provisions() for p in prov.paragraphs]
    for doc in content.DOCS:
        meta, body = content.split(content.CONTENT / doc / "_document.md")
        parts.append(body)
        parts += [division_title(d) for d in meta.get("divisions") or []]
    return "\n".join(parts)


def test_definitions_are_60_to_250_characters():
    for term in content.terms():
        assert 60 <= len(term["definition"]) <= 250, f"{term['slug']}: {len(term['definition'])} characters"


def test_every_term_occurs_in_the_text_and_every_alias_too():
    """Only terms that a reader meets in the documents; aliases are forms the text uses."""
    text = document_text()
    for term in content.terms():
        forms = [term["term"], *(term.get("aliases") or [])]
        assert any(f in text for f in forms), f"{term['slug']}: occurs in no form"
        for alias in term.get("aliases") or []:
            assert alias in text, f"{term['slug']}: alias {alias!r} does not occur in the text"


def test_see_also_names_other_existing_terms_once():
    slugs = {t["slug"] for t in content.terms()}
    for term in content.terms():
        see = term.get("see_also") or []
        assert len(see) == len(set(see)) and term["slug"] not in see, term["slug"]
        assert set(see) <= slugs, f"{term['slug']}: unknown {set(see) - slugs}"


def test_definitions_cite_the_documents_by_their_short_titles():
    """The glossary serves both documents: 本决定/本方案/文中 would not say which one."""
    for term in content.terms():
        assert not re.search(r"本决定|本方案|本文|文中", term["definition"]), term["slug"]


TONED = {
    "ā": "a",
    "á": "a",
    "ǎ": "a",
    "à": "a",
    "ē": "e",
    "é": "e",
    "ě": "e",
    "è": "e",
    "ī": "i",
    "í": "i",
    "ǐ": "i",
    "ì": "i",
    "ō": "o",
    "ó": "o",
    "ǒ": "o",
    "ò": "o",
    "ū": "u",
    "ú": "u",
    "ǔ": "u",
    "ù": "u",
    "ü": "v",
    "ǖ": "v",
    "ǘ": "v",
    "ǚ": "v",
    "ǜ": "v",
}


def slug_of_pinyin(pinyin: str) -> str:
    """docs/content-format.md, Slugs: tone marks dropped, ü written v, no spaces, lower case."""
    return "".join(TONED.get(c, c) for c in pinyin.lower() if not c.isspace())


def test_slug_of_pinyin():
    assert slug_of_pinyin("guó jiā zhàn lüè kē jì lì liàng") == "guojiazhanlvekejililiang"
    assert slug_of_pinyin("cháng sān jiǎo G60") == "changsanjiaog60"
    assert slug_of_pinyin("yī dài yī lù") == "yidaiyilu"


def test_glossary_slugs_spell_the_pinyin():
    for term in content.terms():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", term["slug"]), term["slug"]
        assert term["slug"].replace("-", "") == slug_of_pinyin(term["pinyin"]), (
            f"{term['slug']}: the pinyin {term['pinyin']!r} gives {slug_of_pinyin(term['pinyin'])!r}"
        )


def test_one_spelling_of_u_umlaut_in_every_slug():
    """ü is v everywhere; lue/nue (ü as u) and lyu/nyu (ü as yu) would be a second spelling."""
    import yaml

    topics = yaml.safe_load((content.CONTENT / "topics.yaml").read_text(encoding="utf-8"))
    slugs = [t["slug"] for t in content.terms()] + [t["slug"] for t in topics]
    for slug in slugs:
        assert not re.search(r"[ln]ue|[ln]yu", slug), f"{slug}: ü must be written v"


def test_renamed_glossary_and_topic_pages_still_land(site_dir):
    """Every page moved in anchors.txt (a renamed slug) sends readers to its new address."""
    moves = []
    for line in (content.ROOT / "anchors.txt").read_text(encoding="utf-8").splitlines():
        old, _, new = (s.strip() for s in line.split("  #", 1)[0].partition("->"))
        if new and "#" not in old and old.startswith(("glossary/", "topics/")):
            moves.append((old, new))
    assert ("topics/zhanlue-keji-liliang.html", "topics/zhanlve-keji-liliang.html") in moves
    for old, new in moves:
        stub = (site_dir / old).read_text(encoding="utf-8")
        target = new.split("/")[-1] if old.split("/")[0] == new.split("/")[0] else "../" + new
        assert f'http-equiv="refresh" content="0; url={target}"' in stub, old
        assert (site_dir / new).is_file()


# --- on the built site ------------------------------------------------------------------------


def expected_occurrences() -> dict[str, Counter]:
    """term slug → Counter of 'page#anchor', by a leftmost-longest regex over content/."""
    form_to_slug = {}
    for t in content.terms():
        for form in [t["term"], *(t.get("aliases") or [])]:
            form_to_slug[form] = t["slug"]
    pattern = re.compile("|".join(map(re.escape, sorted(form_to_slug, key=len, reverse=True))))
    out: dict[str, Counter] = {t["slug"]: Counter() for t in content.terms()}
    for prov in content.provisions():
        for i, text in enumerate(prov.paragraphs, 1):
            for m in pattern.finditer(text):
                out[form_to_slug[m.group()]][f"{prov.page}#{prov.anchor}-p{i}"] += 1
    for doc in content.DOCS:
        meta, body = content.split(content.CONTENT / doc / "_document.md")
        section = None
        for line in body.splitlines():
            if line.startswith("{#"):
                section = line[2:-1]
            for m in pattern.finditer(line):
                out[form_to_slug[m.group()]][f"{doc}/index.html#{section}"] += 1
        for part in meta.get("divisions") or []:
            for m in pattern.finditer(division_title(part)):
                out[form_to_slug[m.group()]][f"{doc}/index.html#part-{division_number(part)}"] += 1
    return out


def test_every_term_page_lists_exactly_the_paragraphs_that_contain_it(site_dir):
    expected = expected_occurrences()
    for slug, counts in expected.items():
        dom = parse((site_dir / "glossary" / f"{slug}.html").read_text(encoding="utf-8"))
        listed = Counter(
            ol_li.find("a").attrs["href"].removeprefix("../")
            for ol in dom.find_all("ol", cls="kwic")
            for ol_li in ol.find_all("li")
        )
        assert listed == counts, slug
        assert sum(counts.values()) > 0, f"{slug} occurs nowhere"


def test_term_page_shows_definition_gloss_and_see_also(site_dir):
    for term in content.terms():
        dom = parse((site_dir / "glossary" / f"{term['slug']}.html").read_text(encoding="utf-8"))
        assert dom.find("h1").text() == term["term"]
        assert dom.find("p", cls="definition").text() == term["definition"]
        assert dom.find("p", cls="en").text() == term["en"]
        for other in term.get("see_also") or []:
            assert dom.find("a", href=f"{other}.html") is not None


def test_glossary_index_lists_every_term_with_its_count(site_dir):
    # The order (dictionary order by pinyin) is tested in tests/test_editorial.py.
    dom = parse((site_dir / "glossary" / "index.html").read_text(encoding="utf-8"))
    items = [li for ol in dom.find_all("ol", cls="glossary") for li in ol.find_all("li")]  # a list per letter
    expected = expected_occurrences()
    for li in items:
        assert li.find("span", cls="count").text() == f"{sum(expected[li.attrs['id']].values())}处"
    assert {li.attrs["id"] for li in items} == {t["slug"] for t in content.terms()}


def test_each_term_is_linked_once_per_provision_where_it_occurs(site_dir):
    """docs/content-format.md: once per provision, never inside 《…》, not in a document whose
    title contains the term."""
    expected = expected_occurrences()
    titles = {
        doc: (content.CONTENT / doc / "_document.md").read_text(encoding="utf-8").split("\ntitle: ")[1].split("\n")[0]
        for doc in content.DOCS
    }
    forms = {t["slug"]: [t["term"], *t.get("aliases", [])] for t in content.terms()}
    linked = 0
    for prov in content.provisions():
        dom = parse((site_dir / prov.page).read_text(encoding="utf-8"))
        links = []
        for i in range(1, len(prov.paragraphs) + 1):
            for a in dom.by_id(f"{prov.anchor}-p{i}").find_all("a", cls="term"):
                assert a.attrs["href"] == f"../glossary/{a.attrs['data-term']}.html"
                links.append(a.attrs["data-term"])
        here = {slug for slug, c in expected.items() if any(a.startswith(f"{prov.page}#{prov.anchor}-p") for a in c)}
        assert len(links) == len(set(links)), f"{prov.page}: a term linked twice"
        assert set(links) <= here, prov.page
        outside_titles = re.sub(r"《[^》]*》", "", "".join(prov.paragraphs))
        for slug in here - set(links):
            in_doc_title = any(f in titles[prov.doc] for f in forms[slug])
            assert in_doc_title or not any(f in outside_titles for f in forms[slug]), (
                f"{prov.page}: {slug} occurs but is not linked"
            )
        linked += len(links)
    assert linked > 50


def test_topic_pages_list_every_tagged_provision_grouped_by_document(site_dir):
    import yaml

    topics = yaml.safe_load((content.CONTENT / "topics.yaml").read_text(encoding="utf-8"))
    index = parse((site_dir / "topics" / "index.html").read_text(encoding="utf-8"))
    for topic in topics:
        tagged = [p for p in content.provisions() if topic["slug"] in p.meta.get("topics", [])]
        dom = parse((site_dir / "topics" / f"{topic['slug']}.html").read_text(encoding="utf-8"))
        hrefs = [
            a.attrs["href"].removeprefix("../")
            for ol in dom.find_all("ol", cls="prov-list")
            for li in ol.find_all("li")
            for a in [li.find("a")]
        ]
        assert hrefs == [p.page for p in tagged], topic["slug"]
        groups = [h.text() for h in dom.find_all("h2")]
        assert groups == [
            t
            for t in (
                "浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定",
                "浙江省数字贸易改革创新实施方案",
            )
            if any(p.doc == ("yrd-decision" if "决定" in t else "digital-trade-plan") for p in tagged)
        ]
        entry = index.find("a", href=f"{topic['slug']}.html").attrs
        assert entry is not None
        count = [li for li in index.find_all("li") if li.find("a", href=f"{topic['slug']}.html")][0]
        # per document, in its own unit (issue 28): 《决定》2条，《方案》3项、1个部分
        said = []
        for doc, short in (("yrd-decision", "《决定》"), ("digital-trade-plan", "《方案》")):
            mine = [p for p in tagged if p.doc == doc]
            items = [p for p in mine if not p.stem.startswith("part-")]
            parts = [p for p in mine if p.stem.startswith("part-")]
            units = ([f"{len(items)}{'条' if doc == 'yrd-decision' else '项'}"] if items else []) + (
                [f"{len(parts)}个部分"] if parts else []
            )
            if units:
                said.append(short + "、".join(units))
        assert count.find("span", cls="count").text() == "，".join(said)


def test_related_provisions_shown_in_both_directions(site_dir):
    provs = {f"{p.doc}/{p.stem}": p for p in content.provisions()}
    seen = 0
    for prov in provs.values():
        for rel in prov.meta.get("related") or []:
            target = provs[rel["to"]]
            src = parse((site_dir / prov.page).read_text(encoding="utf-8")).find("section", cls="related")
            dst = parse((site_dir / target.page).read_text(encoding="utf-8")).find("section", cls="related")
            assert src.find("a", href=f"../{target.page}") is not None
            assert rel["reason"] in src.text()
            assert dst.find("a", href=f"../{prov.page}") is not None
            assert rel["reason"] in dst.text()
            seen += 1
    assert seen >= 20


def test_popover_by_keyboard_escape_and_follow(site_dir, page):
    page.goto((site_dir / "yrd-decision" / "7.html").as_uri())
    term = page.locator("#art-7-p2 a.term[data-term=jiebang-guashuai]")
    box_before = page.locator("#art-7-p2").bounding_box()
    # Tab through the page until the term link has focus, as a keyboard user would.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.term") == "jiebang-guashuai":
            break
    else:
        pytest.fail("the term link was never reached with Tab")
    popover = page.locator("[role=tooltip]")
    popover.wait_for(state="visible")
    assert "揭榜挂帅" in popover.inner_text()
    assert term.get_attribute("aria-describedby") == popover.get_attribute("id")
    assert page.locator("#art-7-p2").bounding_box() == box_before  # no layout shift
    page.keyboard.press("Escape")
    assert popover.count() == 0
    assert page.evaluate("document.activeElement.dataset.term") == "jiebang-guashuai"
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/jiebang-guashuai.html")
    assert page.locator("h1").inner_text() == "揭榜挂帅"
    assert page.problems == []
