"""Downloads: each document as Markdown, plain text and JSON (schema: docs/document.schema.json).

All three walk the document's division tree in reading order; addresses and citations come
from the units' locators (sitegen/addresses.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from . import addresses
from .addresses import citation
from .link import Links
from .model import GAP, Division, Document, Item, Paragraph, Provision, Site

JSON_SCHEMA = "https://zj-policy.example.org/schema/document-v2.json"


def _front_matter_and_body(text: str) -> tuple[str, str]:
    end = text.find("\n---\n", 3)
    return text[4 : end + 1], text[end + 5 :]


def _heading(prov: Provision) -> str:
    """七、联合攻关… / 第十二条 标题 / 第十二条 (a 条 without a title)."""
    return prov.display_label + (" " if prov.separator and prov.title else "") + prov.title


def _walk(units: tuple, depth: int = 0) -> Iterator[tuple[int, Division | Provision]]:
    """Every division and provision in reading order, with its depth in the tree."""
    for unit in units:
        yield depth, unit
        if isinstance(unit, Division):
            yield from _walk(unit.children, depth + 1)


def _division_heading(division: Division) -> str:
    """第一章 总则 / 三、拓展… / 附则 / 七、〔原文缺失〕 (a heading the source lost)."""
    return division.heading + (GAP if division.title is None else "")


def as_markdown(doc: Document) -> str:
    """The document file as written, then each division as a heading and each provision with
    its YAML in a fenced block, under a heading one level below its division's."""
    out = [doc.markdown_file.rstrip("\n"), ""]
    for depth, unit in _walk(doc.body):
        level = "#" * min(2 + depth, 6)
        if isinstance(unit, Division):
            out += [f"{level} {_division_heading(unit)}", ""]
            continue
        yaml_text, body = _front_matter_and_body(unit.markdown_file)
        out += [
            f"{level} {_heading(unit)}",
            "",
            "```yaml",
            yaml_text.rstrip("\n"),
            "```",
            "",
            body.strip("\n"),
            "",
        ]
    return "\n".join(out)


def as_text(doc: Document, site: Site) -> str:
    """Readable UTF-8 text: labels in front of each provision, gaps marked, notes at the end."""
    out = [doc.title, ""]
    if doc.history:
        out += [*doc.history, ""]
    for section in doc.front:
        out += [block.text for block in section.blocks] + [""]
    out += _text_lines(doc.text_units)
    for section in doc.closing:  # the 落款 and 成文日期, before the 附件
        out += [block.text for block in section.blocks] + [""]
    out += _text_lines(doc.after_units)
    out += ["校勘说明", ""] + [f"{i}. {n}" for i, n in enumerate(doc.editorial_notes, 1)]
    out += [
        "",
        f"来源：{doc.source_description}校勘所据文件：{doc.source_name}。"
        + (f"原文网址：{doc.source_url}" if doc.source_url else ""),
        f"网址：{site.config.base_url}{addresses.path_of(doc)}",
        "",
    ]
    return "\n".join(out)


def _text_lines(units: tuple) -> list[str]:
    out: list[str] = []
    for _, unit in _walk(units):
        if isinstance(unit, Division):
            out.append(_division_heading(unit))
            out += [f"{gap.label}{GAP}" for gap in unit.missing]
            if unit.title is None and not unit.children and not unit.missing:
                out.append(f"{GAP}来源缺少本{unit.level.name}的标题和正文。")
            out.append("")
            continue
        if unit.own_text:  # a division's own text, under its heading
            out += [line for p in unit.paragraphs for line in _paragraph_lines(p)] + [""]
            continue
        if unit.level.after:  # 附件1 and its title, a line of their own above its text
            out.append(unit.display_label + (unit.separator if unit.title else "") + unit.title)
            out += [line for p in unit.paragraphs for line in _paragraph_lines(p)] + [""]
            continue
        for para in unit.paragraphs:
            lines = _paragraph_lines(para)
            if para.index == 1:
                gap = f"{GAP}……" if unit.incomplete == "start" else ""
                lines[0] = unit.display_label + unit.separator + gap + lines[0]
            out += lines
        out.append("")
    return out


def _paragraph_lines(para: Paragraph) -> list[str]:
    """A 款 as lines: its text (a table row by row), then each 项 and 目 on a line of its own."""
    lines = para.text.split("\n") if para.table else [para.text]
    return lines + _point_lines(para.items)


