"""Every address and citation rule, from sitegen/addresses.py, on the real model."""

from __future__ import annotations

import pytest

from sitegen import addresses
from sitegen.addresses import citation, relative


def provision(site, key):
    doc, stem = key.split("/")
    d = site.document(doc)
    return d, next(p for p in d.provisions if p.slug == stem)


@pytest.mark.parametrize(
    "key, page, anchor, p2",
    [
        ("yrd-decision/7", "yrd-decision/7.html", "art-7", "art-7-p2"),
        ("digital-trade-plan/13", "digital-trade-plan/13.html", "item-13", None),
        ("digital-trade-plan/part-9", "digital-trade-plan/part-9.html", "part-9", None),
    ],
)
def test_pages_and_anchors_of_provisions(real_site, key, page, anchor, p2):
    site, _ = real_site
    _, prov = provision(site, key)
    assert addresses.path_of(prov) == prov.page == page
    assert prov.anchor == anchor
    assert prov.paragraphs[0].anchor == f"{anchor}-p1"
    if p2:
        assert prov.paragraphs[1].anchor == p2


def test_pages_of_documents_terms_topics_and_downloads(real_site):
    site, _ = real_site
    assert addresses.path_of(site.document("yrd-decision")) == "yrd-decision/index.html"
    term = next(t for t in site.terms if t.slug == "jiebang-guashuai")
    assert addresses.path_of(term) == "glossary/jiebang-guashuai.html"
    assert addresses.path_of(site.topics[0]) == f"topics/{site.topics[0].slug}.html"
    assert addresses.download("yrd-decision", "json") == "yrd-decision/yrd-decision.json"


@pytest.mark.parametrize(
    "src, dst, expected",
    [
        ("yrd-decision/7.html", "yrd-decision/8.html", "8.html"),
        ("yrd-decision/7.html", "yrd-decision/index.html#art-7", "index.html#art-7"),
        ("yrd-decision/7.html", "glossary/x.html", "../glossary/x.html"),
        ("index.html", "yrd-decision/7.html#art-7-p2", "yrd-decision/7.html#art-7-p2"),
        ("glossary/index.html", "index.html", "../index.html"),
    ],
)
def test_relative_links_name_files(src, dst, expected):
    assert relative(src, dst) == expected


def test_canonical_urls_publish_folders_for_index_pages():
    base = "https://example.org/"
    assert addresses.canonical(base, "index.html") == base
    assert addresses.canonical(base, "yrd-decision/index.html") == base + "yrd-decision/"
    assert addresses.canonical(base, "yrd-decision/7.html") == base + "yrd-decision/7.html"
    assert addresses.canonical(base, "a/myindex.html") == base + "a/myindex.html"  # not a folder's index
    assert [addresses.index_folder(p) for p in ("index.html", "glossary/index.html", "a/myindex.html")] == [
        "",
        "glossary/",
        None,
    ]


def test_citations_as_design_section_2(real_site):
    site, _ = real_site
    doc, art7 = provision(site, "yrd-decision/7")
    assert (
        citation(doc, art7.paragraphs[1])
        == "《浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定》第七条第二款"
    )
    assert citation(doc, art7, short=True) == "《决定》第七条"
    plan, item4 = provision(site, "digital-trade-plan/4")
    assert citation(plan, item4) == "《浙江省数字贸易改革创新实施方案》第三部分第（四）项"
    assert citation(plan, item4, short=True) == "《方案》第（四）项"
    # A one-paragraph provision is cited without a paragraph.
    assert len(item4.paragraphs) == 1
    assert citation(plan, item4.paragraphs[0]) == citation(plan, item4)


