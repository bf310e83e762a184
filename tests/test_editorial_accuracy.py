"""What an editor with the source beside the site found (issue 28): glossary entries, missing
terms, related provisions, topics, the 校勘说明 and the site's own wording, on the built pages."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml

import content
from htmldom import parse

DEC, PLAN = "yrd-decision", "digital-trade-plan"
TERMS = {t["slug"]: t for t in content.terms()}


def page(site_dir, path):
    return parse((site_dir / path).read_text(encoding="utf-8"))


def term_links(site_dir, path) -> dict[str, str]:
    """slug → linked text, for the glossary links in the text of a page."""
    return {a.attrs["data-term"]: a.text() for a in page(site_dir, path).find_all("a", cls="term")}


# ---------------------------------------------------------------- glossary


def test_offshore_outsourcing_is_not_another_name_for_service_outsourcing(site_dir):
    service = TERMS["fuwu-waibao"]
    assert "离岸外包" not in (service.get("aliases") or [])
    # Domestic outsourcing is not trade: the entry does not make all 服务外包 a kind of 服务贸易.
    assert "服务外包属于服务贸易" not in service["definition"] and "在岸外包" in service["definition"]
    links = term_links(site_dir, f"{PLAN}/6.html")
    assert links.get("lian-waibao") == "离岸外包" and "fuwu-waibao" not in links
    assert term_links(site_dir, f"{PLAN}/5.html").get("fuwu-waibao") == "服务外包"


def test_cross_provincial_zones_are_not_linked_as_national_high_tech_zones(site_dir):
    assert not TERMS["guojia-gaoxin-jishu-chanye-kaifaqu"].get("aliases")
    para = page(site_dir, f"{DEC}/9.html").by_id("art-9-p1")
    linked = [a.text() for a in para.find_all("a", cls="term")]
    assert "国家高新技术产业开发区" in linked and "高新技术产业开发区" not in linked
    assert "跨省域高新技术产业开发区" in para.text()


def test_every_headword_is_spelled_whole_by_its_pinyin():
    """One pinyin syllable per Chinese character of the headword, and its Latin letters and digits
    (G60) as they are: an abbreviation in brackets (DEPA) belongs in the aliases."""
    for term in content.terms():
        han = [c for c in term["term"] if unicodedata.name(c, "").startswith("CJK UNIFIED")]
        latin = re.findall(r"[A-Za-z0-9]+", term["term"])
        words = term["pinyin"].split()
        assert len([w for w in words if w not in latin]) == len(han), (term["slug"], term["pinyin"])
        assert [w for w in words if w in latin] == latin, f"{term['slug']}: {latin} is not in the pinyin"
        assert not re.search(r"[（(][A-Za-z]+[）)]", term["term"]), f"{term['slug']}: an abbreviation in the headword"
    depa = TERMS["shuzi-jingji-huoban-guanxi-xieding"]
    assert depa["term"] == "数字经济伙伴关系协定" and "DEPA" in depa["aliases"]


@pytest.mark.parametrize(
    ("slug", "term", "where"),
    [
        ("keji-lingjun-qiye", "科技领军企业", f"{DEC}/4.html"),
        ("guojia-keji-chengguo-zhuanyi-zhuanhua-shifanqu", "国家科技成果转移转化示范区", f"{DEC}/8.html"),
        ("chuangxinxing-chanye-jiqun", "创新型产业集群", f"{DEC}/9.html"),
        ("guoji-da-kexue-jihua-he-da-kexue-gongcheng", "国际大科学计划和大科学工程", f"{DEC}/12.html"),
        ("baoshui-weixiu", "保税维修", f"{PLAN}/14.html"),
        ("silu-dianshang", "丝路电商", f"{PLAN}/7.html"),
    ],
)
def test_the_terms_the_text_uses_are_in_the_glossary(site_dir, slug, term, where):
    assert TERMS[slug]["term"] == term
    assert term_links(site_dir, where).get(slug) == term
    assert (site_dir / "glossary" / f"{slug}.html").is_file()
    assert page(site_dir, "glossary/index.html").by_id(slug) is not None


# ---------------------------------------------------------------- related provisions


def relations() -> dict[tuple[str, str], str]:
    out = {}
    for prov in content.provisions():
        for r in prov.meta.get("related") or []:
            out[(f"{prov.doc}/{prov.stem}", r["to"])] = r["reason"]
    return out


def reason_of(a: str, b: str) -> str | None:
    rel = relations()
    return rel.get((a, b)) or rel.get((b, a))


def test_a_suspected_error_of_the_source_is_a_note_not_a_relation():
    assert reason_of(f"{DEC}/14", f"{DEC}/17") is None
    assert not [r for r in relations().values() if re.search(r"疑为|来源错误|编者注", r)]


def test_overstated_relations_are_gone_or_reworded():
    assert reason_of(f"{DEC}/14", f"{PLAN}/24") is None  # 金融 is not 财政
    assert reason_of(f"{DEC}/19", f"{PLAN}/part-9") is None  # an evaluation is not a duty to carry out
    six = reason_of(f"{DEC}/6", f"{DEC}/7")
    assert six and "第六条第二款" in six and "第七条第一款" in six


@pytest.mark.parametrize(
    ("a", "b", "names", "shared"),
    [
        (f"{DEC}/4", f"{DEC}/10", ["第四条", "第十条第一款"], "科技领军企业"),
        (f"{DEC}/8", f"{DEC}/15", ["第八条第一款", "第十五条第二款"], "科技成果"),
        (f"{DEC}/2", f"{DEC}/8", ["第二条", "第八条第二款"], "科技成果转化为产业化"),
        (f"{PLAN}/3", f"{PLAN}/15", ["第（三）项", "第（十五）项"], "海外仓"),
        (f"{PLAN}/14", f"{PLAN}/17", ["第（十四）项", "第（十七）项"], "布局"),
        (f"{PLAN}/12", f"{DEC}/8", ["《方案》第（十二）项第一段", "《决定》第八条第二款"], "孵化"),
    ],
)
def test_the_missing_relations_are_there_on_both_pages(site_dir, a, b, names, shared):
    reason = reason_of(a, b)
    assert reason is not None, (a, b)
    for name in names:
        assert name in reason, f"{a}↔{b}: the reason does not name {name}"
    assert reason.count(shared) >= 2, f"{a}↔{b}: what both say ({shared}) is not in both halves"
    for here, there in ((a, b), (b, a)):
        section = page(site_dir, f"{here}.html").find("section", cls="related")
        assert section is not None and reason in section.text(), f"{here}: the relation to {there} is not shown"


def test_related_provisions_are_one_list_without_this_side_and_that(site_dir):
    """A relation reads the same from both pages; which file lists it is nothing to a reader."""
    for prov in content.provisions():
        section = page(site_dir, prov.page).find("section", cls="related")
        if section is None:
            continue
        text = section.text()
        assert "本条关联" not in text and "关联本" not in text, prov.page
        assert [h.text() for h in section.find_all("h3")] == [], prov.page
        assert len(list(section.find_all("ul"))) == 1, prov.page


# ---------------------------------------------------------------- topics


@pytest.mark.parametrize(
    ("topic", "prov"),
    [
        ("keji-jinrong", f"{DEC}/17"),
        ("keji-chengguo-zhuanhua", f"{PLAN}/12"),
        ("kuajing-dianshang", f"{PLAN}/15"),
        ("maoyigang-wuliu", f"{PLAN}/3"),
    ],
)
def test_provisions_are_under_the_topics_they_treat(site_dir, topic, prov):
    doc, stem = prov.split("/")
    hrefs = [a.attrs["href"] for a in page(site_dir, f"topics/{topic}.html").find("main").find_all("a")]
    assert f"../{doc}/{stem}.html" in hrefs


def test_topic_counts_name_each_documents_own_unit(site_dir):
    topics = yaml.safe_load((content.CONTENT / "topics.yaml").read_text(encoding="utf-8"))
    counts = [
        s.text()
        for s in page(site_dir, "topics/index.html").find("ul", cls="topics-list").find_all("span", cls="count")
    ]
    assert len(counts) == len(topics)
    for text in counts:
        assert not re.search(r"《方案》\d+条", text), text
        assert re.fullmatch(r"(《决定》\d+条)?(，)?(《方案》(\d+项)?(、)?(\d+个部分)?)?", text), text
    items = page(site_dir, "topics/index.html").find("ul", cls="topics-list").find_all("li")
    shishi = next(li for li in items if li.find("a", href="shishi-baozhang.html"))
    assert "《决定》2条，《方案》1个部分" in shishi.text()


def test_the_topic_map_says_what_its_rows_and_columns_are(site_dir):
    hints = [p.text() for p in page(site_dir, "topics/index.html").find_all("p", cls="hint")]
    assert len(hints) == 2 and not [h for h in hints if "行为主题" in h]
    assert "每一行是一个主题，每一列依次是各条" in hints[0]
    assert "每一列依次是各项和部分" in hints[1]


# ---------------------------------------------------------------- the 校勘说明 and the source


def plan_notes() -> list[str]:
    return content.split(content.CONTENT / PLAN / "_document.md")[0]["editorial_notes"]


def test_the_plan_notes_tell_once_where_the_missing_items_are_and_how_three_was_inferred():
    notes = plan_notes()
    placing_one_two = [n for n in notes if "（一）（二）" in n and "第二部分" in n and "列在" in n]
    assert len(placing_one_two) == 1
    placing_three = [n for n in notes if "第（三）项归入" in n]
    assert len(placing_three) == 1 and "推定" in placing_three[0] and "第（四）项" in placing_three[0]
    # The first note's list of what is missing agrees with that placement: the part 2 heading is
    # missing, not all of part 2 (it ends with the rest of （三）).
    assert "第一、二部分的标题和正文均缺失" not in "".join(notes)
    item_three = content.split(content.CONTENT / PLAN / "03.md")[0]
    assert item_three["part"] == 2
    assert any("推定" in n["text"] and "见校勘说明" in n["text"] for n in item_three["notes"])


def test_no_note_reads_like_machine_output():
    """Readers do not have the source file's line numbers (a line's place in a column of 37 is
    something a reader can count, and stays)."""
    texts = plan_notes() + content.split(content.CONTENT / DEC / "_document.md")[0]["editorial_notes"]
    texts += [n["text"] for p in content.provisions() for n in p.meta.get("notes") or []]
    assert not [t for t in texts if re.search(r"第(?:3[89]|[4-9]\d|\d{3,})行|\d+—\d+行|来源文件第", t)]


@pytest.mark.parametrize("doc", [DEC, PLAN])
def test_the_source_is_described_in_words_and_claims_nothing_the_source_does_not_show(site_dir, doc):
    meta = content.split(content.CONTENT / doc / "_document.md")[0]
    description = meta["source"]["description"]
    # The seed says nothing of a gazette or a scan, nor where it was published.
    assert not re.search(r"公报|扫描|官方|网站", description)
    assert "未注明出处" in description
    assert "url" not in meta["source"]  # no official link is known (issue 28: left empty)
    editorial = page(site_dir, f"{doc}/index.html").by_id("editorial-notes")
    source = next(p.text() for p in editorial.find_all("p") if p.text().startswith("来源："))
    assert source.startswith("来源：" + description)  # what it is, in words, first
    assert source.endswith("校勘所据文件：000_729dac52d8340b0c.txt。")
    txt = (site_dir / doc / f"{doc}.txt").read_text(encoding="utf-8")
    assert f"来源：{description}校勘所据文件：000_729dac52d8340b0c.txt。" in txt


@pytest.mark.parametrize("doc", [DEC, PLAN])
def test_the_markdown_download_carries_no_editors_comments(site_dir, doc):
    md = (site_dir / doc / f"{doc}.md").read_text(encoding="utf-8")
    front = md.split("\n---\n", 1)[0]
    assert not [line for line in front.splitlines() if re.search(r"\s#\s", line) or line.lstrip().startswith("#")]
    assert not re.search(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}", front.replace("../shared/seed", ""))  # no English prose


# ---------------------------------------------------------------- the site's own words


def test_the_fragmentary_plan_is_not_called_full_text(site_dir):
    plan = page(site_dir, f"{PLAN}/index.html")
    assert "全文" not in plan.find("p", cls="kicker").text() and "现存文本" in plan.find("p", cls="kicker").text()
    assert "全文" not in plan.find("meta", name="description").attrs["content"]
    item = page(site_dir, f"{PLAN}/4.html").find("p", cls="prov-tools")
    assert item.text() == "在现存文本中查看"
    decision = page(site_dir, f"{DEC}/index.html")
    assert decision.find("p", cls="kicker").text() == "决定 · 全文"
    assert page(site_dir, f"{DEC}/4.html").find("p", cls="prov-tools").text() == "在全文中查看"
    home = page(site_dir, "index.html").find("p", cls="lead").text()
    assert "实施方案》现存文本" in home and "校勘全文" not in home


def test_the_footer_claims_only_what_holds_for_every_document(site_dir):
    """The plan's item titles are the items' own lead sentences, not editorial: the footer says
    that only headings marked 编者标题 are the editors'."""
    for path in (f"{PLAN}/4.html", f"{DEC}/7.html", "index.html"):
        footer = page(site_dir, path).find("footer").text()
        assert "条文标题与术语释义为编者所加" not in footer
        assert "标有“编者标题”的条文标题" in footer
    plan_item = page(site_dir, f"{PLAN}/4.html")
    assert plan_item.find("span", cls="ed-mark") is None  # its title is the text's
    assert page(site_dir, f"{DEC}/7.html").find("span", cls="ed-mark").text() == "编者标题"