def _point_lines(items: tuple[Item, ...]) -> list[str]:
    out = []
    for item in items:
        out.append(item.label + item.text)
        out += [text for _, text in item.more]
        out += _point_lines(item.items)
    return out


def _points_json(doc: Document, items: tuple[Item, ...], page: str) -> list[dict]:
    out = []
    for item in items:
        data = {
            "index": item.index,
            "label": item.label,
            "id": item.anchor,
            "url": f"{page}#{item.anchor}",
            "citation": citation(doc, item),
            "text": item.text,
        }
        if item.more:
            data["more"] = [text for _, text in item.more]
        if item.items:
            data["items"] = _points_json(doc, item.items, page)
        out.append(data)
    return out


def _paragraph_json(doc: Document, para: Paragraph, page: str) -> dict:
    data = {
        "index": para.index,
        "id": para.anchor,
        "url": f"{page}#{para.anchor}",
        "citation": citation(doc, para),
        "text": para.full_text,
    }
    if para.table:
        data["table"] = para.markdown
    if para.items:  # only where the 款 has 项: the downloads of documents without stay as they were
        data["lead"] = para.text
        data["items"] = _points_json(doc, para.items, page)
    return data


def _url(site: Site, unit: Division | Provision) -> str:
    return addresses.canonical(site.config.base_url, unit.page)


def _division_json(doc: Document, division: Division, site: Site) -> dict:
    data: dict = {
        "level": division.kind,
        "number": division.number,
        "label": division.label,
        "title": division.title,
        "id": division.anchor,
        "url": f"{_url(site, division)}#{division.anchor}",
        "citation": citation(doc, division),
    }
    if division.missing:
        data["missing"] = [{"label": g.label, "id": g.anchor} for g in division.missing]
    data["contents"] = [
        _division_json(doc, c, site) if isinstance(c, Division) else {"provision": c.key} for c in division.children
    ]
    return data


def _provision_json(doc: Document, prov: Provision, site: Site, links: Links) -> dict:
    page = _url(site, prov)
    part = next((d.number for d in doc.trail(prov) if d.kind == "part"), None)
    return {
        "key": prov.key,
        "kind": prov.kind,
        "number": prov.number,
        "label": prov.label,
        "title": prov.title,
        "title_is_editorial": prov.title_is_editorial,
        "part": part,
        "id": prov.anchor,
        "url": f"{page}#{prov.anchor}",
        "citation": citation(doc, prov),
        "incomplete": prov.incomplete,
        "topics": list(prov.topics),
        "related": [{"to": b.provision.key, "reason": b.reason} for b in links.related[prov.key]],
        "notes": [{"paragraph": n.paragraph, "text": n.text} for n in prov.notes],
        "paragraphs": [_paragraph_json(doc, p, page) for p in prov.paragraphs],
    }


def as_json(doc: Document, site: Site, links: Links) -> str:
    parts = [d for d in doc.body if isinstance(d, Division) and d.kind == "part"]
    data = {
        "$schema": JSON_SCHEMA,
        "slug": doc.slug,
        "title": doc.title,
        "short_title": doc.short_title,
        "doc_type": doc.doc_type,
        "category": doc.category,
        "structure": doc.structure,
        "issuer": list(doc.issuer),
        "history": list(doc.history),
        "dates": dict(doc.dates),
        "number": doc.number,
        "status": doc.status,
        "language": site.config.language,
        "url": site.config.base_url + addresses.path_of(doc),
        "source": {"file": doc.source_name, "description": doc.source_description, "url": doc.source_url},
        "editorial_notes": list(doc.editorial_notes),
        "parts": [
            {
                "number": p.number,
                "label": p.label,
                "heading": p.title,
                "id": p.anchor,
                "missing_items": [g.locator.number for g in p.missing],
            }
            for p in parts
        ],
        "divisions": [_division_json(doc, d, site) for d in doc.body if isinstance(d, Division)],
        "sections": [
            {"id": s.anchor, "blocks": [{"kind": b.kind, "text": b.text} for b in s.blocks]} for s in doc.sections
        ],
        "provisions": [_provision_json(doc, p, site, links) for p in doc.provisions],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def downloads(site: Site, links: Links) -> dict[str, str]:
    files = {}
    for doc in site.documents:
        files[addresses.download(doc.slug, "md")] = as_markdown(doc)
        files[addresses.download(doc.slug, "txt")] = as_text(doc, site)
        files[addresses.download(doc.slug, "json")] = as_json(doc, site, links)
    return files