def test_names_and_labels(real_site):
    site, _ = real_site
    _, art7 = provision(site, "yrd-decision/7")
    _, part9 = provision(site, "digital-trade-plan/part-9")
    _, item4 = provision(site, "digital-trade-plan/4")
    assert (art7.name, art7.display_label, art7.unit) == ("第七条", "七、", "条")
    assert (item4.name, item4.display_label, item4.unit) == ("第（四）项", "（四）", "项")
    assert (part9.name, part9.display_label, part9.unit) == ("第九部分", "九、", "部分")
    assert art7.paragraphs[1].name == "第二款"
    assert part9.paragraphs[0].name == "第一段"


def test_published_addresses_of_the_model(real_site):
    site, _ = real_site
    published = addresses.published(site)
    assert published == sorted(set(published))
    for address in (
        "index.html",
        "search.html",
        "yrd-decision/index.html#announcement",
        "yrd-decision/index.html#art-19",
        "yrd-decision/7.html#art-7-p2",
        "digital-trade-plan/index.html#item-1",
        "digital-trade-plan/index.html#part-2",
        "digital-trade-plan/part-9.html#part-9-p1",
        "digital-trade-plan/digital-trade-plan.md",
        "glossary/index.html#jiebang-guashuai",
        "glossary/kechuang-feidi.html",
    ):
        assert address in published
    assert "404.html" not in published  # a page, not an address anyone should cite


def test_every_published_address_of_the_model_is_in_the_manifest(real_site):
    """anchors.txt keeps what the model publishes (check --update-manifest adds new ones)."""
    from sitegen import manifest
    from sitegen.errors import Problems
    from sitegen.pipeline import Options

    site, _ = real_site
    recorded = {e.address for e in manifest.read(Options.manifest, Problems())}
    assert [a for a in addresses.published(site) if a not in recorded] == []


def test_gbt_7714_references(real_site):
    """What 复制参考文献 is made of (docs/citations.md); the browser adds the date and the URL."""
    site, _ = real_site
    doc, art7 = provision(site, "yrd-decision/7")
    plan, item4 = provision(site, "digital-trade-plan/4")
    title = "浙江省人民代表大会常务委员会关于促进长三角科技创新协同发展的决定"
    assert (
        addresses.reference(doc)
        == f"浙江省人民代表大会常务委员会. {title}{{where}}[EB/OL]. (2025-07-31)[{{date}}]. {{url}}"
    )
    assert addresses.reference_where(art7.paragraphs[1]) == ": 第七条第二款"
    assert addresses.reference_where(art7) == ": 第七条"
    assert addresses.reference_where(item4.paragraphs[0]) == ": 第三部分第（四）项"
    assert addresses.reference_where() == ""
    assert addresses.reference(plan, addresses.reference_where(item4), "2026-03-06", "https://x.org/4.html") == (
        "中共浙江省委办公厅, 浙江省人民政府办公厅. 浙江省数字贸易改革创新实施方案: 第三部分第（四）项[EB/OL]. "
        "(2025-05-08)[2026-03-06]. https://x.org/4.html"
    )
    assert addresses.citation(doc) == f"《{title}》"


def test_the_offline_copy_and_the_printed_codes(real_site):
    site, _ = real_site
    for path in ("index.html", "search-index.js", "static/site.js", "yrd-decision/7.html", "glossary/terms.js"):
        assert addresses.in_offline_copy(path), path
    for path in ("pagefind/pagefind.js", "sitemap.xml", "robots.txt", "404.html", "offline.zip", ".sitegen"):
        assert not addresses.in_offline_copy(path), path
    assert "offline.zip" in addresses.published(site)
    assert "offline.zip" not in addresses.published(site, full=False)
    codes = addresses.printed_codes(site)
    assert "yrd-decision/7.html" in codes and "yrd-decision/7.html#art-7-p2" in codes
    assert "digital-trade-plan/4.html#item-4-p1" not in codes  # one paragraph: the page's code
    assert not [c for c in codes if c.endswith("index.html")]
    assert addresses.url_of("https://x.org/", "yrd-decision/index.html#art-7") == "https://x.org/yrd-decision/#art-7"


