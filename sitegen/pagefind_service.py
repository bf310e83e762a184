"""A client for `pagefind --service`: the search index for the web, from our own records.

Why not Pagefind's Python wrapper: it polls its pipe with a fixed 0.1 s sleep per
reply, which makes one request per record cost a tenth of a second. This client
writes every request at once and reads the answers as they come. It speaks the
protocol of Pagefind 1.5 (requirements.txt pins pagefind 1.5.2; `PROTOCOL` names
the version it was written against): base64 JSON messages separated by commas,
`{"message_id", "payload"}` each way. Recheck it when upgrading Pagefind.

The records come from sitegen/search_records.py; what they are and why they are
shaped so is explained there and in docs/search.md.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

from . import addresses
from .search_records import hide, record_content

PROTOCOL = "1.5"  # the Pagefind version whose service protocol this speaks
# Language of the records: one Pagefind has neither a stemmer nor a word
# segmenter for, so our one-character words are indexed exactly as given.
RECORD_LANGUAGE = "unknown"
# What our interface loads from Pagefind's bundle; the rest (its UIs, the
# highlighter, the web worker we do not use) is not written.
PAGEFIND_KEEP = ("pagefind.js", "pagefind-entry.json", "wasm.", "pagefind.", "index/", "fragment/", "filter/")


class SearchError(Exception):
    pass


# pagefind.js 1.5.2 swallows a failed request: a 404, a corrupt or an aborted index chunk is
# logged and the search goes on without it, answering "no results" for every query that
# needed it, and the failure stays cached. These edits make a failed request an error the
# interface sees (it then falls back to search-index.js, or says that search failed), and
# forget it so that a retry fetches again. Each must match exactly once, or the build stops:
# recheck them when upgrading Pagefind.
PAGEFIND_JS_PATCHES = (
    # a response that is not 2xx is an error, not a body to decompress
    (
        "queued.resolve(await fetch(queued.input));",
        "const r=await fetch(queued.input);if(!r.ok)throw new Error(`${r.status} ${queued.input}`);queued.resolve(r);",
    ),
    # an index or filter chunk that did not load is an error
    (
        "console.error(`Failed to load the index chunk ${url}:\n${e?.toString()}`);}}",
        "console.error(`Failed to load the index chunk ${url}:\n${e?.toString()}`);throw e;}}",
    ),
    (
        "console.error(`Failed to load the meta index:\n${e?.toString()}`);}}",
        "console.error(`Failed to load the meta index:\n${e?.toString()}`);throw e;}}",
    ),
    # a body without Pagefind's signature after decompression is corrupt
    (
        "console.error(`Decompressing ${file} appears to have failed: Missing signature`);return data;",
        "throw new Error(`Decompressing ${file} failed: missing signature`);",
    ),
    # a failed chunk or fragment is fetched again next time
    (
        'this.loaded_chunks[hash]=this._loadGenericChunk(url,"load_index_chunk");',
        'this.loaded_chunks[hash]=this._loadGenericChunk(url,"load_index_chunk")'
        ".catch((e)=>{delete this.loaded_chunks[hash];throw e;});",
    ),
    (
        "this.loaded_fragments[hash]=this._loadFragment(hash);",
        "this.loaded_fragments[hash]=this._loadFragment(hash)"
        ".catch((e)=>{delete this.loaded_fragments[hash];throw e;});",
    ),
)


def patch_pagefind_js(text: str) -> str:
    for old, new in PAGEFIND_JS_PATCHES:
        if text.count(old) != 1:
            raise SearchError(
                f"pagefind.js is not the one sitegen/pagefind_service.py patches "
                f"(Pagefind {PROTOCOL}.x): {old[:60]!r} found {text.count(old)} times"
            )
        text = text.replace(old, new)
    return text


class _Service:
    """A synchronous client for `pagefind --service` (the protocol of Pagefind's own wrappers).

    The Python wrapper polls its pipe every 100 ms per response, which would make
    one request per record cost a tenth of a second; this client writes every
    request at once and reads the answers as they come.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        from importlib.metadata import version as installed

        version = installed("pagefind")
        if not version.startswith(PROTOCOL + "."):
            raise SearchError(f"Pagefind {version} is installed; this client speaks the protocol of {PROTOCOL}")
        exe = get_executable()
        if exe is None:
            raise SearchError("Pagefind binary not found; install pagefind[extended] or use --no-search")
        try:
            self.proc = subprocess.Popen(
                [str(exe), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except OSError as exc:
            raise SearchError(f"cannot start Pagefind: {exc}") from exc
        assert self.proc.stdin is not None and self.proc.stdout is not None  # both are pipes
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
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
            self.stdin.write(b"".join(chunks))
            self.stdin.flush()
        except OSError as exc:
            raise SearchError(f"Pagefind stopped: {exc}") from exc
        answers: dict[int, dict] = {}
        while len(answers) < len(ids):
            while b"," not in self.buffer:
                chunk = os.read(self.stdout.fileno(), 1 << 16)
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
            self.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def pagefind_index(root: Path, recs: list[dict]) -> None:
    """Write the Pagefind bundle to root/pagefind/: one custom record per provision (the glossary
    travels in search-terms.json, see search_records.offline_index).

    The files are fetched from the service (GetFiles) and written here, rather than
    by the service (WriteFiles), which answers before its writes are all on disk:
    a build could end with a truncated wasm file when the service exits.
    """
    service = _Service()
    try:
        [created] = service.send([{"type": "NewIndex", "config": None}])
        index = created["index_id"]
        service.send(
            [
                {
                    "type": "AddRecord",
                    "index_id": index,
                    "language": RECORD_LANGUAGE,
                    "url": r["url"],
                    "content": record_content(r),
                    "filters": None,
                    "sort": None,
                    "meta": {k: hide(v) for k, v in r["meta"].items()},
                }
                for r in recs
            ]
        )
        [bundle] = service.send([{"type": "GetFiles", "index_id": index}])
    finally:
        service.close()
    out = root / addresses.PAGEFIND_DIR
    for file in sorted(bundle.get("files", []), key=lambda f: f["path"]):
        rel = file["path"].replace("\\", "/")
        if not rel.startswith(PAGEFIND_KEEP) or rel.startswith(("/", "..")):
            continue
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        content = base64.b64decode(file["content"])
        if rel == "pagefind.js":
            content = patch_pagefind_js(content.decode("utf-8")).encode("utf-8")
        path.write_bytes(content)
    if not (out / "pagefind.js").is_file() or not any(out.glob("wasm.*")):
        raise SearchError("Pagefind returned an incomplete bundle")
