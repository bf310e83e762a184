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
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


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
