"""Real law, imported right: 28 texts of the national corpus chosen for their shapes.

../shared/corpus/national-laws.tar.xz holds 1,504 texts as an editor copies them from official
pages (README there). These are taken from it, imported in one call (`build.py import FILE...
--site`), built and checked, untouched; then read back as a reader would:

* every 条 of the source at its address, with its label as the source writes it, in order
  (刑法's 第一百三十三条之一, 民法典's 第一千二百六十条);
* no character of the source missing from the published .txt (this file's own reading of the
  source, independent of sitegen's proof);
* the structure: 编 whose 章 restart (民法典, 刑法), 分编, unnumbered 附则, 附件, group
  headings (一、…), tables, a 公文 with 文号, 主送机关 and parts, 项 written 一、 inside a 条;
* the head: history lines kept verbatim under the title and read into dates, issuer,
  category and the short title readers use.

The whole corpus is measured by bench/corpus.py (its figures in bench/README.md).
"""

from __future__ import annotations

import difflib
import json
import re
import tarfile
from pathlib import Path

import pytest

from sitegen import check
from sitegen.pipeline import Options, build

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "national-laws.tar.xz"

# file name in the corpus → what it is chosen for
TEXTS = {
    "刑法--刑法.txt": "条之一, 编 with 章 restarting, unnumbered 附则, 附件一/二, 16 history lines",
    "民法典--民法典.txt": "编, 分编, 1,260 条 (over 999), 附则",
    "宪法相关法--立法法(2023-03-13).txt": "章/节, amendment history",
    "宪法相关法--立法法(2015-03-15).txt": "an earlier version of the same work",
    "行政法规--诉讼费用交纳办法(2006-12-19).txt": "行政法规: 国务院令 in the history",
    "行政法规--海洋倾废管理条例(2017-03-01).txt": "项 written 一、 inside a 条, 附件",
    "诉讼与非诉讼程序法--刑事诉讼法(2018-10-26).txt": "a 编 holding 条 directly, typos 第一百二十八 条",
    "行政法规--飞行基本规则(2007-10-18).txt": "several 条 on one line",
    "司法解释--人民法院在线诉讼规则(2021-06-16).txt": "a 司法解释 with a preamble",
    "司法解释--最高人民法院关于严格执行案件审理期限制度的若干规定(2000-09-22).txt": "group headings 一、…",
    "司法解释--最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（四）(2009-10-14).txt": "tables",
    "刑法--刑法修正案（十一）.txt": "an amendment numbered 一、, quoting other 条",
    "宪法--宪法.txt": "序言, markup lines of the page",
    "宪法相关法--香港特别行政区基本法(1990-04-04).txt": "附件一：title",
    "部门规章--关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).txt": "a 公文: 文号, 主送机关, parts",
    "行政法规--国务院关于外商投资企业和外国企业适用增值税、消费税、营业税等税收暂行条例有关问题的通知(1994-02-22).txt": "a 公文 whose 项 restart in each part",
    "司法解释--最高人民法院关于内地与香港特别行政区相互执行仲裁裁决的安排(2000-01-24).txt": "an 安排 numbered 一、 with 项",
    "司法解释--最高人民法院关于适用《婚姻法》若干问题的解释（二）的补充规定(2017-02-28).txt": "an 附件 holding 条 of its own",
    "诉讼与非诉讼程序法--行政复议法(2023-09-01).txt": "a zero-width line",
    "司法解释--人民检察院行政诉讼监督规则（试行）(2016-04-15).txt": "a 章 title wrapped onto the next line",
    "宪法相关法--各级人民代表大会常务委员会监督法(2006-08-27).txt": "a wrapped 章 title with a comma",
    "民法商法--外商投资法(2019-03-15).txt": "a history line broken in two",
    "行政法规--未成年人网络保护条例(2023-10-16).txt": "headings without numbers, 附 则",
    "行政法规--证券公司监督管理条例(2014-07-29).txt": "a 章 the source skips",
    "经济法--环境保护税法(2018-10-26).txt": "附表一",
    "司法解释--最高人民法院关于审理名誉权案件若干问题的解答(1993-08-07).txt": "a 解答 numbered 一、",
    "社会法--职业病防治法(2018-12-29).txt": "one law filed under two categories…",
    "经济法--职业病防治法(2018-12-29).txt": "…imported once",
}
ARTICLE = re.compile(r"^[第笫]\s*([一二三四五六七八九十百千零〇]+)\s*条(之[一二三四五六七八九十]+)?")
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def cn(text: str) -> int:
    """一千二百六十 → 1260 (this file's own reading of a numeral)."""
    total, current = 0, 0
    for c in text:
        if c in DIGITS:
            current = DIGITS[c]
        else:
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[c]
            current = 0
    return total + current