# --- the locator: every level's address from its path (docs/architecture.md#locators) -------------

LEGAL, POLICY = addresses.LEGAL, addresses.POLICY


@pytest.mark.parametrize(
    "family, steps, anchor, page, where",
    [
        (LEGAL, [("article", 12)], "art-12", "law/12.html", "第十二条"),
        (LEGAL, [("article", 133, 1)], "art-133-1", "law/133-1.html", "第一百三十三条之一"),
        (LEGAL, [("article", 1260)], "art-1260", "law/1260.html", "第一千二百六十条"),
        (LEGAL, [("book", 2)], "book-2", "law/book-2.html", "第二编"),
        (LEGAL, [("book", 2), ("chapter", 4)], "book-2-chapter-4", "law/book-2-chapter-4.html", "第二编第四章"),
        (LEGAL, [("chapter", 3)], "chapter-3", "law/chapter-3.html", "第三章"),
        (LEGAL, [("supplementary", 0)], "supplementary", "law/supplementary.html", "附则"),
        (LEGAL, [("group", 2), ("article", 5)], "group-2-art-5", "law/group-2-5.html", "二、第五条"),
        (LEGAL, [("annex", 2)], "annex-2", "law/annex-2.html", "附件2"),
        (LEGAL, [("annex", 0)], "annex", "law/annex.html", "附件"),
        (LEGAL, [("table", 1)], "table-1", "law/table-1.html", "附表1"),
        (POLICY, [("part", 3), ("item", 4)], "part-3-item-4", "law/part-3-4.html", "第三部分第（四）项"),
        (POLICY, [("item", 4)], "item-4", "law/4.html", "第（四）项"),
    ],
)
def test_every_level_is_addressed_from_its_locator(family, steps, anchor, page, where):
    loc = addresses.locator("law", family, *steps)
    assert (loc.anchor, loc.page, loc.where()) == (anchor, page, where)
    assert addresses.parse_stem(loc.stem, family) == tuple((*s, 0)[:3] for s in steps)


def test_units_inside_a_provision_are_on_its_page_and_cited_down_to_the_mu():
    from sitegen.levels import level

    art = addresses.locator("law", LEGAL, ("article", 12))
    para = art.child(level(LEGAL, "paragraph"), 2)
    point = para.child(level(LEGAL, "point"), 3)
    sub = point.child(level(LEGAL, "subpoint"), 1)
    assert (sub.anchor, sub.page) == ("art-12-p2-i3-s1", "law/12.html")
    assert sub.where() == "第十二条第二款第（三）项第1目"
    sole = art.child(level(LEGAL, "paragraph"), 1, cited=False).child(level(LEGAL, "point"), 3)
    assert (sole.anchor, sole.where()) == ("art-12-p1-i3", "第十二条第（三）项")  # a sole 款 is not named


@pytest.mark.parametrize(
    "text, family, steps",
    [
        ("第十二条第二款第（三）项", LEGAL, (("article", 12, 0), ("paragraph", 2, 0), ("point", 3, 0))),
        ("第一百三十三条之一", LEGAL, (("article", 133, 1),)),
        ("第二编第四章", LEGAL, (("book", 2, 0), ("chapter", 4, 0))),
        (
            "第十二条第二款第(三)项第1目",
            LEGAL,
            (("article", 12, 0), ("paragraph", 2, 0), ("point", 3, 0), ("subpoint", 1, 0)),
        ),
        ("第三部分第（四）项", POLICY, (("part", 3, 0), ("item", 4, 0))),
    ],
)
def test_a_citation_reads_back_into_the_steps_that_made_it(text, family, steps):
    """The inverse of Locator.where, derived from the same table: what cross-references resolve with."""
    assert addresses.parse_citation(text, family) == steps
    assert addresses.reference_pattern(family).fullmatch(text)
    assert addresses.parse_citation("第十二条规定的", family) is None
