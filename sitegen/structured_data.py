"""schema.org `Legislation` data for documents and provisions (JSON-LD)."""

from __future__ import annotations

import json

from . import addresses
from .addresses import citation
from .model import Division, Document, Provision, Site

# What each status in the front matter means for schema.org's LegalForceStatus.
LEGAL_FORCE = {"已生效": "InForce", "已印发": "InForce", "已废止": "NotInForce", "部分有效": "PartiallyInForce"}
ZHEJIANG = {"@type": "AdministrativeArea", "name": "浙江省", "identifier": "CN-ZJ"}
CHINA = {"@type": "Country", "name": "中华人民共和国", "identifier": "CN"}


def _jurisdiction(doc: Document) -> dict:
    """Where the document applies: Zhejiang for its own bodies' documents, else the whole country."""
    return ZHEJIANG if any("浙江" in issuer for issuer in doc.issuer) else CHINA


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
        "legislationJurisdiction": _jurisdiction(doc),
        "legislationPassedBy": [{"@type": "GovernmentOrganization", "name": n} for n in doc.issuer],
    }
    if doc.date:
        data["legislationDate"] = doc.date
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


def division(site: Site, doc: Document, division: Division) -> str:
    """A 编, 章 or 附则 with a page of its own: part of its document, its provisions its parts."""
    url = _url(site, division)
    name = citation(doc, division)
    data = _common(site, doc) | {
        "@id": url,
        "url": url,
        "name": name,
        "legislationIdentifier": name,
        "isPartOf": _part_of(site, doc, division),
        "hasPart": [
            {"@type": "Legislation", "@id": _url(site, p), "name": citation(doc, p)} for p in division.provisions
        ],
    }
    if division.title:
        data["alternateName"] = division.title
    return _dump(data)


def _part_of(site: Site, doc: Document, unit: Division | Provision) -> dict:
    """What a unit is part of: the divisions with pages around it, innermost first, then the document."""
    data: dict = {"@type": "Legislation", "@id": _url(site, doc), "name": doc.title}
    for outer in doc.trail(unit):
        if outer.has_page:
            data = {"@type": "Legislation", "@id": _url(site, outer), "name": citation(doc, outer), "isPartOf": data}
    return data


def provision(site: Site, doc: Document, prov: Provision) -> str:
    url = _url(site, prov)
    data = _common(site, doc) | {
        "@id": url,
        "url": url,
        "name": citation(doc, prov),
        "legislationIdentifier": citation(doc, prov),
        "text": "\n".join(p.full_text for p in prov.paragraphs),
        "isPartOf": _part_of(site, doc, prov),
    }
    return _dump(data)