def source_articles(text: str) -> list[str]:
    """The labels of the 条 where lines of the source start: 第X条 and a space, or, with a typo
    (第一百二十八 条…, 笫五十四条), the number that comes next; 第X条规定的… is a reference."""
    out, last = [], 0
    for line in text.split("\n"):
        # 飞行基本规则 runs the 条 of a chapter into one line: each after a space, the next number
        for k, piece in enumerate(re.split(r"(?<=[。；]) +(?=第)", line.strip("\u200b"))):
            m = ARTICLE.match(piece)
            if m is None:
                continue
            spaced = piece[m.end() : m.end() + 1] in (" ", "\u3000")
            number = cn(m.group(1))
            if (spaced and k == 0) or (number == last + 1 and not m.group(2)):
                out.append("".join(m.group(0).split()))
                last = number if not m.group(2) else last
    return out


FULL = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    src = root / "src"
    with tarfile.open(CORPUS) as tar:
        for name in TEXTS:
            member = tar.getmember(f"txt/{name}")
            member.name = name
            tar.extract(member, src, filter="data")
    content = root / "content"
    content.mkdir()
    (content / "topics.yaml").write_text("- {slug: falv, name: 法律, description: 法律。}\n", encoding="utf-8")
    site = root / "site.yaml"
    site.write_text(
        "title: 法律\nshort_title: 法律\ndescription: 真实的法律文本。\nbase_url: https://laws.example.test/\n"
        "language: zh-CN\ndocuments: []\nnav: []\n",
        encoding="utf-8",
    )
    from build import main

    code = main(["import", *(str(src / n) for n in TEXTS), "--content", str(content), "--site", str(site)])
    assert code == 0
    opts = Options(content=content, site_file=site, manifest=None, out=root / "_site", search=False, cache=None)
    build(opts)
    slugs = {}
    for folder in content.iterdir():
        if (folder / "_document.md").is_file():
            doc = (folder / "_document.md").read_text(encoding="utf-8")
            source = re.search(r"^  file: (.*)$", doc, re.M).group(1).strip("'\"")
            slugs[Path(source).name] = folder.name
    return root, opts, slugs


def published(root: Path, slug: str, fmt: str) -> str:
    return (root / "_site" / slug / f"{slug}.{fmt}").read_text(encoding="utf-8")


