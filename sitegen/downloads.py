"""Downloads: each document as Markdown, plain text and JSON (schema: docs/json-schema.md)."""

from __future__ import annotations

import json

from . import addresses
from .addresses import citation
from .link import Links
from .model import GAP, Document, Provision, Site, cn_number

JSON_SCHEMA = "https://zj-policy.example.org/schema/document-v1.json"


def _front_matter_and_body(text: str) -> tuple[str, str]:
    end = text.find("\n---\n", 3)
    return text[4:end + 1], text[end + 5:]


def as_markdown(doc: Document) -> str:
    """The document file as written, then each provision with its YAML in a fenced block."""
    out = [doc.markdown_file.rstrip("\n"), ""]
    for prov in doc.provisions:
        yaml_text, body = _front_matter_and_body(prov.markdown_file)
        out += [f"## {prov.display_label}{prov.title}", "", "```yaml", yaml_text.rstrip("\n"), "```", "",
                body.strip("\n"), ""]
    return "\n".join(out)


def _gap_lines(doc: Document, part_number: int) -> list[str]:
    part = doc.part(part_number)
    lines = []
    for n in part.missing_items if part else ():
        lines.append(f"（{cn_number(n)}）{GAP}")
    return lines


def as_text(doc: Document, site: Site) -> str:
    """Readable UTF-8 text: labels in front of each provision, gaps marked, notes at the end."""
    out = [doc.title, ""]
    for section in doc.sections:
        out += [block.text for block in section.blocks] + [""]
    current_part = None
    for prov in doc.provisions:
        if doc.has_parts and prov.part != current_part:
            for part in doc.parts:
                if (current_part or 0) < part.number <= (prov.part or 0):
                    out.append(f"{part.label}、{part.heading or GAP}")
                    out += _gap_lines(doc, part.number)
                    if not part.heading and not any(p.part == part.number for p in doc.provisions) \
                            and not part.missing_items:
                        out.append(f"{GAP}来源缺少本部分的标题和正文。")
                    out.append("")
            current_part = prov.part
        if prov.kind == "part":
            out += [p.text for p in prov.paragraphs] + [""]
            continue
        for para in prov.paragraphs:
            prefix = prov.display_label if para.index == 1 else ""
            gap = f"{GAP}……" if para.index == 1 and prov.incomplete == "start" else ""
            out.append(prefix + gap + para.text)
        out.append("")
    out += ["校勘说明", ""] + [f"{i}. {n}" for i, n in enumerate(doc.editorial_notes, 1)]
    out += ["", f"来源：{doc.source_file}。{doc.source_description}",
            f"网址：{site.config.base_url}{addresses.path_of(doc)}", ""]
    return "\n".join(out)


def _provision_json(doc: Document, prov: Provision, site: Site, links: Links) -> dict:
    page = addresses.canonical(site.config.base_url, addresses.path_of(prov))
    return {
        "key": prov.key, "kind": prov.kind, "number": prov.number, "label": prov.label,
        "title": prov.title, "title_is_editorial": prov.title_is_editorial, "part": prov.part,
        "id": prov.anchor, "url": f"{page}#{prov.anchor}", "citation": citation(doc, prov),
        "incomplete": prov.incomplete, "topics": list(prov.topics),
        "related": [{"to": b.provision.key, "reason": b.reason} for b in links.related[prov.key]],
        "notes": [{"paragraph": n.paragraph, "text": n.text} for n in prov.notes],
        "paragraphs": [{"index": p.index, "id": p.anchor, "url": f"{page}#{p.anchor}",
                        "citation": citation(doc, prov, p), "text": p.text} for p in prov.paragraphs],
    }


def as_json(doc: Document, site: Site, links: Links) -> str:
    data = {
        "$schema": JSON_SCHEMA,
        "slug": doc.slug, "title": doc.title, "short_title": doc.short_title,
        "doc_type": doc.doc_type, "issuer": list(doc.issuer), "dates": dict(doc.dates),
        "number": doc.number, "status": doc.status, "language": site.config.language,
        "url": site.config.base_url + addresses.path_of(doc),
        "source": {"file": doc.source_file, "description": doc.source_description},
        "editorial_notes": list(doc.editorial_notes),
        "parts": [{"number": p.number, "label": p.label, "heading": p.heading, "id": p.anchor,
                   "missing_items": list(p.missing_items)} for p in doc.parts],
        "sections": [{"id": s.anchor, "blocks": [{"kind": b.kind, "text": b.text} for b in s.blocks]}
                     for s in doc.sections],
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
