"""Downloads: each document as Markdown, plain text and JSON (schema: docs/json-schema.md)."""

from __future__ import annotations

import json

from . import addresses
from .addresses import citation
from .link import Links
from .model import GAP, Chapter, Document, Item, Paragraph, Provision, Site

JSON_SCHEMA = "https://zj-policy.example.org/schema/document-v1.json"


def _front_matter_and_body(text: str) -> tuple[str, str]:
    end = text.find("\n---\n", 3)
    return text[4 : end + 1], text[end + 5 :]


def _heading(prov: Provision) -> str:
    """七、联合攻关… / 第十二条 标题 / 第十二条 (a 条 without a title)."""
    return prov.display_label + (" " if prov.separator and prov.title else "") + prov.title


def _structure_headings(doc: Document, prov: Provision, done: set) -> list[tuple[int, str]]:
    """The 编 / 章 / 节 headings that start before this 条, as (depth, text), each once."""
    chapter = doc.chapter(prov.chapter)
    if chapter is None:
        return []
    out = []
    for book in doc.books:
        if book.number == chapter.book and book.anchor not in done:
            done.add(book.anchor)
            out.append((0, f"{book.name} {book.title}"))
    if chapter.anchor not in done:
        done.add(chapter.anchor)
        out.append((1, f"{chapter.name} {chapter.title}"))
    section = chapter.section(prov.section)
    if section is not None and section.anchor not in done:
        done.add(section.anchor)
        out.append((2, f"{section.name} {section.title}"))
    return out


def as_markdown(doc: Document) -> str:
    """The document file as written, then each provision with its YAML in a fenced block.

    In a document with 章, each 章 (and 节, and 编) is a heading above its first 条, one level up.
    """
    out = [doc.markdown_file.rstrip("\n"), ""]
    done: set[str] = set()
    depth = (1 if doc.books else 0) + (1 if doc.chapters else 0) + (1 if any(c.sections for c in doc.chapters) else 0)
    for prov in doc.provisions:
        for level, text in _structure_headings(doc, prov, done):
            out += ["#" * (2 + level - (0 if doc.books else 1)) + " " + text, ""]
        yaml_text, body = _front_matter_and_body(prov.markdown_file)
        out += [
            f"{'#' * (2 + depth)} {_heading(prov)}",
            "",
            "```yaml",
            yaml_text.rstrip("\n"),
            "```",
            "",
            body.strip("\n"),
            "",
        ]
    return "\n".join(out)


def _gap_lines(doc: Document, part_number: int) -> list[str]:
    part = doc.part(part_number)
    lines = []
    for label, _ in part.missing_anchors if part else ():
        lines.append(f"{label}{GAP}")
    return lines


def as_text(doc: Document, site: Site) -> str:
    """Readable UTF-8 text: labels in front of each provision, gaps marked, notes at the end."""
    out = [doc.title, ""]
    for section in doc.sections:
        out += [block.text for block in section.blocks] + [""]
    current_part = None
    done: set[str] = set()
    for prov in doc.provisions:
        for _, heading in _structure_headings(doc, prov, done):
            out += [heading, ""]
        if doc.has_parts and prov.part != current_part:
            for part in doc.parts:
                if (current_part or 0) < part.number <= (prov.part or 0):
                    out.append(f"{part.label}、{part.heading or GAP}")
                    out += _gap_lines(doc, part.number)
                    if (
                        not part.heading
                        and not any(p.part == part.number for p in doc.provisions)
                        and not part.missing_items
                    ):
                        out.append(f"{GAP}来源缺少本部分的标题和正文。")
                    out.append("")
            current_part = prov.part
        if prov.kind == "part":
            out += [p.text for p in prov.paragraphs] + [""]
            continue
        for para in prov.paragraphs:
            prefix = prov.display_label + prov.separator if para.index == 1 else ""
            gap = f"{GAP}……" if para.index == 1 and prov.incomplete == "start" else ""
            out.append(prefix + gap + para.text)
            out += _point_lines(para.items)  # 项 and 目, each on a line of its own
        out.append("")
    out += ["校勘说明", ""] + [f"{i}. {n}" for i, n in enumerate(doc.editorial_notes, 1)]
    out += [
        "",
        f"来源：{doc.source_description}校勘所据文件：{doc.source_name}。",
        f"网址：{site.config.base_url}{addresses.path_of(doc)}",
        "",
    ]
    return "\n".join(out)


def _point_lines(items: tuple[Item, ...]) -> list[str]:
    out = []
    for item in items:
        out.append(item.label + item.text)
        out += _point_lines(item.items)
    return out


