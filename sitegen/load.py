"""Load: read site.yaml and the content tree into the model, collecting every problem.

Nothing here writes files. Each problem is recorded with the file and line it comes
from; the stage raises `ContentErrors` once, at the end, with all of them. Reading a
file safely is `files.py`, YAML with line numbers `yamltext.py`, and a document folder
`documents.py`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from . import markup, parallel
from .documents import DOCUMENT_FILE, load_document
from .errors import ContentError, Problems, quote
from .files import list_folder, read_text
from .model import Document, Site, SiteConfig, Source, Term, Topic
from .yamltext import Fields, YList, parse_yaml, read_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A nav entry's path: a file of the built site, relative to its root, optionally with an
# anchor. Each segment starts with a letter or digit, so no '..', no scheme, no '/x'.
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
NAV_PATH = re.compile(rf"^(?:{_SEGMENT}/)*{_SEGMENT}\.[A-Za-z0-9]+(?:#[A-Za-z][A-Za-z0-9_-]*)?$")


# --- Glossary and topics -------------------------------------------------------------

TERM_FIELDS = {"term", "slug", "pinyin", "aliases", "en", "see_also"}


def load_terms(folder: Path, problems: Problems, root: Path | None = None) -> tuple[Term, ...]:
    root = folder.parent if root is None else root
    terms = []
    for path in list_folder(folder, problems) if os.path.isdir(folder) else []:
        if not path.name.endswith(".md"):
            continue
        read = read_markdown(path, problems, root)
        if read is None:
            continue
        _, data, body, body_line = read
        f = Fields(data, path, 2, problems, TERM_FIELDS)
        slug = f.str("slug")
        if slug is not None and (not SLUG.match(slug) or slug != path.stem):
            f.error("slug", f"slug {quote(slug)} must be ASCII pinyin and equal the file name {quote(path.stem)}")
        term, pinyin, en = f.str("term", max_len=60), f.str("pinyin"), f.str("en", max_len=200)
        aliases, see_also = f.str_list("aliases"), f.str_list("see_also")
        blocks = [t for t in markup.parse_blocks(body) if t.type == "inline"]
        if len(blocks) != 1:
            problems.error(path, body_line, "the definition must be exactly one paragraph")
            continue
        bad = markup.disallowed_inline(blocks[0].children or [])
        if bad:
            assert blocks[0].map is not None  # markdown-it gives a paragraph's inline token its lines
            problems.error(path, body_line + blocks[0].map[0], bad)
            continue
        if slug is None or term is None or pinyin is None or en is None:
            continue
        terms.append(
            Term(
                slug=slug,
                aliases=aliases,
                see_also=see_also,
                definition=blocks[0].content,
                definition_text=markup.plain_text(blocks[0].children or []),
                source=Source(str(path), f.line("term")),
                lines={k: f.line(k) for k in ("term", "aliases", "see_also")},
                term=term,
                pinyin=pinyin,
                en=en,
            )
        )
    return tuple(terms)


def check_terms(terms: tuple[Term, ...], problems: Problems) -> None:
    by_slug = {t.slug: t for t in terms}
    owner: dict[str, Term] = {}
    for term in terms:
        for i, form in enumerate(term.forms):
            other = owner.setdefault(form, term)
            if other is not term:
                problems.error(
                    term.source.path,
                    term.lines["term" if i == 0 else "aliases"],
                    f"term form {quote(form)} is also used by {other.source.path}",
                )
        for slug in term.see_also:
            if slug not in by_slug:
                problems.error(term.source.path, term.lines["see_also"], f"see_also names unknown term {quote(slug)}")


def load_topics(path: Path, problems: Problems, root: Path | None = None) -> dict[str, Topic]:
    if not os.path.lexists(path):
        problems.error(path, 1, "missing topics file")
        return {}
    text = read_text(path, problems, path.parent if root is None else root)
    data = parse_yaml(text, path, 1, problems) if text is not None else None
    if data is None:
        return {}
    if not isinstance(data, YList):  # a plain list (`!!omap`, `!!pairs`) has no line numbers
        problems.error(path, 1, "topics.yaml must be a list of topics")
        return {}
    topics: dict[str, Topic] = {}
    for i, entry in enumerate(data):
        line = data.lines[i]
        if not isinstance(entry, dict):
            problems.error(path, line, "each topic needs slug, name and description")
            continue
        f = Fields(entry, path, 1, problems, {"slug", "name", "description"})
        slug, name, desc = f.str("slug"), f.str("name"), f.str("description")
        if slug is None or name is None or desc is None:
            continue
        if not SLUG.match(slug):
            f.error("slug", f"topic slug {quote(slug)} must be ASCII pinyin (a-z, 0-9, -)")
        elif slug in topics:
            f.error("slug", f"duplicate topic slug {quote(slug)}")
        else:
            topics[slug] = Topic(slug, name, desc, Source(str(path), line))
    return topics


# --- Site ----------------------------------------------------------------------------

# Where the site is published: canonical links, JSON-LD, citations, QR codes and the sitemap carry it.
BASE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")
SITE_FIELDS = {"title", "short_title", "description", "base_url", "language", "documents", "nav", "search"}


def load_config(path: Path, problems: Problems, base_url: str | None = None) -> SiteConfig | None:
    if not os.path.lexists(path):
        problems.error(path, 1, "missing site configuration")
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    reported = len(problems.items)
    data = parse_yaml(text, path, 1, problems)
    if not isinstance(data, dict):
        if len(problems.items) == reported:  # an empty file, or YAML that is not a mapping
            problems.error(path, 1, "site.yaml must be a mapping")
        return None
    f = Fields(data, path, 1, problems, SITE_FIELDS)
    nav = []
    seq = f.list("nav")
    for i, entry in enumerate(seq):
        line = f.item_line("nav", seq, i)
        if not (isinstance(entry, dict) and isinstance(entry.get("label"), str) and isinstance(entry.get("path"), str)):
            problems.error(path, line, "each nav entry needs 'label' and 'path'")
        elif not NAV_PATH.match(entry["path"]):
            problems.error(
                path,
                line,
                f"nav path {quote(entry['path'])} must name a file of the site, relative "
                "to its root, as in glossary/index.html (no scheme, no leading '/', no '..')",
            )
        else:
            nav.append((entry["label"], entry["path"]))
    seq = f.list("documents")
    for i, slug in enumerate(seq):
        if isinstance(slug, str) and not SLUG.match(slug.strip()):
            problems.error(
                path,
                f.item_line("documents", seq, i),
                f"document {quote(slug)} must be a slug: a-z, 0-9 and single hyphens, as in yrd-decision",
            )
    title = f.str("title")
    short_title = f.str("short_title")
    description = f.str("description")
    url = base_url or f.str("base_url")
    if url is not None and not BASE_URL.match(url):
        message = f"base URL {quote(url)} must be an absolute http:// or https:// address, like https://example.org/"
        if base_url:
            problems.error("--base-url", 1, message)
        else:
            f.error("base_url", message)
        url = None
    language = f.str("language")
    search_value = data.get("search")
    search = search_value if isinstance(search_value, dict) else {}
    if title is None or short_title is None or description is None or url is None or language is None:
        return None
    return SiteConfig(
        nav=tuple(nav),
        documents=f.str_list("documents"),
        search=dict(search),
        title=title,
        short_title=short_title,
        description=description,
        base_url=url.rstrip("/") + "/",
        language=language,
    )


def document_folders(content: Path, problems: Problems) -> list[Path]:
    """The folders of `content` that hold a _document.md, by name; a folder that cannot be
    read, or whose name is not a slug (it becomes part of every address), is an error."""
    folders = []
    for entry in list_folder(content, problems):
        try:
            if not stat.S_ISDIR(os.stat(entry).st_mode):
                continue
            os.lstat(entry / DOCUMENT_FILE)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            problems.error(entry, 1, f"cannot read folder: {exc.strerror}")
            continue
        if not SLUG.match(entry.name):
            problems.error(
                entry / DOCUMENT_FILE,
                1,
                f"document folder name {quote(entry.name)} must be a slug: "
                "a-z, 0-9 and single hyphens, as in yrd-decision",
            )
            continue
        folders.append(entry)
    return folders


# Below this many documents, starting a second process to read them costs more than it saves.
PARALLEL_FROM = 8


def load_site(site_file: Path, content: Path, base_url: str | None = None, jobs: int = 1) -> tuple[Site, Problems]:
    """Read everything that can be read; the problems found go on to the link stage.

    With `jobs` > 1 and many documents, the document folders are shared among that many
    processes (each document is read on its own; `sitegen.parallel`). Raises
    ContentErrors only when the site settings themselves cannot be read.
    """
    problems = Problems()
    config = load_config(site_file, problems, base_url)
    topics = load_topics(content / "topics.yaml", problems, content)
    if not os.path.isdir(content):
        problems.error(content, 1, "content folder not found")
    folders = document_folders(content, problems) if os.path.isdir(content) else []

    def one(folder: Path) -> tuple[Document | None, list[ContentError]]:
        found = Problems()
        return load_document(folder, topics, found, content), found.items

    documents = []
    for doc, found in parallel.map_shares(one, folders, jobs if len(folders) >= PARALLEL_FROM else 1):
        problems.items += found
        if doc is not None:
            documents.append(doc)
    if config is not None and config.documents:
        order = {slug: i for i, slug in enumerate(config.documents)}
        for doc in documents:
            if doc.slug not in order:
                problems.error(site_file, 1, f"document {doc.slug!r} is not listed in 'documents'")
        documents.sort(key=lambda d: order.get(d.slug, len(order)))
    terms = load_terms(content / "glossary", problems, content)
    check_terms(terms, problems)
    if config is None:
        problems.raise_if_any()
        # load_config records a problem whenever it returns None, so raise_if_any raised
        raise AssertionError("no site configuration and no problem recorded")
    return Site(config, tuple(documents), terms, tuple(topics.values())), problems
