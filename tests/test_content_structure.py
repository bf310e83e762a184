"""Structure of content/: front matter, numbering, topics, relations, notes.

Reads content/ with PyYAML only; imports nothing from the project.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import content
import yaml
from content import CN

CONTENT = Path(__file__).resolve().parents[1] / "content"
DEC = "yrd-decision"
PLAN = "digital-trade-plan"
DECISION_NUMBERS = list(range(1, 20))
PLAN_ITEMS = list(range(3, 26))
PLAN_MISSING_ITEMS = [1, 2]
# Paragraphs (段) of every plan item. The plan is set in columns 37 lines tall: a blank
# line that splits a word is a column break (joined); a blank line after a full stop in
# mid-column is a paragraph break. That makes （十二） two paragraphs (blank seed line 211)
# and （十三） three (blank seed lines 224 and 230); every other item is one paragraph.
# test_content_fidelity.py derives the same counts from the seed's line numbers.
PLAN_ITEM_PARAGRAPHS = {n: 1 for n in range(3, 26)} | {12: 2, 13: 3}
SLUG_RE = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
PROVISION_KEYS = {"number", "label", "part", "title", "topics", "related", "notes", "incomplete"}


def read_md(path: Path) -> tuple[dict, str]:
    return content.split(path)


def paragraphs(body: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", body.strip("\n")) if p.strip()]


def topics() -> list[dict]:
    return yaml.safe_load((CONTENT / "topics.yaml").read_text(encoding="utf-8"))


def provision_files() -> dict[str, Path]:
    """'yrd-decision/7' -> path, 'digital-trade-plan/part-9' -> path."""
    out = {}
    for n in DECISION_NUMBERS:
        out[f"{DEC}/{n}"] = CONTENT / DEC / f"{n:02d}.md"
    for n in PLAN_ITEMS:
        out[f"{PLAN}/{n}"] = CONTENT / PLAN / f"{n:02d}.md"
    out[f"{PLAN}/part-9"] = CONTENT / PLAN / "part-9.md"
    return out


def all_provisions() -> dict[str, tuple[dict, str]]:
    return {k: read_md(p) for k, p in provision_files().items()}


# ---------------------------------------------------------------- files


def test_exactly_the_expected_files():
    dec = sorted(p.name for p in (CONTENT / DEC).glob("*.md"))
    assert dec == sorted(["_document.md"] + [f"{n:02d}.md" for n in DECISION_NUMBERS])
    plan = sorted(p.name for p in (CONTENT / PLAN).glob("*.md"))
    assert plan == sorted(["_document.md", "part-9.md"] + [f"{n:02d}.md" for n in PLAN_ITEMS])


def test_no_raw_html_and_clean_files():
    for d in (DEC, PLAN):
        for p in (CONTENT / d).glob("*.md"):
            text = p.read_text(encoding="utf-8")
            assert not re.search(r"<[A-Za-z!/]", text), f"{p}: raw HTML"
            assert text.endswith("\n") and not text.endswith("\n\n"), f"{p}: end of file"
            assert "\r" not in text and "\t" not in text, f"{p}: CR or tab"


# ---------------------------------------------------------------- topics


def test_topics_file():
    ts = topics()
    assert isinstance(ts, list) and len(ts) >= 14
    slugs = [t["slug"] for t in ts]
    assert len(slugs) == len(set(slugs)), "duplicate topic slug"
    names = [t["name"] for t in ts]
    assert len(names) == len(set(names)), "duplicate topic name"
    for t in ts:
        assert set(t) == {"slug", "name", "description"}, t
        assert SLUG_RE.match(t["slug"]), t["slug"]
        assert CJK_RE.search(t["name"]) and "\n" not in t["name"]
        assert CJK_RE.search(t["description"]) and "\n" not in t["description"].strip()


def test_every_topic_exists_and_is_used():
    known = {t["slug"] for t in topics()}
    used = set()
    for key, (fm, _) in all_provisions().items():
        ts = fm["topics"]
        assert isinstance(ts, list) and 1 <= len(ts) <= 4, f"{key}: 1–4 topics"
        assert len(ts) == len(set(ts)), f"{key}: duplicate topic"
        for t in ts:
            assert t in known, f"{key}: unknown topic {t}"
        used |= set(ts)
    assert known - used == set(), f"unused topics: {sorted(known - used)}"


# ---------------------------------------------------------------- provisions


@pytest.mark.parametrize("n", DECISION_NUMBERS)
def test_decision_provision_front_matter(n):
    fm, body = read_md(CONTENT / DEC / f"{n:02d}.md")
    assert set(fm) <= PROVISION_KEYS and {"number", "label", "title", "topics"} <= set(fm)
    assert fm["number"] == n and type(fm["number"]) is int
    assert fm["label"] == CN[n]
    assert "part" not in fm
    assert isinstance(fm["title"], str) and 4 <= len(fm["title"]) <= 12, "editorial heading: 4–12 chars"
    assert CJK_RE.search(fm["title"])
    assert "incomplete" not in fm
    assert paragraphs(body)


def test_decision_paragraph_counts():
    counts = {n: len(paragraphs(read_md(CONTENT / DEC / f"{n:02d}.md")[1])) for n in DECISION_NUMBERS}
    assert counts[11] == 4
    assert counts[19] == 2
    assert paragraphs(read_md(CONTENT / DEC / "19.md")[1])[1] == "本决定自2025年9月1日起施行。"


@pytest.mark.parametrize("n", PLAN_ITEMS)
def test_plan_item_front_matter(n):
    fm, body = read_md(CONTENT / PLAN / f"{n:02d}.md")
    assert set(fm) <= PROVISION_KEYS and {"number", "label", "part", "title", "topics"} <= set(fm)
    assert fm["number"] == n and type(fm["number"]) is int
    assert fm["label"] == f"（{CN[n]}）"
    parts = {p["number"] for p in plan_parts()}
    assert fm["part"] in parts
    paras = paragraphs(body)
    assert len(paras) == PLAN_ITEM_PARAGRAPHS[n], (
        f"item {n}: {len(paras)} paragraphs, expected {PLAN_ITEM_PARAGRAPHS[n]}"
    )
    if n == 3:
        assert fm.get("incomplete") == "start" and fm["part"] == 2
    else:
        assert "incomplete" not in fm
        assert fm["title"].endswith("。") and fm["title"].count("。") == 1
        assert paras[0].startswith(fm["title"])


def test_plan_items_parts_in_order():
    seq = [read_md(CONTENT / PLAN / f"{n:02d}.md")[0]["part"] for n in PLAN_ITEMS]
    assert seq == sorted(seq)
    expected = {
        3: 2,
        4: 3,
        5: 3,
        6: 3,
        7: 4,
        8: 4,
        9: 4,
        10: 5,
        11: 5,
        12: 5,
        13: 6,
        14: 6,
        15: 6,
        16: 6,
        17: 6,
        18: 7,
        19: 7,
        20: 7,
        21: 7,
        22: 8,
        23: 8,
        24: 8,
        25: 8,
    }
    assert dict(zip(PLAN_ITEMS, seq, strict=False)) == expected


def test_plan_part_9():
    fm, body = read_md(CONTENT / PLAN / "part-9.md")
    assert not {"number", "label", "title", "part", "incomplete"} & set(fm)  # its division gives them
    assert next(p for p in plan_parts() if p["number"] == 9) == {
        "number": 9,
        "label": "九",
        "heading": "组织保障",
        "first": "part-9",
        "missing": [],
    }
    assert len(paragraphs(body)) == 1


def test_related_targets_exist():
    provs = all_provisions()
    pairs = set()
    for key, (fm, _) in provs.items():
        rel = fm.get("related") or []
        assert isinstance(rel, list) and len(rel) <= 3, f"{key}: at most 3 related"
        for r in rel:
            assert set(r) == {"to", "reason"}, f"{key}: {r}"
            assert r["to"] in provs, f"{key}: related target {r['to']} does not exist"
            assert r["to"] != key, f"{key}: relates to itself"
            assert isinstance(r["reason"], str) and CJK_RE.search(r["reason"]) and "\n" not in r["reason"]
            assert (key, r["to"]) not in pairs, f"{key}: duplicate relation"
            pairs.add((key, r["to"]))
    for a, b in pairs:
        assert (b, a) not in pairs, f"relation {a} <-> {b} listed in both directions"
    # the relations the briefs ask for (issue 28 added the last six; a repeated text, 第十七条第四款,
    # is an editorial note, not a relation)
    for pair in [
        (f"{DEC}/16", f"{PLAN}/22"),
        (f"{DEC}/11", f"{PLAN}/25"),
        (f"{DEC}/15", f"{PLAN}/23"),
        (f"{DEC}/4", f"{DEC}/10"),
        (f"{DEC}/8", f"{DEC}/15"),
        (f"{DEC}/2", f"{DEC}/8"),
        (f"{PLAN}/3", f"{PLAN}/15"),
        (f"{PLAN}/14", f"{PLAN}/17"),
        (f"{PLAN}/12", f"{DEC}/8"),
    ]:
        assert pair in pairs or pair[::-1] in pairs, pair
    for pair in [(f"{DEC}/14", f"{DEC}/17"), (f"{DEC}/14", f"{PLAN}/24"), (f"{DEC}/19", f"{PLAN}/part-9")]:
        assert pair not in pairs and pair[::-1] not in pairs, pair


SHORT_TITLE = {DEC: "《决定》", PLAN: "《方案》"}


def provision_name(key: str, seen_from: str) -> str:
    """How a reason names a provision: 第十四条 / 第（七）项 / 第九部分, with the document's
    short title when the relation crosses documents."""
    doc, num = key.split("/")
    if num.startswith("part-"):
        name = f"第{CN[int(num[5:])]}部分"
    elif doc == DEC:
        name = f"第{CN[int(num)]}条"
    else:
        name = f"第（{CN[int(num)]}）项"
    return name if doc == seen_from.split("/")[0] else SHORT_TITLE[doc] + name


def test_related_reasons_read_true_from_both_pages():
    """A reason is shown on both provisions' pages: it names both, never 本条/本项/本款."""
    bad = []
    for key, (fm, _) in all_provisions().items():
        for r in fm.get("related") or []:
            reason = r["reason"]
            if re.search(r"本(?:条|项|款|段|部分)", reason):
                bad.append(f"{key} -> {r['to']}: says 本条/本项/本款: {reason}")
            for end in (key, r["to"]):
                name = provision_name(end, r["to"] if end == key else key)
                if name not in reason:
                    bad.append(f"{key} -> {r['to']}: does not name {name}: {reason}")
    assert not bad, "\n".join(bad)