def _points_json(
    doc: Document, prov: Provision, para: Paragraph, items: tuple[Item, ...], page: str, parent: Item | None = None
) -> list[dict]:
    out = []
    for item in items:
        point, sub = (parent, item) if parent else (item, None)
        data = {
            "index": item.index,
            "label": item.label,
            "id": item.anchor,
            "url": f"{page}#{item.anchor}",
            "citation": citation(doc, prov, para, point=point, sub=sub),
            "text": item.text,
        }
        if item.items:
            data["items"] = _points_json(doc, prov, para, item.items, page, item)
        out.append(data)
    return out


def _paragraph_json(doc: Document, prov: Provision, para: Paragraph, page: str) -> dict:
    data = {
        "index": para.index,
        "id": para.anchor,
        "url": f"{page}#{para.anchor}",
        "citation": citation(doc, prov, para),
        "text": para.full_text,
    }
    if para.items:  # only where the 款 has 项: the downloads of documents without stay as they were
        data["lead"] = para.text
        data["items"] = _points_json(doc, prov, para, para.items, page)
    return data


def _chapter_json(doc: Document, chapter: Chapter, site: Site) -> dict:
    page = addresses.canonical(site.config.base_url, addresses.path_of(chapter))
    return {
        "number": chapter.number,
        "label": chapter.label,
        "title": chapter.title,
        "id": chapter.anchor,
        "url": page,
        "citation": addresses.chapter_citation(doc, chapter),
        "book": chapter.book,
        "articles": [chapter.first, chapter.last],
        "sections": [
            {
                "number": s.number,
                "label": s.label,
                "title": s.title,
                "id": s.anchor,
                "url": f"{page}#{s.anchor}",
                "citation": addresses.chapter_citation(doc, chapter, s),
                "articles": [s.first, s.last],
            }
            for s in chapter.sections
        ],
    }


def _provision_json(doc: Document, prov: Provision, site: Site, links: Links) -> dict:
    page = addresses.canonical(site.config.base_url, addresses.path_of(prov))
    extra = {"chapter": prov.chapter, "section": prov.section} if doc.chapters else {}
    return extra | {
        "key": prov.key,
        "kind": prov.kind,
        "number": prov.number,
        "label": prov.label,
        "title": prov.title,
        "title_is_editorial": prov.title_is_editorial,
        "part": prov.part,
        "id": prov.anchor,
        "url": f"{page}#{prov.anchor}",
        "citation": citation(doc, prov),
        "incomplete": prov.incomplete,
        "topics": list(prov.topics),
        "related": [{"to": b.provision.key, "reason": b.reason} for b in links.related[prov.key]],
        "notes": [{"paragraph": n.paragraph, "text": n.text} for n in prov.notes],
        "paragraphs": [_paragraph_json(doc, prov, p, page) for p in prov.paragraphs],
    }


def as_json(doc: Document, site: Site, links: Links) -> str:
    data = {
        "$schema": JSON_SCHEMA,
        "slug": doc.slug,
        "title": doc.title,
        "short_title": doc.short_title,
        "doc_type": doc.doc_type,
        "issuer": list(doc.issuer),
        "dates": dict(doc.dates),
        "number": doc.number,
        "status": doc.status,
        "language": site.config.language,
        "url": site.config.base_url + addresses.path_of(doc),
        "source": {"file": doc.source_name, "description": doc.source_description},
        "editorial_notes": list(doc.editorial_notes),
        "parts": [
            {
                "number": p.number,
                "label": p.label,
                "heading": p.heading,
                "id": p.anchor,
                "missing_items": list(p.missing_items),
            }
            for p in doc.parts
        ],
        "sections": [
            {"id": s.anchor, "blocks": [{"kind": b.kind, "text": b.text} for b in s.blocks]} for s in doc.sections
        ],
        "provisions": [_provision_json(doc, p, site, links) for p in doc.provisions],
    }
    if doc.chapters:  # 法规型 documents in 章 (and 编); absent elsewhere, so other downloads stay as they were
        data["structure"] = doc.structure
        data["chapters"] = [_chapter_json(doc, c, site) for c in doc.chapters]
    if doc.books:
        data["books"] = [
            {"number": b.number, "label": b.label, "title": b.title, "id": b.anchor, "chapters": [b.first, b.last]}
            for b in doc.books
        ]
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def downloads(site: Site, links: Links) -> dict[str, str]:
    files = {}
    for doc in site.documents:
        files[addresses.download(doc.slug, "md")] = as_markdown(doc)
        files[addresses.download(doc.slug, "txt")] = as_text(doc, site)
        files[addresses.download(doc.slug, "json")] = as_json(doc, site, links)
    return files
