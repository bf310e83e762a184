"""Search: the Pagefind index for the web and a compact script index for file://.

Readers expect Ctrl-F: a query finds every provision whose text contains it, for
any substring of any length. Pagefind matches whole indexed words (by prefix), and
its Chinese segmentation does not give that, so we decide what it indexes:

* one custom record per provision page and one per glossary term, never the HTML
  pages, so navigation, notes and the full-text pages are not indexed;
* a record's content is the set of its characters (letters and digits, folded,
  see `fold`), each a word of its own. The interface sends a query as its
  characters, one word each; Pagefind ANDs the words, so it returns every record
  that holds all of them: a superset of the records that contain the query;
* the record carries its real text, and static/search-ui.js keeps only the
  records whose text contains every term, so precision is 100 % and recall
  follows from the superset. See docs/search.md.

The real text and what a result shows travel in the record's meta. Pagefind 1.5
indexes meta values word by word, which would double the index a first query
downloads, so the values are sent to Pagefind *hidden*: every character shifted
into Unicode's supplementary private use plane (U+F0000 + code point), where
nothing is a letter or a digit and so nothing is indexed; the browser shifts them
back (`hide`, and `reveal` in static/search-ui.js). Filters would avoid the
shifting, but Pagefind 1.5 writes its filter index in hash-map order, which would
make two builds of the same site differ.

The same records, meta in clear, are written to search-index.js
(`window.SEARCH_INDEX`) for readers who open the site from disk, where Pagefind
cannot load; static/search-ui.js reads both through one code path.
"""

from __future__ import annotations

import base64
import json
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from .link import Links, provision_name
from .model import Provision, Site

OFFLINE_FILE = "search-index.js"
PAGEFIND_DIR = "pagefind"
# Language of the records: one Pagefind has neither a stemmer nor a word
# segmenter for, so our one-character words are indexed exactly as given.
RECORD_LANGUAGE = "unknown"
# What our interface loads from Pagefind's bundle; the rest (its UIs, the
# highlighter, the web worker we do not use) is not written.
PAGEFIND_KEEP = ("pagefind.js", "pagefind-entry.json", "wasm.", "pagefind.", "index/", "fragment/", "filter/")


class SearchError(Exception):
    pass


# --- folding and characters (static/search-ui.js implements the same rules) ----------

@lru_cache(maxsize=None)  # a few thousand distinct characters; called for every character indexed
def _fold_char(c: str) -> str:
    """NFKC and lower case, unless that changes the character's UTF-16 length."""
    f = unicodedata.normalize("NFKC", c).lower()
    return f if len(f.encode("utf-16-le")) == len(c.encode("utf-16-le")) else c


def fold(text: str) -> str:
    """How search compares text: case and full-/half-width differences ignored (Ａ = A = a, ，= ,)."""
    return "".join(_fold_char(c) for c in text)


