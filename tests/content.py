"""Reads content/ with PyYAML and plain string handling, independently of sitegen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DOCS = ("yrd-decision", "digital-trade-plan")


@dataclass
class Prov:
    doc: str
    stem: str  # "7" / "part-9"
    meta: dict
    paragraphs: list[str]

    @property
    def page(self) -> str:
        return f"{self.doc}/{self.stem}.html"

    @property
    def anchor(self) -> str:
        if self.stem.startswith("part-"):
            return self.stem
        return ("art-" if self.doc == "yrd-decision" else "item-") + self.stem


def split(path: Path) -> tuple[dict, str]:
    """A Markdown file's YAML front matter (a mapping) and its body: the one reader the tests share."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    end = text.index("\n---\n", 4)
    front = yaml.safe_load(text[4:end])
    assert isinstance(front, dict), f"{path}: front matter is not a mapping"
    return front, text[end + 5 :]


def provisions() -> list[Prov]:
    out = []
    for doc in DOCS:
        for path in sorted((CONTENT / doc).glob("*.md")):
            if path.name == "_document.md":
                continue
            meta, body = split(path)
            stem = path.stem if path.stem.startswith("part-") else str(int(path.stem))
            paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
            out.append(Prov(doc, stem, meta, paras))
    return out


def terms() -> list[dict]:
    out = []
    for path in sorted((CONTENT / "glossary").glob("*.md")):
        meta, body = split(path)
        meta["definition"] = body.strip()
        out.append(meta)
    return out


# Chinese numerals as the documents print them, written out here rather than computed by the
# code under test: CN[7] == "七".
CN = [
    None,
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
]
