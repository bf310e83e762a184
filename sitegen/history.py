"""What a document says about itself under its title (docs/content-format.md#importing).

The lines under a law's title record its history: 通过, 公布, 修正, 修订, 施行, each with a
date and the body that acted, sometimes in a bracketed 题注 （2030年3月1日…会议通过）; a 公文
carries its 发文字号 there. These lines are text of the document: the importer keeps them
verbatim (`history:` in `_document.md`) and reads from them, here, the document's dates,
its issuer and, from the issuer, its category. The title gives its type and short title.

Nothing here guesses: a date or an issuer the lines do not give stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .levels import cn_value

_CN_DIGIT = "〇零一二三四五六七八九十"
DATE = re.compile(
    r"(?P<y>[0-9０-９]{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
# What a history line records, and the date field it gives (the first of each kind, but
# 修正/修订, where the last counts: the document's text is as last amended).
ACTIONS = (
    ("修正", "date_amended"),
    ("修订", "date_amended"),
    ("修改", "date_amended"),
    ("公布施行", "date_promulgated"),
    ("通过", "date_passed"),
    ("批准", "date_passed"),
    ("公布", "date_promulgated"),
    ("发布", "date_promulgated"),
    ("印发", "date_issued"),
    ("施行", "date_effective"),
    ("实施", "date_effective"),
    ("生效", "date_effective"),
)
_VERBS = "|".join(a for a, _ in ACTIONS)
# 通过的《…修正案》 / 《关于修改…的决定》修正: a line about an amendment, whatever its last verb.
_AMENDMENT = re.compile(
    r"通过的《|《[^》]*(修正案|修改|决定)[^》]*》.*(修正|修订)|第[一二三四五六七八九十]+次(修正|修订)"
)
HISTORY_LINE = re.compile(rf"^[（(]?\s*{DATE.pattern}.*?({_VERBS})")
# 发文字号: 国发〔2020〕1号, 劳社部发[2008]3号, 法释〔2021〕12号, 国务院令第481号, 主席令第二十号.
DOC_NUMBER = re.compile(
    r"^[（(]?[\u4e00-\u9fff]{1,12}[〔\[［(（][0-9０-９]{4}[〕\]］)）]\s*[0-9０-９]+\s*号[）)]?$"
    r"|^[（(]?[\u4e00-\u9fff]{0,14}令\s*第\s*[0-9０-９一二三四五六七八九十百零〇]+\s*号[）)]?$"
)
ORGAN = re.compile(
    r"(人民代表大会常务委员会|人民代表大会|人民政府|办公厅|委员会|总局|管理局|银行|部|署|局|院|厅|办|会)$"
)
# The category of a document, from its issuer (docs/content-format.md#importing).
CATEGORIES = (
    ("全国人民代表大会", "法律"),
    ("最高人民法院", "司法解释"),
    ("最高人民检察院", "司法解释"),
    ("国务院办公厅", "规范性文件"),
    ("国务院", "行政法规"),
    ("政务院", "行政法规"),
    ("中央军事委员会", "军事法规"),
)
# A local body: a province's (or its capital's) name, or a city's, prefecture's or county's organ.
_LOCAL = re.compile(
    r"^(?:中共)?(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南"
    r"|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)"
    r"|^[\u4e00-\u9fff]{2,8}?(?:市|州|县|区)(?:人民|委员会|党委|政府)"
)

# The type a title ends with, longest first: 实施条例 before 条例, 修正案 before 案.
DOC_TYPES = (
    "实施细则",
    "实施条例",
    "实施办法",
    "实施方案",
    "暂行条例",
    "暂行规定",
    "暂行办法",
    "补充规定",
    "若干规定",
    "修正案",
    "条例",
    "规定",
    "办法",
    "细则",
    "规则",
    "决定",
    "决议",
    "解释",
    "意见",
    "通知",
    "通告",
    "公告",
    "批复",
    "答复",
    "解答",
    "安排",
    "标准",
    "规范",
    "方案",
    "规划",
    "计划",
    "纲要",
    "措施",
    "要点",
    "命令",
    "纪要",
    "法典",
    "宪法",
    "法",
    "典",
)
# A title's bracketed tail that is not its type: （试行）, （2021年）, （十一）.
_TAIL = re.compile(r"[（(][^（）()]*[）)]$")
_PREFIX = "中华人民共和国"


@dataclass
class Facts:
    """What the head of a document gives: each field empty where it gives nothing."""

    dates: dict[str, str] = field(default_factory=dict)  # date_passed … (ISO)
    issuer: list[str] = field(default_factory=list)
    number: str = ""  # 发文字号
    read: list[tuple[int, str]] = field(default_factory=list)  # (line, what was read from it), for messages


def iso(match: re.Match[str]) -> str | None:
    """A DATE match → 2020-05-28, or None if it is not a real date."""
    import datetime as dt

    def value(text: str) -> int:
        text = text.translate(_FULL)
        if text.isdigit():
            return int(text)
        if all(c in "〇零一二三四五六七八九" for c in text) and len(text) == 4:
            return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in text))
        return cn_value(text)

    try:
        return dt.date(value(match["y"]), value(match["m"]), value(match["d"])).isoformat()
    except ValueError:
        return None


_FULL = str.maketrans("０１２３４５６７８９", "0123456789")


def is_history(text: str) -> bool:
    """A line that records an act of the document's history (a date and what was done), or its 发文字号."""
    return bool(
        HISTORY_LINE.match(text)
        or DOC_NUMBER.match(text)
        or re.match(r"^[（(]?(自)?(发布|公布)之日(起)?(施行|生效)[）)]?$", text)
    )