def test_provision_names_in_reasons():
    assert provision_name(f"{DEC}/14", f"{DEC}/17") == "第十四条"
    assert provision_name(f"{PLAN}/24", f"{DEC}/14") == "《方案》第（二十四）项"
    assert provision_name(f"{PLAN}/part-9", f"{DEC}/19") == "《方案》第九部分"
    assert provision_name(f"{PLAN}/7", f"{PLAN}/8") == "第（七）项"


def test_notes_point_at_existing_paragraphs():
    for key, (fm, body) in all_provisions().items():
        n_paras = len(paragraphs(body))
        for note in fm.get("notes") or []:
            assert set(note) == {"paragraph", "text"}, f"{key}: {note}"
            assert type(note["paragraph"]) is int and 1 <= note["paragraph"] <= n_paras, (
                f"{key}: note on paragraph {note['paragraph']}, has {n_paras}"
            )
            assert isinstance(note["text"], str) and CJK_RE.search(note["text"])


def test_required_notes_present():
    provs = all_provisions()
    want = {
        f"{DEC}/3": 2,
        f"{DEC}/7": 1,
        f"{DEC}/9": 1,
        f"{DEC}/11": 3,
        f"{DEC}/15": 1,
        f"{DEC}/17": 4,
        f"{DEC}/19": 2,
        f"{PLAN}/3": 1,
        f"{PLAN}/7": 1,
        f"{PLAN}/12": 1,
        f"{PLAN}/15": 1,
    }
    for key, para in want.items():
        notes = provs[key][0].get("notes") or []
        assert any(x["paragraph"] == para for x in notes), f"{key}: note on paragraph {para} missing"
    # every paragraph break of the plan that the column rule decides carries its reason
    for n in (12, 13):
        fm, body = provs[f"{PLAN}/{n}"]
        for k in range(2, len(paragraphs(body)) + 1):
            assert any(x["paragraph"] == k and "分段" in x["text"] and "37行" in x["text"] for x in fm["notes"]), (
                f"item {n}: paragraph {k} has no note on its break"
            )
    assert "”" in provs[f"{PLAN}/3"][1][:12] and any("后引号" in x["text"] for x in provs[f"{PLAN}/3"][0]["notes"])
    assert any("施行日期" in x["text"] for x in provs[f"{DEC}/19"][0]["notes"])