def page(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_every_text_imports_builds_and_passes_check(corpus, capsys):
    root, opts, slugs = corpus
    assert len(slugs) == len(TEXTS) - 1  # the same law under two categories: imported once
    assert check.run(opts) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "text proved against the source" in out and all(s in out for s in slugs.values())


@pytest.mark.parametrize("name", [n for n in TEXTS if not n.startswith("经济法--职业病")])
def test_every_article_at_its_address_with_its_label(corpus, name):
    root, _, slugs = corpus
    slug = slugs[name]
    want = source_articles((root / "src" / name).read_text(encoding="utf-8"))
    data = json.loads(published(root, slug, "json"))
    got = [
        ("".join(p["label"].split()), p["id"], p["url"])
        for p in data["provisions"]
        if p["kind"] == "article" and ARTICLE.match(p["label"])  # 一、 numbering is not 第X条
    ]
    assert [label for label, _, _ in got] == want
    for label, anchor, url in got:
        assert url.endswith(f"/{slug}/{anchor.replace('art-', '')}.html#{anchor}"), (label, url)


def _source_lines(text: str) -> list[str]:
    """The source as the reader's text: no spaces, no zero-width characters, no markup lines
    (<!-- -->) or table bars, §4's full-width punctuation."""
    out = []
    for line in text.split("\n"):
        line = re.sub("[\u200b\ufeff]", "", line).strip()
        if line.startswith("<!--") or re.fullmatch(r"\|?[\s|:-]+\|?", line or "x"):
            continue
        if line.startswith("|"):
            line = line.replace("|", "")
        line = "".join(line.split())
        line = "".join(
            FULL.get(c, c)
            if not (
                0 < i < len(line) - 1
                and line[i - 1].isascii()
                and line[i - 1].isalnum()
                and line[i + 1].isascii()
                and line[i + 1].isalnum()
            )
            else c
            for i, c in enumerate(line)
        )
        if line:
            out.append(line)
    return out


@pytest.mark.parametrize("name", [n for n in TEXTS if not n.startswith("经济法--职业病")])
def test_no_character_of_the_source_is_missing_from_the_published_text(corpus, name):
    root, _, slugs = corpus
    src = _source_lines((root / "src" / name).read_text(encoding="utf-8"))
    txt = ["".join(ln.split()) for ln in published(root, slugs[name], "txt").split("\n") if ln.strip()]
    lost = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, src, txt, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            a, b = "".join(src[i1:i2]), "".join(txt[j1:j2])
            chars = difflib.SequenceMatcher(None, a, b, autojunk=False)
            kept = sum(block.size for block in chars.get_matching_blocks())
            if kept < len(a):
                lost.append((i1, a[:40], b[:40]))
    assert lost == []


def test_codes_restart_chapters_in_each_book_and_number_articles_through(corpus):
    root, _, slugs = corpus
    code = slugs["民法典--民法典.txt"]
    assert code == "minfadian"
    book3 = page(root, f"{code}/book-3.html")
    assert 'id="book-3-sub-1"' in book3 and 'id="book-3-chapter-1"' in book3  # 第三编 合同, 第一分编 通则
    assert "第一分编" in book3 and "合同" in book3
    chapter = page(root, f"{code}/book-3-chapter-1.html")
    assert "《中华人民共和国民法典》第三编第一章" in chapter
    last = page(root, f"{code}/1260.html")
    assert 'id="art-1260"' in last and "第一千二百六十条" in last
    assert 'id="supplementary"' in page(root, f"{code}/supplementary.html")
    penal = slugs["刑法--刑法.txt"]
    art = page(root, f"{penal}/133-1.html")
    assert 'id="art-133-1"' in art and "《中华人民共和国刑法》第一百三十三条之一" in art
    assert 'id="book-2-chapter-4"' in page(root, f"{penal}/book-2-chapter-4.html")
    annexes = [p for p in json.loads(published(root, penal, "json"))["provisions"] if p["kind"] == "annex"]
    assert [(a["label"], a["id"]) for a in annexes] == [("附件一", "annex-1"), ("附件二", "annex-2")]


def test_the_head_is_kept_under_the_title_and_read(corpus):
    root, _, slugs = corpus
    data = json.loads(published(root, slugs["宪法相关法--立法法(2023-03-13).txt"], "json"))
    assert data["short_title"] == "《立法法》" and data["category"] == "法律"
    assert data["issuer"] == ["全国人民代表大会"]
    assert data["dates"]["date_passed"] == "2000-03-15" and data["dates"]["date_amended"] == "2023-03-13"
    assert data["history"][0].startswith("2000年3月15日") and len(data["history"]) == 3
    html = page(root, f"{slugs['宪法相关法--立法法(2023-03-13).txt']}/index.html")
    assert '<div class="history" id="history"><p>2000年3月15日' in html
    fee = json.loads(published(root, slugs["行政法规--诉讼费用交纳办法(2006-12-19).txt"], "json"))
    assert (fee["issuer"], fee["category"], fee["short_title"]) == (["国务院"], "行政法规", "《诉讼费用交纳办法》")
    court = json.loads(published(root, slugs["司法解释--人民法院在线诉讼规则(2021-06-16).txt"], "json"))
    assert (court["issuer"], court["category"]) == (["最高人民法院"], "司法解释")
    assert "date_effective" in court["dates"]
    # an earlier version of the same work: its own folder, dated, until versions exist
    assert slugs["宪法相关法--立法法(2015-03-15).txt"] == slugs["宪法相关法--立法法(2023-03-13).txt"] + "-2015-03-15"


def test_group_headings_tables_annexes_and_a_notice(corpus):
    root, _, slugs = corpus
    groups = page(
        root, f"{slugs['司法解释--最高人民法院关于严格执行案件审理期限制度的若干规定(2000-09-22).txt']}/index.html"
    )
    assert 'id="group-1"' in groups and re.search(r'<section class="group" id="group-1">\s*<h2', groups)
    table = page(
        root,
        f"{slugs['司法解释--最高人民法院、最高人民检察院关于执行《刑法》确定罪名的补充规定（四）(2009-10-14).txt']}/index.html",
    )
    assert "<table>" in table and "<td>第151条第3款 （《刑法修正案（七）》第1条）</td>" in table
    notice = json.loads(
        published(root, slugs["部门规章--关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).txt"], "json")
    )
    assert notice["structure"] == "公文型" and notice["number"] == "劳社部发[2008]3号"
    assert [s["id"] for s in notice["sections"]][:2] == ["addressee", "preamble"]
    assert [p["heading"] for p in notice["parts"]][:2] == ["制度工作时间的计算", "日工资、小时工资的折算"]
    restart = json.loads(
        published(root, slugs[next(n for n in TEXTS if "外商投资企业和外国企业适用增值税" in n)], "json")
    )
    keys = [p["key"].split("/")[1] for p in restart["provisions"] if p["kind"] == "item"]
    assert keys[:2] == ["part-1-1", "part-1-2"] and "part-2-1" in keys
    sea = json.loads(published(root, slugs["行政法规--海洋倾废管理条例(2017-03-01).txt"], "json"))
    art3 = next(p for p in sea["provisions"] if p["id"] == "art-3")
    assert [i["label"] for i in art3["paragraphs"][0]["items"]] == ["一、", "二、", "三、", "四、"]
    hk = json.loads(published(root, slugs["宪法相关法--香港特别行政区基本法(1990-04-04).txt"], "json"))
    annex = next(p for p in hk["provisions"] if p["kind"] == "annex")
    assert (annex["label"], annex["title"]) == ("附件一：", "香港特别行政区行政长官的产生办法")