def _is_word(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


HIDDEN = 0xF0000  # plane 15, private use: neither letters nor digits


def hide(text: str) -> str:
    """The text with every BMP character moved to plane 15 (see the module's docstring)."""
    return "".join(chr(HIDDEN + ord(c)) if ord(c) < 0xFFFE else c for c in text)


def characters(texts: list[str]) -> str:
    """What Pagefind indexes for a record: its distinct folded letters and digits, one word each."""
    return " ".join(dict.fromkeys(c for text in texts for c in fold(text) if _is_word(c)))


# --- records ---------------------------------------------------------------------

def _provision_record(prov: Provision, order: int) -> dict:
    for para in prov.paragraphs:
        if para.anchor != f"{prov.anchor}-p{para.index}":
            raise SearchError(f"{prov.source.path}: paragraph anchor {para.anchor} is not {prov.anchor}-p{para.index}")
    paras = [p.text.replace("\n", "") for p in prov.paragraphs]
    url = f"{prov.doc}/{prov.page}"
    return {"url": url, "content": characters(paras), "meta": {
        "o": f"{order:04d}",  # document order
        "u": url,
        "l": provision_name(prov),  # 第七条 / 第（四）项 / 第九部分
        "h": prov.title,
        "a": prov.anchor,  # paragraph N is #{a}-pN
        "p": "\n".join(paras),
    }}


def records(site: Site, links: Links) -> list[dict]:
    """Glossary terms (in the glossary's order), then provisions in document order.

    Each record is what Pagefind is given for it: url, content (the characters) and meta (in clear).
    """
    out = []
    terms = sorted(site.terms, key=lambda t: (t.pinyin.lower(), t.slug))
    for i, term in enumerate(terms):
        occ = links.occurrences.get(term.slug, ())
        found = {o.doc.slug for o in occ}  # a set: scanning occ once per document is quadratic at scale
        docs = [d.slug for d in site.documents if d.slug in found]
        forms = list(term.forms)
        out.append({"url": f"glossary/index.html#{term.slug}", "content": characters(forms), "meta": {
            "o": f"{i:04d}",
            "s": term.slug,  # a glossary term
            "f": "\n".join(forms),  # the term, then its aliases
            "d": " ".join(docs),  # the documents it occurs in
            "c": str(len(occ)),  # how often
        }})
    order = 0
    for doc in site.documents:
        for prov in doc.provisions:
            out.append(_provision_record(prov, order))
            order += 1
    return out


def offline_index(site: Site, links: Links) -> dict[str, str]:
    """search-index.js: the records as a classic script, for file:// where Pagefind cannot load."""
    data = [{"url": r["url"], "meta": r["meta"]} for r in records(site, links)]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {OFFLINE_FILE: "window.SEARCH_INDEX=" + text + ";\n"}


# --- Pagefind --------------------------------------------------------------------

class _Service:
    """A synchronous client for `pagefind --service` (the protocol of Pagefind's own wrappers).

    The Python wrapper polls its pipe every 100 ms per response, which would make
    one request per record cost a tenth of a second; this client writes every
    request at once and reads the answers as they come.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        exe = get_executable()
        if exe is None:
            raise SearchError("Pagefind binary not found; install pagefind[extended] or use --no-search")
        try:
            self.proc = subprocess.Popen([str(exe), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SearchError(f"cannot start Pagefind: {exc}") from exc
        self.next_id = 0
        self.buffer = b""

    def send(self, payloads: list[dict]) -> list[dict]:
        ids = []
        chunks = []
        for payload in payloads:
            self.next_id += 1
            ids.append(self.next_id)
            message = json.dumps({"message_id": self.next_id, "payload": payload}, ensure_ascii=False)
            chunks.append(base64.b64encode(message.encode("utf-8")) + b",")
        try:
            self.proc.stdin.write(b"".join(chunks))
            self.proc.stdin.flush()
        except OSError as exc:
            raise SearchError(f"Pagefind stopped: {exc}") from exc
        answers: dict[int, dict] = {}
        while len(answers) < len(ids):
            while b"," not in self.buffer:
                chunk = self.proc.stdout.read1(1 << 16)
                if not chunk:
                    raise SearchError("Pagefind stopped unexpectedly")
                self.buffer += chunk
            raw, _, self.buffer = self.buffer.partition(b",")
            answer = json.loads(base64.b64decode(raw))
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise SearchError(f"Pagefind: {payload.get('message')}")
            answers[answer.get("message_id")] = payload
        return [answers[i] for i in ids]

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def pagefind_index(root: Path, site: Site, links: Links) -> None:
    """Write the Pagefind bundle to root/pagefind/: one custom record per provision and term.

    The files are fetched from the service (GetFiles) and written here, rather than
    by the service (WriteFiles), which answers before its writes are all on disk:
    a build could end with a truncated wasm file when the service exits.
    """
    if site.config.search.get("pagefind") is False:
        return
    recs = records(site, links)
    service = _Service()
    try:
        [created] = service.send([{"type": "NewIndex", "config": None}])
        index = created["index_id"]
        service.send([{"type": "AddRecord", "index_id": index, "language": RECORD_LANGUAGE,
                       "url": r["url"], "content": r["content"], "filters": None, "sort": None,
                       "meta": {k: hide(v) for k, v in r["meta"].items()}} for r in recs])
        [bundle] = service.send([{"type": "GetFiles", "index_id": index}])
    finally:
        service.close()
    out = root / PAGEFIND_DIR
    for file in sorted(bundle.get("files", []), key=lambda f: f["path"]):
        rel = file["path"].replace("\\", "/")
        if not rel.startswith(PAGEFIND_KEEP) or rel.startswith(("/", "..")):
            continue
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(file["content"]))
    if not (out / "pagefind.js").is_file() or not any(out.glob("wasm.*")):
        raise SearchError("Pagefind returned an incomplete bundle")