def test_no_note_says_the_same_thing_twice():
    """One note per edit: no two notes of a provision, and no two 校勘说明 lines, name the same split word."""
    splits = re.compile(r"“([^“”]+\|[^“”]+)”")
    for key, (fm, _) in all_provisions().items():
        seen = [m for x in fm.get("notes") or [] for m in splits.findall(x["text"])]
        assert len(seen) == len(set(seen)), f"{key}: the same break is noted twice: {seen}"
    for doc in (dec_doc, plan_doc):
        notes = doc()[0]["editorial_notes"]
        seen = [m for x in notes for m in splits.findall(x)]
        assert len(seen) == len(set(seen)), f"校勘说明 notes the same break twice: {seen}"
        for word in ("推动", "赛事", "创业", "智能化水平"):
            assert sum(word in x for x in notes) <= 1, f"校勘说明 has more than one note on {word}"


# ---------------------------------------------------------------- documents


def dec_doc():
    return read_md(CONTENT / DEC / "_document.md")


def plan_doc():
    return read_md(CONTENT / PLAN / "_document.md")


def plan_parts() -> list[dict]:
    """The plan's parts, read from the `divisions:` of its _document.md: number, label, heading
    (None where the source lost it), first (the file of its first provision), missing items."""
    out = []
    for d in plan_doc()[0]["divisions"]:
        if "heading" in d:
            m = re.fullmatch(r"([一二三四五六七八九十]+)、(.+)", d["heading"])
            assert m, d
            number, label, heading = CN.index(m.group(1)), m.group(1), m.group(2)
        else:
            assert d["level"] == "部分" and set(d) <= {"level", "number", "first", "missing"}, d
            number, label, heading = d["number"], CN[d["number"]], None
        first = d.get("first")
        out.append(
            {
                "number": number,
                "label": label,
                "heading": heading,
                "first": str(first) if first else None,
                "missing": d.get("missing", []),
            }
        )
    return out