def action(text: str) -> str | None:
    """The date field a history line gives: date_passed, date_amended …"""
    if _AMENDMENT.search(text):
        return "date_amended"
    m = HISTORY_LINE.match(text)
    if not m:
        return None
    tail = text[m.end(0) - len(m.group(m.lastindex or 0)) :]
    best = None
    for verb, name in ACTIONS:  # the last verb of the line says what it records
        at = tail.rfind(verb)
        if at != -1 and (best is None or at > best[0]):
            best = (at, name)
    return best[1] if best else None


def read(lines: list[tuple[int, str]]) -> Facts:
    """Dates, issuer and 发文字号 from the history lines (line number, text)."""
    facts = Facts()
    for number, text in lines:
        if DOC_NUMBER.match(text):
            facts.number = facts.number or text.strip("（）()")
            continue
        m = DATE.search(text)
        name = action(text)
        if m is None or name is None:
            continue
        date = iso(m)
        if date is None:
            continue
        if name != "date_amended" and facts.dates.get(name, date) < date:
            name = "date_amended"  # passed again, later: the amendment this text is (…第1823次会议通过)
        if name == "date_amended" or name not in facts.dates:
            facts.dates[name] = date
            facts.read.append((number, f"{name} {date}"))
        if not facts.issuer and name in ("date_passed", "date_promulgated", "date_issued"):
            who = bodies(text[m.end() :])
            if who:
                facts.issuer = who
                facts.read.append((number, f"issuer {'、'.join(who)}"))
    return facts


def bodies(text: str) -> list[str]:
    """The acting bodies a history line names after its date, as the site names issuers:
    第九届全国人民代表大会第三次会议通过 → 全国人民代表大会; 国务院第159次常务会议通过 → 国务院;
    中华人民共和国国务院令第481号公布 → 国务院; 最高人民法院、最高人民检察院公告公布 → both."""
    text = re.sub(r"第[一二三四五六七八九十百零〇0-9]+届", "", text.strip(" \u3000（）()"))
    m = re.match(
        r"^(?:中华人民共和国)?([\u4e00-\u9fff、]{2,40}?)"
        r"(?:第[一二三四五六七八九十百零〇0-9]+[次号]|令|审判委员会|检察委员会|常务会议|会议|主席团|公告|(?:"
        + _VERBS
        + "))",
        text,
    )
    if m is None:
        return []
    names = [n.removeprefix("中华人民共和国") for n in m.group(1).split("、") if n]
    return names if names and all(ORGAN.search(n) for n in names) else []


def issuers_in_title(title: str) -> list[str]:
    """最高人民法院、最高人民检察院关于… → both; 国务院关于… → 国务院; [] where the title names no body."""
    head, sep, _ = title.partition("关于")
    if not sep or not head:
        return []
    names = [n for n in re.split("[、和与]", head) if n]
    return names if all(ORGAN.search(n) for n in names) else []


def category(issuer: list[str]) -> str:
    """法律, 行政法规, 司法解释, 部门规章, 地方性法规, 地方政府规章, 规范性文件; "" if no issuer is known."""
    if not issuer:
        return ""
    first = issuer[0]
    for known, name in CATEGORIES:
        if first.startswith(known) and (known != "国务院" or first == "国务院"):
            return name
    if _LOCAL.match(first):
        if "人民代表大会" in first:
            return "地方性法规"
        if first.endswith("人民政府"):
            return "地方政府规章"
        return "规范性文件"
    if first.startswith("国务院") or ORGAN.search(first):
        return "部门规章"
    return ""


def doc_type(title: str) -> str:
    """The type a title ends with: 条例, 解释, 修正案, 典 …; "" if none."""
    base = title
    while True:
        trimmed = _TAIL.sub("", base)
        if trimmed == base:
            break
        base = trimmed
    return next((t for t in DOC_TYPES if base.endswith(t)), "")


def short_title(title: str, kind: str) -> str:
    """The title as readers shorten it: 中华人民共和国立法法 → 《立法法》; a long title whose name is
    not its own (最高人民法院关于…的解释) → its type, 《解释》."""
    name = title.removeprefix(_PREFIX)
    if "关于" in name or len(name) > 16:
        return f"《{kind or name[-2:]}》"
    return f"《{name}》"


__all__ = [
    "Facts",
    "DATE",
    "is_history",
    "action",
    "read",
    "bodies",
    "issuers_in_title",
    "category",
    "doc_type",
    "short_title",
    "iso",
]
