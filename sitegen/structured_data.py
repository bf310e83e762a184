"""schema.org `Legislation` data for documents and provisions (JSON-LD)."""

from __future__ import annotations

import json

from . import addresses
from .addresses import citation
from .model import Chapter, Document, Provision, Site

# What each status in the front matter means for schema.org's LegalForceStatus.
LEGAL_FORCE = {"已生效": "InForce", "已印发": "InForce", "已废止": "NotInForce", "部分有效": "PartiallyInForce"}
JURISDICTION = {"@type": "AdministrativeArea", "name": "浙江省", "identifier": "CN-ZJ"}


def _url(site: Site, target: addresses.HasPage) -> str:
    return addresses.canonical(site.config.base_url, addresses.path_of(target))


# Inside <script>, "</script" ends the element and "<!--" changes how the rest is read:
# text such as `<!--<script>` in a title swallowed the page's next <script> (issue 16).
# These characters occur in JSON only inside strings, where \uXXXX means the same.
# (str.replace, not str.translate: translate looks up every character of the text in a dict.)


def _dump(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _common(site: Site, doc: Document) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "legislationType": doc.doc_type,
        "inLanguage": site.config.language,
        "legislationJurisdiction": JURISDICTION,
        "legislationPassedBy": [{"@type": "GovernmentOrganization", "name": n} for n in doc.issuer],
        "legislationDate": doc.date,
    }
    if doc.status in LEGAL_FORCE:
        data["legislationLegalForce"] = f"https://schema.org/{LEGAL_FORCE[doc.status]}"
    return data


def document(site: Site, doc: Document) -> str:
    url = _url(site, doc)
    data = _common(site, doc) | {
        "@id": url,
        "url": url,
        "name": doc.title,
        "alternateName": doc.short_title,
        "legislationIdentifier": doc.number or url,
        "hasPart": [{"@type": "Legislation", "@id": _url(site, p), "name": citation(doc, p)} for p in doc.provisions],
    }
    return _dump(data)


def chapter(site: Site, doc: Document, chapter: Chapter) -> str:
    """A 章: part of its document, with its 条 as parts."""
    url = _url(site, chapter)
    name = addresses.chapter_citation(doc, chapter)
    data = _common(site, doc) | {
        "@id": url,
        "url": url,
        "name": name,
        "alternateName": chapter.title,
        "legislationIdentifier": name,
        "isPartOf": {"@type": "Legislation", "@id": _url(site, doc), "name": doc.title},
        "hasPart": [
            {"@type": "Legislation", "@id": _url(site, p), "name": citation(doc, p)}
            for p in doc.chapter_provisions(chapter)
        ],
    }
    return _dump(data)


def provision(site: Site, doc: Document, prov: Provision) -> str:
    url = _url(site, prov)
    data = _common(site, doc) | {
        "@id": url,
        "url": url,
        "name": citation(doc, prov),
        "legislationIdentifier": citation(doc, prov),
        "text": "\n".join(p.full_text for p in prov.paragraphs),
        "isPartOf": {"@type": "Legislation", "@id": _url(site, doc), "name": doc.title},
    }
    chapter_ = doc.chapter(prov.chapter)
    if chapter_ is not None:  # a 条 of a 章 is part of it, and through it of the document
        data["isPartOf"] = {
            "@type": "Legislation",
            "@id": _url(site, chapter_),
            "name": addresses.chapter_citation(doc, chapter_),
            "isPartOf": data["isPartOf"],
        }
    return _dump(data)