def check_common_document(fm: dict):
    for k in ("title", "short_title", "doc_type", "issuer", "status", "source", "editorial_notes"):
        assert k in fm, f"missing {k}"
    assert isinstance(fm["issuer"], list) and all(isinstance(i, str) for i in fm["issuer"])
    # where the seed lies for `build.py check`, and the rules it proves the text with (sitegen/fidelity.py)
    assert (
        {"file", "description", "lines"}
        <= set(fm["source"])
        <= {"file", "description", "url", "lines", "moved", "dropped"}
    )
    assert fm["source"]["file"] == "../shared/seed/000_729dac52d8340b0c.txt"
    assert CJK_RE.search(fm["source"]["description"])
    notes = fm["editorial_notes"]
    assert isinstance(notes, list) and notes
    for note in notes:
        assert isinstance(note, str) and note.endswith("。") and "\n" not in note, note


def test_decision_document():
    fm, body = dec_doc()
    check_common_document(fm)
    assert fm["short_title"] == "《决定》" and fm["doc_type"] == "决定"
    assert fm["issuer"] == ["浙江省人民代表大会常务委员会"]
    assert fm["date_passed"] == dt.date(2025, 7, 31)
    assert fm["date_promulgated"] == dt.date(2025, 7, 31)
    assert fm["date_effective"] == dt.date(2025, 9, 1)
    assert fm["number"] == "公告第33号" and fm["status"] == "已生效"
    assert "parts" not in fm
    ids = re.findall(r"^\{#([a-z0-9-]+)\}$", body, flags=re.M)
    assert ids == ["announcement", "preamble"]
    assert body.startswith("{#announcement}\n## 公告\n\n### 浙江省第十四届人民代表大会常务委员会公告\n")
    assert "浙江省人民代表大会常务委员会  \n2025年7月31日\n" in body
    text = " ".join(fm["editorial_notes"])
    for word in ("部署", "推动", "高新技术", "安徽省", "竞争力", "公告第33号", "第十七条", "全角"):
        assert word in text, f"editorial_notes do not mention {word}"


def test_plan_document():
    fm, body = plan_doc()
    check_common_document(fm)
    assert fm["short_title"] == "《方案》" and fm["doc_type"] == "实施方案"
    assert fm["issuer"] == ["中共浙江省委办公厅", "浙江省人民政府办公厅"]
    assert fm["date_issued"] == dt.date(2025, 5, 8)
    assert fm["status"] == "已印发"
    parts = plan_parts()
    assert [p["number"] for p in parts] == list(range(1, 10))
    for p in parts:
        assert (p["heading"] is None) == (p["number"] in (1, 2, 7)), p
        assert p["missing"] == (PLAN_MISSING_ITEMS if p["number"] == 2 else [])
        if p["heading"]:
            assert not p["heading"].startswith(CN[p["number"]] + "、")
    assert "parts" not in fm
    ids = re.findall(r"^\{#([a-z0-9-]+)\}$", body, flags=re.M)
    assert ids == ["notice"]
    assert "\n## 中共浙江省委办公厅 浙江省人民政府办公厅 关于印发《浙江省数字贸易改革创新实施方案》的通知\n" in body
    text = " ".join(fm["editorial_notes"])
    for word in (
        "第一、二部分",
        "（一）（二）",
        "第（三）项",
        "第七部分",
        "赛事",
        "创业",
        "智能化水平",
        "第（十三）项",
        "全角",
    ):
        assert word in text, f"editorial_notes do not mention {word}"


def test_numbering_complete_with_only_known_gaps():
    fm, _ = plan_doc()
    present = set(PLAN_ITEMS)
    missing = {i for p in plan_parts() for i in p["missing"]}
    assert present | missing == set(range(1, 26)) and not present & missing
    assert missing == {1, 2}
